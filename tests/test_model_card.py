"""The model card written by training, and by `python -m boilerline.training model-card`."""

from __future__ import annotations

from boilerline.model.api import SHIPPED_MODEL
from boilerline.model.persist import load_artifact
from boilerline.training.__main__ import main as training_main
from boilerline.training.model_card import LABEL_DEFINITIONS, card_path, render_model_card, write_model_card
from boilerline.model.labels import LABELS


def test_training_writes_the_card_next_to_the_artifact(tiny_model_path):
    card = card_path(tiny_model_path)
    assert card.parent == tiny_model_path.parent and card.name == "tiny-model.MODEL_CARD.md"
    text = card.read_text(encoding="utf-8")
    for heading in ("## Training data", "## Labels", "## Scores on held-out sites", "Per language:",
                    "## Intended use", "## Known limits"):
        assert heading in text
    _, meta = load_artifact(tiny_model_path)
    report = meta["scores"]["heldout_sites"]
    assert report["per_language"], "per-language scores are computed and stored in the artifact"
    for lang in report["per_language"]:
        assert f"| `{lang}` |" in text
    for lab in LABELS:
        assert f"| `{lab}` |" in text
    assert "`fixture`" in text and "MIT (boilerline)" in text


def test_shipped_name_and_corpus_sources(tmp_path):
    assert card_path(tmp_path / SHIPPED_MODEL) == tmp_path / "MODEL_CARD.md"
    meta = {"labels": list(LABELS), "sources": {"wcxb-dev": 1355, "fundus": 257},
            "languages": {"en": 900, "fr": 100}, "training_documents": 1612}
    report = {"per_class": {lab: {"precision": 0.9, "recall": 0.8, "f1": 0.85, "support": 10} for lab in LABELS},
              "macro_f1": 0.85, "content_f1": 0.97, "n_lines": 80, "accuracy": 0.9}
    text = render_model_card(meta, report)
    assert "CC-BY-4.0" in text and "| `fundus` |" in text and "MIT" in text
    assert "Not computed for this artifact" in text  # no per-language scores given
    assert "automatically" in text  # corpus limits, not the user-data ones
    for definition in LABEL_DEFINITIONS.values():
        assert definition in text
    out = write_model_card(meta, report, tmp_path / "card.md", per_language={
        "en": {"macro_f1": 0.8, "content_f1": 0.9, "accuracy": 0.9, "n_lines": 50, "n_documents": 3}})
    assert "| `en` | 3 | 50 | 0.800 | 0.900 | 0.900 |" in out.read_text(encoding="utf-8")


def test_model_card_subcommand_for_an_existing_artifact(tiny_model_path, tmp_path, capsys):
    out = tmp_path / "card.md"
    assert training_main(["model-card", "--model", str(tiny_model_path), "-o", str(out)]) == 0
    assert "## Scores on held-out sites" in out.read_text(encoding="utf-8")
