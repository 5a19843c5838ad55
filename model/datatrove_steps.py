"""datatrove pipeline steps: remove boilerplate lines, drop documents with too short an article.

Install with ``pip install boilerline[datatrove]``; this is the only boilerline module that
imports datatrove.

>>> from datatrove.executor import LocalPipelineExecutor          # doctest: +SKIP
>>> from datatrove.pipeline.readers import JsonlReader
>>> from datatrove.pipeline.writers import JsonlWriter
>>> from boilerline.model.datatrove_steps import ArticleLengthFilter, BoilerlineFormatter
>>> LocalPipelineExecutor(pipeline=[
...     JsonlReader("pages/"),
...     BoilerlineFormatter(),                 # doc.text = headline + body lines
...     ArticleLengthFilter(min_words=50),     # drop pages whose article is shorter
...     JsonlWriter("clean/"),
... ], tasks=8, workers=4, logging_dir="logs/").run()

Both steps label documents in batches (:meth:`LineClassifier.predict_documents`) and load
the model lazily, once per worker process: the step object that datatrove pickles to its
workers holds only a model reference (``None`` for the shipped model, or a path).

Metadata written (lists and numbers, so JSONL and Parquet writers keep them):

``boilerline_labels``
    One label per line of the text *as it was before formatting* (split with
    :func:`boilerline.model.io.split_lines`), ``None`` for a blank line.
``boilerline_article_chars``, ``boilerline_article_words``
    Size of the article (the headline and body lines) before formatting.
"""

from __future__ import annotations

from typing import Iterable

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.filters.base_filter import BaseFilter
from datatrove.utils.batching import batched
from datatrove.utils.typeshelper import StatHints

from .batching import ModelRef, article_stats, cached_model
from .io import split_lines
from .labels import CONTENT_LABELS

LABELS_KEY = "boilerline_labels"
ARTICLE_CHARS_KEY = "boilerline_article_chars"
ARTICLE_WORDS_KEY = "boilerline_article_words"
#: Documents labelled per predict call.
DEFAULT_BATCH_SIZE = 64


class _Labelling:
    """Shared by both steps: label a batch of documents and record the metadata."""

    model: ModelRef
    content_labels: tuple[str, ...]

    def _label_batch(self, docs: list[Document], relabel: bool = False) -> list[list[str]]:
        """Label ``docs`` (all, or those not labelled yet); return each document's lines."""
        all_lines = [split_lines(doc.text or "") for doc in docs]
        todo = [i for i, doc in enumerate(docs) if relabel or LABELS_KEY not in doc.metadata]
        if todo:
            clf = cached_model(self.model)
            for i, labels in zip(todo, clf.predict_documents([all_lines[i] for i in todo])):
                doc = docs[i]
                doc.metadata[LABELS_KEY] = list(labels)
                chars, words = article_stats(all_lines[i], labels, self.content_labels)
                doc.metadata[ARTICLE_CHARS_KEY] = chars
                doc.metadata[ARTICLE_WORDS_KEY] = words
        return all_lines


class BoilerlineFormatter(_Labelling, PipelineStep):
    """Keep only the article's lines in ``doc.text``; per-line labels go to the metadata.

    Parameters
    ----------
    model : None, str or PathLike
        ``None`` for the shipped model, or the path of an artifact.
    keep : iterable of str
        Labels whose lines stay in the text (default headline and body).
    batch_size : int
        Documents labelled per batch.
    content_labels : iterable of str
        Labels counted in the article sizes of the metadata (default headline and body;
        set it for a model with labels of its own).
    """

    name = "🧱 boilerline"
    type = "✂️ - FORMAT"

    def __init__(self, model: ModelRef = None, keep: Iterable[str] = CONTENT_LABELS,
                 batch_size: int = DEFAULT_BATCH_SIZE, content_labels: Iterable[str] = CONTENT_LABELS):
        super().__init__()
        self.model = model
        self.keep = tuple(keep)
        self.content_labels = tuple(content_labels)
        self.batch_size = batch_size

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        keep = frozenset(self.keep)
        for batch in batched(data, self.batch_size):
            with self.track_time("batch"):
                all_lines = self._label_batch(batch, relabel=True)
                for doc, lines in zip(batch, all_lines):
                    labels = doc.metadata[LABELS_KEY]
                    kept = [ln for ln, lab in zip(lines, labels) if lab is not None and lab in keep]
                    self.stat_update("lines", value=len(lines))
                    self.stat_update("kept_lines", value=len(kept))
                    doc.text = "\n".join(kept)
            for doc in batch:
                self.stat_update(StatHints.total)
                self.update_doc_stats(doc)
                yield doc


class ArticleLengthFilter(_Labelling, BaseFilter):
    """Drop documents whose article (headline and body lines) is too short.

    Uses the sizes :class:`BoilerlineFormatter` recorded when it ran before; otherwise labels
    the documents itself (and records the same metadata). Keeps a document when its article
    has at least ``min_chars`` characters *and* at least ``min_words`` words.

    Parameters
    ----------
    min_chars, min_words : int
        Thresholds (0 disables one).
    model : None, str or PathLike
        Model used when a document has no labels yet.
    content_labels : iterable of str
        Labels that make up the article.
    batch_size : int
        Documents labelled per batch.
    exclusion_writer : datatrove DiskWriter, optional
        Where dropped documents go (with ``filter_reason`` set).
    """

    name = "🧱 boilerline article length"

    def __init__(self, min_chars: int = 0, min_words: int = 50, model: ModelRef = None,
                 content_labels: Iterable[str] = CONTENT_LABELS,
                 batch_size: int = DEFAULT_BATCH_SIZE, exclusion_writer=None):
        super().__init__(exclusion_writer=exclusion_writer, batch_size=batch_size)
        self.min_chars = min_chars
        self.min_words = min_words
        self.model = model
        self.content_labels = tuple(content_labels)

    def filter(self, doc: Document) -> bool | tuple[bool, str]:
        return self.filter_batch([doc])[0]

    def filter_batch(self, batch: list[Document]) -> list[bool | tuple[bool, str]]:
        self._label_batch(batch)
        out: list[bool | tuple[bool, str]] = []
        for doc in batch:
            if doc.metadata[ARTICLE_CHARS_KEY] < self.min_chars:
                out.append((False, "article_too_few_chars"))
            elif doc.metadata[ARTICLE_WORDS_KEY] < self.min_words:
                out.append((False, "article_too_few_words"))
            else:
                out.append(True)
        return out
