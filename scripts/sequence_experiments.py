"""A recurrent second stage: a bidirectional GRU over a page's lines in place of the second-stage MLP.

Run from the repository root (needs the built dataset, ``data/processed/lines``, and PyTorch,
which boilerline itself does not need: ``pip install torch``, a CPU build is enough):

    python scripts/sequence_experiments.py [--seed 13] [--gru-seeds 13 14] [--rules-pages none]
        [--sizes 64:32 64:16] [--dropouts 0 0.4] [--p-caseless 0.15] [--uncased] [--threads 1]

One split model is trained as ``scripts/hand_label_experiments.py --weights 2`` trains it (one
seed per stage, four sites in five, the dev pages' sites left out; ``--rules-pages`` as there).
Its second stage's inputs (the first stage's out-of-fold scores of the neighbours, the section
state, the line's own features: ``train.stage2_matrix``) then train two second stages:

* the shipped recipe's MLP (``train.fit_stage2_network``), scored with the decoding step;
* per ``--gru-seeds`` seed, a network reading the page as a sequence, trained as
  ``train --stage2-kind gru`` trains each seed's (``boilerline.training.sequence.fit_member``):
  a dense layer (64 ReLU units) on each line's inputs, a bidirectional GRU (32 units each way)
  over the page (other sizes: ``--sizes U:H ...``, dense units : GRU units, each trained per
  seed; dropout on the dense units while training: ``--dropouts P ...``), and a linear layer on both, trained with Adam (learning rate 2e-3, 16 pages a batch)
  on the same class and page weights.  One training site in ``train.VALIDATION_ONE_IN`` is
  held back (``train.validation_sites``); the epoch that labels those sites best (macro-F1) is kept,
  after ``train.PATIENCE`` epochs without a better one training stops.  It is scored without
  and with the decoding step (the MLP's learned transitions), and the seeds' probabilities
  averaged (an ensemble, as the shipped networks are) with it.

Every model is scored on the 64 hand-labelled dev pages, the held-out sites (auto labels,
``blocks`` rendering) and the 74 hand-labelled pages of held-out sites (with ``--uncased`` also
the dev pages in Arabic letters and the Arabic pages of those sets; ``--p-caseless P`` writes that
share of the synthetic training copies in an uncased script).  The GRUs are run as the labeller
runs them (``boilerline.model.recurrent``; ``tests/test_recurrent.py`` checks it
against PyTorch), and last the GRU alone is timed on the held-out sites' lines, to tell
what it costs when labelling.  About 10
minutes on one core with ``--rules-pages none``, plus 1-2 minutes per GRU seed.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from boilerline.model.classifier import _softmax
from boilerline.model.decoding import posterior_marginals, transition_matrix
from boilerline.model.recurrent import gru_logits
from boilerline.training import train as T
from boilerline.training import sequence
from boilerline.training.sequence import fit_member

from decoding_experiments import SHORT
from hand_label_experiments import scoring_sets, training_documents


def uncased_sets(sets):
    """The dev pages with their Latin letters in Arabic letters (``evaluate.caseless_documents``,
    the report's stress test) and the Arabic pages of every set, put together."""
    from caseless_experiments import _as_docs, _as_eval

    from boilerline.training.evaluate import caseless_documents

    dev = dict(sets)["dev pages"]
    arabic = [D.subset([i for i, lang in enumerate(D.languages) if lang == "ar"]) for _, D in sets]
    together = T.Documents.concatenate(arabic)
    return (("dev, Arabic letters", _as_docs(caseless_documents(_as_eval(dev, "dev")))),
            (f"Arabic pages ({len(together)})", together))


def split_recipe(seed: int, rules_pages: str, p_caseless: float = 0.0, uncased: bool = False):
    """The split model's first stage, its second-stage training inputs and the MLP second stage.

    ``p_caseless``: share of the synthetic copies in an uncased script (``train.augment``);
    ``uncased``: also score :func:`uncased_sets`."""
    base = T.load_documents(T.DEFAULT_DATASET)
    sets = scoring_sets(base)
    if uncased:
        sets = sets + uncased_sets(sets)
    docs, _ = training_documents(base, T.TRAINING_LABELS, T.HAND_LABEL_WEIGHT, rules_pages)
    labels = T.label_order(docs)
    k = len(labels)
    tr, _ = T.split_by_site(docs, T.dev_sites(docs))
    train = T.augment(docs.subset(tr), T.AUGMENT_FRACTION, p_caseless=p_caseless)
    F = T.featurize(train, labels)
    mean, scale = F.dense.mean(axis=0), F.dense.std(axis=0) + 1e-6
    s1 = T.fit_stage1(F, mean, scale, k, T.stage1_rows(F, labels, seed=seed), None, (seed,))
    Z = T.stage2_matrix(T.out_of_fold_stage1(F, train, mean, scale, labels, seed=seed), F, mean, scale, labels)
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


def gru_proba(arrays, Z: np.ndarray, lengths) -> np.ndarray:
    """Label probabilities from a GRU's arrays, run with numpy as the labeller runs them."""
    return _softmax(gru_logits(Z, lengths, arrays))


def fit_gru(train_inputs, labels, seed: int, size: tuple[int, int] | None = None, dropout: float = sequence.DROPOUT):
    """One GRU (``training/sequence.py``, as ``train --stage2-kind gru`` fits each seed's), its arrays.

    ``size``: (dense units, GRU units each way) instead of ``sequence``'s constants; ``dropout``:
    on the dense units while training."""
    Z, y, page_weight, doc_lengths, val = train_inputs
    w = T.stage2_line_weights(y, len(labels), page_weight)
    sized = {} if size is None else {"units": size}  # fit_member's default is the shipped size
    arrays, epoch = fit_member(Z, y, w, doc_lengths, val, len(labels), seed, T._macro_f1, T.PATIENCE,
                               dropout=dropout, **sized)
    print(f"  GRU seed {seed}{_tag(size, dropout)}: epoch {epoch} kept", flush=True)
    return arrays


def _tag(size: tuple[int, int] | None, dropout: float) -> str:
    return ("" if size is None else f" U{size[0]} H{size[1]}") + ("" if dropout == sequence.DROPOUT else f" dropout {dropout:g}")


def _size(text: str) -> tuple[int, int]:
    try:
        u, h = (int(v) for v in text.split(":"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"a size is DENSE:GRU units, e.g. 64:32, not {text!r}") from None
    if u < 1 or h < 1:
        raise argparse.ArgumentTypeError(f"sizes must be positive, not {text!r}")
    return u, h


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
    p.add_argument("--sizes", type=_size, nargs="+", default=None, metavar="U:H",
                   help="GRU sizes to train, dense units : GRU units each way (default: the shipped one)")
    p.add_argument("--dropouts", type=float, nargs="+", default=None, metavar="P",
                   help="dropout rates on the dense units while training, each trained per size and seed "
                        "(default: the shipped one)")
    p.add_argument("--p-caseless", type=float, default=0.0, metavar="P",
                   help="share of the synthetic copies written in an uncased script (default: %(default)s, "
                        "the shipped recipe's)")
    p.add_argument("--uncased", action="store_true",
                   help="also score the dev pages in Arabic letters and the sets' Arabic pages")
    p.add_argument("--threads", type=int, default=1, help="PyTorch's threads (default: %(default)s)")
    args = p.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    t0 = time.time()
    labels, transitions, train_inputs, scored = split_recipe(args.seed, args.rules_pages, args.p_caseless,
                                                             args.uncased)
    print(f"split model and MLP second stage trained, {time.time() - t0:.0f}s", flush=True)
    rows = [f"| set | second stage (seed {args.seed}) | macro-F1 | content F1 | " + " | ".join(SHORT) + " |",
            "|---|---|---:|---:|" + "---:|" * len(SHORT)]
    variants = [(size, dropout) for size in (args.sizes or [None]) for dropout in (args.dropouts or [sequence.DROPOUT])]
    nets = {}
    for size, dropout in variants:
        for seed in args.gru_seeds:
            nets[size, dropout, seed] = fit_gru(train_inputs, labels, seed, size, dropout)
    print(f"GRUs trained, {time.time() - t0:.0f}s", flush=True)
    for name, Z, y, lengths, P_mlp in scored:
        rows.append(_row(name, "MLP + decoding (shipped recipe)", posterior_marginals(P_mlp, transitions, lengths), y, labels))
        for size, dropout in variants:
            tag = "GRU" + _tag(size, dropout)
            for seed in args.gru_seeds:
                P = gru_proba(nets[size, dropout, seed], Z, lengths)
                rows.append(_row(name, f"{tag} seed {seed}", P, y, labels))
                rows.append(_row(name, f"{tag} seed {seed} + decoding", posterior_marginals(P, transitions, lengths),
                                 y, labels))
            if len(args.gru_seeds) > 1:  # an ensemble of the seeds: their probabilities averaged
                P = np.mean([gru_proba(nets[size, dropout, seed], Z, lengths) for seed in args.gru_seeds], axis=0)
                rows.append(_row(name, f"{tag} seeds averaged + decoding", posterior_marginals(P, transitions, lengths),
                                 y, labels))
    print("\n".join(rows))
    # the labeller's side: the GRU's time alone (one network per size; the shipped model merges two)
    name, Z, _, lengths, _ = scored[1]
    for size, dropout in variants:
        t1 = time.time()
        gru_logits(Z, lengths, nets[size, dropout, args.gru_seeds[0]])
        dt = time.time() - t1
        what = _tag(size, dropout)
        print(f"GRU{what} on the {len(Z)} lines of the {name}: {dt:.2f}s ({len(Z) / dt:,.0f} lines/s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
