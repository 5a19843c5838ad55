"""Session 5's experiment: augmented copies written in an uncased script, on or off.

Run from the repository root (needs the built dataset and the corpus for the dev pages):

    python scripts/caseless_experiments.py [--shares 0 0.15]

For each share of the augmented copies rewritten into an uncased script
(``boilerline.training.synthetic.P_CASELESS`` is the default of training), it trains what
``train`` trains on four sites in five (the dev pages' sites left out), with one seed per
stage to keep it short (the first of ``STAGE1_SEEDS`` / ``STAGE2_SEEDS``): the first stage,
its out-of-fold scores, the second stage and the decoding transitions.  Then it scores the
hand-labelled dev pages, the held-out sites (auto labels, ``blocks`` rendering), the dev pages
with their Latin letters written in Arabic letters (``evaluate.caseless_documents``), the two
Arabic dev pages and the held-out sites' Arabic pages, and the seed page.  Prints one row per
share and set: macro-F1, content F1, accuracy and each label's F1.  About 8 minutes per share
on 2 cores.  The session-5 table of ``reports/experiments.md`` comes from this script.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from boilerline.model.decoding import posterior_marginals, transition_matrix
from boilerline.training import train as T
from boilerline.training.corpus import default_corpus_root
from boilerline.training.evaluate import EvalSet, caseless_documents, seed_documents

from decoding_experiments import SHORT, _dev_documents


def _as_eval(D: T.Documents, name: str) -> EvalSet:
    return EvalSet(name, D.lines, D.labels, D.languages, D.sources, D.doc_ids)


def _as_docs(ev: EvalSet) -> T.Documents:
    """The evaluation set as training-style documents, blank lines (which carry no label) left out."""
    n = len(ev.lines)
    kept = [[i for i, line in enumerate(lines) if line.strip()] for lines in ev.lines]
    return T.Documents([[lines[i] for i in keep] for lines, keep in zip(ev.lines, kept)],
                       [[gold[i] for i in keep] for gold, keep in zip(ev.gold, kept)],
                       ["eval"] * n, ev.languages, ev.sources, ["blocks"] * n, ev.doc_ids or [str(i) for i in range(n)])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--shares", type=float, nargs="+", default=[0.0, 0.15])
    args = p.parse_args(argv)
    docs = T.load_documents(T.DEFAULT_DATASET)
    labels = T.label_order(docs)
    k = len(labels)
    excluded = T.dev_sites(docs)
    train_idx, test_idx = T.split_by_site(docs, excluded)
    heldout = docs.subset([i for i in test_idx if docs.sites[i] not in excluded and docs.renderings[i] == "blocks"])
    dev = _dev_documents()
    seed = seed_documents(default_corpus_root().parent / "seed")
    sets = {
        "dev pages": dev,
        "held-out sites": heldout,
        "dev, Arabic letters": _as_docs(caseless_documents(_as_eval(dev, "dev"))),
        "dev, Arabic pages": dev.subset([i for i, lang in enumerate(dev.languages) if lang == "ar"]),
        "held-out, Arabic pages": heldout.subset([i for i, lang in enumerate(heldout.languages) if lang == "ar"]),
    }
    if seed is not None:
        sets["seed page"] = _as_docs(seed)
    print("| caseless share | set | macro-F1 | content F1 | accuracy | " + " | ".join(SHORT) + " |")
    print("|---:|---|---:|---:|---:|" + "---:|" * len(SHORT))
    for share in args.shares:
        t0 = time.time()
        train = T.augment(docs.subset(train_idx), T.AUGMENT_FRACTION, T.SEED, p_caseless=share)
        F = T.featurize(train, labels)
        mean, scale = F.dense.mean(axis=0), F.dense.std(axis=0) + 1e-6
        s1 = T.fit_stage1(F, mean, scale, k, T.stage1_rows(F, labels), None, T.STAGE1_SEEDS[:1])
        s2, z_mean, z_scale = T.fit_stage2(F, train, mean, scale, labels, seeds=T.STAGE2_SEEDS[:1])
        transitions = transition_matrix(F.y, F.doc_lengths, k, T.TRANSITION_WEIGHT)
        for name, D in sets.items():
            G = T.featurize(D, labels)
            keep = G.y >= 0
            P1 = T.stage1_proba(s1, G, mean, scale, k)
            P2 = T._full_proba(s2, k, (T.stage2_matrix(P1, G, mean, scale, labels) - z_mean) / z_scale)
            pred = posterior_marginals(P2.astype(np.float32), transitions, G.doc_lengths).argmax(axis=1)
            r = T.score_report(G.y[keep], pred[keep], labels)
            f1 = " | ".join(f"{r['per_class'][lab_]['f1']:.2f}" for lab_ in labels)
            print(f"| {share:g} | {name} | {r['macro_f1']:.3f} | {r['content_f1']:.3f} | {r['accuracy']:.3f} | {f1} |",
                  flush=True)
        print(f"<!-- share {share:g}: {time.time() - t0:.0f}s -->", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
