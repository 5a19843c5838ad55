"""The model card: ``MODEL_CARD.md`` written next to every trained artifact.

:func:`train_model` calls :func:`per_language_report` on the held-out documents and
:func:`write_model_card` after exporting; ``python -m boilerline.training model-card``
writes the card of an existing artifact from its metadata (per-language scores then come
from the metadata, or are recomputed on the dataset's held-out sites with ``--dataset``).

The card holds: the data sources with their licences and document counts, the label
definitions, per-class and per-language scores on held-out sites, the intended use and
the known limits.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from typing import Sequence

import numpy as np

from boilerline.model.labels import LABELS

#: The shipped artifact's card is ``MODEL_CARD.md`` (packaged); other artifacts get ``<stem>.MODEL_CARD.md``.
SHIPPED_CARD_NAME = "MODEL_CARD.md"

#: Licence and description of each corpus source (see ../shared/README.md and data/README.md).
SOURCE_LICENCES = {
    "wcxb-dev": ("Web Content Extraction Benchmark, dev split", "CC-BY-4.0"),
    "trafilatura-eval": ("trafilatura evaluation pages", "Apache-2.0"),
    "trafilatura-cache": ("trafilatura test cache pages", "Apache-2.0"),
    "fundus": ("fundus publisher test pages (40 countries)", "MIT"),
    "readability": ("Mozilla Readability test pages", "Apache-2.0"),
    "newspaper4k": ("newspaper4k test pages", "MIT"),
    "goose3": ("goose3 test pages", "Apache-2.0"),
    "postlight": ("Postlight parser test pages", "MIT / Apache-2.0"),
    "recipe-scrapers": ("recipe-scrapers test pages", "MIT"),
    "fixture": ("boilerline's hand-written test pages", "MIT (boilerline)"),
}

#: One-sentence definitions of the product's labels (the spec is ../shared/LABELS.md).
LABEL_DEFINITIONS = {
    "headline": "the title of this page's article, every time it appears (H1, <title> line, repeats)",
    "body": "the article's own text: paragraphs, in-article headings, lists, quotes, byline and dateline",
    "caption": "text attached to an image, video, chart or gallery, photo credits included",
    "ad shortcode": "ad slots, ad labels ('Advertisement', 'Anzeige') and unrendered CMS shortcodes or template placeholders",
    "tag": "the article's tag and category lists and their headings",
    "related-link": "pointers to other articles: section headings, teaser titles, excerpts, dates, previous/next links",
    "comment widget": "the comment section: its form and buttons, comment counts, and the comments themselves",
    "other": "every other piece of boilerplate: menus, breadcrumbs, share buttons, newsletter and cookie notices, footers",
}

INTENDED_USE = """\
- Cleaning web-page text dumps for corpus building: keep the `headline` and `body` lines
  (`boilerline clean`, the `datasets` map function or the datatrove formatter), or keep
  per-line labels to filter or analyse boilerplate.
- Input: the plain text of one page, one line per block (paragraph, heading, list item,
  caption...), as produced by HTML-to-text tools that keep block structure.
- Not intended for: judging the quality, truth or safety of the text; pages that are not
  web pages (books, code, chat logs); text without line structure (one paragraph per
  document, or hard-wrapped text with a break every 80 characters)."""

KNOWN_LIMITS = """\
- Most training labels were produced automatically (annotations shipped with the source
  collections plus DOM rules); a few hundred training pages were labelled by hand and weigh
  more (`data/train/`). The held-out scores above measure agreement with the automatic
  labels, so their errors are partly the rules' errors (see `data/README.md` for the rules'
  hand-checked precision); the hand-labelled dev pages measure agreement with LABELS.md.
- Held-out sites come from the same collections as the training sites: news, blogs and
  recipe pages, mostly WordPress-like layouts. Forums, shops, documentation sites and
  home pages are rarer and likely worse.
- Languages: most lines are English and German (French, Spanish and the rest are far fewer); languages with little
  data (see the per-language table) and scripts without spaces between words score lower. The
  corpus has almost no pages in uncased scripts (Arabic: 4 pages); 15% of the synthetic
  training copies are rewritten into an uncased script, but the model still leans on capital
  letters and known words: the evaluation report's stress test (the dev pages written in
  Arabic letters) scores well below the same pages as they are.
