"""The training corpus (``../shared/corpus``): its pages and the annotations their collections ship.

``iter_manifest`` lists the pages of ``MANIFEST.csv`` with a *site* key (used to split
train/test by site: every page of one site, or of one publisher, shares it), and
``load_annotation`` turns each source's own annotation files into one :class:`Annotation`.

Where each source keeps its annotation (paths relative to the corpus root):

==================  ===========================================================================
source              annotation
==================  ===========================================================================
wcxb-dev            ``wcxb/dev/ground-truth/<id>.json``: url, ground_truth.{title, author,
                    publish_date, with, without, main_content_markdown}; ``wcxb/metadata.json``
                    gives page_type and domain per id.  Body = markdown stripped to plain text.
trafilatura-*       ``trafilatura/tests/evaldata.json``: url -> {file, with, without, title,
                    author, date, tags, categories, comments, description}.  No body text.
fundus              ``<country>/<Publisher>.json`` beside ``<Publisher>_<date>.html.gz``: one
                    entry per version (V1, V1_1, V2...); the entry is picked by date and by its
                    title being in the page.  title, authors, publishing_date, body.summary,
                    body.sections[].headline/paragraphs, images[].caption, topics.
readability         ``<dir>/expected.html`` (the article: paragraphs, headings, list items,
                    figcaptions) and ``<dir>/expected-metadata.json`` (title, byline, excerpt,
                    siteName, publishedTime).
newspaper4k         ``<rev>/tests/data/txt/<name>.txt``: the expected article text (paragraphs
                    separated by blank lines); no title.
goose3              ``<dir>/<name>.json``: url and expected.{cleaned_text (often truncated),
                    title, tags, authors, publish_date, meta_description}.
postlight           none.
recipe-scrapers     none in this corpus (only the ``.testhtml`` pages were kept).
==================  ===========================================================================

``body_complete`` is True only where the body is a full human or site-specific extraction of
the article (wcxb article-like pages, fundus, readability); it is False for extractor outputs
that may be truncated or partial (newspaper4k, goose3) and for sources without body text.
Note that even a "complete" body normally leaves out the byline/date lines, captions and the
title, which LABELS.md still counts as headline/body/caption.
"""

from __future__ import annotations

import csv
import functools
import gzip
import html as html_lib
import json
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

__all__ = [
    "Page",
    "Annotation",
    "iter_manifest",
    "read_html",
    "load_annotation",
    "registrable_domain",
    "markdown_to_paragraphs",
]


@dataclass
class Page:
    path: str  # MANIFEST path, relative to corpus root
    source: str  # MANIFEST source
    site: str  # registrable domain (e.g. 'lemonde.fr') or publisher; pages of one site share it
    language: str
    wordpress: bool
    url: str | None


@dataclass
class Annotation:
    title: str | None = None
    body: list[str] = field(default_factory=list)  # article paragraphs/subheadings, plain text
    body_complete: bool = False  # True when body is the whole article text
    captions: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)  # tag/topic names
    author: str | None = None
    date: str | None = None
    with_snippets: list[str] = field(default_factory=list)  # text known to be main content
    without_snippets: list[str] = field(default_factory=list)  # text known NOT to be main content
    # Extras (optional, defaulted; not part of the minimal interface):
    comments: list[str] = field(default_factory=list)  # text known to be user comments
    description: str | None = None  # the page's meta description / excerpt (not necessarily shown)
    page_type: str | None = None  # wcxb page type: article, listing, forum, product, ...
    site_name: str | None = None  # publisher's name when the annotation gives it

    def is_empty(self) -> bool:
        return not (
            self.title
            or self.body
            or self.captions
            or self.topics
            or self.author
            or self.date
            or self.with_snippets
            or self.without_snippets
            or self.comments
        )


# --------------------------------------------------------------------------------------
# site keys

