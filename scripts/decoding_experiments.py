"""Session 4's experiment: the decoding step's transition weight and the two-seed ensembles.

Run from the repository root (needs the built dataset and the corpus for the dev pages):

    python scripts/decoding_experiments.py [--weights 0 0.15 0.3 0.5 1] [--seeds 13 14]

It trains what ``train`` trains on four sites in five (the dev pages' sites left out), once:
the first stage for each seed, the out-of-fold first stage (first seed) and the second stage
for each seed; then scores, on the hand-labelled dev pages and on the held-out sites (auto
labels, ``blocks`` rendering), every combination of one seed or the merged ensemble per stage
with each transition weight of the decoding step (0 = no decoding).  Prints one row per
combination: macro-F1, content F1 and each label's F1.  About 20 minutes on 2 cores.
The figures of ``reports/experiments.md`` (session 4) come from this script.
"""

from __future__ import annotations

import argparse
import itertools
import time
from pathlib import Path

from boilerline.model.decoding import posterior_marginals, transition_matrix
from boilerline.training import train as T
from boilerline.training.corpus import default_corpus_root
from boilerline.training.devset import DEV_SET_PATH, load_dev_set

SHORT = ("hl", "body", "cap", "ad", "tag", "rel", "com", "oth")


def _dev_documents(path: Path = DEV_SET_PATH) -> T.Documents:
    """The hand-labelled pages of ``path`` (default: the dev set) as ``Documents``."""
    dev = load_dev_set(default_corpus_root(), path)
    n = len(dev)
    return T.Documents([d["lines"] for d in dev], [d["labels"] for d in dev], [d["site"] for d in dev],
                       [d["language"] for d in dev], ["dev"] * n, ["blocks"] * n, [d["doc_id"] for d in dev])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--weights", type=float, nargs="+", default=[0.0, 0.15, 0.3, 0.5, 1.0])
    p.add_argument("--seeds", type=int, nargs="+", default=list(T.STAGE1_SEEDS))
    args = p.parse_args(argv)
    t0 = time.time()
    docs = T.load_documents(T.DEFAULT_DATASET)
    labels = T.label_order(docs)
    k = len(labels)
    excluded = T.dev_sites(docs)
    train_idx, test_idx = T.split_by_site(docs, excluded)
    train = T.augment(docs.subset(train_idx), T.AUGMENT_FRACTION)
    heldout = docs.subset([i for i in test_idx if docs.sites[i] not in excluded and docs.renderings[i] == "blocks"])
    F = T.featurize(train, labels)
    mean, scale = F.dense.mean(axis=0), F.dense.std(axis=0) + 1e-6
    rows = T.stage1_rows(F, labels)
    s1 = {seed: T.fit_stage1(F, mean, scale, k, rows, None, (seed,)) for seed in args.seeds}
    s1["ensemble"] = T.merge_networks([s1[seed] for seed in args.seeds])
    print(f"stage 1 fitted ({len(args.seeds)} seeds), {time.time() - t0:.0f}s", flush=True)
    # out-of-fold first-stage scores for the second stage, as fit_stage2 makes them (seed T.SEED)
    Z = T.stage2_matrix(T.out_of_fold_stage1(F, train, mean, scale, labels), F, mean, scale, labels)
    fits = {seed: T.fit_stage2_network(Z, F.y, k, seeds=(seed,)) for seed in args.seeds}
    s2 = {seed: fit[0] for seed, fit in fits.items()}
    z_mean, z_scale = fits[args.seeds[0]][1:]  # the same standardisation for every seed
    s2["ensemble"] = T.merge_networks([s2[seed] for seed in args.seeds])
    print(f"stage 2 fitted, {time.time() - t0:.0f}s", flush=True)
    transitions = {w: transition_matrix(F.y, F.doc_lengths, k, w) for w in args.weights}
    print("\n| set | stage 1 | stage 2 | transition weight | macro-F1 | content F1 | " + " | ".join(SHORT) + " |")
    print("|---|---|---|---:|---:|---:|" + "---:|" * len(SHORT))
    for name, D in (("dev pages", _dev_documents()), ("held-out sites", heldout)):
        G = T.featurize(D, labels)
        keep = G.y >= 0
        for a, b in itertools.product([args.seeds[0], "ensemble"], [args.seeds[0], "ensemble"]):
            P1 = T.stage1_proba(s1[a], G, mean, scale, k)
            P2 = T._full_proba(s2[b], k, (T.stage2_matrix(P1, G, mean, scale, labels) - z_mean) / z_scale)
            for w in args.weights:
                P = posterior_marginals(P2, transitions[w], G.doc_lengths) if w > 0 else P2
                r = T.score_report(G.y[keep], P.argmax(axis=1)[keep], labels)
                f1 = " | ".join(f"{r['per_class'][lab_]['f1']:.2f}" for lab_ in labels)
                print(f"| {name} | {a} | {b} | {w:g} | {r['macro_f1']:.3f} | {r['content_f1']:.3f} | {f1} |", flush=True)
    print(f"\n{time.time() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