- Rare classes (`ad shortcode`, `tag`, `caption`) rest on few examples; their F1 is less
  stable than that of `body` or `other`.
- A line is labelled from its text and its neighbours only: the same sentence can be an
  article paragraph or a related-article excerpt, and the model sometimes confuses them.
- The line splitting of the input matters: lines that merge several blocks get one label."""


USER_DATA_LIMITS = """\
- Trained on user-supplied labels: the scores below measure agreement with those labels on
  held-out documents (whole sites held out when the data names its sites), and are only as
  stable as the number of held-out lines allows.
- The features were designed for web-page dumps in the project's eight-label scheme; other
  kinds of text or label sets may need more data to learn.
- A line is labelled from its text and its neighbours only, and blank lines get no label."""


def is_refitted(meta: dict) -> bool:
    """Whether the artifact was refitted on all sites after its held-out evaluation (``--refit-all``)."""
    return bool((meta.get("scores") or {}).get("refit_on_all_sites"))


def card_path(artifact: str | Path) -> Path:
    """Where the card of ``artifact`` goes: ``MODEL_CARD.md`` for the shipped model's file
    name, ``<stem>.MODEL_CARD.md`` otherwise (so two models in one folder keep their cards)."""
    from boilerline.model.api import SHIPPED_MODEL

    artifact = Path(artifact)
    if artifact.name == SHIPPED_MODEL:
        return artifact.with_name(SHIPPED_CARD_NAME)
    return artifact.with_name(f"{artifact.stem}.{SHIPPED_CARD_NAME}")


def per_language_report(clf, lines: Sequence[Sequence[str]], gold: Sequence[Sequence[str | None]],
                        languages: Sequence[str], labels: Sequence[str]) -> dict[str, dict]:
    """Scores per language of labelled documents (one prediction pass over all of them).

    ``clf`` is anything with ``predict_documents``. Returns ``{language: {"macro_f1",
    "content_f1", "accuracy", "n_lines", "n_documents"}}``, languages by line count.
    """
    from boilerline.training.train import score_report

    index = {lab: k for k, lab in enumerate(labels)}
    by_lang: dict[str, tuple[list[int], list[int]]] = {}
    docs_per_lang: Counter = Counter()
    for labs, pred, lang in zip(gold, clf.predict_documents(lines), languages):
        docs_per_lang[lang] += 1
        t_list, p_list = by_lang.setdefault(lang, ([], []))
        for t, p in zip(labs, pred):
            if t is not None and p is not None and t in index:
                t_list.append(index[t])
                p_list.append(index[p])
    out = {}
    for lang, (t, p) in sorted(by_lang.items(), key=lambda kv: -len(kv[1][0])):
        if not t:
            continue
        rep = score_report(np.asarray(t), np.asarray(p), labels)
        out[lang] = {k: rep[k] for k in ("macro_f1", "content_f1", "accuracy", "n_lines") if k in rep}
        out[lang]["n_documents"] = docs_per_lang[lang]
    return out


def trained_model_report(model, docs) -> dict[str, dict]:
    """:func:`per_language_report` for a fitted, not yet exported ``train.TrainedModel``."""
    return per_language_report(model.classifier(), docs.lines, docs.labels, docs.languages, model.labels)


def _table(headers: Sequence[str], rows: Sequence[Sequence], right: Sequence[int] = ()) -> str:
    """A Markdown table; columns whose index is in ``right`` are right-aligned (numbers)."""
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---:" if i in right else "---" for i in range(len(headers))) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def _hand_labelled_text(hand) -> str:
    """The model details' note on the hand-labelled training pages (none in older artifacts)."""
    if not hand or not hand.get("pages"):
        return ""
    dropped = hand.get("rules_pages_of_their_sites_left_out")
    return (f"; {hand['pages']} of its pages labelled by hand (`data/train/`), their lines weighted "
            f"{hand['weight']:g}x" + (f", and the {dropped} rules-labelled pages of their sites left out" if dropped else ""))


