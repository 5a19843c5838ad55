"""DOM-evidence votes (training.dom_rules) on hand-written HTML."""

from pathlib import Path

import pytest

pytest.importorskip("lxml")

from boilerline.training.dom_rules import dom_votes, is_ad_label, is_shortcode_only  # noqa: E402
from boilerline.training.render import render_page  # noqa: E402

FIX = Path(__file__).parent / "fixtures"


def votes_of(html, style="blocks"):
    blocks, meta = render_page(html, style=style)
    return {b.text: v for b, v in zip(blocks, dom_votes(blocks, meta))}


def label(v):
    return v[0] if v else None


@pytest.fixture(scope="module")
def fr():
    return votes_of((FIX / "wp_article_fr.html").read_bytes())


@pytest.fixture(scope="module")
def de():
    return votes_of((FIX / "news_de.html").read_bytes())


@pytest.mark.parametrize(
    "line",
    ["[GARD align= »center »]", "[wp_ad_camp_4][wp_ad_camp_4][wp_ad_camp_4]", "[ad#ad-2]", "[adsense]", "[vc_row]",
     '[contact-form-7 id="1"]', "[/embed]", "{{ad_slot}}", "%%AD%%", ' [GARD align="center"]  [/GARD] '],
)
def test_shortcode_only_lines(line):
    assert is_shortcode_only(line)


@pytest.mark.parametrize(
    "line",
    ["[1]", "[Update]", "[Photo]", "[…]", "Text [ad_1]", '[GARD align= »center »] C’est une autre bonne nouvelle', "",
     "[caption id=\"x\"]A photo[/caption]"],
)
def test_not_shortcode_only(line):
    assert not is_shortcode_only(line)


@pytest.mark.parametrize("line", ["Advertisement", "PUBLICITÉ", "Anzeige", "- Sponsored -", "Werbung",
                                  "Continue reading below the ad"])
def test_ad_labels(line):
    assert is_ad_label(line)


@pytest.mark.parametrize("line", ["Advertisement rates for 2021 are listed below", "Ads are bad", "Pubs in London"])
def test_not_ad_labels(line):
    assert not is_ad_label(line)


def test_headlines(fr):
    assert fr["Les abeilles du quartier reviennent au printemps - Le Petit Jardinier"] == ("headline", "title-matches-h1-or-og")
    assert label(fr["Les abeilles du quartier reviennent au printemps"]) == "headline"


def test_shortcode_and_caption(fr):
    assert fr["[GARD align= »center »]"] == ("ad shortcode", "shortcode-only")
    assert fr["Une ruche en bois au fond du jardin"] == ("caption", "caption-markup")
    assert label(fr["Photo : Jeanne Martin"]) == "caption"


def test_article_text_gets_no_dom_vote(fr):
    assert fr["Depuis quelques semaines, les habitants voient de nouveau des abeilles butiner les fleurs des balcons. "
              "Le phénomène réjouit les apiculteurs amateurs."] is None
    assert fr["Comment les aider"] is None
    assert fr["Publié le 3 mai 2021 par Jeanne Martin"] is None  # entry-header: not site chrome


def test_tags_related_comments(fr):
    assert label(fr["Mots-clés : abeillesprintemps"]) == "tag"
    assert label(fr["Articles similaires"]) == "related-link"
    assert label(fr["Tailler les rosiers en mars"]) == "related-link"
    assert label(fr["À lire aussi : Le compost en appartement"]) == "related-link"
    for line in ("2 commentaires", "Super article, merci !", "Laisser un commentaire",
                 "Votre adresse e-mail ne sera pas publiée.", "Nom"):
        assert label(fr[line]) == "comment widget", line


def test_site_chrome_and_widgets(fr):
    for line in ("Accueil", "Partager :", "Facebook", "Catégories", "Nature",
                 "© 2021 Le Petit Jardinier. Fièrement propulsé par WordPress", "Nous utilisons des cookies.Accepter",
                 "Aller au contenu"):
        assert label(fr[line]) == "other", line
    assert fr["abeilles bambous"] == ("other", "tagcloud-widget")  # a sidebar tag cloud is not the article's tags


def test_wordpress_post_classes_are_not_evidence(fr):
    # <body class="... tag-jardin category-nature"> and <article class="tag-abeilles ..."> carry no label
    assert fr["© LE PETIT JARDINIER"] is None


