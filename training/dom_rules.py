"""DOM-evidence labelling rules over rendered blocks (``training.render.Block``).

:func:`dom_votes` gives, per block, ``(label, rule_name)`` when the page's markup says what the
line is (it sits inside ``.jp-relatedposts``, it is a ``<figcaption>``, it is the H1 and equals
the ``og:title``...) and ``None`` when the DOM says nothing or its evidence conflicts. These
votes become training labels, so every rule aims at precision: a rule that is wrong one time
in five would teach the model its mistakes. Rule names are recorded with each label so their
precision can be measured by hand (``data/README.md``).

Evidence is read from whole class / id tokens of the block's ancestors (never substrings of
``<body>`` or ``<article>`` classes: WordPress puts ``tag-foo category-bar`` on those), from
inline elements that cover at least half of the line (``<a rel="tag">``), and from the text
itself for markup debris (unrendered shortcodes) and ad labels.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from .render import Block
from .wordlists import TAG_LABEL_WORDS, alternation

__all__ = [
    "dom_votes",
    "is_shortcode_only",
    "is_ad_label",
    "in_article_content",
    "norm_text",
    "RULES",
]

# --------------------------------------------------------------------------- rule names
R_SHORTCODE = "shortcode-only"
R_CAPTION_SHORTCODE = "caption-shortcode"
R_AD_LABEL = "ad-label-text"
R_AD_CONTAINER = "ad-container-short"
R_H1 = "h1-matches-title"
R_TITLE = "title-matches-h1-or-og"
R_HEADLINE_REPEAT = "repeat-of-headline"
R_CAPTION = "caption-markup"
R_TAG = "tag-markup"
R_TAGCLOUD = "tagcloud-widget"
R_RELATED = "related-widget"
R_RELATED_STEM = "related-class-substring"  # a class/id containing "related" (related-block, td-related...)
R_RELATED_HEADING = "related-heading-section"
R_READ_ALSO = "read-also-line"
R_PREV_NEXT = "prev-next-post"
R_SHARE_TEXT = "share-buttons-text"
R_COMMENT = "comment-section"
R_COMMENT_HEADING = "comment-heading"
R_OTHER_STRONG = "boilerplate-widget"  # share, cookie, breadcrumb, menu, author box, newsletter
R_OTHER_WEAK = "site-chrome"  # nav, site header/footer, aside, .widget, #sidebar
R_SIDEBAR_ARTICLE = "sidebar-article-link"  # a linked title of another article in a sidebar widget
R_TAG_HEADING = "tag-heading-section"  # "Tags" / "Etiquetas" and the short links under it, or after "Tags:"
R_TEASER_LIST = "chrome-teaser-list"  # every line of a run of other articles' teasers in site chrome
R_DATED_TEASERS = "dated-teaser-list"  # linked titles each beside a date, in site chrome, with their dates
R_RECENT_COMMENTS = "recent-comments-widget"  # "Recent comments" (on other posts): site chrome, not this page's
R_KICKER = "category-kicker"  # a short category label in a category-classed element beside the headline

RULES = (
    R_SHORTCODE, R_CAPTION_SHORTCODE, R_AD_LABEL, R_AD_CONTAINER, R_H1, R_TITLE, R_HEADLINE_REPEAT,
    R_CAPTION, R_TAG, R_TAGCLOUD, R_RELATED, R_RELATED_STEM, R_RELATED_HEADING, R_READ_ALSO, R_COMMENT,
    R_COMMENT_HEADING, R_OTHER_STRONG, R_OTHER_WEAK, R_PREV_NEXT, R_SHARE_TEXT, R_SIDEBAR_ARTICLE,
    R_TEASER_LIST, R_TAG_HEADING, R_DATED_TEASERS, R_RECENT_COMMENTS, R_KICKER,
)
#: A sidebar line that is wholly a link of at least this many words reads as another
#: article's title ("Recent posts", "Most read"): related-link, per the label spec. The hand
#: check found such lists to be the main error of the site-chrome rule.
SIDEBAR_TITLE_MIN_WORDS = 5
SIDEBAR_TITLE_MAX_CHARS = 200
#: Teaser lists in site chrome ("A la minute", "What's hot", a mega-menu's latest stories):
#: at least TEASER_MIN_TITLES linked titles of TEASER_TITLE_MIN_WORDS+ words, each at most
#: TEASER_MAX_GAP lines after the previous one.  The lines between them (kickers, times,
#: counts) are parts of the teasers, and so are up to TEASER_MAX_GAP - 1 short lines right
#: after the last title and one short line (the list's heading or first kicker) before the
#: first.  The hand-labelled dev pages had 91 such lines labelled `other` by site-chrome.
TEASER_MIN_TITLES = 3
TEASER_TITLE_MIN_WORDS = 5
#: Headlines are longer than menu entries and documentation tables of contents: a list's
#: titles must average this many words (a sample of 15 pages at 4 words was half menus).
TEASER_MEAN_TITLE_WORDS = 6.5
TEASER_MAX_GAP = 3
TEASER_PART_MAX_WORDS = 6
#: Short-titled teaser lists ("Ensalada campera / 7 junio, 2024"): in site chrome, at least
#: DATED_MIN_TITLES linked lines each right before or after a date line (a year, a numeric date
#: or a time in at most DATE_LINE_MAX_WORDS words), each at most DATED_MAX_GAP lines after the
#: previous one.  On the 64 hand-labelled pages: 34 lines on 3 pages, all right (they were site-chrome).
DATED_MIN_TITLES = 3
DATED_MAX_GAP = 4
DATE_LINE_MAX_WORDS = 6
#: A category label beside the headline ("Santé", "Top Thema"): at most KICKER_MAX_WORDS words,
#: at most KICKER_MAX_LINES lines before or after the H1, in an element whose class or id
#: contains one of KICKER_CLASS_STEMS.
KICKER_MAX_WORDS = 4
KICKER_MAX_LINES = 3
KICKER_CLASS_STEMS = ("categor", "kicker", "rubri", "thematique", "entry-cats", "post-cats", "section-name",
                      "overline", "eyebrow", "topic-label")
#: A line holding the headline and a little more ("Home » <headline>", a breadcrumb) repeats it
#: when the headline is at least this share of the line's (normalised) characters.
HEADLINE_SHARE_OF_LINE = 0.6

# --------------------------------------------------------------------------- markup vocabularies
# All matched against WHOLE class / id tokens (lowercased).
CAPTION_CLASSES = frozenset(
    """
    wp-caption-text wp-element-caption caption wp-caption-dd gallery-caption image-caption img-caption
    photo-caption media-caption figure-caption caption-text blocks-gallery-caption
    blocks-gallery-item__caption photo-credit image-credit
    """.split()
)
CAPTION_TAGS = frozenset({"figcaption"})
TAG_CLASSES = frozenset(
    """
    tags-links tag-links entry-tags post-tags cat-links tags post-categories entry-categories article-tags
    tag-list tags-list post-tag category-links meta-tags tags-wrapper
    """.split()
)
TAG_RELS = frozenset({"rel=tag", "rel=category"})
TAGCLOUD_CLASSES = frozenset({"tagcloud", "widget_tag_cloud", "wp-block-tag-cloud", "tag-cloud"})
RELATED_CLASSES = frozenset(
    """
    jp-relatedposts yarpp yarpp-related crp_related related-posts related_posts relatedposts related-post
    related-articles related-stories related-content related rp4wp-related-posts post-navigation
    widget_recent_entries widget-recent-posts recent-posts popular-posts wpp-list most-read most-popular
    jetpack_top_posts_widget widget_top-posts related-news read-more-articles
    """.split()
)
RELATED_IDS = frozenset({"jp-relatedposts", "related-posts", "related_posts", "related", "relatedposts", "yarpp"})
COMMENT_CLASSES = frozenset(
    """
    comments-area comment-respond comment-reply-title comment-list commentlist comment-form comments-link
    comment-form-cookies-consent comments comment-content comment-body comment-meta comment-author
    comment-metadata reply no-comments logged-in-as comment-notes comment-awaiting-moderation
    wpdiscuz-comment-form wpd-thread-list
    """.split()
)
COMMENT_IDS = frozenset({"comments", "respond", "commentform", "disqus_thread", "comments-section", "wpdcom", "reply-title"})
OTHER_STRONG_CLASSES = frozenset(
    """
    breadcrumb breadcrumbs menu sharedaddy addtoany share-buttons social-share sharing-buttons a2a_kit
    shareaholic cookie-notice cookieconsent cookie-banner cookie-law author-bio author-box about-author
    newsletter skip-link sd-sharing-enabled share-links social-links social-icons social-buttons
    widget_recent_comments recentcomments recent-comments
    """.split()
)
#: Stems matched as SUBSTRINGS of class/id tokens of ordinary elements (never html/body/article/main,
#: never WordPress post-class tokens such as ``tag-cookies``): they are specific enough.
OTHER_STRONG_STEMS = ("cookie", "gdpr", "onetrust", "didomi", "tarteaucitron", "cmplz", "breadcrumb", "newsletter",
                      "sharedaddy", "addtoany", "shareaholic", "a2a_")
RELATED_STEMS = ("related", "relatedposts", "yarpp")
_POSTCLASS_PREFIXES = ("tag-", "category-", "post-", "postid-", "format-", "single-", "page-", "type-", "status-")
OTHER_STRONG_IDS = frozenset({"breadcrumbs", "breadcrumb", "cookie-law", "cookie-notice", "author-bio"})
OTHER_WEAK_TAGS = frozenset({"nav", "aside"})
OTHER_WEAK_CLASSES = frozenset({"widget", "sidebar", "site-header", "site-footer", "footer-widgets", "navbar"})
OTHER_WEAK_IDS = frozenset({"sidebar", "secondary", "masthead", "colophon", "site-header", "site-footer", "footer", "header",
                            "navigation", "nav"})
OTHER_WEAK_ROLES = frozenset({"role=navigation", "role=banner", "role=contentinfo", "role=complementary"})
ARTICLE_PART_CLASSES = frozenset({"entry-header", "post-header", "article-header", "entry-footer", "post-footer",
                                  "article-footer", "entry-meta", "post-meta"})
AD_CLASSES = frozenset(
    """
    ad ads advert adverts advertisement advertising adsbygoogle ad-slot ad-container ad-wrapper ad-unit adunit
    dfp google-ad ad-label banner-ad ad-block ad-box
    """.split()
)
CONTENT_CLASSES = frozenset(
    """
    entry-content post-content article-content article-body post-body entry-body story-body article__body
    single-content the-content td-post-content
    """.split()
)
HEADLINE_CLASSES = frozenset({"entry-title", "post-title", "article-title", "headline", "page-title", "article-headline"})
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
SECTION_TITLE_CLASSES = frozenset({"widget-title", "widgettitle", "section-title", "block-title", "jp-relatedposts-headline",
                                   "related-title", "wp-block-heading"})

# --------------------------------------------------------------------------- text patterns (compiled once)
_SC_TAG = r"\[/?([A-Za-z][\w#:.\-]*)((?:\s[^\[\]]*)?)\]"
SHORTCODE_RE = re.compile(_SC_TAG)
SHORTCODE_LINE_RE = re.compile(rf"^(?:\s*(?:{_SC_TAG}|\{{\{{[^{{}}]*\}}\}}|%%[A-Za-z_][\w-]*%%))+\s*$")
PLACEHOLDER_RE = re.compile(r"\{\{[^{}]*\}\}|%%[A-Za-z_][\w-]*%%")
KNOWN_SHORTCODES = frozenset(
    """
    ad ads adsense advert advertisement gard embed gallery caption video audio playlist toc row column
    one_half one_third two_third one_fourth button divider spacer contact-form contact-form-7 adrotate
    quads wpforms mc4wp_form shareaholic ultimatesocial ssba addtoany sharethis
    """.split()
)
CAPTION_SHORTCODE_RE = re.compile(r"^\s*\[caption\b[^\]]*\].*\[/caption\]\s*$", re.I | re.S)
AD_LABEL_TEXTS = frozenset(
    """
    advertisement|advertisements|advertising|ad|ads|sponsored|sponsored content|paid content|promoted|publicité|publicite|
    pub|anzeige|werbung|publicidad|pubblicità|pubblicita|advertentie|reklama|reklame|annons|annonse|mainos|reklam|
    реклама|広告|광고|广告|continue reading below the ad|article continues below advertisement|
    story continues below advertisement|article continues below|continue reading below|advertisement continue reading below|
    scroll to continue with content|skip advertisement|ad feedback|report this ad|close ad|la suite après cette publicité|
    la suite après la publicité|weiterlesen nach der anzeige|artikel wird unter der anzeige fortgesetzt|
    lesen sie nach der anzeige weiter|advertisement scroll to continue|sponsored links|anuncio|publicidade|passer la publicité|skip ad|skip advertisement|werbung überspringen|saltar publicidad|
    saltar anuncio|salta pubblicità|advertisement skip|publicité passer la publicité|continua depois da publicidade|
    continua após a publicidade|continúa después de la publicidad|continúa después del anuncio|
    l articolo continua dopo la pubblicità|continua a leggere dopo la pubblicità|lees verder na de advertentie|
    advertentie|pubblicità continua a leggere|publicidad sigue leyendo|sponsorisé|gesponsert|patrocinado|
    conteúdo patrocinado|contenido patrocinado|contenuto sponsorizzato
    """.replace("\n", "").split("|")
)
AD_LABEL_TEXTS = frozenset(t.strip() for t in AD_LABEL_TEXTS if t.strip())
RELATED_HEADING_RE = re.compile(
    r"^(?:"
    r"related(?: (?:articles?|posts?|stories|story|content|news|reading|links|coverage|topics))?|"
    r"you (?:may|might|will) (?:also )?(?:like|enjoy|be interested in)|"
    r"more (?:stories|articles|news|posts|from [\w ]{1,30}|on [\w ]{1,30}|in [\w ]{1,30}|to read)|"
    r"read (?:more|also|next)|recommended(?: for you| articles| stories| reading)?|"
    r"(?:most|top) (?:read|popular|viewed|shared|commented)(?: \w+)?|popular (?:posts|articles|stories|now)|"
    r"trending(?: now| stories| articles)?|latest (?:news|posts|articles|stories)|recent (?:posts|articles|stories)|"
    r"see also|further reading|also read|don t miss|up next|more like this|what to read next|"
    r"(?:à |a )?lire aussi|sur le même sujet|sur le meme sujet|articles? (?:liés|similaires|connexes|récents|recents)|"
    r"dans la même rubrique|pour approfondir|la rédaction vous conseille|nos lecteurs ont aussi lu|"
    r"vous pourriez aussi aimer|vous aimerez peut être aussi|"
    r"ces articles pourraient vous intéresser|à suivre|a suivre|à découvrir aussi|a decouvrir aussi|à voir aussi|"
    r"vous aimerez aussi|vous aimerez aussi ces articles|derniers articles|les plus lus|"
    r"ähnliche (?:artikel|beiträge|themen)|mehr zum thema|das könnte sie auch interessieren|weitere artikel|"
    r"auch interessant|lesen sie auch|meistgelesen|meistgelesene artikel|neueste artikel|verwandte artikel|"
    r"artículos relacionados|noticias relacionadas|te puede interesar|lee también|más noticias|"
    r"articoli correlati|leggi anche|potrebbe interessarti|"
    r"gerelateerde artikelen|lees ook|meer nieuws|artigos relacionados|leia também|leia mais|veja também|"
    r"powiązane artykuły|czytaj (?:też|także)|zobacz też|související články|relaterade artiklar|"
    r"relaterte artikler|relaterede artikler|læs også|les også|läs också|関連記事|相关文章|相關文章|관련 기사|"
    r"[uú]ltimas not[ií]cias|las m[aá]s le[ií]das|lo m[aá]s le[ií]do|(?:esto|tambi[eé]n) te puede interesar|"
    r"(?:as )?mais lidas|voc[eê] pode gostar|letzte (?:posts|beitr[aä]ge|artikel)|neueste beitr[aä]ge|"
    r"ultimi articoli|(?:i )?pi[uù] letti|ultime notizie|potrebbe interessarti anche|derni[eè]res (?:actualit[eé]s|nouvelles)|"
    r"voir aussi|meest gelezen|laatste nieuws|dit vind je misschien ook leuk"
    r")$"
)
COMMENT_HEADING_RE = re.compile(
    r"^(?:"
    r"(?:\d+ )?(?:comments?|responses?|replies)(?: to [\w\W]{1,120})?|leave a (?:reply|comment)|post a comment|"
    r"join the discussion|add a comment|write a comment|"
    r"(?:\d+ )?commentaires?|laisser un commentaire|laissez un commentaire|ajouter un commentaire|"
    r"aucun commentaire|réagissez|(?:\d+ )?kommentare?|schreibe einen kommentar|kommentar schreiben|"
    r"hinterlasse einen kommentar|(?:\d+ )?comentarios?|deja un comentario|dejar un comentario|"
    r"(?:\d+ )?commenti|lascia un commento|(?:\d+ )?reacties?|laat een reactie achter|"
    r"deixe um comentário|(?:\d+ )?komentarze?|dodaj komentarz|コメント|评论|댓글"
    r")$"
)
#: A line that is only a tag-list label ("Tags", "Etiquetas:", "Mots-clés"): it and the
#: short links under it are the article's tags (outside sidebars, where a "Categories"
#: widget lists the whole site's sections).
TAG_HEADING_RE = re.compile(r"^" + alternation(TAG_LABEL_WORDS) + r"$")
#: "Tags: a, b, c" on one line: the label, then mostly linked names.
TAG_PREFIX_RE = re.compile(r"^\W*" + alternation(TAG_LABEL_WORDS) + r"\s*:\s*", re.I)
TAG_ITEM_MAX_WORDS = 5
#: Related titles that are as often a teaser's link or a menu entry: they label their own line only.
WEAK_RELATED_HEADING_RE = re.compile(r"^(?:read (?:more|next)|see more|trending|latest|popular|recent|most)\b")
READ_ALSO_RE = re.compile(
    r"^\s*(?:read (?:also|more|next)|see also|also read|related|(?:à |a )?lire aussi|lire la suite|voir aussi|"
    r"lesen sie auch|mehr zum thema|auch interessant|lee también|leer más|leggi anche|lees ook|leia também|"
    r"czytaj też|czytaj także)(?:\s*[:：»>-]|\s+\S)",
    re.I,
)
PREV_NEXT_RE = re.compile(
    r"^(?:previous|next|prev|older|newer) (?:post|article|story|entry)|^(?:article|billet) (?:précédent|suivant)|"
    r"^(?:vorheriger|nächster) (?:artikel|beitrag)|^(?:artículo|entrada) (?:anterior|siguiente)|"
    r"^articolo (?:precedente|successivo)|^(?:vorig|volgend) artikel"
)
SOCIAL_WORDS_RE = re.compile(
    r"facebook|twitter|whatsapp|pinterest|linkedin|e-?mail|print|imprimer|drucken|reddit|telegram|tumblr|xing|"
    r"messenger|copy link|copier le lien|link kopieren|share|shares|partager|partagez|teilen|compartir|condividi|"
    r"delen|tweet|pin it|flipboard|pocket|mastodon|threads|bluesky|sms|mail|google|vk|line|weibo|wechat|on|this|"
    r"article|cet|sur|auf|via|x|0|\d+",
    re.I,
)
COMMENT_COUNT_RE = re.compile(
    r"^(?:(?:read|view|show|see|lire|voir|afficher|alle) (?:all |the |les |tous les )?)?\d+ (?:more |autres )?"
    r"(?:comments?|commentaires?|kommentare?|comentarios?|commenti|reacties|komentarzy|komentáře|responses|replies)"
    r"(?: anzeigen| lesen)?$"
)
#: "Recent comments" widgets list comments on OTHER posts with their authors: site chrome.
RECENT_COMMENTS_HEADING_RE = re.compile(
    r"^(?:recent comments|latest comments|letzte kommentare|neueste kommentare|derniers commentaires|"
    r"commentaires r[eé]cents|[uú]ltimos comentarios|comentarios recientes|commenti recenti|ultimi commenti|"
    r"coment[aá]rios recentes|[uú]ltimos coment[aá]rios|recente reacties|laatste reacties|ostatnie komentarze)$"
)
#: A date or time on its own short line: a year, a numeric date, a clock time (any language).
DATE_LIKE_RE = re.compile(r"\b(?:19|20)\d{2}\b|\b\d{1,2}[./-]\d{1,2}(?:[./-]\d{2,4})?\b|\b\d{1,2}:\d{2}\b")
#: A price: product boxes and deals are not articles ("9,90 EUR", "€ 219", "$19.99").
PRICE_RE = re.compile(r"\d[\d.,]*\s?(?:€|eur\b|euro\b|\$|usd\b|£|chf\b)|(?:€|\$|£)\s?\d", re.I)
_NON_WORD = re.compile(r"[\W_]+", re.U)
_SECTION_MAX_BLOCKS = 30


def norm_text(s: str) -> str:
    """Casefold, turn every run of punctuation/space into one space: for equality tests."""
    return _NON_WORD.sub(" ", s.casefold()).strip()


def _shortcode_ok(name: str, rest: str, raw: str) -> bool:
    if raw.startswith("[/"):
        return True
    if "=" in rest:
        return True
    if any(c in name for c in "_#-") or any(c.isdigit() for c in name):
        return True
    return name.lower() in KNOWN_SHORTCODES


def is_shortcode_only(text: str) -> bool:
    """True when the line is nothing but unrendered shortcodes / template placeholders.

    ``[GARD align= »center »]``, ``[wp_ad_camp_4][wp_ad_camp_4]``, ``[/embed]``, ``{{ad_slot}}``,
    ``%%AD%%``; not ``[1]``, ``[Update]``, ``[Photo]`` (no attributes, no ``_#-``/digit in the name,
    not a known shortcode name).
    """
    if not text or not SHORTCODE_LINE_RE.match(text):
        return False
    for m in SHORTCODE_RE.finditer(text):
        if not _shortcode_ok(m.group(1), m.group(2) or "", m.group(0)):
            return False
    return True


def is_ad_label(text: str) -> bool:
    """True for a line that is only an ad label: 'Advertisement', 'Publicité', 'Anzeige'..."""
    if len(text) > 60:
        return False
    n = text.casefold().strip(" \t-–—:·•|*()[]")
    n = re.sub(r"\s+", " ", n)
    return n in AD_LABEL_TEXTS or norm_text(text) in AD_LABEL_TEXTS


# --------------------------------------------------------------------------- context parsing


@lru_cache(maxsize=4096)
def _elements(context: tuple[str, ...]) -> tuple[tuple[str, frozenset, frozenset, frozenset], ...]:
    """Split a flat context into (tag, ids, classes, attr tokens) per element."""
    out = []
    tag = None
    ids: set = set()
    classes: set = set()
    attrs: set = set()
    for tok in context:
        if not _is_bare_tag(tok):
            if tag is None:
                continue
            if tok.startswith(tag) and len(tok) > len(tag) and tok[len(tag)] in "#.":
                if tok[len(tag)] == "#":
                    ids.add(tok[len(tag) + 1 :])
                else:
                    classes.add(tok[len(tag) + 1 :])
            elif "=" in tok:
                attrs.add(tok)
            continue
        if tag is not None:
            out.append((tag, frozenset(ids), frozenset(classes), frozenset(attrs)))
        tag, ids, classes, attrs = tok, set(), set(), set()
    if tag is not None:
        out.append((tag, frozenset(ids), frozenset(classes), frozenset(attrs)))
    return tuple(out)


@lru_cache(maxsize=4096)
def _starts(context: tuple[str, ...]) -> tuple[int, ...]:
    """Index in ``context`` where each element's tokens start (same order as :func:`_elements`)."""
    return tuple(i for i, tok in enumerate(context) if _is_bare_tag(tok))


