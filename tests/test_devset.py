"""The hand-labelled dev set (data/dev/handlabels.tsv): well-formed, and in step with the renderer."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from boilerline.model.labels import LABELS
from boilerline.training.devset import (
    DevSetMismatch,
    dev_doc_ids,
    load_dev_set,
    read_handlabels,
)

DEV_SET_PATH = Path(__file__).resolve().parents[1] / "data" / "dev" / "handlabels.tsv"
SECOND_PATH = DEV_SET_PATH.with_name("second_labels.tsv")


def _manifest_langs(root):
    with open(root / "MANIFEST.csv", newline="", encoding="utf-8") as fh:
        return {r["path"]: r["lang"] for r in csv.DictReader(fh)}


def test_tsv_is_well_formed():
    docs = read_handlabels(DEV_SET_PATH)  # raises on bad columns, labels, hashes, numbering
    assert len(docs) >= 60
    assert dev_doc_ids(DEV_SET_PATH) == set(docs)
    labels = Counter(lab for rows in docs.values() for _, lab in rows)
    assert set(labels) <= set(LABELS)
    # every class is present, so per-class scores exist
    assert set(labels) == set(LABELS)
    for doc, rows in docs.items():
        assert 40 <= len(rows) <= 250, doc  # pages one person can label line by line
        assert rows[0][1] == "headline", f"{doc}: the <title> line is the page's headline"


def test_tsv_holds_no_text():
    with open(DEV_SET_PATH, encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        assert header == ["doc_id", "line_no", "line_sha1", "label"]
        for line in fh:
            assert len(line.rstrip("\n").split("\t")) == 4


def test_at_least_four_french_pages():
    # doc ids are MANIFEST paths; the French ones are listed in data/dev/README.md
    french = {
        "trafilatura/tests/eval/aoc.media.archaisme.html.gz",
        "trafilatura/tests/eval/bondyblog.fr.paris-8.html.gz",
        "recipe-scrapers/tests/test_data/latelierderoxane.com/latelierderoxane_2.testhtml.gz",
        "trafilatura/tests/eval/lenouvelliste.com-compagnies.html.gz",
        "trafilatura/tests/eval/madame.lefigaro.fr.dintestin.html.gz",
    }
    assert len(french & dev_doc_ids(DEV_SET_PATH)) >= 4


def test_second_labelling_covers_dev_pages_line_for_line():
    first, second = read_handlabels(DEV_SET_PATH), read_handlabels(SECOND_PATH)
    assert len(second) >= 15 and set(second) <= set(first)
    for doc, rows in second.items():
        # the same rendered lines (same count, same hashes): only the labels may differ
        assert [sha for sha, _ in rows] == [sha for sha, _ in first[doc]], doc


def test_second_labelling_renders_to_the_labelled_lines(corpus_root):
    docs = load_dev_set(corpus_root, SECOND_PATH)
    assert {d["language"] for d in docs} >= {"fr", "en", "de", "es", "pt", "it", "nl", "ar"}


def test_bad_label_is_rejected(tmp_path):
    p = tmp_path / "h.tsv"
    p.write_text("doc_id\tline_no\tline_sha1\tlabel\nd\t0\t0123456789ab\tnavigation\n", encoding="utf-8")
    with pytest.raises(ValueError, match="navigation"):
        read_handlabels(p)


def test_gap_in_line_numbers_is_rejected(tmp_path):
    p = tmp_path / "h.tsv"
    p.write_text("doc_id\tline_no\tline_sha1\tlabel\n"
                 "d\t0\t0123456789ab\tother\nd\t2\t0123456789ab\tother\n", encoding="utf-8")
    with pytest.raises(ValueError, match="missing"):
        read_handlabels(p)


def test_dev_pages_render_to_the_labelled_lines(corpus_root):
    docs = load_dev_set(corpus_root, DEV_SET_PATH)  # raises DevSetMismatch on any hash difference
    assert len(docs) == len(read_handlabels(DEV_SET_PATH))
    langs = _manifest_langs(corpus_root)
    assert sum(langs[d["doc_id"]] == "fr" for d in docs) >= 4
    for d in docs:
        assert len(d["lines"]) == len(d["labels"])
        assert d["site"] and d["source"]


def test_changed_line_is_reported(corpus_root, tmp_path):
    rows = DEV_SET_PATH.read_text(encoding="utf-8").splitlines()
    header, first = rows[0], rows[1].split("\t")
    doc = first[0]
    doc_rows = [r for r in rows[1:] if r.split("\t")[0] == doc]
    broken = doc_rows[:]
    cols = broken[1].split("\t")
    cols[2] = "000000000000"
    broken[1] = "\t".join(cols)
    p = tmp_path / "h.tsv"
    p.write_text("\n".join([header] + broken) + "\n", encoding="utf-8")
    with pytest.raises(DevSetMismatch, match=r"line 1 "):
        load_dev_set(corpus_root, p)
