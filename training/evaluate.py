"""Evaluation report: ``python -m boilerline.training evaluate`` writes ``reports/``.

Steps, each a function:

1. :func:`heldout_documents` takes the sites the training split held out (never trained on
   by the split model) and :func:`dev_documents` the hand-labelled dev pages;
   :func:`caseless_documents` writes the dev pages' Latin letters in Arabic letters, a test
   of what the model reads without the words it knows and without capitals;
2. :func:`predict_all` labels them with the model, :func:`justext_content` and
   :func:`c4_content` mark content with the two baselines on the same lines;
3. :func:`metrics_block` computes per-class scores, confusion, per-language and per-source
   results and content F1 side by side;
4. :func:`write_reports` writes ``reports/evaluation.md`` (figures only, committed),
   confusion-matrix PNGs, and ``reports/errors.md`` with the worst-labelled lines in their
   context (page text: git-ignored, for local error analysis only).
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from boilerline.model import load_model
from boilerline.model.labels import CONTENT_LABELS
from boilerline.training.train import DEFAULT_DATASET, dev_sites, load_documents, score_report, split_by_site

DEFAULT_REPORTS = Path("reports")
DEFAULT_DEV_SET = Path("data/dev/handlabels.tsv")
#: Hand labels of pages on held-out sites (scored, like the held-out sites, with the split model).
DEFAULT_HELDOUT_LABELS = Path("data/heldout/handlabels.tsv")
#: The sets a refitted model has trained on the sites of: scored with its split model.
HELDOUT_SETS = ("heldout", "heldout-hand")
#: How many worst-labelled lines go into errors.md, and lines of context around each.
N_WORST = 60
CONTEXT_LINES = 2
#: The issue's targets, checked in the report.
TARGET_MACRO_F1 = 0.85
TARGET_LABEL_F1 = 0.70
TARGET_CONTENT_F1 = 0.95
TARGET_FR_EN_GAP = 0.03
#: Evaluation sets whose report shows no target table (a stress test, not the issue's sets).
NO_TARGETS = ("dev-caseless",)
#: Seed of the letter mapping of :func:`caseless_documents` (fixed: the same text every run).
CASELESS_SEED = 0
#: jusText stoplists by language code; others fall back to English (jusText needs one).
JUSTEXT_LANGUAGES = {
    "en": "English", "fr": "French", "de": "German", "es": "Spanish", "pt": "Portuguese",
    "it": "Italian", "nl": "Dutch", "ar": "Arabic", "pl": "Polish", "cs": "Czech", "sv": "Swedish",
    "ru": "Russian", "tr": "Turkish", "hu": "Hungarian", "hr": "Croatian", "ja": "Japanese",
}


@dataclass
class EvalSet:
    """Documents with gold labels (None = unlabelled) and their metadata."""

    name: str
    lines: list[list[str]]
    gold: list[list[str | None]]
    languages: list[str]
    sources: list[str]
    doc_ids: list[str] = field(default_factory=list)


def heldout_documents(dataset_dir: Path, rendering: str | None = "blocks") -> EvalSet:
    """The held-out sites of the training split, in one rendering style."""
    docs = load_documents(dataset_dir)
    _, test_idx = split_by_site(docs, dev_sites(docs))
    if rendering is not None:
        test_idx = [i for i in test_idx if docs.renderings[i] == rendering]
    sub = docs.subset(test_idx)
    return EvalSet("held-out sites (auto-labelled)", sub.lines, sub.labels, sub.languages, sub.sources,
                   [f"{sub.sites[i]}#{i}" for i in range(len(sub))])


def dev_documents(corpus_root: Path, dev_path: Path, name: str = "hand-labelled dev pages") -> EvalSet | None:
    """Hand-labelled pages (by default the dev set), re-rendered from the corpus (None when unavailable)."""
    if not dev_path.is_file() or corpus_root is None or not (corpus_root / "MANIFEST.csv").is_file():
        return None
    from boilerline.training.devset import load_dev_set

    docs = load_dev_set(corpus_root, dev_path)
    return EvalSet(name, [d["lines"] for d in docs], [d["labels"] for d in docs],
                   [d["language"] for d in docs], [d["source"] for d in docs], [d["doc_id"] for d in docs])


def caseless_documents(ev: EvalSet) -> EvalSet:
    """``ev``'s non-Arabic pages with every Latin letter written in Arabic letters.

    One fixed one-to-one mapping of the 26 base letters (accents dropped, capitals gone), the
    same for every page and run.  The model knows none of the resulting words and sees no
    capital letters, as on a page in a language and script it has barely been trained on;
    the labels are the dev pages' own.
    """
    import random

    from boilerline.training.synthetic import CASELESS_ALPHABETS, caseless_table

    table = caseless_table(random.Random(CASELESS_SEED), CASELESS_ALPHABETS[0])
    keep = [d for d, lang in enumerate(ev.languages) if lang != "ar"]
    return EvalSet("dev pages, Latin letters written in Arabic letters", [[line.translate(table) for line in ev.lines[d]]
                                                                           for d in keep],
                   [ev.gold[d] for d in keep], [ev.languages[d] for d in keep], [ev.sources[d] for d in keep],
                   [ev.doc_ids[d] for d in keep] if ev.doc_ids else [])


def seed_documents(seed_dir: Path) -> EvalSet | None:
    """The project's seed page (a real French WordPress dump with its reference labels)."""
    labels_path = seed_dir / "seed.labels.tsv"
    texts = sorted(seed_dir.glob("*.txt"))
    if not labels_path.is_file() or len(texts) != 1:
        return None
    from boilerline.model.io import split_lines

    rows = [r.split("\t", 1) for r in labels_path.read_text(encoding="utf-8").splitlines()[1:] if r]
    lines = split_lines(texts[0].read_text(encoding="utf-8"))
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    if len(nonblank) != len(rows):
        raise ValueError(f"{labels_path}: {len(rows)} labels for {len(nonblank)} non-blank lines")
    gold: list[str | None] = [None] * len(lines)
    for i, (label, _) in zip(nonblank, rows):
        gold[i] = label
    return EvalSet("seed page (French WordPress)", [lines], [gold], ["fr"], ["seed"], [texts[0].name])


