"""Lexicon features: words that name a line's role in any site's template.

The hashed tokens (:mod:`boilerline.features.tokens`) see a line's first four words and its
last word, and learn wording from the training pages.  Two cues fall outside them: a photo
credit at the end of a caption ("... kajakker oppover Norgeskysten. Foto: Privat",
"(Bildquelle: Neumann)"), where the credit word is not the last word, and an ad label or
credit word in a wording no training page used ("Espacio publicitario").  These lists name
them in many languages, so that a page of an unseen site, or language, still shows them.

Four more lists name the wording of template boxes that the tokens confuse with lists of other
articles: subscription, login and newsletter prompts (a paywall box is ``other``), comment
forms, "read also" and "related" headings, and share buttons.  Each gives the count of its
words on a line and whether a short line holds one (a box's heading or button).  No feature
needs them to work (a page in a language they miss keeps every other feature); they help
where they have the words.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

import numpy as np

from . import _backend

#: Words of photo credits and image sources (case-folded; matched as whole words).
CREDIT_WORDS = (
    "photo", "photos", "photograph", "photography", "foto", "fotos", "fotó", "fotografía", "fotografia",
    "fotograf", "bild", "bilder", "bildquelle", "bildnachweis", "crédit", "crédits", "credit", "credits",
    "image", "images", "imagen", "immagine", "immagini", "afbeelding", "beeld", "kuva", "zdjęcie", "fot",
    "snímek", "фото", "фотография", "写真", "图片", "照片", "사진", "صورة", "תמונה", "φωτογραφία",
    "getty", "gettyimages", "reuters", "afp", "dpa", "epa", "istock", "istockphoto", "shutterstock",
    "keystone", "alamy", "imago", "unsplash", "pexels", "screenshot", "screenshots", "archivo",
)
#: Words of advertising labels ("Advertisement", "Publicité", "Anzeige", "Espacio publicitario").
AD_WORDS = (
    "advertisement", "advertising", "advert", "ads", "sponsored", "anzeige", "werbung", "gesponsert",
    "publicité", "publicite", "sponsorisé", "publicidad", "publicitario", "publicitaria", "patrocinado",
    "pubblicità", "pubblicita", "sponsorizzato", "publicidade", "advertentie", "reclame", "gesponsord",
    "reklama", "reklame", "annons", "annonse", "mainos", "hirdetés", "διαφήμιση", "реклама", "広告", "广告",
    "광고", "إعلان", "פרסומת",
)
#: Words of subscription, login and newsletter prompts (paywall and account boxes).
ACCOUNT_WORDS = (
    "subscribe", "subscriber", "subscribers", "subscription", "subscriptions", "newsletter", "newsletters",
    "login", "password", "unsubscribe", "paywall",
    "abonnez", "abonner", "abonné", "abonnés", "abonnement", "abonnements", "connexion", "connecter",
    "identifiez", "inscrivez", "inscription", "infolettre",
    "abonnieren", "abo", "abonnent", "abonnenten", "anmelden", "anmeldung", "einloggen", "passwort",
    "registrieren",
    "suscríbete", "suscribirse", "suscripción", "suscriptor", "suscriptores", "contraseña", "regístrate",
    "boletín",
    "assine", "assinante", "assinantes", "assinatura", "cadastro", "cadastre", "senha", "inscreva",
    "abbonati", "abbonamento", "abbonarsi", "iscriviti", "accedi", "registrati",
    "abonneer", "abonnee", "inloggen", "wachtwoord", "registreren", "nieuwsbrief",
    "اشترك", "اشتراك", "الاشتراك", "للاشتراك", "البريدية",
    "subskrybuj", "subskrypcja", "zaloguj", "hasło", "prenumerata",
    "подписаться", "подписка", "подпишитесь", "пароль", "рассылка", "abone", "şifre", "bülten",
)
#: Words of comment forms and comment lists ("Leave a comment", "Répondre", "Kommentare").
COMMENT_WORDS = (
    "comment", "comments", "commenting", "reply", "replies",
    "commentaire", "commentaires", "commenter", "répondre", "réagir", "réagissez", "réactions",
    "kommentar", "kommentare", "kommentieren", "antworten", "leserkommentare",
    "comentario", "comentarios", "comentar", "responder", "comentário", "comentários",
    "commento", "commenti", "commenta", "rispondi",
    "reactie", "reacties", "reageer", "reageren",
    "تعليق", "تعليقات", "التعليقات", "التعليق",
    "komentarz", "komentarze", "skomentuj", "odpowiedz", "комментарий", "комментарии", "ответить",
    "yorum", "yorumlar", "yanıtla", "コメント",
)
#: Words of "read also" and "related" headings ("Lire aussi", "Mehr zum Thema", "Leia também").
RELATED_WORDS = (
    "related", "recommended", "also", "trending", "read",
    "aussi", "similaires", "lire", "lus",
    "auch", "thema", "ähnliche", "meistgelesen", "lesen", "interessieren",
    "también", "relacionados", "relacionadas", "leer", "leído", "leídos",
    "também", "leia", "veja", "lidas",
    "anche", "correlati", "correlate", "leggi", "letti",
    "ook", "gerelateerde", "gerelateerd", "lees", "gelezen",
    "أيضا", "صلة", "اقرأ", "czytaj", "przeczytaj", "także", "читайте", "также", "ilgili",
)
#: Words of share buttons and follow prompts.
SHARE_WORDS = (
    "share", "tweet", "facebook", "twitter", "whatsapp", "linkedin", "pinterest", "telegram", "reddit",
    "instagram", "youtube", "tiktok", "print", "partager", "partagez", "imprimer", "teilen", "drucken",
    "compartir", "comparte", "compartilhar", "compartilhe", "partilhar", "imprimir", "condividi",
    "stampa", "delen", "deel", "مشاركة", "شارك", "udostępnij", "поделиться", "paylaş",
)
#: Lines longer than this are no label of their own: no ad label, no box's heading or button.
LABEL_MAX_CHARS = 40
#: A line's words of one list are counted up to this many.
MAX_WORDS_COUNTED = 3
#: Characters at a line's end searched for a credit word.
CREDIT_TAIL_CHARS = 60

#: The lists of template boxes, by the name of their columns.
CUE_LISTS = {"account": ACCOUNT_WORDS, "comment": COMMENT_WORDS, "related": RELATED_WORDS, "share": SHARE_WORDS}

LEXICON_FEATURE_NAMES = ("lex_credit_words", "lex_credit_at_end", "lex_ad_label") + tuple(
    f"lex_{name}_{col}" for name in CUE_LISTS for col in ("words", "label")
)


#: The word lists in the order of their kinds (the columns :func:`_word_counts` returns).
_LISTS = (CREDIT_WORDS, AD_WORDS) + tuple(CUE_LISTS.values())
#: The kind of the first of :data:`CUE_LISTS`.
_FIRST_CUE_KIND = len(_LISTS) - len(CUE_LISTS)


@lru_cache(maxsize=1)
def _lexicon() -> tuple[list[str], np.ndarray, tuple[re.Pattern, ...]]:
    """The case-folded words, their kinds, and per kind the pattern of the numpy path."""
    folded = [[w.casefold() for w in ws] for ws in _LISTS]
    words = [w for ws in folded for w in ws]
    kinds = np.asarray([k for k, ws in enumerate(folded) for _ in ws], dtype=np.int64)
    # (?<!\w)...(?!\w): a match is a whole maximal \w run, as the compiled loop compares
    patterns = tuple(
        re.compile(r"(?<!\w)(?:" + "|".join(sorted(map(re.escape, set(ws)), key=len, reverse=True)) + r")(?!\w)")
        for ws in folded
    )
    return words, kinds, patterns


def count_columns(kinds: np.ndarray) -> int:
    """Width of the word-count table for lists of these ``kinds``: two columns per kind
    (words found, end of the last one) and the case-folded line's length.  The numpy path and
    the compiled pass (:func:`boilerline.features._compiled.text_stats`) both size it here."""
    return 2 * (int(kinds.max()) + 1 if len(kinds) else 0) + 1


def _word_counts(lines: Sequence[str], _text=None) -> np.ndarray:
    """Per line and list: how many of its words (maximal ``\\w`` runs of the case-folded line) are
    in the list, and the end of the last one (-1: none); then the case-folded line's length.
    int64, shape (n, :func:`count_columns`).  ``_text``: the batch's compiled text pass, when it
    counted them (:func:`boilerline.features._compiled.text_stats` given :func:`lexicon_words`).
    """
    if getattr(_text, "lex", None) is not None:
        return _text.lex
    words, kinds, patterns = _lexicon()
    n = len(lines)
    out = np.zeros((n, count_columns(kinds)), dtype=np.int64)
    out[:, 1:-1:2] = -1
    if n == 0:
        return out
    core = _backend.CORE
    if core is not None:
        from ._compiled import _word_bytes

        core.lexicon_counts(lines, _word_bytes(), words, kinds, out)
        return out
    low = [line.casefold() for line in lines]
    starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum([len(t) + 1 for t in low], out=starts[1:])
    joined = "\n".join(low)
    out[:, -1] = np.diff(starts) - 1
    for k, pattern in enumerate(patterns):
        ends = np.fromiter((m.end() for m in pattern.finditer(joined)), dtype=np.int64)
        line = np.searchsorted(starts, ends, side="right") - 1
        out[:, 2 * k] = np.bincount(line, minlength=n)
        out[line, 2 * k + 1] = ends - starts[line]  # ends increase: the last one per line stays
    return out


def lexicon_words() -> tuple[list[str], np.ndarray]:
    """The case-folded list words and their kinds, as the compiled text pass takes them."""
    words, kinds, _ = _lexicon()
    return words, kinds


def lexicon_features(lines: Sequence[str], _text=None) -> tuple[np.ndarray, tuple[str, ...]]:
    """Credit words, ad labels and the words of template boxes, per line.

    Parameters
    ----------
    lines : sequence of str
        Stripped, non-blank lines.

    Returns
    -------
    X : ndarray of shape (len(lines), len(LEXICON_FEATURE_NAMES)), float32
        Per line: its words of :data:`CREDIT_WORDS` (at most :data:`MAX_WORDS_COUNTED`
        counted), whether one ends within its last :data:`CREDIT_TAIL_CHARS` characters, and
        whether it is at most :data:`LABEL_MAX_CHARS` long and holds a word of
        :data:`AD_WORDS`; then per list of :data:`CUE_LISTS`, its words (at most
        :data:`MAX_WORDS_COUNTED`) and whether it is at most :data:`LABEL_MAX_CHARS` long and
        holds one (lengths of the case-folded line).
    names : tuple of str

    Other Parameters
    ----------------
    _text
        Internal: the batch's compiled text pass, when it counted the words.
    """
    n = len(lines)
    out = np.zeros((n, len(LEXICON_FEATURE_NAMES)), dtype=np.float32)
    if n == 0:
        return out, LEXICON_FEATURE_NAMES
    counts = _word_counts(lines, _text)
    lengths = counts[:, -1]
    short = lengths <= LABEL_MAX_CHARS
    out[:, 0] = np.minimum(counts[:, 0], MAX_WORDS_COUNTED)
    out[:, 1] = (counts[:, 1] >= 0) & (counts[:, 1] >= lengths - CREDIT_TAIL_CHARS)
    out[:, 2] = (counts[:, 2] > 0) & short
    for k in range(len(CUE_LISTS)):  # columns lex_<name>_words, lex_<name>_label
        found = counts[:, 2 * (_FIRST_CUE_KIND + k)]
        out[:, 3 + 2 * k] = np.minimum(found, MAX_WORDS_COUNTED)
        out[:, 4 + 2 * k] = (found > 0) & short
    return out, LEXICON_FEATURE_NAMES
