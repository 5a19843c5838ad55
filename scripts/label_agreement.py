"""How far two labellers agree on the dev pages they both labelled, and how the model compares.

Run from the repository root (needs the corpus, default ../shared/corpus):

    python scripts/label_agreement.py [--second data/dev/second_labels.tsv] [--model MODEL.npz]
    python scripts/label_agreement.py --first data/train/labels --second data/train/second_labels.tsv

``data/dev/handlabels.tsv`` holds labeller A's labels (the dev set); ``--second`` holds a second,
independent labeller's labels of some of the same pages, in the same format (ids, hashes,
labels; no text).  Both are checked against the re-rendered pages.  Prints, on the lines both
labelled: each label's F1 between the two labellers (F1 is symmetric: it does not matter who is
the reference), their macro-F1, content F1 and Cohen's kappa; then the model's scores against
A, against B, and on the lines where A and B agree.  The agreement figures of the README and of
``data/dev/README.md`` come from this script.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from boilerline.model import load_model
from boilerline.model.labels import LABELS
from boilerline.training.corpus import default_corpus_root
from boilerline.training.devset import DEV_SET_PATH, load_dev_set
from boilerline.training.train import score_report

SHORT = ("hl", "body", "cap", "ad", "tag", "rel", "com", "oth")
DEFAULT_SECOND = Path("data") / "dev" / "second_labels.tsv"


def cohen_kappa(a: np.ndarray, b: np.ndarray, k: int) -> float:
    """Cohen's kappa of two label index arrays (agreement beyond what chance gives)."""
    if not len(a):
        return float("nan")
    observed = float(np.mean(a == b))
    expected = float(np.sum(np.bincount(a, minlength=k) * np.bincount(b, minlength=k))) / len(a) ** 2
    return (observed - expected) / (1.0 - expected) if expected < 1.0 else 1.0


def _row(name: str, report: dict, kappa: float | None = None) -> str:
    f1 = " | ".join(
        f"{report['per_class'][lab]['f1']:.2f}" if report["per_class"][lab]["support"] else "-" for lab in LABELS)
    k = f"{kappa:.3f}" if kappa is not None else ""
    return f"| {name} | {report['n_lines']} | {report['macro_f1']:.3f} | {report['content_f1']:.3f} | {k} | {f1} |"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--second", type=Path, default=DEFAULT_SECOND, help="the second labeller's TSV")
    p.add_argument("--first", type=Path, default=DEV_SET_PATH, help="the dev set's TSV (labeller A)")
    p.add_argument("--model", type=Path, default=None, help="model artifact (default: the shipped model)")
    p.add_argument("--corpus", type=Path, default=None, help="corpus root (default ../shared/corpus)")
    args = p.parse_args(argv)
    corpus = args.corpus or default_corpus_root()
    second = {d["doc_id"]: d for d in load_dev_set(corpus, args.second)}
    first = [d for d in load_dev_set(corpus, args.first) if d["doc_id"] in second]
    if not first:
        raise SystemExit(f"no page of {args.second} is in {args.first}")
    index = {lab: k for k, lab in enumerate(LABELS)}
    a = np.array([index[lab] for d in first for lab in d["labels"]])
    b = np.array([index[lab] for d in first for lab in second[d["doc_id"]]["labels"]])
    clf = load_model(args.model)
    pred = np.array([index[lab] for labs in clf.predict_documents([d["lines"] for d in first]) for lab in labs])
    langs = sorted({d["language"] for d in first})
    print(f"{len(first)} pages labelled by both ({', '.join(langs)}), {len(a)} lines; "
          f"the labellers agree on {np.mean(a == b):.1%} of them\n")
    print("| comparison | lines | macro-F1 | content F1 | kappa | " + " | ".join(SHORT) + " |")
    print("|---|---:|---:|---:|---:|" + "---:|" * len(SHORT))
    print(_row("labeller B vs labeller A", score_report(a, b, LABELS), cohen_kappa(a, b, len(LABELS))))
    print(_row("model vs labeller A", score_report(a, pred, LABELS), cohen_kappa(a, pred, len(LABELS))))
    print(_row("model vs labeller B", score_report(b, pred, LABELS), cohen_kappa(b, pred, len(LABELS))))
    same = a == b
    print(_row("model, lines A and B agree on", score_report(a[same], pred[same], LABELS)))
    print("\nWhere the labellers disagree (A -> B, lines):")
    pairs: dict[tuple[int, int], int] = {}
    for x, y in zip(a[~same], b[~same]):
        pairs[x, y] = pairs.get((x, y), 0) + 1
    for (x, y), n in sorted(pairs.items(), key=lambda kv: -kv[1])[:12]:
        print(f"  {LABELS[x]} -> {LABELS[y]}: {n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
