"""The ``datasets`` integration: ds.map(label_batch(...), batched=True, num_proc=2)."""

from __future__ import annotations

import pickle

import pytest
from datasets import Dataset

from boilerline.model import load_model
from boilerline.model.hf import BoilerlineMap, label_batch
from boilerline.model.io import split_lines


@pytest.fixture(scope="module")
def pages_ds(labelled_pages):
    names = sorted(labelled_pages)
    return Dataset.from_dict({
        "name": names,
        "text": ["\n".join(labelled_pages[n][0]) for n in names],
        "lines": [labelled_pages[n][0] for n in names],
    })


def test_text_column_num_proc_2_matches_the_api(pages_ds, tiny_model_path, tmp_path):
    clf = load_model(tiny_model_path)
    fn = label_batch(model=str(tiny_model_path), add_clean_text=True)
    out = pages_ds.map(fn, batched=True, batch_size=2, num_proc=2,
                       cache_file_name=str(tmp_path / "cache.arrow"))
    assert out.column_names == ["name", "text", "lines", "labels", "clean_text"]
    for row in out:
        lines = split_lines(row["text"])
        expected = clf.predict(lines)
        assert row["labels"] == expected
        assert row["clean_text"] == "\n".join(
            ln for ln, lab in zip(lines, expected) if lab in ("headline", "body"))


def test_lines_column_and_unbatched_map(pages_ds, tiny_model_path):
    clf = load_model(tiny_model_path)
    batched = pages_ds.map(label_batch(model=tiny_model_path, lines_column="lines"), batched=True)
    single = pages_ds.map(label_batch(model=tiny_model_path, lines_column="lines"), batched=False)
    text_single = pages_ds.map(label_batch(model=tiny_model_path), batched=False)
    for a, b, c in zip(batched, single, text_single):
        assert a["labels"] == b["labels"] == c["labels"] == clf.predict(a["lines"])


def test_keep_and_custom_columns_and_missing_documents(tiny_model_path):
    ds = Dataset.from_dict({"body_text": ["Home\nAbout us\n\nSome text here", None, ""]})
    fn = label_batch(model=tiny_model_path, text_column="body_text", add_clean_text=True,
                     keep=["other"], labels_column="line_labels", clean_text_column="text")
    out = ds.map(fn, batched=True)
    assert out["line_labels"][1] == [] and out["line_labels"][2] == []
    assert out["line_labels"][0][2] is None  # blank line
    assert out["text"][1] == ""
    kept = [ln for ln, lab in zip(split_lines(ds[0]["body_text"]), out["line_labels"][0]) if lab == "other"]
    assert out["text"][0] == "\n".join(kept)


def test_map_function_pickles_small_and_errors_clearly(tiny_model_path):
    fn = label_batch(model=tiny_model_path)
    fn({"text": ["a line"]})  # loads the model in this process
    assert len(pickle.dumps(fn)) < 2_000  # a reference, not the model
    with pytest.raises(KeyError, match="no column 'text'"):
        fn({"content": ["x"]})
    with pytest.raises(ValueError):
        BoilerlineMap(keep=[])