def _sources_section(meta: dict) -> str:
    sources = meta.get("sources") or {}
    if not sources:
        return "Not recorded in this artifact's metadata."
    rows = []
    for name, n in sorted(sources.items(), key=lambda kv: -kv[1]):
        desc, licence = SOURCE_LICENCES.get(name, ("user-supplied data", "as set by its owner"))
        rows.append((f"`{name}`", desc, licence, f"{n:,}"))
    text = _table(("source", "what", "licence", "documents"), rows, right=(3,))
    if any(name in SOURCE_LICENCES and name != "fixture" for name in sources):
        text += ("\n\nThe collections' licences cover their code and annotations; the pages belong to "
                 "their publishers and were used to build training data only (no page text is "
                 "distributed with the model, which holds network weights and hashed-token weights). "
                 "Counts are dataset rows: a page rendered to text in two styles counts twice.")
    return text


def _labels_section(labels: Sequence[str]) -> str:
    rows = [(f"`{lab}`", LABEL_DEFINITIONS.get(lab, "a label of the training data (user-defined)")) for lab in labels]
    return _table(("label", "meaning"), rows)


def _in_label_order(per_class: dict) -> list:
    """Per-class rows in the product's label order (artifact metadata stores keys sorted)."""
    from boilerline.model.labels import LABELS

    rank = {lab: i for i, lab in enumerate(LABELS)}
    return sorted(per_class.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0]))


def _per_class_section(report: dict) -> str:
    if not report or "per_class" not in report:
        return "No held-out scores recorded."
    rows = [(f"`{lab}`", f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}", f"{m['support']:,}")
            for lab, m in _in_label_order(report["per_class"])]
    rows.append(("**macro-F1**", "", "", f"**{report['macro_f1']:.3f}**", f"{report['n_lines']:,}"))
    if "content_f1" in report:
        rows.append(("**content F1** (headline+body vs rest)", "", "", f"**{report['content_f1']:.3f}**", ""))
    return _table(("label", "precision", "recall", "F1", "support (lines)"), rows, right=(1, 2, 3, 4))


def _per_language_section(per_language: dict | None) -> str:
    if not per_language:
        return ("Not computed for this artifact (run `python -m boilerline.training model-card "
                "--model PATH --dataset DATASET_DIR` to add them).")
    rows = [(f"`{lang}`", f"{m['n_documents']:,}", f"{m['n_lines']:,}", f"{m['macro_f1']:.3f}",
             f"{m['content_f1']:.3f}" if "content_f1" in m else "-", f"{m['accuracy']:.3f}")
            for lang, m in sorted(per_language.items(), key=lambda kv: -kv[1].get("n_lines", 0))]
    return _table(("language", "documents", "labelled lines", "macro-F1", "content F1", "accuracy"), rows,
                  right=(1, 2, 3, 4, 5))


def _layers_text(layers) -> str:
    if not isinstance(layers, dict):
        return "?"
    parts = [f"{name.replace('stage', 'stage ')} {', '.join(map(str, sizes))}" for name, sizes in layers.items() if sizes]
    return "; ".join(parts) or "?"


def _is_corpus_model(meta: dict) -> bool:
    """Whether the model was trained on the project's corpus (rather than on a user's data)."""
    sources = meta.get("sources") or {}
    return not sources or any(name in SOURCE_LICENCES and name != "fixture" for name in sources)


