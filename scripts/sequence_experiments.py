"""A recurrent second stage: a bidirectional GRU over a page's lines in place of the second-stage MLP.

Run from the repository root (needs the built dataset, ``data/processed/lines``, and PyTorch,
which boilerline itself does not need: ``pip install torch``, a CPU build is enough):

    python scripts/sequence_experiments.py [--seed 13] [--gru-seeds 13 14] [--rules-pages none]
        [--threads 1]

One split model is trained as ``scripts/hand_label_experiments.py --weights 2`` trains it (one
seed per stage, four sites in five, the dev pages' sites left out; ``--rules-pages`` as there).
Its second stage's inputs (the first stage's out-of-fold scores of the neighbours, the section
state, the line's own features: ``train.stage2_matrix``) then train two second stages:

* the shipped recipe's MLP (``train.fit_stage2_network``), scored with the decoding step;
* per ``--gru-seeds`` seed, a network reading the page as a sequence: a dense layer (64 ReLU
  units) on each line's inputs, a bidirectional GRU (32 units each way) over the page, and a
  linear layer on both, trained with Adam (learning rate 2e-3, 16 pages a batch) on the same
  class and page weights.  One training site in ``train.VALIDATION_ONE_IN`` is held back
  (``train.validation_sites``); the epoch that labels those sites best (macro-F1) is kept,
  after ``train.PATIENCE`` epochs without a better one training stops.  It is scored without
  and with the decoding step (the MLP's learned transitions), and the seeds' probabilities
  averaged (an ensemble, as the shipped networks are) with it.

Every model is scored on the 64 hand-labelled dev pages, the held-out sites (auto labels,
``blocks`` rendering) and the 74 hand-labelled pages of held-out sites.  Last, the GRU is run
with numpy alone (the labeller must not need PyTorch) on the held-out sites' lines, checked
against PyTorch's scores and timed, to tell what it would cost when labelling.  About 10
minutes on one core with ``--rules-pages none``, plus 1-2 minutes per GRU seed.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from boilerline.model.decoding import posterior_marginals, transition_matrix
from boilerline.training import train as T

from decoding_experiments import SHORT
from hand_label_experiments import scoring_sets

#: The GRU's sizes and training settings (see the module's docstring).
INPUT_UNITS = 64
GRU_UNITS = 32
DOCS_PER_BATCH = 16
MAX_EPOCHS = 15
LEARNING_RATE = 2e-3


def split_recipe(seed: int, rules_pages: str):
    """The split model's first stage, its second-stage training inputs and the MLP second stage."""
    T.SEED = seed  # read by stage1_rows (the `other` lines kept)
    base = T.load_documents(T.DEFAULT_DATASET)
    sets = scoring_sets(base)
    tsv = T.TRAINING_LABELS
    docs, _ = T.apply_training_labels(base, tsv, T.HAND_LABEL_WEIGHT)
    if rules_pages == "other-sites":
        docs, _ = T.drop_rules_pages_of_hand_sites(docs, tsv)
    elif rules_pages == "none":
        docs = docs.subset([i for i, hand in enumerate(T.hand_labelled_rows(docs, tsv)) if hand])
    labels = T.label_order(docs)
    k = len(labels)
    tr, _ = T.split_by_site(docs, T.dev_sites(docs))
    train = T.augment(docs.subset(tr), T.AUGMENT_FRACTION, p_caseless=0.0)
    F = T.featurize(train, labels)
    mean, scale = F.dense.mean(axis=0), F.dense.std(axis=0) + 1e-6
    s1 = T.fit_stage1(F, mean, scale, k, T.stage1_rows(F, labels), None, (seed,))
    Z = T.stage2_matrix(T.out_of_fold_stage1(F, train, mean, scale, labels), F, mean, scale, labels)
    s2, z_mean, z_scale = T.fit_stage2_network(Z, F.y, k, None, (seed,), F.weight)
    transitions = transition_matrix(F.y, F.doc_lengths, k, T.TRANSITION_WEIGHT)
    scored = []
    for name, D in sets:
        G = T.featurize(D, labels)
        Zs = (T.stage2_matrix(T.stage1_proba(s1, G, mean, scale, k), G, mean, scale, labels) - z_mean) / z_scale
        scored.append((name, Zs.astype(np.float32), G.y, G.doc_lengths, T._full_proba(s2, k, Zs)))
    val = T.validation_sites(train.sites)[F.line_doc]
    Zt = ((Z - z_mean) / z_scale).astype(np.float32)
    return labels, transitions, (Zt, F.y, F.weight, F.doc_lengths, val), scored


def _pages(Z: np.ndarray, doc_lengths, rows_of=None) -> list[tuple[int, int]]:
    """(start, end) of each non-empty page; ``rows_of``: keep only pages where it is True."""
    ends = np.cumsum(doc_lengths)
    spans = [(int(e - n), int(e)) for n, e in zip(doc_lengths, ends) if n > 0]
    return [s for s in spans if rows_of is None or rows_of[s[0]]]


