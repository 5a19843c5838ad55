"""Bring your own labels: train a model on a labelled JSONL (or Parquet) file.

Each record holds ``lines`` (a list of strings) or ``text`` (split like the command line
does) and ``labels``: one entry per line, a label name or ``null`` (unlabelled: not trained
on, not scored). Labels may be any subset of boilerline's eight, or names of your own;
there must be at least three distinct ones. Optional fields: ``site`` (documents of one
site stay on the same side of the train/held-out split; without it each document is its
own site), ``doc_id``, ``language``, ``source``.

>>> from boilerline.training.user_data import train_from_user_data
>>> train_from_user_data("my_labels.jsonl", "my-model.npz")     # doctest: +SKIP

``boilerline train --data my_labels.jsonl -o my-model.npz`` runs the same, and
``load_model("my-model.npz")`` / ``boilerline label --model my-model.npz`` use the result.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Iterator

from boilerline.model.io import decode_bytes, document_lines

#: Fields copied from a record when present (as strings); defaults when absent.
OPTIONAL_FIELDS = ("doc_id", "site", "language", "source")


class UserDataError(ValueError):
    """A record of the user's labelled data is unusable."""


def _is_parquet(path: Path, fmt: str | None) -> bool:
    return fmt == "parquet" if fmt else path.suffix.lower() in (".parquet", ".pq")


def _records(path: Path, fmt: str | None = None) -> Iterator[tuple[int, dict]]:
    """(record number, record) from a JSONL or Parquet file (``fmt`` None: by the suffix)."""
    if _is_parquet(path, fmt):
        import pyarrow.parquet as pq

        import pyarrow as pa

        try:
            pf = pq.ParquetFile(path)
        except (OSError, pa.ArrowException) as exc:
            raise UserDataError(f"{path}: cannot read as Parquet: {exc}") from None
        n = 0
        for batch in pf.iter_batches(batch_size=1024):
            for rec in batch.to_pylist():
                n += 1
                yield n, rec
        return
    with open(path, "rb") as f:
        for n, raw in enumerate(f, start=1):
            if n == 1:
                raw = decode_bytes(raw).encode("utf-8")  # drop a BOM
            if not raw.strip():
                continue
            try:
                yield n, json.loads(raw)
            except ValueError as exc:
                raise UserDataError(f"{path}:{n}: invalid JSON: {exc}") from None


def iter_user_records(path: str | Path, fmt: str | None = None) -> Iterator[dict]:
    """The records of a labelled file, checked and normalised to the training columns.

    Raises
    ------
    UserDataError
        A record without usable lines, without ``labels``, or with a label count that
        differs from its line count; a label that is not a string or null.
    """
    path = Path(path)
    for n, rec in _records(path, fmt):
        where = f"{path}:{n}"
        if isinstance(rec, dict) and rec.get("lines") is None and "lines" in rec:
            rec = {k: v for k, v in rec.items() if k != "lines"}  # Parquet: a null column value
        try:
            lines = document_lines(rec)
        except ValueError as exc:
            raise UserDataError(f"{where}: {exc}") from None
        labels = rec.get("labels")
        if not isinstance(labels, list):
            raise UserDataError(f"{where}: 'labels' must be a list with one label (or null) per line")
        if len(labels) != len(lines):
            raise UserDataError(f"{where}: {len(labels)} labels for {len(lines)} lines")
        for i, lab in enumerate(labels):
            if lab is not None and not isinstance(lab, str):
                raise UserDataError(f"{where}: labels[{i}] must be a string or null")
        doc_id = str(rec.get("doc_id") if rec.get("doc_id") is not None else f"doc{n}")
        yield {
            "doc_id": doc_id,
            "site": str(rec["site"]) if rec.get("site") is not None else doc_id,
            "language": str(rec["language"]) if rec.get("language") is not None else "unk",
            "source": str(rec["source"]) if rec.get("source") is not None else f"user:{path.name}",
            "rendering": "given",
            "lines": list(lines),
            # blank lines carry no label, whatever the file says
            "labels": [lab if line.strip() else None for line, lab in zip(lines, labels)],
        }


def read_user_records(path: str | Path, min_classes: int = 3) -> list[dict]:
    """All records of :func:`iter_user_records`; at least ``min_classes`` label names."""
    out = list(iter_user_records(path))
    if not out:
        raise UserDataError(f"{path}: no records")
    names = {lab for r in out for lab in r["labels"] if lab is not None}
    if len(names) < min_classes:
        raise UserDataError(f"{path}: the labels must name at least {min_classes} classes, found {sorted(names)}")
    return out


