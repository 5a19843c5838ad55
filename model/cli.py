"""The ``boilerline`` command: label or clean the lines of page dumps.

Usage
-----
::

    boilerline label page.txt                  # LABEL<TAB>LINE for every line ("-" = stdin)
    boilerline clean page.txt                  # the article only: headline and body lines
    boilerline clean --keep body,caption page.txt
    boilerline label --jsonl in.jsonl -o out.jsonl [--workers N] [--on-error skip]
    boilerline clean --jsonl in.jsonl -o out.jsonl
    boilerline label --format parquet in.parquet -o out.parquet
    boilerline evaluate gold.jsonl [--model PATH] [--json]
    boilerline train --data labelled.jsonl -o my-model.npz

``label`` and ``clean`` take ``--model PATH`` (default: the model shipped with the package),
``-o/--output PATH`` (default ``-``, standard output), ``--workers N`` and
``--batch-size N`` (JSONL only) and ``--on-error {fail,skip}`` (JSONL only), and
``--progress/--no-progress``: a status line on stderr with documents, lines and their
rates per second, on by default only when stderr is a terminal (JSONL and Parquet).

Text input
----------
The file is decoded as UTF-8 with bad bytes replaced by U+FFFD and a leading BOM dropped,
then split into lines on ``\\r\\n``, ``\\r`` and ``\\n`` only (U+2028, form feeds and the
like stay inside a line; a final line break adds no empty line): see
:mod:`boilerline.model.io`. ``label`` prints exactly one ``LABEL<TAB>LINE`` output line
per input line, the label empty for a blank (whitespace-only) line; the line itself is
printed unchanged (split an output line on its *first* tab). ``clean`` prints the kept
lines unchanged, one per output line, in input order, and nothing else (blank lines are
never kept). Output is UTF-8 with ``\\n`` line ends.

JSONL input (``--jsonl``)
-------------------------
One JSON object per line, with ``lines`` (a list of strings) or ``text`` (a string, split
with the same rule as text files); ``lines`` wins when both are present. Whitespace-only
input lines are ignored. The input is streamed in batches of documents (``--batch-size``
documents, a batch also closes at 200,000 lines), so memory stays bounded whatever the
file's size; ``--workers N`` labels pieces of about 1 MiB of input in N processes, and
the output is the same bytes as with one process, in input order. A regular file's pieces
are read by the workers themselves; standard input and pipes are read by the main process
and passed on. On Linux the workers are forked from the main process with the model
already loaded; elsewhere each loads it.

* ``label`` writes each input record with ``labels`` added: a list with exactly one entry
  per line, ``null`` for a blank line (an input ``labels`` field is overwritten).
* ``clean`` writes each input record with ``clean_text`` added: the kept lines joined
  with ``"\\n"``. The input ``text``/``lines`` are left as they were.

A bad record is a line that is not JSON, not an object, has neither ``lines`` nor
``text``, has ``lines`` that is not a list of strings, or ``text`` that is not a string.

* ``--on-error fail`` (default): every record before the bad one is written, then the
  command stops with an error naming the bad record's input line, exit status 2.
* ``--on-error skip``: the bad record is still written, so the output has one line per
  input record: the input object (``{}`` if the line was not a JSON object) with
  ``labels`` (or ``clean_text``) set to ``null`` and ``error`` set to
  ``"line N: what is wrong"``. At the end, the number of skipped records and their input
  line numbers go to stderr, and the exit status is 1.

Parquet (``--format parquet``)
------------------------------
The same records as JSONL, as the rows of a Parquet file: a ``lines`` column
(list of strings) or a ``text`` column (string); ``lines`` is used where it is not null.
The input is read in record batches of ``--batch-size`` rows and the output written in
row groups, so memory stays bounded; every input column is kept as it is, and ``labels``
(list of strings, null for a blank line) or ``clean_text`` (string) is added, replacing
a column of that name. A row with neither value, or a null inside ``lines``, is a bad
record (``--on-error`` as for JSONL; with ``skip`` an ``error`` string column is added).
Parquet needs files: INPUT and ``-o`` cannot be ``-``.

Evaluate and train
------------------
``boilerline evaluate GOLD`` labels the documents of a labelled JSONL (or Parquet, by
``--format`` or a ``.parquet`` name) file, records with ``lines`` or ``text`` and
``labels`` (one per line, null = not scored), with the shipped model or ``--model``, and
prints per-class precision, recall, F1 and support, macro-F1 and content F1 (headline and
body against the rest), per language when records carry ``language``; ``--json`` prints
the same as JSON. ``boilerline train --data FILE|DATASET_DIR -o MODEL.npz`` trains a model
on such a file (any label names, at least three) and writes ``MODEL.npz`` with its model
card beside it (``--stage2-kind gru``, the default, needs PyTorch to train, ``mlp`` does
not); ``load_model(path)`` and ``--model`` load it. See
:mod:`boilerline.training.user_data`.

Exit status
-----------
0
    Success: every line labelled.
1
    Done, but some JSONL records were bad and skipped (``--on-error skip``); they are in
    the output with ``labels: null`` and an ``error`` field and listed on stderr.
2
    Usage error or bad input: unknown option, unknown ``--keep`` label, unreadable input
    file, unwritable output, a bad JSONL record under ``--on-error fail``.
3
    The model could not be loaded (``--model`` path missing or not a boilerline model).
4
    Internal error (a bug in boilerline; the traceback is printed), or a ``--workers``
    process died (killed, out of memory): the output then ends before the records that
    process was labelling, and the error names their first input line.
130
    Interrupted (Ctrl-C).

A closed output pipe (e.g. ``boilerline label page.txt | head``) ends the command quietly
with status 0.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import multiprocessing
import os
import signal
import sys
import traceback
from collections import deque
from typing import IO, Iterable, Iterator, Sequence

from boilerline.model import io as bio
from boilerline.model.labels import CONTENT_LABELS, LABELS
from boilerline.model.progress import Progress

PROG = "boilerline"

EXIT_OK = 0
EXIT_SKIPPED = 1
EXIT_USAGE = 2
EXIT_MODEL = 3
EXIT_INTERNAL = 4
EXIT_INTERRUPTED = 130

#: How many skipped records are described one by one on stderr (all are counted).
MAX_REPORTED_ERRORS = 20
#: How many skipped records' line numbers are listed on stderr.
MAX_REPORTED_LINE_NUMBERS = 1000
#: Text output is written in chunks of this many lines.
WRITE_CHUNK_LINES = 10_000
#: Batches in flight per worker process (bounds memory with --workers > 1; Parquet).
PENDING_BATCHES_PER_WORKER = 2
#: JSONL with --workers: input bytes per task. Large enough that the per-task round trip
#: to a worker is small next to labelling the piece (about 0.085 s per MiB on the bench
#: files), small enough that the workers finish together and hold little memory.
WORKER_PIECE_BYTES = 1 << 20
#: JSONL pieces in flight per worker process (bounds the main process's memory).
PENDING_PIECES_PER_WORKER = 3
#: Parquet output: a row group is written once this many rows or bytes are buffered.
PARQUET_ROW_GROUP_ROWS = 10_000
PARQUET_ROW_GROUP_BYTES = 64 << 20
#: Input/output formats of label and clean (``--jsonl`` is ``--format jsonl``).
FORMATS = ("text", "jsonl", "parquet")


class UsageError(Exception):
    """Bad arguments or unreadable input/output: exit status 2."""


class ModelError(Exception):
    """The model could not be loaded: exit status 3."""


# ---------------------------------------------------------------------------- model


def load_classifier(model_path: str | None):
    """Load the shipped model, or the one at ``model_path``; ModelError on failure."""
    from boilerline.model import ModelLoadError, load_model

    try:
        return load_model(model_path) if model_path else load_model()
    except (ModelLoadError, OSError) as exc:
        raise ModelError(str(exc)) from exc


def label_documents(clf, docs: Sequence[Sequence[str]]) -> list[list[str | None]]:
    """Label each document (a list of lines), one label per line, ``None`` for blank lines.

    Uses ``clf.predict_documents`` (one call for the batch) when the classifier has it,
    else ``clf.predict`` per document; checks the one-label-per-line contract either way.
    """
    docs = list(docs)
    predict_documents = getattr(clf, "predict_documents", None)
    if predict_documents is not None:
        out = [list(labels) for labels in predict_documents(docs)] if docs else []
    else:
        out = [list(clf.predict(lines)) if lines else [] for lines in docs]
    if len(out) != len(docs):
        raise RuntimeError(f"model returned labels for {len(out)} documents, not {len(docs)}")
    for labels, lines in zip(out, docs):
        if len(labels) != len(lines):
            raise RuntimeError(f"model returned {len(labels)} labels for {len(lines)} lines")
    return out


_WORKER_CLF = None


def _init_worker(model_path: str | None) -> None:
    global _WORKER_CLF
    _WORKER_CLF = load_classifier(model_path)


def _label_in_worker(docs: list[list[str]]) -> list[list[str | None]]:
    return label_documents(_WORKER_CLF, docs)


def _label_batches(
    batches: Iterable[list[bio.JsonlItem]], clf, model_path: str | None, workers: int
) -> Iterator[tuple[list[bio.JsonlItem], list[list[str | None]]]]:
    """Yield ``(batch, labels of its good documents)`` in input order."""
    if workers <= 1:
        for batch in batches:
            yield batch, label_documents(clf, [it.lines for it in batch if it.lines is not None])
        return
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    ctx = multiprocessing.get_context("spawn")
    # An executor, not multiprocessing.Pool: a worker that dies (killed, out of memory) breaks
    # the executor and every pending result raises, where a Pool would wait forever.
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker, initargs=(model_path,)) as pool:
        pending: deque = deque()
        limit = PENDING_BATCHES_PER_WORKER * workers

        try:
            for batch in batches:
                docs = [it.lines for it in batch if it.lines is not None]
                pending.append((batch, pool.submit(_label_in_worker, docs)))
                if len(pending) >= limit:
                    done, future = pending.popleft()
                    yield done, future.result()
            while pending:
                done, future = pending.popleft()
                yield done, future.result()
        except BrokenProcessPool as exc:  # raised by result() or by the next submit()
            raise WorkerDied(
                "a worker process ended unexpectedly (killed, out of memory or crashed); "
                "the batches before the one it was labelling were written, none after") from exc


def _jsonl_chunk(clf, raw_lines: list[tuple[int, bytes]], keep: tuple[str, ...] | None,
                 on_error: str, max_docs: int) -> tuple[bytes, int, int, list[tuple[int, str]], tuple[int, str] | None]:
    """Parse, label and serialise a batch of raw non-blank JSONL lines ``(line number, bytes)``.

    Returns ``(output bytes, documents written, lines labelled, skipped (line, error) pairs,
    first bad (line, error) or None)``. With ``on_error="fail"`` the records before the first
    bad one are labelled and serialised, and the rest of the batch is dropped.
    """
    items: list[bio.JsonlItem] = []
    skipped: list[tuple[int, str]] = []
    failed = None
    for line_number, raw in raw_lines:
        item = bio.parse_jsonl_line(raw, line_number)
        if item.error is not None:
            if on_error == "fail":
                failed = (line_number, item.error)
                break
            skipped.append((line_number, item.error))
        items.append(item)
    chunk: list[str] = []
    n_lines = 0
    for batch in bio.iter_batches(items, max_docs=max_docs):
        docs = [it.lines for it in batch if it.lines is not None]
        n_lines += sum(map(len, docs))
        chunk.append(_records_text(batch, label_documents(clf, docs), keep))
    return "".join(chunk).encode(bio.ENCODING), len(items), n_lines, skipped, failed


def _records_text(batch: list[bio.JsonlItem], doc_labels: list[list[str | None]],
                  keep: tuple[str, ...] | None) -> str:
    """The output records of a batch, serialised; ``doc_labels`` holds its good documents' labels."""
    labels_iter = iter(doc_labels)
    chunk = []
    for item in batch:
        labels = next(labels_iter) if item.error is None else None
        if keep is None:
            record = bio.labelled_record(item, labels)
        else:
            record = bio.cleaned_record(item, labels, keep)
        chunk.append(bio.dump_record(record))
    return "".join(chunk)


