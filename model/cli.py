"""The ``boilerline`` command: label or clean the lines of page dumps.

Usage
-----
::

    boilerline label page.txt                  # LABEL<TAB>LINE for every line ("-" = stdin)
    boilerline clean page.txt                  # the article only: headline and body lines
    boilerline clean --keep body,caption page.txt
    boilerline label --jsonl in.jsonl -o out.jsonl [--workers N] [--on-error skip]
    boilerline clean --jsonl in.jsonl -o out.jsonl

Every command takes ``--model PATH`` (default: the model shipped with the package),
``-o/--output PATH`` (default ``-``, standard output), ``--workers N`` and
``--batch-size N`` (JSONL only) and ``--on-error {fail,skip}`` (JSONL only).

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
file's size; ``--workers N`` labels batches in N processes (the model loaded once per
process), and the output order is always the input order.

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
    Internal error (a bug in boilerline; the traceback is printed).
130
    Interrupted (Ctrl-C).

A closed output pipe (e.g. ``boilerline label page.txt | head``) ends the command quietly
with status 0.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import traceback
from collections import deque
from typing import IO, Iterable, Iterator, Sequence

from boilerline.model import io as bio
from boilerline.model.labels import CONTENT_LABELS, LABELS

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
#: Batches in flight per worker process (bounds memory with --workers > 1).
PENDING_BATCHES_PER_WORKER = 2


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
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(workers, initializer=_init_worker, initargs=(model_path,)) as pool:
        pending: deque = deque()
        limit = PENDING_BATCHES_PER_WORKER * workers
        for batch in batches:
            docs = [it.lines for it in batch if it.lines is not None]
            pending.append((batch, pool.apply_async(_label_in_worker, (docs,))))
            if len(pending) >= limit:
                done, result = pending.popleft()
                yield done, result.get()
        while pending:
            done, result = pending.popleft()
            yield done, result.get()


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

    def items() -> Iterator[bio.JsonlItem]:
        nonlocal n_skipped
        for item in bio.iter_jsonl_records(stream, on_error="skip"):
            if item.error is not None:
                if args.on_error == "fail":
                    failed.append(item)
                    return
                n_skipped += 1
                if len(skipped) < MAX_REPORTED_LINE_NUMBERS:
                    skipped.append((item.line_number, item.error))
            yield item

    out = _open_output(args.output)
    try:
        batches = bio.iter_batches(items(), max_docs=args.batch_size)
        for batch, doc_labels in _label_batches(batches, clf, args.model, args.workers):
            labels_iter = iter(doc_labels)
            chunk = []
            for item in batch:
                labels = next(labels_iter) if item.error is None else None
                if keep is None:
                    record = bio.labelled_record(item, labels)
                else:
                    record = bio.cleaned_record(item, labels, keep)
                chunk.append(bio.dump_record(record))
            out.write("".join(chunk).encode(bio.ENCODING))
        out.flush()
    finally:
        if out is not sys.stdout.buffer:
            out.close()
        if stream is not sys.stdin.buffer:
            stream.close()

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


def _report_skipped(path: str, n_skipped: int, skipped: list[tuple[int, str]]) -> None:
    lines = [f"{n_skipped} bad record(s) in {_name(path)} skipped (written with "
             f"'{bio.ERROR_FIELD}' set):"]
    for line_number, error in skipped[:MAX_REPORTED_ERRORS]:
        lines.append(f"  line {line_number}: {error}")
    numbers = [str(line_number) for line_number, _ in skipped]
    lines.append("  skipped input lines: " + ", ".join(numbers)
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
        "2 usage error or bad input, 3 model load error, 4 internal error.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("input", metavar="INPUT", help="page dump, or JSONL with --jsonl; '-' for stdin")
    common.add_argument("--jsonl", action="store_true",
                        help="INPUT is JSONL: one object per line with 'lines' or 'text'")
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

    sub.add_parser("label", parents=[common], help="print LABEL<TAB>LINE per line, or add 'labels' to JSONL records",
                   description="Label every line: LABEL<TAB>LINE per input line (empty label for blank "
                   "lines), or with --jsonl each record plus 'labels' (one per line, null for blank).")
    clean = sub.add_parser("clean", parents=[common], help="keep the article's lines only",
                           description="Print only the lines whose label is kept (headline and body "
                           "by default), or with --jsonl add 'clean_text' to each record.")
    clean.add_argument("--keep", default=",".join(CONTENT_LABELS), metavar="LABEL[,LABEL]",
                       help=f"labels to keep, comma-separated (default {','.join(CONTENT_LABELS)}); "
                       f"one of: {', '.join(LABELS)}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or usage error (2)
        return int(exc.code or 0) if isinstance(exc.code, int) else EXIT_USAGE
    try:
        keep = None
        if args.command == "clean":
            try:
                keep = bio.parse_keep(args.keep, LABELS)
            except ValueError as exc:
                raise UsageError(str(exc)) from exc
        if args.input != bio.STDIO_NAME:
            if os.path.isdir(args.input):
                raise UsageError(f"cannot read {args.input}: Is a directory")
            if not os.path.exists(args.input):
                raise UsageError(f"cannot read {args.input}: No such file or directory")
        clf = load_classifier(args.model)
        if args.jsonl:
            return _run_jsonl(args, clf, keep)
        return _run_text(args, clf, keep)
    except UsageError as exc:
        _err(str(exc))
        return EXIT_USAGE
    except ModelError as exc:
        _err(f"cannot load the model: {exc}")
        return EXIT_MODEL
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