def evaluate_gold(clf, path: str | Path, batch_docs: int = 64, progress=None, fmt: str | None = None) -> dict:
    """Score ``clf`` against a labelled JSONL/Parquet file (streamed in batches).

    Gold labels the model does not know are scored too (it never predicts them, so their
    recall is 0); ``null`` gold labels and blank lines are not scored. Returns
    :func:`boilerline.training.train.score_report`'s dict plus ``n_documents`` and, when
    the file names more than one ``language``, ``per_language`` (macro-F1, content F1,
    accuracy and line counts per language).
    """
    import numpy as np

    from boilerline.training.train import score_report

    labels = list(clf.labels)
    index = {lab: k for k, lab in enumerate(labels)}
    y_true: list[int] = []
    y_pred: list[int] = []
    langs: list[str] = []
    docs_per_lang: dict[str, int] = {}
    n_docs = 0

    def score(batch: list[dict]) -> None:
        for rec, pred in zip(batch, clf.predict_documents([r["lines"] for r in batch])):
            docs_per_lang[rec["language"]] = docs_per_lang.get(rec["language"], 0) + 1
            for t, p in zip(rec["labels"], pred):
                if t is None or p is None:
                    continue
                if t not in index:
                    index[t] = len(labels)
                    labels.append(t)
                y_true.append(index[t])
                y_pred.append(index[p])
                langs.append(rec["language"])
        if progress is not None:
            progress.update(len(batch), sum(len(r["lines"]) for r in batch))

    batch: list[dict] = []
    for rec in iter_user_records(path, fmt):
        n_docs += 1
        batch.append(rec)
        if len(batch) >= batch_docs:
            score(batch)
            batch = []
    if batch:
        score(batch)
    t, p = np.asarray(y_true, dtype=np.int64), np.asarray(y_pred, dtype=np.int64)
    report = score_report(t, p, labels)
    report["n_documents"] = n_docs
    if len(docs_per_lang) > 1:
        lang_arr = np.asarray(langs)
        per_language = {}
        for lang in sorted(docs_per_lang, key=lambda x: -int(np.sum(lang_arr == x))):
            mask = lang_arr == lang
            if not mask.any():
                continue
            rep = score_report(t[mask], p[mask], labels)
            per_language[lang] = {k: rep[k] for k in ("macro_f1", "content_f1", "accuracy", "n_lines") if k in rep}
            per_language[lang]["n_documents"] = docs_per_lang[lang]
        report["per_language"] = per_language
    return report


def format_gold_report(report: dict) -> str:
    """The per-class table (and per-language one when present) as Markdown."""
    from boilerline.training.train import format_report

    out = [f"{report.get('n_documents', '?')} documents, {report['n_lines']} labelled lines scored", "",
           format_report(report)]
    if report.get("per_language"):
        out += ["", "| language | documents | lines | macro-F1 | content F1 | accuracy |",
                "|---|---:|---:|---:|---:|---:|"]
        for lang, m in report["per_language"].items():
            cf = f"{m['content_f1']:.3f}" if "content_f1" in m else "-"
            out.append(f"| {lang} | {m['n_documents']} | {m['n_lines']} | {m['macro_f1']:.3f} | {cf} | {m['accuracy']:.3f} |")
    return "\n".join(out) + "\n"


def jsonl_to_dataset(path: str | Path, out_dir: str | Path) -> Path:
    """Convert a labelled JSONL/Parquet file into the training dataset format (save_to_disk)."""
    from datasets import Dataset

    records = read_user_records(path)
    for r in records:
        r["rules"] = ["user"] * len(r["lines"])
    out_dir = Path(out_dir)
    Dataset.from_list(records).save_to_disk(str(out_dir))
    return out_dir


def is_dataset_dir(path: str | Path) -> bool:
    """Whether ``path`` is a folder written by ``Dataset.save_to_disk``."""
    path = Path(path)
    return path.is_dir() and (path / "dataset_info.json").is_file()


def train_from_user_data(data: str | Path, output: str | Path, **train_kwargs) -> dict:
    """Train a model on a labelled JSONL/Parquet file or a saved dataset folder.

    ``train_kwargs`` go to :func:`boilerline.training.train.train_model` (``stage2``,
    ``refit_all``, ``augment_fraction``, ``max_docs``). Synthetic augmentation is off by
    default here: it inserts blocks labelled with boilerline's own labels, which a user's
    label set may not share. Returns the held-out report.
    """
    from boilerline.training.train import train_model

    train_kwargs.setdefault("augment_fraction", 0.0)
    if is_dataset_dir(data):
        return train_model(Path(data), Path(output), **train_kwargs)
    if not Path(data).is_file():
        raise UserDataError(f"{data}: no such file or dataset folder")
    with tempfile.TemporaryDirectory(prefix="boilerline-train-") as tmp:
        ds_dir = jsonl_to_dataset(data, Path(tmp) / "dataset")
        return train_model(ds_dir, Path(output), **train_kwargs)