def _numbered_lines(data: bytes, first_line: int) -> list[tuple[int, bytes]]:
    """The non-blank lines of ``data`` (whole ``\\n``-terminated lines) with their line numbers.

    ``first_line`` is the input line number of the first line of ``data``; a UTF-8 BOM at
    the start of input line 1 is dropped, as in :func:`bio.iter_jsonl_records`.
    """
    out = []
    # BytesIO splits on b"\\n" only, exactly like iterating the input file in one process.
    for line_number, raw in enumerate(io.BytesIO(data), start=first_line):
        if line_number == 1 and raw.startswith(bio.UTF8_BOM):
            raw = raw[len(bio.UTF8_BOM):]
        if raw.strip():
            out.append((line_number, raw))
    return out


def _init_jsonl_worker(clf, model_path: str | None) -> None:
    """Set up a worker process: the model (``clf`` when inherited by fork, else loaded), one BLAS thread."""
    global _WORKER_CLF
    # Ctrl-C reaches the whole process group; the main process alone handles it (it stops
    # submitting and waits for the pieces in progress) instead of each worker printing a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if clf is not None:  # forked: the model, its tables and one BLAS thread are inherited
        _WORKER_CLF = clf
        return
    _WORKER_CLF = load_classifier(model_path)
    _one_blas_thread().__enter__()  # for the process's lifetime


