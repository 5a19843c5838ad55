"""annotation_votes on small hand-written pages and annotations (no corpus needed)."""

from boilerline.training.annotation_rules import NOT_CONTENT, RULES, annotation_votes, normalize
from boilerline.training.sources import Annotation

FR_BODY = [
    "Le conseil municipal a voté jeudi soir l’ouverture d’une nouvelle médiathèque dans le quartier "
    "de la gare, un projet attendu depuis « plus de dix ans » selon le maire.",
    "Les travaux doivent commencer au printemps et durer dix-huit mois, pour un coût estimé à "
    "4,2 millions d’euros.",
    "Horaires élargis",
    "La médiathèque sera ouverte le dimanche matin, une première dans la commune.",
]
FR_LINES = [
    "Une médiathèque pour le quartier de la gare – Le Petit Journal du Val",  # <title>
    "Accueil",
    "Actualités",
    "Une médiathèque pour le quartier de la gare",  # h1
    "Par Claire Dupont",
    "Publié le 3 mai 2021 à 10h14",
    # typographic apostrophes / quotes differ from the annotation
    'Le conseil municipal a voté jeudi soir l\'ouverture d\'une nouvelle médiathèque dans le quartier '
    'de la gare, un projet attendu depuis "plus de dix ans" selon le maire.',
    "La future façade, côté parvis",  # caption
    "Les travaux doivent commencer au printemps et durer dix-huit mois, pour un coût estimé à "
    "4,2 millions d'euros. Partager",
    "Horaires élargis",
    "La médiathèque sera ouverte le dimanche matin, une première dans la commune.",
    "Mots-clés : Culture, Urbanisme",
    "Partager",
    "Aucun commentaire",
    "Horaires élargis",  # repeated elsewhere on the page: no short-body vote
]


def fr_ann(**kw):
    base = dict(
        title="Une médiathèque pour le quartier de la gare",
        body=FR_BODY,
        body_complete=True,
        captions=["La future façade, côté parvis. Photo : Studio Nord"],
        topics=["Culture", "Urbanisme"],
        author="Claire Dupont",
        date="2021-05-03",
        without_snippets=["Aucun commentaire", "Accueil"],
    )
    base.update(kw)
    return Annotation(**base)


def by_line(lines, votes):
    return {l: v for l, v in zip(lines, votes)}


def test_normalize_unifies_quotes_dashes_case():
    assert normalize("L’armée « malienne » — Bamako") == normalize("l'armée \"malienne\" - BAMAKO")
    assert normalize("**Gras** et _italique_") == "gras et italique"
    assert normalize("ﬁn") == "fin"  # NFKC ligature
    assert normalize(None) == ""


def test_french_page_rules():
    votes = annotation_votes(FR_LINES, fr_ann())
    assert len(votes) == len(FR_LINES)
    v = list(votes)
    assert v[0] == ("headline", "ann-title-in-title-line")
    assert v[3] == ("headline", "ann-title-exact")
    assert v[1] == (NOT_CONTENT, "ann-without-exact")
    assert v[2] is None
    assert v[4] == ("body", "ann-author-near-title")
    assert v[5] == ("body", "ann-date-near-title")
    assert v[6] == ("body", "ann-body-overlap") or v[6] == ("body", "ann-body-exact")
    assert v[7] == ("caption", "ann-caption-substring")
    assert v[8][0] == "body"  # paragraph plus a share button
    assert v[10] == ("body", "ann-body-exact")
    assert v[11] == ("tag", "ann-topic-list")
    assert v[12] is None  # "Partager" is no evidence of anything
    assert v[13] == (NOT_CONTENT, "ann-without-exact")
    # "Horaires élargis" appears twice on the page: no short-body vote for either
    assert v[9] is None and v[14] is None
    for x in v:
        assert x is None or x[1] in RULES


def test_exact_paragraph_normalised():
    votes = annotation_votes([FR_LINES[0], FR_LINES[6]], fr_ann())
    assert votes[1] == ("body", "ann-body-exact")
    # the first line is the <title> line: never body
    assert annotation_votes([FR_LINES[6]], fr_ann()) == [None]


def test_short_body_subheading_between_body_lines():
    lines = [FR_BODY[0], FR_BODY[1], "Horaires élargis", FR_BODY[3]]
    votes = annotation_votes(lines, fr_ann())
    assert votes[2] == ("body", "ann-body-exact-short")


def test_short_substring_is_not_evidence():
    # "dimanche matin" is inside a paragraph, but two words are no evidence
    lines = ["Dimanche matin", "de la gare"]
    assert annotation_votes(lines, fr_ann()) == [None, None]


def test_body_substring_of_long_paragraph():
    lines = [FR_LINES[0], "Les travaux doivent commencer au printemps et durer dix-huit mois"]
    assert annotation_votes(lines, fr_ann())[1] == ("body", "ann-body-substring")


def test_topics_run_together_and_single_topics():
    ann = Annotation(title="Russia to deliver helicopters to Bamako", body=["x " * 3], topics=["Burkina Faso", "russie"])
    lines = ["Russia to deliver helicopters to Bamako", "Tags assigned to this article:", "Burkina Fasorussie"]
    votes = annotation_votes(lines, ann)
    assert votes[2] == ("tag", "ann-topic-list")
    assert votes[1] is None