def _is_bare_tag(tok: str) -> bool:
    return "." not in tok and "#" not in tok and "=" not in tok


def _inline_sets(inline: tuple[str, ...]) -> tuple[set, set, set]:
    tags, classes, attrs = set(), set(), set()
    for tok in inline:
        if tok.split("=", 1)[0] in ("rel", "role", "itemprop") and "=" in tok:
            attrs.add(tok)
        elif "." in tok:
            classes.add(tok.split(".", 1)[1])
        elif "#" not in tok:
            tags.add(tok)
    return tags, classes, attrs


def in_article_content(block: Block) -> bool:
    """True when the block sits inside ``<article>``, ``<main>`` or an article-body container."""
    return bool(_context_evidence(block.context)[1] & _F_CONTENT)


class _Evidence:
    __slots__ = ("specific", "weak_other", "in_article", "in_content", "ad_container", "article_part")

    def __init__(self):
        self.specific: dict[str, str] = {}  # label -> rule
        self.weak_other = False
        self.in_article = False
        self.in_content = False
        self.ad_container = False
        self.article_part = False


def _stem_hit(tokens, stems=OTHER_STRONG_STEMS) -> bool:
    for t in tokens:
        if t.startswith(_POSTCLASS_PREFIXES):
            continue
        if any(s in t for s in stems):
            return True
    return False


