"""Word lists the auto-labelling rules share.

A tag list's label ("Tags:", "Mots-clés", "Schlagworte", "Filed under") is recognised by the
DOM rules (:mod:`boilerline.training.dom_rules`: a heading line, or a "Tags: a, b" prefix) and
by the annotation rules (:mod:`boilerline.training.annotation_rules`: the prefix before a
line of annotated topics).  They read one list, so that a label word added for one language
reaches every rule.
"""

from __future__ import annotations

#: Regular-expression alternatives for the label of an article's tag list, lower case, in
#: the corpus's languages (English, French, German, Spanish, Italian, Dutch, Portuguese,
#: Danish/Norwegian, Polish, Czech).  Section names that also title menus or lists of other
#: articles ("Categories", "Rubriques", "Mehr zum Thema") are not here: the rules that
#: accept them check more than the label (see ``annotation_rules``).
TAG_LABEL_WORDS = (
    r"tags?", r"tagged(?: with| in)?", r"tags assigned to this article", r"topics?", r"keywords?", r"filed under",
    r"mots[- ]cl[eé]s?", r"[eé]tiquettes?", r"sujets", r"th[eè]mes",
    r"themen", r"schlagw[oö]rter", r"schlagworte", r"stichw[oö]rter",
    r"etiquetas?", r"temas?", r"palabras clave", r"palavras[- ]chave",
    r"argomenti", r"tag associati",
    r"onderwerpen", r"trefwoorden",
    r"emneord", r"tematy", r"tagi", r"štítky",
)


def alternation(words: tuple[str, ...] = TAG_LABEL_WORDS) -> str:
    """``words`` as one non-capturing group of alternatives, longest first.

    Longest first, so that "tags assigned to this article" is tried before "tags" when the
    pattern is not anchored at both ends.
    """
    return "(?:" + "|".join(sorted(words, key=len, reverse=True)) + ")"
