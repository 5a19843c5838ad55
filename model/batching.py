"""Helpers shared by the ``datasets`` and datatrove integrations: a per-process model cache,
a model fingerprint for caches, and article statistics.

The integrations hand a *model reference* (``None`` for the shipped model, or a path) to
worker processes rather than a loaded model: each process loads the model the first time it
needs it (:func:`cached_model`) and keeps it for the rest of its life.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence, Union

from .classifier import LineClassifier
from .labels import CONTENT_LABELS

#: What the integrations accept as a model: None (the shipped model), a path, or a loaded one.
ModelRef = Union[None, str, os.PathLike, LineClassifier]

_MODELS: dict[str, LineClassifier] = {}


def cached_model(model: ModelRef = None) -> LineClassifier:
    """The classifier for ``model``, loaded once per process.

    Parameters
    ----------
    model : None, str, PathLike or LineClassifier
        ``None`` for the shipped model, a path to an artifact, or a loaded classifier (returned
        as it is).
    """
    if isinstance(model, LineClassifier):
        return model
    from .api import load_model

    key = "" if model is None else str(Path(model).resolve())
    clf = _MODELS.get(key)
    if clf is None:
        clf = load_model(model)
        _MODELS[key] = clf
    return clf


def model_fingerprint(model: ModelRef = None) -> str:
    """A short string that changes when the model file changes (used by caches and hashes).

    ``datasets`` hashes a map function to name its cache files: with this in the function's
    state, retraining a model at the same path does not reuse stale cached labels.
    """
    if isinstance(model, LineClassifier):
        return "loaded:" + str(model.metadata.get("training_data_hash", ""))
    if model is None:
        from .api import shipped_model_path

        path = shipped_model_path()
    else:
        path = Path(model)
    try:
        st = path.stat()
        return f"{path.resolve()}:{st.st_size}:{st.st_mtime_ns}"
    except OSError:
        return f"{path}:missing"


def article_stats(
    lines: Sequence[str], labels: Sequence[str | None], content: Sequence[str] = CONTENT_LABELS
) -> tuple[int, int]:
    """Characters and words of the article: the lines labelled with one of ``content``.

    Characters count the stripped lines without the line breaks between them; words are
    whitespace-separated tokens.
    """
    content = frozenset(content)
    chars = words = 0
    for line, label in zip(lines, labels):
        if label is not None and label in content:
            stripped = line.strip()
            chars += len(stripped)
            words += len(stripped.split())
    return chars, words
