"""Rendering HTML to scraper-like lines (training.render). Fixtures are hand-written HTML."""

from pathlib import Path

import pytest

pytest.importorskip("lxml")

from boilerline.training.render import Block, page_meta, render_blocks, render_lines  # noqa: E402

FIX = Path(__file__).parent / "fixtures"


def test_title_first_and_block_lines():
    html = "<html><head><title> A  title </title></head><body><h1>Head</h1><p>One <b>two</b> three</p></body></html>"
    assert render_lines(html) == ["A title", "Head", "One two three"]


def test_inline_text_joined_as_in_dom():
    html = '<p>Tags: <a href="/a">Burkina Faso</a><a href="/b">russie</a></p>'
    assert render_lines(html) == ["Tags: Burkina Fasorussie"]


def test_loose_div_text_around_child_blocks():
    html = "<div>before<p>para</p>after <span>x</span></div>"
    blocks = render_blocks(html)
    assert [(b.text, b.tag) for b in blocks] == [("before", "div"), ("para", "p"), ("after x", "div")]


def test_dropped_elements():
    html = """<html><head><title>T</title><style>p{}</style><script>x()</script></head><body>
    <p>kept</p><script>var a = 1;</script><noscript>no js</noscript><template><p>tpl</p></template>
    <svg><title>icon</title><text>svg</text></svg><iframe>frame</iframe>
    <p hidden>h1</p><div aria-hidden="true">h2</div><p style="color:red; display: none">h3</p>
    <p style="visibility:hidden">h4</p><!-- a comment --><p>also <!-- inner -->kept</p></body></html>"""
    assert render_lines(html) == ["T", "kept", "also kept"]


def test_tail_text_after_dropped_element_is_kept():
    assert render_lines("<p>a<script>x</script> b<span hidden>no</span> c</p>") == ["a b c"]


def test_whitespace_normalised_and_empty_blocks_dropped():
    html = "<div>\n  <p>  a \u00a0\t b\u200b </p><p>   </p><li></li></div>"
    assert render_lines(html) == ["a b"]


def test_br_splits_in_blocks_style_and_joins_in_merged():
    html = "<p>line one<br>line two</p>"
    assert render_lines(html) == ["line one", "line two"]
    assert render_lines(html, style="merged") == ["line one line two"]


def test_merged_style_joins_short_list_items_and_cells():
    html = "<ul><li>Home</li><li>News</li><li>Contact</li></ul><table><tr><td>a</td><td>b</td></tr></table>"
    assert render_lines(html) == ["Home", "News", "Contact", "a", "b"]
    assert render_lines(html, style="merged") == ["Home News Contact", "a b"]


def test_merged_style_keeps_long_items_apart():
    long = "x " * 40
    html = f"<ul><li>{long}</li><li>{long}</li></ul>"
    assert len(render_lines(html, style="merged")) == 2


def test_bad_style_rejected():
    with pytest.raises(ValueError):
        render_blocks("<p>x</p>", style="nope")


def test_pre_keeps_its_lines():
    assert render_lines("<pre>a  b\n\n c</pre>") == ["a b", "c"]


def test_context_tokens():
    html = '<html><body><div id="main" class="Entry-Content x"><p class="lead">t <a rel="tag">z</a></p></div></body></html>'
    (b,) = render_blocks(html)
    assert isinstance(b, Block)
    assert b.context == ("html", "body", "div", "div#main", "div.entry-content", "div.x", "p", "p.lead")
    assert b.link_chars == 1


def test_inline_tokens_cover_most_of_line():
    (b,) = render_blocks('<p><a rel="tag" href="/t">alpha</a><a rel="tag" href="/u">beta</a></p>')
    assert "rel=tag" in b.inline
    (b,) = render_blocks('<p>A long sentence with one <a rel="tag">x</a> inside it.</p>')
    assert "rel=tag" not in b.inline


def test_article_ordinal():
    blocks = render_blocks("<article><p>a</p></article><p>b</p><article><p>c</p></article>")
    assert [b.article for b in blocks] == [0, -1, 1]


def test_encodings():
    # declared latin-1, bytes in cp1252
    data = '<html><head><meta charset="iso-8859-1"><title>Café</title></head><body><p>Straße €</p></body></html>'
    assert render_lines(data.encode("cp1252")) == ["Café", "Straße €"]
    # declared latin-1 but actually UTF-8
    assert render_lines(data.encode("utf-8")) == ["Café", "Straße €"]
    # UTF-8 BOM, no declaration
    assert render_lines(b"\xef\xbb\xbf<p>\xc3\xa9t\xc3\xa9</p>") == ["été"]
    # unknown charset label and invalid bytes: no crash
    assert render_lines(b'<meta charset="x-nonsense"><p>ok \xff\xfe</p>')[0].startswith("ok")
    # XML declaration in a str
    assert render_lines('<?xml version="1.0" encoding="utf-8"?><html><body><p>x</p></body></html>') == ["x"]


def test_japanese_and_arabic_text():
    html = '<html lang="ja"><head><title>ニュース</title></head><body><p>東京で桜が咲きました。</p><p dir="rtl">مرحبا بالعالم</p></body></html>'
    assert render_lines(html) == ["ニュース", "東京で桜が咲きました。", "مرحبا بالعالم"]


@pytest.mark.parametrize("junk", ["", "   ", b"", b"\x00\x01\x02", "<", "<<<>>>", "<html></html>", "just text"])
def test_never_crashes(junk):
    out = render_lines(junk)
    assert isinstance(out, list)


def test_page_meta():
    meta = page_meta((FIX / "wp_article_fr.html").read_bytes())
    assert meta["lang"] == "fr-fr"
    assert meta["og_title"] == "Les abeilles du quartier reviennent au printemps"
    assert meta["h1s"] == ["Les abeilles du quartier reviennent au printemps"]
    assert meta["title"].endswith("Le Petit Jardinier")


def test_fixture_page_order_and_hidden():
    lines = render_lines((FIX / "wp_article_fr.html").read_bytes())
    assert lines[0] == "Les abeilles du quartier reviennent au printemps - Le Petit Jardinier"
    assert "[GARD align= »center »]" in lines
    assert "Tags" not in " ".join(lines[:3])
    for hidden in ("Texte invisible", "Menu caché", "Aussi caché", "Activez JavaScript", "modèle", "svg text", "ads ="):
        assert not any(hidden in x for x in lines), hidden
    i = lines.index("Les abeilles du quartier reviennent au printemps")
    assert lines.index("Une ruche en bois au fond du jardin") > i
    assert lines[-1] == "Nous utilisons des cookies.Accepter"


def test_german_latin1_fixture():
    lines = render_lines((FIX / "news_de.html").read_bytes())
    assert lines[0] == "Stadtrat beschließt neue Radwege | Tageblatt Musterstadt"
    assert "Zeile zwei" in lines and "Länge" in lines