def predict_all(clf, ev: EvalSet) -> tuple[list[list[str | None]], list[np.ndarray]]:
    """Model labels and probabilities for every document."""
    proba = clf.predict_proba_documents(ev.lines)
    labels = []
    for P in proba:
        best = P.argmax(axis=1)
        labels.append([None if P[i].sum() == 0 else clf.labels[k] for i, k in enumerate(best)])
    return labels, proba


def justext_content(lines: Sequence[str], language: str) -> list[bool]:
    """jusText's verdict per line, each non-blank line given to it as one ``<p>``."""
    import justext

    keep = [i for i, line in enumerate(lines) if line.strip()]
    body = "".join(f"<p>{html.escape(lines[i].strip())}</p>" for i in keep)
    name = JUSTEXT_LANGUAGES.get(language, "English")
    stoplist = justext.get_stoplist(name if name in justext.get_stoplists() else "English")
    paragraphs = justext.justext(f"<html><body>{body}</body></html>".encode("utf-8"), stoplist, encoding="utf-8")
    out = [False] * len(lines)
    if len(paragraphs) == len(keep):
        for i, p in zip(keep, paragraphs):
            out[i] = not p.is_boilerplate
        return out
    # jusText merged or dropped a paragraph: match its kept paragraphs back by text.
    good = {re.sub(r"\s+", " ", p.text).strip() for p in paragraphs if not p.is_boilerplate}
    for i in keep:
        out[i] = re.sub(r"\s+", " ", lines[i]).strip() in good
    return out


def c4_content(lines: Sequence[str]) -> list[bool]:
    """The C4 line rules (as datatrove's C4QualityFilter applies them to lines) per line."""
    from datatrove.pipeline.filters.c4_filters import CITATION_REGEX, END_PUNCTUATION, ELLIPSIS, POLICY_SUBSTRINGS

    out = []
    for line in lines:
        line = line.strip()
        words = line.split()
        line = CITATION_REGEX.sub("", line)
        low = line.lower()
        out.append(
            bool(line)
            and line.endswith(END_PUNCTUATION)
            and not line.endswith(ELLIPSIS)
            and len(words) >= 3
            and not any(len(w) > 1000 for w in words)
            and "javascript" not in low
            and not any(p in low for p in POLICY_SUBSTRINGS)
        )
    return out


def _content_f1(gold_content: list[bool], pred_content: list[bool]) -> float:
    from sklearn.metrics import f1_score

    return round(float(f1_score(gold_content, pred_content, zero_division=0)), 4)


