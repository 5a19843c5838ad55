"""Neighbour features: what the lines around each line look like.

A line's role depends on its neighbours: an excerpt under "Related Articles" reads like
body text, "Name" and "Email" are comment-form fields because of what surrounds them.  These
functions take a per-line matrix (from :func:`boilerline.features.lines.line_features` or a
model's per-line probabilities) and return, for each line, its neighbours' values within the
same document, and running summaries of the document before and after it.  Pure functions:
matrices in, matrices out, never crossing a document boundary.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from . import _backend

#: Offsets of the neighbours whose features are copied.
NEIGHBOUR_OFFSETS = (-2, -1, 1, 2)
#: Per-line columns copied from each neighbour (the cheap, telling ones).
NEIGHBOUR_COLUMNS = (
    "log_chars",
    "ends_sentence",
    "ends_colon",
    "frac_punct",
    "frac_capitalised_words",
    "separators_per_word",
    "at_most_3_words",
    "n_shortcodes",
    "n_dates",
    "starts_bullet",
    "doc_title_jaccard",
    "lex_credit_words",
)
#: Half-widths of the windows whose means are taken (lines on each side).
WINDOW_HALF_WIDTHS = (3, 10)
#: Per-line columns averaged over windows.
WINDOW_COLUMNS = ("log_chars", "ends_sentence", "at_most_3_words")


def _doc_index(doc_lengths: Sequence[int] | None, n: int) -> np.ndarray:
    if doc_lengths is None:
        doc_lengths = [n]
    if sum(doc_lengths) != n:
        raise ValueError(f"doc_lengths add up to {sum(doc_lengths)}, not to the {n} rows given")
    return np.repeat(np.arange(len(doc_lengths)), np.asarray(doc_lengths, dtype=np.int64))


def shift_within_documents(
    X: np.ndarray, offset: int, doc_lengths: Sequence[int] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Row ``i`` of the result is row ``i + offset`` of ``X`` when it is in the same document.

    Returns
    -------
    shifted : ndarray, same shape as ``X``; zeros where the neighbour does not exist.
    exists : ndarray of float32, shape (n,); 1.0 where it does.
    """
    n = X.shape[0]
    doc = _doc_index(doc_lengths, n)
    j = np.arange(n) + offset
    inside = (j >= 0) & (j < n)
    jc = np.clip(j, 0, max(n - 1, 0))
    exists = inside & (doc[jc] == doc) if n else inside
    shifted = np.where(exists[:, None], X[jc], 0.0).astype(np.float32) if n else X.copy()
    return shifted, exists.astype(np.float32)


