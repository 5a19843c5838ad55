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


def _sigmoid(x: np.ndarray) -> np.ndarray:
    # 1 / (1 + exp(-x)) in place; exp overflows to inf for very negative x, giving 0 as it should
    with np.errstate(over="ignore"):
        np.negative(x, out=x)
        np.exp(x, out=x)
    x += 1.0
    return np.reciprocal(x, out=x)


def _run_direction(gi: np.ndarray, Wh: np.ndarray, bh: np.ndarray, starts: np.ndarray, lengths: np.ndarray,
                   backward: bool, out: np.ndarray) -> None:
    """One GRU direction over every page at once; writes each line's state into ``out``.

    ``starts`` / ``lengths`` are the pages' first rows and sizes, longest first, so that the
    pages still running at step ``t`` are a prefix of them: one small matrix product per step
    for the whole batch, however many pages it holds.
    """
    H = Wh.shape[0]
    h = np.zeros((len(starts), H), dtype=np.float32)
    steps = int(lengths[0]) if len(lengths) else 0
    running = np.searchsorted(-lengths, -np.arange(steps), side="left")  # pages longer than t
    for t in range(steps):
        m = int(running[t])
        rows = starts[:m] + (lengths[:m] - 1 - t if backward else t)
        hm = h[:m]
        gh = hm @ Wh
        gh += bh
        x = gi[rows]
        r = _sigmoid(x[:, :H] + gh[:, :H])
        u = _sigmoid(x[:, H:2 * H] + gh[:, H:2 * H])
        c = np.tanh(x[:, 2 * H:] + r * gh[:, 2 * H:])
        # h = (1 - u) * c + u * h
        hm -= c
        hm *= u
        hm += c
        out[rows] = hm


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
    for k, d in enumerate(("fw", "bw")):
        gi = h_in @ a[f"s2g_{d}_Wi"]
        gi += a[f"s2g_{d}_bi"]
        out = np.empty((len(Z), H), dtype=np.float32)
        _run_direction(gi, a[f"s2g_{d}_Wh"], a[f"s2g_{d}_bh"], starts, lengths, backward=k == 1, out=out)
        states[:, U + k * H:U + (k + 1) * H] = out
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