def metrics_block(ev: EvalSet, pred: list[list[str | None]], labels: Sequence[str], baselines: bool = True) -> dict:
    """All figures for one evaluation set."""
    index = {lab: k for k, lab in enumerate(labels)}
    rows = []  # (doc, line, gold, pred)
    for d, (gold, p) in enumerate(zip(ev.gold, pred)):
        for i, (g, q) in enumerate(zip(gold, p)):
            if g is not None and q is not None and g in index:
                rows.append((d, i, index[g], index[q]))
    y_true = np.asarray([r[2] for r in rows])
    y_pred = np.asarray([r[3] for r in rows])
    out = {"overall": score_report(y_true, y_pred, labels), "n_documents": len(ev.lines)}
    cm = np.zeros((len(labels), len(labels)), dtype=np.int64)
    np.add.at(cm, (y_true, y_pred), 1)
    out["confusion"] = cm.tolist()
    for key, values in (("per_language", ev.languages), ("per_source", ev.sources)):
        groups: dict[str, list[int]] = {}
        for r, (d, *_rest) in enumerate(rows):
            groups.setdefault(values[d] or "unk", []).append(r)
        out[key] = {
            g: {k: v for k, v in score_report(y_true[idx], y_pred[idx], labels).items() if k != "per_class"}
            | {"documents": len({rows[r][0] for r in idx})}
            for g, idx in sorted(groups.items(), key=lambda kv: -len(kv[1]))
        }
    if baselines:
        content = {index[c] for c in CONTENT_LABELS if c in index}
        gold_c = [int(t) in content for t in y_true]
        jt = [justext_content(lines, lang) for lines, lang in zip(ev.lines, ev.languages)]
        c4 = [c4_content(lines) for lines in ev.lines]
        out["content_f1"] = {
            "boilerline": _content_f1(gold_c, [int(p) in content for p in y_pred]),
            "jusText": _content_f1(gold_c, [jt[d][i] for d, i, _, _ in rows]),
            "C4 line rules": _content_f1(gold_c, [c4[d][i] for d, i, _, _ in rows]),
        }
    return out


def worst_lines(ev: EvalSet, proba: list[np.ndarray], labels: Sequence[str], n: int = N_WORST) -> list[dict]:
    """The confidently wrong lines: highest probability given to a wrong label."""
    index = {lab: k for k, lab in enumerate(labels)}
    cands = []
    for d, (gold, P) in enumerate(zip(ev.gold, proba)):
        for i, g in enumerate(gold):
            if g is None or g not in index or P[i].sum() == 0:
                continue
            k = int(P[i].argmax())
            if k != index[g]:
                cands.append((float(P[i, k] - P[i, index[g]]), d, i, labels[k]))
    cands.sort(reverse=True)
    out = []
    for margin, d, i, predicted in cands[:n]:
        lo, hi = max(0, i - CONTEXT_LINES), min(len(ev.lines[d]), i + CONTEXT_LINES + 1)
        out.append({"doc": ev.doc_ids[d] if ev.doc_ids else str(d), "line": i, "gold": ev.gold[d][i],
                    "predicted": predicted, "margin": round(margin, 3),
                    "context": [(j, ev.gold[d][j], ev.lines[d][j]) for j in range(lo, hi)]})
    return out