_F_ARTICLE, _F_CONTENT, _F_PART, _F_AD, _F_WEAK = 1, 2, 4, 8, 16


@lru_cache(maxsize=65536)
def _elem_evidence(tag: str, ids: frozenset, classes: frozenset, attrs: frozenset) -> tuple[tuple, int]:
    """Evidence one ancestor element gives: ((label, rule), ...) and a bitmask of flags."""
    spec = []
    flags = 0
    if tag in ("html", "body"):
        return (), 0
    if tag == "article" or "itemprop=articlebody" in attrs:
        flags |= _F_ARTICLE
    if tag in ("article", "main") or classes & CONTENT_CLASSES or "itemprop=articlebody" in attrs:
        flags |= _F_CONTENT
    if classes & ARTICLE_PART_CLASSES:
        flags |= _F_PART
    if tag in CAPTION_TAGS or classes & CAPTION_CLASSES:
        spec.append(("caption", R_CAPTION))
    if classes & TAG_CLASSES or attrs & TAG_RELS:
        spec.append(("tag", R_TAG))
    if classes & TAGCLOUD_CLASSES:
        spec.append(("other", R_TAGCLOUD))
    if classes & RELATED_CLASSES or ids & RELATED_IDS:
        spec.append(("related-link", R_RELATED))
    elif tag not in ("article", "main") and (_stem_hit(classes, RELATED_STEMS) or _stem_hit(ids, RELATED_STEMS)):
        spec.append(("related-link", R_RELATED_STEM))
    if classes & COMMENT_CLASSES or ids & COMMENT_IDS:
        spec.append(("comment widget", R_COMMENT))
    if classes & AD_CLASSES or ids & AD_CLASSES or any(i.startswith("div-gpt-ad") for i in ids):
        flags |= _F_AD
    if tag in ("article", "main"):
        return tuple(spec), flags  # their classes are post classes (tag-foo, category-bar)
    if (
        classes & OTHER_STRONG_CLASSES
        or ids & OTHER_STRONG_IDS
        or any(i.startswith(("onetrust", "didomi", "tarteaucitron", "cmplz")) for i in ids)
        or _stem_hit(classes)
        or _stem_hit(ids)
    ):
        spec.append(("other", R_OTHER_STRONG))
    if (
        tag in OTHER_WEAK_TAGS
        or classes & OTHER_WEAK_CLASSES
        or ids & OTHER_WEAK_IDS
        or attrs & OTHER_WEAK_ROLES
        or (tag in ("header", "footer") and not (classes & ARTICLE_PART_CLASSES))
    ):
        flags |= _F_WEAK
    return tuple(spec), flags