def neighbour_features(
    X: np.ndarray,
    names: Sequence[str],
    doc_lengths: Sequence[int] | None = None,
    offsets: Sequence[int] = NEIGHBOUR_OFFSETS,
    columns: Sequence[str] = NEIGHBOUR_COLUMNS,
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Copy chosen columns of each line's neighbours onto the line.

    Parameters
    ----------
    X : ndarray of shape (n_lines, n_features)
    names : sequence of str
        Column names of ``X``.
    doc_lengths : sequence of int, optional
        Lines per document, in order (default: one document).
    offsets : sequence of int
        Which neighbours: -1 is the line above, 2 the second line below.
    columns : sequence of str
        Which columns of ``X`` to copy.

    Returns
    -------
    Xn : ndarray of shape (n_lines, len(offsets) * (len(columns) + 1)), float32
    names : tuple of str
    """
    idx = [list(names).index(c) for c in columns]
    n, k = X.shape[0], len(idx)
    doc = _doc_index(doc_lengths, n)
    V = X[:, idx].astype(np.float32)
    out = np.zeros((n, len(offsets) * (k + 1)), dtype=np.float32)
    out_names: list[str] = []
    for b, off in enumerate(offsets):
        # row i gets row i + off when that row exists and is in the same document
        lo, hi = max(0, -off), min(n, n - off)
        if hi > lo:
            col = b * (k + 1)
            same = doc[lo + off:hi + off] == doc[lo:hi]
            out[lo:hi, col:col + k] = V[lo + off:hi + off]
            out[lo:hi, col + k] = same
            out[np.flatnonzero(~same) + lo, col:col + k] = 0.0  # across a document edge
        out_names += [f"nb{off:+d}_{c}" for c in columns] + [f"nb{off:+d}_exists"]
    return out, tuple(out_names)


def window_means(
    X: np.ndarray,
    names: Sequence[str],
    doc_lengths: Sequence[int] | None = None,
    half_widths: Sequence[int] = WINDOW_HALF_WIDTHS,
    columns: Sequence[str] = WINDOW_COLUMNS,
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Mean of chosen columns over the lines within ``h`` lines of each line (same document)."""
    n = X.shape[0]
    doc = _doc_index(doc_lengths, n)
    idx = [list(names).index(c) for c in columns]
    V = X[:, idx].astype(np.float64)
    csum = np.vstack([np.zeros((1, V.shape[1])), np.cumsum(V, axis=0)])
    bounds = np.concatenate([[0], np.cumsum(np.bincount(doc, minlength=doc.max() + 1 if n else 0))])
    doc_start = bounds[doc] if n else np.zeros(0, dtype=np.int64)
    doc_end = bounds[doc + 1] if n else np.zeros(0, dtype=np.int64)
    rows = np.arange(n)
    blocks, out_names = [], []
    for h in half_widths:
        lo = np.maximum(rows - h, doc_start)
        hi = np.minimum(rows + h + 1, doc_end)
        blocks.append((csum[hi] - csum[lo]) / np.maximum(hi - lo, 1)[:, None])
        out_names += [f"win{h}_{c}" for c in columns]
    if not blocks:
        return np.zeros((n, 0), dtype=np.float32), ()
    return np.hstack(blocks).astype(np.float32), tuple(out_names)


#: Default decay of :func:`running_summaries` (per line: 0.7 of the state carries on).
RUNNING_DECAY = 0.7
#: The scans stop once ``decay ** step`` is below this: lines further back add less than it.
SCAN_NEGLIGIBLE = 1e-10


def _decayed_scan(P: np.ndarray, pos: np.ndarray, decay: float) -> np.ndarray:
    """``y[i] = P[i] + decay * y[i - 1]``, restarting where ``pos`` (index in the document) is 0.

    Lines more than ``2 * step`` back, where ``decay ** step`` is negligible (below
    :data:`SCAN_NEGLIGIBLE`), are left out: for decay 0.7 that is 127 lines.
    """
    y = np.array(P, dtype=np.float64)
    step = 1
    longest = int(pos.max()) + 1 if len(pos) else 0
    while step < longest and decay ** step >= SCAN_NEGLIGIBLE:
        add = y[:-step] * (decay ** step)  # a copy: y[step:] must see the previous values
        add[pos[step:] < step] = 0.0  # not in the same document
        y[step:] += add
        step *= 2
    return y


def running_summaries(
    P: np.ndarray,
    names: Sequence[str],
    doc_lengths: Sequence[int] | None = None,
    decay: float = RUNNING_DECAY,
    out: np.ndarray | None = None,
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Exponentially decayed sums of ``P`` over the lines before and after each line.

    Meant for a first model's per-line label probabilities: "a related-articles heading
    came shortly before this line" is section state, which holds until the next section.
    ``out``: an (n, 2 * k) float32 array to fill instead of a new one.
    """
    n, k = P.shape
    out_names = tuple(f"before_{c}" for c in names) + tuple(f"after_{c}" for c in names)
    core = _backend.CORE
    if core is not None and n and k and P.dtype == np.float32:
        # the same recurrence as a plain loop per document in the compiled extension (it keeps
        # the terms weighted below SCAN_NEGLIGIBLE that the scan below leaves out: the float32
        # results agree to about 1e-7)
        lengths = np.ascontiguousarray(doc_lengths if doc_lengths is not None else [n], dtype=np.int64)
        res = np.empty((n, 2 * k), dtype=np.float32)
        core.running_sums(np.ascontiguousarray(P), n, k, lengths, float(decay), res)
        if out is None:
            return res, out_names
        out[:] = res
        return out, out_names
    doc = _doc_index(doc_lengths, n)
    # acc[i] = P[i] + decay * acc[i - 1] within a document, as a parallel prefix scan
    # (log2 of the longest document numpy steps instead of a Python step per line);
    # ``before`` is the forward scan shifted down one line, ``after`` the backward one up.
    new_doc = np.ones(n, dtype=bool)
    new_doc[1:] = doc[1:] != doc[:-1]
    starts = np.flatnonzero(new_doc)
    pos = np.arange(n) - np.repeat(starts, np.diff(np.append(starts, n))) if n else np.zeros(0, dtype=np.int64)
    lengths = np.diff(np.append(starts, n)) if n else np.zeros(0, dtype=np.int64)
    rpos = np.repeat(lengths, lengths) - 1 - pos  # lines after this one in its document
    fwd = _decayed_scan(P, pos, decay)
    bwd = _decayed_scan(P[::-1], rpos[::-1], decay)[::-1]
    scale = 1.0 - decay
    res = np.zeros((n, 2 * k), dtype=np.float32) if out is None else out
    if n:
        np.multiply(fwd[:-1], scale, out=res[1:, :k], casting="unsafe")  # the line before
        res[pos == 0, :k] = 0.0  # first lines have none
        np.multiply(bwd[1:], scale, out=res[:-1, k:], casting="unsafe")  # the line after
        res[rpos == 0, k:] = 0.0  # last lines have none
    return res, out_names
