"""A recurrent second stage: a bidirectional GRU over each page's lines, run with numpy.

The second stage can read a page as a sequence instead of a fixed window: each line's
second-stage inputs go through a dense ReLU layer, a GRU runs over the page's lines in
each direction, and a linear layer reads the dense layer and both GRU states.  Training
(``boilerline.training.sequence``, with PyTorch) writes the weights as plain arrays; this
module runs them without PyTorch.  An ensemble of networks trained with different seeds is
stored as one wider network (the members' units side by side, their GRUs' input and
recurrent weights block-diagonal, the output layer averaging their logits).  To label, the
GRUs are taken back apart (:func:`stack_members`, once per model): every member's GRU in
each direction is one item of a stack, and each line position costs one batched product of
the small blocks instead of one of the block-diagonal matrix, half of whose entries are zero.
The steps run in the compiled extension when it is built (:func:`_run`), else with numpy.

Arrays (``x @ W`` layout; gate columns in PyTorch's order: reset, update, new):

``s2g_in_W`` (n_in, U), ``s2g_in_b`` (U,)
    The dense layer.
``s2g_fw_Wi`` (U, 3H), ``s2g_fw_bi`` (3H,), ``s2g_fw_Wh`` (H, 3H), ``s2g_fw_bh`` (3H,)
    The forward GRU; ``s2g_bw_*`` the backward one.
``s2g_out_W`` (U + 2H, n_labels), ``s2g_out_b`` (n_labels,)
    The output layer over ``[dense, forward state, backward state]``.
"""

from __future__ import annotations

import math
from typing import NamedTuple, Sequence

import numpy as np

from boilerline.features import _backend

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


class StackedGru(NamedTuple):
    """The GRUs of a merged network, apart: item ``d * members + j`` of each stack is member
    ``j``'s GRU in direction ``d`` (0 forward, 1 backward); gate columns reset, update, new."""

    members: int
    Wi: np.ndarray  # (2M, u, 3h): each member's GRU input weights, from its own dense units
    bi: np.ndarray  # (2M, 1, 3h): input biases, the recurrent ones of the reset and update gates added
    Wh: np.ndarray  # (2M, h, 3h): recurrent weights
    bh_n: np.ndarray  # (2M, 1, h): the new gate's recurrent bias (applied inside the reset gate's product)


def member_columns(j: int, members: int, h: int) -> np.ndarray:
    """The columns of member ``j``'s reset, update and new gates in a merged network of
    ``members`` GRUs of ``h`` units each (gate-major: each gate's columns hold every member's
    units side by side), in that order."""
    H = members * h
    return np.concatenate([np.arange(g * H + j * h, g * H + (j + 1) * h) for g in range(3)])


def has_recurrent_stage(arrays) -> bool:
    """Whether a model's arrays (or their names) hold a recurrent second stage."""
    return any(name.startswith("s2g_") for name in arrays)