@lru_cache(maxsize=16384)
def _context_evidence(context: tuple[str, ...]) -> tuple[tuple, int]:
    """Evidence of a whole ancestor chain (outermost first: the outermost rule name is kept)."""
    spec: dict = {}
    flags = 0
    for e in _elements(context):
        s, f = _elem_evidence(*e)
        flags |= f
        for lab, rule in s:
            spec.setdefault(lab, rule)
    return tuple(spec.items()), flags


def _from_article(context: tuple[str, ...]) -> tuple[str, ...]:
    """The context from the outermost ``<article>`` element inward (all of it when there is none)."""
    for start, (tag, *_rest) in zip(_starts(context), _elements(context)):
        if tag == "article":
            return context[start:]
    return context


def _evidence(block: Block, from_article: bool = False) -> _Evidence:
    """What the block's ancestors and covering inline elements say.

    ``from_article``: ignore the ancestors of the outermost ``<article>``. For the main
    article's lines: a page container above the article cannot make the article's text site
    chrome (one dev page's whole article sat in an unclosed ``<aside id="popup-newsletter">``).
    """
    ev = _Evidence()
    spec, flags = _context_evidence(_from_article(block.context) if from_article else block.context)
    ev.specific = dict(spec)
    ev.in_article = bool(flags & _F_ARTICLE)
    ev.in_content = bool(flags & _F_CONTENT)
    ev.article_part = bool(flags & _F_PART)
    ev.ad_container = bool(flags & _F_AD)
    ev.weak_other = bool(flags & _F_WEAK)
    # Inline elements covering most of the line.
    if block.inline:
        itags, iclasses, iattrs = _inline_sets(block.inline)
        if iattrs & TAG_RELS or iclasses & TAG_CLASSES:
            ev.specific.setdefault("tag", R_TAG)
        if iclasses & CAPTION_CLASSES:
            ev.specific.setdefault("caption", R_CAPTION)
        if iclasses & COMMENT_CLASSES:
            ev.specific.setdefault("comment widget", R_COMMENT)
        if iclasses & {"skip-link", "screen-reader-shortcut"}:
            ev.specific.setdefault("other", R_OTHER_STRONG)
    return ev


