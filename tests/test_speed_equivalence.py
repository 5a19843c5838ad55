"""The fast (batch-vectorised) feature and scoring code computes what the plain definitions do.

Each test runs an optimised function and a straightforward per-line reference computation
(written out here, the way the code read before it was vectorised) on the fixture pages plus
awkward lines (case folding that changes lengths, digits, unspaced scripts, characters beyond
the Basic Multilingual Plane, lone surrogates, lines at the length thresholds), and compares.
Models trained before the optimisation must keep giving the same outputs.
"""

from __future__ import annotations

import re
import zlib

import numpy as np
import pytest

from boilerline.features import extract_features, token_hashes
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
def test_token_hashes_equal_crc32_of_each_token(docs):
    lines, _ = _flat(docs)
    indptr, indices = token_hashes(lines)
    mask = (1 << 15) - 1
    expected = [
        [zlib.crc32(t.encode("utf-8", "surrogatepass")) & mask for t in _line_tokens(line)] for line in lines
    ]
    assert indptr.tolist() == np.cumsum([0] + [len(e) for e in expected]).tolist()
    assert indices.tolist() == [h for e in expected for h in e]
    assert indices.dtype == np.int32 and indptr.dtype == np.int64


def test_token_hashes_fall_back_for_embedded_newlines():
    lines = ["first\nsecond", "Leave a Reply"]
    got = token_hashes(lines)
    ref = _token_hashes_reference(lines)
    np.testing.assert_array_equal(got[0], ref[0])
    np.testing.assert_array_equal(got[1], ref[1])


def test_token_hashes_empty_batch():
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


def test_stage1_equals_per_line_sum(docs):
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
def test_running_summaries_equal_the_loop(doc_lengths):
    from boilerline.features import running_summaries

    rng = np.random.default_rng(len(doc_lengths))
    P = rng.dirichlet(np.ones(4), size=sum(doc_lengths)).astype(np.float32)
    got, names = running_summaries(P, ["a", "b", "c", "d"], doc_lengths)
    assert names == ("before_a", "before_b", "before_c", "before_d", "after_a", "after_b", "after_c", "after_d")
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, _running_summaries_reference(P, doc_lengths), rtol=1e-5, atol=1e-7)


def test_stage2_inputs_equal_the_stacked_blocks():
    from boilerline.features import running_summaries, shift_within_documents
    from boilerline.model.classifier import STAGE2_OFFSETS, stage2_inputs

    doc_lengths = [4, 1, 0, 9, 2]
    rng = np.random.default_rng(3)
    P = rng.dirichlet(np.ones(len(LABELS)), size=sum(doc_lengths)).astype(np.float32)
    own = rng.normal(size=(sum(doc_lengths), 5)).astype(np.float32)
    blocks = [P]
    for off in STAGE2_OFFSETS:
        shifted, exists = shift_within_documents(P, off, doc_lengths)
        blocks += [shifted, exists[:, None]]
    blocks += [_running_summaries_reference(P, doc_lengths), own]
    want = np.hstack(blocks).astype(np.float32)
    got = stage2_inputs(P, own, LABELS, doc_lengths)
    assert got.shape == want.shape and got.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)


def test_split_blank_keeps_positions_and_refuses_non_strings():
    from boilerline.model.classifier import _split_blank

    kept, where = _split_blank(["  a ", "", " \t", "b", "\u3000c"])
    assert kept == ["a", "b", "c"] and where.tolist() == [0, 3, 4] and where.dtype == np.int64
    with pytest.raises(TypeError, match="line 1 is a int"):
        _split_blank(["a", 3])