def _one_blas_thread():
    """A context in which BLAS (OpenBLAS, MKL) uses one thread, if threadpoolctl is installed.

    N workers already keep N cores busy: BLAS threads on top only oversubscribe them.
    """
    try:
        from threadpoolctl import threadpool_limits  # installed with scikit-learn
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1)


def _jsonl_piece_in_worker(source, first_line: int, keep, on_error: str, max_docs: int):
    """:func:`_jsonl_chunk` of one piece of the input: ``(path, offset, size)`` to read, or its bytes."""
    if isinstance(source, bytes):
        data = source
    else:
        path, offset, size = source
        with open(path, "rb") as fh:
            fh.seek(offset)
            data = fh.read(size)
        if len(data) != size:
            raise RuntimeError(f"{path} changed while it was being read ({len(data)} bytes at "
                               f"offset {offset}, expected {size})")
    return _jsonl_chunk(_WORKER_CLF, _numbered_lines(data, first_line), keep, on_error, max_docs)


def _line_pieces(stream: IO[bytes], target: int) -> Iterator[tuple[int, bytes, int]]:
    """Cut a binary stream into pieces of whole lines of about ``target`` bytes.

    Yields ``(offset, data, first line number)``; a piece ends after the last newline of a
    ``target``-byte read (a line longer than that makes a longer piece), the last piece at
    the end of the input. Memory: about two reads, whatever the input's size.
    """
    offset, line = 0, 1
    carry: list[bytes] = []
    while True:
        block = stream.read(target)
        if not block:
            break
        cut = block.rfind(b"\n") + 1
        if not cut:
            carry.append(block)
            continue
        piece = b"".join([*carry, block[:cut]]) if carry else block[:cut]
        carry = [block[cut:]] if cut < len(block) else []
        yield offset, piece, line
        offset += len(piece)
        line += piece.count(b"\n")
    if carry:
        yield offset, b"".join(carry), line


