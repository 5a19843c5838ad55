"""Thin wrappers around the compiled loops of :mod:`boilerline.features._ccore`.

The extension writes integers into arrays allocated here and takes its lookup tables and
parameters from the numpy implementation's own definitions, so that the two cannot drift
apart: ``tests/test_speed_equivalence.py`` checks that they compute the same features.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

import numpy as np

from . import tokens as T
from .lexicon import count_columns


class CoreText:
    """A batch's hashed tokens and text-derived document columns, from one compiled pass.

    Attributes
    ----------
    indptr, indices : ndarray
        The hashed tokens in CSR layout, as :func:`boilerline.features.token_hashes` returns them.
    doc : ndarray of int64, shape (n_lines, len(doc_names)), or None
        Per line: key length, repeats in its document, whether it repeats an earlier line,
        distinct title-comparable words, words shared with the title, title containment.
    doc_names : tuple of str
        The columns of ``doc`` (``_ccore.DOC_STAT_NAMES``).
    lex : ndarray of int64, or None
        Per line, the lexicon's word counts (:func:`boilerline.features.lexicon._word_counts`),
        when the pass was given the lexicon.
    """

    __slots__ = ("indptr", "indices", "doc", "doc_names", "lex")

    def __init__(self, indptr: np.ndarray, indices: np.ndarray, doc: np.ndarray | None, doc_names: tuple[str, ...],
                 lex: np.ndarray | None = None):
        self.indptr, self.indices, self.doc, self.doc_names, self.lex = indptr, indices, doc, doc_names, lex


def _tokens_per_line() -> int:
    """The most tokens :func:`boilerline.features.tokens._line_tokens` gives one line."""
    return T.HEAD_WORDS + min(T.HEAD_WORDS, 2) + 3 + max(T.TRIGRAM_CHARS - 2, 0)


@lru_cache(maxsize=1)
def _word_bytes() -> np.ndarray:
    """The ``\\w`` table of the numpy token code, as bytes the extension reads."""
    from ._fasttokens import _word_table

    return _word_table().view(np.uint8)


def text_stats(core, lines: Sequence[str], doc_lengths: Sequence[int] | None, title_max_chars: int,
               lexicon: tuple[list[str], np.ndarray] | None = None) -> CoreText:
    """Hashed tokens and, when ``doc_lengths`` is given, the text-derived document columns.

    Parameters
    ----------
    core : module
        :mod:`boilerline.features._ccore`.
    lines : sequence of str
    doc_lengths : sequence of int or None
        Lines per document; ``None`` computes the tokens only.
    title_max_chars : int
        Longest key compared with its document's title (``lines.TITLE_MAX_CHARS``).
    lexicon : (words, kinds), optional
        Also count these words in the same pass (see :mod:`boilerline.features.lexicon`).

    Returns
    -------
    CoreText
    """
    n = len(lines)
    indptr = np.empty(n + 1, dtype=np.int64)
    indices = np.empty(n * _tokens_per_line(), dtype=np.int32)
    doc = None if doc_lengths is None else np.empty((n, len(core.DOC_STAT_NAMES)), dtype=np.int64)
    lengths = np.ascontiguousarray(doc_lengths if doc_lengths is not None else (), dtype=np.int64)
    params = (T.HEAD_WORDS, T.HEAD_CHARS, T.TAIL_CHARS, T.WHOLE_LINE_MAX_CHARS, T.TRIGRAM_CHARS,
              T.MAX_WORD_CHARS, title_max_chars, T.N_BUCKETS)
    if lexicon is None:
        used = core.text_stats(lines, lengths, _word_bytes(), params, indptr, indices, doc)
        return CoreText(indptr, indices[:used].copy(), doc, core.DOC_STAT_NAMES)
    words, kinds = lexicon
    lex = np.empty((n, count_columns(kinds)), dtype=np.int64)
    used = core.text_stats(lines, lengths, _word_bytes(), params, indptr, indices, doc, words, kinds, lex)
    return CoreText(indptr, indices[:used].copy(), doc, core.DOC_STAT_NAMES, lex)
