"""Compare model artifacts on the hand-labelled dev pages (and the seed page), side by side.

Run from the repository root (needs the corpus, default ../shared/corpus):

    python scripts/compare_models.py MODEL.npz [MODEL.npz ...] [--first-batch 22]

Prints one row per model and page set: macro-F1, content F1 (headline+body vs the rest),
content F1 on the French and English pages, and each label's F1. ``--first-batch N`` also
scores the TSV's first N pages and the rest separately (the dev set grew in batches).
The figures of ``reports/experiments.md`` come from this script.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from boilerline.model import load_model
from boilerline.model.labels import LABELS
from boilerline.training.corpus import default_corpus_root
from boilerline.training.devset import DEV_SET_PATH, load_dev_set
from boilerline.training.evaluate import seed_documents
from boilerline.training.train import score_report

SHORT = ("hl", "body", "cap", "ad", "tag", "rel", "com", "oth")


def _scores(clf, docs: list[dict]) -> tuple[dict, dict]:
    """The score report of ``docs`` and the content F1 of their French and English pages."""
    proba = clf.predict_proba_documents([d["lines"] for d in docs])
    index = {lab: k for k, lab in enumerate(LABELS)}
    pred = [[index[clf.labels[k]] for k in P.argmax(axis=1)] for P in proba]
    gold = [[index[lab] for lab in d["labels"]] for d in docs]

    def report(ids):
        return score_report(np.array([y for i in ids for y in gold[i]]), np.array([y for i in ids for y in pred[i]]),
                            LABELS)

    by_lang = {}
    for lang in ("fr", "en"):
        ids = [i for i, d in enumerate(docs) if d["language"] == lang]
        by_lang[lang] = report(ids)["content_f1"] if ids else float("nan")
    return report(range(len(docs))), by_lang


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("models", nargs="+", type=Path)
    p.add_argument("--dev", type=Path, default=DEV_SET_PATH)
    p.add_argument("--corpus", type=Path, default=None)
    p.add_argument("--seed-dir", type=Path, default=None, help="the seed page's folder (default: beside the corpus)")
    p.add_argument("--first-batch", type=int, default=None, help="also score the first N pages and the rest apart")
    args = p.parse_args(argv)
    root = args.corpus or default_corpus_root()
    docs = load_dev_set(root, args.dev)
    sets = {f"dev ({len(docs)} pages)": docs}
    if args.first_batch:
        sets[f"dev pages 0-{args.first_batch - 1}"] = docs[:args.first_batch]
        sets[f"dev pages {args.first_batch}-{len(docs) - 1}"] = docs[args.first_batch:]
    seed = seed_documents(args.seed_dir or Path(root).parent / "seed")
    print("| model | pages | macro-F1 | content F1 | fr content F1 | en content F1 | " + " | ".join(SHORT) + " |")
    print("|---|---|---:|---:|---:|---:|" + "---:|" * len(SHORT))
    for path in args.models:
        clf = load_model(path)
        for name, ds in sets.items():
            r, lang = _scores(clf, ds)
            print(f"| `{path}` | {name} | {r['macro_f1']:.3f} | {r['content_f1']:.3f} | {lang['fr']:.3f} | "
                  f"{lang['en']:.3f} | " + " | ".join(f"{r['per_class'][lab]['f1']:.2f}" for lab in LABELS) + " |")
        if seed is not None:
            P = clf.predict_proba_documents(seed.lines)[0]
            pairs = [(g, clf.labels[k]) for g, k in zip(seed.gold[0], P.argmax(axis=1)) if g is not None]
            print(f"| `{path}` | seed page | {sum(g == q for g, q in pairs)} of {len(pairs)} lines right | | | | "
                  + " | " * (len(SHORT) - 1) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