def _table(headers: Sequence[str], rows: Sequence[Sequence]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" if i == 0 else "---:" for i in range(len(headers))) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _section(title: str, m: dict, labels: Sequence[str]) -> str:
    o = m["overall"]
    parts = [f"## {title}", "", f"{m['n_documents']} documents, {o['n_lines']} labelled lines.", ""]
    parts.append(_table(["label", "precision", "recall", "F1", "support"],
                        [[lab, f"{v['precision']:.3f}", f"{v['recall']:.3f}", f"{v['f1']:.3f}", v["support"]]
                         for lab, v in o["per_class"].items()]
                        + [["**macro-F1**", "", "", f"**{o['macro_f1']:.3f}**", o["n_lines"]]]))
    if "content_f1" in m:
        parts += ["", "Content F1 (headline+body vs the rest) on the same lines:", "",
                  _table(["tool", "content F1"], [[k, f"{v:.3f}"] for k, v in m["content_f1"].items()])]
    for key, name in (("per_language", "language"), ("per_source", "source")):
        parts += ["", f"Per {name}:", "",
                  _table([name, "documents", "lines", "macro-F1", "content F1", "accuracy"],
                         [[g, v["documents"], v["n_lines"], f"{v['macro_f1']:.3f}", f"{v.get('content_f1', 0):.3f}",
                           f"{v['accuracy']:.3f}"] for g, v in m[key].items()])]
    cm = m["confusion"]
    parts += ["", "Confusion (rows: gold, columns: predicted):", "",
              _table(["gold \\ predicted"] + list(labels), [[lab] + cm[k] for k, lab in enumerate(labels)])]
    return "\n".join(parts)


def _targets(m: dict) -> str:
    o = m["overall"]
    per = {lab: v["f1"] for lab, v in o["per_class"].items() if v["support"] > 0}
    fr = m["per_language"].get("fr", {}).get("macro_f1")
    en = m["per_language"].get("en", {}).get("macro_f1")
    rows = [
        ["macro-F1 >= 0.85", f"{o['macro_f1']:.3f}", "yes" if o["macro_f1"] >= TARGET_MACRO_F1 else "no"],
        ["every label's F1 >= 0.70", f"min {min(per.values()):.3f} ({min(per, key=per.get)})" if per else "-",
         "yes" if per and min(per.values()) >= TARGET_LABEL_F1 else "no"],
        ["content F1 >= 0.95", f"{m.get('content_f1', {}).get('boilerline', o.get('content_f1', 0)):.3f}",
         "yes" if m.get("content_f1", {}).get("boilerline", 0) >= TARGET_CONTENT_F1 else "no"],
        ["French within 0.03 of English (macro-F1)",
         f"fr {fr:.3f} / en {en:.3f}" if fr is not None and en is not None else "no French lines",
         ("yes" if en - fr <= TARGET_FR_EN_GAP else "no") if fr is not None and en is not None else "-"],
    ]
    return _table(["target", "value", "met"], rows)


def plot_confusion(cm: list[list[int]], labels: Sequence[str], path: Path, title: str) -> None:
    """A row-normalised confusion matrix as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    M = np.asarray(cm, dtype=np.float64)
    norm = M / np.maximum(M.sum(axis=1, keepdims=True), 1)
    fig, ax = plt.subplots(figsize=(7.5, 6.5))
    ax.imshow(norm, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    for r in range(len(labels)):
        for c in range(len(labels)):
            if M[r, c]:
                ax.text(c, r, f"{norm[r, c]:.2f}", ha="center", va="center", fontsize=7,
                        color="white" if norm[r, c] > 0.5 else "black")
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_reports(out_dir: Path, results: dict[str, dict], worst: dict[str, list[dict]], labels, model_meta: dict) -> Path:
    """Write evaluation.md, metrics.json, confusion PNGs and errors.md into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    parts = ["# boilerline evaluation report", "",
             "Written by `python -m boilerline.training evaluate`; every figure below comes from that run.",
             f"Model: trained on data hash `{model_meta.get('training_data_hash', '?')[:16]}`, "
             f"boilerline {model_meta.get('versions', {}).get('boilerline', '?')}.", ""]
    for slug, m in results.items():
        if slug not in NO_TARGETS:
            parts += [f"### Targets ({m['title']})", "", _targets(m), ""]
    for slug, m in results.items():
        parts += [_section(m["title"], m, labels), "", f"![confusion]({slug}-confusion.png)", ""]
        plot_confusion(m["confusion"], labels, out_dir / f"{slug}-confusion.png", m["title"])
    path = out_dir / "evaluation.md"
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")
    (out_dir / "metrics.json").write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    err = ["# Worst-labelled lines (page text: not committed)", ""]
    for slug, items in worst.items():
        err += [f"## {slug}", ""]
        for it in items:
            err.append(f"**{it['doc']} line {it['line']}**: gold `{it['gold']}`, predicted `{it['predicted']}` "
                       f"(margin {it['margin']})")
            err += [f"    {'>' if j == it['line'] else ' '} [{g}] {text[:200]}" for j, g, text in it["context"]]
            err.append("")
    (out_dir / "errors.md").write_text("\n".join(err), encoding="utf-8")
    return path


def heldout_model(clf, model_path: Path | None, split_path: Path | None):
    """The model to score the held-out sites with, and a note; None when there is none.

    A model refitted on all sites (``train --refit-all``) has trained on the held-out sites:
    they are scored with its split model instead (``<stem>.split.npz`` beside it, or
    ``split_path``), which must come from the same training data.
    """
    from boilerline.training.model_card import is_refitted

    if not is_refitted(clf.metadata):
        return clf, ""
    from boilerline.model.api import shipped_model_path
    from boilerline.training.train import split_model_path

    path = split_path or split_model_path(Path(model_path) if model_path else shipped_model_path())
    if not path.is_file():
        print(f"warning: the model was refitted on the held-out sites and its split model {path} is missing "
              "(train --refit-all writes it): the held-out sites are not scored", flush=True)
        return None, ""
    split = load_model(path)
    if split.metadata.get("training_data_hash") != clf.metadata.get("training_data_hash"):
        raise ValueError(f"{path} was trained on other data than the model (training_data_hash differs)")
    if is_refitted(split.metadata):
        raise ValueError(f"{path} is itself refitted on all sites: not a split model")
    return split, " (scored with the split model: the shipped model was refitted on these sites)"


def evaluate(model_path: Path | None, dataset_dir: Path, corpus_root: Path | None, dev_path: Path,
             out_dir: Path, baselines: bool = True, split_path: Path | None = None,
             heldout_labels: Path | None = DEFAULT_HELDOUT_LABELS) -> dict:
    """Run the whole evaluation and write the reports; returns the figures.

    ``heldout_labels``: hand labels of pages on held-out sites (skipped when absent), scored
    like the held-out sites.
    """
    clf = load_model(model_path)
    held_clf, held_note = heldout_model(clf, model_path, split_path)
    sets = {"heldout": heldout_documents(dataset_dir)} if held_clf is not None else {}
    if held_clf is not None and corpus_root and heldout_labels is not None:
        hand = dev_documents(corpus_root, Path(heldout_labels), "held-out sites, hand-labelled pages")
        if hand is not None:
            sets["heldout-hand"] = hand
    dev = dev_documents(corpus_root, dev_path) if corpus_root else None
    if dev is not None:
        sets["dev"] = dev
        sets["dev-caseless"] = caseless_documents(dev)
    seed = seed_documents(corpus_root.parent / "seed") if corpus_root else None
    if seed is not None:
        sets["seed"] = seed
    results, worst = {}, {}
    for slug, ev in sets.items():
        model = held_clf if slug in HELDOUT_SETS else clf
        pred, proba = predict_all(model, ev)
        m = metrics_block(ev, pred, model.labels, baselines=baselines)
        m["title"] = ev.name + (held_note if slug in HELDOUT_SETS else "")
        results[slug] = m
        if slug not in NO_TARGETS:
            worst[slug] = worst_lines(ev, proba, model.labels)
        print(_section(ev.name, m, clf.labels) + "\n", flush=True)
    path = write_reports(out_dir, results, worst, clf.labels, clf.metadata)
    print(f"wrote {path}", flush=True)
    return results


def main_evaluate(args) -> int:
    """Entry point of ``python -m boilerline.training evaluate``."""
    from boilerline.training.corpus import default_corpus_root

    corpus = Path(args.corpus) if args.corpus else default_corpus_root()
    evaluate(Path(args.model) if args.model else None, Path(args.dataset), corpus,
             Path(args.dev_set), Path(args.out), baselines=not args.no_baselines,
             split_path=Path(args.split_model) if args.split_model else None,
             heldout_labels=Path(args.heldout_labels))
    return 0


def add_arguments(parser) -> None:
    """The ``evaluate`` subcommand's options."""
    parser.add_argument("--model", default=None, help="model artifact (default: the shipped model)")
    parser.add_argument("--dataset", default=str(DEFAULT_DATASET), help="labelled line dataset")
    parser.add_argument("--corpus", default=None, help="corpus root, for the hand-labelled dev pages")
    parser.add_argument("--dev-set", default=str(DEFAULT_DEV_SET), help="hand labels of the dev pages")
    parser.add_argument("--heldout-labels", default=str(DEFAULT_HELDOUT_LABELS),
                        help="hand labels of pages on held-out sites (skipped when absent)")
    parser.add_argument("--out", default=str(DEFAULT_REPORTS), help="report folder")
    parser.add_argument("--no-baselines", action="store_true", help="skip jusText and the C4 rules")
    parser.add_argument("--split-model", default=None,
                        help="for a model refitted on all sites: its split model, which scores the held-out sites "
                             "(default: <stem>.split.npz beside the model)")
