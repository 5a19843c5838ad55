"""Per-line features: each line on its own, plus its place in the document.

Every function here is pure: a sequence of lines in, a float32 matrix (one row per line) and
a tuple of column names out.  The work is vectorised over the whole document: the lines are
joined once, turned into an array of code points, and counted with numpy, so the per-line
Python work stays a handful of operations.  No feature here needs a word list of any
language: the lexical knowledge lives in the hashed tokens of :mod:`boilerline.features.tokens`
and in the few named word lists of :mod:`boilerline.features.lexicon`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import chain, count
from typing import Sequence

import numpy as np

from . import _backend

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

WORD_RE = re.compile(r"\w+")

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


@lru_cache(maxsize=1)
def _full_class_table() -> np.ndarray:
    """:func:`_class_table` over all of Unicode: code points beyond the BMP count as letters."""
    table = np.full(0x110000, _LETTER_OTHER, dtype=np.int8)
    table[:0x10000] = _class_table()
    return table


def _codepoints(lines: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Join the lines with ``\\n`` and return (code points, line starts, line ends)."""
    text = "\n".join(lines)
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    lengths = np.fromiter(map(len, lines), dtype=np.int64, count=len(lines))
    starts = np.zeros(len(lines), dtype=np.int64)
    if len(lines) > 1:
        starts[1:] = np.cumsum(lengths[:-1] + 1)
    return cps, starts, starts + lengths


