"""Hashed lexical features: the words a line starts and ends with, and short lines whole.

Boilerplate is recognised by its wording far more than by its length ("Leave a Reply",
"Mots-clés :", "Publicité", "Share on Facebook"), and that wording sits at the start of the
line.  So each line contributes a bounded number of tokens, whatever its length: the first
few words (with and without their position), the first word pair, the last word, the whole
line when it is short, and character trigrams of its opening (for scripts written without
spaces).  Tokens are hashed with CRC-32 into a fixed number of buckets: no vocabulary to
ship, deterministic on every platform and Python run (unlike ``hash()``), and the same
mechanism works for every language.
"""

from __future__ import annotations

import re
import zlib
from typing import Sequence

import numpy as np

#: Number of hash buckets (columns of the lexical matrix).
N_BUCKETS = 1 << 15
#: How many opening words of a line are used.
HEAD_WORDS = 4
#: Characters of the line's opening and end that are tokenised.
HEAD_CHARS = 60
TAIL_CHARS = 30
#: Lines at most this long also count as one token (exact boilerplate strings).
WHOLE_LINE_MAX_CHARS = 40
#: Characters of the opening turned into character trigrams.
TRIGRAM_CHARS = 8
#: Words are cut to this length so that unspaced scripts do not make one giant token.
MAX_WORD_CHARS = 12

WORD_RE = re.compile(r"\w+")
DIGITS_RE = re.compile(r"[0-9]")


def _line_tokens(line: str) -> list[str]:
    """The tokens of one (stripped) line, each with a prefix naming its kind."""
    low = DIGITS_RE.sub("0", line.casefold())
    head = [w[:MAX_WORD_CHARS] for w in WORD_RE.findall(low[:HEAD_CHARS])[:HEAD_WORDS]]
    tokens = [f"w:{w}" for w in head]
    tokens += [f"p{i}:{w}" for i, w in enumerate(head[:2])]
    if len(head) >= 2:
        tokens.append(f"b:{head[0]} {head[1]}")
    tail = WORD_RE.findall(low[-TAIL_CHARS:])
    if tail:
        tokens.append(f"e:{tail[-1][-MAX_WORD_CHARS:]}")
    if len(low) <= WHOLE_LINE_MAX_CHARS:
        tokens.append("l:" + " ".join(WORD_RE.findall(low)))
    opening = low[:TRIGRAM_CHARS]
    tokens += [f"c:{opening[i:i + 3]}" for i in range(max(len(opening) - 2, 0))]
    return tokens


def _token_hashes_reference(lines: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """:func:`token_hashes` one line and one token at a time (the definition; slow)."""
    crc = zlib.crc32
    mask = N_BUCKETS - 1
    indices: list[int] = []
    indptr = np.zeros(len(lines) + 1, dtype=np.int64)
    for i, line in enumerate(lines):
        indices.extend(crc(t.encode("utf-8", "surrogatepass")) & mask for t in _line_tokens(line))
        indptr[i + 1] = len(indices)
    return indptr, np.asarray(indices, dtype=np.int32)


def token_hashes(lines: Sequence[str], _text=None) -> tuple[np.ndarray, np.ndarray]:
    """Hash the lexical tokens of each line into bucket indices.

    Parameters
    ----------
    lines : sequence of str
        Stripped, non-blank lines.

    Returns
    -------
    indptr : ndarray of int64, shape (len(lines) + 1,)
        Line ``i``'s buckets are ``indices[indptr[i]:indptr[i + 1]]`` (CSR layout).
    indices : ndarray of int32
        Bucket indices in ``[0, N_BUCKETS)``; a bucket may repeat within a line.

    Notes
    -----
    The result is exactly that of hashing :func:`_line_tokens` with :func:`zlib.crc32`, but
    computed over the whole batch at once (see :mod:`boilerline.features._fasttokens`), or by the
    compiled loops when they are built (:data:`boilerline.features.BACKEND`): the tokens are
    never built as strings.  ``_text`` is the batch's :func:`~._fasttokens.prepare` or
    :func:`~._compiled.text_stats` result when the caller already has it.
    """
    from . import _backend
    from ._compiled import CoreText, text_stats
    from ._fasttokens import fast_token_hashes

    if isinstance(_text, CoreText):
        return _text.indptr, _text.indices
    if _text is None and _backend.CORE is not None:
        text = text_stats(_backend.CORE, lines, None, 0)
        return text.indptr, text.indices
    out = fast_token_hashes(lines, _text)
    return out if out is not None else _token_hashes_reference(lines)


def weighted_token_matrix(indptr: np.ndarray, indices: np.ndarray):
    """Hashed tokens in CSR layout as a SciPy matrix of shape (n_lines, N_BUCKETS).

    Each token weighs ``1 / sqrt(tokens in its line)``, so short and long lines weigh the
    same.  Training and prediction both build the matrix here, so they cannot drift apart.
    A bucket that repeats within a line stays as separate entries (products sum them).
    """
    from scipy.sparse import csr_matrix

    counts = np.diff(indptr)
    values = np.repeat((1.0 / np.sqrt(np.maximum(counts, 1))).astype(np.float32), counts)
    return csr_matrix((values, indices, indptr), shape=(len(indptr) - 1, N_BUCKETS))


def token_matrix(lines: Sequence[str]):
    """The lexical features of ``lines`` as a canonical SciPy CSR matrix (duplicates summed).

    For training; prediction uses :func:`token_hashes` and :func:`weighted_token_matrix`.
    """
    X = weighted_token_matrix(*token_hashes(lines))
    X.sum_duplicates()
    return X
