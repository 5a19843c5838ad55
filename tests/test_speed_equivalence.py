"""The fast (batch-vectorised) feature and scoring code computes what the plain definitions do.

Each test runs an optimised function and a straightforward per-line reference computation
(written out here, the way the code read before it was vectorised) on the fixture pages plus
awkward lines (case folding that changes lengths, digits, unspaced scripts, characters beyond
the Basic Multilingual Plane, lone surrogates, lines at the length thresholds), and compares.
Models trained before the optimisation must keep giving the same outputs.

The per-character loops exist twice: in numpy (the definition) and, when it was built, in the
compiled extension ``boilerline.features._ccore``.  The tests taking the ``backend`` fixture
run under both; the ``test_compiled_*`` tests compare the two directly (on the fixtures,
generated text and, when present, the corpus).
"""

from __future__ import annotations

import re
import zlib

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import compiled_or_skip

from boilerline.features import _backend, extract_features, line_features, token_hashes
from boilerline.features.tokens import _line_tokens, _token_hashes_reference
from boilerline.model import LABELS, LineClassifier

AWKWARD = [
    "Straße ǅemal İstanbul ΣΑΣ ﬃ",
    "a",
    "x" * 100,
    "Hello, World! 2023-01-05 at 10:30 — ok",
    "日本語のテキストです。長い文章が続きます。",
    "\ud800abc def",
    "a b",
    "É" * 45,
    "𝒜𝒷𝒸 word 𝒜𝒷𝒸𝒹𝒻𝒽𝒾𝒿𝓀𝓁𝓂𝓃𝓅 end",
    "...",
    "[ad#ad-2] {{slot}} %%AD%% https://example.com user@example.org @handle #tag © 2024",
    "w" * 39 + " z",
    "  padded line  ",
    "Ünïcödé wörds ünd mehr Wörter hier, genau sechzig Zeichen lang!!",
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen",
    "مرحبا بكم في الموقع الإخباري",
    "Related Articles",
    "Related Articles",
]


@pytest.fixture(scope="module")
def docs(labelled_pages) -> list[list[str]]:
    pages = [labelled_pages[k][0] for k in sorted(labelled_pages)]
    return pages + [AWKWARD, AWKWARD[:1], AWKWARD[3:9]]


def _flat(docs):
    return [line for d in docs for line in d], [len(d) for d in docs]


# -- token hashes --------------------------------------------------------------------------------
def test_token_hashes_equal_crc32_of_each_token(docs, backend):
    lines, _ = _flat(docs)
    indptr, indices = token_hashes(lines)
    mask = (1 << 15) - 1
    expected = [
        [zlib.crc32(t.encode("utf-8", "surrogatepass")) & mask for t in _line_tokens(line)] for line in lines
    ]
    assert indptr.tolist() == np.cumsum([0] + [len(e) for e in expected]).tolist()
    assert indices.tolist() == [h for e in expected for h in e]
    assert indices.dtype == np.int32 and indptr.dtype == np.int64


def test_token_hashes_fall_back_for_embedded_newlines(backend):
    lines = ["first\nsecond", "Leave a Reply"]
    got = token_hashes(lines)
    ref = _token_hashes_reference(lines)
    np.testing.assert_array_equal(got[0], ref[0])
    np.testing.assert_array_equal(got[1], ref[1])


def test_token_hashes_empty_batch(backend):
    indptr, indices = token_hashes([])
    assert indptr.tolist() == [0] and indices.size == 0


# -- scoring -------------------------------------------------------------------------------------
def _random_classifier(n_dense: int, n_own: int, seed: int = 0) -> LineClassifier:
    rng = np.random.default_rng(seed)
    k = len(LABELS)
    n2 = k + len((-3, -2, -1, 1, 2, 3)) * (k + 1) + 2 * k + n_own
    arrays = {
        "s1_mean": rng.normal(size=n_dense), "s1_scale": rng.uniform(0.5, 2, size=n_dense),
        "s1_W0d": rng.normal(size=(n_dense, 16)) / 4, "s1_W0h": rng.normal(size=(1 << 15, 16)),
        "s1_b0": rng.normal(size=16), "s1_W1": rng.normal(size=(16, k)), "s1_b1": rng.normal(size=k),
        "s2_mean": rng.normal(size=n2), "s2_scale": rng.uniform(0.5, 2, size=n2),
        "s2_W0": rng.normal(size=(n2, 8)) / 4, "s2_b0": rng.normal(size=8),
        "s2_W1": rng.normal(size=(8, k)), "s2_b1": rng.normal(size=k),
    }
    return LineClassifier(arrays, {"labels": list(LABELS), "n_own_features": n_own})


