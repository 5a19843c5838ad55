"""Readers and writers of the ``boilerline`` command line: pure functions, no model.

Everything here turns bytes into lists of lines and JSONL records into documents, and
back; nothing here labels anything. ``boilerline.model.cli`` wires these functions to the
classifier.

Line-splitting rule
-------------------
One rule for page files, standard input and the ``text`` field of JSONL records
(:func:`split_lines`):

* a line ends at ``\\r\\n``, ``\\r`` or ``\\n`` and nowhere else: U+2028, U+2029, U+0085,
  form feed, vertical tab and the other characters that :meth:`str.splitlines` also
  breaks on stay *inside* a line;
* a line break that ends the text does not start an extra empty line, so ``"a\\nb\\n"``
  and ``"a\\nb"`` are both the two lines ``["a", "b"]``, ``"a\\n\\n"`` is ``["a", ""]``
  and ``""`` is no line at all;
* lines keep every other character, leading and trailing spaces included.

Decoding rule
-------------
Bytes are decoded as UTF-8 with ``errors="replace"`` (each invalid byte becomes U+FFFD,
never an error) after one leading UTF-8 byte-order mark is dropped. NUL and the other
control characters are kept as they are. A U+FEFF inside the text (not at the very start
of a file) is data and is kept; the ``text`` of a JSONL record is never BOM-stripped.

JSONL rule
----------
Records are separated by ``\\n`` (a ``\\r\\n`` ending is accepted). A whitespace-only
line is not a record and is ignored. Each record is a JSON object holding either
``lines``, a list of strings taken as they are (one label each, items are not split
again), or ``text``, a string split with :func:`split_lines`; when both are present
``lines`` is used. Anything else is a bad record (:class:`RecordError`), and so is a
``lines`` list with a non-string item.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import IO, Any, Iterable, Iterator, Sequence

#: Encoding of every input and output.
ENCODING = "utf-8"
#: How undecodable input bytes are handled: each becomes U+FFFD.
DECODE_ERRORS = "replace"
#: The UTF-8 byte-order mark, dropped from the very start of an input.
UTF8_BOM = b"\xef\xbb\xbf"
#: The decoded byte-order mark.
BOM = "\ufeff"
#: Name that means "standard input" (for reading) or "standard output" (for writing).
STDIO_NAME = "-"
#: JSONL field holding a document as a list of lines.
LINES_FIELD = "lines"
#: JSONL field holding a document as one string, split with :func:`split_lines`.
TEXT_FIELD = "text"
#: JSONL field added by ``boilerline label``: one label (or null for a blank line) per line.
LABELS_FIELD = "labels"
#: JSONL field added by ``boilerline clean``: the kept lines joined with ``"\n"``.
CLEAN_TEXT_FIELD = "clean_text"
#: JSONL field added to a record that could not be labelled (``--on-error skip``).
ERROR_FIELD = "error"
#: Policies for bad JSONL records.
ON_ERROR_CHOICES = ("fail", "skip")
#: Default number of documents per batch.
DEFAULT_BATCH_DOCS = 64
#: A batch is also closed once it holds this many lines, so memory stays bounded.
DEFAULT_BATCH_LINES = 200_000
#: Separator between the label and the line in ``boilerline label`` text output.
TSV_SEPARATOR = "\t"


class RecordError(ValueError):
    """A JSONL record that cannot be labelled.

    Parameters
    ----------
    line_number : int
        1-based physical line of the record in the JSONL input.
    message : str
        What is wrong with it.
    """

    def __init__(self, line_number: int, message: str):
        self.line_number = line_number
        self.message = message
        super().__init__(f"line {line_number}: {message}")


@dataclass
class JsonlItem:
    """One non-blank line of a JSONL input.

    Attributes
    ----------
    line_number : int
        1-based physical line in the input.
    record : dict or None
        The parsed object, or None when the line is not a JSON object.
    lines : list of str or None
        The document's lines, or None when the record is bad.
    error : str or None
        Why the record is bad, or None.
    """

    line_number: int
    record: dict | None
    lines: list[str] | None
    error: str | None = None


def split_lines(text: str) -> list[str]:
    """Split text into lines on ``\\r\\n``, ``\\r`` and ``\\n`` only.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    list of str
        The lines, without their line breaks. A final line break does not add an empty
        line; the empty string has no lines. Joining the result with ``"\\n"`` gives the
        text back with its line breaks turned into ``\\n`` (and a final one dropped).

    Examples
    --------
    >>> split_lines("a\\r\\nb\\rc\\n\\nd\\u2028e\\n")
    ['a', 'b', 'c', '', 'd\\u2028e']
    """
    if not text:
        return []
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    return lines


def decode_bytes(data: bytes) -> str:
    """Decode input bytes: drop a leading UTF-8 BOM, decode UTF-8 replacing bad bytes.

    Parameters
    ----------
    data : bytes
        Raw input.

    Returns
    -------
    str
        The text; never raises on bad bytes.
    """
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM):]
    return data.decode(ENCODING, errors=DECODE_ERRORS)


def read_bytes(path: str, stdin: IO[bytes] | None = None) -> bytes:
    """Read a whole file, or standard input when ``path`` is ``"-"``.

    Parameters
    ----------
    path : str
        File path, or ``"-"``.
    stdin : binary stream, optional
        Stream used for ``"-"``; defaults to ``sys.stdin.buffer``.

    Returns
    -------
    bytes

    Raises
    ------
    OSError
        When the file cannot be read.
    """
    if path == STDIO_NAME:
        stream = stdin if stdin is not None else sys.stdin.buffer
        return stream.read()
    with open(path, "rb") as f:
        return f.read()


def read_text(path: str, stdin: IO[bytes] | None = None) -> list[str]:
    """Read a page dump as lines (see the module's decoding and line-splitting rules).

    Parameters
    ----------
    path : str
        File path, or ``"-"`` for standard input.
    stdin : binary stream, optional
        Stream used for ``"-"``; defaults to ``sys.stdin.buffer``.

    Returns
    -------
    list of str
        One entry per line of the input.
    """
    return split_lines(decode_bytes(read_bytes(path, stdin)))


def document_lines(record: Any) -> list[str]:
    """Return the lines of one parsed JSONL record.

    Parameters
    ----------
    record : object
        A parsed JSON value.

    Returns
    -------
    list of str
        ``record["lines"]`` when present, else ``split_lines(record["text"])``.

    Raises
    ------
    ValueError
        When the record is not an object, has neither field, or a field has the wrong type
        (``lines`` not a list, an item of ``lines`` not a string, ``text`` not a string).
    """
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {_json_type(record)}")
    if LINES_FIELD in record:
        lines = record[LINES_FIELD]
        if not isinstance(lines, list):
            raise ValueError(f"'{LINES_FIELD}' must be a list of strings, got {_json_type(lines)}")
        for i, item in enumerate(lines):
            if not isinstance(item, str):
                raise ValueError(
                    f"'{LINES_FIELD}'[{i}] must be a string, got {_json_type(item)}"
                )
        return lines
    if TEXT_FIELD in record:
        text = record[TEXT_FIELD]
        if not isinstance(text, str):
            raise ValueError(f"'{TEXT_FIELD}' must be a string, got {_json_type(text)}")
        return split_lines(text)
    raise ValueError(f"record has neither '{LINES_FIELD}' nor '{TEXT_FIELD}'")


def parse_jsonl_line(raw: bytes | str, line_number: int) -> JsonlItem:
    """Parse one non-blank JSONL line into a :class:`JsonlItem` (never raises).

    Parameters
    ----------
    raw : bytes or str
        The line; bytes are decoded with :func:`decode_bytes`'s error policy.
    line_number : int
        1-based physical line number, kept for error messages.

    Returns
    -------
    JsonlItem
        With ``lines`` set, or with ``error`` set when the record is bad.
    """
    if isinstance(raw, bytes):
        raw = raw.decode(ENCODING, errors=DECODE_ERRORS)
    try:
        record = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        return JsonlItem(line_number, None, None, f"invalid JSON: {_short(exc)}")
    try:
        lines = document_lines(record)
    except ValueError as exc:
        rec = record if isinstance(record, dict) else None
        return JsonlItem(line_number, rec, None, str(exc))
    return JsonlItem(line_number, record, lines, None)


def iter_jsonl_records(stream: Iterable[bytes], on_error: str = "fail") -> Iterator[JsonlItem]:
    """Read JSONL records one at a time, holding one input line in memory.

    Parameters
    ----------
    stream : iterable of bytes
        A binary stream (or any iterable of ``\\n``-terminated byte lines).
    on_error : {"fail", "skip"}
        ``"fail"``: raise :class:`RecordError` at the first bad record. ``"skip"``: yield
        bad records too, as items with ``error`` set, so the caller can keep its output
        aligned with its input.

    Yields
    ------
    JsonlItem
        One per non-blank input line, in order.

    Raises
    ------
    RecordError
        With ``on_error="fail"``, for the first bad record.
    """
    if on_error not in ON_ERROR_CHOICES:
        raise ValueError(f"on_error must be one of {ON_ERROR_CHOICES}, got {on_error!r}")
    for line_number, raw in enumerate(stream, start=1):
        if line_number == 1 and raw.startswith(UTF8_BOM):
            raw = raw[len(UTF8_BOM):]
        if not raw.strip():
            continue
        item = parse_jsonl_line(raw, line_number)
        if item.error is not None and on_error == "fail":
            raise RecordError(line_number, item.error)
        yield item


def iter_batches(
    items: Iterable[JsonlItem],
    max_docs: int = DEFAULT_BATCH_DOCS,
    max_lines: int = DEFAULT_BATCH_LINES,
) -> Iterator[list[JsonlItem]]:
    """Group items into batches of at most ``max_docs`` documents.

    A batch is also closed as soon as it holds ``max_lines`` lines or more (a single
    larger document makes a batch of its own), so a batch's size stays bounded.

    Parameters
    ----------
    items : iterable of JsonlItem
    max_docs : int
        Documents per batch, at least 1.
    max_lines : int
        Soft cap on the lines of a batch, at least 1.

    Yields
    ------
    list of JsonlItem
        Non-empty batches, in input order.
    """
    if max_docs < 1 or max_lines < 1:
        raise ValueError("max_docs and max_lines must be at least 1")
    batch: list[JsonlItem] = []
    n_lines = 0
    for item in items:
        batch.append(item)
        n_lines += len(item.lines) if item.lines is not None else 0
        if len(batch) >= max_docs or n_lines >= max_lines:
            yield batch
            batch, n_lines = [], 0
    if batch:
        yield batch


def labelled_record(item: JsonlItem, labels: Sequence[str | None] | None) -> dict:
    """The output record of ``boilerline label``: the input plus ``labels``.

    Parameters
    ----------
    item : JsonlItem
    labels : sequence of (str or None), or None
        One entry per line; ignored for a bad item.

    Returns
    -------
    dict
        A copy of the input record with ``labels`` set (overwriting any input
        ``labels``). For a bad item: the input record (``{}`` when the line was not a JSON
        object) with ``labels`` null and ``error`` set to ``"line N: message"``.
    """
    out = dict(item.record) if item.record is not None else {}
    if item.error is not None:
        out[LABELS_FIELD] = None
        out[ERROR_FIELD] = f"line {item.line_number}: {item.error}"
    else:
        out[LABELS_FIELD] = list(labels) if labels is not None else None
    return out


def cleaned_record(item: JsonlItem, labels: Sequence[str | None] | None, keep: Iterable[str]) -> dict:
    """The output record of ``boilerline clean``: the input plus ``clean_text``.

    Parameters
    ----------
    item : JsonlItem
    labels : sequence of (str or None), or None
        One entry per line; ignored for a bad item.
    keep : iterable of str
        Labels whose lines are kept.

    Returns
    -------
    dict
        A copy of the input record with ``clean_text`` set to the kept lines joined with
        ``"\\n"``; the input ``text``/``lines`` are left untouched. For a bad item:
        ``clean_text`` null and ``error`` set, as in :func:`labelled_record`.
    """
    out = dict(item.record) if item.record is not None else {}
    if item.error is not None:
        out[CLEAN_TEXT_FIELD] = None
        out[ERROR_FIELD] = f"line {item.line_number}: {item.error}"
    else:
        out[CLEAN_TEXT_FIELD] = "\n".join(keep_lines(item.lines or [], labels or [], keep))
    return out


def keep_lines(lines: Sequence[str], labels: Sequence[str | None], keep: Iterable[str]) -> list[str]:
    """The lines whose label is in ``keep``, in order (blank lines are never kept).

    Parameters
    ----------
    lines : sequence of str
    labels : sequence of (str or None)
        Same length as ``lines``.
    keep : iterable of str

    Returns
    -------
    list of str
        A subsequence of ``lines``.
    """
    keep = frozenset(keep)
    return [line for line, label in zip(lines, labels) if label is not None and label in keep]


def format_tsv_line(label: str | None, line: str) -> str:
    """One line of ``boilerline label`` text output: ``LABEL<TAB>LINE<LF>``.

    A blank line's label is the empty string. The line is written as it is, tabs
    included: split each output line on its first tab to get the label back.
    """
    return f"{label or ''}{TSV_SEPARATOR}{line}\n"


def dump_record(record: dict) -> str:
    """Serialise one output record as a JSONL line (with its ``\\n``).

    Non-ASCII text is written as UTF-8; a record holding a lone surrogate (possible when
    the input JSON had a ``\\ud800`` escape) is written with ASCII escapes instead, so
    output is always valid UTF-8 and every string round-trips.
    """
    text = json.dumps(record, ensure_ascii=False)
    try:
        text.encode(ENCODING)
    except UnicodeEncodeError:
        text = json.dumps(record, ensure_ascii=True)
    return text + "\n"


def parse_keep(value: str, labels: Sequence[str]) -> tuple[str, ...]:
    """Parse ``--keep``: comma-separated label names, each one of ``labels``.

    Parameters
    ----------
    value : str
        e.g. ``"headline,body"`` or ``"body, caption"``.
    labels : sequence of str
        The valid names.

    Returns
    -------
    tuple of str

    Raises
    ------
    ValueError
        On an empty list or an unknown label.
    """
    names = tuple(name.strip() for name in value.split(",") if name.strip())
    if not names:
        raise ValueError("--keep needs at least one label")
    unknown = [n for n in names if n not in labels]
    if unknown:
        raise ValueError(
            f"unknown label(s) {', '.join(map(repr, unknown))}; valid labels: "
            + ", ".join(labels)
        )
    return names


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _short(exc: BaseException, limit: int = 200) -> str:
    msg = str(exc) or type(exc).__name__
    return msg if len(msg) <= limit else msg[:limit] + "..."
