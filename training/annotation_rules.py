"""Label votes from a page's shipped annotation (:class:`training.sources.Annotation`).

``annotation_votes(lines, ann)`` matches every rendered line (one line per HTML block) against
the annotation and returns, per line, ``(label, rule_name)`` or ``None``. Rule names are specific
so their precision can be measured per rule. Precision beats recall: a line that matches
nothing clearly gets no vote.

Matching works on a normalised form of both sides: HTML entities decoded, Unicode NFKC,
casefolded, and reduced to its alphanumeric runs joined by single spaces. All punctuation
(quotes of every kind, apostrophes, dashes, markdown marks, ellipses) therefore drops out:
``« L’armée »`` and ``"l'armée"`` both become ``l armée``. Substring tests are done on token
boundaries, on one joined string per annotation part, so a page costs O(lines x body length)
in the worst case through fast ``str`` search, never fuzzy matching.

Labels voted: the eight labels of LABELS.md, plus one marker:

``NOT_CONTENT`` (``"not-content"``, rules ``ann-without-*``)
    the line holds a *without* snippet: text the annotator marked as NOT main content. It
    only means "not headline/body". It is NOT one of the eight labels: the combiner must map it,
    deciding from DOM evidence which boilerplate class the line is (tag, related-link, comment
    widget, ad shortcode, other), else ``other`` or masking the line.

Rules (first match in this order wins):

=============================  =====================================================================
rule                           meaning
=============================  =====================================================================
ann-title-exact                line == title (title of >= 2 words)
ann-title-exact-short          line == a one-word title (if on > 2 lines: the <title> line only)
ann-title-in-title-line        line is "title <sep> site name" or "site <sep> title" (<title> line)
ann-title-segment              the annotated title is "Title | Site" and the line is its Title part
ann-caption-exact              line == an image caption / credit / alt text (one- or two-word
                               lines only inside the article region)
ann-caption-substring          line (>= 3 words) is inside a caption
ann-caption-contains           a caption (>= 3 words) is >= half of the line
ann-comment                    line contains a known comment snippet (>= 3 words) or equals one
ann-body-exact                 line == a body paragraph (>= 4 words)
ann-body-substring             line (>= 4 words) is a contiguous part of the body text
ann-body-overlap               >= 75 % of the line's words (>= 10 words) are covered by 3-word
                               shingles of the body
ann-with-exact                 line == a with-snippet
ann-with-in-line               a with-snippet (>= 3 words) is inside the line
ann-with-contains-line         line (>= 4 words) is inside a with-snippet
ann-description                line == the page's meta description/excerpt (>= 8 words)
ann-body-exact-short           line == a short body paragraph (< 4 words, e.g. a subheading),
                               only between the first and last strongly matched body lines
ann-topic-list                 line is >= 2 topic names (with or without separators, even run
                               together as in "Burkina Fasorussie"), optionally after a "Tags:" label
ann-topic-labelled             "Tags: <one topic>"
ann-topic-single               line == one topic name, not a body paragraph, within 3 lines of
                               another topic line or of a tag label line
ann-author-near-title          short line (<= 15 words) holding an author name, within 8 lines of
                               a headline line (body: attribution is body per LABELS.md)
ann-date-near-title            short line holding the publication date (any common format), within
                               8 lines of a headline line
ann-without-exact              line == a without-snippet -> not-content
ann-without-in-line            a without-snippet is >= half of the line -> not-content
=============================  =====================================================================

No body-type vote goes to the first line (the renderer's ``<title>`` line). A line matched
only by ann-body-substring / ann-body-overlap that occurs more than once on the page gets no
vote: it is a teaser (an article title the annotation's paragraph swallowed, repeated in a
related-links list). Body-type rules (body, with, description, short body) are skipped on pages whose
annotation says the page is a listing, collection or forum: there the annotated main content
is teasers or posts, which LABELS.md does not call body. Date-like without-snippets ("31. Mai")
never vote: LABELS.md counts the article's own date as body.
"""

from __future__ import annotations

import html as html_lib
import re
import unicodedata
from typing import Iterable

from .sources import Annotation
from .wordlists import TAG_LABEL_WORDS, alternation

