"""Combining DOM and annotation votes (training.corpus.combine) and a small real-corpus build."""

import json
import os
from pathlib import Path

import pytest

pytest.importorskip("lxml")

from boilerline.model.labels import LABELS  # noqa: E402
from boilerline.training.corpus import build_corpus, combine  # noqa: E402
from boilerline.training.render import Block  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def blk(text, *ctx, tag="p"):
    return Block(text, tag, ("html", "body") + tuple(ctx) + (tag,))


def test_agreement_and_single_sources():
    blocks = [blk("a"), blk("b"), blk("c")]
    dom = [("headline", "h1-matches-title"), None, None]
    ann = [("headline", "ann-title-exact"), ("body", "ann-body-exact"), None]
    labels, rules = combine(blocks, dom, ann)
    assert labels == ["headline", "body", None]
    assert rules == ["dom+ann:h1-matches-title", "ann:ann-body-exact", None]


def test_shortcode_beats_everything():
    labels, rules = combine([blk("[GARD]")], [("ad shortcode", "shortcode-only")], [("body", "ann-body-exact")])
    assert labels == ["ad shortcode"] and rules == ["dom:shortcode-only"]


def test_dom_section_beats_annotation_body():
    blocks = [blk("excerpt", "div", "div.jp-relatedposts"), blk("Photo", "figure", tag="figcaption")]
    dom = [("related-link", "related-widget"), ("caption", "caption-markup")]
    ann = [("body", "ann-body-substring"), ("body", "ann-body-exact")]
    labels, rules = combine(blocks, dom, ann)
    assert labels == ["related-link", "caption"]
    assert rules[0] == "dom>ann:related-widget"


def test_teaser_parts_are_related():
    labels, _ = combine([blk("News")], [("related-link", "related-widget")], [("tag", "ann-topic-single")])
    assert labels == ["related-link"]


def test_body_in_article_beats_generic_chrome_but_not_outside():
    inside = blk("para", "article", "aside")
    outside = blk("para", "aside")
    dom = [("other", "site-chrome"), ("other", "site-chrome")]
    ann = [("body", "ann-body-exact"), ("body", "ann-body-exact")]
    labels, rules = combine([inside, outside], dom, ann)
    assert labels == ["body", None]
    assert rules[0] == "ann>dom:ann-body-exact"


def test_short_unlabelled_runs_between_body_lines_in_the_article_are_body():
    body = ("body", "ann-body-exact")
    sub = blk("A subheading", "article", tag="h2")
    para = blk("a paragraph the snippet annotation did not quote at all", "article")
    button = blk("Share this", "article")
    outside = blk("a paragraph of eight or more words outside", "aside")
    para2 = blk("x", "article")
    blocks = [para2, sub, para, para2, button, para2, outside, para2]
    ann = [body, None, None, body, None, body, None, body]
    labels, rules = combine(blocks, [None] * len(blocks), ann)
    assert labels[1:3] == ["body", "body"] and rules[1] == "between-body-lines"
    assert labels[4] is None  # a short non-heading line: a button as often as body
    assert labels[6] is None  # not inside the article's container


def test_conflicts_are_masked():
    labels, rules = combine([blk("x"), blk("y")], [("tag", "tag-markup"), ("headline", "h1-matches-title")],
                            [("caption", "ann-caption-exact"), ("related-link", "r")])
    assert labels == [None, None] and rules == [None, None]


def test_not_content_marker_is_never_a_label():
    blocks = [blk("Share this", "div"), blk("inside", "article"), blk("teaser", "div", "div.related")]
    ann = [("not-content", "ann-without-exact")] * 3
    dom = [None, None, ("related-link", "related-widget")]
    labels, rules = combine(blocks, dom, ann)
    # Alone, "not main content" does not say which boilerplate class: the line stays masked.
    assert labels == [None, None, "related-link"]
    assert rules[0] is None
    assert all(lab is None or lab in LABELS for lab in labels)


def test_unmatched_lines_outside_a_complete_article_are_other():
    blocks = [
        Block("Title - Site", "title", ("html", "head", "title")),
        blk("Home", "div"),
        blk("Headline", "article", tag="h1"),
        blk("By someone", "article"),
        blk("Paragraph one is long enough", "article"),
        blk("Unmatched caption-like line", "article"),
        blk("Paragraph two is long enough", "article"),
        blk("Signature", "article"),
        blk("Footer links", "div"),
    ]
    dom = [("headline", "title-matches-h1-or-og"), None, ("headline", "h1-matches-title")] + [None] * 6
    ann = [None, None, None, None, ("body", "ann-body-exact"), None, ("body", "ann-body-exact"), None, None]
    body = ["Paragraph one is long enough", "Paragraph two is long enough"]
    labels, rules = combine(blocks, dom, ann, body_complete=True, body_chars=sum(map(len, body)))
    assert labels[1] == "other" and rules[1] == "unmatched-before-article"
    assert labels[8] == "other" and rules[8] == "unmatched-after-article"
    assert labels[3] is None and labels[5] is None and labels[7] is None  # byline, in-span, inside <article>
    # incomplete annotation: nothing is inferred
    labels2, _ = combine(blocks, dom, ann, body_complete=False, body_chars=100)
    assert labels2[1] is None and labels2[8] is None
    # annotation mostly not found on the page: nothing is inferred
    labels3, _ = combine(blocks, dom, ann, body_complete=True, body_chars=1000)
    assert labels3[1] is None


# --------------------------------------------------------------------------- real corpus


@pytest.fixture(scope="module")
def corpus_root():
    env = os.environ.get("BOILERLINE_CORPUS")
    root = Path(env) if env else REPO.parent / "shared" / "corpus"
    if not (root / "MANIFEST.csv").is_file():
        pytest.skip(f"corpus not found at {root} (set BOILERLINE_CORPUS)")
    return root


def test_build_small_corpus(corpus_root, tmp_path):
    out = tmp_path / "lines"
    ds = build_corpus(corpus_root, out, limit=20, n_jobs=1)
    assert set(ds.column_names) == {"doc_id", "site", "language", "source", "rendering", "lines", "labels", "rules"}
    assert len({r for r in ds["doc_id"]}) >= 18
    assert len({s for s in ds["source"]}) >= 5  # the limit is spread over the sources
    assert set(ds["rendering"]) <= {"blocks", "merged"}
    n_labelled = 0
    for row in ds:
        assert len(row["lines"]) == len(row["labels"]) == len(row["rules"]) > 0
        assert row["site"] and row["language"]
        for line, lab, rule in zip(row["lines"], row["labels"], row["rules"]):
            assert line.strip() == line and line
            assert (lab is None) == (rule is None)
            if lab is not None:
                assert lab in LABELS
                n_labelled += 1
    assert n_labelled > 0
    stats = json.loads((out / "stats.json").read_text())
    assert stats["docs"] == len(set(ds["doc_id"]))
    assert sum(v for k, v in stats["per_label"].items() if k != "(masked)") == stats["labelled_lines"] == n_labelled
    assert (out / "stats.md").read_text().startswith(f"{stats['docs']} pages")
    import datasets

    again = datasets.load_from_disk(str(out))
    assert again.num_rows == ds.num_rows
