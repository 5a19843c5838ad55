"""The line classifier: features, a small neural network, context, and decoding.

Labelling a document runs five named steps, in the spirit of jusText's ``justext()``:

1. :func:`_split_blank` keeps the non-blank lines (blank lines carry no label);
2. :func:`boilerline.features.extract_features` turns them into per-line and neighbour
   features plus hashed tokens;
3. :meth:`LineClassifier._stage1` scores each line on its own features (a one-hidden-layer
   network trained with scikit-learn, run here with numpy);
4. :meth:`LineClassifier._stage2` re-scores each line from its neighbours' scores and the
   running state of the document (after a "Related Articles" heading, lines are
   related-links until the section ends), with a bidirectional GRU over the page's lines
   (:mod:`boilerline.model.recurrent`; training's default) or, in artifacts trained with
   ``--stage2-kind mlp``, a small network over those inputs;
5. :meth:`LineClassifier._decode` turns those scores into posterior label probabilities of
   a chain over the document's lines with learned label transitions (forward-backward,
   :mod:`boilerline.model.decoding`), so that a lone line inside a run of another label is
   weighed against its run.

The network weights are plain arrays (see :mod:`boilerline.model.persist`), so prediction
needs neither scikit-learn nor pickle and starts fast.
"""

from __future__ import annotations

from contextlib import nullcontext
from itertools import compress
from typing import Iterable, Sequence

import numpy as np

from boilerline.features import _backend, extract_features, running_summaries, weighted_token_matrix
from boilerline.features.context import RUNNING_DECAY

from .decoding import posterior_marginals
from .recurrent import gru_logits, has_recurrent_stage, stack_members

#: Documents longer than this many non-blank lines are labelled in windows of this size,
#: which bounds memory; features near a window edge see less context.
MAX_WINDOW_LINES = 5_000
#: Lines labelled per batch when many documents are given at once.
BATCH_LINES = 8_192
#: Offsets of the neighbours whose first-stage scores feed the second stage.
STAGE2_OFFSETS = (-3, -2, -1, 1, 2, 3)
#: Decays of the section-state summaries before and after each line, when the artifact does
#: not say (artifacts record theirs as ``stage2_decays``).
STAGE2_DECAYS = (RUNNING_DECAY,)


_BLAS_CONTROLLER: list = []  # threadpoolctl's controller, made on first use (or None)


def _single_threaded_blas():
    """A context in which BLAS (numpy's OpenBLAS) runs on one thread.

    The products here are small (a batch of lines times a 97 x 64 matrix): extra BLAS threads
    gain little, and on a busy machine, or with one labelling process per core
    (``--workers``), their spinning threads took half of the CPU: labelling the benchmark
    took 4.5-5 s with OpenBLAS's default threads against 2.2 s on one thread (2-CPU machine
    shared with other jobs).  threadpoolctl comes with scikit-learn; without it, a no-op.
    """
    if not _BLAS_CONTROLLER:
        try:
            import scipy.sparse  # noqa: F401  (loaded first, so that its libraries are seen too)
            from threadpoolctl import ThreadpoolController

            _BLAS_CONTROLLER.append(ThreadpoolController())
        except Exception:  # pragma: no cover - threadpoolctl missing or failing
            _BLAS_CONTROLLER.append(None)
    ctl = _BLAS_CONTROLLER[0]
    return ctl.limit(limits=1, user_api="blas") if ctl is not None else nullcontext()


def _relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0.0, out=x)


def _row_max(z: np.ndarray) -> np.ndarray:
    """``z.max(axis=1, keepdims=True)`` for a few columns, one column at a time.

    numpy reduces a short last axis one row at a time: 0.9 ms for 8,192 rows of 8 labels,
    against 0.04 ms for the element-wise maximum of the columns (the same values).
    """
    m = z[:, 0].copy()
    for j in range(1, z.shape[1]):
        np.maximum(m, z[:, j], out=m)
    return m[:, None]


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - _row_max(z)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