# second-level labels under a country TLD that are public suffixes (co.uk, com.au, ...)
_SLD = {
    "co", "com", "org", "net", "gov", "gob", "ac", "edu", "ne", "or", "go", "mil", "nic",
    "ltd", "plc", "sch", "nom", "info", "biz", "web", "gen", "firm", "in", "ind", "res",
}
# hosting platforms whose subdomains are independent sites
_PLATFORMS = {
    "blogspot.com", "wordpress.com", "github.io", "tumblr.com", "substack.com",
    "medium.com", "ucoz.de", "ucoz.ru", "over-blog.com", "canalblog.com", "hatenablog.com",
    "livejournal.com", "typepad.com", "blogger.com", "wixsite.com", "weebly.com",
}


def registrable_domain(host_or_url: str) -> str:
    """'https://www.bbc.co.uk/news/x' -> 'bbc.co.uk'; 'sport.aktualne.cz' -> 'aktualne.cz'."""
    s = host_or_url.strip().lower()
    if "//" in s:
        s = urlsplit(s).hostname or ""
    s = s.split("/")[0].split(":")[0].strip(".")
    if s.startswith("www.") or re.match(r"www\d\.", s):
        s = s.split(".", 1)[1]
    labels = [x for x in s.split(".") if x]
    if len(labels) <= 2:
        return ".".join(labels)
    if ".".join(labels[-2:]) in _PLATFORMS or labels[-2] == "blogspot":
        return ".".join(labels[-3:])
    if len(labels[-1]) == 2 and labels[-2] in _SLD:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


_HOST_RE = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}$")


def _domain_from_name(name: str) -> str | None:
    """A host name at the start of a file name: 'www.bloomberg.com--news' -> 'bloomberg.com',
    'al.com2' -> 'al.com', 'yna_co_kr' -> 'yna.co.kr'."""
    n = name.lower()
    for cand in (n.split("--")[0], re.sub(r"\d+$", "", n.split("--")[0])):
        if _HOST_RE.match(cand):
            return registrable_domain(cand)
    m = re.match(r"^((?:[a-z0-9-]+\.)+(?:com|org|net|de|fr|co\.uk|uk|ch|at|it|es|info|io|jp|cz|pl|nl|be|eu))", n)
    if m:
        return registrable_domain(m.group(1))
    parts = n.split("_")
    if len(parts) == 3 and all(p.isalnum() for p in parts) and parts[1] in _SLD and len(parts[2]) == 2:
        return registrable_domain(".".join(parts))
    return None


_CANON_RES = [
    re.compile(r"""<link\b[^>]*\brel=["']?canonical["']?[^>]*>""", re.I),
    re.compile(r"""<meta\b[^>]*\bproperty=["']og:url["'][^>]*>""", re.I),
]
_HREF_RE = re.compile(r"""\b(?:href|content)\s*=\s*["']([^"']+)["']""", re.I)


def _url_from_html(data: bytes) -> str | None:
    head = data[:400_000].decode("utf-8", "replace")
    for rx in _CANON_RES:
        for m in rx.finditer(head):
            h = _HREF_RE.search(m.group(0))
            if h and h.group(1).startswith(("http://", "https://", "//")):
                url = html_lib.unescape(h.group(1))
                return "https:" + url if url.startswith("//") else url
    return None


_FAKE_HOSTS = {"foo.bar", "example.com", "example.org", "localhost", "test.com", "fakehost"}


def _usable_url(url: str | None) -> bool:
    if not url:
        return False
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return False
    return bool(host) and "." in host and registrable_domain(host) not in _FAKE_HOSTS


# --------------------------------------------------------------------------------------
# manifest


