"""Training the recurrent second stage (:mod:`boilerline.model.recurrent`) with PyTorch.

PyTorch is needed only here, to train (``pip install 'boilerline[sequence]'``, a CPU build is
enough); the labeller runs the exported arrays with numpy.  One network per seed is trained
on the second stage's standardised inputs, one page a sequence, with the class and page
weights of the MLP second stage (``train.stage2_line_weights``); one training site in
``train.VALIDATION_ONE_IN`` is held back and the epoch that labels those sites best
(macro-F1) is kept, training stopping after ``train.PATIENCE`` epochs without a better one
(both given by the caller).  The seeds' networks are then merged into one
wider network (:func:`merge_gru_members`).  ``scripts/sequence_experiments.py`` compares it
with the MLP second stage (reports/experiments.md, session 10).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from joblib import Parallel, cpu_count, delayed

from boilerline.model.recurrent import member_columns

#: Units of the dense layer before the GRU, and of the GRU in each direction (per member).
INPUT_UNITS = 64
GRU_UNITS = 32
#: Pages per minibatch, the most epochs, and Adam's learning rate.
PAGES_PER_BATCH = 16
MAX_EPOCHS = 15
LEARNING_RATE = 2e-3
#: Dropout on the dense layer's units while training (before the GRU and the output layer);
#: labelling runs without it, so the exported arrays do not change with it.
DROPOUT = 0.0
#: Fit the seeds' networks side by side, one worker process each (:func:`fit_gru_stage`).
#: Session 14, on 2 CPUs: one epoch over 320k random lines took 38 s with 2 threads and 35 s
#: with 1; two members side by side, 1 thread each, took 44 s for both against 76 s one
#: after the other.
GRU_MEMBERS_IN_PARALLEL = True


def require_torch():
    """PyTorch, imported; a clear ImportError (what to install, or the alternative) without it."""
    try:
        import torch
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("the recurrent second stage (training's default) trains with PyTorch: pip install "
                          "'boilerline[sequence]' (a CPU build of torch is enough), or train the MLP second "
                          "stage instead (--stage2-kind mlp, stage2_kind='mlp')") from exc
    return torch


def _network(n_in: int, n_labels: int, input_units: int = INPUT_UNITS, gru_units: int = GRU_UNITS,
             dropout: float = DROPOUT):
    torch = require_torch()
    nn = torch.nn

    class PageGRU(nn.Module):
        def __init__(self):
            super().__init__()
            self.inp = nn.Linear(n_in, input_units)
            self.gru = nn.GRU(input_units, gru_units, batch_first=True, bidirectional=True)
            self.out = nn.Linear(input_units + 2 * gru_units, n_labels)
            self.drop = nn.Dropout(dropout)  # the identity in eval mode

        def forward(self, x, lengths):
            h = self.drop(torch.relu(self.inp(x)))
            packed = nn.utils.rnn.pack_padded_sequence(h, lengths, batch_first=True, enforce_sorted=False)
            g, _ = self.gru(packed)
            g, _ = nn.utils.rnn.pad_packed_sequence(g, batch_first=True, total_length=x.shape[1])
            return self.out(torch.cat([h, g], -1))

    return PageGRU()


def _page_spans(doc_lengths: Sequence[int], keep: np.ndarray | None = None) -> list[tuple[int, int]]:
    """(first row, end row) of each non-empty page; ``keep``: per row, only pages whose first row it marks."""
    ends = np.cumsum(np.asarray(doc_lengths, dtype=np.int64))
    spans = [(int(e - n), int(e)) for n, e in zip(doc_lengths, ends) if n > 0]
    return [s for s in spans if keep is None or keep[s[0]]]


def _batches(Z: np.ndarray, spans, order):
    torch = require_torch()
    for s in range(0, len(order), PAGES_PER_BATCH):
        part = [spans[i] for i in order[s:s + PAGES_PER_BATCH]]
        x = torch.nn.utils.rnn.pad_sequence([torch.from_numpy(Z[a:b]) for a, b in part], batch_first=True)
        yield part, x, [b - a for a, b in part]


def _predict(net, Z: np.ndarray, spans) -> np.ndarray:
    torch = require_torch()
    out = np.zeros((len(Z), net.out.out_features), dtype=np.float32)
    net.eval()
    with torch.no_grad():
        for part, x, lengths in _batches(Z, spans, np.arange(len(spans))):
            logits = net(x, lengths).numpy()
            for j, (a, b) in enumerate(part):
                out[a:b] = logits[j, :b - a]
    net.train()
    return out


def fit_member(Z: np.ndarray, y: np.ndarray, weight: np.ndarray, doc_lengths: Sequence[int], val: np.ndarray,
               n_labels: int, seed: int, macro_f1, patience: int,
               units: tuple[int, int] = (INPUT_UNITS, GRU_UNITS),
               dropout: float = DROPOUT) -> tuple[dict[str, np.ndarray], int]:
    """Train one network; its arrays (:mod:`boilerline.model.recurrent` layout) and the epoch kept.

    ``Z``: standardised inputs (float32); ``y``: label index per line (-1: masked); ``weight``:
    per line; ``val``: per line, whether its site is held back; ``macro_f1(y_true, y_pred)``
    scores the held-back lines; after ``patience`` epochs without a better score training
    stops.  Without held-back labelled lines, all ``MAX_EPOCHS`` are kept.  ``units``: the
    dense layer's and the GRU's (each way); ``dropout``: on the dense units while training.
    """
    torch = require_torch()
    nn = torch.nn
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    fit_spans, val_spans = _page_spans(doc_lengths, ~val), _page_spans(doc_lengths, val)
    val_rows = np.concatenate([np.arange(a, b) for a, b in val_spans]) if val_spans else np.zeros(0, np.int64)
    val_rows = val_rows[y[val_rows] >= 0]
    if not fit_spans:
        raise ValueError("no training pages outside the held-back sites")
    net = _network(Z.shape[1], n_labels, *units, dropout)
    opt = torch.optim.Adam(net.parameters(), lr=LEARNING_RATE)
    yt, wt = torch.from_numpy(y.astype(np.int64)), torch.from_numpy(weight.astype(np.float32))
    best, since = (-1.0, 0, None), 0
    for epoch in range(1, MAX_EPOCHS + 1):
        for part, x, lengths in _batches(Z, fit_spans, rng.permutation(len(fit_spans))):
            ys = nn.utils.rnn.pad_sequence([yt[a:b] for a, b in part], batch_first=True, padding_value=-1)
            ws = nn.utils.rnn.pad_sequence([wt[a:b] for a, b in part], batch_first=True)
            keep = ys >= 0
            if not bool(keep.any()):
                continue
            loss = nn.functional.cross_entropy(net(x, lengths)[keep], ys[keep], reduction="none")
            opt.zero_grad()
            ((loss * ws[keep]).sum() / ws[keep].sum()).backward()
            opt.step()
        if not len(val_rows):
            best = (0.0, epoch, None)
            continue
        score = macro_f1(y[val_rows], _predict(net, Z, val_spans)[val_rows].argmax(axis=1))
        # a line per epoch: the GRU is the longest step of training (about a minute an epoch)
        print(f"    GRU seed {seed}, epoch {epoch}: held-back sites' macro-F1 {score:.4f}", flush=True)
        if score > best[0]:
            best, since = (score, epoch, {k: t.clone() for k, t in net.state_dict().items()}), 0
        else:
            since += 1
            if since >= patience:
                break
    if best[2] is not None:
        net.load_state_dict(best[2])
    return _member_arrays(net), best[1]


def _member_arrays(net) -> dict[str, np.ndarray]:
    sd = {k: v.detach().numpy().astype(np.float32) for k, v in net.state_dict().items()}
    arrays = {"s2g_in_W": sd["inp.weight"].T.copy(), "s2g_in_b": sd["inp.bias"],
              "s2g_out_W": sd["out.weight"].T.copy(), "s2g_out_b": sd["out.bias"]}
    for d, sfx in (("fw", ""), ("bw", "_reverse")):
        arrays[f"s2g_{d}_Wi"] = sd[f"gru.weight_ih_l0{sfx}"].T.copy()
        arrays[f"s2g_{d}_bi"] = sd[f"gru.bias_ih_l0{sfx}"]
        arrays[f"s2g_{d}_Wh"] = sd[f"gru.weight_hh_l0{sfx}"].T.copy()
        arrays[f"s2g_{d}_bh"] = sd[f"gru.bias_hh_l0{sfx}"]
    return arrays


def merge_gru_members(members: Sequence[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """One network whose logits are the mean of the members' (as ``train.merge_networks`` does for MLPs).

    The members' dense units and GRU units sit side by side; each gate's input and recurrent
    weights are block-diagonal (a member's GRU reads only its own dense units and its own
    state), and the output layer reads every member's units with its weights over the count.
    """
    M = len(members)
    if M == 1:
        return dict(members[0])
    U = members[0]["s2g_in_b"].shape[0]
    H = members[0]["s2g_fw_Wh"].shape[0]
    k = members[0]["s2g_out_b"].shape[0]
    out = {"s2g_in_W": np.hstack([m["s2g_in_W"] for m in members]),
           "s2g_in_b": np.concatenate([m["s2g_in_b"] for m in members])}
    for d in ("fw", "bw"):
        Wi = np.zeros((M * U, 3 * M * H), np.float32)
        Wh = np.zeros((M * H, 3 * M * H), np.float32)
        bi = np.zeros(3 * M * H, np.float32)
        bh = np.zeros(3 * M * H, np.float32)
        for j, m in enumerate(members):
            cols = member_columns(j, M, H)  # member j's gates, in the member's own column order
            Wi[j * U:(j + 1) * U, cols] = m[f"s2g_{d}_Wi"]
            Wh[j * H:(j + 1) * H, cols] = m[f"s2g_{d}_Wh"]
            bi[cols] = m[f"s2g_{d}_bi"]
            bh[cols] = m[f"s2g_{d}_bh"]
        out |= {f"s2g_{d}_Wi": Wi, f"s2g_{d}_Wh": Wh, f"s2g_{d}_bi": bi, f"s2g_{d}_bh": bh}
    # the output reads [dense (M*U), forward (M*H), backward (M*H)]; member j's rows in each part
    W = np.zeros((M * U + 2 * M * H, k), np.float32)
    for j, m in enumerate(members):
        Wm = m["s2g_out_W"] / M
        W[j * U:(j + 1) * U] = Wm[:U]
        W[M * U + j * H:M * U + (j + 1) * H] = Wm[U:U + H]
        W[M * U + M * H + j * H:M * U + M * H + (j + 1) * H] = Wm[U + H:]
    out["s2g_out_W"] = W
    out["s2g_out_b"] = np.mean([m["s2g_out_b"] for m in members], axis=0).astype(np.float32)
    return out


def _fit_member_with_threads(threads: int, *args) -> tuple[dict[str, np.ndarray], int]:
    """:func:`fit_member` in a worker process, with PyTorch's intra-op threads set first."""
    import warnings

    require_torch().set_num_threads(threads)
    # joblib hands large arrays over as read-only memory maps; fit_member only reads them, so
    # PyTorch's warning about tensors over non-writable arrays (once per worker) says nothing.
    warnings.filterwarnings("ignore", message="The given NumPy array is not writable")
    return fit_member(*args)


