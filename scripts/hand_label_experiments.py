"""The hand-labelled training pages on and off, at several weights (reports/experiments.md, sessions 6 and 7).

Run from the repository root (needs the built dataset, ``data/processed/lines``):

    python scripts/hand_label_experiments.py [--weights 0 2 4 10] [--rounds 1 2 3] [--seed 13]
        [--rules-pages all|other-sites|none]

For each weight (0: without the hand-labelled pages, the rules' labels only) one split model is
trained, with one seed per stage (13) on four sites in five, the dev pages' sites left out, as
``train`` does before ``--refit-all``; ``--rounds`` keeps the pages of those labelling rounds
(``data/train/labels/roundN.tsv``, or ``roundNa.tsv``, ``roundNb.tsv``...; default: all).  Each model is scored on the 64 hand-labelled dev
pages, on the held-out sites (auto labels, ``blocks`` rendering) and on the 74 hand-labelled
pages of held-out sites (``data/heldout/``), first stage alone and with
the second stage and decoding.  ``--rules-pages``: which pages labelled by the rules only are
trained on besides the hand-labelled ones: ``all``, ``other-sites`` (those of sites without
hand-labelled pages, as ``train`` does: ``RULES_PAGES_OF_HAND_SITES``) or ``none``; ``--seed``:
the networks' seed (and that of the `other` lines kept).  About 15 minutes per weight on 2
cores (5-7 with ``--rules-pages none``).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from boilerline.model.decoding import posterior_marginals, transition_matrix
from boilerline.training import train as T
from boilerline.training.evaluate import DEFAULT_HELDOUT_LABELS as HELDOUT_LABELS

from decoding_experiments import SHORT, _dev_documents


def _pages_of_rounds(rounds: set[int] | None) -> Path:
    """The training-labels folder, or a temporary one holding only the files of ``rounds``."""
    if rounds is None:
        return T.TRAINING_LABELS
    out = Path(tempfile.mkdtemp())
    for r in sorted(rounds):
        # a round over 2 MB of labels is split into roundNa.tsv, roundNb.tsv, ...
        for f in sorted(T.TRAINING_LABELS.glob(f"round{r}.tsv")) + sorted(T.TRAINING_LABELS.glob(f"round{r}[a-z].tsv")):
            shutil.copy(f, out)
    return out


def scoring_sets(docs: T.Documents) -> tuple[tuple[str, T.Documents], ...]:
    """The sets every model is scored on: dev pages, held-out sites, held-out pages labelled by hand."""
    excluded = T.dev_sites(docs)
    _, te = T.split_by_site(docs, excluded)
    heldout = docs.subset([i for i in te if docs.sites[i] not in excluded and docs.renderings[i] == "blocks"])
    return (("dev pages", _dev_documents()), ("held-out sites", heldout),
            ("held-out, hand-labelled", _dev_documents(HELDOUT_LABELS)))


def training_documents(base: T.Documents, tsv: Path, weight: float, rules_pages: str) -> tuple[T.Documents, int]:
    """The pages trained on: ``base`` with the hand labels of ``tsv`` at ``weight`` (0: none), and
    the rules-labelled pages ``rules_pages`` names (see the module's docstring); with how many
    pages took hand labels.  ``base`` is not changed."""
    docs, n = T.apply_training_labels(base, tsv, weight) if weight > 0 else (base, 0)
    if n and rules_pages == "other-sites":
        docs, _ = T.drop_rules_pages_of_hand_sites(docs)
    elif n and rules_pages == "none":
        docs = docs.subset([i for i, hand in enumerate(docs.hand_labelled) if hand])
    return docs, n


def run(weight: float, tsv: Path, base: T.Documents, sets, rules_pages: str = "other-sites",
        seed: int = T.SEED) -> list[str]:
    """Train one split model with the hand labels at ``weight`` (0: none); its table rows.

    ``base`` is the dataset with the rules' labels (not changed), ``sets`` :func:`scoring_sets`,
    ``rules_pages`` which rules-labelled pages are trained on (see the module's docstring),
    ``seed`` the networks' (and which `other` lines the first stages leave out).
    """
    docs, n = training_documents(base, tsv, weight, rules_pages)
    labels = T.label_order(docs)
    k = len(labels)
    tr, _ = T.split_by_site(docs, T.dev_sites(docs))
    t0 = time.time()
    train = T.augment(docs.subset(tr), T.AUGMENT_FRACTION, p_caseless=0.0)
    F = T.featurize(train, labels)
    mean, scale = F.dense.mean(axis=0), F.dense.std(axis=0) + 1e-6
    s1 = T.fit_stage1(F, mean, scale, k, T.stage1_rows(F, labels, seed=seed), None, (seed,))
    s2, zm, zs = T.fit_stage2(F, train, mean, scale, labels, seeds=(seed,))
    transitions = transition_matrix(F.y, F.doc_lengths, k, T.TRANSITION_WEIGHT)
    print(f"weight {weight:g}: {n} hand-labelled pages, trained in {time.time() - t0:.0f}s", flush=True)
    rows = []
    for name, D in sets:
        G = T.featurize(D, labels)
        keep = G.y >= 0
        P1 = T.stage1_proba(s1, G, mean, scale, k)
        P2 = T._full_proba(s2, k, (T.stage2_matrix(P1, G, mean, scale, labels) - zm) / zs)
        P = posterior_marginals(P2.astype(np.float32), transitions, G.doc_lengths)
        for stage, PP in (("stage 1", P1), ("full", P)):
            r = T.score_report(G.y[keep], PP.argmax(1)[keep], labels)
            f1 = " | ".join(f"{r['per_class'][lab]['f1']:.2f}" for lab in labels)
            rows.append(f"| {weight:g} | {n} | {name} | {stage} | {r['macro_f1']:.3f} | {r['content_f1']:.3f} | {f1} |")
    return rows


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--weights", type=float, nargs="+", default=[0.0, 2.0, 4.0, 10.0])
    p.add_argument("--rounds", type=int, nargs="+", default=None, help="labelling rounds to use (default: all)")
    p.add_argument("--rules-pages", choices=("all", "other-sites", "none"), default="other-sites",
                   help="rules-labelled pages trained on besides the hand-labelled ones (default: %(default)s)")
    p.add_argument("--seed", type=int, default=T.SEED, help="seed of the networks (default: %(default)s)")
    args = p.parse_args()
    tsv = _pages_of_rounds(set(args.rounds) if args.rounds else None)
    out = ["| weight | pages | set | stages | macro-F1 | content F1 | " + " | ".join(SHORT) + " |",
           "|---:|---:|---|---|---:|---:|" + "---:|" * len(SHORT)]
    # the dataset and the scored pages are loaded once: each weight starts from the same base
    base = T.load_documents(T.DEFAULT_DATASET)
    sets = scoring_sets(base)
    for w in args.weights:
        out += run(w, tsv, base, sets, args.rules_pages, args.seed)
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
