"""The hand-labelled held-out pages (data/heldout/handlabels.tsv): well-formed, on held-out
sites only (never a dev or training site), and in step with the renderer."""

from __future__ import annotations

from pathlib import Path

from boilerline.model.labels import LABELS
from boilerline.training.devset import dev_sites, load_dev_set, read_handlabels
from boilerline.training.train import is_holdout_site

DATA = Path(__file__).resolve().parents[1] / "data"
HELDOUT_PATH = DATA / "heldout" / "handlabels.tsv"


def test_heldout_labels_are_well_formed_and_apart_from_the_other_sets():
    pages = read_handlabels(HELDOUT_PATH)  # raises on bad columns, labels, hashes, numbering
    assert len(pages) >= 50
    assert {lab for rows in pages.values() for _, lab in rows} <= set(LABELS)
    for other in (DATA / "dev" / "handlabels.tsv", DATA / "train" / "labels"):
        assert set(pages).isdisjoint(read_handlabels(other))
    # its columns and size: test_trainset.test_label_files_hold_ids_hashes_and_labels_only_and_stay_small


def test_heldout_pages_render_and_sit_on_held_out_sites(corpus_root):
    pages = load_dev_set(corpus_root, HELDOUT_PATH)  # raises DevSetMismatch on any hash difference
    sites = {p["site"] for p in pages}
    # the split model never saw these sites; the dev pages' sites are a set of their own
    assert all(is_holdout_site(s) for s in sites)
    assert sites.isdisjoint(dev_sites(corpus_root, DATA / "dev" / "handlabels.tsv"))
