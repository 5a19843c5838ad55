"""All the features a model uses, computed in named steps over a batch of documents."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .context import neighbour_features, window_means
from .lexicon import lexicon_features, lexicon_words
from .lines import line_features
from .tokens import N_BUCKETS, token_hashes


@dataclass(frozen=True)
class FeatureBatch:
    """The features of a batch of documents.

    Attributes
    ----------
    dense : ndarray of shape (n_lines, n_dense), float32
        Per-line features followed by neighbour and window features.
    names : tuple of str
        Column names of ``dense``.
    indptr, indices : ndarray
        The hashed lexical tokens in CSR layout (see :func:`~boilerline.features.token_hashes`).
    doc_lengths : tuple of int
        Lines per document.
    """

    dense: np.ndarray
    names: tuple[str, ...]
    indptr: np.ndarray
    indices: np.ndarray
    doc_lengths: tuple[int, ...]

    @property
    def n_buckets(self) -> int:
        return N_BUCKETS


def extract_features(lines: Sequence[str], doc_lengths: Sequence[int] | None = None) -> FeatureBatch:
    """Compute every feature of a batch of documents.

    Parameters
    ----------
    lines : sequence of str
        Stripped, non-blank lines of the documents, one document after another.
    doc_lengths : sequence of int, optional
        Lines per document (default: all lines are one document).

    Returns
    -------
    FeatureBatch
    """
    from . import _backend
    from ._fasttokens import prepare
    from .lines import TITLE_MAX_CHARS

    doc_lengths = tuple(doc_lengths) if doc_lengths is not None else (len(lines),)
    # case-folded once for titles and tokens
    if not len(lines):
        text = None
    elif _backend.CORE is not None:
        from ._compiled import text_stats

        text = text_stats(_backend.CORE, lines, doc_lengths, TITLE_MAX_CHARS, lexicon_words())
    else:
        text = prepare(lines)
    own, own_names = line_features(lines, doc_lengths, _text=text)
    lex, lex_names = lexicon_features(lines, _text=text)
    own, own_names = np.hstack([own, lex]), own_names + lex_names
    nb, nb_names = neighbour_features(own, own_names, doc_lengths)
    win, win_names = window_means(own, own_names, doc_lengths)
    indptr, indices = token_hashes(lines, text)
    dense = np.empty((len(lines), own.shape[1] + nb.shape[1] + win.shape[1]), dtype=np.float32)
    dense[:, : own.shape[1]] = own
    dense[:, own.shape[1]: own.shape[1] + nb.shape[1]] = nb
    dense[:, own.shape[1] + nb.shape[1]:] = win
    return FeatureBatch(
        dense=dense,
        names=own_names + nb_names + win_names,
        indptr=indptr,
        indices=indices,
        doc_lengths=doc_lengths,
    )


def feature_names() -> tuple[str, ...]:
    """The dense feature names :func:`extract_features` produces (models check them on load)."""
    return extract_features(["x"]).names
