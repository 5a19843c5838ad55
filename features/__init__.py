"""Line features for boilerline: pure functions from lines to numpy matrices.

Per-line features (:func:`line_features`), neighbour features (:func:`neighbour_features`,
:func:`window_means`, :func:`running_summaries`), hashed lexical tokens (:func:`token_hashes`),
credit, ad and template-box words (:func:`lexicon_features`) and the full set a model uses
(:func:`extract_features`).  :data:`BACKEND` says whether the per-character loops run compiled
("c", the optional ``_ccore`` extension) or in numpy.
"""

from ._backend import BACKEND
from .context import neighbour_features, running_summaries, shift_within_documents, window_means
from .lexicon import lexicon_features
from .lines import LINE_FEATURE_NAMES, line_features
from .pipeline import FeatureBatch, extract_features, feature_names
from .tokens import N_BUCKETS, token_hashes, token_matrix, weighted_token_matrix

__all__ = [
    "BACKEND",
    "FeatureBatch",
    "LINE_FEATURE_NAMES",
    "N_BUCKETS",
    "extract_features",
    "feature_names",
    "lexicon_features",
    "line_features",
    "neighbour_features",
    "running_summaries",
    "shift_within_documents",
    "token_hashes",
    "token_matrix",
    "weighted_token_matrix",
    "window_means",
]
