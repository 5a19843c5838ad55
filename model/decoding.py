"""Sequence decoding: each line's label given the labels its neighbours are likely to take.

The second stage scores each line from its neighbours' first-stage scores, but it still
decides every line on its own: a lone ``body`` line inside a comment thread, or one
``related-link`` in the middle of the article, are left as they are.  A chain over the
document's lines with learned label transitions (how often label ``b`` follows label ``a``
in the training pages) settles that.  :func:`posterior_marginals` runs forward-backward
over the chain, with the second stage's probabilities as emissions, and returns each line's
posterior label distribution, so that :meth:`~boilerline.model.classifier.LineClassifier.predict_proba`
and ``predict`` (its argmax) stay one and the same.

The transitions are weighted down (``T = A ** weight``, see
:data:`boilerline.training.train.TRANSITION_WEIGHT`): the second stage's scores already saw
the neighbours, and counting that evidence twice over-smooths short runs such as a caption
between two paragraphs.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from boilerline.features import _backend


def transition_matrix(y: np.ndarray, doc_lengths: Sequence[int], n_labels: int, weight: float) -> np.ndarray:
    """Label transitions counted over the labelled lines of documents, raised to ``weight``.

    Parameters
    ----------
    y : ndarray of int, shape (n_lines,)
        Label index of each non-blank line, -1 where unlabelled (masked).
    doc_lengths : sequence of int
        Lines per document, adding up to ``len(y)``.
    n_labels : int
    weight : float
        0 gives a flat matrix (no decoding effect), 1 the plain transition probabilities.

    Returns
    -------
    ndarray of float32, shape (n_labels, n_labels)
        ``T[a, b]``: the (add-one smoothed) share of lines labelled ``a`` followed by a line
        labelled ``b``, to the power ``weight``.  Pairs with a masked line are not counted.
    """
    y = np.asarray(y, dtype=np.int64)
    lengths = np.asarray(doc_lengths, dtype=np.int64)
    if lengths.sum() != len(y):
        raise ValueError(f"doc_lengths add up to {lengths.sum()}, not to the {len(y)} labels given")
    counts = np.ones((n_labels, n_labels))
    if len(y) > 1:
        same_doc = np.ones(len(y) - 1, dtype=bool)
        ends = np.cumsum(lengths)[:-1]  # the first line of each next document
        same_doc[ends[(ends > 0) & (ends < len(y))] - 1] = False
        a, b = y[:-1], y[1:]
        ok = same_doc & (a >= 0) & (b >= 0)
        np.add.at(counts, (a[ok], b[ok]), 1.0)
    probs = counts / counts.sum(axis=1, keepdims=True)
    return (probs ** weight).astype(np.float32)


def posterior_marginals(P: np.ndarray, T: np.ndarray, doc_lengths: Sequence[int]) -> np.ndarray:
    """Forward-backward over each document's lines: posterior label probabilities.

    Parameters
    ----------
    P : ndarray of float32, shape (n_lines, n_labels)
        Per-line label probabilities (the emissions), documents one after another.
    T : ndarray of float32, shape (n_labels, n_labels)
        Transition weights, ``T[a, b]`` from label ``a`` on a line to ``b`` on the next.
    doc_lengths : sequence of int
        Lines per document; the chain restarts at each document.

    Returns
    -------
    ndarray of float32, shape (n_lines, n_labels)
        Each row sums to 1.  A line whose scores are all zero carries no evidence: the
        forward pass restarts from uniform there.
    """
    P = np.ascontiguousarray(P, dtype=np.float32)
    T = np.ascontiguousarray(T, dtype=np.float32)
    n, k = P.shape
    lengths = np.ascontiguousarray(doc_lengths, dtype=np.int64)
    if lengths.sum() != n:
        raise ValueError(f"doc_lengths add up to {lengths.sum()}, not to the {n} rows given")
    if T.shape != (k, k):
        raise ValueError(f"transitions have shape {T.shape}, expected {(k, k)}")
    out = np.empty((n, k), dtype=np.float32)
    core = _backend.CORE
    if core is not None and hasattr(core, "forward_backward"):
        core.forward_backward(P, n, k, lengths, T, out)
        return out
    return _posterior_marginals_numpy(P, T, lengths, out)


def _normalise(x: np.ndarray, fill: float) -> np.ndarray:
    total = x.sum(axis=1, keepdims=True)
    return np.divide(x, total, out=np.full_like(x, fill), where=total > 0)


def _posterior_marginals_numpy(P: np.ndarray, T: np.ndarray, lengths: np.ndarray, out: np.ndarray) -> np.ndarray:
    """:func:`posterior_marginals` in numpy: a step per line position, all documents at once.

    The documents are laid side by side (padded to the longest), so the Python loop runs
    once per position, not once per line; the arithmetic is that of the compiled loop.
    """
    n, k = P.shape
    if n == 0:
        return out
    lengths = lengths[lengths > 0]
    starts = np.cumsum(lengths) - lengths
    longest = int(lengths.max())
    Pd, Td = P.astype(np.float64), T.astype(np.float64)
    grid = np.zeros((len(lengths), longest, k))  # grid[d, t] = P of line t of document d
    pos = np.arange(n) - np.repeat(starts, lengths)
    doc = np.repeat(np.arange(len(lengths)), lengths)
    grid[doc, pos] = Pd
    alpha = np.empty_like(grid)
    alpha[:, 0] = _normalise(grid[:, 0], 1.0 / k)
    for t in range(1, longest):
        alpha[:, t] = _normalise((alpha[:, t - 1] @ Td) * grid[:, t], 1.0 / k)
    beta = np.ones((len(lengths), k))
    post = np.empty_like(grid)
    last = lengths - 1
    for t in range(longest - 1, -1, -1):
        # documents ending at t start their backward pass here (beta = 1); longer ones step
        stepped = _normalise((grid[:, t + 1] * beta) @ Td.T, 1.0) if t + 1 < longest else beta
        beta = np.where((last > t)[:, None], stepped, 1.0)
        post[:, t] = alpha[:, t] * beta
    flat = post[doc, pos]
    total = flat.sum(axis=1, keepdims=True)
    np.divide(flat, total, out=flat, where=total > 0)
    out[:] = np.where(total > 0, flat, Pd)
    return out