def make_network(n_in: int, n_labels: int):
    import torch.nn as nn

    class PageGRU(nn.Module):
        def __init__(self):
            super().__init__()
            self.inp = nn.Sequential(nn.Linear(n_in, INPUT_UNITS), nn.ReLU())
            self.gru = nn.GRU(INPUT_UNITS, GRU_UNITS, batch_first=True, bidirectional=True)
            self.out = nn.Linear(INPUT_UNITS + 2 * GRU_UNITS, n_labels)

        def forward(self, x, lengths):
            h = self.inp(x)
            packed = nn.utils.rnn.pack_padded_sequence(h, lengths, batch_first=True, enforce_sorted=False)
            g, _ = self.gru(packed)
            g, _ = nn.utils.rnn.pad_packed_sequence(g, batch_first=True, total_length=x.shape[1])
            return self.out(torch_cat([h, g]))

    return PageGRU()


def torch_cat(parts):
    import torch

    return torch.cat(parts, -1)


def gru_proba(net, Z: np.ndarray, pages) -> np.ndarray:
    """The network's label probabilities for the lines of ``pages`` (zeros elsewhere)."""
    import torch
    import torch.nn as nn

    out = np.zeros((len(Z), net.out.out_features), dtype=np.float32)
    net.eval()
    with torch.no_grad():
        for s in range(0, len(pages), DOCS_PER_BATCH):
            part = pages[s:s + DOCS_PER_BATCH]
            x = nn.utils.rnn.pad_sequence([torch.from_numpy(Z[a:b]) for a, b in part], batch_first=True)
            P = torch.softmax(net(x, [b - a for a, b in part]), -1).numpy()
            for j, (a, b) in enumerate(part):
                out[a:b] = P[j, :b - a]
    net.train()
    return out


def fit_gru(train_inputs, labels, seed: int):
    """Train the page GRU with early stopping on the held-back training sites; the best network."""
    import torch
    import torch.nn as nn

    Z, y, page_weight, doc_lengths, val = train_inputs
    k = len(labels)
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    w = np.zeros(len(y), dtype=np.float32)
    m = y >= 0
    w[m] = T.class_weights(y[m], k) * page_weight[m]
    fit_pages, val_pages = _pages(Z, doc_lengths, ~val), _pages(Z, doc_lengths, val)
    val_rows = np.concatenate([np.arange(a, b) for a, b in val_pages])
    val_rows = val_rows[y[val_rows] >= 0]
    net = make_network(Z.shape[1], k)
    opt = torch.optim.Adam(net.parameters(), lr=LEARNING_RATE)
    yt, wt = torch.from_numpy(y), torch.from_numpy(w)
    best, since = (-1.0, 0, None), 0
    for epoch in range(1, MAX_EPOCHS + 1):
        order = rng.permutation(len(fit_pages))
        for s in range(0, len(order), DOCS_PER_BATCH):
            part = [fit_pages[i] for i in order[s:s + DOCS_PER_BATCH]]
            x = nn.utils.rnn.pad_sequence([torch.from_numpy(Z[a:b]) for a, b in part], batch_first=True)
            ys = nn.utils.rnn.pad_sequence([yt[a:b] for a, b in part], batch_first=True, padding_value=-1)
            ws = nn.utils.rnn.pad_sequence([wt[a:b] for a, b in part], batch_first=True)
            keep = ys >= 0
            logits = net(x, [b - a for a, b in part])
            loss = (nn.functional.cross_entropy(logits[keep], ys[keep], reduction="none") * ws[keep]).sum()
            opt.zero_grad()
            (loss / ws[keep].sum()).backward()
            opt.step()
        P = gru_proba(net, Z, val_pages)
        score = T.score_report(y[val_rows], P[val_rows].argmax(1), labels)["macro_f1"]
        print(f"  GRU seed {seed}, epoch {epoch}: held-back sites macro-F1 {score:.3f}", flush=True)
        if score > best[0]:
            best, since = (score, epoch, {n: t.clone() for n, t in net.state_dict().items()}), 0
        else:
            since += 1
            if since >= T.PATIENCE:
                break
    net.load_state_dict(best[2])
    print(f"  GRU seed {seed}: epoch {best[1]} kept", flush=True)
    return net


