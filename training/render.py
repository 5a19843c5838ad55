"""Render an HTML page to the lines a scraper's plain-text dump would hold.

One line per block element (``p``, ``h1``-``h6``, ``li``, ``td``/``th``, ``dt``/``dd``,
``figcaption``, ``blockquote``, ``pre``, and the loose text of ``div``/``section``/... that is
not inside a child block), inline text joined exactly as it stands in the DOM with whitespace
collapsed (two adjacent links ``<a>Burkina Faso</a><a>russie</a>`` give ``Burkina Fasorussie``,
as in ``../shared/seed``), the ``<title>`` text first. Scripts, styles, ``<head>`` (except the
title), comments and elements hidden by ``hidden`` / ``aria-hidden="true"`` /
``display:none`` / ``visibility:hidden`` are dropped; empty lines are dropped.

Two rendering conventions are offered, because users' dumps come from many tools:

* ``style="blocks"`` (default): every block boundary and every ``<br>`` starts a new line.
* ``style="merged"``: ``<br>`` is a space, and runs of short sibling list items / table cells
  / definition terms (menus, tag lists, table rows) are joined onto one line with spaces,
  as tools that only break at paragraph-level elements do.

Every line comes with its DOM context (:class:`Block`), which ``training.dom_rules`` uses to
vote labels. Parsing uses lxml; nothing here raises on bad input: a page that cannot be
decoded or parsed renders to ``[]``.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from lxml import etree

__all__ = ["Block", "STYLES", "render_blocks", "render_lines", "render_page", "page_meta", "decode_html"]

STYLES = ("blocks", "merged")

#: Elements whose boundaries end a line.
BLOCK_TAGS = frozenset(
    """
    address article aside blockquote body center caption dd details dialog dir div dl dt fieldset
    figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend li main menu nav
    ol optgroup option p pre section summary table tbody td tfoot th thead tr ul
    """.split()
)
#: Elements dropped with everything inside them (but not their tail text).
DROP_TAGS = frozenset(
    """
    script style noscript template svg iframe head object embed canvas math applet frame frameset
    audio video source track map area link meta base param datalist title
    """.split()
)
#: Blocks that ``style="merged"`` joins with their same-kind siblings when short.
_MERGEABLE = {"li": "li", "td": "cell", "th": "cell", "dt": "def", "dd": "def", "option": "option"}
_MERGE_MAX_CHARS = 60

_WS = re.compile(r"\s+")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)


@dataclass(frozen=True)
class Block:
    """One rendered line and the DOM it came from."""

    text: str  #: the line
    tag: str  #: the block element's tag ('title', 'p', 'h1', 'li', 'figcaption', 'div', ...)
    #: The ancestors from ``<html>`` down to the block element itself, flattened: for each one
    #: the bare tag ('div'), then 'div#id', then 'div.class' per class, then attribute tokens
    #: 'rel=tag', 'role=navigation', 'itemprop=articlebody' when present. All lowercased.
    context: tuple[str, ...]
    #: Tokens (same form) of inline elements inside the line (``<a rel=tag>``, ``<span
    #: class="caption">``...) whose text covers at least half of the line's characters.
    inline: tuple[str, ...] = ()
    link_chars: int = 0  #: characters of the line that sit inside ``<a>`` elements
    article: int = -1  #: ordinal (0, 1, ...) of the innermost ``<article>`` ancestor, -1 if none
    group: int = -1  #: ordinal of the block's parent block element (siblings share it)


# --------------------------------------------------------------------------- decoding


def _norm_codec(name: str | bytes | None) -> str | None:
    if not name:
        return None
    if isinstance(name, bytes):
        name = name.decode("ascii", "ignore")
    try:
        codec = codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None
    # Browsers treat these labels as their supersets; so do we.
    return {"iso8859-1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252", "gb2312": "gb18030", "gbk": "gb18030"}.get(
        codec, codec
    )


def decode_html(data: str | bytes) -> str:
    """Bytes to text: BOM, then ``<meta charset>``, then UTF-8, then cp1252; never raises."""
    if isinstance(data, str):
        return data
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", "replace")
    declared = None
    m = _META_CHARSET.search(data[:8192])
    if m:
        declared = _norm_codec(m.group(1))
    # Pages often declare one charset and are saved in UTF-8: strict UTF-8 first when
    # it decodes cleanly is the safest bet (valid non-ASCII UTF-8 is rarely anything else).
    candidates = ["utf-8"] + ([declared] if declared and declared != "utf-8" else [])
    for enc in candidates:
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode(declared or "cp1252", "replace")


# --------------------------------------------------------------------------- parsing

_PARSER = None


def _parse(html: str | bytes):
    global _PARSER
    if _PARSER is None:
        _PARSER = etree.HTMLParser(
            encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True, recover=True, huge_tree=True
        )
    try:
        text = decode_html(html)
        text = _XML_DECL.sub("", text, count=1)
        if not text.strip():
            return None
        data = text.encode("utf-8", "replace")
        return etree.fromstring(data, _PARSER)
    except Exception:  # noqa: BLE001 - any parse failure means "no lines"
        return None


def _tokens(el) -> tuple[str, ...]:
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    toks = [tag]
    get = el.get
    i = get("id")
    if i:
        i = i.strip().lower()
        if i:
            toks.append(f"{tag}#{i}")
    c = get("class")
    if c:
        for cls in c.lower().split():
            toks.append(f"{tag}.{cls}")
    for attr in ("rel", "role", "itemprop"):
        v = get(attr)
        if v:
            for part in v.lower().split():
                toks.append(f"{attr}={part}")
    return tuple(toks)


def _hidden(el) -> bool:
    get = el.get
    if get("hidden") is not None:
        return True
    ah = get("aria-hidden")
    if ah is not None and ah.strip().lower() == "true":
        return True
    st = get("style")
    if st and _HIDDEN_STYLE.search(st):
        return True
    if el.tag == "input":
        return True
    return False


def _clean(s: str) -> str:
    return _WS.sub(" ", _INVISIBLE.sub("", s)).strip()


class _Frame:
    """A block element being rendered: its text pieces and bookkeeping."""

    __slots__ = ("el", "tag", "pieces", "link_chars", "inline_chars", "article", "group", "ordinal", "ctx")

    def __init__(self, el, tag, article, group, ordinal):
        self.el = el
        self.tag = tag
        self.pieces: list[str] = []
        self.link_chars = 0
        self.inline_chars: dict[str, int] = {}
        self.article = article
        self.group = group
        self.ordinal = ordinal
        self.ctx: tuple[str, ...] | None = None


class _Memo:
    """Per-page caches of element tokens and contexts (elements are kept alive by the dicts,
    so lxml hands back the same proxy objects)."""

    __slots__ = ("tokens", "ctx")

    def __init__(self):
        self.tokens: dict = {}
        self.ctx: dict = {}

    def tok(self, el) -> tuple[str, ...]:
        t = self.tokens.get(el)
        if t is None:
            t = self.tokens[el] = _tokens(el)
        return t

    def context(self, el) -> tuple[str, ...]:
        c = self.ctx.get(el)
        if c is not None:
            return c
        chain = []
        cur = el
        base: tuple[str, ...] = ()
        while cur is not None:
            c = self.ctx.get(cur)
            if c is not None:
                base = c
                break
            chain.append(cur)
            cur = cur.getparent()
        for a in reversed(chain):
            base = base + self.tok(a)
            self.ctx[a] = base
        return base


def _walk(root, style: str) -> list[Block]:
    blocks: list[Block] = []
    split_br = style == "blocks"
    frames: list[_Frame] = []
    memo = _Memo()
    inline_stack: list = []  # open inline elements in the current frame
    inline_depths: list[int] = []  # len(inline_stack) when each frame was opened
    link_depth = 0
    n_articles = 0
    article_stack: list[int] = []
    n_blocks = 0

    def add_text(s: str | None) -> None:
        if not s or not frames:
            return
        f = frames[-1]
        f.pieces.append(s)
        if link_depth:
            f.link_chars += len(s.strip())
        base = inline_depths[-1]
        if len(inline_stack) > base:
            n = len(s.strip())
            if n:
                ic = f.inline_chars
                for iel in inline_stack[base:]:
                    for t in memo.tok(iel):
                        ic[t] = ic.get(t, 0) + n

    def flush(f: _Frame) -> None:
        if not f.pieces:
            return
        raw = "".join(f.pieces)
        f.pieces = []
        ic, f.inline_chars = f.inline_chars, {}
        lc, f.link_chars = f.link_chars, 0
        if f.tag == "pre":
            texts = [_clean(x) for x in raw.splitlines()]
        else:
            texts = [_clean(raw)]
        if f.ctx is None:
            f.ctx = memo.context(f.el)
        for text in texts:
            if not text:
                continue
            n = len(text)
            inline = tuple(t for t, c in ic.items() if 2 * c >= n) if ic else ()
            blocks.append(Block(text, f.tag, f.ctx, inline, min(lc, n), f.article, f.group))

    walker = etree.iterwalk(root, events=("start", "end"))
    skipped: set = set()
    for ev, el in walker:
        tag = el.tag
        if not isinstance(tag, str):  # stray comment/PI/entity
            if ev == "end":
                add_text(el.tail)
            continue
        tag = tag.lower()
        if ev == "start":
            if tag in DROP_TAGS or _hidden(el):
                walker.skip_subtree()
                skipped.add(el)
                continue
            if tag in BLOCK_TAGS:
                if frames:
                    flush(frames[-1])
                if tag == "article":
                    article_stack.append(n_articles)
                    n_articles += 1
                group = frames[-1].ordinal if frames else -1
                frames.append(_Frame(el, tag, article_stack[-1] if article_stack else -1, group, n_blocks))
                n_blocks += 1
                inline_depths.append(len(inline_stack))
            elif tag == "br":
                if split_br:
                    if frames:
                        flush(frames[-1])
                else:
                    add_text(" ")
            else:
                inline_stack.append(el)
                if tag == "a":
                    link_depth += 1
            add_text(el.text)
        else:  # end
            if el in skipped:
                skipped.discard(el)
                add_text(el.tail)
                continue
            if tag in BLOCK_TAGS:
                f = frames.pop()
                flush(f)
                del inline_stack[inline_depths.pop() :]
                if tag == "article" and article_stack:
                    article_stack.pop()
            elif tag != "br":
                if inline_stack:
                    inline_stack.pop()
                if tag == "a":
                    link_depth -= 1
            add_text(el.tail)
    return blocks


def _title_block(root) -> Block | None:
    for t in root.iter("title"):
        # a <title> inside <svg> is not the page title
        if any(a.tag == "svg" for a in t.iterancestors()):
            continue
        text = _clean("".join(t.itertext()))
        if text:
            return Block(text, "title", ("html", "head", "title"))
        return None
    return None


def _merge(blocks: list[Block]) -> list[Block]:
    out: list[Block] = []
    run: list[Block] = []

    def close() -> None:
        if len(run) >= 2:
            first = run[0]
            out.append(
                Block(
                    " ".join(b.text for b in run),
                    first.tag,
                    first.context,
                    tuple(t for t in first.inline if all(t in b.inline for b in run)),
                    sum(b.link_chars for b in run),
                    first.article,
                    first.group,
                )
            )
        else:
            out.extend(run)
        run.clear()

    for b in blocks:
        kind = _MERGEABLE.get(b.tag)
        if kind and len(b.text) <= _MERGE_MAX_CHARS and b.group >= 0:
            if run and (_MERGEABLE[run[0].tag] != kind or run[0].group != b.group):
                close()
            run.append(b)
        else:
            close()
            out.append(b)
    close()
    return out


def render_page(html: str | bytes, style: str = "blocks") -> tuple[list[Block], dict]:
    """Render once, return ``(blocks, meta)``; see :func:`render_blocks` and :func:`page_meta`."""
    if style not in STYLES:
        raise ValueError(f"style must be one of {STYLES}, not {style!r}")
    root = _parse(html)
    if root is None:
        return [], _empty_meta()
    try:
        meta = _meta(root)
        body_blocks = _walk(root, style)
        if style == "merged":
            body_blocks = _merge(body_blocks)
        title = _title_block(root)
        blocks = ([title] if title else []) + body_blocks
        return blocks, meta
    except Exception:  # noqa: BLE001 - never crash on a page
        return [], _empty_meta()


def render_blocks(html: str | bytes, style: str = "blocks") -> list[Block]:
    """The page's lines with their DOM context, the ``<title>`` first."""
    return render_page(html, style)[0]


