"""A recurrent second stage: a bidirectional GRU over each page's lines, run with numpy.

The second stage can read a page as a sequence instead of a fixed window: each line's
second-stage inputs go through a dense ReLU layer, a GRU runs over the page's lines in
each direction, and a linear layer reads the dense layer and both GRU states.  Training
(``boilerline.training.sequence``, with PyTorch) writes the weights as plain arrays; this
module runs them without PyTorch.  An ensemble of networks trained with different seeds is
stored as one wider network (the members' units side by side, their recurrent weights
block-diagonal, the output layer averaging their logits), so labelling needs no loop over
members.

Arrays (``x @ W`` layout; gate columns in PyTorch's order: reset, update, new):

``s2g_in_W`` (n_in, U), ``s2g_in_b`` (U,)
    The dense layer.
``s2g_fw_Wi`` (U, 3H), ``s2g_fw_bi`` (3H,), ``s2g_fw_Wh`` (H, 3H), ``s2g_fw_bh`` (3H,)
    The forward GRU; ``s2g_bw_*`` the backward one.
``s2g_out_W`` (U + 2H, n_labels), ``s2g_out_b`` (n_labels,)
    The output layer over ``[dense, forward state, backward state]``.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

#: The arrays of a recurrent second stage (see the module's docstring).
GRU_ARRAYS = ("s2g_in_W", "s2g_in_b", "s2g_fw_Wi", "s2g_fw_bi", "s2g_fw_Wh", "s2g_fw_bh",
              "s2g_bw_Wi", "s2g_bw_bi", "s2g_bw_Wh", "s2g_bw_bh", "s2g_out_W", "s2g_out_b")


def _time_major(starts: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows of each step, forward and backward, and where each step's rows begin.

    ``starts`` / ``lengths`` are the pages' first rows and sizes, longest first, so that the
    pages still running at step ``t`` are a prefix of them: step ``t``'s rows are
    ``rows[offsets[t]:offsets[t + 1]]``, one per running page, in page order; going forward
    a page's step ``t`` is its line ``t``, going backward its line ``length - 1 - t``.
    """
    steps = int(lengths[0]) if len(lengths) else 0
    running = np.searchsorted(-lengths, -np.arange(steps), side="left")  # pages longer than t
    offsets = np.zeros(steps + 1, dtype=np.int64)
    np.cumsum(running, out=offsets[1:])
    page = np.arange(offsets[-1]) - np.repeat(offsets[:-1], running)  # page index within its step
    step = np.repeat(np.arange(steps), running)
    return starts[page] + step, starts[page] + lengths[page] - 1 - step, offsets


def _run_direction(gi: np.ndarray, Wh: np.ndarray, bh_n: np.ndarray, offsets: np.ndarray, out: np.ndarray) -> None:
    """One GRU direction over every page at once, ``gi`` and ``out`` in step order.

    ``gi`` already holds the recurrent biases of the reset and update gates (they add to the
    input's); ``bh_n``, the new gate's, is applied inside the reset gate's product.

    One small matrix product per step for the whole batch, however many pages it holds; the
    rows of a step are contiguous, so each step slices instead of gathering.
    """
    H = Wh.shape[0]
    h = np.zeros((int(offsets[1] - offsets[0]) if len(offsets) > 1 else 0, H), dtype=np.float32)
    for t in range(len(offsets) - 1):
        a, b = int(offsets[t]), int(offsets[t + 1])
        hm = h[: b - a]
        gh = hm @ Wh
        x = gi[a:b]
        # reset and update gates together: sigmoid(v) = 0.5 * tanh(0.5 * v) + 0.5
        ru = gh[:, :2 * H]
        ru += x[:, :2 * H]  # bh's reset and update parts are folded into gi (see gru_logits)
        ru *= 0.5
        np.tanh(ru, out=ru)
        ru *= 0.5
        ru += 0.5
        c = gh[:, 2 * H:]
        c += bh_n
        c *= ru[:, :H]
        c += x[:, 2 * H:]
        np.tanh(c, out=c)
        # h = (1 - u) * c + u * h
        hm -= c
        hm *= ru[:, H:]
        hm += c
        out[a:b] = hm


def gru_logits(Z: np.ndarray, doc_lengths: Sequence[int], arrays: dict[str, np.ndarray]) -> np.ndarray:
    """Label logits of every line from the recurrent second stage.

    Parameters
    ----------
    Z : ndarray of shape (n_lines, n_in), float32
        The lines' standardised second-stage inputs, one page after another.
    doc_lengths : sequence of int
        Lines per page (the GRU does not cross a page's edge).
    arrays : dict of str to ndarray
        The weights, named as :data:`GRU_ARRAYS`.

    Returns
    -------
    ndarray of shape (n_lines, n_labels), float32
    """
    a = arrays
    lengths = np.asarray(doc_lengths, dtype=np.int64)
    if lengths.sum() != len(Z):
        raise ValueError(f"doc_lengths add up to {lengths.sum()}, not to the {len(Z)} rows given")
    starts = np.cumsum(lengths) - lengths
    order = np.argsort(-lengths, kind="stable")
    order = order[lengths[order] > 0]
    starts, lengths = starts[order], lengths[order]
    h_in = Z @ a["s2g_in_W"]
    h_in += a["s2g_in_b"]
    np.maximum(h_in, 0.0, out=h_in)
    H = a["s2g_fw_Wh"].shape[0]
    U = h_in.shape[1]
    states = np.empty((len(Z), U + 2 * H), dtype=np.float32)
    states[:, :U] = h_in
    forward_rows, backward_rows, offsets = _time_major(starts, lengths)
    for k, (d, rows) in enumerate((("fw", forward_rows), ("bw", backward_rows))):
        bi = a[f"s2g_{d}_bi"].copy()
        bi[:2 * H] += a[f"s2g_{d}_bh"][:2 * H]  # additive in the reset and update gates
        gi = h_in[rows] @ a[f"s2g_{d}_Wi"]
        gi += bi
        out = np.empty((len(rows), H), dtype=np.float32)
        _run_direction(gi, a[f"s2g_{d}_Wh"], a[f"s2g_{d}_bh"][2 * H:], offsets, out)
        states[rows, U + k * H:U + (k + 1) * H] = out
    logits = states @ a["s2g_out_W"]
    logits += a["s2g_out_b"]
    return logits


def gru_shapes(arrays: dict[str, np.ndarray], n_in: int, n_labels: int) -> dict[str, tuple[int, ...]]:
    """The shape each array of :data:`GRU_ARRAYS` must have, from the dense layer's and GRU's widths."""
    U = arrays["s2g_in_b"].shape[0] if arrays["s2g_in_b"].ndim == 1 else -1
    H = arrays["s2g_fw_Wh"].shape[0] if arrays["s2g_fw_Wh"].ndim == 2 else -1
    shapes = {"s2g_in_W": (n_in, U), "s2g_in_b": (U,), "s2g_out_W": (U + 2 * H, n_labels), "s2g_out_b": (n_labels,)}
    for d in ("fw", "bw"):
        shapes |= {f"s2g_{d}_Wi": (U, 3 * H), f"s2g_{d}_bi": (3 * H,), f"s2g_{d}_Wh": (H, 3 * H),
                   f"s2g_{d}_bh": (3 * H,)}
    return shapes