__all__ = ["annotation_votes", "normalize", "NOT_CONTENT", "RULES"]

NOT_CONTENT = "not-content"

RULES = (
    "ann-title-exact",
    "ann-title-exact-short",
    "ann-title-in-title-line",
    "ann-title-segment",
    "ann-caption-exact",
    "ann-caption-substring",
    "ann-caption-contains",
    "ann-comment",
    "ann-body-exact",
    "ann-body-substring",
    "ann-body-overlap",
    "ann-with-exact",
    "ann-with-in-line",
    "ann-with-contains-line",
    "ann-description",
    "ann-body-exact-short",
    "ann-topic-list",
    "ann-topic-labelled",
    "ann-topic-single",
    "ann-author-near-title",
    "ann-date-near-title",
    "ann-without-exact",
    "ann-without-in-line",
)

_LISTY_TYPES = {"listing", "collection", "forum"}
_MIN_WORDS = 4  # lines shorter than this are never body evidence as mere substrings
_NEAR_TITLE = 8
_SHINGLE = 3
_OVERLAP_MIN = 0.75
_OVERLAP_MIN_TOKENS = 10

# --------------------------------------------------------------------------------------
# normalisation

_TOKEN_RE = re.compile(r"[^\W_]+")
_WIDE_RE = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def normalize(text: str | None) -> str:
    """Casefolded alphanumeric runs of ``text`` joined by single spaces (punctuation, quotes,
    dashes, markdown marks dropped)."""
    if not text:
        return ""
    t = unicodedata.normalize("NFKC", html_lib.unescape(text)).casefold()
    return " ".join(_TOKEN_RE.findall(t))


