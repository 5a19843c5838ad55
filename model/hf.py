"""Hugging Face ``datasets`` integration: label the lines of every row with ``ds.map``.

>>> from datasets import Dataset
>>> from boilerline.model.hf import label_batch
>>> ds = Dataset.from_dict({"text": ["Title\\n\\nFirst paragraph of the story ...", "Home\\nAbout"]})
>>> ds = ds.map(label_batch(add_clean_text=True), batched=True, num_proc=2)  # doctest: +SKIP
>>> ds.column_names  # doctest: +SKIP
['text', 'labels', 'clean_text']

The callable returned by :func:`label_batch` (a :class:`BoilerlineMap`) holds only a model
*reference* (``None`` for the shipped model, or a path): each process loads the model the
first time it labels a batch, so ``num_proc=N`` works and nothing big is pickled. Text is
split into lines with the command line's rule (:func:`boilerline.model.io.split_lines`), so
``labels[i]`` is the label of ``split_lines(text)[i]`` (``None`` for a blank line).
"""

from __future__ import annotations

from typing import Any, Iterable

from .batching import ModelRef, cached_model, model_fingerprint
from .io import split_lines
from .labels import CONTENT_LABELS

#: Column written with one label (or None for a blank line) per line.
LABELS_COLUMN = "labels"
#: Column written with the kept lines joined by "\n" when ``add_clean_text`` is set.
CLEAN_TEXT_COLUMN = "clean_text"


class BoilerlineMap:
    """A picklable ``ds.map`` function adding per-line labels (and optionally clean text).

    Parameters
    ----------
    model : None, str, PathLike or LineClassifier
        ``None`` for the shipped model, or the path of an artifact (preferred with
        ``num_proc > 1``: a loaded classifier would be pickled to every process).
    text_column : str
        Column holding each document as one string (split with ``split_lines``).
    lines_column : str, optional
        Column holding each document as a list of lines; used instead of ``text_column``.
    labels_column : str
        Name of the output labels column.
    add_clean_text : bool
        Also write the kept lines joined with ``"\\n"``.
    clean_text_column : str
        Name of that column (``"text"`` replaces the input text; the labels then refer to
        the lines of the *original* text).
    keep : iterable of str
        Labels whose lines the clean text keeps (default headline and body).

    Works with ``batched=True`` (a dict of columns) and ``batched=False`` (one row). A
    missing document (``None`` in the column) gets ``labels=[]`` and an empty clean text.
    """

    def __init__(
        self,
        model: ModelRef = None,
        text_column: str = "text",
        lines_column: str | None = None,
        labels_column: str = LABELS_COLUMN,
        add_clean_text: bool = False,
        clean_text_column: str = CLEAN_TEXT_COLUMN,
        keep: Iterable[str] = CONTENT_LABELS,
    ):
        self.model = model
        self.text_column = text_column
        self.lines_column = lines_column
        self.labels_column = labels_column
        self.add_clean_text = add_clean_text
        self.clean_text_column = clean_text_column
        self.keep = tuple(keep)
        if not self.keep:
            raise ValueError("keep needs at least one label")
        self._fingerprint = model_fingerprint(model)

    def _documents(self, column: list) -> list[list[str]]:
        if self.lines_column is not None:
            return [list(lines) if lines is not None else [] for lines in column]
        return [split_lines(text) if text is not None else [] for text in column]

    def __call__(self, batch: dict[str, Any]) -> dict[str, list]:
        source = self.lines_column if self.lines_column is not None else self.text_column
        if source not in batch:
            raise KeyError(f"boilerline: no column {source!r} (columns: {', '.join(batch)})")
        column = batch[source]
        single = column is None or isinstance(column, str) or (
            self.lines_column is not None and (not column or isinstance(column[0], str))
        )
        docs = self._documents([column] if single else list(column))
        clf = cached_model(self.model)
        labels = clf.predict_documents(docs) if docs else []
        out: dict[str, list] = {self.labels_column: labels}
        if self.add_clean_text:
            keep = frozenset(self.keep)
            out[self.clean_text_column] = [
                "\n".join(line for line, lab in zip(lines, labs) if lab is not None and lab in keep)
                for lines, labs in zip(docs, labels)
            ]
        if single:
            return {k: v[0] for k, v in out.items()}
        return out

    def __repr__(self) -> str:
        return (f"BoilerlineMap(model={self.model!r}, source={self.lines_column or self.text_column!r}, "
                f"add_clean_text={self.add_clean_text})")


def label_batch(
    model: ModelRef = None,
    text_column: str = "text",
    lines_column: str | None = None,
    add_clean_text: bool = False,
    keep: Iterable[str] = CONTENT_LABELS,
    labels_column: str = LABELS_COLUMN,
    clean_text_column: str = CLEAN_TEXT_COLUMN,
) -> BoilerlineMap:
    """A function for ``ds.map(fn, batched=True, num_proc=N)`` adding a ``labels`` column.

    See :class:`BoilerlineMap` for the parameters. Example::

        from datasets import load_dataset
        from boilerline.model.hf import label_batch

        ds = load_dataset("json", data_files="pages.jsonl", split="train")
        ds = ds.map(label_batch(add_clean_text=True), batched=True, batch_size=64, num_proc=4)
    """
    return BoilerlineMap(model=model, text_column=text_column, lines_column=lines_column,
                         labels_column=labels_column, add_clean_text=add_clean_text,
                         clean_text_column=clean_text_column, keep=keep)