def _resolve(specific: dict[str, str]) -> tuple[str, str] | None:
    """One label from the specific evidence in a block's ancestry, or None on conflict."""
    if not specific:
        return None
    labels = set(specific)
    if len(labels) == 1:
        lab = next(iter(labels))
        return lab, specific[lab]
    if "related-link" in labels and "comment widget" not in labels:
        # anything inside a teaser of another article (its photo credit, its category) is related-link
        return "related-link", specific["related-link"]
    if "comment widget" in labels and labels <= {"comment widget", "other"}:
        # e.g. the comment form's cookie-consent checkbox
        return "comment widget", specific["comment widget"]
    if labels == {"tag", "other"} and specific["other"] == R_TAGCLOUD:
        return "other", R_TAGCLOUD
    return None


# --------------------------------------------------------------------------- headline


def _headline_candidates(meta: dict | None, blocks: list[Block]) -> list[str]:
    cands = []
    if meta:
        for k in ("og_title", "twitter_title"):
            if meta.get(k):
                cands.append(norm_text(meta[k]))
    return [c for c in cands if c]


_TITLE_SEP_RE = re.compile(r"\s+[-–—|:·•»~/]+\s+|\s*[|•·»]\s*|\s*::\s*")


def _title_segments(raw_title: str) -> list[str]:
    return [norm_text(x) for x in _TITLE_SEP_RE.split(raw_title) if norm_text(x)]