def _stage1_reference(a, dense, indptr, indices):
    """First stage with one gathered weight row per token, summed per line."""
    h = dense.astype(np.float64) @ a["s1_W0d"]
    for i in range(len(indptr) - 1):
        rows = indices[indptr[i]:indptr[i + 1]]
        if len(rows):
            h[i] += a["s1_W0h"][rows].sum(axis=0) / np.sqrt(len(rows))
    h = np.maximum(h + a["s1_b0"], 0) @ a["s1_W1"] + a["s1_b1"]
    e = np.exp(h - h.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_stage1_equals_per_line_sum(docs, backend):
    lines, lengths = _flat(docs)
    lines = [x.strip() for x in lines]
    batch = extract_features(lines, lengths)
    clf = _random_classifier(batch.dense.shape[1], 32)
    dense = (batch.dense - clf._a["s1_mean"]) / clf._a["s1_scale"]
    got = clf._stage1(dense, batch.indptr, batch.indices)
    want = _stage1_reference(clf._a, dense, batch.indptr, batch.indices)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


# -- running summaries and the second stage's input ----------------------------------------------
def _running_summaries_reference(P, doc_lengths, decay=0.7):
    n, k = P.shape
    doc = np.repeat(np.arange(len(doc_lengths)), doc_lengths)
    before, after = np.zeros((n, k)), np.zeros((n, k))
    acc = np.zeros(k)
    for i in range(n):
        if i and doc[i] != doc[i - 1]:
            acc = np.zeros(k)
        before[i] = acc
        acc = decay * acc + P[i]
    acc = np.zeros(k)
    for i in range(n - 1, -1, -1):
        if i < n - 1 and doc[i] != doc[i + 1]:
            acc = np.zeros(k)
        after[i] = acc
        acc = decay * acc + P[i]
    return np.hstack([before, after]) * (1.0 - decay)


@pytest.mark.parametrize("doc_lengths", [[1], [5], [3, 0, 1, 70], [1, 1, 1], [300, 2, 33, 1]])
def test_running_summaries_equal_the_loop(doc_lengths, backend):
    from boilerline.features import running_summaries

    rng = np.random.default_rng(len(doc_lengths))
    P = rng.dirichlet(np.ones(4), size=sum(doc_lengths)).astype(np.float32)
    got, names = running_summaries(P, ["a", "b", "c", "d"], doc_lengths)
    assert names == ("before_a", "before_b", "before_c", "before_d", "after_a", "after_b", "after_c", "after_d")
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, _running_summaries_reference(P, doc_lengths), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("decays", [(0.7,), (0.7, 0.92)])
def test_stage2_inputs_equal_the_stacked_blocks(backend, decays):
    from boilerline.features import shift_within_documents
    from boilerline.model.classifier import STAGE2_OFFSETS, stage2_inputs

    doc_lengths = [4, 1, 0, 9, 2]
    rng = np.random.default_rng(3)
    P = rng.dirichlet(np.ones(len(LABELS)), size=sum(doc_lengths)).astype(np.float32)
    own = rng.normal(size=(sum(doc_lengths), 5)).astype(np.float32)
    blocks = [P]
    for off in STAGE2_OFFSETS:
        shifted, exists = shift_within_documents(P, off, doc_lengths)
        blocks += [shifted, exists[:, None]]
    blocks += [_running_summaries_reference(P, doc_lengths, d) for d in decays] + [own]
    want = np.hstack(blocks).astype(np.float32)
    got = stage2_inputs(P, own, LABELS, doc_lengths, decays=decays)
    assert got.shape == want.shape and got.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)


def test_split_blank_keeps_positions_and_refuses_non_strings(backend):
    from boilerline.model.classifier import _split_blank

    kept, where = _split_blank(["  a ", "", " \t", "b", "\u3000c"])
    assert kept == ["a", "b", "c"] and where.tolist() == [0, 3, 4] and where.dtype == np.int64
    with pytest.raises(TypeError, match="line 1 is a int"):
        _split_blank(["a", 3])