def test_single_topic_menu_item_is_not_a_tag():
    # a topic name in the navigation above the article is a menu item
    ann = Annotation(
        title="Stadtrat beschließt neuen Radweg entlang der Elbe",
        body=["Der Stadtrat hat am Dienstag mit großer Mehrheit einen neuen Radweg entlang der Elbe beschlossen."],
        topics=["Verkehr", "Politik"],
    )
    lines = [
        "Politik",
        "Verkehr",
        "Stadtrat beschließt neuen Radweg entlang der Elbe",
        "Der Stadtrat hat am Dienstag mit großer Mehrheit einen neuen Radweg entlang der Elbe beschlossen.",
        "Themen",
        "Verkehr",
        "Politik",
    ]
    votes = annotation_votes(lines, ann)
    assert votes[0] is None and votes[1] is None
    assert votes[5] == ("tag", "ann-topic-single")
    assert votes[6] == ("tag", "ann-topic-single")


def test_title_segment_when_annotated_title_has_site_name():
    ann = Annotation(title="How to repot an orchid without killing it | Green Thumb Weekly")
    lines = ["How to repot an orchid without killing it", "Green Thumb Weekly"]
    votes = annotation_votes(lines, ann)
    assert votes[0] == ("headline", "ann-title-segment")
    assert votes[1] is None


def test_title_line_with_site_name_only_when_rest_is_short():
    ann = Annotation(title="Orchid care basics")
    lines = [
        "Orchid care basics | Green Thumb",
        "Orchid care basics - a long discussion thread about watering schedules and potting media for beginners",
    ]
    votes = annotation_votes(lines, ann)
    assert votes[0] == ("headline", "ann-title-in-title-line")
    assert votes[1] is None


def test_with_snippets_and_title_inside_with():
    ann = Annotation(
        title="Mandelplätzchen backen",
        with_snippets=["Mandelplätzchen backen", "200 g Zucker", "zu einem glatten Teig verarbeiten."],
        without_snippets=["Impressum"],
    )
    lines = ["Mandelplätzchen backen", "200 g Zucker", "Alles zu einem glatten Teig verarbeiten.", "Impressum", "Kontakt"]
    votes = annotation_votes(lines, ann)
    assert votes[0][0] == "headline"
    assert votes[1] == ("body", "ann-with-exact")
    assert votes[2] == ("body", "ann-with-in-line")
    assert votes[3] == (NOT_CONTENT, "ann-without-exact")
    assert votes[4] is None


def test_date_like_without_snippet_never_votes():
    ann = Annotation(title="Ein Tag am See mit der ganzen Familie", without_snippets=["31. Mai", "Aktualisiert am"])
    lines = ["Ein Tag am See mit der ganzen Familie", "31. Mai", "Aktualisiert am 31.05.2012"]
    votes = annotation_votes(lines, ann)
    assert votes[1] is None and votes[2] is None


def test_comments():
    ann = Annotation(title="Un post", comments=["Merci pour cet article très clair"])
    lines = ["Un post", "Jean dit : Merci pour cet article très clair !"]
    assert annotation_votes(lines, ann)[1] == ("comment widget", "ann-comment")


def test_listing_pages_get_no_body_votes():
    teaser = "Five ways to keep your sourdough starter alive during a long holiday away from home"
    ann = Annotation(title="Baking", body=[teaser], page_type="listing")
    votes = annotation_votes(["Baking", teaser], ann)
    assert votes[1] is None


def test_cjk_and_other_scripts():
    ann = Annotation(
        title="東京で新しい図書館が開館",
        body=["東京都内で二十日、新しい図書館が開館し、多くの市民が訪れた。館内には約十万冊の本がある。"],
        captions=["開館式の様子"],
    )
    lines = ["東京で新しい図書館が開館", "東京都内で二十日、新しい図書館が開館し、多くの市民が訪れた。館内には約十万冊の本がある。", "開館式の様子", "ログイン"]
    votes = annotation_votes(lines, ann)
    assert votes[0] == ("headline", "ann-title-exact")
    assert votes[1] == ("body", "ann-body-exact")
    assert votes[3] is None


def test_english_date_formats_and_author_only_near_title():
    ann = Annotation(
        title="City council approves new bike lanes downtown",
        body=["The city council voted 7-2 on Tuesday to approve a network of protected bike lanes downtown."],
        author="Jane Doe",
        date="2021-05-03T10:14:00+00:00",
    )
    lines = ["City council approves new bike lanes downtown | The Daily Planet",
             "City council approves new bike lanes downtown", "By Jane Doe", "May 3, 2021 10:14 AM",
             ann.body[0]] + ["filler line"] * 12 + ["More from Jane Doe"]
    votes = annotation_votes(lines, ann)
    assert votes[2] == ("body", "ann-author-near-title")
    assert votes[3] == ("body", "ann-date-near-title")
    assert votes[-1] is None


def test_empty_annotation_and_blank_lines():
    assert annotation_votes(["", "  ", "Hello world"], Annotation()) == [None, None, None]
    assert annotation_votes([], Annotation()) == []


def test_repeated_partial_match_is_a_teaser():
    # the annotation merged an inline "read also" title into the next paragraph; the same
    # title in the related list below must not become body
    teaser = "Why river towns are rethinking their flood walls this decade"
    para = "The council meets again in June to decide on the final route of the new embankment."
    ann = Annotation(title="Town votes on embankment", body=[teaser + " " + para])
    lines = ["Town votes on embankment | Riverside Post", "Town votes on embankment", teaser, para, "Related", teaser]
    votes = annotation_votes(lines, ann)
    assert votes[2] is None and votes[5] is None
    assert votes[3] == ("body", "ann-body-substring")