def _n_members(arrays: dict[str, np.ndarray]) -> int:
    """The most members whose blocks the merged GRU weights are (1 for a network of its own)."""
    U, H = arrays["s2g_in_b"].shape[0], arrays["s2g_fw_Wh"].shape[0]
    for M in range(math.gcd(U, H), 1, -1):
        if U % M or H % M:
            continue
        # where member j's blocks may be non-zero: its own input (or state) rows, its own gate columns
        blocks = {}
        for name, rows in (("Wi", U // M), ("Wh", H // M)):
            blocks[name] = np.zeros((M * rows, 3 * H), dtype=bool)
            for j in range(M):
                blocks[name][j * rows:(j + 1) * rows, member_columns(j, M, H // M)] = True
        if not any(np.any(arrays[f"s2g_{d}_{name}"][~mask]) for d in ("fw", "bw") for name, mask in blocks.items()):
            return M
    return 1


def stack_members(arrays: dict[str, np.ndarray]) -> StackedGru:
    """The merged GRU weights of ``arrays`` (named as :data:`GRU_ARRAYS`) split into their members."""
    M = _n_members(arrays)
    U, H = arrays["s2g_in_b"].shape[0], arrays["s2g_fw_Wh"].shape[0]
    u, h = U // M, H // M
    Wi, bi, Wh, bh_n = [], [], [], []
    for d in ("fw", "bw"):
        for j in range(M):
            cols = member_columns(j, M, h)
            b, bh = arrays[f"s2g_{d}_bi"][cols], arrays[f"s2g_{d}_bh"][cols]  # copies (indexed by an array)
            b[:2 * h] += bh[:2 * h]  # additive in the reset and update gates
            Wi.append(arrays[f"s2g_{d}_Wi"][j * u:(j + 1) * u][:, cols])
            Wh.append(arrays[f"s2g_{d}_Wh"][j * h:(j + 1) * h][:, cols])
            bi.append(b)
            bh_n.append(bh[2 * h:])
    def stacked(parts):  # C order: the column picks above leave Fortran-ordered blocks
        return np.ascontiguousarray(np.stack(parts), dtype=np.float32)

    return StackedGru(M, stacked(Wi), stacked(bi)[:, None, :], stacked(Wh), stacked(bh_n)[:, None, :])


def _run(gi: np.ndarray, Wh: np.ndarray, bh_n: np.ndarray, offsets: np.ndarray, out: np.ndarray) -> None:
    """Every GRU of the stack over every page at once; ``gi`` (G, rows, 3h) and ``out`` (G, rows, h)
    in step order.

    With the compiled loops (``boilerline.features._ccore.gru_steps``) when they are built: a
    page's line costs one small product there, where numpy pays a dozen calls per line position
    of the batch, most of the GRU's time on pages of a few hundred lines.  Their tanh is a
    rational approximation (within 4e-7), so the two agree to about 1e-6, not bit for bit
    (``tests/test_recurrent.py``).
    """
    core = _backend.CORE
    if core is not None and hasattr(core, "gru_steps"):
        G, N, h = out.shape
        core.gru_steps(gi, G, N, h, Wh, bh_n.reshape(G, h), offsets, out)
        return
    _run_numpy(gi, Wh, bh_n, offsets, out)


def _run_numpy(gi: np.ndarray, Wh: np.ndarray, bh_n: np.ndarray, offsets: np.ndarray, out: np.ndarray) -> None:
    """:func:`_run` with numpy: the definition the compiled loop is tested against.

    One batched product of the small recurrent blocks per step for the whole batch, however
    many pages it holds; the rows of a step are contiguous and those of the pages still running
    at the next step are a prefix of them, so a step reads its previous state from ``out``
    without gathering or copying.
    """
    h = Wh.shape[1]
    prev = np.zeros((Wh.shape[0], int(offsets[1] - offsets[0]) if len(offsets) > 1 else 0, h), dtype=np.float32)
    for t in range(len(offsets) - 1):
        a, b = int(offsets[t]), int(offsets[t + 1])
        hp = prev[:, : b - a]
        gh = np.matmul(hp, Wh)
        x = gi[:, a:b]
        # reset and update gates together: sigmoid(v) = 0.5 * tanh(0.5 * v) + 0.5
        ru = gh[..., :2 * h]
        ru += x[..., :2 * h]  # the recurrent biases of these gates are in gi (stack_members)
        ru *= 0.5
        np.tanh(ru, out=ru)
        ru *= 0.5
        ru += 0.5
        c = gh[..., 2 * h:]
        c += bh_n
        c *= ru[..., :h]
        c += x[..., 2 * h:]
        np.tanh(c, out=c)
        # h = (1 - u) * c + u * h_prev
        new = out[:, a:b]
        np.subtract(hp, c, out=new)
        new *= ru[..., h:]
        new += c
        prev = new


def gru_logits(Z: np.ndarray, doc_lengths: Sequence[int], arrays: dict[str, np.ndarray],
               stacked: StackedGru | None = None) -> np.ndarray:
    """Label logits of every line from the recurrent second stage.

    Parameters
    ----------
    Z : ndarray of shape (n_lines, n_in), float32
        The lines' standardised second-stage inputs, one page after another.
    doc_lengths : sequence of int
        Lines per page (the GRU does not cross a page's edge).
    arrays : dict of str to ndarray
        The weights, named as :data:`GRU_ARRAYS`.
    stacked : StackedGru, optional
        ``stack_members(arrays)``, when the caller keeps it between calls (else it is made here).

    Returns
    -------
    ndarray of shape (n_lines, n_labels), float32
    """
    a = arrays
    lengths = np.asarray(doc_lengths, dtype=np.int64)
    if lengths.sum() != len(Z):
        raise ValueError(f"doc_lengths add up to {lengths.sum()}, not to the {len(Z)} rows given")
    g = stack_members(a) if stacked is None else stacked
    starts = np.cumsum(lengths) - lengths
    order = np.argsort(-lengths, kind="stable")
    order = order[lengths[order] > 0]
    starts, lengths = starts[order], lengths[order]
    h_in = Z @ a["s2g_in_W"]
    h_in += a["s2g_in_b"]
    np.maximum(h_in, 0.0, out=h_in)
    M, U = g.members, h_in.shape[1]
    u, h = U // M, g.Wh.shape[1]
    forward_rows, backward_rows, offsets = _time_major(starts, lengths)
    N = len(forward_rows)
    # member j's GRU in direction d reads member j's dense units, at the rows of d's steps
    X = np.empty((2 * M, N, u), dtype=np.float32)
    for d, rows in enumerate((forward_rows, backward_rows)):
        X[d * M:(d + 1) * M] = h_in[rows].reshape(N, M, u).transpose(1, 0, 2)
    gi = np.matmul(X, g.Wi)
    gi += g.bi
    out = np.empty((2 * M, N, h), dtype=np.float32)
    _run(gi, g.Wh, g.bh_n, offsets, out)
    # back to the merged layout: [dense (U), forward states (M * h), backward states (M * h)]
    states = np.empty((len(Z), U + 2 * M * h), dtype=np.float32)
    states[:, :U] = h_in
    for d, rows in enumerate((forward_rows, backward_rows)):
        states[rows, U + d * M * h:U + (d + 1) * M * h] = out[d * M:(d + 1) * M].transpose(1, 0, 2).reshape(N, M * h)
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