def render_model_card(meta: dict, report: dict, per_language: dict | None = None) -> str:
    """The card's Markdown text.

    Parameters
    ----------
    meta : dict
        The artifact's metadata (labels, versions, training_data_hash, training_documents,
        sources, languages, split...).
    report : dict
        Held-out scores from :func:`boilerline.training.train.score_report`; its
        ``per_language`` entry, when present, is used unless ``per_language`` is given.
    """
    labels = list(meta.get("labels") or report.get("per_class", {}) or LABELS)
    per_language = per_language if per_language is not None else report.get("per_language")
    versions = ", ".join(f"{k} {v}" for k, v in sorted((meta.get("versions") or {}).items()))
    languages = meta.get("languages") or {}
    lang_text = ", ".join(f"{k} ({v:,})" for k, v in sorted(languages.items(), key=lambda kv: -kv[1])[:20])
    if len(languages) > 20:
        lang_text += f", and {len(languages) - 20} more"
    custom = [lab for lab in labels if lab not in LABELS]
    parts = [
        "# boilerline model card",
        "",
        "A line classifier for the plain-text dumps of web pages: every non-blank line gets one of "
        f"{len(labels)} labels. Two small neural networks (a one-hidden-layer network on each line's "
        "features and hashed tokens, then "
        + ("a bidirectional GRU over the page's lines on their neighbours' scores"
           if meta.get("stage2_kind") == "gru" else "one on its neighbours' scores")
        + "), each the average of two trained networks, then a forward-backward pass over the "
        "document with learned label transitions; run with numpy.",
        "",
        "## Model",
        "",
        f"- Labels: {', '.join(f'`{lab}`' for lab in labels)}"
        + (f" (user-defined: {', '.join(f'`{lab}`' for lab in custom)})" if custom else ""),
        f"- Hidden units: {_layers_text(meta.get('layers'))}"
        + (" (stage 2: dense layer, then GRU state each way)" if meta.get("stage2_kind") == "gru" else "")
        + f"; hashed-token buckets: {meta.get('n_buckets', '?')}",
        f"- Training data: {meta.get('training_documents', '?')} documents (SHA-256 "
        f"`{str(meta.get('training_data_hash', '?'))[:16]}...`)"
        + _hand_labelled_text(meta.get("hand_labelled_pages")),
        f"- Evaluation split: {meta.get('split', 'held-out sites')}"
        + ("; the artifact was then refitted on all sites, so the scores are those of the split model"
           if is_refitted(meta) else ""),
        f"- Written by: {versions or 'unknown versions'}",
        "",
        "## Training data",
        "",
        _sources_section(meta),
        "",
    ]
    if lang_text:
        parts += [f"Languages (documents): {lang_text}.", ""]
    parts += [
        "## Labels",
        "",
        _labels_section(labels),
        "",
        "Blank lines get no label. The full definitions and the rules for hard cases are in the "
        "project's `LABELS.md`.",
        "",
        "## Scores on held-out sites",
        "",
        "Per class (lines of sites never seen in training):",
        "",
        _per_class_section(report),
        "",
        "Per language:",
        "",
        _per_language_section(per_language),
        "",
        "## Intended use",
        "",
        INTENDED_USE,
        "",
        "## Known limits",
        "",
        KNOWN_LIMITS if _is_corpus_model(meta) else USER_DATA_LIMITS,
        "",
    ]
    return "\n".join(parts)


def write_model_card(meta: dict, report: dict, path: str | Path, per_language: dict | None = None) -> Path:
    """Write the card (see :func:`render_model_card`) to ``path``; return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_model_card(meta, report, per_language), encoding="utf-8")
    return path


# ----------------------------------------------------------------------- existing artifacts


def main_model_card(args) -> int:
    """``python -m boilerline.training model-card``: write the card of an existing artifact."""
    from boilerline.model import load_model
    from boilerline.model.api import shipped_model_path

    artifact = Path(args.model) if args.model else shipped_model_path()
    clf = load_model(artifact if args.model else None)
    meta = dict(clf.metadata)
    report = dict((meta.get("scores") or {}).get("heldout_sites") or {})
    per_language = report.get("per_language")
    if args.dataset:
        from boilerline.training.train import dev_sites, load_documents, split_by_site

        docs = load_documents(Path(args.dataset))
        meta.setdefault("sources", dict(Counter(docs.sources)))
        meta.setdefault("languages", dict(Counter(docs.languages)))
        if per_language is None and is_refitted(meta):
            print("warning: this artifact was refitted on all sites; no honest per-language scores")
        elif per_language is None:
            _, test_idx = split_by_site(docs, dev_sites(docs))
            test = docs.subset(test_idx)
            per_language = per_language_report(clf, test.lines, test.labels, test.languages, clf.labels)
    out = Path(args.output) if args.output else card_path(artifact)
    write_model_card(meta, report, out, per_language)
    print(f"wrote {out}")
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", default=None, help="artifact (default: the shipped model)")
    parser.add_argument("--dataset", default=None,
                        help="labelled dataset the model was trained on: fills in sources, languages and "
                        "per-language scores on its held-out sites when the metadata lacks them")
    parser.add_argument("--output", "-o", default=None, help="where to write (default: next to the artifact)")
