"""data/rule_check.tsv (the hand check of the auto-labelling rules) and its precision tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from boilerline.model.labels import LABELS
from boilerline.training.rule_check import (
    COLUMNS,
    _allocate,
    base_rule,
    line_sha1,
    precision_tables,
    read_rule_check,
    wilson,
)

CHECK = Path(__file__).resolve().parents[1] / "data" / "rule_check.tsv"


def test_rule_check_tsv_is_well_formed():
    rows = read_rule_check(CHECK)
    assert len(rows) >= 300
    assert list(rows[0]) == COLUMNS
    for r in rows:
        assert r["auto_label"] in LABELS and r["judged_label"] in LABELS
        assert len(r["line_sha1"]) == 12 and int(r["line_sha1"], 16) >= 0
        assert r["rendering"] in ("blocks", "merged")
    assert len({(r["doc_id"], r["rendering"], r["line_no"]) for r in rows}) == len(rows)


def test_precision_tables():
    rows = [
        {"rule": "dom:site-chrome", "auto_label": "other", "judged_label": "other"},
        {"rule": "dom+ann:site-chrome", "auto_label": "other", "judged_label": "related-link"},
        {"rule": "ann:ann-body-exact", "auto_label": "body", "judged_label": "body"},
    ]
    md = precision_tables(rows, {"site-chrome": 90, "ann-body-exact": 10})
    assert "| `site-chrome` | other | 2 | 1 | 50% |" in md
    assert "| `ann-body-exact` | body | 1 | 1 | 100% |" in md
    assert "`site-chrome`: other → related-link (1)" in md
    assert "| 55% |" in md  # 0.9 * 50% + 0.1 * 100%


def test_helpers():
    assert base_rule("ann-not-content>other:ann-without-exact") == "ann-without-exact"
    assert base_rule("unmatched-after-article") == "unmatched-after-article"
    assert line_sha1("é") == "bf15be717ac1"
    lo, hi = wilson(8, 8)
    assert 0.6 < lo < 0.7 and hi == 1.0
    alloc = _allocate({"big": 10000, "mid": 60, "small": 5}, 40)
    assert alloc["mid"] >= 8 and alloc["small"] == 2 and alloc["big"] > alloc["mid"]
    assert sum(alloc.values()) == 40


def test_rules_vs_dev_markdown_counts():
    from collections import Counter

    from boilerline.training.rule_check import rules_vs_dev_markdown

    pairs = Counter({("body", "body"): 3, ("body", None): 2, ("other", "related-link"): 1})
    wrong = Counter({("dom:chrome-teaser-list", "other", "related-link"): 1})
    md = rules_vs_dev_markdown(pairs, wrong, LABELS)
    assert "6 hand-labelled lines; the rules label 4 (67%), 3 of them as the hand labels do (precision 75%)" in md
    assert "| `dom:chrome-teaser-list` | other | related-link | 1 |" in md
    assert "| body | 0 | 3 |" in md


def test_rules_vs_dev_on_the_corpus(corpus_root):
    from boilerline.training.rule_check import rules_vs_dev

    pytest.importorskip("lxml")
    pairs, wrong = rules_vs_dev(corpus_root, Path(__file__).resolve().parents[1] / "data" / "dev" / "handlabels.tsv")
    labelled = sum(v for (g, a), v in pairs.items() if a is not None)
    right = sum(v for (g, a), v in pairs.items() if a == g)
    assert sum(pairs.values()) >= 1900 and labelled > 1000
    assert right / labelled > 0.85  # the rules are the training labels: they must mostly agree
    assert sum(wrong.values()) == labelled - right