def iter_manifest(corpus_root: Path) -> Iterator[Page]:
    """Every page of ``MANIFEST.csv`` in file order, with its site key and URL where known."""
    corpus_root = Path(corpus_root)
    with open(corpus_root / "MANIFEST.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    fundus_sites = _fundus_sites(corpus_root, [r["path"] for r in rows if r["source"] == "fundus"])
    pages = [_page(corpus_root, r, fundus_sites) for r in rows]
    # readability names several pages of one site 'name-1', 'name-2': give them one key,
    # the domain of whichever has a URL
    groups: dict[str, list[Page]] = {}
    for p in pages:
        if p.source == "readability":
            groups.setdefault(re.sub(r"-\d+$", "", Path(p.path).parent.name), []).append(p)
    for name, ps in groups.items():
        if len(ps) > 1:
            site = next((p.site for p in ps if p.url), f"readability:{name}")
            for p in ps:
                p.site = site
    yield from pages


def _page(corpus_root: Path, r: dict, fundus_sites) -> Page:
    path, source = r["path"], r["source"]
    lang = (r.get("lang") or "").strip() or (r.get("html_lang") or "").split("-")[0].strip().lower()
    try:
        url, site = _url_and_site(corpus_root, path, source, fundus_sites)
    except Exception as exc:  # never let one odd file stop the listing
        log.warning("site key for %s: %s", path, exc)
        url, site = None, f"{source}:{Path(path).name}"
    return Page(
        path=path,
        source=source,
        site=site,
        language=lang,
        wordpress=(r.get("wordpress") or "").strip() in ("1", "true", "True"),
        url=url,
    )


def read_html(corpus_root: Path, page: Page) -> bytes:
    """The page's HTML, gunzipped."""
    with gzip.open(Path(corpus_root) / page.path, "rb") as fh:
        return fh.read()


def _stem(path: str) -> str:
    name = Path(path).name
    for ext in (".html.gz", ".testhtml.gz", ".htm.gz", ".gz"):
        if name.endswith(ext):
            return name[: -len(ext)]
    return name


def _fundus_sites(root: Path, paths: list[str]) -> dict[str, tuple[str, dict[str, str]]]:
    """Publisher key ('<country>/<Publisher>') -> (site, {path: url}). The site is the domain of
    the publisher's first page with a canonical URL, so all its pages share one key even when
    the publisher changed domains (9news.com.au / nine.com.au)."""
    groups: dict[str, list[str]] = {}
    for p in sorted(paths):
        groups.setdefault(_fundus_key(p), []).append(p)
    out = {}
    for key, ps in groups.items():
        urls = {}
        for p in ps:
            try:
                with gzip.open(root / p, "rb") as fh:
                    u = _url_from_html(fh.read(400_000))
            except OSError as exc:
                log.warning("fundus page %s: %s", p, exc)
                u = None
            if _usable_url(u):
                urls[p] = u
        site = next((registrable_domain(urls[p]) for p in ps if p in urls), None)
        out[key] = (site or "fundus:" + key.split("/")[-1], urls)
    return out


def _fundus_key(path: str) -> str:
    p = Path(path)
    publisher = re.sub(r"_\d{4}_\d{2}_\d{2}.*$", "", _stem(path))
    return f"{p.parent.name}/{publisher}"


def _url_and_site(root: Path, path: str, source: str, fundus_sites) -> tuple[str | None, str]:
    stem = _stem(path)
    url: str | None = None
    if source.startswith("wcxb"):
        gt = _wcxb_gt(root, stem)
        url = gt.get("url") if gt else None
        dom = _wcxb_meta(str(root)).get(stem, {}).get("domain")
        if dom:
            return url, registrable_domain(dom)
    elif source.startswith("trafilatura"):
        url = _trafilatura_index(str(root)).get(Path(path).name[: -len(".gz")], (None, None))[0]
    elif source == "fundus":
        site, urls = fundus_sites[_fundus_key(path)]
        return urls.get(path), site
    elif source == "goose3":
        js = _read_json(root / (path[: -len(".html.gz")] + ".json"))
        if isinstance(js, dict):
            url = js.get("url") or (js.get("expected") or {}).get("final_url")
        if not _usable_url(url):
            url = None
    elif source == "postlight":
        d = _domain_from_name(stem)
        if d:
            return None, d
    elif source == "recipe-scrapers":
        return None, registrable_domain(Path(path).parent.name)
    elif source == "newspaper4k":
        d = _domain_from_name(stem)
        if d:
            return None, d
    if not _usable_url(url) and source in ("readability", "newspaper4k", "goose3", "postlight", "trafilatura-eval", "trafilatura-cache"):
        try:
            with gzip.open(root / path, "rb") as fh:
                u = _url_from_html(fh.read(400_000))
            if _usable_url(u):
                url = u
        except OSError:
            pass
    if _usable_url(url):
        return url, registrable_domain(url)
    if source.startswith("trafilatura"):
        d = _domain_from_name(stem)
        if d:
            return None, d
    name = Path(path).parent.name if source == "readability" else stem
    return None, f"{source}:{name}"


# --------------------------------------------------------------------------------------
# per-source annotation files


def _read_json(p: Path):
    try:
        with open(p, encoding="utf-8") as fh:
            return json.load(fh)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("unreadable annotation %s: %s", p, exc)
        return None


@functools.lru_cache(maxsize=4)
def _wcxb_meta(root: str) -> dict:
    js = _read_json(Path(root) / "wcxb" / "metadata.json")
    return (js or {}).get("files", {}) if isinstance(js, dict) else {}


def _wcxb_gt(root: Path, stem: str) -> dict | None:
    js = _read_json(Path(root) / "wcxb" / "dev" / "ground-truth" / f"{stem}.json")
    return js if isinstance(js, dict) else None


@functools.lru_cache(maxsize=4)
def _trafilatura_index(root: str) -> dict[str, tuple[str, dict]]:
    """file name (as in the corpus, without .gz) -> (url, evaldata entry)."""
    js = _read_json(Path(root) / "trafilatura" / "tests" / "evaldata.json")
    out = {}
    if isinstance(js, dict):
        for url, ent in js.items():
            if isinstance(ent, dict) and ent.get("file"):
                out[unicodedata.normalize("NFC", ent["file"])] = (url, ent)
    return out


def _strs(x) -> list[str]:
    if x is None:
        return []
    if isinstance(x, str):
        return [x] if x.strip() else []
    if isinstance(x, (list, tuple)):
        return [s for s in (str(v) for v in x if v is not None) if s.strip()]
    return [str(x)]


def _text(x) -> str | None:
    if isinstance(x, (list, tuple)):
        x = ", ".join(_strs(x))
    if x is None:
        return None
    x = str(x).strip()
    return x or None


# markdown -> plain text paragraphs ---------------------------------------------------

_MD_IMG = re.compile(r"!\[([^\]]*)\]\((?:[^()\s]|\([^)]*\))*(?:\s+\"[^\"]*\")?\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()\s]|\([^)]*\))*(?:\s+\"[^\"]*\")?\)")
_MD_REFLINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_MD_AUTOLINK = re.compile(r"<(https?://[^>]+)>")
_MD_EMPH = re.compile(r"(\*\*|__|\*|_|~~)(?=\S)(.+?)(?<=\S)\1")
_MD_CODE = re.compile(r"`+([^`]*)`+")
_MD_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_MD_ESC = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")


def markdown_to_paragraphs(md: str) -> list[str]:
    """Plain text of each markdown block: one entry per paragraph, heading, list item, table
    row or code line. Links keep their text, images are dropped, emphasis marks removed."""
    out: list[str] = []
    para: list[str] = []
    in_code = False

    def flush():
        if para:
            t = " ".join(para).strip()
            if t:
                out.append(t)
            para.clear()

    for raw in md.splitlines():
        line = raw.rstrip()
        if line.strip().startswith(("```", "~~~")):
            flush()
            in_code = not in_code
            continue
        if in_code:
            if line.strip():
                out.append(line.strip())
            continue
        s = line.strip()
        if not s:
            flush()
            continue
        if re.fullmatch(r"[-*_=\s]{3,}", s) or re.fullmatch(r"\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?", s):
            flush()  # rules, setext underlines, table separators
            continue
        block = False
        m = re.match(r"^(#{1,6})\s+(.*?)\s*#*$", s)
        if m:
            s, block = m.group(2), True
        else:
            m = re.match(r"^(?:>\s*)+(.*)$", s)
            if m:
                s = m.group(1)
            m = re.match(r"^(?:[-*+]|\d{1,3}[.)])\s+(.*)$", s)
            if m:
                s, block = m.group(1), True
                s = re.sub(r"^\[[ xX]\]\s+", "", s)
            elif s.startswith("|") or s.count(" | ") >= 1 and s.endswith("|"):
                s = " | ".join(c.strip() for c in s.strip("|").split("|"))
                block = True
        s = _md_inline(s)
        if block:
            flush()
            if s.strip():
                out.append(s.strip())
        else:
            para.append(s)
    flush()
    return [p for p in out if p.strip()]


def _md_inline(s: str) -> str:
    s = _MD_IMG.sub("", s)
    for _ in range(2):
        s = _MD_LINK.sub(r"\1", s)
    s = _MD_REFLINK.sub(r"\1", s)
    s = _MD_AUTOLINK.sub(r"\1", s)
    s = _MD_CODE.sub(r"\1", s)
    for _ in range(3):
        s2 = _MD_EMPH.sub(r"\2", s)
        if s2 == s:
            break
        s = s2
    s = _MD_TAG.sub(" ", s)
    s = _MD_ESC.sub(r"\1", s)
    return html_lib.unescape(s)


# per-source loaders --------------------------------------------------------------------

_LISTY_TYPES = {"listing", "collection", "forum"}


def _load_wcxb(root: Path, page: Page) -> Annotation:
    stem = _stem(page.path)
    js = _wcxb_gt(root, stem)
    if not js:
        return Annotation()
    gt = js.get("ground_truth") or {}
    ptype = (_wcxb_meta(str(root)).get(stem) or {}).get("page_type") or (
        ((js.get("_internal") or {}).get("page_type") or {}).get("primary")
    )
    md = gt.get("main_content_markdown") or ""
    body = markdown_to_paragraphs(md) if isinstance(md, str) else []
    return Annotation(
        title=_text(gt.get("title")),
        body=body,
        body_complete=bool(body) and ptype not in _LISTY_TYPES,
        author=_text(gt.get("author")),
        date=_text(gt.get("publish_date")),
        with_snippets=_strs(gt.get("with")),
        without_snippets=_strs(gt.get("without")),
        page_type=ptype,
    )


def _load_trafilatura(root: Path, page: Page) -> Annotation:
    name = unicodedata.normalize("NFC", Path(page.path).name[: -len(".gz")])
    _url, ent = _trafilatura_index(str(root)).get(name, (None, None))
    if not ent:
        return Annotation()
    return Annotation(
        title=_text(ent.get("title")),
        topics=_dedupe(_strs(ent.get("tags")) + _strs(ent.get("categories"))),
        author=_text(ent.get("author")),
        date=_text(ent.get("date")),
        with_snippets=_strs(ent.get("with")),
        without_snippets=_strs(ent.get("without")),
        comments=_strs(ent.get("comments")),
        description=_text(ent.get("description")),
        site_name=_text(ent.get("sitename")),
    )


def _dedupe(xs: list[str]) -> list[str]:
    seen, out = set(), []
    for x in xs:
        k = x.strip().casefold()
        if k and k not in seen:
            seen.add(k)
            out.append(x.strip())
    return out


def _norm_key(s: str) -> str:
    return " ".join(re.findall(r"\w+", unicodedata.normalize("NFKC", html_lib.unescape(s)).casefold()))


def _load_fundus(root: Path, page: Page) -> Annotation:
    p = Path(page.path)
    m = re.match(r"^(.*)_(\d{4})_(\d{2})_(\d{2})", _stem(page.path))
    if not m:
        return Annotation()
    publisher, date = m.group(1), f"{m.group(2)}-{m.group(3)}-{m.group(4)}"
    js = _read_json(root / p.parent / f"{publisher}.json")
    if not isinstance(js, dict) or not js:
        return Annotation()
    versions = [v for v in js.values() if isinstance(v, dict)]
    if not versions:
        return Annotation()
    try:
        page_text = " " + _norm_key(read_html(root, page).decode("utf-8", "replace")) + " "
    except OSError as exc:
        log.warning("fundus page %s: %s", page.path, exc)
        page_text = ""

    def score(v):
        s = 0
        t = _norm_key(str(v.get("title") or ""))
        if t and f" {t} " in page_text:
            s += 2
        paras = _fundus_paragraphs(v)
        if paras:
            k = _norm_key(paras[0])[:80].rsplit(" ", 1)[0]
            if k and k in page_text:
                s += 2
        if str(v.get("publishing_date") or "").startswith(date):
            s += 1
        return s

    scored = sorted(((score(v), i) for i, v in enumerate(versions)), reverse=True)
    best_score, best = scored[0]
    if len(scored) > 1 and scored[1][0] == best_score:
        log.info("fundus %s: ambiguous version (score %s)", page.path, best_score)
        if best_score < 2:
            return Annotation()
    if best_score < 2 and len(versions) > 1:
        return Annotation()
    v = versions[best]
    captions = []
    for img in v.get("images") or []:
        if isinstance(img, dict):
            captions += _strs(img.get("caption"))
            captions += _strs(img.get("description"))  # alt text
            # credits ("Foto: APA") are caption per LABELS.md
            for k in ("authors", "credit"):
                for a in _strs(img.get(k)):
                    captions.append(a)
    body = _fundus_paragraphs(v)
    return Annotation(
        title=_text(v.get("title")),
        body=body,
        body_complete=bool(body),
        captions=_dedupe(captions),
        topics=_dedupe(_strs(v.get("topics"))),
        author=_text(v.get("authors")),
        date=_text(v.get("publishing_date")),
    )


def _fundus_paragraphs(v: dict) -> list[str]:
    b = v.get("body") or {}
    if not isinstance(b, dict):
        return []
    out = _strs(b.get("summary"))
    for sec in b.get("sections") or []:
        if isinstance(sec, dict):
            out += _strs(sec.get("headline")) + _strs(sec.get("paragraphs"))
    return out


_BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "th",
               "dt", "dd", "figcaption", "caption", "div", "section", "article", "table", "ul",
               "ol", "tr", "figure", "br", "hr", "header", "footer", "aside", "main", "details",
               "summary", "dl", "address"}


