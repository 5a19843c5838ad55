"""The hand-labelled dev set: corpus pages labelled line by line by people, never trained on.

``data/dev/handlabels.tsv`` holds one row per rendered line (``blocks`` style) of each dev
page: ``doc_id`` (the MANIFEST path), ``line_no``, ``line_sha1`` (first 12 hex digits of the
sha1 of the line's UTF-8) and ``label``; no page text. :func:`load_dev_set` re-renders the
pages from the corpus and checks every line against its hash, so a renderer change that moves
or alters lines fails loudly instead of silently shifting labels.

Training must exclude these pages' *sites* (:func:`dev_sites`), not only the pages, so that
the dev score is a score on unseen sites. See ``data/dev/README.md``.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
from collections import defaultdict
from pathlib import Path

from boilerline.model.labels import LABELS

#: The dev set in this repository (resolved from this file, not the working directory).
# Relative to the repository root, where the training commands run (like data/processed/):
# the hand labels are project data, not installed with the package.
DEV_SET_PATH = Path("data") / "dev" / "handlabels.tsv"
COLUMNS = ("doc_id", "line_no", "line_sha1", "label")
RENDERING = "blocks"

__all__ = [
    "DEV_SET_PATH",
    "DevSetMismatch",
    "line_sha1",
    "read_handlabels",
    "lines_mismatch",
    "dev_doc_ids",
    "dev_sites",
    "render_dev_page",
    "load_dev_set",
]


class DevSetMismatch(ValueError):
    """A dev page no longer renders to the lines that were labelled (the renderer changed)."""


def line_sha1(line: str) -> str:
    return hashlib.sha1(line.encode("utf-8")).hexdigest()[:12]


def lines_mismatch(lines: list[str], rows: list[tuple[str, str]]) -> str | None:
    """How ``lines`` differ from the labelled ``rows`` (``(line_sha1, label)``), or None if they match."""
    if len(lines) != len(rows):
        return (f"renders to {len(lines)} lines, {len(rows)} were labelled "
                "(the renderer changed: relabel this page or pin the renderer)")
    for j, (line, (sha, _)) in enumerate(zip(lines, rows)):
        if line_sha1(line) != sha:
            return (f"line {j} renders to {line[:60]!r} (sha1 {line_sha1(line)}), "
                    f"labelled line had sha1 {sha} (the renderer changed)")
    return None


def read_handlabels(path: Path | str = DEV_SET_PATH) -> dict[str, list[tuple[str, str]]]:
    """``{doc_id: [(line_sha1, label), ...]}`` in line order; checks the file's shape.

    Every document must list its lines 0..n-1 exactly once, with one of the eight labels.
    ``path`` may also be a folder: its ``*.tsv`` files, in name order, each holding other
    documents (a document in two of them is refused).
    """
    path = Path(path)
    if path.is_dir():
        merged: dict[str, list[tuple[str, str]]] = {}
        for part in sorted(path.glob("*.tsv")):
            for doc, rows in read_handlabels(part).items():
                if doc in merged:
                    raise ValueError(f"{part}: {doc} is also labelled in another file of {path}")
                merged[doc] = rows
        return merged
    rows: dict[str, dict[int, tuple[str, str]]] = defaultdict(dict)
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ValueError(f"{path}: columns {reader.fieldnames}, expected {list(COLUMNS)}")
        for k, r in enumerate(reader, start=2):
            if r["label"] not in LABELS:
                raise ValueError(f"{path}:{k}: label {r['label']!r} is not one of {LABELS}")
            if len(r["line_sha1"]) != 12 or any(c not in "0123456789abcdef" for c in r["line_sha1"]):
                raise ValueError(f"{path}:{k}: line_sha1 {r['line_sha1']!r} is not 12 hex digits")
            j = int(r["line_no"])
            if j in rows[r["doc_id"]]:
                raise ValueError(f"{path}:{k}: {r['doc_id']} line {j} labelled twice")
            rows[r["doc_id"]][j] = (r["line_sha1"], r["label"])
    out = {}
    for doc, by_line in rows.items():
        if sorted(by_line) != list(range(len(by_line))):
            missing = sorted(set(range(max(by_line) + 1)) - set(by_line))
            raise ValueError(f"{path}: {doc}: lines not numbered 0..n-1 (missing {missing[:10]})")
        out[doc] = [by_line[j] for j in range(len(by_line))]
    return out


def dev_doc_ids(path: Path | str = DEV_SET_PATH) -> set[str]:
    """The dev pages' doc ids (MANIFEST paths); cheap: reads only the TSV's first column."""
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh, delimiter="\t")
        next(reader, None)
        return {row[0] for row in reader if row}


def _manifest_pages(corpus_root: Path, doc_ids: set[str]) -> dict:
    from .sources import iter_manifest

    pages = {p.path: p for p in iter_manifest(Path(corpus_root)) if p.path in doc_ids}
    missing = sorted(doc_ids - set(pages))
    if missing:
        raise DevSetMismatch(f"dev pages not in {corpus_root}/MANIFEST.csv: {missing}")
    return pages


def dev_sites(corpus_root: Path | str, path: Path | str = DEV_SET_PATH) -> set[str]:
    """The site keys (``training.sources``) of the dev pages: exclude these from training."""
    return {p.site for p in _manifest_pages(Path(corpus_root), dev_doc_ids(path)).values()}


def render_dev_page(corpus_root: Path | str, doc_id: str) -> list[str]:
    """A corpus page's lines exactly as the dev set labels them (``blocks`` rendering)."""
    from .render import render_lines

    with gzip.open(Path(corpus_root) / doc_id, "rb") as fh:
        return render_lines(fh.read(), RENDERING)


def load_dev_set(corpus_root: Path | str, path: Path | str = DEV_SET_PATH) -> list[dict]:
    """The dev documents ``{doc_id, language, source, site, lines, labels}``, in TSV order.

    Each page is re-rendered (``blocks`` style) from the corpus and every line is checked
    against its recorded hash; any difference raises :class:`DevSetMismatch` naming the
    document and line.
    """
    corpus_root = Path(corpus_root)
    labelled = read_handlabels(path)
    pages = _manifest_pages(corpus_root, set(labelled))
    docs = []
    for doc_id, rows in labelled.items():
        page = pages[doc_id]
        lines = render_dev_page(corpus_root, doc_id)
        problem = lines_mismatch(lines, rows)
        if problem:
            raise DevSetMismatch(f"{doc_id}: {problem}")
        docs.append({
            "doc_id": doc_id,
            "language": page.language,
            "source": page.source,
            "site": page.site,
            "lines": lines,
            "labels": [lab for _, lab in rows],
        })
    return docs
