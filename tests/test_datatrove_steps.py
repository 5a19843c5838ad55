"""The datatrove steps, run by LocalPipelineExecutor over JSONL with 2 tasks and 2 workers."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("datatrove")
pytest.importorskip("datatrove.pipeline.filters")  # needs `regex`, which datatrove does not declare
pytest.importorskip("orjson")  # datatrove's JsonlReader/JsonlWriter need it (the [datatrove] extra has it)

from datatrove.data import Document  # noqa: E402
from datatrove.executor import LocalPipelineExecutor  # noqa: E402
from datatrove.pipeline.readers import JsonlReader  # noqa: E402
from datatrove.pipeline.writers import JsonlWriter  # noqa: E402

from boilerline.model import load_model  # noqa: E402
from boilerline.model.batching import article_stats  # noqa: E402
from boilerline.model.datatrove_steps import ArticleLengthFilter, BoilerlineFormatter  # noqa: E402


def _read_output(folder) -> dict[str, dict]:
    out = {}
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            out[rec["id"]] = rec
    return out


def test_local_executor_two_tasks_two_workers(labelled_pages, tiny_model_path, tmp_path):
    clf = load_model(tiny_model_path)
    src = tmp_path / "in"
    src.mkdir()
    docs = {}
    for k, (name, (lines, _)) in enumerate(sorted(labelled_pages.items())):
        docs[name] = lines
    docs["menu-only"] = ["Home", "About", "Contact", "Login"]
    # two input files so that each of the two tasks gets one
    names = sorted(docs)
    for part in range(2):
        with open(src / f"part{part}.jsonl", "w", encoding="utf-8") as f:
            for name in names[part::2]:
                f.write(json.dumps({"id": name, "text": "\n".join(docs[name])}) + "\n")

    min_words = 20
    dropped = tmp_path / "dropped"
    LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(src)),
            BoilerlineFormatter(model=str(tiny_model_path), batch_size=3),
            ArticleLengthFilter(min_words=min_words, model=str(tiny_model_path), batch_size=2,
                                exclusion_writer=JsonlWriter(str(dropped), compression=None)),
            JsonlWriter(str(tmp_path / "out"), compression=None),
        ],
        tasks=2, workers=2, logging_dir=str(tmp_path / "logs"),
    ).run()

    kept, gone = _read_output(tmp_path / "out"), _read_output(dropped)
    assert set(kept) | set(gone) == set(docs) and not set(kept) & set(gone)
    assert "menu-only" in gone
    for name, rec in {**kept, **gone}.items():
        lines = docs[name]
        labels = clf.predict(lines)
        meta = rec["metadata"]
        assert meta["boilerline_labels"] == labels
        chars, words = article_stats(lines, labels)
        assert (meta["boilerline_article_chars"], meta["boilerline_article_words"]) == (chars, words)
        assert rec["text"] == "\n".join(ln for ln, lab in zip(lines, labels) if lab in ("headline", "body"))
        assert (name in kept) == (words >= min_words)
    assert kept, "the fixture pages have articles"


def test_filter_alone_labels_documents_itself(labelled_pages, tiny_model_path):
    lines, _ = labelled_pages["en_news"]
    docs = [Document(text="\n".join(lines), id="a"), Document(text="Home\nAbout", id="b")]
    step = ArticleLengthFilter(min_chars=1, min_words=0, model=tiny_model_path, batch_size=2)
    results = step.filter_batch(docs)
    assert "boilerline_labels" in docs[0].metadata and len(docs[0].metadata["boilerline_labels"]) == len(lines)
    assert results[0] is True
    formatter = BoilerlineFormatter(model=tiny_model_path, keep=["other"])
    out = list(formatter.run(iter([Document(text="Home\nAbout", id="c")])))
    assert out[0].metadata["boilerline_labels"] is not None
