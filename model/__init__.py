"""boilerline's predict API: load a trained line classifier and label page dumps.

>>> from boilerline.model import load_model
>>> clf = load_model()
>>> clf.predict(["Title of the story", "", "The first paragraph of the story ..."])  # doctest: +SKIP
['headline', None, 'body']
"""

from .api import load_model
from .classifier import LineClassifier
from .labels import CONTENT_LABELS, LABELS
from .persist import ModelLoadError

__all__ = ["CONTENT_LABELS", "LABELS", "LineClassifier", "ModelLoadError", "load_model"]
