"""Tests of boilerline.model: predict API on a small trained model, and safe loading."""

import io
import json
import zipfile

import numpy as np
import pytest

from boilerline.model import LABELS, ModelLoadError, load_model


@pytest.fixture(scope="module")
def clf(tiny_model_path):
    return load_model(tiny_model_path)


def test_one_label_per_line_and_none_for_blank(clf, labelled_pages):
    lines, _ = labelled_pages["fr_wordpress"]
    with_blanks = [x for line in lines for x in (line, "")] + ["   ", "\t"]
    labels = clf.predict(with_blanks)
    assert len(labels) == len(with_blanks)
    for line, label in zip(with_blanks, labels):
        assert (label is None) == (not line.strip())
        assert label is None or label in clf.labels


def test_predict_proba_columns_and_rows(clf, labelled_pages):
    lines, _ = labelled_pages["en_news"]
    P = clf.predict_proba(lines + [""])
    assert P.shape == (len(lines) + 1, len(clf.labels))
    np.testing.assert_allclose(P[:-1].sum(axis=1), 1.0, rtol=1e-4)
    assert (P[-1] == 0).all()
    assert [clf.labels[k] for k in P[:-1].argmax(axis=1)] == clf.predict(lines)


def test_trained_model_learns_its_training_pages(clf, labelled_pages):
    """A model trained on the fixtures labels them mostly right: the pipeline really learns."""
    correct = total = 0
    for lines, labels in labelled_pages.values():
        pred = clf.predict(lines)
        correct += sum(p == t for p, t in zip(pred, labels))
        total += len(lines)
    assert correct / total > 0.8


def test_batching_does_not_change_labels(clf, labelled_pages):
    docs = [lines for lines, _ in labelled_pages.values()]
    together = clf.predict_documents(docs)
    assert together == [clf.predict(d) for d in docs]


def test_empty_and_non_string_input(clf):
    assert clf.predict([]) == []
    assert clf.predict(["", " "]) == [None, None]
    with pytest.raises(TypeError):
        clf.predict(["fine", 3])
    with pytest.raises(TypeError):
        clf.predict_documents(["a whole document as one string"])


def test_metadata_is_complete(clf):
    meta = clf.metadata
    for key in ("format_version", "versions", "labels", "feature_names", "training_data_hash", "scores"):
        assert key in meta
    assert tuple(meta["labels"]) == clf.labels
    assert set(clf.labels) <= set(LABELS)


def _rewrite_meta(src, dst, change):
    with np.load(src, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    meta = json.loads(arrays["__meta__"].tobytes())
    change(meta)
    arrays["__meta__"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    np.savez(dst, **arrays)


def test_wrong_format_version_is_refused(tiny_model_path, tmp_path):
    bad = tmp_path / "v99.npz"
    _rewrite_meta(tiny_model_path, bad, lambda m: m.update(format_version=99))
    with pytest.raises(ModelLoadError, match="format version 99"):
        load_model(bad)


def test_other_features_are_refused(tiny_model_path, tmp_path):
    bad = tmp_path / "feats.npz"
    _rewrite_meta(tiny_model_path, bad, lambda m: m.update(feature_names=m["feature_names"][:-1] + ["zzz"]))
    with pytest.raises(ModelLoadError, match="features"):
        load_model(bad)


def test_truncated_and_garbage_files_are_refused(tiny_model_path, tmp_path):
    data = tiny_model_path.read_bytes()
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(data[: len(data) // 2])
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"not a model at all")
    for path in (truncated, garbage, tmp_path / "missing.npz"):
        with pytest.raises(ModelLoadError):
            load_model(path)


class _Payload:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        import os

        return (os.system, (f"touch {self.marker}",))


def test_pickle_payload_is_refused_and_never_runs(tiny_model_path, tmp_path):
    marker = tmp_path / "pwned"
    evil = tmp_path / "evil.npz"
    with np.load(tiny_model_path, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    arrays["s1_b0"] = np.array([_Payload(marker)], dtype=object)
    buf = io.BytesIO()
    np.savez(buf, **arrays)  # numpy pickles the object array
    evil.write_bytes(buf.getvalue())
    with zipfile.ZipFile(evil) as zf:  # the payload really is in the file
        assert b"system" in zf.read("s1_b0.npy")
    with pytest.raises(ModelLoadError, match="pickle"):
        load_model(evil)
    assert not marker.exists()