def _split_blank(lines: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """Stripped non-blank lines and their positions in ``lines``.

    Raises
    ------
    TypeError
        If an item is not a string (a label per line cannot be given for it).
    """
    core = _backend.CORE
    if core is not None:  # the same in one compiled loop (None: a non-str, reported below)
        where = np.empty(len(lines), dtype=np.int64)
        kept = core.split_blank(lines, where)
        if kept is not None:
            return kept, where[: len(kept)]
    try:
        stripped = list(map(str.strip, lines))
    except TypeError:  # not all str: find the first offender for the message
        for i, line in enumerate(lines):
            if not isinstance(line, str):
                raise TypeError(f"line {i} is a {type(line).__name__}, not a str") from None
        raise
    nonblank = np.fromiter(map(bool, stripped), dtype=bool, count=len(stripped))
    return list(compress(stripped, nonblank)), np.flatnonzero(nonblank).astype(np.int64)


def stage2_inputs(
    P: np.ndarray,
    own: np.ndarray,
    labels: Sequence[str],
    doc_lengths: Sequence[int],
    mean: np.ndarray | None = None,
    scale: np.ndarray | None = None,
    decays: Sequence[float] = STAGE2_DECAYS,
) -> np.ndarray:
    """The second stage's input: neighbours' first-stage scores, section state, own features.

    Parameters
    ----------
    P : ndarray of shape (n_lines, n_labels)
        First-stage probabilities.
    own : ndarray of shape (n_lines, n_own)
        Standardised per-line features of the line itself.
    labels : sequence of str
    doc_lengths : sequence of int
    mean, scale : ndarray of float32, optional
        When given, the result is standardised: ``(Z - mean) / scale`` in float32.
    decays : sequence of float
        One pair of decayed summaries (lines before, lines after) per decay: a short one
        for the current block, a long one for the section the line sits in.

    Returns
    -------
    ndarray of float32, shape (n_lines, n_inputs)
    """
    if (mean is None) != (scale is None):
        raise ValueError("stage2_inputs: give both mean and scale, or neither")
    core = _backend.CORE
    if core is not None and P.dtype == np.float32 and own.dtype == np.float32 and (
        mean is None or (mean.dtype == np.float32 and scale.dtype == np.float32)
    ):
        # the same blocks, filled row by row (and standardised) in one compiled pass
        n, k = P.shape
        lengths = np.ascontiguousarray(doc_lengths, dtype=np.int64)
        width = k + len(STAGE2_OFFSETS) * (k + 1) + 2 * k * len(decays) + own.shape[1]
        Z = np.empty((n, width), dtype=np.float32)
        core.stage2_inputs(np.ascontiguousarray(P), np.ascontiguousarray(own), n, k, own.shape[1], lengths,
                           STAGE2_OFFSETS, [float(d) for d in decays], mean, scale, Z)
        return Z
    n, k = P.shape
    # One preallocated float32 matrix, filled block by block (same columns as an hstack of
    # P, [shift_within_documents(P, off), exists] per offset, summaries, own).
    col = k + len(STAGE2_OFFSETS) * (k + 1)
    n_sum = 2 * k * len(decays)
    Z = np.zeros((n, col + n_sum + own.shape[1]), dtype=np.float32)
    Z[:, :k] = P
    lengths = np.asarray(doc_lengths, dtype=np.int64)
    if sum(doc_lengths) != n:
        raise ValueError(f"doc_lengths add up to {sum(doc_lengths)}, not to the {n} rows given")
    pos = np.arange(n) - np.repeat(np.cumsum(lengths) - lengths, lengths)  # index in its document
    rpos = np.repeat(lengths, lengths) - 1 - pos  # lines after it in its document
    c = k
    for off in STAGE2_OFFSETS:
        exists = pos >= -off if off < 0 else rpos >= off
        lo, hi = max(0, -off), min(n, n - off)
        if hi > lo:  # copy the shifted block whole, then clear the rows across a document edge
            Z[lo:hi, c:c + k] = P[lo + off:hi + off]
            Z[np.flatnonzero(~exists[lo:hi]) + lo, c:c + k] = 0.0
        Z[:, c + k] = exists
        c += k + 1
    for d, decay in enumerate(decays):
        lo = col + 2 * k * d
        running_summaries(P, list(labels), doc_lengths, decay=decay, out=Z[:, lo:lo + 2 * k])
    Z[:, col + n_sum:] = own
    if mean is not None:
        Z -= mean
        Z /= scale
    return Z


class LineClassifier:
    """Label the lines of page dumps.

    Use :func:`boilerline.model.load_model` to get one.

    Attributes
    ----------
    labels : tuple of str
        The label names, in the column order of :meth:`predict_proba`.
    metadata : dict
        The artifact's metadata: versions, feature names, training data hash, scores.
    """

    def __init__(self, arrays: dict[str, np.ndarray], metadata: dict):
        self.metadata = metadata
        self.labels = tuple(metadata["labels"])
        self._a = {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in arrays.items()}
        self._n_own = int(metadata.get("n_own_features", 0))
        # the second stage is an MLP over a window (s2_W0...) or a GRU over the page (s2g_...)
        self._has_gru = has_recurrent_stage(self._a)  # all its arrays: checked on load
        # the merged GRU split into its members once, not per batch (recurrent.stack_members)
        self._gru = stack_members(self._a) if self._has_gru else None
        self._has_stage2 = "s2_W0" in self._a or self._has_gru
        self._has_decoding = "dec_T" in self._a  # artifacts made before decoding have none
        self._decays = tuple(float(d) for d in metadata.get("stage2_decays", STAGE2_DECAYS))

    # -- public API -------------------------------------------------------------------------
    def predict(self, lines: Sequence[str]) -> list[str | None]:
        """Label each line of one document.

        Parameters
        ----------
        lines : sequence of str
            The document's lines in page order (blank lines allowed).

        Returns
        -------
        list
            One entry per input line: a label, or ``None`` for a blank line.
        """
        return self.predict_documents([lines])[0]

    def predict_proba(self, lines: Sequence[str]) -> np.ndarray:
        """Label probabilities of each line of one document.

        Returns
        -------
        ndarray of shape (len(lines), len(labels))
            Columns in :attr:`labels` order; blank lines get all-zero rows.
        """
        return self.predict_proba_documents([lines])[0]

    def predict_documents(self, documents: Iterable[Sequence[str]]) -> list[list[str | None]]:
        """Label many documents at once (faster than one :meth:`predict` call each)."""
        names = np.array(list(self.labels) + [None], dtype=object)  # the last one for blank lines
        probas = self.predict_proba_documents(documents)
        if not probas:
            return []
        # one argmax over all documents' rows: per-document calls cost more than the work
        proba = np.concatenate(probas)
        best = proba.argmax(axis=1)
        best[proba.sum(axis=1) == 0] = len(self.labels)
        flat = names[best].tolist()
        out, start = [], 0
        for p in probas:
            out.append(flat[start:start + len(p)])
            start += len(p)
        return out

    def predict_proba_documents(self, documents: Iterable[Sequence[str]]) -> list[np.ndarray]:
        """Probabilities for many documents: one (n_lines, n_labels) array per document."""
        results: list[np.ndarray] = []
        pending: list[tuple[int, list[str], np.ndarray]] = []
        pending_lines = 0
        for documents_seen, lines in enumerate(documents):
            if isinstance(lines, str):
                raise TypeError("a document must be a sequence of lines, not one str: split it first")
            kept, where = _split_blank(lines)
            results.append(np.zeros((len(lines), len(self.labels)), dtype=np.float32))
            pending.append((documents_seen, kept, where))
            pending_lines += len(kept)
            if pending_lines >= BATCH_LINES:
                self._score_into(pending, results)
                pending, pending_lines = [], 0
        self._score_into(pending, results)
        return results

    # -- steps ------------------------------------------------------------------------------
    def _score_into(self, pending, results) -> None:
        """Score the pending documents and write their rows into ``results``."""
        windows, owners = [], []
        for doc_no, kept, where in pending:
            for start in range(0, len(kept), MAX_WINDOW_LINES):
                windows.append(kept[start:start + MAX_WINDOW_LINES])
                owners.append((doc_no, where[start:start + MAX_WINDOW_LINES]))
        # Score the windows in groups of about BATCH_LINES lines, so that one huge document
        # needs no more memory than a batch of ordinary ones.
        group: list[int] = []
        group_lines = 0
        for k, window in enumerate(windows):
            group.append(k)
            group_lines += len(window)
            if group_lines >= BATCH_LINES or k == len(windows) - 1:
                doc_lengths = [len(windows[g]) for g in group]
                proba = self._score([line for g in group for line in windows[g]], doc_lengths)
                offset = 0
                for g, n in zip(group, doc_lengths):
                    doc_no, where = owners[g]
                    results[doc_no][where] = proba[offset:offset + n]
                    offset += n
                group, group_lines = [], 0

    def _score(self, lines: list[str], doc_lengths: list[int]) -> np.ndarray:
        with _single_threaded_blas():
            return self._score_batch(lines, doc_lengths)

    def _score_batch(self, lines: list[str], doc_lengths: list[int]) -> np.ndarray:
        batch = extract_features(lines, doc_lengths)
        dense = batch.dense  # standardised in place (a fresh float32 array)
        dense -= self._a["s1_mean"]
        dense /= self._a["s1_scale"]
        P = self._stage1(dense, batch.indptr, batch.indices)
        if self._has_stage2:
            P = self._stage2(P, dense[:, : self._n_own], doc_lengths)
        if self._has_decoding:
            P = self._decode(P, doc_lengths)
        return P

    def _stage1(self, dense: np.ndarray, indptr: np.ndarray, indices: np.ndarray) -> np.ndarray:
        a = self._a
        h = dense @ a["s1_W0d"]
        if len(indices):
            # Each line's hashed tokens, weighted 1/sqrt(count), times the hashed-token weights:
            # a sparse (n_lines x N_BUCKETS) @ dense product.  SciPy's CSR kernel does it without
            # materialising a row of weights per token (that gather was the costliest step); the
            # compiled loop does the same sums without building the SciPy matrix first.
            core = _backend.CORE
            if (core is not None and h.dtype == np.float32 and h.flags.c_contiguous
                    and indptr.dtype == np.int64 and indices.dtype == np.int32):
                core.add_token_rows(indptr, indices, a["s1_W0h"], h.shape[0], h.shape[1], h)
            else:
                h += weighted_token_matrix(indptr, indices) @ a["s1_W0h"]
        h += a["s1_b0"]
        return _softmax(_relu(h) @ a["s1_W1"] + a["s1_b1"])

    def _stage2(self, P: np.ndarray, own: np.ndarray, doc_lengths: list[int]) -> np.ndarray:
        a = self._a
        Z = stage2_inputs(P, own, self.labels, doc_lengths, a["s2_mean"], a["s2_scale"], self._decays)
        if self._has_gru:
            return _softmax(gru_logits(Z, doc_lengths, a, self._gru))
        return _softmax(_relu(Z @ a["s2_W0"] + a["s2_b0"]) @ a["s2_W1"] + a["s2_b1"])

    def _decode(self, P: np.ndarray, doc_lengths: list[int]) -> np.ndarray:
        return posterior_marginals(P, self._a["dec_T"], doc_lengths)