# -- per-line features ---------------------------------------------------------------------------
def _document_block_reference(lines, n_chars):
    """One document's position / repetition / title columns, a line at a time."""
    from boilerline.features.lines import TITLE_MAX_CHARS

    n = len(lines)
    index = np.arange(n, dtype=np.float64)
    keys = [line.strip().casefold() for line in lines]
    counts = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    first_seen = {}
    for i, key in enumerate(keys):
        first_seen.setdefault(key, i)
    title = keys[0]
    title_words = set(re.findall(r"\w+", title)) if len(title) <= TITLE_MAX_CHARS else set()
    overlap, contains = np.zeros(n), np.zeros(n)
    if title_words:
        for i, key in enumerate(keys):
            if len(key) > TITLE_MAX_CHARS or not key:
                continue
            words = set(re.findall(r"\w+", key))
            if words:
                overlap[i] = len(words & title_words) / len(words | title_words)
            contains[i] = float(key in title or (i > 0 and title in key and len(key) < 2 * len(title)))
    long_line = (n_chars >= 120).astype(np.float64)
    return np.stack([
        index / max(n - 1, 1),
        (index == 0).astype(np.float64),
        (index == n - 1).astype(np.float64),
        np.full(n, np.log1p(n)),
        np.log1p([counts[k] for k in keys]),
        np.array([first_seen[k] < i for i, k in enumerate(keys)], dtype=np.float64),
        overlap,
        contains,
        np.concatenate([[0.0], np.cumsum(n_chars)[:-1]]) / max(float(n_chars.sum()), 1.0),
        n_chars / max(float(n_chars.max()), 1.0),
        np.convolve(long_line, np.ones(7), mode="same")[:n] / 7.0,
    ], axis=1)


def _with_title_variants(docs):
    """Extra documents exercising the title columns: repeats, containment, short documents."""
    title = "Breaking: the Council votes on the 2024 budget"
    extra = [
        [title, "The council votes", "breaking: the council votes on the 2024 budget", "Budget",
         title + " - Example News", "x" * 130, "y" * 125, title, "", "Council"],
        ["Only one line"], ["A title", "a title", "A TITLE!"],
        ["z" * 401, "z" * 401, "words here"],
        ["   ", "...", "title words", "---"],
        ["t"] + ["q" * 120] * 5,
    ]
    return docs + extra


def test_document_blocks_equal_the_per_document_loop(docs, backend):
    from boilerline.features.lines import _document_blocks

    docs = _with_title_variants(docs)
    lines, lengths = _flat(docs)
    n_chars = np.array([len(x) for x in lines], dtype=np.float64)
    got = _document_blocks(lines, n_chars, lengths + [0])
    bounds = np.cumsum([0] + lengths)
    want = np.vstack([
        _document_block_reference(lines[a:b], n_chars[a:b]) for a, b in zip(bounds[:-1], bounds[1:]) if b > a
    ])
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)


def test_character_counts_equal_a_per_character_loop(docs, backend):
    from boilerline.features import LINE_FEATURE_NAMES, line_features
    from boilerline.features import lines as L

    lines, lengths = _flat(docs)
    table = L._class_table()
    cps, starts, ends, counts, n_words, classes, _ = L._char_class_block(lines)
    X, _ = line_features(lines, lengths)
    for i, line in enumerate(lines):
        cls = [int(table[ord(c)]) if ord(c) < 0x10000 else L._LETTER_OTHER for c in line]
        assert counts[i].tolist() == [cls.count(k) for k in range(len(L._CLASS_NAMES))], line
        starts_word = [c <= L._DIGIT and (j == 0 or cls[j - 1] > L._DIGIT) for j, c in enumerate(cls)]
        assert n_words[i] == sum(starts_word), line
        words = max(sum(starts_word), 1)
        caps = sum(c == L._UPPER and (j == 0 or cls[j - 1] > L._LETTER_OTHER) for j, c in enumerate(cls))
        seps = sum(ch in L.SEPARATORS for ch in line)
        np.testing.assert_allclose(X[i, LINE_FEATURE_NAMES.index("frac_capitalised_words")], caps / words, rtol=1e-6)
        np.testing.assert_allclose(X[i, LINE_FEATURE_NAMES.index("separators_per_word")], seps / words, rtol=1e-6)


@pytest.mark.parametrize("name", ["SHORTCODE_RE", "PLACEHOLDER_RE", "URL_RE", "EMAIL_RE", "HANDLE_RE",
                                  "NUMBER_RE", "COPYRIGHT_RE"])