def _matches(h: str, cands: list[str], title_raw: str | None, site_name: str | None) -> bool:
    """Does heading text ``h`` (normed) name the page's article (not the site)?

    Equal to ``og:title``/``twitter:title`` (or nearly: one contains the other, >= 60% of its
    length), or equal to the ``<title>``, or equal to its first segment in "Headline - Site".
    A heading equal to ``og:site_name``, or matching only a later segment of the title
    ("Garden News - <Site>"), is the site's name, not a headline.
    """
    if not h:
        return False
    if site_name and h == site_name and h not in cands:
        return False
    for c in cands:
        if h == c or (len(h) >= 12 and (h in c or c in h) and min(len(h), len(c)) >= 0.6 * max(len(h), len(c))):
            return True
    if title_raw:
        title = norm_text(title_raw)
        if h == title:
            return True
        segs = _title_segments(title_raw)
        if len(segs) >= 2:
            if h == segs[0] or (len(segs[0]) >= 12 and segs[0] in h and len(segs[0]) >= 0.6 * len(h)):
                return True
            # "Site | Headline": only when the first segment is known to be the site's name
            if site_name and segs[0] == site_name and h in segs[1:]:
                return True
            # a headline that itself contains a separator ("A - B - Site")
            if len(h) >= 12 and title.startswith(h) and h != segs[-1]:
                return True
    return False


# --------------------------------------------------------------------------- main entry


def dom_votes(blocks: list[Block], meta: dict | None = None) -> list[tuple[str, str] | None]:
    """Per block, ``(label, rule_name)`` from DOM evidence, or None when the DOM says nothing.

    ``meta`` is ``training.render.page_meta``'s dict (for ``og:title``); without it the
    headline rules use the ``<title>`` line only.
    """
    n = len(blocks)
    votes: list[tuple[str, str] | None] = [None] * n
    if not n:
        return votes
    evs = [_evidence(b) for b in blocks]

    # ---- main article: the one holding the headline, or the only one
    title_idx = 0 if blocks[0].tag == "title" else None
    title_raw = blocks[0].text if title_idx is not None else None
    title_norm = norm_text(title_raw) if title_raw else None
    cands = _headline_candidates(meta, blocks)
    site_name = norm_text(meta["site_name"]) if meta and meta.get("site_name") else None
    headline_idx = []
    for i, b in enumerate(blocks):
        if i == title_idx:
            continue
        is_h = b.tag == "h1"
        if not is_h and b.tag in HEADING_TAGS:
            for tag, ids, classes, attrs in _elements(b.context)[-1:]:
                if classes & HEADLINE_CLASSES or "itemprop=headline" in attrs:
                    is_h = True
        if is_h and _matches(norm_text(b.text), cands, title_raw, site_name):
            headline_idx.append(i)
    articles = {b.article for b in blocks if b.article >= 0}
    main_article = None
    if headline_idx and blocks[headline_idx[0]].article >= 0:
        main_article = blocks[headline_idx[0]].article
    elif len(articles) == 1:
        main_article = next(iter(articles))
    multi_article = len(articles) >= 2
    if main_article is not None:
        evs = [_evidence(b, from_article=True) if b.article == main_article else ev for b, ev in zip(blocks, evs)]

    headline_texts = {norm_text(blocks[i].text) for i in headline_idx}
    headline_texts.discard("")

    # ---- section headings (related / comments) and the sections they open
    section: dict[int, tuple[str, str]] = {}
    for i, b in enumerate(blocks):
        if len(b.text) > 80:
            continue
        last = _elements(b.context)[-1]
        is_heading = b.tag in HEADING_TAGS or bool(last[2] & SECTION_TITLE_CLASSES)
        t = norm_text(b.text)
        if RECENT_COMMENTS_HEADING_RE.match(t):
            section[i] = ("other", R_RECENT_COMMENTS)
            for j in _section_after(blocks, i):
                section.setdefault(j, ("other", R_RECENT_COMMENTS))
        elif RELATED_HEADING_RE.match(t):  # the whole line is a related-section title, whatever its tag
            if _in_menu(b):
                continue  # "Trending" / "More" entries of a navigation menu
            section[i] = ("related-link", R_RELATED_HEADING)
            if not WEAK_RELATED_HEADING_RE.match(t):
                for j in _section_after(blocks, i):
                    section.setdefault(j, ("related-link", R_RELATED_HEADING))
        elif (is_heading and COMMENT_HEADING_RE.match(t)) or COMMENT_COUNT_RE.match(t):
            section[i] = ("comment widget", R_COMMENT_HEADING)
        elif TAG_HEADING_RE.match(t) and not _in_sidebar(evs[i]) and not _in_menu(b) and not _in_nav_like(b):
            section[i] = ("tag", R_TAG_HEADING)
            for j in _section_after(blocks, i, max_words=TAG_ITEM_MAX_WORDS):
                section.setdefault(j, ("tag", R_TAG_HEADING))
    for i, b in enumerate(blocks):  # "Tags: a, b, c"
        m = TAG_PREFIX_RE.match(b.text)
        if (m and i not in section and len(b.text) <= 300 and m.end() < len(b.text)
                and b.link_chars >= 0.6 * (len(b.text) - m.end())
                and not _in_sidebar(evs[i])):
            section[i] = ("tag", R_TAG_HEADING)
    if headline_idx:
        for i in _kickers(blocks, headline_idx[0], evs):
            section.setdefault(i, ("tag", R_KICKER))

    for i, b in enumerate(blocks):
        text = b.text
        ev = evs[i]
        if is_shortcode_only(text):
            votes[i] = ("ad shortcode", R_SHORTCODE)
            continue
        if CAPTION_SHORTCODE_RE.match(text):
            votes[i] = ("caption", R_CAPTION_SHORTCODE)
            continue
        # A line that is wholly a link ("Advertising" in a footer) points to the advertise-with-us
        # page: site navigation, not an ad slot (hand check: 3 of 8 sampled ad labels were these).
        if (is_ad_label(text) and b.link_chars < len(text)
                and not ({"comment widget", "related-link"} & set(ev.specific))):
            votes[i] = ("ad shortcode", R_AD_LABEL)
            continue
        specific = dict(ev.specific)
        if i in section:
            lab, rule = section[i]
            specific.setdefault(lab, rule)
        if multi_article and b.article >= 0 and b.article != main_article:
            # teaser cards of a listing: their categories / photo credits are not this page's
            specific.pop("tag", None)
            specific.pop("caption", None)
        # headline
        is_headline = None
        if i == title_idx:
            if headline_texts and any(h in title_norm for h in headline_texts if len(h) >= 8 or h == title_norm):
                is_headline = R_TITLE
            elif cands and any(c and (c in title_norm or title_norm in c) and len(c) >= 8 for c in cands):
                is_headline = R_TITLE
        elif i in headline_idx:
            is_headline = R_H1
        elif headline_texts and len(text) >= 15 and _repeats_headline(norm_text(text), headline_texts):
            is_headline = R_HEADLINE_REPEAT
        if is_headline:
            if {"related-link", "comment widget"} & set(specific):
                votes[i] = None
            else:
                votes[i] = ("headline", is_headline)
            continue
        if i == title_idx:
            continue  # a title that does not match the article's heading: no evidence
        res = _resolve(specific)
        if res is None and specific:
            continue  # conflicting evidence: masked
        if res is not None:
            votes[i] = res
            continue
        if READ_ALSO_RE.match(text) and b.link_chars * 2 >= len(text):
            votes[i] = ("related-link", R_READ_ALSO)
            continue
        nt = norm_text(text)
        if len(text) <= 200 and PREV_NEXT_RE.match(nt):
            if b.link_chars * 2 >= len(text) or len(nt.split()) <= 3:
                votes[i] = ("related-link", R_PREV_NEXT)
                # "Next post" alone on its line: the linked title that follows is the pointer
                nxt = i + 1
                if len(nt.split()) <= 3 and nxt < n and len(blocks[nxt].text) <= 150 and \
                        blocks[nxt].link_chars * 2 >= len(blocks[nxt].text) and not evs[nxt].specific:
                    section.setdefault(nxt, ("related-link", R_PREV_NEXT))
                continue
        if _is_share_text(text):
            votes[i] = ("other", R_SHARE_TEXT)
            continue
        if ev.ad_container and len(text.split()) <= 6:
            votes[i] = ("ad shortcode", R_AD_CONTAINER)
            continue
        if ev.weak_other and not ev.in_article and not ev.article_part:
            if _is_sidebar_article_title(b):
                votes[i] = ("related-link", R_SIDEBAR_ARTICLE)
            else:
                votes[i] = ("other", R_OTHER_WEAK)
    return _teaser_lists(blocks, votes)


