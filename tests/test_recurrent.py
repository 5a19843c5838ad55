"""Tests of the recurrent second stage: boilerline.model.recurrent and boilerline.training.sequence."""

import json

import numpy as np
import pytest
from conftest import compiled_or_skip

from boilerline.features import _backend
from boilerline.model import ModelLoadError, load_model
from boilerline.model.recurrent import GRU_ARRAYS, gru_logits, stack_members
from boilerline.training.sequence import merge_gru_members


def _random_member(rng, n_in=6, U=5, H=4, k=3):
    a = {"s2g_in_W": rng.normal(size=(n_in, U)), "s2g_in_b": rng.normal(size=U),
         "s2g_out_W": rng.normal(size=(U + 2 * H, k)), "s2g_out_b": rng.normal(size=k)}
    for d in ("fw", "bw"):
        a |= {f"s2g_{d}_Wi": rng.normal(size=(U, 3 * H)), f"s2g_{d}_bi": rng.normal(size=3 * H),
              f"s2g_{d}_Wh": rng.normal(size=(H, 3 * H)), f"s2g_{d}_bh": rng.normal(size=3 * H)}
    return {key: v.astype(np.float32) for key, v in a.items()}


def _reference_logits(Z, doc_lengths, a):
    """The GRU's definition, one page and one line at a time (PyTorch's gate equations)."""
    sig = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
    H = a["s2g_fw_Wh"].shape[0]
    out, start = [], 0
    for n in doc_lengths:
        X = np.maximum(Z[start:start + n] @ a["s2g_in_W"] + a["s2g_in_b"], 0)
        states = [X]
        for d, order in (("fw", range(n)), ("bw", range(n - 1, -1, -1))):
            h, S = np.zeros(H), np.zeros((n, H))
            for t in order:
                gi = X[t] @ a[f"s2g_{d}_Wi"] + a[f"s2g_{d}_bi"]
                gh = h @ a[f"s2g_{d}_Wh"] + a[f"s2g_{d}_bh"]
                r, u = sig(gi[:H] + gh[:H]), sig(gi[H:2 * H] + gh[H:2 * H])
                c = np.tanh(gi[2 * H:] + r * gh[2 * H:])
                h = (1 - u) * c + u * h
                S[t] = h
            states.append(S)
        out.append(np.hstack(states) @ a["s2g_out_W"] + a["s2g_out_b"])
        start += n
    return np.vstack(out) if out else np.zeros((0, a["s2g_out_b"].shape[0]))


def test_gru_logits_follow_the_definition_page_by_page(backend):
    rng = np.random.default_rng(0)
    a = _random_member(rng)
    lengths = [7, 0, 1, 12, 3]  # an empty page and a one-line page among them
    Z = rng.normal(size=(sum(lengths), 6)).astype(np.float32)
    np.testing.assert_allclose(gru_logits(Z, lengths, a), _reference_logits(Z, lengths, a), rtol=1e-4, atol=1e-4)