def _html_blocks(src: str) -> tuple[list[str], list[str]]:
    """(body blocks, caption blocks) of an article HTML fragment: text split at block tags."""
    from lxml import html as lxml_html  # training-only dependency

    try:
        doc = lxml_html.fromstring(src)
    except Exception as exc:  # noqa: BLE001 - odd files are logged and skipped
        log.warning("unparsable expected.html: %s", exc)
        return [], []
    for bad in doc.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    body: list[str] = []
    caps: list[str] = []
    cur: list[str] = []

    def flush(target):
        t = " ".join(" ".join(cur).split())
        if t:
            target.append(t)
        cur.clear()

    def walk(el, in_cap):
        tag = el.tag if isinstance(el.tag, str) else ""
        is_block = tag.lower() in _BLOCK_TAGS
        # readability keeps figure captions as <p> inside <figure>
        cap = in_cap or tag.lower() in ("figcaption", "caption", "figure")
        if is_block:
            flush(caps if in_cap else body)
        if el.text and tag and tag.lower() not in ("svg", "path"):
            cur.append(el.text)
        for ch in el:
            walk(ch, cap)
            if ch.tail:
                cur.append(ch.tail)
        if is_block:
            flush(caps if cap else body)

    walk(doc, False)
    flush(body)
    # a paragraph repeating an image's alt text is that image's caption (readability turns
    # some figcaptions into plain paragraphs next to the figure)
    alts = {_norm_key(a) for a in doc.xpath("//img/@alt") if len(_norm_key(a).split()) >= 3}
    if alts:
        moved = [b for b in body if _norm_key(b) in alts]
        if moved:
            body = [b for b in body if _norm_key(b) not in alts]
            caps += moved
    return body, caps


