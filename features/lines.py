"""Per-line features: each line on its own, plus its place in the document.

Every function here is pure: a sequence of lines in, a float32 matrix (one row per line) and
a tuple of column names out.  The work is vectorised over the whole document: the lines are
joined once, turned into an array of code points, and counted with numpy, so the per-line
Python work stays a handful of operations.  No feature needs a word list of any language;
the lexical knowledge lives in the hashed tokens of :mod:`boilerline.features.tokens`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Sequence

import numpy as np

# Code point classes counted per line.
_CLASS_NAMES = ("upper", "lower", "letter_other", "digit", "space", "punct", "symbol", "other")
_UPPER, _LOWER, _LETTER_OTHER, _DIGIT, _SPACE, _PUNCT, _SYMBOL, _OTHER = range(len(_CLASS_NAMES))

#: Characters that end a sentence in the scripts the users' pages come in.
SENTENCE_END = ".!?…。！？؟।"
#: Characters that list-like boilerplate (menus, breadcrumbs, tag lists) uses as separators.
SEPARATORS = "|·•»›/>–—,;"
#: Characters that start bullets and menu items.
BULLETS = "-–—•·*►▸»›>|"

# Unrendered CMS shortcodes: [name], [name attr=...], [/name]; also with typographic quotes.
SHORTCODE_RE = re.compile(r"\[/?[A-Za-z_][\w#-]*(?:[ =][^\[\]\n]{0,200})?\]")
# Template placeholders: {{slot}}, {% tag %}, %%AD%%.
PLACEHOLDER_RE = re.compile(r"\{\{[^{}\n]{0,100}\}\}|\{%[^{}\n]{0,100}%\}|%%[A-Za-z_]{1,40}%%")
# The patterns below start with a literal or a small character set on purpose: Python's regex
# engine then skips ahead quickly, which keeps them cheap over a whole batch of joined text.
URL_RE = re.compile(r"[hw.](?:(?<=h)ttps?://\S+|(?<=w)ww\.\S+|(?<=\.)(?:com|org|net|html?|php)\b)")
EMAIL_RE = re.compile(r"@[\w-]+\.[a-zA-Z]{2,}")
HANDLE_RE = re.compile(r"[@#]\w+")
# Digit groups; those with a separator (dates, times) or of four digits (years) count as dates.
NUMBER_RE = re.compile(r"[0-9]+(?:[./:-][0-9]+)*")
COPYRIGHT_RE = re.compile(r"[©(Cc](?:(?<=©)|(?<=\()[cC]\)|(?<=[Cc])opyright)")

#: Lines at most this long are compared whole to the first line (title repetition).
TITLE_MAX_CHARS = 400


@lru_cache(maxsize=1)
def _class_table() -> np.ndarray:
    """Map each Basic Multilingual Plane code point to a character class (built once)."""
    first = {"L": _LETTER_OTHER, "N": _DIGIT, "Z": _SPACE, "P": _PUNCT, "S": _SYMBOL}
    table = np.full(0x10000, _OTHER, dtype=np.int8)
    for cp in range(0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        cat = unicodedata.category(chr(cp))
        if cat == "Lu" or cat == "Lt":
            table[cp] = _UPPER
        elif cat == "Ll":
            table[cp] = _LOWER
        else:
            table[cp] = first.get(cat[0], _OTHER)
    for ws in "\t\n\r\x0b\x0c":
        table[ord(ws)] = _SPACE
    return table


def _codepoints(lines: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Join the lines with ``\\n`` and return (code points, line starts, line ends)."""
    text = "\n".join(lines)
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    lengths = np.fromiter((len(line) for line in lines), dtype=np.int64, count=len(lines))
    starts = np.zeros(len(lines), dtype=np.int64)
    if len(lines) > 1:
        starts[1:] = np.cumsum(lengths[:-1] + 1)
    return cps, starts, starts + lengths