def test_gru_does_not_cross_page_edges(backend):
    rng = np.random.default_rng(1)
    a = _random_member(rng)
    Z = rng.normal(size=(10, 6)).astype(np.float32)
    together = gru_logits(Z, [4, 6], a)
    np.testing.assert_allclose(together[:4], gru_logits(Z[:4], [4], a), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(together[4:], gru_logits(Z[4:], [6], a), rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match="add up to"):
        gru_logits(Z, [4, 5], a)


def test_compiled_and_numpy_gru_agree(monkeypatch):
    # the shipped model's GRU (two merged members), on pages of every size the batches hold
    core = compiled_or_skip()
    from boilerline.model.api import shipped_model_path

    with np.load(shipped_model_path()) as arrays:
        a = {name: arrays[name] for name in GRU_ARRAYS}
    rng = np.random.default_rng(4)
    lengths = [0, 1, 2, 900, 0, 37, 300, 1]
    Z = (2 * rng.normal(size=(sum(lengths), a["s2g_in_W"].shape[0]))).astype(np.float32)
    monkeypatch.setattr(_backend, "CORE", core)
    compiled = gru_logits(Z, lengths, a)
    monkeypatch.setattr(_backend, "CORE", None)
    numpy_ = gru_logits(Z, lengths, a)
    # the compiled tanh is a rational approximation (within 4e-7): close, not bit for bit
    np.testing.assert_allclose(compiled, numpy_, rtol=0, atol=5e-5)
    assert np.mean(compiled.argmax(axis=1) == numpy_.argmax(axis=1)) > 0.999


def test_compiled_gru_refuses_steps_that_widen():
    core = compiled_or_skip()
    G, h = 1, 2
    gi, Wh, bh = np.zeros((G, 3, 3 * h), np.float32), np.zeros((G, h, 3 * h), np.float32), np.zeros((G, h), np.float32)
    out = np.zeros((G, 3, h), np.float32)
    with pytest.raises(ValueError, match="no wider"):
        core.gru_steps(gi, G, 3, h, Wh, bh, np.array([0, 1, 3], np.int64), out)
    with pytest.raises(ValueError, match="from 0 to N"):
        core.gru_steps(gi, G, 3, h, Wh, bh, np.array([0, 2], np.int64), out)
    core.gru_steps(gi, G, 3, h, Wh, bh, np.array([0, 2, 3], np.int64), out)
    np.testing.assert_allclose(out, 0.0)  # zero weights and inputs: the new gate's tanh(0), each step


def test_merged_members_average_their_logits():
    rng = np.random.default_rng(2)
    members = [_random_member(rng) for _ in range(3)]
    lengths = [5, 9]
    Z = rng.normal(size=(14, 6)).astype(np.float32)
    merged = merge_gru_members(members)
    expected = np.mean([gru_logits(Z, lengths, m) for m in members], axis=0)
    np.testing.assert_allclose(gru_logits(Z, lengths, merged), expected, rtol=1e-4, atol=1e-4)
    assert merged["s2g_fw_Wh"].shape == (12, 36)
    # labelling takes the merged network back apart into its three members' GRUs, once
    stacked = stack_members(merged)
    assert stacked.members == 3 and stacked.Wh.shape == (6, 4, 12)  # 3 members x 2 directions
    assert stack_members(members[0]).members == 1
    np.testing.assert_allclose(gru_logits(Z, lengths, merged, stacked), expected, rtol=1e-4, atol=1e-4)


def test_exported_arrays_reproduce_pytorch():
    torch = pytest.importorskip("torch")
    from boilerline.training import sequence

    torch.manual_seed(0)
    net = sequence._network(6, 3)
    lengths = [4, 11, 1]
    Z = np.random.default_rng(3).normal(size=(16, 6)).astype(np.float32)
    expected = sequence._predict(net, Z, sequence._page_spans(lengths))
    np.testing.assert_allclose(gru_logits(Z, lengths, sequence._member_arrays(net)), expected, rtol=1e-4, atol=1e-5)


def test_gru_model_trains_saves_and_labels(tiny_gru_model_path, labelled_pages):
    clf = load_model(tiny_gru_model_path)
    assert clf.metadata["stage2_kind"] == "gru"
    assert clf.metadata["format_version"] == 3
    import torch

    assert clf.metadata["versions"]["torch"] == torch.__version__  # what trained it, as for scikit-learn
    correct = total = 0
    for lines, labels in labelled_pages.values():
        pred = clf.predict(lines + [""])
        assert len(pred) == len(lines) + 1 and pred[-1] is None
        correct += sum(p == t for p, t in zip(pred, labels))
        total += len(lines)
    assert correct / total > 0.8  # it learns its training pages
    docs = [lines for lines, _ in labelled_pages.values()]
    assert clf.predict_documents(docs) == [clf.predict(d) for d in docs]


def test_gru_model_missing_an_array_is_refused(tiny_gru_model_path, tmp_path):
    with np.load(tiny_gru_model_path, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files if k != GRU_ARRAYS[4]}
    bad = tmp_path / "no-wh.npz"
    np.savez(bad, **arrays)
    with pytest.raises(ModelLoadError, match="recurrent second stage without arrays s2g_fw_Wh"):
        load_model(bad)
    assert json.loads(arrays["__meta__"].tobytes())["stage2_kind"] == "gru"


def _macro_f1_of_matches(y_true, y_pred):
    # module level, so that worker processes can unpickle it
    return float(np.mean(y_true == y_pred))


def test_member_jobs_share_the_cpus():
    from boilerline.training.sequence import member_jobs

    assert member_jobs(2, 2) == (2, 1)
    assert member_jobs(2, 8) == (2, 4)
    assert member_jobs(3, 2) == (2, 1)
    assert member_jobs(1, 4) == (1, 4)
    assert member_jobs(2, 1) == (1, 1)


def test_members_fitted_side_by_side_match_one_after_another(monkeypatch):
    pytest.importorskip("torch")
    from boilerline.training import sequence

    rng = np.random.default_rng(5)
    lengths = [int(n) for n in rng.integers(3, 30, 40)]
    n = sum(lengths)
    Z = rng.normal(size=(n, 6)).astype(np.float32)
    y = (Z[:, 0] > 0).astype(np.int64) + (Z[:, 1] > 1)
    y[::7] = -1  # masked lines
    weight = np.ones(n, np.float32)
    val = np.zeros(n, bool)
    val[:sum(lengths[:8])] = True  # the first 8 pages held back
    # (worker processes import the module afresh: patch only what the parent reads)
    monkeypatch.setattr(sequence, "member_jobs", lambda n_members, n_cpus=None: (2, 1))
    args = (Z, y, weight, lengths, val, 3, [13, 14], _macro_f1_of_matches, 2)
    side_by_side, epochs = sequence.fit_gru_stage(*args)
    monkeypatch.setattr(sequence, "GRU_MEMBERS_IN_PARALLEL", False)
    one_after_another, epochs_serial = sequence.fit_gru_stage(*args)
    assert epochs == epochs_serial
    assert side_by_side.keys() == one_after_another.keys()
    for key in side_by_side:
        np.testing.assert_allclose(side_by_side[key], one_after_another[key], rtol=1e-4, atol=1e-5)