def test_german_page(de):
    assert label(de["Stadtrat beschließt neue Radwege | Tageblatt Musterstadt"]) == "headline"
    assert label(de["Stadtrat beschließt neue Radwege"]) == "headline"
    assert label(de["Wir verwenden Cookies, um Ihnen ein besseres Erlebnis zu bieten."]) == "other"  # #onetrust-*
    assert label(de["Startseite > Lokales"]) == "other"  # breadcrumb
    assert de["Anzeige"] == ("ad shortcode", "ad-label-text")
    assert label(de["Lesen Sie auch: Neue Buslinie ab Mai"]) == "related-link"
    assert label(de["Schlagworte: Radverkehr, Stadtrat"]) == "tag"
    assert de["Mehr zum Thema"] == ("related-link", "related-heading-section")
    assert de["Parkgebühren steigen"] == ("related-link", "related-heading-section")
    assert label(de["Kommentare werden geladen"]) == "comment widget"  # #disqus_thread
    assert label(de["Impressum"]) == "other"
    assert de["Nach langer Debatte stimmte eine Mehrheit für den Plan. Baubeginn ist im Herbst."] is None


def test_listing_page_is_conservative():
    v = votes_of((FIX / "listing_en.html").read_bytes())
    # the H1 is the site's name (a later segment of "Garden News - Green Street Blog"): not a headline
    assert v["Green Street Blog"] is None
    assert v["Garden News - Green Street Blog"] is None
    # categories and captions of teaser cards on a multi-article page are not this page's tags/captions
    assert v["News"] is None
    assert v["Roses after pruning"] is None


def test_h1_equal_to_site_name_is_not_headline():
    html = """<html><head><title>Alpha beta gamma story | Daily Site</title>
    <meta property="og:site_name" content="Daily Site"></head>
    <body><h1>Daily Site</h1><h2 class="entry-title">Alpha beta gamma story</h2></body></html>"""
    v = votes_of(html)
    assert v["Daily Site"] is None
    assert label(v["Alpha beta gamma story"]) == "headline"
    assert label(v["Alpha beta gamma story | Daily Site"]) == "headline"


def test_title_without_matching_heading_gets_no_vote():
    v = votes_of("<html><head><title>Some page</title></head><body><h1>Other words entirely</h1></body></html>")
    assert v["Some page"] is None and v["Other words entirely"] is None


def test_caption_inside_related_teaser_is_related():
    html = """<div class="related-posts"><figure><img src="a.jpg"><figcaption>Photo: AFP</figcaption></figure>
    <p><span class="cat-links"><a rel="category tag">Sport</a></span></p></div>"""
    v = votes_of(html)
    assert label(v["Photo: AFP"]) == "related-link"
    assert label(v["Sport"]) == "related-link"


def test_conflicting_evidence_is_masked():
    html = '<div id="comments"><div class="wp-caption-text">A caption in a comment?</div></div>'
    assert votes_of(html)["A caption in a comment?"] is None


def test_nav_inside_article_is_not_chrome():
    html = "<article><nav><p>Contents: part one</p></nav><p>Body</p></article>"
    assert votes_of(html)["Contents: part one"] is None


def test_merged_rendering_votes():
    v = votes_of((FIX / "wp_article_fr.html").read_bytes(), style="merged")
    assert label(v["Accueil Potager Contact"]) == "other"
    assert label(v["Facebook Twitter"]) == "other"


def test_votes_align_with_blocks():
    blocks, meta = render_page((FIX / "news_de.html").read_bytes())
    votes = dom_votes(blocks, meta)
    assert len(votes) == len(blocks)
    assert all(v is None or (isinstance(v, tuple) and len(v) == 2) for v in votes)
    assert dom_votes([], None) == []


def test_related_title_in_a_menu_is_not_a_section():
    html = """<nav><h3>Trending</h3><ul><li><a href="/a">Shoes</a></li><li><a href="/b">Hats</a></li></ul></nav>
    <div class="box"><h3>Read more</h3><ul><li><a href="/c">Another story title</a></li></ul></div>"""
    v = votes_of(html)
    assert v["Trending"] == ("other", "site-chrome") and v["Shoes"] == ("other", "site-chrome")
    # a bare "Read more" labels its own line only
    assert v["Read more"] == ("related-link", "related-heading-section")
    assert v["Another story title"] is None


