"""Tests of training/synthetic.py: word-list coverage, labels, and document augmentation."""

import copy
import random
import re

import pytest

from boilerline.features.lines import PLACEHOLDER_RE, SHORTCODE_RE
from boilerline.model.labels import LABELS
from boilerline.training.synthetic import (
    BLOCK_DATA,
    BLOCKS,
    LANGUAGES,
    augment_dataset,
    augment_document,
    caseless_table,
    CASELESS_ALPHABETS,
    to_caseless_script,
    normalise_language,
    shortcode,
    shortcode_line,
)

EXPECTED_LABEL = {"ads": "ad shortcode", "captions": "caption", "tags": "tag", "related": "related-link",
                  "read_also": "related-link", "comments": "comment widget", "share": "other", "newsletter": "other",
                  "account": "other"}
_LATIN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ɏ]")
UNFILLED = re.compile(r"\{(?:place|person|topic|n|date|month|d|dd|mm|y|h|mi|i|q|qe|k|big|big2|side|w)\}")


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    else:
        for v in value:
            yield from _strings(v)


def test_languages_cover_the_required_set():
    assert {"fr", "en", "de", "es", "pt", "it", "nl", "ar"} <= set(LANGUAGES)


@pytest.mark.parametrize("kind", sorted(BLOCK_DATA))
def test_every_language_has_every_word_list(kind):
    data = BLOCK_DATA[kind]
    assert set(data) == set(LANGUAGES), kind
    first = data[LANGUAGES[0]]
    for lang in LANGUAGES:
        if isinstance(first, dict):
            assert set(data[lang]) == set(first), (kind, lang)
        for s in _strings(data[lang]):
            assert all(alt.strip() for alt in s.split("|")), (kind, lang, s)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_block_kind_in_every_language(lang):
    for kind, make in BLOCKS.items():
        for seed in range(30):
            block = make(random.Random(seed), lang)
            assert block, (kind, lang)
            for line, label in block:
                assert label == EXPECTED_LABEL[kind] or (kind, label) == ("ads", "ad shortcode")
                assert label in LABELS
                assert line == line.strip() and line and "\n" not in line, (kind, line)
                assert not UNFILLED.search(line), (kind, line)


def test_blocks_vary():
    for kind, make in BLOCKS.items():
        outputs = {tuple(make(random.Random(seed), "fr")) for seed in range(20)}
        assert len(outputs) >= 5, kind


def test_shortcodes_match_the_feature_regex():
    rng = random.Random(0)
    for _ in range(2000):
        code = shortcode(rng)
        assert SHORTCODE_RE.fullmatch(code), code
        line = shortcode_line(rng)
        if line.startswith("["):
            assert SHORTCODE_RE.match(line), line
        elif not line.startswith("["):
            assert PLACEHOLDER_RE.fullmatch(line), line


def test_seed_style_typographic_quotes_are_generated():
    rng = random.Random(1)
    codes = {shortcode(rng) for _ in range(3000)}
    assert any("= »" in c for c in codes)
    assert any("”" in c for c in codes)
    assert any(c.startswith("[wp_ad_camp_") for c in codes)
    assert any(c.startswith("[/") for c in codes)


def test_hash_shortcodes_are_recognised():
    assert SHORTCODE_RE.fullmatch("[ad#ad-2]")


def _is_subsequence(lines, labels, new_lines, new_labels):
    it = iter(zip(new_lines, new_labels))
    return all(pair in it for pair in zip(lines, labels))


def _inserted(lines, labels, new_lines, new_labels):
    """Positions of the augmented document's lines that are not from the original."""
    k, extra = 0, []
    for j, pair in enumerate(zip(new_lines, new_labels)):
        if k < len(lines) and pair == (lines[k], labels[k]):
            k += 1
        else:
            extra.append(j)
    assert k == len(lines)
    return extra


def test_augment_keeps_the_original_and_does_not_mutate(labelled_pages):
    for name, (lines, labels) in labelled_pages.items():
        lang = name.split("_")[0]
        before = copy.deepcopy((lines, labels))
        for seed in range(25):
            new_lines, new_labels = augment_document(lines, labels, lang, random.Random(seed))
            assert (lines, labels) == before
            assert len(new_lines) == len(new_labels) > len(lines)
            assert _is_subsequence(lines, labels, new_lines, new_labels), (name, seed)
            assert all(label is None or label in LABELS for label in new_labels)


def test_augment_is_deterministic(labelled_pages):
    lines, labels = labelled_pages["fr_wordpress"]
    a = augment_document(lines, labels, "fr", random.Random(7))
    b = augment_document(lines, labels, "fr", random.Random(7))
    assert a == b
    outputs = {tuple(augment_document(lines, labels, "fr", random.Random(s))[0]) for s in range(10)}
    assert len(outputs) > 5