def test_regex_counts_equal_finditer_per_line(docs, name):
    from boilerline.features import lines as L

    pattern = getattr(L, name)
    lines, _ = _flat(docs)
    lines = lines + ["2024-01-01 12 1999 3.14 12345", "[/x] [y a=1] {% if %} {{ a }} %%AD%% (c) ©"]
    text = "\n".join(lines)
    starts = np.cumsum([0] + [len(x) + 1 for x in lines[:-1]])
    keep = L._date_mask if name == "NUMBER_RE" else None
    n, chars = L._regex_counts(pattern, text, starts, keep=keep)
    for i, line in enumerate(lines):
        ms = [m.group() for m in pattern.finditer(line)]
        if keep is not None:
            ms = [m for m in ms if len(m) == 4 or not m.isdigit()]
        assert (n[i], chars[i]) == (len(ms), sum(map(len, ms))), line


def test_prefiltered_pattern_counts_equal_the_whole_text_split(docs):
    """Running each pattern only over the lines holding one of its triggers changes nothing."""
    from boilerline.features import lines as L

    lines, _ = _flat(docs)
    lines = lines + ["2024-01-01 12 1999 3.14 12345", "[/x] [y a=1] {% if %} {{ a }} %%AD%% (c) ©",
                     "see www.example.org/a or http://x.y and a.com b.php c.html", "Copyright 2020 (C) x@y.fr #t"]
    cps, starts, ends, _, _, _, line_of = L._char_class_block(lines)
    got = L._pattern_counts(lines, cps, line_of)
    text = "\n".join(lines)
    for name, pattern in L._PATTERNS.items():
        want = L._regex_counts(pattern, text, starts)
        np.testing.assert_array_equal(got[name][0], want[0], err_msg=name)
        np.testing.assert_array_equal(got[name][1], want[1], err_msg=name)
    want_dates, _ = L._regex_counts(L.NUMBER_RE, text, starts, keep=L._date_mask)
    more = ["1.2.3 1..2 1-2- 12:30:00 -5 2024. .2024 1/2/ 0000 99999 ١٢٣٤", "1", "a1b22c333d4444"]
    cps2, starts2, _, _, _, _, line_of2 = L._char_class_block(more)
    np.testing.assert_array_equal(L._date_counts(cps, line_of, len(lines)), want_dates)
    np.testing.assert_array_equal(
        L._date_counts(cps2, line_of2, len(more)),
        L._regex_counts(L.NUMBER_RE, "\n".join(more), starts2, keep=L._date_mask)[0],
    )


def test_word_run_hashes_equal_for_equal_words(docs):
    from boilerline.features._fasttokens import prepare, run_hashes

    lines, _ = _flat(docs)
    text = prepare(lines)
    runs = np.arange(len(text.rs))
    h = run_hashes(text, runs).tolist()
    words = [text.low[a:b] for a, b in zip(text.rs.tolist(), text.re_.tolist())]
    by_word = {}
    for w, x in zip(words, h):
        assert by_word.setdefault(w, x) == x, w
    assert len(set(by_word.values())) == len(by_word)  # no collisions among these words
    assert max(h) < 1 << 40


# -- the compiled loops against the numpy ones ---------------------------------------------------
#: Lines the numpy code handles on its slower paths (a line break inside a line), or that sit
#: at the edges of the compiled loops' logic (empty, padded, thresholds of the token lengths).
EDGE_LINES = [
    "", " ", "first\nsecond", "a\n", "\nb", "x" * 40, "x" * 41, "é" * 40, "ß" * 20, "ß" * 21,
    "1-2", "1-", "-1", "12:30:00", "2024", "20245", "1.2.3", "x1.2y", "a--1", "9/", "/9",
    "[", "[a]", "http", "htt", "www.", "www", ".c", "(c", "(C)", "opyright", "©",
    "\ud800", "\udfff x \ud83d", "İİ", "ŉ ǰ ΐ", "\u0345\u03c2\u03a3", "\U00010400\U00010428 𐐀",
    "word" * 30, " leading", "trailing ", "\u3000wide\u3000", "a" * 12 + "b" * 12, "_" * 5,
]


def _assert_same_features(got, want):
    np.testing.assert_array_equal(got.indptr, want.indptr)
    np.testing.assert_array_equal(got.indices, want.indices)
    assert got.names == want.names and got.dense.dtype == want.dense.dtype == np.float32
    assert got.dense.shape == want.dense.shape
    diff = np.abs(got.dense.astype(np.float64) - want.dense.astype(np.float64))
    assert diff.max(initial=0.0) <= 1e-6, got.names[int(diff.max(axis=0).argmax())]