def test_sidebar_article_titles_are_related_links_but_menus_and_footers_are_not():
    from boilerline.training.dom_rules import dom_votes
    from boilerline.training.render import render_blocks

    page = """<html><head><title>Story title - Site</title></head><body>
    <nav><ul><li><a href="/">Home</a></li><li><a href="/a">A long menu entry with many words here</a></li></ul></nav>
    <article><h1>Story title</h1><p>Some text of the story that is long enough to be a paragraph.</p></article>
    <aside class="widget"><ul><li><a href="/x">Council approves the new cycle lanes for the city centre</a></li>
    <li><a href="/y">Contact</a></li></ul></aside>
    <footer><a href="/t">Terms and conditions of use of this site</a></footer></body></html>"""
    votes = {b.text: v for b, v in zip(render_blocks(page), dom_votes(render_blocks(page)))}
    assert votes["Council approves the new cycle lanes for the city centre"] == ("related-link", "sidebar-article-link")
    assert votes["A long menu entry with many words here"][0] == "other"
    assert votes["Contact"][0] == "other"
    assert votes["Terms and conditions of use of this site"][0] == "other"


def _votes_of_page(page):
    blocks, meta = render_page(page.encode("utf-8"))
    return [(b.text, v) for b, v in zip(blocks, dom_votes(blocks, meta))]


_TEASER_PAGE = """<html><head><title>Story title - Site</title></head><body>
<article><h1>Story title</h1><p>Some text of the story that is long enough to be a paragraph.</p></article>
<aside class="widget"><h3>At the minute</h3><ul>
<li><div>09:35</div><div><a href="/1">Council approves the new cycle lanes for the city centre</a></div><div>Local</div></li>
<li><div>08:10</div><div><a href="/2">Harbour strike ends after nine days of talks with the unions</a></div><div>Port</div></li>
<li><div>07:55</div><div><a href="/3">Museum reopens its ancient coins room after a long renovation</a></div><div>Culture</div></li>
</ul></aside>
<aside class="widget"><div>Seasons</div><ul><li><a href="/a">Gardening tips for the whole month</a></li>
<li><a href="/b">Gardening tips for the whole month</a></li><li><a href="/c">Gardening tips for the whole month</a></li></ul>
<div>Archives</div></aside></body></html>"""


def test_teaser_lists_in_site_chrome_are_related_links_with_their_parts():
    votes = _votes_of_page(_TEASER_PAGE)
    teaser = [t for t, v in votes if v == ("related-link", "chrome-teaser-list")]
    # the heading, every title, and the times and kickers between and after them
    assert teaser[0] == "At the minute"
    assert {"09:35", "08:10", "07:55", "Local", "Port", "Culture"} <= set(teaser)
    assert "Harbour strike ends after nine days of talks with the unions" in teaser
    # repeated entries read as a menu, not as other articles
    assert all(v[1] != "chrome-teaser-list" for t, v in votes if t in ("Gardening tips for the whole month", "Seasons"))


def test_tag_heading_and_its_short_links_are_tags_outside_sidebars():
    page = """<html><head><title>Story title - Site</title></head><body>
    <article><h1>Story title</h1><p>Some text of the story that is long enough to be a paragraph.</p>
    <div class="meta"><span>Etiquetas</span><ul><li><a href="/t/1">Ciberseguridad</a></li><li><a href="/t/2">Costa Rica</a></li></ul></div>
    <p>Mots-clés : <a href="/t/3">Mali</a>, <a href="/t/4">Russie</a></p></article>
    <aside class="widget"><h3>Tags</h3><ul><li><a href="/t/5">Sport</a></li></ul></aside></body></html>"""
    votes = dict(_votes_of_page(page))
    assert votes["Etiquetas"] == ("tag", "tag-heading-section")
    assert votes["Ciberseguridad"] == ("tag", "tag-heading-section")
    assert votes["Costa Rica"] == ("tag", "tag-heading-section")
    assert votes["Mots-clés : Mali, Russie"] == ("tag", "tag-heading-section")
    assert votes["Tags"][0] != "tag" and votes["Sport"][0] != "tag"  # a sidebar widget: the site's tags


@pytest.mark.parametrize("label", ["Stichwörter", "Štítky", "Filed under", "Tags assigned to this article"])
def test_every_tag_label_word_opens_a_tag_line_and_a_tag_section(label):
    # the heading and the "Label: a, b" forms read one word list (training/wordlists.py)
    page = f"""<html><head><title>Story title - Site</title></head><body>
    <article><h1>Story title</h1><p>Some text of the story that is long enough to be a paragraph.</p>
    <p>{label}: <a href="/t/3">Mali</a>, <a href="/t/4">Russie</a></p>
    <div class="meta"><span>{label}</span><ul><li><a href="/t/1">Prague</a></li></ul></div></article></body></html>"""
    votes = dict(_votes_of_page(page))
    assert votes[f"{label}: Mali, Russie"][0] == "tag"
    assert votes[label] == votes["Prague"] == ("tag", "tag-heading-section")