def _load_readability(root: Path, page: Page) -> Annotation:
    d = root / Path(page.path).parent
    meta = _read_json(d / "expected-metadata.json")
    meta = meta if isinstance(meta, dict) else {}
    body: list[str] = []
    caps: list[str] = []
    try:
        src = (d / "expected.html").read_text(encoding="utf-8", errors="replace")
        body, caps = _html_blocks(src)
    except FileNotFoundError:
        pass
    except OSError as exc:
        log.warning("readability %s: %s", d, exc)
    return Annotation(
        title=_text(meta.get("title")),
        body=body,
        body_complete=bool(body),
        captions=caps,
        author=_text(meta.get("byline")),
        date=_text(meta.get("publishedTime")),
        description=_text(meta.get("excerpt")),
        site_name=_text(meta.get("siteName")),
    )


def _text_paragraphs(txt: str) -> list[str]:
    return [" ".join(b.split()) for b in re.split(r"\n", txt) if b.strip()]


def _load_newspaper(root: Path, page: Page) -> Annotation:
    p = Path(page.path)
    txt_path = p.parent.parent / "txt" / f"{_stem(page.path)}.txt"
    try:
        txt = (root / txt_path).read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return Annotation()
    except OSError as exc:
        log.warning("newspaper4k %s: %s", txt_path, exc)
        return Annotation()
    return Annotation(body=_text_paragraphs(txt), body_complete=False)