def _both(monkeypatch, fn):
    """``fn()`` with the compiled loops, then with numpy's."""
    core = compiled_or_skip()
    monkeypatch.setattr(_backend, "CORE", core)
    compiled = fn()
    monkeypatch.setattr(_backend, "CORE", None)
    return compiled, fn()


def test_compiled_extension_matches_the_numpy_column_layout():
    core = compiled_or_skip()
    from boilerline.features import lines as L

    assert core.CLASS_NAMES == L._CLASS_NAMES
    assert core.STAT_NAMES[: len(L._CLASS_NAMES)] == L._CLASS_NAMES


@pytest.mark.parametrize("strip", [True, False])
def test_compiled_features_equal_numpy_on_fixtures(docs, monkeypatch, strip):
    docs = _with_title_variants(docs) + [EDGE_LINES, EDGE_LINES[::-1], ["only"]]
    if strip:  # what labelling passes: stripped, non-blank lines
        docs = [[x.strip() for x in d if x.strip()] for d in docs]
        docs = [d for d in docs if d]
    lines, lengths = _flat(docs)
    got, want = _both(monkeypatch, lambda: extract_features(lines, lengths + [0]))
    _assert_same_features(got, want)
    got, want = _both(monkeypatch, lambda: token_hashes(lines))
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])
    got, want = _both(monkeypatch, lambda: line_features(lines, lengths)[0])
    np.testing.assert_array_equal(got, want)


def test_compiled_lexicon_words_equal_numpy(monkeypatch):
    """Credit and ad words: whole \\w runs of the case-folded line only, in every script."""
    from boilerline.features.lexicon import AD_WORDS, CREDIT_WORDS, CUE_LISTS, _word_counts

    words = list(CREDIT_WORDS[:12]) + list(AD_WORDS[:12]) + ["写真", "광고", "إعلان", "Реклама", "FOTÓ", "İmage"]
    words += [ws[k] for ws in CUE_LISTS.values() for k in (0, -1)]
    lines = [f"{pre}{w}{post}" for w in words for pre, post in
             (("", ""), ("Caption text. ", ": Name"), ("(", ")"), ("x", ""), ("", "_1"), ("ẞ ", " ß"))]
    lines += EDGE_LINES + [w.upper() for w in words] + ["\ud800foto\ud800", "foto" * 3, "𝒜 photo 𝒜"]
    got, want = _both(monkeypatch, lambda: _word_counts(lines))
    np.testing.assert_array_equal(got, want)
    assert (want[:, 0:-1:2].sum(axis=1) > 0).sum() >= len(words)  # the test lines do hold list words


def test_lexicon_words_are_single_words():
    # the compiled loop compares whole \\w runs; a listed phrase ("ap photo") would match in
    # the regular expressions only
    # and a word in two lists would be counted in one of them only (the compiled lookup keeps
    # one kind per word)
    from boilerline.features.lexicon import AD_WORDS, CREDIT_WORDS, CUE_LISTS

    lists = [CREDIT_WORDS, AD_WORDS, *CUE_LISTS.values()]
    for w in (w for ws in lists for w in ws):
        assert re.fullmatch(r"\w+", w.casefold()), w
    folded = [{w.casefold() for w in ws} for ws in lists]
    assert sum(map(len, folded)) == len(set().union(*folded))


def test_compiled_features_of_an_empty_batch(monkeypatch):
    got, want = _both(monkeypatch, lambda: extract_features([]))
    _assert_same_features(got, want)
    assert got.dense.shape[0] == 0 and got.indptr.tolist() == [0]


def test_compiled_loops_refuse_non_strings(monkeypatch):
    monkeypatch.setattr(_backend, "CORE", compiled_or_skip())
    with pytest.raises(TypeError, match="line 1 is a int"):
        extract_features(["a", 3])


#: Text the generated lines are made of: any character but surrogates, plus a dense mix of
#: the characters the features look at (digits and date separators, pattern triggers, case
#: folding that changes lengths, astral letters, line breaks and Unicode spaces).
_ANY = st.characters(exclude_categories=("Cs",))
_FOCUS = st.sampled_from(list("aZz ß İ 0129-./:|·•»,;[]{}%@#©()chtpwoCmr_\n\t\u3000\u00a0Σς")
                         + ["𝒜", "ǅ", "ﬃ", "𐐀", "ŉ", "日", "ا", "\u0301", "\U0010fffd"])