def _worker_context():
    """``fork`` on Linux, else ``spawn``.

    Forked workers inherit the loaded model and its warm lookup tables instead of each
    importing boilerline, loading the model and building the tables again (about 0.55 s of
    CPU per worker, measured). The main process has no threads of its own when it forks
    (only OpenBLAS's, which OpenBLAS re-creates after a fork), and the compiled feature
    loops keep no state, so this is safe; macOS and Windows keep ``spawn``.
    """
    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


class WorkerDied(Exception):
    """A worker process ended without returning its piece: exit status 4."""


def _jsonl_chunks_in_pool(stream: IO[bytes], args, clf, keep) -> Iterator[tuple[bytes, int, int, list, tuple | None]]:
    """:func:`_jsonl_chunk` results for the whole input, from ``args.workers`` processes, in order.

    The input is cut into pieces of whole lines (:data:`WORKER_PIECE_BYTES`). For a regular
    file the workers read their pieces themselves: this process reads the file only to
    find the cuts and count lines (error messages carry input line numbers), and sends
    ``(path, offset, size)``; other input (stdin, a pipe) cannot be re-read, so its pieces
    are sent as bytes. At most ``PENDING_PIECES_PER_WORKER * workers`` pieces are in
    flight; nothing is submitted after a piece that reports a bad record under
    ``--on-error fail``, and results of pieces after it are dropped.

    Raises
    ------
    WorkerDied
        A worker process was killed or crashed; the results before its piece have been yielded.
    """
    ctx = _worker_context()
    fork = ctx.get_start_method() == "fork"
    # Forked workers inherit the one-thread BLAS setting; set in them after the fork it still
    # left 1.3x the CPU time of a worker forked with it (measured). Restored on return.
    with _one_blas_thread() if fork else contextlib.nullcontext():
        yield from _jsonl_pieces_labelled(stream, args, clf, keep, ctx, fork)


