"""Tests of boilerline.model.decoding: learned transitions and forward-backward marginals."""

import itertools

import numpy as np
import pytest
from conftest import compiled_or_skip

from boilerline.features import _backend
from boilerline.model import ModelLoadError, load_model
from boilerline.model.decoding import posterior_marginals, transition_matrix

K = 4


def _random_scores(n, seed=0):
    return np.random.default_rng(seed).dirichlet(np.full(K, 0.5), size=n).astype(np.float32)


def _brute_force(P, T):
    """Marginals by summing over every label path (the definition)."""
    n = len(P)
    marg = np.zeros((n, K))
    for path in itertools.product(range(K), repeat=n):
        w = np.prod([P[i, s] for i, s in enumerate(path)], dtype=np.float64)
        w *= np.prod([T[path[i], path[i + 1]] for i in range(n - 1)], dtype=np.float64)
        for i, s in enumerate(path):
            marg[i, s] += w
    return marg / marg.sum(axis=1, keepdims=True)


def test_marginals_equal_the_sum_over_all_paths(backend):
    P = _random_scores(5)
    T = transition_matrix(np.array([0, 0, 1, 1, 2, 3, 3, 0, 2, 2]), [10], K, 0.7)
    np.testing.assert_allclose(posterior_marginals(P, T, [5]), _brute_force(P, T), atol=1e-6)


def test_flat_transitions_leave_the_scores_as_they_are(backend):
    P = _random_scores(50)
    got = posterior_marginals(P, np.ones((K, K), np.float32), [20, 30])
    np.testing.assert_allclose(got, P / P.sum(axis=1, keepdims=True), atol=1e-6)


def test_documents_are_decoded_apart(backend):
    P = _random_scores(40, seed=1)
    T = transition_matrix(np.arange(40) % K, [40], K, 1.0)
    together = posterior_marginals(P, T, [0, 15, 1, 24, 0])
    apart = np.vstack([posterior_marginals(P[:15], T, [15]), posterior_marginals(P[15:16], T, [1]),
                       posterior_marginals(P[16:], T, [24])])
    np.testing.assert_allclose(together, apart, atol=1e-6)


def test_a_lone_line_in_a_run_follows_the_run(backend):
    """Sticky transitions relabel a weakly different line inside a long run of one label."""
    P = np.tile(np.array([0.7, 0.1, 0.1, 0.1], np.float32), (9, 1))
    P[4] = [0.3, 0.4, 0.2, 0.1]
    y = np.repeat(np.arange(K), 25)  # long runs: staying on a label is far likelier than moving
    sticky = posterior_marginals(P, transition_matrix(y, [len(y)], K, 1.0), [9])
    assert sticky[4].argmax() == 0
    assert posterior_marginals(P, transition_matrix(y, [len(y)], K, 0.0), [9])[4].argmax() == 1


def test_compiled_and_numpy_marginals_agree(monkeypatch):
    core = compiled_or_skip()
    P = _random_scores(3000, seed=2)
    P[7] = 0.0  # a line with no evidence
    lengths = [0, 1, 2, 997, 0, 2000]
    T = transition_matrix(np.random.default_rng(3).integers(-1, K, 3000), lengths, K, 0.3)
    monkeypatch.setattr(_backend, "CORE", core)
    compiled = posterior_marginals(P, T, lengths)
    monkeypatch.setattr(_backend, "CORE", None)
    np.testing.assert_allclose(compiled, posterior_marginals(P, T, lengths), atol=1e-6)
    np.testing.assert_allclose(compiled.sum(axis=1), 1.0, atol=1e-5)


def test_bad_shapes_are_refused(backend):
    P = _random_scores(6)
    with pytest.raises(ValueError, match="add up"):
        posterior_marginals(P, np.ones((K, K), np.float32), [5])
    with pytest.raises(ValueError, match="shape"):
        posterior_marginals(P, np.ones((K + 1, K + 1), np.float32), [6])


def test_transitions_count_labelled_pairs_within_documents():
    #            doc 1: 0 0 1 (masked) 1 | doc 2: 2 0
    y = np.array([0, 0, 1, -1, 1, 2, 0])
    T = transition_matrix(y, [5, 2], 3, 1.0)
    counts = np.ones((3, 3))
    counts[0, 0] += 1  # 0 -> 0
    counts[0, 1] += 1  # 0 -> 1; 1 -> masked and masked -> 1 are not pairs; 1 | 2 crosses documents
    counts[2, 0] += 1  # 2 -> 0
    np.testing.assert_allclose(T, counts / counts.sum(axis=1, keepdims=True), rtol=1e-6)
    np.testing.assert_array_equal(transition_matrix(y, [5, 2], 3, 0.0), np.ones((3, 3), np.float32))
    with pytest.raises(ValueError, match="add up"):
        transition_matrix(y, [3], 3, 1.0)


def test_a_trained_model_decodes_and_refuses_bad_transitions(tiny_model_path, tmp_path, labelled_pages):
    clf = load_model(tiny_model_path)
    assert clf.metadata["decoding"]["kind"] == "forward-backward"
    lines, _ = labelled_pages["en_news"]
    P = clf.predict_proba(lines)
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-4)
    with np.load(tiny_model_path, allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in npz.files}
    for name, bad in (("shape", np.ones((2, 2), np.float32)), ("value", -arrays["dec_T"])):
        path = tmp_path / f"bad-{name}.npz"
        np.savez(path, **{**arrays, "dec_T": bad})
        with pytest.raises(ModelLoadError, match="dec_T"):
            load_model(path)


def test_a_version_1_artifact_loads_and_labels_without_decoding(tiny_model_path, tmp_path, labelled_pages):
    """Artifacts written before the decoding step (format version 1, no dec_T) still load."""
    import json

    with np.load(tiny_model_path, allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in npz.files}
    meta = json.loads(arrays["__meta__"].tobytes().decode("utf-8"))
    assert meta["format_version"] == 2
    meta["format_version"] = 1
    arrays["__meta__"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    del arrays["dec_T"]
    old = tmp_path / "v1.npz"
    np.savez(old, **arrays)
    lines, _ = labelled_pages["en_news"]
    undecoded = load_model(old).predict_proba(lines)
    decoded = load_model(tiny_model_path).predict_proba(lines)
    np.testing.assert_allclose(undecoded.sum(axis=1), 1.0, rtol=1e-4)
    assert not np.allclose(undecoded, decoded)  # the same networks, without the decoding step