def _segment_sum(values: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Sum ``values`` over each [start, end) segment (empty segments give 0)."""
    csum = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum(values, out=csum[1:])
    return csum[ends] - csum[starts]


def _date_mask(matches: list[str]) -> np.ndarray:
    """Digit groups that count as dates: four digits (years), or with a separator (dates, times)."""
    size = np.fromiter(map(len, matches), dtype=np.int64, count=len(matches))
    digits = np.fromiter(map(str.isdigit, matches), dtype=bool, count=len(matches))
    return (size == 4) | ~digits


@lru_cache(maxsize=None)
def _grouped(pattern: re.Pattern) -> re.Pattern:
    """``pattern`` inside one capturing group, so that ``split`` returns the matches too."""
    return re.compile(f"({pattern.pattern})", pattern.flags)


def _regex_counts(
    pattern: re.Pattern, text: str, starts: np.ndarray, keep=None
) -> tuple[np.ndarray, np.ndarray]:
    """Per line, the number of matches of ``pattern`` (those ``keep`` accepts) and their characters.

    ``keep`` maps the list of matched strings to a boolean mask.  The matches are found with
    one ``split`` (text between matches, then each match): the same left-to-right search as
    ``finditer``, with no Python step per match; their offsets follow from the part lengths.
    """
    n = len(starts)
    parts = _grouped(pattern).split(text)
    if len(parts) == 1:
        return np.zeros(n), np.zeros(n)
    lens = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
    pos = np.cumsum(lens)[0::2][:-1]  # a match starts where the text before it ends
    size = lens[1::2]
    if keep is not None:
        ok = keep(parts[1::2])
        pos, size = pos[ok], size[ok]
        if not len(pos):
            return np.zeros(n), np.zeros(n)
    line = np.searchsorted(starts, pos, side="right") - 1
    return (
        np.bincount(line, minlength=n).astype(np.float64),
        np.bincount(line, weights=size.astype(np.float64), minlength=n),
    )


def _char_class_block(lines: Sequence[str]):
    """Code points, line bounds, class counts and word counts per line, and the class array.

    Counting is one ``bincount`` over (line, class) pairs rather than a cumulative sum per
    class; the ``\n`` between lines goes to a ninth, ignored class.
    """
    cps, starts, ends = _codepoints(lines)
    n = len(starts)
    classes = _full_class_table()[cps]
    k = len(_CLASS_NAMES) + 1
    binned = np.repeat(np.arange(0, n * k, k, dtype=np.int64), ends - starts + 1)[: len(cps)]
    line_of = binned // k
    binned += classes
    binned[ends[:-1]] += len(_CLASS_NAMES) - classes[ends[:-1]]  # the separators
    counts = np.bincount(binned, minlength=n * k).reshape(n, k)[:, :-1].astype(np.float64)
    # Words: a letter/digit run starts where the previous code point is not one.
    wordy = classes <= _DIGIT
    word_start = wordy.copy()
    if len(wordy):
        word_start[1:] &= ~wordy[:-1]
    n_words = np.bincount(line_of[word_start], minlength=n).astype(np.float64)
    return cps, starts, ends, counts, n_words, classes, line_of


@lru_cache(maxsize=1)
def _separator_table() -> np.ndarray:
    """``table[min(cp, len - 1)]`` is True for the code points of :data:`SEPARATORS`."""
    table = np.zeros(max(map(ord, SEPARATORS)) + 2, dtype=bool)
    table[[ord(c) for c in SEPARATORS]] = True
    return table


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


@lru_cache(maxsize=None)
def _set_table(chars: str) -> np.ndarray:
    """``table[min(cp, 0xFFFF)]`` is True for the code points of ``chars`` (all in the BMP)."""
    table = np.zeros(0x10000, dtype=bool)
    table[[ord(c) for c in chars]] = True
    table[0xFFFF] = False  # stands for every code point beyond the BMP
    return table


def _in_set(codes: np.ndarray, chars: str) -> np.ndarray:
    return _set_table(chars)[np.minimum(codes, 0xFFFF)]


def _casefolded_keys(lines: Sequence[str]) -> list[str]:
    """``line.strip().casefold()`` of every line, case-folded in one call over the joined text."""
    stripped = list(map(str.strip, lines))
    keys = "\n".join(stripped).casefold().split("\n")
    if len(keys) != len(stripped):  # a line holds a line break: fold one by one
        keys = [k.casefold() for k in stripped]
    return keys


def _document_blocks_slow(lines: Sequence[str], n_chars: np.ndarray, doc_lengths: Sequence[int]) -> np.ndarray:
    """:func:`_document_blocks` with Python word lists (used when a line holds a line break)."""
    n = len(lines)
    lengths = np.asarray(doc_lengths, dtype=np.int64)
    lengths = lengths[lengths > 0]
    dstart = np.cumsum(lengths) - lengths
    doc = np.repeat(np.arange(len(lengths)), lengths)
    first = dstart[doc]
    size = lengths[doc]
    rows = np.arange(n)
    index = (rows - first).astype(np.float64)
    rel_pos = index / np.maximum(size - 1, 1)
    keys = _casefolded_keys(lines)
    key_len = np.fromiter(map(len, keys), dtype=np.int64, count=n)

    # repetition within the document: a key's id is its first position in the batch
    seen: dict[str, int] = {}
    key_id = np.fromiter(map(seen.setdefault, keys, count()), dtype=np.int64, count=n)
    _, first_at, inverse, counts = np.unique(
        doc * n + key_id, return_index=True, return_inverse=True, return_counts=True
    )
    inverse = inverse.reshape(-1)
    repeats = counts[inverse].astype(np.float64)
    is_repeat_later = (first_at[inverse] < rows).astype(np.float64)

    # overlap with the title: Jaccard of word sets, and containment either way
    eligible = (key_len > 0) & (key_len <= TITLE_MAX_CHARS)
    cand = np.flatnonzero(eligible)
    word_lists = list(map(WORD_RE.findall, map(keys.__getitem__, cand.tolist())))
    n_words = np.fromiter(map(len, word_lists), dtype=np.int64, count=len(cand))
    words = list(chain.from_iterable(word_lists))
    vocab: dict[str, int] = {}
    word_id = np.fromiter(map(vocab.setdefault, words, count()), dtype=np.int64, count=len(words))
    m = len(words) + 1
    pairs = np.unique(np.repeat(cand, n_words) * m + word_id)  # distinct (line, word), by line
    pair_line, pair_word = pairs // m, pairs % m
    n_distinct = np.bincount(pair_line, minlength=n)
    title = dstart[doc]
    title_keys = pairs[title[pair_line] == pair_line]
    hit = np.zeros(len(pairs), dtype=bool)
    if len(title_keys):
        probe = title[pair_line] * m + pair_word
        at = np.minimum(np.searchsorted(title_keys, probe), len(title_keys) - 1)
        hit = title_keys[at] == probe
    inter = np.bincount(pair_line[hit], minlength=n)
    title_words = n_distinct[title]
    scored = eligible & (title_words > 0)
    overlap = np.zeros(n)
    jac = scored & (n_distinct > 0)
    overlap[jac] = inter[jac] / (n_distinct[jac] + title_words[jac] - inter[jac])
    contains = np.zeros(n)
    sel = np.flatnonzero(scored)
    if len(sel):
        ks = list(map(keys.__getitem__, sel.tolist()))
        ts = list(map(keys.__getitem__, title[sel].tolist()))
        key_in_title = np.fromiter(map(str.__contains__, ts, ks), dtype=bool, count=len(sel))
        title_in_key = np.fromiter(map(str.__contains__, ks, ts), dtype=bool, count=len(sel))
        contains[sel] = key_in_title | (
            (index[sel] > 0) & title_in_key & (key_len[sel] < 2 * key_len[title[sel]])
        )

    # characters before the line, length against the longest, density of long lines
    csum = np.cumsum(n_chars)
    chars_before = csum - n_chars - (csum - n_chars)[first]
    total = np.maximum(np.add.reduceat(n_chars, dstart)[doc], 1.0) if n else np.zeros(0)
    longest = np.maximum(np.maximum.reduceat(n_chars, dstart)[doc], 1.0) if n else np.zeros(0)
    # np.convolve(long_line, ones(7), "same")[:size] per document: the window is [i - 3, i + 3],
    # shifted for documents shorter than the kernel as numpy's "same" mode centres it.
    long_line = (n_chars >= 120).astype(np.int64)
    lsum = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(long_line, out=lsum[1:])
    centre = np.where(size >= 7, 3, (size - 1) // 2)
    lo = first + np.clip(rows - first + centre - 6, 0, size)
    hi = first + np.clip(rows - first + centre + 1, 0, size)
    long_density = (lsum[hi] - lsum[lo]) / 7.0
    cols = [
        rel_pos,
        (index == 0).astype(np.float64),
        (index == size - 1).astype(np.float64),
        np.log1p(size.astype(np.float64)),
        np.log1p(repeats),
        is_repeat_later,
        overlap,
        contains,
        chars_before / total,
        n_chars / longest,
        long_density,
    ]
    return np.stack(cols, axis=1)


def _doc_geometry(doc_lengths: Sequence[int], n: int):
    """Per line: document number, the document's first row and size, and the documents' starts."""
    lengths = np.asarray(doc_lengths, dtype=np.int64)
    lengths = lengths[lengths > 0]
    dstart = np.cumsum(lengths) - lengths
    doc = np.repeat(np.arange(len(lengths)), lengths)
    return doc, dstart[doc], lengths[doc], dstart


def _document_blocks(
    lines: Sequence[str], n_chars: np.ndarray, doc_lengths: Sequence[int], text=None, out=None
) -> np.ndarray:
    """Features of each line's place in its document: position, repetition, title overlap.

    Computed for all documents of the batch at once; a document's title is its first line.
    ``text`` is the batch's :func:`boilerline.features._fasttokens.prepare` result (the
    case-folded text and its word runs); title words are compared by 40-bit hashes of their
    case-folded text rather than as strings.  ``out``: an (n, 11) array to fill (float64 by default).
    """
    from ._compiled import CoreText
    from ._fasttokens import prepare, run_hashes

    n = len(lines)
    if isinstance(text, CoreText) and text.doc is not None:
        return _document_blocks_compiled(text, n_chars, doc_lengths, out)
    if text is None and n and _backend.CORE is not None:
        from ._compiled import text_stats

        text = text_stats(_backend.CORE, lines, doc_lengths, TITLE_MAX_CHARS)
        return _document_blocks_compiled(text, n_chars, doc_lengths, out)
    if text is None and n:
        text = prepare(lines)
    if text is None or n >= 1 << 23:
        D = _document_blocks_slow(lines, n_chars, doc_lengths)
        if out is None:
            return D
        out[:] = D
        return out
    if out is None:
        out = np.empty((n, len(_DOC_NAMES)))
    doc, first, size, dstart = _doc_geometry(doc_lengths, n)
    rows = np.arange(n)
    index = rows - first
    keys = list(map(str.strip, text.low.split("\n")))
    key_len = np.fromiter(map(len, keys), dtype=np.int64, count=n)

    # repetition within the document: equal keys (by first-seen id), grouped by a stable sort
    seen: dict[str, int] = {}
    key_id = np.fromiter(map(seen.setdefault, keys, count()), dtype=np.int64, count=n)
    order = np.lexsort((key_id, doc))
    sk, sd = key_id[order], doc[order]
    new = np.ones(n, dtype=bool)
    new[1:] = (sk[1:] != sk[:-1]) | (sd[1:] != sd[:-1])
    group = np.cumsum(new) - 1
    repeats = np.empty(n, dtype=np.int64)
    repeats[order] = np.bincount(group)[group]
    is_repeat_later = np.empty(n, dtype=bool)
    is_repeat_later[order] = ~new  # a stable sort keeps the first occurrence first

    # overlap with the title: Jaccard of word sets, and containment either way
    eligible = (key_len > 0) & (key_len <= TITLE_MAX_CHARS)
    run_line = np.repeat(rows, text.nruns)
    runs = np.flatnonzero(eligible[run_line])
    h = run_hashes(text, runs, 40)
    pairs = np.sort((run_line[runs].astype(np.uint64) << np.uint64(40)) | h)
    if len(pairs):
        keep = np.ones(len(pairs), dtype=bool)
        keep[1:] = pairs[1:] != pairs[:-1]
        pairs = pairs[keep]  # distinct (line, word), sorted
    pair_line = (pairs >> np.uint64(40)).astype(np.int64)
    n_distinct = np.bincount(pair_line, minlength=n)
    title = first
    inter = np.zeros(n, dtype=np.int64)
    if len(pairs):
        # (document, word) of every pair, looked up among those of the title lines (few)
        doc_word = (doc[pair_line].astype(np.uint64) << np.uint64(40)) | (pairs & np.uint64((1 << 40) - 1))
        titles = doc_word[title[pair_line] == pair_line]  # sorted: titles in order, words sorted
        if len(titles):
            at = np.minimum(np.searchsorted(titles, doc_word), len(titles) - 1)
            inter = np.bincount(pair_line[titles[at] == doc_word], minlength=n)
    title_words = n_distinct[title]
    scored = eligible & (title_words > 0)
    overlap = np.zeros(n)
    jac = scored & (n_distinct > 0)
    overlap[jac] = inter[jac] / (n_distinct[jac] + title_words[jac] - inter[jac])
    contains = np.zeros(n, dtype=bool)
    tlen = key_len[title]
    # key in title needs key_len <= title length; title in key a key at most twice as long
    for sel, fn in (
        (np.flatnonzero(scored & (key_len <= tlen)), None),
        (np.flatnonzero(scored & (index > 0) & (key_len >= tlen) & (key_len < 2 * tlen)), 1),
    ):
        if len(sel):
            ks = list(map(keys.__getitem__, sel.tolist()))
            ts = list(map(keys.__getitem__, title[sel].tolist()))
            a, b = (ts, ks) if fn is None else (ks, ts)
            contains[sel] |= np.fromiter(map(str.__contains__, a, b), dtype=bool, count=len(sel))

    return _fill_document_columns(out, n_chars, doc, first, size, dstart, index, repeats, is_repeat_later,
                                  overlap, contains)


def _fill_document_columns(out, n_chars, doc, first, size, dstart, index, repeats, is_repeat_later, overlap,
                           contains) -> np.ndarray:
    """Write :data:`_DOC_NAMES` into ``out`` from the per-line repetition and title results.

    Shared by the numpy and the compiled paths of :func:`_document_blocks`, so that every
    floating-point column is computed by the same numpy expressions.
    """
    n = len(n_chars)
    # characters before the line, length against the longest, density of long lines
    csum = np.cumsum(n_chars)
    chars_before = csum - n_chars - (csum - n_chars)[first]
    total = np.maximum(np.add.reduceat(n_chars, dstart)[doc], 1.0)
    longest = np.maximum(np.maximum.reduceat(n_chars, dstart)[doc], 1.0)
    long_line = (n_chars >= 120).astype(np.int64)
    lsum = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(long_line, out=lsum[1:])
    centre = np.where(size >= 7, 3, (size - 1) // 2)
    lo = first + np.clip(index + centre - 6, 0, size)
    hi = first + np.clip(index + centre + 1, 0, size)
    out[:, 0] = index / np.maximum(size - 1, 1)
    out[:, 1] = index == 0
    out[:, 2] = index == size - 1
    out[:, 3] = np.log1p(size.astype(np.float64))
    out[:, 4] = np.log1p(repeats.astype(np.float64))
    out[:, 5] = is_repeat_later
    out[:, 6] = overlap
    out[:, 7] = contains
    out[:, 8] = chars_before / total
    out[:, 9] = n_chars / longest
    out[:, 10] = (lsum[hi] - lsum[lo]) / 7.0
    return out


def _document_blocks_compiled(text, n_chars: np.ndarray, doc_lengths: Sequence[int], out=None) -> np.ndarray:
    """:func:`_document_blocks` from the compiled pass's per-line integers.

    ``text`` is a :class:`boilerline.features._compiled.CoreText`; its ``doc`` columns hold
    the case-folded key's length, repeats, whether the key occurred earlier in the document,
    the line's distinct words and those it shares with its title (by the same 40-bit word
    hashes as the numpy path), and whether the key and the title contain one another.
    """
    n = len(n_chars)
    if out is None:
        out = np.empty((n, len(_DOC_NAMES)))
    if n == 0:
        return out
    ds, names = text.doc, text.doc_names
    key_len, repeats, later, n_distinct, inter, contains = (
        ds[:, names.index(c)]
        for c in ("key_len", "repeats", "is_repeat_later", "distinct_words", "title_words_shared", "title_contains")
    )
    doc, first, size, dstart = _doc_geometry(doc_lengths, n)
    index = np.arange(n) - first
    eligible = (key_len > 0) & (key_len <= TITLE_MAX_CHARS)
    title_words = n_distinct[first]
    scored = eligible & (title_words > 0)
    overlap = np.zeros(n)
    jac = scored & (n_distinct > 0)
    overlap[jac] = inter[jac] / (n_distinct[jac] + title_words[jac] - inter[jac])
    return _fill_document_columns(out, n_chars, doc, first, size, dstart, index, repeats, later.astype(bool),
                                  overlap, contains.astype(bool))


#: Per pattern, code point sequences one of which every match contains (a line holding none
#: cannot match, so the pattern only runs over the lines that hold one).
_TRIGGERS = {
    "shortcode": ("[",),
    "placeholder": ("{", "%"),
    "url": ("http", "www.", ".c", ".o", ".n", ".h", ".p"),
    "email": ("@",),
    "handle": ("@", "#"),
    "copyright": ("©", "(c", "(C", "opyright"),
}
_PATTERNS = {
    "shortcode": SHORTCODE_RE, "placeholder": PLACEHOLDER_RE, "url": URL_RE,
    "email": EMAIL_RE, "handle": HANDLE_RE, "copyright": COPYRIGHT_RE,
}


@lru_cache(maxsize=1)
def _trigger_table() -> np.ndarray:
    """``table[min(cp, 255)]`` is True for the first code point of a :data:`_TRIGGERS` sequence."""
    table = np.zeros(256, dtype=bool)
    for seqs in _TRIGGERS.values():
        for seq in seqs:
            assert ord(seq[0]) < 255
            table[ord(seq[0])] = True
    return table


def _trigger_lines(cps: np.ndarray, line_of: np.ndarray, n: int) -> dict[str, np.ndarray]:
    """Per pattern of :data:`_PATTERNS`, which lines hold one of its :data:`_TRIGGERS`."""
    firsts = _trigger_table()
    pos = np.flatnonzero(firsts[np.minimum(cps, len(firsts) - 1)])
    head = cps[pos]
    found: dict[str, np.ndarray] = {}
    wanted: dict[str, np.ndarray] = {}
    for name, seqs in _TRIGGERS.items():
        hit = np.zeros(n, dtype=bool)
        for seq in seqs:
            if seq not in found:
                at = pos[head == ord(seq[0])]
                for j, ch in enumerate(seq[1:], 1):
                    at = at[at + j < len(cps)]
                    at = at[cps[at + j] == ord(ch)]
                found[seq] = line_of[at]
            hit[found[seq]] = True
        wanted[name] = hit
    return wanted


def _count_patterns(lines: Sequence[str], wanted: dict[str, np.ndarray]) -> dict[str, tuple]:
    """Per pattern, matches and matched characters per line, searching only the ``wanted`` lines."""
    n = len(lines)
    out = {}
    for name, pattern in _PATTERNS.items():
        sel = np.flatnonzero(wanted[name])
        cnt, chars = np.zeros(n), np.zeros(n)
        if len(sel):
            sub = list(map(lines.__getitem__, sel.tolist()))
            lengths = np.fromiter(map(len, sub), dtype=np.int64, count=len(sub))
            starts = np.zeros(len(sub), dtype=np.int64)
            starts[1:] = np.cumsum(lengths[:-1] + 1)
            cnt[sel], chars[sel] = _regex_counts(pattern, "\n".join(sub), starts)
        out[name] = (cnt, chars)
    return out


def _pattern_counts(lines: Sequence[str], cps: np.ndarray, line_of: np.ndarray) -> dict[str, tuple]:
    """Per pattern of :data:`_PATTERNS`, matches and matched characters per line.

    The same numbers as :func:`_regex_counts` over the whole text, but each pattern runs only
    over the lines that hold one of its :data:`_TRIGGERS` (joined again): most lines hold none.
    """
    return _count_patterns(lines, _trigger_lines(cps, line_of, len(lines)))


@lru_cache(maxsize=1)
def _trigger_sequences() -> tuple[tuple[str, ...], dict[str, int]]:
    """The distinct :data:`_TRIGGERS` sequences, and per pattern the bit mask of its own."""
    seqs = tuple(dict.fromkeys(seq for group in _TRIGGERS.values() for seq in group))
    masks = {name: sum(1 << seqs.index(seq) for seq in group) for name, group in _TRIGGERS.items()}
    return seqs, masks


def _date_counts(cps: np.ndarray, line_of: np.ndarray, n: int) -> np.ndarray:
    """Per line, the :data:`NUMBER_RE` matches that count as dates (see :func:`_date_mask`).

    Computed from the code points: a match is a maximal run of ASCII digits and of separators
    ``./:-`` that have a digit on both sides (what the greedy pattern consumes); it is a date
    when it holds such a separator or is four digits long.
    """
    digit = (cps - np.uint32(48)) < 10
    sep = ((cps - np.uint32(45)) < 3) | (cps == 58)
    joiner = np.zeros(len(cps), dtype=bool)
    if len(cps) > 2:
        joiner[1:-1] = sep[1:-1] & digit[:-2] & digit[2:]
    in_run = (digit | joiner).view(np.int8)
    d = np.diff(in_run, prepend=np.int8(0), append=np.int8(0))
    rs, re_ = np.flatnonzero(d == 1), np.flatnonzero(d == -1)
    if not len(rs):
        return np.zeros(n)
    cj = np.zeros(len(cps) + 1, dtype=np.int64)
    np.cumsum(joiner, out=cj[1:])
    date = ((re_ - rs) == 4) | (cj[re_] > cj[rs])
    return np.bincount(line_of[rs[date]], minlength=n).astype(np.float64)


def line_features(
    lines: Sequence[str], doc_lengths: Sequence[int] | None = None, _text=None, out=None
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
    _text, out
        Internal: the batch's case-folded text (``_fasttokens.prepare``) or compiled text pass
        (``_compiled.text_stats``) when the caller has it, and a float32 (n, n_features)
        array to fill.

    Returns
    -------
    X : ndarray of shape (len(lines), n_features), float32
    names : tuple of str
        Column names of ``X``.
    """
    n = len(lines)
    if n == 0:
        return np.zeros((0, len(LINE_FEATURE_NAMES)), dtype=np.float32), LINE_FEATURE_NAMES
    if doc_lengths is None:
        doc_lengths = [n]
    if sum(doc_lengths) != n:
        raise ValueError(f"doc_lengths add up to {sum(doc_lengths)}, not to the {n} lines given")
    core = _backend.CORE
    if core is not None:
        n_chars, counts, n_words, n_cap_words, sep_counts, first, last, first_class, date_n, wanted = (
            _line_stats_compiled(core, lines)
        )
    else:
        n_chars, counts, n_words, n_cap_words, sep_counts, first, last, first_class, date_n, wanted = (
            _line_stats_numpy(lines)
        )
    safe = np.maximum(n_chars, 1.0)
    letters = counts[:, _UPPER] + counts[:, _LOWER] + counts[:, _LETTER_OTHER]
    cased = np.maximum(counts[:, _UPPER] + counts[:, _LOWER], 1.0)
    pc = _count_patterns(lines, wanted)
    sc_n, sc_chars = pc["shortcode"]
    ph_n, ph_chars = pc["placeholder"]
    url_n, url_chars = pc["url"]
    email_n = pc["email"][0]
    handle_n = pc["handle"][0]
    copy_n = pc["copyright"][0]
    words = np.maximum(n_words, 1.0)
    cols = (
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
        (first_class == _UPPER),
        _in_set(first, "0123456789"),
        np.minimum(sc_n, 5.0),
        sc_chars / safe,
        ((sc_chars + ph_chars) / safe >= 0.95),
        np.minimum(ph_n, 5.0),
        np.minimum(url_n, 5.0),
        url_chars / safe,
        np.minimum(email_n, 3.0),
        np.minimum(handle_n, 5.0),
        np.minimum(date_n, 5.0),
        np.minimum(copy_n, 3.0),
        (counts[:, _DIGIT] == n_chars - counts[:, _SPACE] - counts[:, _PUNCT]),
        (n_words <= 3),
    )
    if out is None:
        out = np.empty((n, len(LINE_FEATURE_NAMES)), dtype=np.float32)
    for j, c in enumerate(cols):
        out[:, j] = c
    if _text is None and core is not None:
        from ._compiled import text_stats

        _text = text_stats(core, lines, doc_lengths, TITLE_MAX_CHARS)
    _document_blocks(lines, n_chars, doc_lengths, _text, out=out[:, len(cols):])
    return out, LINE_FEATURE_NAMES