@pytest.mark.parametrize("line", ["CONTINUA DEPOIS DA PUBLICIDADE", "Conteúdo patrocinado"])
def test_more_ad_labels(line):
    assert is_ad_label(line)


def test_dated_teaser_lists_with_short_titles_are_related_links():
    page = """<html><head><title>Story title - Site</title></head><body>
    <article><h1>Story title</h1><p>Some text of the story that is long enough to be a paragraph.</p></article>
    <aside class="widget"><h3>Recientes</h3>
    <div><h5><a href="/1">Ensalada campera</a></h5><div><a href="/1">7 junio, 2024</a></div><p>Un texto corto.</p></div>
    <div><h5><a href="/2">Bacalao con tomate</a></h5><div><a href="/2">29 abril, 2024</a></div><p>Otro texto.</p></div>
    <div><h5><a href="/3">Torrijas fritas</a></h5><div><a href="/3">27/03/2024</a></div><p>Y otro.</p></div>
    </aside>
    <aside class="widget"><h3>Shop</h3><ul><li><a href="/p1">Pan rallado 9,90 EUR</a></li><li>2024</li>
    <li><a href="/p2">Harina fina 4,50 EUR</a></li><li>2024</li><li><a href="/p3">Sal gorda 1,20 EUR</a></li><li>2024</li>
    </ul></aside></body></html>"""
    votes = dict(_votes_of_page(page))
    for line in ("Recientes", "Ensalada campera", "7 junio, 2024", "Torrijas fritas", "27/03/2024"):
        assert votes[line] == ("related-link", "dated-teaser-list"), line
    assert votes["Pan rallado 9,90 EUR"][0] == "other"  # products with prices are not articles


def test_recent_comments_widget_is_chrome_not_related():
    page = """<html><head><title>Story title - Site</title></head><body>
    <article><h1>Story title</h1><p>Some text of the story that is long enough to be a paragraph.</p></article>
    <aside class="widget"><h3>Letzte Kommentare</h3><ul>
    <li><a href="/a#c1">Christof bei Pidgin Benachrichtigungen endlich deaktivieren</a></li>
    <li><a href="/b#c2">Gerd bei Lockpicking und die Kunst des Schlösseröffnens</a></li>
    <li><a href="/c#c3">Lars bei Warum man eine gültige Adresse angeben muss</a></li></ul></aside></body></html>"""
    votes = dict(_votes_of_page(page))
    assert votes["Letzte Kommentare"] == ("other", "recent-comments-widget")
    assert votes["Gerd bei Lockpicking und die Kunst des Schlösseröffnens"][0] == "other"


def test_main_article_inside_a_broken_chrome_container_keeps_its_text():
    # an unclosed <aside id="popup-newsletter"> swallows the page: the article is still the article
    page = """<html><head><title>Story title - Site</title></head><body>
    <aside id="popup-newsletter"><p>Join our newsletter</p>
    <article><h1>Story title</h1><p>Some text of the story that is long enough to be a paragraph.</p>
    <div class="share-buttons"><a href="/s">Share on Facebook</a></div></article></body></html>"""
    votes = dict(_votes_of_page(page))
    assert votes["Story title"] == ("headline", "h1-matches-title")
    assert votes["Some text of the story that is long enough to be a paragraph."] is None  # no chrome vote
    assert votes["Share on Facebook"][0] == "other"  # evidence inside the article still counts
    assert votes["Join our newsletter"][0] == "other"


def test_category_kicker_beside_the_headline_and_breadcrumb_holding_it():
    page = """<html><head><title>Council approves cycle lanes - Site</title></head><body>
    <div class="breadcrumbs-line">Home » Council approves cycle lanes</div>
    <article><div class="post-category"><a href="/c/city">City</a></div><h1>Council approves cycle lanes</h1>
    <p>Some text of the story that is long enough to be a paragraph.</p></article>
    <nav class="site-nav__list"><h3>Topics</h3><ul><li><a href="/t/a">Politics</a></li></ul></nav>
    <div class="c-site-nav__list"><h3>Topics</h3><ul><li><a href="/t/b">Economy</a></li></ul></div>
    <aside class="widget widget_categories"><ul><li><a href="/c/x">City</a></li></ul></aside></body></html>"""
    votes = _votes_of_page(page)
    assert votes[1] == ("Home » Council approves cycle lanes", ("headline", "repeat-of-headline"))
    assert next(v for t, v in votes if t == "City") == ("tag", "category-kicker")
    assert votes[-1] == ("City", ("other", "site-chrome"))  # the site's category list, far from the headline
    assert all(v is None or v[0] != "tag" for t, v in votes if t in ("Topics", "Politics", "Economy"))