def _load_goose(root: Path, page: Page) -> Annotation:
    js = _read_json(root / (page.path[: -len(".html.gz")] + ".json"))
    if not isinstance(js, dict):
        return Annotation()
    ex = js.get("expected")
    if not isinstance(ex, dict):
        return Annotation()
    ct = ex.get("cleaned_text")
    body = _text_paragraphs(ct) if isinstance(ct, str) else []
    tags = ex.get("tags")
    if isinstance(tags, dict):
        tags = list(tags)
    return Annotation(
        title=_text(ex.get("title")),
        body=body,
        body_complete=False,  # goose3 fixtures keep only the first N characters
        topics=_dedupe(_strs(tags)),
        author=_text(ex.get("authors")),
        date=_text(ex.get("publish_date")),
        description=_text(ex.get("meta_description")),
    )


_LOADERS = {
    "wcxb": _load_wcxb,
    "trafilatura": _load_trafilatura,
    "fundus": _load_fundus,
    "readability": _load_readability,
    "newspaper4k": _load_newspaper,
    "goose3": _load_goose,
}


def load_annotation(corpus_root: Path, page: Page) -> Annotation:
    """The annotation the page's collection ships, or an empty Annotation. Never raises."""
    root = Path(corpus_root)
    key = page.source.split("-")[0] if page.source.startswith(("wcxb", "trafilatura")) else page.source
    loader = _LOADERS.get(key)
    if loader is None:
        return Annotation()
    try:
        return loader(root, page)
    except Exception as exc:  # noqa: BLE001 - one odd file must not stop a corpus run
        log.warning("annotation of %s (%s) failed: %r", page.path, page.source, exc)
        return Annotation()