def _segment_sum(values: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Sum ``values`` over each [start, end) segment (empty segments give 0)."""
    csum = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum(values, out=csum[1:])
    return csum[ends] - csum[starts]


def _is_date(match: re.Match) -> bool:
    return match.end() - match.start() == 4 or not match.group().isdigit()


def _regex_counts(
    pattern: re.Pattern, text: str, starts: np.ndarray, keep=None
) -> tuple[np.ndarray, np.ndarray]:
    """Per line, the number of matches of ``pattern`` (those ``keep`` accepts) and their characters."""
    n = len(starts)
    pos, size = [], []
    for m in pattern.finditer(text):
        if keep is not None and not keep(m):
            continue
        pos.append(m.start())
        size.append(m.end() - m.start())
    if not pos:
        return np.zeros(n), np.zeros(n)
    line = np.searchsorted(starts, np.asarray(pos), side="right") - 1
    return (
        np.bincount(line, minlength=n).astype(np.float64),
        np.bincount(line, weights=np.asarray(size, dtype=np.float64), minlength=n),
    )


def _char_class_block(lines: Sequence[str]):
    cps, starts, ends = _codepoints(lines)
    table = _class_table()
    classes = np.where(cps < 0x10000, table[np.minimum(cps, 0xFFFF)], _LETTER_OTHER)
    counts = np.stack(
        [_segment_sum((classes == k).astype(np.int64), starts, ends) for k in range(len(_CLASS_NAMES))],
        axis=1,
    ).astype(np.float64)
    # Words: a letter/digit run starts where the previous code point is not one.
    wordy = (classes <= _DIGIT).astype(np.int8)
    word_start = np.empty_like(wordy)
    if len(wordy):
        word_start[0] = wordy[0]
        word_start[1:] = (wordy[1:] == 1) & (wordy[:-1] == 0)
    n_words = _segment_sum(word_start.astype(np.int64), starts, ends).astype(np.float64)
    return cps, starts, ends, counts, n_words


def _first_last(cps: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and last code point of each line (0 for an empty line)."""
    nonempty = ends > starts
    first = np.where(nonempty, cps[np.minimum(starts, max(len(cps) - 1, 0))] if len(cps) else 0, 0)
    last = np.where(nonempty, cps[np.maximum(ends - 1, 0)] if len(cps) else 0, 0)
    return first, last


def _first_class(classes: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Character class of each line's first code point (-1 for an empty line)."""
    if not len(classes):
        return np.full(len(starts), -1)
    return np.where(ends > starts, classes[np.minimum(starts, len(classes) - 1)], -1)


def _in_set(codes: np.ndarray, chars: str) -> np.ndarray:
    return np.isin(codes, np.array([ord(c) for c in chars], dtype=codes.dtype)).astype(np.float64)


def _document_block(lines: Sequence[str], n_chars: np.ndarray) -> np.ndarray:
    """Features of each line's place in its document: position, repetition, title overlap."""
    n = len(lines)
    index = np.arange(n, dtype=np.float64)
    rel_pos = index / max(n - 1, 1)
    keys = [line.strip().casefold() for line in lines]
    counts: dict[str, int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    repeats = np.fromiter((counts[k] for k in keys), dtype=np.float64, count=n)
    first_seen: dict[str, int] = {}
    for i, key in enumerate(keys):
        first_seen.setdefault(key, i)
    is_repeat_later = np.fromiter((first_seen[k] < i for i, k in enumerate(keys)), dtype=np.float64, count=n)
    title = keys[0] if n else ""
    title_words = set(re.findall(r"\w+", title)) if len(title) <= TITLE_MAX_CHARS else set()
    overlap = np.zeros(n)
    contains = np.zeros(n)
    if title_words:
        for i, key in enumerate(keys):
            if len(key) > TITLE_MAX_CHARS or not key:
                continue
            words = set(re.findall(r"\w+", key))
            if words:
                overlap[i] = len(words & title_words) / len(words | title_words)
            contains[i] = float(key in title or (i > 0 and title in key and len(key) < 2 * len(title)))
    chars_before = np.concatenate([[0.0], np.cumsum(n_chars)[:-1]])
    total = max(float(n_chars.sum()), 1.0)
    # Share of the document's longest run of prose: the article is where long lines cluster.
    long_line = (n_chars >= 120).astype(np.float64)
    kernel = np.ones(7)
    long_density = np.convolve(long_line, kernel, mode="same")[:n] / 7.0
    cols = [
        rel_pos,
        (index == 0).astype(np.float64),
        (index == n - 1).astype(np.float64),
        np.full(n, np.log1p(n)),
        np.log1p(repeats),
        is_repeat_later,
        overlap,
        contains,
        chars_before / total,
        n_chars / max(float(n_chars.max()), 1.0),
        long_density,
    ]
    return np.stack(cols, axis=1)


def line_features(
    lines: Sequence[str], doc_lengths: Sequence[int] | None = None
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Compute the per-line feature matrix of a batch of documents.

    Parameters
    ----------
    lines : sequence of str
        The documents' non-blank, stripped lines, in page order, documents one after another.
    doc_lengths : sequence of int, optional
        The number of lines of each document, in order; they must add up to ``len(lines)``.
        By default all lines are one document.  Batching many documents into one call is
        much faster: the character work is done once over the whole batch.

    Returns
    -------
    X : ndarray of shape (len(lines), n_features), float32
    names : tuple of str
        Column names of ``X``.
    """
    n = len(lines)
    if n == 0:
        return np.zeros((0, len(LINE_FEATURE_NAMES)), dtype=np.float32), LINE_FEATURE_NAMES
    cps, starts, ends, counts, n_words = _char_class_block(lines)
    n_chars = (ends - starts).astype(np.float64)
    safe = np.maximum(n_chars, 1.0)
    letters = counts[:, _UPPER] + counts[:, _LOWER] + counts[:, _LETTER_OTHER]
    cased = np.maximum(counts[:, _UPPER] + counts[:, _LOWER], 1.0)
    first, last = _first_last(cps, starts, ends)
    text = "\n".join(lines)
    sc_n, sc_chars = _regex_counts(SHORTCODE_RE, text, starts)
    ph_n, ph_chars = _regex_counts(PLACEHOLDER_RE, text, starts)
    url_n, url_chars = _regex_counts(URL_RE, text, starts)
    email_n, _ = _regex_counts(EMAIL_RE, text, starts)
    handle_n, _ = _regex_counts(HANDLE_RE, text, starts)
    date_n, _ = _regex_counts(NUMBER_RE, text, starts, keep=_is_date)
    copy_n, _ = _regex_counts(COPYRIGHT_RE, text, starts)
    # Capitalised words: an upper-case letter right after a non-letter.
    is_upper = np.zeros(len(cps) + 1, dtype=bool)
    table = _class_table()
    classes = np.where(cps < 0x10000, table[np.minimum(cps, 0xFFFF)], _LETTER_OTHER)
    is_upper[:-1] = classes == _UPPER
    prev_letter = np.zeros(len(cps), dtype=bool)
    if len(cps):
        prev_letter[1:] = classes[:-1] <= _LETTER_OTHER
    cap_start = (is_upper[:-1] & ~prev_letter).astype(np.int64)
    n_cap_words = _segment_sum(cap_start, starts, ends).astype(np.float64)
    sep_counts = _segment_sum(np.isin(cps, np.array([ord(c) for c in SEPARATORS], dtype=np.uint32)).astype(np.int64), starts, ends)
    words = np.maximum(n_words, 1.0)
    cols = [
        np.log1p(n_chars),
        np.log1p(n_words),
        letters / words,
        letters / safe,
        counts[:, _DIGIT] / safe,
        counts[:, _SPACE] / safe,
        counts[:, _PUNCT] / safe,
        counts[:, _SYMBOL] / safe,
        counts[:, _UPPER] / cased,
        counts[:, _LETTER_OTHER] / np.maximum(letters, 1.0),
        n_cap_words / words,
        sep_counts / words,
        _in_set(last, SENTENCE_END),
        _in_set(last, ":"),
        _in_set(last, ")]\"'»”"),
        _in_set(first, BULLETS),
        _in_set(first, "["),
        _in_set(first, "([{\"'«“"),
        (_first_class(classes, starts, ends) == _UPPER).astype(np.float64),
        _in_set(first, "0123456789"),
        np.minimum(sc_n, 5.0),
        sc_chars / safe,
        ((sc_chars + ph_chars) / safe >= 0.95).astype(np.float64),
        np.minimum(ph_n, 5.0),
        np.minimum(url_n, 5.0),
        url_chars / safe,
        np.minimum(email_n, 3.0),
        np.minimum(handle_n, 5.0),
        np.minimum(date_n, 5.0),
        np.minimum(copy_n, 3.0),
        (counts[:, _DIGIT] == n_chars - counts[:, _SPACE] - counts[:, _PUNCT]).astype(np.float64),
        (n_words <= 3).astype(np.float64),
    ]
    X = np.stack(cols, axis=1)
    if doc_lengths is None:
        doc_lengths = [n]
    if sum(doc_lengths) != n:
        raise ValueError(f"doc_lengths add up to {sum(doc_lengths)}, not to the {n} lines given")
    bounds = np.concatenate([[0], np.cumsum(np.asarray(doc_lengths, dtype=np.int64))])
    D = np.vstack(
        [_document_block(lines[a:b], n_chars[a:b]) for a, b in zip(bounds[:-1], bounds[1:]) if b > a]
    )
    return np.hstack([X, D]).astype(np.float32), LINE_FEATURE_NAMES


_OWN_NAMES = (
    "log_chars",
    "log_words",
    "mean_word_len",
    "frac_letters",
    "frac_digits",
    "frac_space",
    "frac_punct",
    "frac_symbol",
    "frac_upper_of_cased",
    "frac_uncased_letters",
    "frac_capitalised_words",
    "separators_per_word",
    "ends_sentence",
    "ends_colon",
    "ends_closing",
    "starts_bullet",
    "starts_bracket",
    "starts_opening",
    "starts_upper",
    "starts_digit",
    "n_shortcodes",
    "frac_shortcode_chars",
    "only_markup",
    "n_placeholders",
    "n_urls",
    "frac_url_chars",
    "n_emails",
    "n_handles",
    "n_dates",
    "n_copyright",
    "only_digits_punct",
    "at_most_3_words",
)
_DOC_NAMES = (
    "doc_rel_position",
    "doc_is_first",
    "doc_is_last",
    "doc_log_n_lines",
    "doc_log_repeats",
    "doc_is_repeat_later",
    "doc_title_jaccard",
    "doc_title_contains",
    "doc_chars_before",
    "doc_len_vs_longest",
    "doc_long_line_density",
)
#: Column names of :func:`line_features`.
LINE_FEATURE_NAMES = _OWN_NAMES + _DOC_NAMES
