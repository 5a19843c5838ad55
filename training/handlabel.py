"""Tools for hand-labelling corpus pages into the dev set (``data/dev/handlabels.tsv``).

``label-show`` prints a page's rendered lines, numbered, with the training rules' label as a
hint; the labeller writes one ``line_no<TAB>label`` row per line into a scratch file (outside
the repository: it is read, never committed), and ``label-add`` checks it against the page
and appends the page's rows (ids, hashes and labels, no text) to the TSV. ``dev-table`` prints
the per-page, per-language and per-source label counts of ``data/dev/README.md``.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

from boilerline.model.labels import LABELS

from .devset import COLUMNS, DEV_SET_PATH, RENDERING, line_sha1, load_dev_set, read_handlabels, render_dev_page

#: Short names a labeller may type instead of the full label (the column order of the tables).
SHORT_LABELS = {
    "hl": "headline", "body": "body", "cap": "caption", "ad": "ad shortcode",
    "tag": "tag", "rel": "related-link", "com": "comment widget", "oth": "other",
}
#: Longest line ``label-show`` prints in full; longer lines are cut with an ellipsis.
SHOW_MAX_CHARS = 400

__all__ = ["SHORT_LABELS", "parse_label_file", "append_page", "dev_table"]


def parse_label_file(path: Path, n_lines: int) -> list[str]:
    """Labels from rows ``line_no<TAB>label[<TAB>anything]``; checks numbering and labels.

    Blank lines and lines starting with ``#`` are skipped; a label may be a full label or one
    of :data:`SHORT_LABELS`. Raises ``ValueError`` naming the row on any problem.
    """
    labels: dict[int, str] = {}
    with open(path, encoding="utf-8") as fh:
        for k, raw in enumerate(fh, start=1):
            if not raw.strip() or raw.startswith("#"):
                continue
            parts = raw.rstrip("\n").split("\t")
            if len(parts) < 2:
                raise ValueError(f"{path}:{k}: expected 'line_no<TAB>label', got {raw[:60]!r}")
            try:
                j = int(parts[0])
            except ValueError:
                raise ValueError(f"{path}:{k}: line number {parts[0]!r} is not an integer") from None
            lab = SHORT_LABELS.get(parts[1].strip(), parts[1].strip())
            if lab not in LABELS:
                raise ValueError(f"{path}:{k}: label {parts[1]!r} is not one of {LABELS} or {sorted(SHORT_LABELS)}")
            if j in labels:
                raise ValueError(f"{path}:{k}: line {j} labelled twice")
            labels[j] = lab
    if sorted(labels) != list(range(n_lines)):
        missing = sorted(set(range(n_lines)) - set(labels))
        extra = sorted(set(labels) - set(range(n_lines)))
        raise ValueError(f"{path}: the page has {n_lines} lines; missing {missing[:10]}, out of range {extra[:10]}")
    return [labels[j] for j in range(n_lines)]


def append_page(doc_id: str, lines: list[str], labels: list[str], tsv: Path = DEV_SET_PATH) -> int:
    """Append one page's rows to the dev-set TSV; refuses a page that is already there.

    A TSV that does not exist yet is started with its header (a second labelling, or a new
    dev set, goes into a file of its own).
    """
    if len(lines) != len(labels):
        raise ValueError(f"{doc_id}: {len(lines)} lines but {len(labels)} labels")
    tsv = Path(tsv)
    new = not tsv.exists()
    if not new and doc_id in read_handlabels(tsv):
        raise ValueError(f"{doc_id} is already in {tsv}")
    with open(tsv, "a", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        if new:
            w.writerow(COLUMNS)
        for j, (line, lab) in enumerate(zip(lines, labels)):
            w.writerow([doc_id, j, line_sha1(line), lab])
    return len(lines)


def _count_row(labels: list[str]) -> list[str]:
    c = Counter(labels)
    return [str(c[lab]) if c[lab] else "" for lab in SHORT_LABELS.values()]


def dev_table(corpus_root: Path, tsv: Path = DEV_SET_PATH) -> str:
    """Markdown tables of the dev set: per page, then per language and per source."""
    docs = load_dev_set(corpus_root, tsv)
    with open(Path(corpus_root) / "MANIFEST.csv", newline="", encoding="utf-8") as fh:
        manifest = {m["path"]: m for m in csv.DictReader(fh)}
    short = list(SHORT_LABELS)
    out = ["| # | doc_id | lang | source | site | WP | shortcodes | lines | " + " | ".join(short) + " |",
           "|---|---|---|---|---|---|---:|---:|" + "---:|" * len(short)]
    for k, d in enumerate(docs):
        m = manifest.get(d["doc_id"], {})
        out.append(f"| {k} | `{d['doc_id']}` | {d['language']} | {d['source']} | {d['site']} | "
                   f"{'yes' if m.get('wordpress') == '1' else ''} | {m.get('n_likely_shortcodes', '')} | "
                   f"{len(d['lines'])} | " + " | ".join(_count_row(d["labels"])) + " |")
    everything = [lab for d in docs for lab in d["labels"]]
    out.append(f"| | **all ({len(docs)} pages)** | | | | | | {len(everything)} | "
               + " | ".join(c or "0" for c in _count_row(everything)) + " |")
    for key in ("language", "source"):
        out += ["", f"| {key} | pages | lines | " + " | ".join(short) + " |",
                "|---|---:|---:|" + "---:|" * len(short)]
        groups: dict[str, list[dict]] = {}
        for d in docs:
            groups.setdefault(d[key], []).append(d)
        for g, ds in sorted(groups.items(), key=lambda kv: -sum(len(d["lines"]) for d in kv[1])):
            labs = [lab for d in ds for lab in d["labels"]]
            out.append(f"| {g} | {len(ds)} | {len(labs)} | " + " | ".join(c or "0" for c in _count_row(labs)) + " |")
    return "\n".join(out) + "\n"


def _hints(dataset: Path, doc_id: str) -> list[str] | None:
    """The training rules' labels of the page's ``blocks`` rows, when the built dataset is there."""
    if not dataset.is_dir():
        return None
    import datasets

    ds = datasets.load_from_disk(str(dataset))
    keys = zip(ds["doc_id"], ds["rendering"])
    k = next((k for k, key in enumerate(keys) if key == (doc_id, RENDERING)), None)
    return None if k is None else [lab or "-" for lab in ds[k]["labels"]]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=("show", "check", "add", "table"),
                   help="show: print a page's numbered lines; check: validate a labels file against the page; "
                        "add: check, then append the page to the TSV; table: the dev set's count tables")
    p.add_argument("doc_id", nargs="?", help="the page's MANIFEST path (show, add)")
    p.add_argument("labels", nargs="?", type=Path, help="check, add: the file of 'line_no<TAB>label' rows")
    p.add_argument("--corpus", type=Path, default=None,
                   help="corpus root (default: $BOILERLINE_CORPUS or ../shared/corpus)")
    p.add_argument("--dataset", type=Path, default=Path("data/processed/lines"),
                   help="show: built dataset whose rule labels are printed as hints (skipped when absent)")
    p.add_argument("--tsv", type=Path, default=DEV_SET_PATH,
                   help="the TSV to read or append to (default: the dev set; data/train/labels/roundN.tsv for training pages)")


def main_handlabel(args: argparse.Namespace) -> int:
    from .corpus import default_corpus_root

    root = args.corpus or default_corpus_root()
    if args.action == "table":
        sys.stdout.write(dev_table(root, args.tsv))
        return 0
    if not args.doc_id:
        print(f"{args.action} needs a doc_id", file=sys.stderr)
        return 2
    lines = render_dev_page(root, args.doc_id)
    if args.action == "show":
        hints = _hints(args.dataset, args.doc_id)
        if hints is not None and len(hints) != len(lines):
            hints = None  # the dataset was built by another renderer: no hints rather than wrong ones
        for j, line in enumerate(lines):
            text = line if len(line) <= SHOW_MAX_CHARS else line[:SHOW_MAX_CHARS] + "…"
            print(f"{j}\t{hints[j] if hints else '-'}\t{text}")
        return 0
    if args.labels is None:
        print(f"{args.action} needs the labels file", file=sys.stderr)
        return 2
    try:
        labels = parse_label_file(args.labels, len(lines))
        if args.action == "check":
            print(f"{args.doc_id}: {len(labels)} lines OK: {dict(Counter(labels))}")
            return 0
        n = append_page(args.doc_id, lines, labels, args.tsv)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"{args.doc_id}: {n} lines appended to {args.tsv}: {dict(Counter(labels))}")
    return 0