_CHROME_RULES = frozenset({R_OTHER_WEAK, R_SIDEBAR_ARTICLE})


def _repeats_headline(nt: str, headline_texts: set[str]) -> bool:
    """The (normalised) line is the headline, or holds it as most of its characters."""
    if nt in headline_texts:
        return True
    return any(len(h) >= 15 and h in nt and len(h) >= HEADLINE_SHARE_OF_LINE * len(nt) for h in headline_texts)


def _kickers(blocks: list[Block], h1: int, evs: list["_Evidence"]) -> list[int]:
    """Short category labels within KICKER_MAX_LINES lines of the H1, in category-classed elements.

    Not dates, not in menus or sidebars (a menu's "Recipes" entry, a teaser list's kickers).
    """
    out = []
    for i in range(max(0, h1 - KICKER_MAX_LINES), min(len(blocks), h1 + KICKER_MAX_LINES + 1)):
        b = blocks[i]
        if i == h1 or b.tag == "title" or not 0 < _n_words(b.text) <= KICKER_MAX_WORDS or len(b.text) > 40:
            continue
        if DATE_LIKE_RE.search(b.text) or _in_menu(b) or _in_nav_like(b) or _in_sidebar(evs[i]):
            continue
        tokens = [t for _, ids, classes, _ in _elements(b.context)[-3:] for t in (*ids, *classes)]
        tokens += [t.split(".", 1)[1] for t in b.inline if "." in t]
        if any(stem in t for t in tokens for stem in KICKER_CLASS_STEMS):
            out.append(i)
    return out


def _linked_title(block: Block) -> bool:
    """Mostly a link, short enough for a title, not a priced product, not in a footer."""
    text = block.text
    return (len(text) <= SIDEBAR_TITLE_MAX_CHARS and block.link_chars >= 0.6 * len(text)
            and not PRICE_RE.search(text) and not _in_footer(block))


def _is_teaser_title(block: Block) -> bool:
    return _linked_title(block) and _n_words(block.text) >= TEASER_TITLE_MIN_WORDS and not _in_menu(block)


def _is_date_line(block: Block) -> bool:
    return _n_words(block.text) <= DATE_LINE_MAX_WORDS and len(block.text) <= 60 and bool(DATE_LIKE_RE.search(block.text))


def _is_short_title(block: Block) -> bool:
    """A linked line that may be a teaser's title when a date sits beside it."""
    return (_linked_title(block) and _n_words(block.text) >= 2 and not _is_date_line(block)
            and not _in_nav(block))


def _dated_titles(blocks: list[Block], chrome: list[bool]) -> list[list[int]]:
    """Clusters of chrome lines (titles and their dates) that form dated teaser lists."""
    items = []  # (title, date)
    for k in range(len(blocks)):
        if not chrome[k] or not _is_short_title(blocks[k]):
            continue
        for d in (k + 1, k - 1):
            if 0 <= d < len(blocks) and chrome[d] and _is_date_line(blocks[d]):
                items.append((k, d))
                break
    clusters: list[list[tuple[int, int]]] = []
    for it in items:
        if clusters and it[0] - clusters[-1][-1][0] <= DATED_MAX_GAP:
            clusters[-1].append(it)
        else:
            clusters.append([it])
    return [sorted({k for it in cl for k in it}) for cl in clusters if len(cl) >= DATED_MIN_TITLES]


def _n_words(text: str) -> int:
    """Whitespace-separated tokens holding a letter ("2020 | Jane Doe" has two)."""
    return sum(1 for w in text.split() if any(c.isalpha() for c in w))


def _teaser_lists(blocks: list[Block], votes: list) -> list:
    """Relabel the site-chrome lines of teaser lists as related-link (returns a new list).

    Works on runs of consecutive lines voted site-chrome or sidebar-article-link; inside a run,
    titles (see :func:`_is_teaser_title`) at most ``TEASER_MAX_GAP`` lines apart form a list.
    """
    out = list(votes)
    n = len(blocks)
    chrome = [v is not None and v[1] in _CHROME_RULES for v in votes]
    i = 0
    while i < n:
        if not chrome[i]:
            i += 1
            continue
        j = i
        while j < n and chrome[j]:
            j += 1
        cand = [k for k in range(i, j) if _is_teaser_title(blocks[k])]
        seen = Counter(blocks[k].text for k in cand)
        titles = [k for k in cand if seen[blocks[k].text] == 1]  # repeated entries: a menu
        clusters: list[list[int]] = []
        for k in titles:
            if clusters and k - clusters[-1][-1] <= TEASER_MAX_GAP:
                clusters[-1].append(k)
            else:
                clusters.append([k])
        for cl in clusters:
            words = [_n_words(blocks[k].text) for k in cl]
            if len(cl) < TEASER_MIN_TITLES or sum(words) < TEASER_MEAN_TITLE_WORDS * len(cl):
                continue
            for k in _teaser_span(blocks, cl, i, j):
                out[k] = ("related-link", R_TEASER_LIST)
        i = j
    # Dated lists: their excerpts often carry no vote and split the chrome runs, so the titles
    # and dates are looked for among all chrome lines; only chrome lines are relabelled.
    for cl in _dated_titles(blocks, chrome):
        first = cl[0] - 1 if cl[0] >= 1 and chrome[cl[0] - 1] and _short(blocks[cl[0] - 1]) else cl[0]
        for k in range(first, cl[-1] + 1):
            if chrome[k] and out[k][1] in _CHROME_RULES:
                out[k] = ("related-link", R_DATED_TEASERS)
    return out