def numpy_gru_proba(net, Z: np.ndarray, doc_lengths) -> np.ndarray:
    """The page GRU run with numpy alone, all pages of the batch stepped together.

    Pages are sorted by length, so that at step ``t`` the pages still running are a prefix
    of the batch; the input projections of every line are one matrix product per direction.
    """
    sd = {n: t.detach().numpy().astype(np.float32) for n, t in net.state_dict().items()}
    H = GRU_UNITS
    h_in = np.maximum(Z @ sd["inp.0.weight"].T + sd["inp.0.bias"], 0.0)
    spans = _pages(Z, doc_lengths)
    spans.sort(key=lambda s: s[0] - s[1])  # longest first
    starts = np.array([a for a, _ in spans])
    lens = np.array([b - a for a, b in spans])
    g = np.zeros((len(Z), 2 * H), dtype=np.float32)
    for d, sfx in ((0, ""), (1, "_reverse")):
        Wi, Wh = sd[f"gru.weight_ih_l0{sfx}"], sd[f"gru.weight_hh_l0{sfx}"]
        bi, bh = sd[f"gru.bias_ih_l0{sfx}"], sd[f"gru.bias_hh_l0{sfx}"]
        gi = h_in @ Wi.T + bi  # (n, 3H): reset, update, new
        h = np.zeros((len(spans), H), dtype=np.float32)
        for t in range(int(lens.max()) if len(lens) else 0):
            m = int(np.searchsorted(-lens, -t, side="left"))  # pages longer than t
            rows = starts[:m] + (t if d == 0 else lens[:m] - 1 - t)
            gh = h[:m] @ Wh.T + bh
            x = gi[rows]
            r = 1.0 / (1.0 + np.exp(-(x[:, :H] + gh[:, :H])))
            u = 1.0 / (1.0 + np.exp(-(x[:, H:2 * H] + gh[:, H:2 * H])))
            c = np.tanh(x[:, 2 * H:] + r * gh[:, 2 * H:])
            h[:m] = (1.0 - u) * c + u * h[:m]
            g[rows, d * H:(d + 1) * H] = h[:m]
    z = np.hstack([h_in, g]) @ sd["out.weight"].T + sd["out.bias"]
    z -= z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    return z / z.sum(axis=1, keepdims=True)


def _row(name: str, model: str, P: np.ndarray, y: np.ndarray, labels) -> str:
    keep = y >= 0
    r = T.score_report(y[keep], P.argmax(1)[keep], labels)
    f1 = " | ".join(f"{r['per_class'][lab]['f1']:.2f}" for lab in labels)
    return f"| {name} | {model} | {r['macro_f1']:.3f} | {r['content_f1']:.3f} | {f1} |"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seed", type=int, default=T.SEED, help="seed of the split model's networks (default: %(default)s)")
    p.add_argument("--gru-seeds", type=int, nargs="+", default=[13, 14])
    p.add_argument("--rules-pages", choices=("all", "other-sites", "none"), default="none",
                   help="rules-labelled pages trained on besides the hand-labelled ones (default: %(default)s)")
    p.add_argument("--threads", type=int, default=1, help="PyTorch's threads (default: %(default)s)")
    args = p.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    t0 = time.time()
    labels, transitions, train_inputs, scored = split_recipe(args.seed, args.rules_pages)
    print(f"split model and MLP second stage trained, {time.time() - t0:.0f}s", flush=True)
    rows = [f"| set | second stage (seed {args.seed}) | macro-F1 | content F1 | " + " | ".join(SHORT) + " |",
            "|---|---|---:|---:|" + "---:|" * len(SHORT)]
    nets = {}
    for seed in args.gru_seeds:
        nets[seed] = fit_gru(train_inputs, labels, seed)
    print(f"GRUs trained, {time.time() - t0:.0f}s", flush=True)
    for name, Z, y, lengths, P_mlp in scored:
        rows.append(_row(name, "MLP + decoding (shipped recipe)", posterior_marginals(P_mlp, transitions, lengths), y, labels))
        for seed, net in nets.items():
            P = gru_proba(net, Z, _pages(Z, lengths))
            rows.append(_row(name, f"GRU seed {seed}", P, y, labels))
            rows.append(_row(name, f"GRU seed {seed} + decoding", posterior_marginals(P, transitions, lengths), y, labels))
        if len(nets) > 1:  # an ensemble of the seeds: their probabilities averaged
            P = np.mean([gru_proba(net, Z, _pages(Z, lengths)) for net in nets.values()], axis=0)
            rows.append(_row(name, "GRU seeds averaged + decoding", posterior_marginals(P, transitions, lengths), y, labels))
    print("\n".join(rows))
    # the labeller's side: numpy alone, the same scores, and its time
    name, Z, y, lengths, _ = scored[1]
    net = nets[args.gru_seeds[0]]
    t1 = time.time()
    P_np = numpy_gru_proba(net, Z, lengths)
    dt = time.time() - t1
    P_t = gru_proba(net, Z, _pages(Z, lengths))
    print(f"\nnumpy GRU on the {len(Z)} lines of the {name}: {dt:.2f}s ({len(Z) / dt:,.0f} lines/s), "
          f"largest difference from PyTorch's probabilities {np.abs(P_np - P_t).max():.2e}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