_LINE = st.one_of(st.text(_ANY, max_size=60), st.text(_FOCUS, max_size=130),
                  st.builds(lambda a, b: a + b, st.text(_FOCUS, max_size=50), st.text(_ANY, max_size=20)))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(_LINE, min_size=0, max_size=12), min_size=1, max_size=5))
def test_compiled_features_equal_numpy_on_generated_text(monkeypatch, documents):
    lines, lengths = _flat(documents)
    got, want = _both(monkeypatch, lambda: extract_features(lines, lengths))
    _assert_same_features(got, want)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(_LINE, min_size=1, max_size=8), min_size=1, max_size=4))
def test_compiled_features_equal_numpy_on_repeated_titles(monkeypatch, documents):
    """Documents whose lines repeat, contain or extend their title (the title columns)."""
    documents = [[d[0]] + [x for line in d for x in (line, d[0], d[0] + line, d[0][: len(d[0]) // 2])]
                 for d in documents]
    lines, lengths = _flat(documents)
    got, want = _both(monkeypatch, lambda: extract_features(lines, lengths))
    _assert_same_features(got, want)


def test_compiled_features_equal_numpy_on_corpus_pages(corpus_root, monkeypatch):
    pytest.importorskip("lxml")
    import csv
    import gzip

    from boilerline.model.classifier import _split_blank
    from boilerline.training.render import render_lines

    with open(corpus_root / "MANIFEST.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    by_source: dict[str, list[dict]] = {}
    for r in rows:
        by_source.setdefault(r["source"], []).append(r)
    docs = []
    for group in by_source.values():  # a few pages of every source: all the languages
        for r in group[:3]:
            try:
                with gzip.open(corpus_root / r["path"], "rb") as fh:
                    kept, _ = _split_blank(render_lines(fh.read()))
            except OSError:
                continue
            if kept:
                docs.append(kept)
    assert docs
    lines, lengths = _flat(docs)
    got, want = _both(monkeypatch, lambda: extract_features(lines, lengths))
    _assert_same_features(got, want)


def test_compiled_predictions_equal_numpy(labelled_pages, monkeypatch):
    from boilerline.model import load_model

    clf = load_model()
    pages = [labelled_pages[k][0] for k in sorted(labelled_pages)] + [EDGE_LINES, AWKWARD]
    got, want = _both(monkeypatch, lambda: clf.predict_proba_documents(pages))
    for g, w in zip(got, want):
        assert np.abs(g - w).max(initial=0.0) <= 1e-6
        np.testing.assert_array_equal(g.argmax(axis=1), w.argmax(axis=1))


def test_compiled_loops_take_a_long_line_and_a_long_document(monkeypatch):
    """A 10-million-character line, and a million-line document, in the compiled loops."""
    monkeypatch.setattr(_backend, "CORE", compiled_or_skip())
    long_line = ("Word, 2024-01-05 ß ") * 500_000 + "end."
    lines = ["Title", long_line, "Title"]
    batch = extract_features(lines, [3])
    X = dict(zip(batch.names, batch.dense[1]))
    assert X["log_chars"] == pytest.approx(np.log1p(len(long_line)))
    assert X["n_dates"] == 5  # capped
    assert batch.dense[2, batch.names.index("doc_is_repeat_later")] == 1.0
    assert batch.indptr[-1] == len(batch.indices) and len(batch.indices) > 0

    n = 1_000_000
    many = ["Menu", "Home", "A story line that is long enough to be body text."] * (n // 3) + ["Menu"]
    X, names = line_features(many, [len(many)])
    assert X.shape == (len(many), len(names))
    repeats = X[:, names.index("doc_log_repeats")]
    assert repeats[0] == pytest.approx(np.log1p(n // 3 + 1)) and repeats[1] == pytest.approx(np.log1p(n // 3))
    later = X[:, names.index("doc_is_repeat_later")]
    assert later[:3].tolist() == [0.0, 0.0, 0.0] and later[3:].min() == 1.0


def test_compiled_loops_give_the_same_results_from_several_threads(docs, monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.setattr(_backend, "CORE", compiled_or_skip())
    lines, lengths = _flat(docs * 20)
    want = extract_features(lines, lengths)
    with ThreadPoolExecutor(4) as pool:
        for got in pool.map(lambda _: extract_features(lines, lengths), range(8)):
            _assert_same_features(got, want)


@pytest.mark.parametrize("value, pure", [("1", True), ("yes", True), ("0", False), ("", False)])
def test_environment_variable_selects_the_numpy_loops(value, pure):
    import importlib.util
    import os
    import subprocess
    import sys

    built = importlib.util.find_spec("boilerline.features._ccore") is not None
    env = dict(os.environ, **{_backend.PURE_PYTHON_ENV: value})
    out = subprocess.run([sys.executable, "-c", "import boilerline.features as f; print(f.BACKEND)"],
                         env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert out == ("c" if built and not pure else "numpy")


@pytest.mark.parametrize("doc_lengths", [[1], [5], [3, 0, 1, 70], [1, 1, 1], [300, 2, 33, 1], [2000]])
def test_compiled_running_summaries_equal_numpy(doc_lengths, monkeypatch):
    from boilerline.features import running_summaries

    rng = np.random.default_rng(sum(doc_lengths))
    P = rng.dirichlet(np.ones(8), size=sum(doc_lengths)).astype(np.float32)
    (got, names), (want, want_names) = _both(monkeypatch, lambda: running_summaries(P, list("abcdefgh"), doc_lengths))
    assert names == want_names and got.dtype == want.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)
    out = np.full((len(P), 16), np.nan, dtype=np.float32)
    monkeypatch.setattr(_backend, "CORE", compiled_or_skip())
    assert running_summaries(P, list("abcdefgh"), doc_lengths, out=out)[0] is out
    np.testing.assert_array_equal(out, got)


def test_compiled_stage1_token_rows_equal_scipy(docs, monkeypatch):
    lines, lengths = _flat(docs)
    batch = extract_features(lines, lengths)
    clf = _random_classifier(batch.dense.shape[1], 32)
    dense = (batch.dense - clf._a["s1_mean"]) / clf._a["s1_scale"]
    got, want = _both(monkeypatch, lambda: clf._stage1(dense.copy(), batch.indptr, batch.indices))
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)
    core = compiled_or_skip()
    with pytest.raises(ValueError, match="out of range"):
        core.add_token_rows(np.array([0, 1]), np.array([1 << 15], dtype=np.int32), clf._a["s1_W0h"], 1,
                            clf._a["s1_W0h"].shape[1], np.zeros((1, clf._a["s1_W0h"].shape[1]), np.float32))


def test_compiled_case_folding_of_every_code_point(monkeypatch):
    """The compiled loops fold each code point as str.casefold does.

    Every code point three times makes a trigram token of its folded text; the code points
    that casefold changes also go through all features (keys and title words are folded).
    """
    cps = [c for c in range(0x110000) if c != 10]  # "\n" would send numpy to the definition
    got, want = _both(monkeypatch, lambda: token_hashes([chr(c) * 3 for c in cps]))
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])
    changed = [chr(c) for c in cps if chr(c).casefold() != chr(c)]
    assert len(changed) > 1000
    lines = ["Title " + "".join(changed[:50])] + [c * 3 + " a" + c for c in changed] + changed
    got, want = _both(monkeypatch, lambda: extract_features(lines, [len(lines)]))
    _assert_same_features(got, want)


def test_compiled_loops_check_their_arguments():
    """Wrong types, shapes or sizes raise errors instead of reading or writing out of bounds."""
    core = compiled_or_skip()
    from boilerline.features import lines as L
    from boilerline.features._compiled import _word_bytes

    table, seps = L._full_class_table(), L._separator_table()
    stats = np.empty((2, len(core.STAT_NAMES)), dtype=np.int64)
    with pytest.raises(ValueError, match="out"):
        core.line_stats(["a", "b"], table, seps, (), stats[:1])
    with pytest.raises(ValueError, match="class_table"):
        core.line_stats(["a"], table[:10], seps, (), stats)
    with pytest.raises(ValueError, match="out"):
        core.line_stats(["a"], table, seps, (), stats.astype(np.float64))
    with pytest.raises(ValueError, match="trigger"):
        core.line_stats(["a"], table, seps, ("",), stats)
    with pytest.raises(TypeError):
        core.line_stats([b"a"], table, seps, (), stats)

    params = (4, 60, 30, 40, 8, 12, 400, 1 << 15)
    indptr, indices = np.empty(3, np.int64), np.empty(30, np.int32)
    doc = np.empty((2, len(core.DOC_STAT_NAMES)), np.int64)
    with pytest.raises(ValueError, match="add up"):
        core.text_stats(["a", "b"], np.array([1], np.int64), _word_bytes(), params, indptr, indices, doc)
    with pytest.raises(ValueError, match="negative"):
        core.text_stats(["a", "b"], np.array([3, -1], np.int64), _word_bytes(), params, indptr, indices, doc)
    with pytest.raises(ValueError, match="indices"):
        core.text_stats(["a", "b"], np.array([2], np.int64), _word_bytes(), params, indptr, indices[:5], doc)
    with pytest.raises(ValueError, match="parameters"):
        core.text_stats(["a"], np.array([1], np.int64), _word_bytes(), params[:-1] + (1000,), indptr, indices, doc)

    P = np.zeros((3, 2), np.float32)
    out = np.zeros((3, 4), np.float32)
    for lengths in ([2, -1, 2], [1, 1]):
        with pytest.raises(ValueError):
            core.running_sums(P, 3, 2, np.array(lengths, np.int64), 0.7, out)
    W = np.zeros((4, 2), np.float32)
    h = np.zeros((1, 2), np.float32)
    with pytest.raises(ValueError, match="indptr"):
        core.add_token_rows(np.array([0, 3]), np.array([1], np.int32), W, 1, 2, h)
    with pytest.raises(ValueError, match="decreases"):
        core.add_token_rows(np.array([0, 1, 0]), np.array([1], np.int32), W, 2, 2, np.zeros((2, 2), np.float32))


@pytest.mark.parametrize("decays", [(0.7,), (0.7, 0.92)])
@pytest.mark.parametrize("doc_lengths", [[4, 1, 0, 9, 2], [1], [700, 3]])
def test_compiled_stage2_inputs_equal_numpy(doc_lengths, decays, monkeypatch):
    from boilerline.model.classifier import STAGE2_OFFSETS, stage2_inputs

    rng = np.random.default_rng(len(doc_lengths))
    n, k = sum(doc_lengths), len(LABELS)
    P = rng.dirichlet(np.ones(k), size=n).astype(np.float32)
    own = rng.normal(size=(n, 7)).astype(np.float32)
    width = k + len(STAGE2_OFFSETS) * (k + 1) + 2 * k * len(decays) + 7
    mean = rng.normal(size=width).astype(np.float32)
    scale = rng.uniform(0.5, 2.0, size=width).astype(np.float32)
    for args in ((), (mean, scale)):
        got, want = _both(monkeypatch, lambda: stage2_inputs(P, own, LABELS, doc_lengths, *args, decays=decays))
        assert got.shape == want.shape == (n, width) and got.dtype == want.dtype == np.float32
        # the running summaries differ in the last float32 bit at most; every other block is a copy
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)


_SPACES = st.sampled_from(list(" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2028\u3000\u200b\ufeffa"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(_LINE, st.text(_SPACES, max_size=6),
                          st.builds(lambda a, b, c: a + b + c, st.text(_SPACES, max_size=3), _LINE,
                                    st.text(_SPACES, max_size=3))), max_size=20))
def test_compiled_split_blank_equals_numpy(monkeypatch, lines):
    from boilerline.model.classifier import _split_blank

    (kept, where), (want_kept, want_where) = _both(monkeypatch, lambda: _split_blank(lines))
    assert kept == want_kept and all(type(x) is str for x in kept)
    np.testing.assert_array_equal(where, want_where)
    assert where.dtype == np.int64


@pytest.mark.parametrize("decays", [(0.7,), (0.7, 0.92)])
def test_stage2_inputs_standardised_in_place_equal_standardising_after(backend, decays):
    from boilerline.model.classifier import stage2_inputs

    doc_lengths = [3, 7, 1]
    rng = np.random.default_rng(5)
    P = rng.dirichlet(np.ones(len(LABELS)), size=11).astype(np.float32)
    own = rng.normal(size=(11, 4)).astype(np.float32)
    raw = stage2_inputs(P, own, LABELS, doc_lengths, decays=decays)
    mean = rng.normal(size=raw.shape[1]).astype(np.float32)
    scale = rng.uniform(0.5, 2.0, size=raw.shape[1]).astype(np.float32)
    got = stage2_inputs(P, own, LABELS, doc_lengths, mean, scale, decays=decays)
    np.testing.assert_allclose(got, (raw - mean) / scale, rtol=1e-5, atol=1e-6)