def test_augment_places_blocks_realistically(labelled_pages):
    after_body = {"tag", "comment widget"}
    for name, (lines, labels) in labelled_pages.items():
        if "body" not in labels:
            continue
        for seed in range(25):
            new_lines, new_labels = augment_document(lines, labels, None, random.Random(seed))
            last_body = max(j for j, lab in enumerate(new_labels) if lab == "body")
            first_body = new_labels.index("body")
            for j in _inserted(lines, labels, new_lines, new_labels):
                if new_labels[j] in after_body:
                    assert j > last_body, (name, seed, new_lines[j])
                if new_labels[j] == "related-link" and j < last_body:
                    assert j > first_body  # only an inline "Read also" line inside the article


def test_augment_inserts_matching_shortcodes(labelled_pages):
    seen = 0
    for name, (lines, labels) in labelled_pages.items():
        for seed in range(40):
            new_lines, new_labels = augment_document(lines, labels, name[:2], random.Random(seed))
            for j in _inserted(lines, labels, new_lines, new_labels):
                line = new_lines[j]
                if new_labels[j] == "ad shortcode" and line.startswith("["):
                    assert SHORTCODE_RE.match(line), line
                    seen += 1
    assert seen > 20


def test_documents_without_body_only_grow_at_the_end():
    lines = ["Home", "News", "Contact", "Some listing title"]
    labels = ["other", "other", None, "related-link"]
    for seed in range(30):
        new_lines, new_labels = augment_document(lines, labels, "xx", random.Random(seed))
        assert new_lines[: len(lines)] == lines and new_labels[: len(labels)] == labels
        assert len(new_lines) > len(lines)
        assert "body" not in new_labels and "headline" not in new_labels
    assert augment_document([], [], "en", random.Random(0))[0]


def test_augment_rejects_mismatched_lengths():
    with pytest.raises(ValueError):
        augment_document(["a", "b"], ["body"], "en", random.Random(0))


def test_normalise_language():
    assert normalise_language("fr-FR") == "fr"
    assert normalise_language("PT_br") == "pt"
    assert normalise_language("unk") is None
    assert normalise_language(None) is None


def test_augment_dataset(labelled_pages):
    docs = [(lines, labels, name[:2]) for name, (lines, labels) in sorted(labelled_pages.items())] * 3
    before = copy.deepcopy(docs)
    a = augment_dataset(docs, fraction=0.5, seed=3, p_caseless=0.3)
    assert a == augment_dataset(docs, fraction=0.5, seed=3, p_caseless=0.3)
    assert a != augment_dataset(docs, fraction=0.5, seed=4, p_caseless=0.3)
    assert docs == before
    assert len(a) == round(0.5 * len(docs))
    assert len({x.index for x in a}) == len(a)
    cased = augment_dataset(docs, fraction=0.5, seed=3, p_caseless=0.0)
    rewritten = 0
    for x, c in zip(a, cased):
        lines, labels, lang = docs[x.index]
        assert x.language == lang and (x.index, x.labels) == (c.index, c.labels)
        assert _is_subsequence(lines, labels, c.lines, c.labels)
        if x.lines != c.lines:  # written in an uncased script: the same lines, letter for letter
            rewritten += 1
            assert len(x.lines) == len(c.lines) and not any(_LATIN.search(line) for line in x.lines)
    assert 0 < rewritten < len(a)
    assert augment_dataset(docs, fraction=0.0) == []
    with pytest.raises(ValueError):
        augment_dataset(docs, fraction=1.5)


def test_caseless_script_keeps_everything_but_letters_and_case():
    lines = ["Hello World, déjà vu?", "[GARD align=\"center\"]", "HELLO WORLD", "2024-05-01 12:30", "Привет 東京", ""]
    out = to_caseless_script(lines, random.Random(5))
    assert len(out) == len(lines) and [len(x) for x in out] == [len(x) for x in lines]
    assert not any(_LATIN.search(x) for x in out)
    assert out[0].split(" ")[1].rstrip("،,") == out[2].split(" ")[1]  # one mapping, case folded
    assert out[1][0] == "[" and out[1][-1] == "]" and '="' in out[1]  # shortcode syntax kept
    assert out[3] == lines[3] and out[4] == lines[4] and out[5] == ""  # digits, other scripts
    assert to_caseless_script(lines, random.Random(5)) == out  # deterministic for a seed


def test_caseless_table_is_one_to_one_on_long_alphabets():
    for alphabet in CASELESS_ALPHABETS:
        table = caseless_table(random.Random(1), alphabet)
        base = [table[ord(c)] for c in "abcdefghijklmnopqrstuvwxyz"]
        assert set(base) <= set(alphabet) | set("؟،؛")
        assert [table[ord(c)] for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"] == base
        assert table[ord("é")] == table[ord("e")]
        if len(alphabet) >= 26:
            assert len(set(base)) == 26
