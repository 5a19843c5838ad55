"""The hand-labelled training pages (data/train/labels/): well-formed, apart from the
dev pages and the held-out sites, and in step with the renderer."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from boilerline.model.labels import LABELS
from boilerline.training.devset import dev_sites, load_dev_set, read_handlabels
from boilerline.training.train import is_holdout_site

DATA = Path(__file__).resolve().parents[1] / "data"
TRAIN_PATH = DATA / "train" / "labels"  # one TSV per labelling round
HELDOUT_PATH = DATA / "heldout" / "handlabels.tsv"
DEV_PATH = DATA / "dev" / "handlabels.tsv"


def test_training_labels_are_well_formed():
    pages = read_handlabels(TRAIN_PATH)  # raises on bad columns, labels, hashes, numbering
    assert len(pages) >= 200
    counts = Counter(lab for rows in pages.values() for _, lab in rows)
    assert set(counts) == set(LABELS)  # every class is taught by hand-labelled lines


def test_training_pages_are_neither_dev_nor_held_out_pages():
    train = set(read_handlabels(TRAIN_PATH))
    assert train.isdisjoint(read_handlabels(DEV_PATH))
    assert train.isdisjoint(read_handlabels(HELDOUT_PATH))


def test_training_pages_render_and_stay_off_dev_and_held_out_sites(corpus_root):
    pages = load_dev_set(corpus_root, TRAIN_PATH)  # raises DevSetMismatch on any hash difference
    sites = {p["site"] for p in pages}
    # a dev site is never trained on, and a held-out site's score must stay one on unseen pages
    assert sites.isdisjoint(dev_sites(corpus_root, DEV_PATH))
    assert not [s for s in sites if is_holdout_site(s)]
    assert len({p["language"] for p in pages}) >= 10


def test_second_labelling_covers_training_pages_line_for_line():
    first, second = read_handlabels(TRAIN_PATH), read_handlabels(TRAIN_PATH.parent / "second_labels.tsv")
    assert len(second) >= 20 and set(second) <= set(first)
    for doc, rows in second.items():
        assert [sha for sha, _ in rows] == [sha for sha, _ in first[doc]], doc


def test_label_files_hold_ids_hashes_and_labels_only_and_stay_small():
    # every label file (training rounds, second labellings, dev and held-out pages) has the same
    # four columns, none of them page text; the repository takes no data file over 2 MB, so a
    # new round of labels goes in a file of its own
    files = [f for folder in ("train", "dev", "heldout") for f in sorted((DATA / folder).rglob("*.tsv"))]
    assert len(files) >= 4
    for f in files:
        with open(f, encoding="utf-8") as fh:
            assert fh.readline() == "doc_id\tline_no\tline_sha1\tlabel\n", f
            assert all(len(line.rstrip("\n").split("\t")) == 4 for line in fh), f
        assert f.stat().st_size < 2_000_000, f