def _teaser_span(blocks: list[Block], titles: list[int], lo: int, hi: int) -> range:
    """The lines of a teaser list: from its heading to the last item's last part.

    Items repeat a shape (time, title, kicker): a line before the first title or after the
    last one is a part of an item when it has the same DOM context as the line one item
    (``gap`` lines) further in; one more short line before the list is its heading.
    """
    gap = max(b - a for a, b in zip(titles, titles[1:]))
    first, last = titles[0], titles[-1]
    while first - 1 >= lo and titles[0] - (first - 1) < gap and first - 1 + gap < hi \
            and blocks[first - 1].context == blocks[first - 1 + gap].context and _short(blocks[first - 1]):
        first -= 1
    if first - 1 >= lo and _short(blocks[first - 1]):
        first -= 1  # the list's heading
    while last + 1 < hi and last + 1 - titles[-1] < gap \
            and blocks[last + 1].context == blocks[last + 1 - gap].context and _short(blocks[last + 1]):
        last += 1
    return range(first, last + 1)


def _short(block: Block) -> bool:
    return _n_words(block.text) <= TEASER_PART_MAX_WORDS and not _in_footer(block)


def _in_sidebar(ev: "_Evidence") -> bool:
    """In generic site chrome (aside, .widget, #sidebar...) and not inside an article."""
    return ev.weak_other and not ev.in_article


def _in_footer(block: Block) -> bool:
    return any(tag == "footer" or "footer" in classes or "footer" in ids
               for tag, ids, classes, _ in _elements(block.context))


def _is_sidebar_article_title(block: Block) -> bool:
    """A long, wholly linked line outside menus, site headers and footers."""
    text = block.text
    if len(text) > SIDEBAR_TITLE_MAX_CHARS or block.link_chars < 0.9 * len(text):
        return False
    if len(text.split()) < SIDEBAR_TITLE_MIN_WORDS or _in_menu(block):
        return False
    return not _in_footer(block)


_NAV_PARTS = frozenset({"menu", "nav", "navbar", "navigation", "megamenu", "submenu", "menubar"})


def _in_nav_like(block: Block) -> bool:
    """A class or id with a ``-``/``_`` separated part naming a menu (``c-site-nav__list``, ``menu-main``)."""
    for _, ids, classes, _ in _elements(block.context):
        for t in (*ids, *classes):
            if _NAV_PARTS & set(re.split(r"[-_]+", t)):
                return True
    return False


def _in_nav(block: Block) -> bool:
    """Inside ``nav``, a ``.menu`` or an ARIA navigation/menu (not any ``header``: teaser cards have one)."""
    for tag, _, classes, attrs in _elements(block.context):
        if tag == "nav" or "menu" in classes or attrs & {"role=navigation", "role=menu", "role=menubar"}:
            return True
    return False


def _in_menu(block: Block) -> bool:
    """Inside :func:`_in_nav`'s containers, a site ``header`` or an ARIA banner."""
    return _in_nav(block) or any(
        "role=banner" in attrs or (tag == "header" and not classes & ARTICLE_PART_CLASSES)
        for tag, _, classes, attrs in _elements(block.context))


def _is_share_text(text: str) -> bool:
    """A line of share buttons: 'Partager FacebookTwitterWhatsAppPinterestImprimer'."""
    if len(text) > 160 or not re.search(r"facebook|twitter|whatsapp|pinterest|linkedin", text, re.I):
        return False
    rest = SOCIAL_WORDS_RE.sub("", text)
    rest = _NON_WORD.sub("", rest)
    return len(rest) <= 0.15 * len(text)


def _section_after(blocks: list[Block], i: int, max_words: int | None = None) -> list[int]:
    """Blocks after heading ``i`` that share its parent (or grandparent) element.

    Accepted only when the run is short (<= 30 blocks), holds no H1 and is mostly links, as a
    list of other articles is (and, with ``max_words``, every line has at most that many
    words, as a list of tags does); otherwise nothing (the heading alone is labelled).
    """
    elems = _elements(blocks[i].context)
    # the heading is the container's own text ("<div>Tags<ul><li>..."): its descendants
    own = blocks[i].context
    run = []
    for j in range(i + 1, min(len(blocks), i + 1 + _SECTION_MAX_BLOCKS + 1)):
        if blocks[j].context[:len(own)] != own:
            break
        run.append(j)
    if run and len(run) <= _SECTION_MAX_BLOCKS and _list_like(blocks, run, max_words):
        return run
    for up in (1, 2):
        if len(elems) <= up + 2:
            break
        prefix_elems = elems[:-up]
        prefix_len = _starts(blocks[i].context)[len(elems) - up]
        prefix = blocks[i].context[:prefix_len]
        if prefix_elems[-1][0] in ("body", "html", "main", "article") or prefix_elems[-1][2] & CONTENT_CLASSES:
            break
        run = []
        for j in range(i + 1, len(blocks)):
            b = blocks[j]
            if b.context[:prefix_len] != prefix:
                break
            if b.tag in ("h1", "h2") and not RELATED_HEADING_RE.match(norm_text(b.text)):
                break
            run.append(j)
            if len(run) > _SECTION_MAX_BLOCKS:
                return []
        if not run:
            continue
        return run if _list_like(blocks, run, max_words) else []
    return []


def _list_like(blocks: list[Block], run: list[int], max_words: int | None) -> bool:
    """No H1, mostly links, and (with ``max_words``) every line at most that many words."""
    if any(blocks[j].tag == "h1" for j in run):
        return False
    if max_words is not None and any(len(blocks[j].text.split()) > max_words for j in run):
        return False
    linky = sum(1 for j in run if blocks[j].link_chars * 2 >= len(blocks[j].text))
    return linky * 2 >= len(run)