def _jsonl_pieces_labelled(stream, args, clf, keep, ctx, fork: bool):
    """The body of :func:`_jsonl_chunks_in_pool`."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    if fork:
        # Build the lookup tables once here, so that every forked worker starts with them.
        label_documents(clf, [["boilerline"]])
        init_args = (clf, None)
    else:
        init_args = (None, args.model)
    path = os.path.abspath(args.input) if _is_regular_file(args.input) else None
    call_args = (keep, args.on_error, args.batch_size)
    limit = PENDING_PIECES_PER_WORKER * args.workers
    pool = ProcessPoolExecutor(args.workers, mp_context=ctx, initializer=_init_jsonl_worker, initargs=init_args)
    pending: deque = deque()

    def died(first_line: int) -> WorkerDied:
        return WorkerDied(
            f"a worker process ended unexpectedly (killed, out of memory or crashed) while "
            f"labelling the input from line {first_line} on; the records before it were "
            f"written, none after")

    def next_result():
        first_line, future = pending.popleft()
        try:
            return future.result()
        except BrokenProcessPool as exc:
            raise died(first_line) from exc

    try:
        for offset, data, first_line in _line_pieces(stream, WORKER_PIECE_BYTES):
            source = (path, offset, len(data)) if path is not None else data
            del data  # a file's piece is read again by its worker: hold no copy meanwhile
            try:
                future = pool.submit(_jsonl_piece_in_worker, source, first_line, *call_args)
            except BrokenProcessPool as exc:
                # A worker died before this piece could be handed out: the pieces already
                # submitted are written up to the first one the pool lost, then the run stops.
                while pending:
                    result = next_result()
                    yield result
                    if result[4] is not None:
                        return
                raise died(first_line) from exc
            pending.append((first_line, future))
            if len(pending) >= limit:
                result = next_result()
                yield result
                if result[4] is not None:
                    return
        while pending:
            result = next_result()
            yield result
            if result[4] is not None:
                return
    finally:
        # Pieces not started are dropped; those in progress (at most one per worker) finish.
        pool.shutdown(wait=True, cancel_futures=True)


def _is_regular_file(path: str) -> bool:
    """Whether ``path`` names a regular file (that workers can open and seek), not stdin or a pipe."""
    return path != bio.STDIO_NAME and os.path.isfile(path)


# ---------------------------------------------------------------------------- commands


def _open_output(path: str) -> IO[bytes]:
    if path == bio.STDIO_NAME:
        sys.stdout.flush()
        return sys.stdout.buffer
    try:
        return open(path, "wb")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from exc


def _open_input(path: str) -> IO[bytes]:
    if path == bio.STDIO_NAME:
        return sys.stdin.buffer
    try:
        if os.path.isdir(path):
            raise IsADirectoryError(21, "Is a directory")
        return open(path, "rb")
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from exc


def _run_text(args, clf, keep: tuple[str, ...] | None) -> int:
    try:
        lines = bio.read_text(args.input)
    except OSError as exc:
        raise UsageError(f"cannot read {args.input}: {exc.strerror or exc}") from exc
    (labels,) = label_documents(clf, [lines])
    out = _open_output(args.output)
    try:
        if keep is not None:
            lines = bio.keep_lines(lines, labels, keep)
        for start in range(0, len(lines), WRITE_CHUNK_LINES):
            stop = start + WRITE_CHUNK_LINES
            if keep is None:
                chunk = map(bio.format_tsv_line, labels[start:stop], lines[start:stop])
            else:
                chunk = (line + "\n" for line in lines[start:stop])
            out.write("".join(chunk).encode(bio.ENCODING))
        out.flush()
    finally:
        if out is not sys.stdout.buffer:
            out.close()
    return EXIT_OK


def _run_jsonl(args, clf, keep: tuple[str, ...] | None) -> int:
    stream = _open_input(args.input)
    skipped: list[tuple[int, str]] = []  # (line number, error) of the first bad records only
    n_skipped = 0
    failed: list[bio.JsonlItem] = []

    def note_skipped(line_number: int, error: str) -> None:
        nonlocal n_skipped
        n_skipped += 1
        if len(skipped) < MAX_REPORTED_LINE_NUMBERS:
            skipped.append((line_number, error))

    def items() -> Iterator[bio.JsonlItem]:
        for item in bio.iter_jsonl_records(stream, on_error="skip"):
            if item.error is not None:
                if args.on_error == "fail":
                    failed.append(item)
                    return
                note_skipped(item.line_number, item.error)
            yield item

    out = _open_output(args.output)
    progress = Progress(args.progress)
    try:
        if args.workers > 1:
            # Workers read (files), parse, label and serialise pieces of the input; this
            # process cuts the input into pieces and writes the workers' output in order.
            # closing(): the pool is shut down here, also when writing fails.
            with contextlib.closing(_jsonl_chunks_in_pool(stream, args, clf, keep)) as chunks:
                for data, n_docs, n_lines, bad, first_failure in chunks:
                    progress.update(n_docs, n_lines)
                    for line_number, error in bad:
                        note_skipped(line_number, error)
                    out.write(data)
                    if first_failure is not None:
                        failed.append(bio.JsonlItem(first_failure[0], None, None, first_failure[1]))
                        break
        else:
            batches = bio.iter_batches(items(), max_docs=args.batch_size)
            for batch, doc_labels in _label_batches(batches, clf, args.model, 1):
                progress.update(len(batch), sum(len(it.lines) for it in batch if it.lines is not None))
                out.write(_records_text(batch, doc_labels, keep).encode(bio.ENCODING))
        out.flush()
    finally:
        progress.close()
        if out is not sys.stdout.buffer:
            out.close()
        if stream is not sys.stdin.buffer:
            stream.close()
    return _jsonl_status(args, failed, n_skipped, skipped)


def _jsonl_status(args, failed: list[bio.JsonlItem], n_skipped: int, skipped: list[tuple[int, str]]) -> int:
    """Report a failure or the skipped records of a JSONL run on stderr; return the exit status."""
    if failed:
        item = failed[0]
        _err(
            f"bad record at line {item.line_number} of {_name(args.input)}: {item.error}\n"
            f"(records before it were written; use --on-error skip to write it with "
            f"'{bio.ERROR_FIELD}' set and go on)"
        )
        return EXIT_USAGE
    if n_skipped:
        _report_skipped(args.input, n_skipped, skipped)
        return EXIT_SKIPPED
    return EXIT_OK


class _RowBatch(list):
    """A batch of JsonlItems (one per Parquet row) carrying its Arrow record batch."""

    arrow = None


def _parquet_items(rb, first_row: int, lines_col: str | None, text_col: str | None) -> list[bio.JsonlItem]:
    """One JsonlItem per row of an Arrow record batch (``line_number`` = 1-based row)."""
    lines_vals = rb.column(lines_col).to_pylist() if lines_col else [None] * rb.num_rows
    text_vals = rb.column(text_col).to_pylist() if text_col else [None] * rb.num_rows
    items = []
    for i, (lines, text) in enumerate(zip(lines_vals, text_vals)):
        row = first_row + i
        if lines is not None:
            bad = next((j for j, x in enumerate(lines) if x is None), None)
            if bad is not None:
                items.append(bio.JsonlItem(row, None, None, f"'{bio.LINES_FIELD}'[{bad}] must be a string, got null"))
            else:
                items.append(bio.JsonlItem(row, None, lines))
        elif text is not None:
            items.append(bio.JsonlItem(row, None, bio.split_lines(text)))
        else:
            items.append(bio.JsonlItem(row, None, None,
                                       f"record has neither '{bio.LINES_FIELD}' nor '{bio.TEXT_FIELD}'"))
    return items


def _run_parquet(args, clf, keep: tuple[str, ...] | None) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    if args.input == bio.STDIO_NAME or args.output == bio.STDIO_NAME:
        raise UsageError("--format parquet reads and writes files: give INPUT and -o PATH (not '-')")
    try:
        pf = pq.ParquetFile(args.input)
    except (OSError, pa.ArrowException) as exc:
        raise UsageError(f"cannot read {args.input} as Parquet: {exc}") from exc
    schema = pf.schema_arrow.remove_metadata()
    lines_col = bio.LINES_FIELD if bio.LINES_FIELD in schema.names else None
    text_col = bio.TEXT_FIELD if bio.TEXT_FIELD in schema.names else None
    if lines_col is None and text_col is None:
        raise UsageError(f"{args.input} has neither a '{bio.LINES_FIELD}' nor a '{bio.TEXT_FIELD}' column")
    if lines_col and not (pa.types.is_list(schema.field(lines_col).type) or pa.types.is_large_list(schema.field(lines_col).type)):
        raise UsageError(f"column '{lines_col}' must be a list of strings, not {schema.field(lines_col).type}")
    if text_col and not (pa.types.is_string(schema.field(text_col).type) or pa.types.is_large_string(schema.field(text_col).type)):
        raise UsageError(f"column '{text_col}' must be strings, not {schema.field(text_col).type}")

    out_name = bio.LABELS_FIELD if keep is None else bio.CLEAN_TEXT_FIELD
    out_type = pa.list_(pa.string()) if keep is None else pa.string()
    added = [pa.field(out_name, out_type)]
    if args.on_error == "skip":
        added.append(pa.field(bio.ERROR_FIELD, pa.string()))
    kept_fields = [f for f in schema if f.name not in {a.name for a in added}]
    out_schema = pa.schema(kept_fields + added)

    failed: list[bio.JsonlItem] = []
    skipped: list[tuple[int, str]] = []
    n_skipped = 0

    def batches() -> Iterator[_RowBatch]:
        nonlocal n_skipped
        row = 1
        for rb in pf.iter_batches(batch_size=args.batch_size):
            items = _parquet_items(rb, row, lines_col, text_col)
            row += rb.num_rows
            for k, item in enumerate(items):
                if item.error is None:
                    continue
                if args.on_error == "fail":
                    failed.append(item)
                    items, rb = items[:k], rb.slice(0, k)
                    break
                n_skipped += 1
                if len(skipped) < MAX_REPORTED_LINE_NUMBERS:
                    skipped.append((item.line_number, item.error))
            batch = _RowBatch(items)
            batch.arrow = rb
            if batch:
                yield batch
            if failed:
                return

    progress = Progress(args.progress)
    try:
        writer = pq.ParquetWriter(args.output, out_schema)
    except (OSError, pa.ArrowException) as exc:
        raise UsageError(f"cannot write {args.output}: {exc}") from exc
    pending: list = []
    pending_rows = pending_bytes = 0
    try:
        for batch, doc_labels in _label_batches(batches(), clf, args.model, args.workers):
            labels_iter = iter(doc_labels)
            values, errors = [], []
            for item in batch:
                labels = next(labels_iter) if item.error is None else None
                if item.error is not None:
                    values.append(None)
                elif keep is None:
                    values.append(labels)
                else:
                    values.append("\n".join(bio.keep_lines(item.lines, labels, keep)))
                errors.append(None if item.error is None else f"row {item.line_number}: {item.error}")
            rb = batch.arrow
            columns = [rb.column(f.name) for f in kept_fields] + [pa.array(values, type=out_type)]
            if args.on_error == "skip":
                columns.append(pa.array(errors, type=pa.string()))
            table = pa.Table.from_arrays(columns, schema=out_schema)
            pending.append(table)
            pending_rows += table.num_rows
            pending_bytes += table.nbytes
            if pending_rows >= PARQUET_ROW_GROUP_ROWS or pending_bytes >= PARQUET_ROW_GROUP_BYTES:
                writer.write_table(pa.concat_tables(pending))
                pending, pending_rows, pending_bytes = [], 0, 0
            progress.update(len(batch), sum(len(it.lines) for it in batch if it.lines is not None))
        if pending:
            writer.write_table(pa.concat_tables(pending))
    finally:
        progress.close()
        writer.close()

    if failed:
        item = failed[0]
        _err(f"bad record at row {item.line_number} of {args.input}: {item.error}\n"
             f"(rows before it were written; use --on-error skip to write it with "
             f"'{bio.ERROR_FIELD}' set and go on)")
        return EXIT_USAGE
    if n_skipped:
        _report_skipped(args.input, n_skipped, skipped, unit="row")
        return EXIT_SKIPPED
    return EXIT_OK


def _gold_format(args) -> str:
    if args.format:
        return args.format
    return "parquet" if args.input.lower().endswith((".parquet", ".pq")) else "jsonl"


def _run_evaluate(args) -> int:
    """``boilerline evaluate GOLD``: per-class scores of a model on a labelled file."""
    import json

    from boilerline.training.user_data import UserDataError, evaluate_gold, format_gold_report

    if args.input == bio.STDIO_NAME:
        raise UsageError("evaluate reads a file, not standard input")
    if not os.path.isfile(args.input):
        raise UsageError(f"cannot read {args.input}: No such file")
    clf = load_classifier(args.model)
    progress = Progress(args.progress)
    try:
        report = evaluate_gold(clf, args.input, batch_docs=args.batch_size, progress=progress, fmt=_gold_format(args))
    except UserDataError as exc:
        raise UsageError(str(exc)) from exc
    finally:
        progress.close()
    if args.json:
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(format_gold_report(report))
    sys.stdout.flush()
    return EXIT_OK


def _run_train(args) -> int:
    """``boilerline train``: train a model on a labelled file or dataset folder."""
    from boilerline.training.user_data import UserDataError, is_dataset_dir, train_from_user_data

    if not (os.path.isfile(args.data) or is_dataset_dir(args.data)):
        raise UsageError(f"cannot read {args.data}: not a labelled JSONL/Parquet file or a saved dataset folder")
    out_dir = os.path.dirname(os.path.abspath(args.output))
    if not os.path.isdir(out_dir):
        raise UsageError(f"cannot write {args.output}: no folder {out_dir}")
    try:
        kind = {} if args.stage2_kind is None else {"stage2_kind": args.stage2_kind}
        train_from_user_data(args.data, args.output, stage2=not args.no_context, refit_all=args.refit_all,
                             augment_fraction=args.augment, max_docs=args.max_docs, **kind)
    except UserDataError as exc:
        raise UsageError(str(exc)) from exc
    except ValueError as exc:  # e.g. no labelled lines, fewer than three labels
        raise UsageError(f"cannot train on {args.data}: {exc}") from exc
    except ImportError as exc:  # the GRU second stage without PyTorch: what to install, or --stage2-kind mlp
        raise UsageError(f"cannot train: {exc}") from exc
    return EXIT_OK


def _report_skipped(path: str, n_skipped: int, skipped: list[tuple[int, str]], unit: str = "line") -> None:
    lines = [f"{n_skipped} bad record(s) in {_name(path)} skipped (written with "
             f"'{bio.ERROR_FIELD}' set):"]
    for line_number, error in skipped[:MAX_REPORTED_ERRORS]:
        lines.append(f"  {unit} {line_number}: {error}")
    numbers = [str(line_number) for line_number, _ in skipped]
    lines.append(f"  skipped input {unit}s: " + ", ".join(numbers)
                 + (f", ... ({n_skipped - len(numbers)} more)" if n_skipped > len(numbers) else ""))
    _err("\n".join(lines), prefix=f"{PROG}: warning: ")


def _name(path: str) -> str:
    return "<stdin>" if path == bio.STDIO_NAME else path


def _err(message: str, prefix: str = f"{PROG}: error: ") -> None:
    sys.stderr.write(prefix + message + "\n")
    sys.stderr.flush()


# ---------------------------------------------------------------------------- arguments


def _positive_int(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {n}")
    return n


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``boilerline`` command."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Label every line of a web page's plain-text dump, or keep its article.",
        epilog="Exit status: 0 ok, 1 some JSONL records skipped (--on-error skip), "
        "2 usage error or bad input, 3 model load error, 4 internal error or a worker process died.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("input", metavar="INPUT", help="page dump, or JSONL with --jsonl; '-' for stdin")
    common.add_argument("--jsonl", action="store_true",
                        help="INPUT is JSONL: one object per line with 'lines' or 'text' (= --format jsonl)")
    common.add_argument("--format", choices=FORMATS, default=None,
                        help="input and output format: text (a page dump, the default), jsonl, or parquet "
                        "(rows with a 'lines' or 'text' column; INPUT and -o must be files)")
    common.add_argument("-o", "--output", default=bio.STDIO_NAME, metavar="PATH",
                        help="where to write ('-', the default, is stdout)")
    common.add_argument("--model", metavar="PATH", default=None,
                        help="model file to use instead of the shipped one")
    common.add_argument("--workers", type=_positive_int, default=1, metavar="N",
                        help="processes labelling JSONL batches (default 1)")
    common.add_argument("--batch-size", type=_positive_int, default=bio.DEFAULT_BATCH_DOCS,
                        metavar="N", help=f"JSONL documents per batch (default {bio.DEFAULT_BATCH_DOCS})")
    common.add_argument("--on-error", choices=bio.ON_ERROR_CHOICES, default="fail",
                        help="bad JSONL record: stop with status 2 (fail, default), or write it "
                        "with labels null and an 'error' field and go on (skip, status 1)")
    _add_progress(common)

    sub.add_parser("label", parents=[common], help="print LABEL<TAB>LINE per line, or add 'labels' to JSONL records",
                   description="Label every line: LABEL<TAB>LINE per input line (empty label for blank "
                   "lines), or with --jsonl each record plus 'labels' (one per line, null for blank).")
    clean = sub.add_parser("clean", parents=[common], help="keep the article's lines only",
                           description="Print only the lines whose label is kept (headline and body "
                           "by default), or with --jsonl add 'clean_text' to each record.")
    clean.add_argument("--keep", default=",".join(CONTENT_LABELS), metavar="LABEL[,LABEL]",
                       help=f"labels to keep, comma-separated (default {','.join(CONTENT_LABELS)}); "
                       f"one of: {', '.join(LABELS)} (or of the --model's own labels)")

    evaluate = sub.add_parser(
        "evaluate", help="per-class scores of a model on a labelled JSONL/Parquet file",
        description="Label the documents of GOLD (records with 'lines' or 'text' and 'labels', one per "
        "line, null = not scored) and print per-class precision, recall, F1 and support, macro-F1 "
        "and content F1 (headline+body vs the rest), and per-language scores when records have "
        "'language'.")
    evaluate.add_argument("input", metavar="GOLD", help="labelled JSONL (or Parquet) file")
    evaluate.add_argument("--model", metavar="PATH", default=None,
                          help="model file to score instead of the shipped one")
    evaluate.add_argument("--format", choices=("jsonl", "parquet"), default=None,
                          help="GOLD's format (default: parquet for a .parquet name, else jsonl)")
    evaluate.add_argument("--batch-size", type=_positive_int, default=bio.DEFAULT_BATCH_DOCS, metavar="N",
                          help=f"documents per batch (default {bio.DEFAULT_BATCH_DOCS})")
    evaluate.add_argument("--json", action="store_true", help="print the scores as JSON")
    _add_progress(evaluate)

    train = sub.add_parser(
        "train", help="train a model on your own labelled JSONL/Parquet file",
        description="Train a model on records with 'lines' (or 'text') and 'labels' (any label names, "
        "at least three; null = unlabelled), optional 'site', 'language', 'doc_id'; or on a dataset "
        "folder saved with datasets' save_to_disk. Writes the model and its model card "
        "(<name>.MODEL_CARD.md) beside it.")
    train.add_argument("--data", required=True, metavar="PATH",
                       help="labelled JSONL or Parquet file, or a save_to_disk dataset folder")
    train.add_argument("-o", "--output", required=True, metavar="MODEL.npz", help="where to write the model")
    train.add_argument("--no-context", action="store_true", help="skip the second (context) stage")
    train.add_argument("--refit-all", action="store_true",
                       help="after scoring on held-out sites, refit on all the data (the model card keeps "
                       "the held-out scores of the split model)")
    # the choices of training.train.STAGE2_KINDS, written out so that building the parser imports no
    # training code (tests/test_cli.py checks that they stay the same)
    train.add_argument("--stage2-kind", choices=("gru", "mlp"), default=None,
                       help="the second stage: a bidirectional GRU over the page (the default; training it "
                       "needs PyTorch, pip install 'boilerline[sequence]') or an MLP over a window of "
                       "neighbours (faster to train and to label)")
    train.add_argument("--augment", type=float, default=0.0, metavar="F",
                       help="share of training pages copied with synthetic boilerplate blocks labelled "
                       "with boilerline's eight labels (default 0)")
    train.add_argument("--max-docs", type=_positive_int, default=None, metavar="N",
                       help="train on the first N documents only")
    return parser


def _parse_keep(value: str, labels: Sequence[str]) -> tuple[str, ...]:
    try:
        return bio.parse_keep(value, labels)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc


def _add_progress(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="show documents, lines and their rates per second on stderr "
                        "(default: only when stderr is a terminal)")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or usage error (2)
        return int(exc.code or 0) if isinstance(exc.code, int) else EXIT_USAGE
    try:
        if args.command == "evaluate":
            return _run_evaluate(args)
        if args.command == "train":
            return _run_train(args)
        keep = None
        if args.command == "clean" and args.model is None:
            keep = _parse_keep(args.keep, LABELS)
        if args.input != bio.STDIO_NAME:
            if os.path.isdir(args.input):
                raise UsageError(f"cannot read {args.input}: Is a directory")
            if not os.path.exists(args.input):
                raise UsageError(f"cannot read {args.input}: No such file or directory")
        fmt = args.format or ("jsonl" if args.jsonl else "text")
        if args.jsonl and fmt != "jsonl":
            raise UsageError(f"--jsonl contradicts --format {fmt}")
        clf = load_classifier(args.model)
        if args.command == "clean" and keep is None:  # a model of one's own: its labels
            keep = _parse_keep(args.keep, tuple(getattr(clf, "labels", LABELS)))
        if fmt == "jsonl":
            return _run_jsonl(args, clf, keep)
        if fmt == "parquet":
            return _run_parquet(args, clf, keep)
        return _run_text(args, clf, keep)
    except UsageError as exc:
        _err(str(exc))
        return EXIT_USAGE
    except ModelError as exc:
        _err(f"cannot load the model: {exc}")
        return EXIT_MODEL
    except WorkerDied as exc:
        _err(str(exc))
        return EXIT_INTERNAL
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, without a second error
        # when Python flushes stdout at exit.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        return EXIT_OK
    except KeyboardInterrupt:
        _err("interrupted")
        return EXIT_INTERRUPTED
    except Exception:  # noqa: BLE001 - a bug: show it, with its own exit status
        traceback.print_exc()
        _err("internal error (this is a bug in boilerline; please report it with the traceback above)")
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