def _line_stats_numpy(lines: Sequence[str]):
    """The per-line character statistics :func:`line_features` uses, with numpy.

    Returns
    -------
    tuple
        ``n_chars``, class ``counts`` (n, 8), ``n_words``, ``n_cap_words``, ``sep_counts``
        (float64), ``first`` / ``last`` code points (0 for an empty line), ``first_class``
        (-1 for an empty line), ``date_n`` (float64), and per pattern the lines to search.
    """
    n = len(lines)
    cps, starts, ends, counts, n_words, classes, line_of = _char_class_block(lines)
    n_chars = (ends - starts).astype(np.float64)
    first, last = _first_last(cps, starts, ends)
    wanted = _trigger_lines(cps, line_of, n)
    date_n = _date_counts(cps, line_of, n)
    # Capitalised words: an upper-case letter right after a non-letter.
    cap_start = classes == _UPPER
    if len(cps):
        cap_start[1:] &= classes[:-1] > _LETTER_OTHER
    n_cap_words = np.bincount(line_of[cap_start], minlength=n).astype(np.float64)
    sep_table = _separator_table()
    is_sep = sep_table[np.minimum(cps, len(sep_table) - 1)]
    sep_counts = np.bincount(line_of[is_sep], minlength=n).astype(np.float64)
    first_class = _first_class(classes, starts, ends)
    return n_chars, counts, n_words, n_cap_words, sep_counts, first, last, first_class, date_n, wanted


def _line_stats_compiled(core, lines: Sequence[str]):
    """:func:`_line_stats_numpy` computed by the compiled extension ``core`` in one pass per line."""
    names = core.STAT_NAMES
    stats = np.empty((len(lines), len(names)), dtype=np.int64)
    seqs, masks = _trigger_sequences()
    core.line_stats(lines, _full_class_table(), _separator_table(), seqs, stats)

    def col(name):
        return stats[:, names.index(name)]

    counts = stats[:, [names.index(c) for c in _CLASS_NAMES]].astype(np.float64)
    as_float = [col(c).astype(np.float64) for c in ("chars", "words", "cap_words", "separators")]
    triggers = col("triggers")
    wanted = {name: (triggers & mask) != 0 for name, mask in masks.items()}
    return (as_float[0], counts, *as_float[1:], col("first_cp"), col("last_cp"), col("first_class"),
            col("dates").astype(np.float64), wanted)


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
