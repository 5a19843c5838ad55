"""training.sources: a tiny hand-made corpus in each source's layout, plus a check against the
real corpus (skipped when it is absent: env BOILERLINE_CORPUS or <repo>/../shared/corpus)."""

import csv
import gzip
import json
from collections import defaultdict
from pathlib import Path

import pytest

from boilerline.training.sources import (
    Annotation,
    Page,
    iter_manifest,
    load_annotation,
    markdown_to_paragraphs,
    read_html,
    registrable_domain,
)

HTML = """<html><head><title>{title}</title>{head}</head><body><h1>{title}</h1><p>{para}</p></body></html>"""
FIELDS = ["path", "source", "sha1", "lang", "html_lang", "wordpress"]


def _write_page(root: Path, rel: str, title="A page", para="Some text.", head=""):
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(p, "wb") as fh:
        fh.write(HTML.format(title=title, para=para, head=head).encode("utf-8"))


def _json(root: Path, rel: str, obj):
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")


@pytest.fixture()
def mini_corpus(tmp_path: Path) -> Path:
    root = tmp_path
    rows = []

    def add(rel, source, lang="en", wp="0", **kw):
        _write_page(root, rel, **kw)
        rows.append({"path": rel, "source": source, "sha1": "0" * 40, "lang": lang, "html_lang": "", "wordpress": wp})

    # wcxb
    add("wcxb/dev/html/0007.html.gz", "wcxb-dev", wp="1")
    _json(root, "wcxb/metadata.json", {"files": {"0007": {"page_type": "article", "domain": "www.example-garden.co.uk"}}})
    _json(root, "wcxb/dev/ground-truth/0007.json", {
        "url": "https://www.example-garden.co.uk/roses",
        "ground_truth": {
            "title": "Pruning roses in late winter",
            "author": "Sam Field",
            "publish_date": "2024-02-01",
            "with": ["Cut just above an outward-facing bud."],
            "without": ["Newsletter"],
            "main_content_markdown": "# Pruning roses in late winter\n\nCut **just above** an "
            "[outward-facing](https://x.test/bud) bud.\n\n- Remove dead wood\n- Open the centre\n\n"
            "![a rose](https://x.test/r.jpg)\n\n| Month | Task |\n|---|---|\n| Feb | Prune |",
        },
    })
    # trafilatura
    add("trafilatura/tests/eval/blog.example.de.rezept.html.gz", "trafilatura-eval", lang="de")
    add("trafilatura/tests/eval/unknown.html.gz", "trafilatura-eval", lang="de")
    _json(root, "trafilatura/tests/evaldata.json", {
        "https://blog.example.de/2019/rezept/": {
            "file": "blog.example.de.rezept.html",
            "with": ["200 g Zucker"], "without": ["Impressum"],
            "title": "Mein Rezept", "author": "", "date": "2019-12-08",
            "tags": ["Backen"], "categories": ["Rezepte"], "comments": ["Lecker!"],
        },
    })
    # fundus: two versions, the page matches V2 by its title and date
    add("fundus/tests/resources/parser/test_data/fr/LeJournal_2024_03_05.html.gz", "fundus", lang="fr",
        title="Le tram arrive enfin", para="Le tramway circulera dès lundi.",
        head='<link rel="canonical" href="https://www.lejournal-exemple.fr/tram">')
    _json(root, "fundus/tests/resources/parser/test_data/fr/LeJournal.json", {
        "V1": {"title": "Autre article", "publishing_date": "2023-01-01 10:00:00+01:00",
               "body": {"summary": [], "sections": [{"headline": [], "paragraphs": ["Rien à voir."]}]}},
        "V2": {"title": "Le tram arrive enfin", "authors": ["Léa Martin"], "publishing_date": "2024-03-05 08:00:00+01:00",
               "topics": ["Transports", "Ville"],
               "images": [{"caption": "La rame d’essai", "authors": ["Photo DR"], "description": None}],
               "body": {"summary": ["Un chapeau."], "sections": [{"headline": ["Un intertitre"], "paragraphs": ["Le tramway circulera dès lundi."]}]}},
    })
    # readability
    add("readability/test/test-pages/news-1/source.html.gz", "readability",
        head='<meta property="og:url" content="https://news.daily-exemple.com/a">')
    add("readability/test/test-pages/news-2/source.html.gz", "readability")
    d = root / "readability/test/test-pages/news-1"
    (d / "expected.html").write_text(
        '<div id="readability-page-1"><p>First paragraph here.</p><figure><img alt="x">'
        "<figcaption>A caption</figcaption></figure><h2>Sub</h2><ul><li>Item one</li></ul></div>",
        encoding="utf-8")
    _json(root, "readability/test/test-pages/news-1/expected-metadata.json",
          {"title": "News one", "byline": "By Kim Lee", "siteName": "Example News", "publishedTime": None})
    # newspaper4k
    add("newspaper4k/at-x/tests/data/html/example.com1.html.gz", "newspaper4k")
    (root / "newspaper4k/at-x/tests/data/txt").mkdir(parents=True)
    (root / "newspaper4k/at-x/tests/data/txt/example.com1.txt").write_text("Para one.\n\nPara two.\n", encoding="utf-8")
    # goose3
    add("goose3/tests/data/content/test_site.html.gz", "goose3")
    _json(root, "goose3/tests/data/content/test_site.json", {
        "url": "http://www.site-exemple.org/a", "expected": {"cleaned_text": "Alpha.\n\nBeta", "title": "T", "tags": ["x", "y"]}})
    # postlight, recipe-scrapers: no annotation
    add("postlight/fixtures/www.example.net--story.html.gz", "postlight")
    add("recipe-scrapers/tests/test_data/cook.example.com/cook_1.testhtml.gz", "recipe-scrapers")
    # a broken annotation file must not raise
    add("goose3/tests/data/content/test_broken.html.gz", "goose3")
    (root / "goose3/tests/data/content/test_broken.json").write_text("{not json", encoding="utf-8")

    with open(root / "MANIFEST.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=FIELDS)
        w.writeheader()
        w.writerows(rows)
    return root


def test_registrable_domain():
    assert registrable_domain("https://www.bbc.co.uk/news/x") == "bbc.co.uk"
    assert registrable_domain("sport.aktualne.cz") == "aktualne.cz"
    assert registrable_domain("www.lemonde.fr") == "lemonde.fr"
    assert registrable_domain("https://www.9news.com.au/world/x") == "9news.com.au"
    assert registrable_domain("plentylife.blogspot.com") == "plentylife.blogspot.com"


def test_markdown_to_paragraphs():
    md = "## Title\n\nSome **bold** and [a link](http://x.test/a_b) text\ncontinued.\n\n* one\n* two\n\n```\ncode line\n```\n\n> quoted"
    assert markdown_to_paragraphs(md) == ["Title", "Some bold and a link text continued.", "one", "two", "code line", "quoted"]


def test_manifest_and_sites(mini_corpus):
    pages = {p.path: p for p in iter_manifest(mini_corpus)}
    assert len(pages) == 11
    wc = pages["wcxb/dev/html/0007.html.gz"]
    assert isinstance(wc, Page)
    assert wc.site == "example-garden.co.uk" and wc.url.endswith("/roses") and wc.wordpress
    tr = pages["trafilatura/tests/eval/blog.example.de.rezept.html.gz"]
    assert tr.site == "example.de" and tr.language == "de"
    assert pages["fundus/tests/resources/parser/test_data/fr/LeJournal_2024_03_05.html.gz"].site == "lejournal-exemple.fr"
    # readability pages of one site share the key of the one with a URL
    assert pages["readability/test/test-pages/news-1/source.html.gz"].site == "daily-exemple.com"
    assert pages["readability/test/test-pages/news-2/source.html.gz"].site == "daily-exemple.com"
    assert pages["newspaper4k/at-x/tests/data/html/example.com1.html.gz"].site == "example.com"
    assert pages["goose3/tests/data/content/test_site.html.gz"].site == "site-exemple.org"
    assert pages["postlight/fixtures/www.example.net--story.html.gz"].site == "example.net"
    assert pages["recipe-scrapers/tests/test_data/cook.example.com/cook_1.testhtml.gz"].site == "example.com"
    assert b"<h1>" in read_html(mini_corpus, wc)


def test_annotations_per_source(mini_corpus):
    pages = {p.path: p for p in iter_manifest(mini_corpus)}
    a = load_annotation(mini_corpus, pages["wcxb/dev/html/0007.html.gz"])
    assert a.title == "Pruning roses in late winter" and a.author == "Sam Field" and a.date == "2024-02-01"
    assert "Cut just above an outward-facing bud." in a.body
    assert "Remove dead wood" in a.body and "Feb | Prune" in a.body
    assert not any("rose](" in b or "http" in b for b in a.body)
    assert a.body_complete and a.with_snippets and a.without_snippets == ["Newsletter"]

    a = load_annotation(mini_corpus, pages["trafilatura/tests/eval/blog.example.de.rezept.html.gz"])
    assert a.title == "Mein Rezept" and a.topics == ["Backen", "Rezepte"] and a.comments == ["Lecker!"]
    assert a.author is None and not a.body and not a.body_complete
    assert load_annotation(mini_corpus, pages["trafilatura/tests/eval/unknown.html.gz"]).is_empty()

    a = load_annotation(mini_corpus, pages["fundus/tests/resources/parser/test_data/fr/LeJournal_2024_03_05.html.gz"])
    assert a.title == "Le tram arrive enfin"
    assert a.body == ["Un chapeau.", "Un intertitre", "Le tramway circulera dès lundi."]
    assert a.captions == ["La rame d’essai", "Photo DR"] and a.topics == ["Transports", "Ville"]
    assert a.author == "Léa Martin" and a.date.startswith("2024-03-05") and a.body_complete

    a = load_annotation(mini_corpus, pages["readability/test/test-pages/news-1/source.html.gz"])
    assert a.title == "News one" and a.author == "By Kim Lee" and a.site_name == "Example News"
    assert a.body == ["First paragraph here.", "Sub", "Item one"] and a.captions == ["A caption"]
    assert load_annotation(mini_corpus, pages["readability/test/test-pages/news-2/source.html.gz"]).is_empty()

    a = load_annotation(mini_corpus, pages["newspaper4k/at-x/tests/data/html/example.com1.html.gz"])
    assert a.body == ["Para one.", "Para two."] and not a.body_complete

    a = load_annotation(mini_corpus, pages["goose3/tests/data/content/test_site.html.gz"])
    assert a.body == ["Alpha.", "Beta"] and a.topics == ["x", "y"] and a.title == "T"

    for path in ("postlight/fixtures/www.example.net--story.html.gz",
                 "recipe-scrapers/tests/test_data/cook.example.com/cook_1.testhtml.gz",
                 "goose3/tests/data/content/test_broken.html.gz"):
        a = load_annotation(mini_corpus, pages[path])
        assert isinstance(a, Annotation) and a.is_empty()


def test_missing_files_do_not_raise(tmp_path):
    page = Page(path="wcxb/dev/html/9999.html.gz", source="wcxb-dev", site="x", language="en", wordpress=False, url=None)
    assert load_annotation(tmp_path, page).is_empty()
    page = Page(path="fundus/x/y/Nope_2020_01_01.html.gz", source="fundus", site="x", language="en", wordpress=False, url=None)
    assert load_annotation(tmp_path, page).is_empty()


# ----------------------------------------------------------------------------- real corpus


# sources that ship annotations, and what every annotated page of them should have
EXPECT = {
    "wcxb-dev": lambda a: a.title and (a.with_snippets or a.without_snippets),
    "trafilatura-eval": lambda a: a.with_snippets or a.without_snippets,
    "fundus": lambda a: a.title and a.body,
    "readability": lambda a: a.body,
    "newspaper4k": lambda a: a.body,
    "goose3": lambda a: a.body or a.title or a.topics,
}


def test_real_corpus_annotations(corpus_root):
    by_source = defaultdict(list)
    for p in iter_manifest(corpus_root):
        by_source[p.source].append(p)
        assert p.site and " " not in p.site
    for source, check in EXPECT.items():
        pages = by_source[source]
        assert pages, source
        sample = pages[:: max(1, len(pages) // 8)][:8]
        good = sum(bool(check(load_annotation(corpus_root, p))) for p in sample)
        # a few pages of a source may have no annotation (e.g. trafilatura files missing
        # from evaldata.json, newspaper4k pages without a txt); most must
        assert good >= len(sample) - 2, (source, good, len(sample))
    for source in ("postlight", "recipe-scrapers"):
        for p in by_source[source][:3]:
            assert load_annotation(corpus_root, p).is_empty()
    # pages of one fundus publisher share a site key
    sites = defaultdict(set)
    for p in by_source["fundus"]:
        sites[Path(p.path).name.split("_")[0]].add(p.site)
    assert all(len(s) == 1 for s in sites.values())
