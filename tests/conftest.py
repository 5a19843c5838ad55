"""Shared test fixtures: hand-written labelled pages, and the corpus when it is present."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
PAGES = FIXTURES / "pages"


def read_labelled_page(path: Path) -> tuple[list[str], list[str]]:
    """A fixture page: one ``LABEL<TAB>LINE`` row per line."""
    labels, lines = [], []
    for row in path.read_text(encoding="utf-8").splitlines():
        label, line = row.split("\t", 1)
        labels.append(label)
        lines.append(line)
    return lines, labels


@pytest.fixture(scope="session")
def labelled_pages() -> dict[str, tuple[list[str], list[str]]]:
    """The hand-written labelled pages of tests/fixtures/pages, by language/kind name."""
    return {p.stem: read_labelled_page(p) for p in sorted(PAGES.glob("*.tsv"))}


def find_corpus() -> Path | None:
    env = os.environ.get("BOILERLINE_CORPUS")
    candidates = [Path(env)] if env else []
    candidates.append(Path(__file__).resolve().parents[1].parent / "shared" / "corpus")
    for c in candidates:
        if (c / "MANIFEST.csv").is_file():
            return c
    return None


@pytest.fixture(scope="session")
def corpus_root() -> Path:
    """The shared corpus; tests that need it are skipped when it is absent (a fresh clone)."""
    root = find_corpus()
    if root is None:
        pytest.skip("the corpus (../shared/corpus or $BOILERLINE_CORPUS) is not present")
    return root


@pytest.fixture(scope="session")
def tiny_model_path(tmp_path_factory, labelled_pages) -> Path:
    """A small model trained here on the fixture pages, through the real training code, with the
    MLP second stage (it trains without PyTorch; format version 2)."""
    from datasets import Dataset

    from boilerline.training import train_model

    records = []
    # Several shuffled variants per page so that the site split has sites on both sides.
    for copy in range(4):
        for name, (lines, labels) in labelled_pages.items():
            records.append(
                {"doc_id": f"{name}-{copy}", "site": f"{name}-{copy}", "language": name[:2],
                 "source": "fixture", "rendering": "blocks", "lines": lines, "labels": labels,
                 "rules": ["fixture"] * len(lines)}
            )
    root = tmp_path_factory.mktemp("tiny")
    Dataset.from_list(records).save_to_disk(str(root / "ds"))
    out = root / "tiny-model.npz"
    train_model(root / "ds", out, refit_all=True, stage2_kind="mlp")
    return out


@pytest.fixture(scope="session")
def tiny_gru_model_path(tmp_path_factory, tiny_model_path) -> Path:
    """The same small model with the recurrent second stage (skipped without PyTorch)."""
    pytest.importorskip("torch", reason="training the recurrent second stage needs PyTorch")
    from boilerline.training import train_model

    out = tmp_path_factory.mktemp("tiny-gru") / "tiny-gru-model.npz"
    train_model(tiny_model_path.parent / "ds", out, refit_all=True, stage2_kind="gru")
    return out


def compiled_or_skip():
    """The compiled extension, or skip the test when it is not built."""
    try:
        from boilerline.features import _ccore
    except ImportError:
        pytest.skip("the compiled extension boilerline.features._ccore is not built")
    return _ccore


@pytest.fixture(params=["numpy", "c"])
def backend(request, monkeypatch) -> str:
    """Run the test with the numpy loops, then with the compiled ones (skipped if not built)."""
    from boilerline.features import _backend

    monkeypatch.setattr(_backend, "CORE", compiled_or_skip() if request.param == "c" else None)
    return request.param