def _weight(norm: str) -> int:
    """Word count, counting runs of CJK/Thai/Burmese script by characters / 2."""
    if not norm:
        return 0
    n = 0
    for tok in norm.split(" "):
        if _WIDE_RE.search(tok):
            n += max(1, len(tok) // 2)
        else:
            n += 1
    return n


def _shingles(tokens: list[str]) -> Iterable[tuple[str, ...]]:
    for i in range(len(tokens) - _SHINGLE + 1):
        yield tuple(tokens[i : i + _SHINGLE])


# --------------------------------------------------------------------------------------
# dates

_MONTHS: dict[str, int] = {}
for _num, _names in enumerate(
    [
        "jan janv januar janeiro enero gennaio januari januar stycz sty leden ledna ocak ene gen",
        "feb febr févr fevr février februar fevereiro febrero febbraio februari luty lut unor února şubat fev",
        "mar mars märz mär marz marzo março maart marec března mart",
        "apr avr avril april abril aprile kwi kwiet duben dubna nisan abr",
        "may mai maj mayo maggio mei květen května mayıs mag",
        "jun juin juni junho junio giugno czerw cze červen června haziran giu",
        "jul juil juillet juli julho julio luglio lip lipca červenec července temmuz lug",
        "aug août aout august agosto augustus sierp sie srpen srpna ağustos ago",
        "sep sept september septembre setembro septiembre settembre wrz wrzes září eylül set",
        "oct okt oktober octobre outubro octubre ottobre paź paźdz říjen října ekim out ott",
        "nov november novembre novembro noviembre lis listopad listopadu kasım",
        "dec déc dez dezember décembre dezembro diciembre dicembre december gru grudz prosinec prosince aralık dic",
    ],
    start=1,
):
    for _n in _names.split():
        _MONTHS.setdefault(_n, _num)

_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DT_TOKEN = re.compile(r"[^\W\D]+|[^\W\d_]+")


def _month_of(tok: str) -> int | None:
    if tok in _MONTHS:
        return _MONTHS[tok]
    for k in (4, 3):
        if len(tok) > k and tok[:k] in _MONTHS:
            return _MONTHS[tok[:k]]
    return None


def _date_matcher(date: str | None):
    if not date:
        return None
    m = _ISO_DATE.search(date)
    if not m:
        return None
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None

    def match(norm: str) -> bool:
        toks = _DT_TOKEN.findall(norm)
        nums = [int(t) for t in toks if t.isdecimal() and len(t) <= 4]
        if y not in nums and (y % 100) not in nums:
            return False
        if d not in nums:
            return False
        if any(_month_of(t) == mo for t in toks if not t.isdigit()):
            return True
        # numeric month: needs the full year, and the month distinct from day unless equal
        if y in nums and mo in nums:
            rest = list(nums)
            for v in (y, d):
                rest.remove(v)
            return mo in rest
        return False

    return match


# --------------------------------------------------------------------------------------
# tags

#: Labels of a line of topics besides the tag-list labels: section words that also title
#: menus and related lists, safe here because the rest of the line must be annotated topics.
_TOPIC_LABEL_EXTRA = (
    r"thema", r"cat[eé]gories?", r"categor[ií]as?", r"category", r"posted in", r"mehr zum thema",
    r"weitere themen", r"more on", r"related topics", r"rubriques?",
)
_TAG_LABEL_RE = re.compile(r"^\W*" + alternation(TAG_LABEL_WORDS + _TOPIC_LABEL_EXTRA) + r"\b\s*", re.I)


def _segment(s: str, pieces: set[str], maxlen: int) -> int:
    """Number of distinct pieces in the shortest split of ``s`` into ``pieces`` (0 if none)."""
    n = len(s)
    inf = 10**6
    best = [0] + [inf] * n
    back = [0] * (n + 1)
    for i in range(1, n + 1):
        for j in range(max(0, i - maxlen), i):
            if best[j] + 1 < best[i] and s[j:i] in pieces:
                best[i] = best[j] + 1
                back[i] = j
    if best[n] >= inf:
        return 0
    used, i = set(), n
    while i > 0:
        used.add(s[back[i] : i])
        i = back[i]
    return len(used)


# --------------------------------------------------------------------------------------
# title

_SEP_RE = re.compile(r"\s+[-–—|:·•»~/]+\s+|\s*[|•·»]\s*|\s+[-–—]{1,2}\s*|\s*::\s*")


def _split_segments(raw: str) -> list[str]:
    return [s for s in (normalize(p) for p in _SEP_RE.split(raw)) if s]


# --------------------------------------------------------------------------------------


class _Index:
    def __init__(self, ann: Annotation):
        self.listy = (ann.page_type or "").lower() in _LISTY_TYPES
        self.title = normalize(ann.title)
        self.title_w = _weight(self.title)
        # title minus a site-name segment: "Title | Site" -> "title"
        self.title_parts: set[str] = set()
        if ann.title:
            segs = _split_segments(ann.title)
            for i in range(1, len(segs)):
                head, tail = " ".join(segs[:i]), " ".join(segs[i:])
                for part, rest in ((head, tail), (tail, head)):
                    if _weight(part) >= 3 and _weight(rest) <= 8 and _weight(part) > _weight(rest):
                        self.title_parts.add(part)

        self.paras = [p for p in (normalize(x) for x in ann.body) if p]
        self.para_set = set(self.paras)
        self.body_joined = " " + " ".join(self.paras) + " "
        self.shingles: set[tuple[str, ...]] = set()
        for p in self.paras:
            self.shingles.update(_shingles(p.split(" ")))

        self.caps = [c for c in (normalize(x) for x in ann.captions) if c]
        self.cap_set = set(self.caps)
        self.cap_joined = " \x01 ".join([""] + self.caps + [""])
        self.caps_long = [c for c in set(self.caps) if _weight(c) >= 3]

        self.comments = [c for c in (normalize(x) for x in ann.comments) if c]

        self.with_ = [w for w in (normalize(x) for x in ann.with_snippets) if w]
        self.with_set = set(self.with_)
        self.with_long = [w for w in set(self.with_) if _weight(w) >= 3]
        self.with_joined = " \x01 ".join([""] + self.with_ + [""])
        self.description = normalize(ann.description) if _weight(normalize(ann.description)) >= 8 else ""

        self.without = []
        for x in ann.without_snippets:
            w = normalize(x)
            if w and not _looks_like_date(w):
                self.without.append(w)
        self.without_set = set(self.without)

        topics = [t for t in (normalize(x) for x in ann.topics) if t]
        self.topic_set = set(topics)
        self.topic_pieces = {t.replace(" ", "") for t in topics}
        self.topic_maxlen = max((len(t) for t in self.topic_pieces), default=0)

        self.authors = _authors(ann.author)
        self.site_names = {normalize(ann.site_name)} - {""}
        self.date_match = _date_matcher(ann.date)

    def body_known(self) -> bool:
        return not self.listy and bool(self.paras or self.with_ or self.description)


def _looks_like_date(norm: str) -> bool:
    toks = _DT_TOKEN.findall(norm)
    if any(t.isdecimal() for t in toks) and len(toks) <= 5:
        return True
    return any(_month_of(t) for t in toks if not t.isdigit()) and len(toks) <= 4


_ATTRIB_RE = re.compile(
    r"^\W*(?:by|posted by|written by|von|par|por|di|door|autor|author|published|posted|"
    r"updated|last updated|publié|mis à jour|veröffentlicht|aktualisiert|stand|actualizado|"
    r"publicado|pubblicato|aggiornato)\b",
    re.I,
)


def _looks_like_attribution(raw: str, norm: str) -> bool:
    """A byline or a dateline (LABELS.md: body next to the headline), which a without-snippet
    must not call boilerplate."""
    if _ATTRIB_RE.match(unicodedata.normalize("NFKC", raw)):
        return True
    toks = _DT_TOKEN.findall(norm)
    if len(toks) > 10:
        return False
    has_year = any(t.isdecimal() and len(t) == 4 and t[:2] in ("19", "20") for t in toks)
    has_month = any(_month_of(t) for t in toks if not t.isdecimal())
    n_num = sum(t.isdecimal() for t in toks)
    return has_year and (has_month or n_num >= 3)


_AUTHOR_SPLIT = re.compile(r"\s*(?:[,;&|/]|\band\b|\bund\b|\bet\b|\by\b|\be\b|\bi\b)\s*", re.I)
_AUTHOR_PREFIX = re.compile(r"^(?:by|von|par|por|di|door|af|av|autor(?:in)?|author)\s*:?\s+", re.I)


def _authors(author: str | None) -> list[str]:
    if not author:
        return []
    out = []
    for part in _AUTHOR_SPLIT.split(author):
        part = _AUTHOR_PREFIX.sub("", part.strip())
        n = normalize(part)
        if n and len(n) >= 3 and not n.isdigit():
            out.append(n)
    return list(dict.fromkeys(out))


def _contains(hay: str, needle: str) -> bool:
    """``needle`` inside ``hay`` on token boundaries (both normalised)."""
    return f" {needle} " in f" {hay} "


def annotation_votes(lines: list[str], ann: Annotation) -> list[tuple[str, str] | None]:
    """Per line: ``(label, rule_name)`` from the annotation, or None. See the module doc."""
    ix = _Index(ann)
    norms = [normalize(l) for l in lines]
    weights = [_weight(n) for n in norms]
    votes: list[tuple[str, str] | None] = [None] * len(lines)

    # pass 1: title, caption, comment, body
    for i, (raw, nl) in enumerate(zip(lines, norms)):
        if not nl:
            continue
        w = weights[i]
        v = _title_vote(raw, nl, ix)
        if v is None:
            v = _caption_vote(nl, w, ix)
        if v is None and ix.comments:
            for c in ix.comments:
                if c == nl or (_weight(c) >= 3 and _contains(nl, c)):
                    v = ("comment widget", "ann-comment")
                    break
        if v is None and ix.body_known() and i > 0:  # line 0 is the <title> line
            v = _body_vote(nl, w, ix)
        votes[i] = v

    counts: dict[str, int] = {}
    for nl in norms:
        if nl:
            counts[nl] = counts.get(nl, 0) + 1

    # a partial body match repeated on the page is a teaser: the title of another article
    # that the annotation's paragraph swallowed ("Read also: <title>") and that the page's
    # related-links list repeats
    for i, v in enumerate(votes):
        if v and v[1] in ("ann-body-substring", "ann-body-overlap") and counts[norms[i]] > 1:
            votes[i] = None

    # a one-word title on many lines is also a menu item: keep only the <title> line
    short_t = [i for i, v in enumerate(votes) if v and v[1] == "ann-title-exact-short"]
    if len(short_t) > 2:
        for i in short_t:
            if i > 0:
                votes[i] = None

    # short captions (credits such as "Le Figaro", "Getty Images") only inside the article
    region = _article_region(votes, weights)
    for i, v in enumerate(votes):
        if v and v[0] == "caption" and weights[i] <= 2:
            if region is None or not (region[0] - 3 <= i <= region[1] + 5):
                votes[i] = None

    # short exact paragraph matches (subheadings, short list items): only inside the article
    # (after its headline, within the strong body matches), only when the text is not repeated
    # on the page ("Learn more" x 3), and only in runs that touch a strong body line
    strong = [i for i, v in enumerate(votes) if v and v[0] == "body" and weights[i] >= _MIN_WORDS]
    if strong and ix.para_set and not ix.listy:
        lo, hi = strong[0], strong[-1]
        heads = [i for i, v in enumerate(votes) if v and v[0] == "headline" and i > 0]
        if heads and heads[0] < hi:
            lo = max(lo, heads[0])
        cand = [
            i for i in range(lo, hi + 1)
            if votes[i] is None and norms[i] in ix.para_set and counts[norms[i]] == 1
        ]
        cset = set(cand)
        strong_set = set(strong)
        for i in cand:
            a = i
            while a - 1 in cset:
                a -= 1
            b = i
            while b + 1 in cset:
                b += 1
            if a - 1 in strong_set or b + 1 in strong_set:
                votes[i] = ("body", "ann-body-exact-short")

    # tags
    if ix.topic_pieces:
        _tag_votes(lines, norms, votes, ix)

    # attribution near the headline
    heads = [i for i, v in enumerate(votes) if v and v[0] == "headline" and i > 0]
    authors = ix.authors
    if authors:
        # an "author" that is the site's name (organisation pages) is the logo, not a byline
        sites = set(ix.site_names)
        if lines and ix.title:
            sites.update(s for s in _split_segments(lines[0]) if s != ix.title and s not in ix.title)
        authors = [a for a in authors if a not in sites]
    if heads and not ix.listy and (authors or ix.date_match):
        for i, nl in enumerate(norms):
            if votes[i] is not None or not nl or weights[i] > 15:
                continue
            if min(abs(i - h) for h in heads) > _NEAR_TITLE:
                continue
            if any(_contains(nl, a) for a in authors):
                votes[i] = ("body", "ann-author-near-title")
            elif ix.date_match and ix.date_match(nl):
                votes[i] = ("body", "ann-date-near-title")

    # without snippets
    if ix.without:
        for i, nl in enumerate(norms):
            if votes[i] is not None or not nl or _looks_like_attribution(lines[i], nl):
                continue
            if nl in ix.without_set:
                votes[i] = (NOT_CONTENT, "ann-without-exact")
                continue
            w = weights[i]
            for s in ix.without:
                if 2 * len(s) >= len(nl) and _contains(nl, s):
                    votes[i] = (NOT_CONTENT, "ann-without-in-line")
                    break
    return votes


def _article_region(votes, weights) -> tuple[int, int] | None:
    """(first line, last line) of the article: from the first headline line after the <title>
    line (or the first strong body line) to the last strong body line."""
    strong = [i for i, v in enumerate(votes) if v and v[0] == "body" and weights[i] >= _MIN_WORDS]
    if not strong:
        return None
    heads = [i for i, v in enumerate(votes) if v and v[0] == "headline" and 0 < i < strong[-1]]
    lo = min(heads[0], strong[0]) if heads else strong[0]
    return lo, strong[-1]


def _title_vote(raw: str, nl: str, ix: _Index):
    if not ix.title:
        return None
    if nl == ix.title:
        return ("headline", "ann-title-exact" if ix.title_w >= 2 else "ann-title-exact-short")
    if nl in ix.title_parts:
        return ("headline", "ann-title-segment")
    if ix.title_w >= 2 and len(nl) > len(ix.title) and ix.title in nl:
        segs = _split_segments(raw)
        for k in range(1, len(segs)):
            head, tail = " ".join(segs[:k]), " ".join(segs[k:])
            if (head == ix.title and _weight(tail) <= 8) or (tail == ix.title and _weight(head) <= 8):
                return ("headline", "ann-title-in-title-line")
    return None


def _caption_vote(nl: str, w: int, ix: _Index):
    if not ix.caps:
        return None
    if nl in ix.cap_set:
        return ("caption", "ann-caption-exact")
    if w >= 3 and f" {nl} " in ix.cap_joined:
        return ("caption", "ann-caption-substring")
    for c in ix.caps_long:
        if 2 * len(c) >= len(nl) and _contains(nl, c):
            return ("caption", "ann-caption-contains")
    return None


def _body_vote(nl: str, w: int, ix: _Index):
    if ix.paras and w >= _MIN_WORDS:
        if nl in ix.para_set:
            return ("body", "ann-body-exact")
        toks = nl.split(" ")
        if len(toks) >= _SHINGLE:
            covered = [False] * len(toks)
            hit_all = True
            for j, sh in enumerate(_shingles(toks)):
                if sh in ix.shingles:
                    for k in range(j, j + _SHINGLE):
                        covered[k] = True
                else:
                    hit_all = False
            if hit_all and f" {nl} " in ix.body_joined:
                return ("body", "ann-body-substring")
            if sum(covered) >= _OVERLAP_MIN * len(toks) and len(toks) >= _OVERLAP_MIN_TOKENS:
                return ("body", "ann-body-overlap")
        elif f" {nl} " in ix.body_joined:  # CJK: few long tokens
            return ("body", "ann-body-substring")
    if ix.with_:
        if nl in ix.with_set:
            return ("body", "ann-with-exact")
        for s in ix.with_long:
            if _contains(nl, s):
                return ("body", "ann-with-in-line")
        if w >= _MIN_WORDS and f" {nl} " in ix.with_joined:
            return ("body", "ann-with-contains-line")
    if ix.description and nl == ix.description and nl != ix.title:
        return ("body", "ann-description")
    return None


def _tag_votes(lines, norms, votes, ix: _Index) -> None:
    labelled: set[int] = set()
    topic_lines: set[int] = set()
    singles: list[int] = []
    for i, nl in enumerate(norms):
        if not nl or (votes[i] is not None and votes[i][0] != "body") or len(nl) > 400:
            continue
        if votes[i] is not None and votes[i][1] not in ("ann-body-exact-short", "ann-with-exact"):
            continue
        raw = unicodedata.normalize("NFKC", html_lib.unescape(lines[i])).strip()
        m = _TAG_LABEL_RE.match(raw)
        rest = normalize(raw[m.end():]) if m else nl
        if m:
            labelled.add(i)
        squashed = rest.replace(" ", "")
        if not squashed or len(squashed) > 300:
            continue
        if not any(squashed.startswith(p) for p in ix.topic_pieces):
            continue
        if not any(squashed.endswith(p) for p in ix.topic_pieces):
            continue
        n = _segment(squashed, ix.topic_pieces, ix.topic_maxlen)
        if n >= 2:
            votes[i] = ("tag", "ann-topic-list")
            topic_lines.add(i)
        elif n == 1 and m:
            votes[i] = ("tag", "ann-topic-labelled")
            topic_lines.add(i)
        elif n == 1 and votes[i] is None and nl not in ix.para_set:
            singles.append(i)
    # single topic lines only in the article's region (nav menus above it name topics too):
    # from the first headline after the <title> line to 20 lines after the last body line
    heads = [i for i, v in enumerate(votes) if v and v[0] == "headline" and i > 0]
    body = [i for i, v in enumerate(votes) if v and v[0] == "body"]
    if not body:
        return
    lo = heads[0] if heads and heads[0] < body[0] else body[0] - 5
    hi = body[-1] + 20
    singles = [i for i in singles if lo <= i <= hi]
    anchors = topic_lines | labelled
    # one topic per line: needs a list or label line within 3 lines, or a run of >= 2
    # consecutive single-topic lines naming different topics
    single_set = set(singles)
    for i in singles:
        if any(j in anchors for j in range(i - 3, i + 4)):
            votes[i] = ("tag", "ann-topic-single")
            continue
        run = {i}
        j = i - 1
        while j in single_set:
            run.add(j)
            j -= 1
        j = i + 1
        while j in single_set:
            run.add(j)
            j += 1
        if len({norms[k] for k in run}) >= 2:
            votes[i] = ("tag", "ann-topic-single")