def member_jobs(n_members: int, n_cpus: int | None = None) -> tuple[int, int]:
    """Worker processes and PyTorch threads per worker for fitting ``n_members`` networks.

    One process per member, up to the CPUs there are, the CPUs shared out among them: the
    GRU's products are small (64 units), so a second thread speeds a member up little while
    a second member in its own process nearly doubles the work done (see
    ``GRU_MEMBERS_IN_PARALLEL``).
    """
    # joblib's count is of the CPUs this process may use (affinity, a container's quota), not the host's
    cpus = max(1, cpu_count() if n_cpus is None else n_cpus)
    jobs = max(1, min(n_members, cpus))
    return jobs, max(1, cpus // jobs)


def fit_gru_stage(Z: np.ndarray, y: np.ndarray, weight: np.ndarray, doc_lengths: Sequence[int], val: np.ndarray,
                  n_labels: int, seeds: Sequence[int], macro_f1, patience: int) -> tuple[dict[str, np.ndarray], list[int]]:
    """One network per seed (:func:`fit_member`), merged; with the epoch each kept.

    With more than one seed and more than one CPU (and ``GRU_MEMBERS_IN_PARALLEL``), the
    seeds' networks are fitted side by side in worker processes (joblib; the arrays are
    memory-mapped, not copied); each network's result depends only on its seed and the
    inputs, so the merged network is the one fitting them one after another gives, up to
    PyTorch's thread count (summation order) in the last digits.
    """
    args = [(Z, y, weight, list(doc_lengths), val, n_labels, seed, macro_f1, patience) for seed in seeds]
    jobs, threads = member_jobs(len(seeds)) if GRU_MEMBERS_IN_PARALLEL else (1, 0)
    if jobs == 1:
        fits = [fit_member(*a) for a in args]
    else:
        fits = Parallel(n_jobs=jobs, backend="loky")(delayed(_fit_member_with_threads)(threads, *a) for a in args)
    return merge_gru_members([a for a, _ in fits]), [e for _, e in fits]