def render_lines(html: str | bytes, style: str = "blocks") -> list[str]:
    """The page's lines: ``[b.text for b in render_blocks(html)]``."""
    return [b.text for b in render_blocks(html, style)]


# --------------------------------------------------------------------------- metadata


def _empty_meta() -> dict:
    return {"title": None, "og_title": None, "twitter_title": None, "h1s": [], "lang": None, "og_type": None,
            "canonical": None, "generator": None, "site_name": None}


def _meta(root) -> dict:
    meta = _empty_meta()
    lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    meta["lang"] = lang.strip().lower() if lang and lang.strip() else None
    t = _title_block(root)
    meta["title"] = t.text if t else None
    for m in root.iter("meta"):
        key = (m.get("property") or m.get("name") or "").strip().lower()
        if not key:
            continue
        content = _clean(m.get("content") or "")
        if not content:
            continue
        if key == "og:title" and not meta["og_title"]:
            meta["og_title"] = content
        elif key == "twitter:title" and not meta["twitter_title"]:
            meta["twitter_title"] = content
        elif key == "og:type" and not meta["og_type"]:
            meta["og_type"] = content.lower()
        elif key == "og:site_name" and not meta["site_name"]:
            meta["site_name"] = content
        elif key == "generator" and not meta["generator"]:
            meta["generator"] = content
    for link in root.iter("link"):
        if (link.get("rel") or "").strip().lower() == "canonical" and link.get("href"):
            meta["canonical"] = link.get("href").strip()
            break
    h1s = []
    for h in root.iter("h1"):
        if _hidden(h) or any(isinstance(a.tag, str) and (a.tag in DROP_TAGS or _hidden(a)) for a in h.iterancestors()):
            continue
        text = _clean("".join(x for x in h.itertext()))
        if text:
            h1s.append(text)
    meta["h1s"] = h1s
    return meta


def page_meta(html: str | bytes) -> dict:
    """Page metadata: ``title``, ``og_title``, ``twitter_title``, ``h1s`` (visible H1 texts),
    ``lang`` (``<html lang>``, lowercased), ``og_type``, ``canonical``, ``generator``, ``site_name``
    (``og:site_name``)."""
    return render_page(html)[1]
