"""Tests of the ``boilerline`` command (boilerline.model.cli) with the shipped model."""

from __future__ import annotations

import importlib.abc
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boilerline.model import LABELS, load_model
from boilerline.model import cli
from boilerline.model import io as bio
from boilerline.model.cli import (
    EXIT_INTERNAL,
    EXIT_MODEL,
    EXIT_OK,
    EXIT_SKIPPED,
    EXIT_USAGE,
    main,
)

FIXTURES = Path(__file__).parent / "fixtures"
PAGE = FIXTURES / "cli_page.txt"
DOCS = FIXTURES / "cli_docs.jsonl"
PROPS = settings(max_examples=25, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def clf():
    return load_model()


def run_cli(argv, stdin: bytes = b""):
    """Run ``main(argv)`` with ``stdin`` as standard input; return (status, stdout bytes, stderr)."""
    fake_in = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    fake_out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    fake_err = io.StringIO()
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = fake_in, fake_out, fake_err
    try:
        status = main(argv)
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
    fake_out.flush()
    return status, fake_out.buffer.getvalue(), fake_err.getvalue()


def tsv_rows(out: bytes) -> list[tuple[str, str]]:
    text = out.decode("utf-8")
    assert text == "" or text.endswith("\n")
    return [tuple(row.split("\t", 1)) for row in text.split("\n")[:-1]]


def read_jsonl(path) -> list[dict]:
    with open(path, "rb") as f:
        return [json.loads(line) for line in f]


def write_jsonl(path, records) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")


def check_labels(labels, lines):
    assert len(labels) == len(lines)
    for label, line in zip(labels, lines):
        if line.strip():
            assert label in LABELS
        else:
            assert label is None


# --------------------------------------------------------------------------- text: label


def test_label_page_one_row_per_line_and_same_labels_as_the_api(clf):
    status, out, err = run_cli(["label", str(PAGE)])
    assert status == EXIT_OK, err
    lines = bio.read_text(str(PAGE))
    rows = tsv_rows(out)
    assert [line for _, line in rows] == lines  # lines echoed unchanged, tabs and spaces included
    assert [label or None for label, _ in rows] == clf.predict(lines)
    check_labels([label or None for label, _ in rows], lines)


def test_label_reads_stdin(clf):
    data = PAGE.read_bytes()
    assert run_cli(["label", "-"], stdin=data)[1] == run_cli(["label", str(PAGE)])[1]


def test_label_output_file(tmp_path):
    out_path = tmp_path / "out.tsv"
    status, out, _ = run_cli(["label", str(PAGE), "-o", str(out_path)])
    assert status == EXIT_OK and out == b""
    assert out_path.read_bytes() == run_cli(["label", str(PAGE)])[1]


def test_blank_lines_get_an_empty_label(tmp_path):
    page = tmp_path / "p.txt"
    page.write_text("A headline here\n\n   \n\t\nA paragraph of the article body text.\n", encoding="utf-8")
    rows = tsv_rows(run_cli(["label", str(page)])[1])
    assert rows[1:4] == [("", ""), ("", "   "), ("", "\t")]
    assert rows[0][0] in LABELS and rows[4][0] in LABELS


# --------------------------------------------------------------------------- text: clean


def test_clean_keeps_headline_and_body_by_default(clf):
    lines = bio.read_text(str(PAGE))
    labels = clf.predict(lines)
    status, out, _ = run_cli(["clean", str(PAGE)])
    assert status == EXIT_OK
    expected = [l for l, lab in zip(lines, labels) if lab in ("headline", "body")]
    assert out.decode("utf-8") == "".join(l + "\n" for l in expected)


def test_clean_keep_option(clf):
    lines = bio.read_text(str(PAGE))
    labels = clf.predict(lines)
    status, out, _ = run_cli(["clean", "--keep", "body, ad shortcode,tag", str(PAGE)])
    assert status == EXIT_OK
    expected = [l for l, lab in zip(lines, labels) if lab in ("body", "ad shortcode", "tag")]
    assert out.decode("utf-8") == "".join(l + "\n" for l in expected)
    every = run_cli(["clean", "--keep", ",".join(LABELS), str(PAGE)])[1].decode("utf-8")
    assert every == "".join(l + "\n" for l in lines if l.strip())


@pytest.mark.parametrize("keep", ["article", "body,nope", ",", ""])
def test_clean_unknown_keep_label_is_a_usage_error(keep):
    status, out, err = run_cli(["clean", "--keep", keep, str(PAGE)])
    assert status == EXIT_USAGE and out == b""
    assert "label" in err


def _is_subsequence(small, big) -> bool:
    it = iter(big)
    return all(any(x == y for y in it) for x in small)


line_strings = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)


@PROPS
@given(st.lists(line_strings, max_size=30))
def test_clean_never_invents_text(lines):
    with tempfile.TemporaryDirectory() as d:
        page = Path(d) / "p.txt"
        page.write_bytes("\n".join(lines).encode("utf-8"))
        status, out, _ = run_cli(["clean", "--keep", ",".join(LABELS[:5]), str(page)])
    assert status == EXIT_OK
    kept = bio.split_lines(out.decode("utf-8"))
    assert _is_subsequence(kept, bio.split_lines("\n".join(lines)))


# --------------------------------------------------------------------------- robustness: text


def test_invalid_utf8_binary_nul_and_controls(tmp_path, clf):
    data = (b"\xef\xbb\xbfTitle \xff\xfe of the page\r\n\r\nbody\x00with NUL\x01\x02\x1b[0m\rform\x0cfeed"
            b" \xe2\x80\xa8 stays\n\x80\x81\x82\n" + bytes(range(256)) + b"\n")
    page = tmp_path / "bin.txt"
    page.write_bytes(data)
    status, out, err = run_cli(["label", str(page)])
    assert status == EXIT_OK, err
    lines = bio.read_text(str(page))
    rows = tsv_rows(out)
    assert [line for _, line in rows] == lines
    assert lines[0] == "Title \ufffd\ufffd of the page"  # BOM dropped, bad bytes replaced
    assert lines[2] == "body\x00with NUL\x01\x02\x1b[0m"
    assert lines[3] == "form\x0cfeed \u2028 stays"  # form feed and U+2028 do not split
    check_labels([lab or None for lab, _ in rows], lines)
    assert run_cli(["clean", str(page)])[0] == EXIT_OK


@pytest.mark.parametrize("eol", [b"\n", b"\r\n", b"\r"])
def test_line_ends_give_the_same_lines(tmp_path, eol):
    page = tmp_path / "p.txt"
    page.write_bytes(eol.join(PAGE.read_bytes().split(b"\n")))
    assert run_cli(["label", str(page)])[1] == run_cli(["label", str(PAGE)])[1]


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf"])
def test_empty_file_gives_empty_output(tmp_path, data):
    page = tmp_path / "empty.txt"
    page.write_bytes(data)
    assert run_cli(["label", str(page)]) == (EXIT_OK, b"", "")
    assert run_cli(["clean", str(page)]) == (EXIT_OK, b"", "")


def test_blank_only_file(tmp_path):
    page = tmp_path / "blank.txt"
    page.write_bytes(b"\n \n\t\r\n")
    assert run_cli(["label", str(page)])[1] == b"\t\n\t \n\t\t\n"


def test_ten_megabyte_line(tmp_path):
    big = ("lorem ipsum dolor sit amet " * 400_000)[:10_000_000]
    page = tmp_path / "big.txt"
    page.write_text(f"A title\n{big}\nLast line\n", encoding="utf-8")
    t0 = time.perf_counter()
    status, out, err = run_cli(["label", str(page)])
    elapsed = time.perf_counter() - t0
    assert status == EXIT_OK, err
    rows = tsv_rows(out)
    assert len(rows) == 3 and rows[1][1] == big and rows[1][0] in LABELS
    assert elapsed < 60, f"a 10 MB line took {elapsed:.1f}s"


def test_million_line_document(tmp_path):
    n = 1_000_000
    unit = ["Breaking news headline", "", "A paragraph of the article body, with words.", "Share on Facebook"]
    page = tmp_path / "million.txt"
    page.write_text("\n".join(unit * (n // len(unit))) + "\n", encoding="utf-8")
    t0 = time.perf_counter()
    status, out, err = run_cli(["label", str(page), "-o", str(tmp_path / "out.tsv")])
    elapsed = time.perf_counter() - t0
    assert status == EXIT_OK, err
    with open(tmp_path / "out.tsv", "rb") as f:
        n_out = sum(1 for _ in f)
    assert n_out == n
    # The spec wants a few seconds; predict's feature extraction sets the pace (reported to
    # the model's owner), so this bound only catches a pathological slowdown.
    assert elapsed < 120, f"a 1,000,000-line document took {elapsed:.1f}s"


def test_missing_input_and_directory_are_usage_errors(tmp_path):
    for cmd in (["label"], ["clean"], ["label", "--jsonl"]):
        status, out, err = run_cli([*cmd, str(tmp_path / "nope.txt")])
        assert status == EXIT_USAGE and "nope.txt" in err and out == b""
        status, _, err = run_cli([*cmd, str(tmp_path)])
        assert status == EXIT_USAGE and "directory" in err.lower()


def test_unwritable_output_is_a_usage_error(tmp_path):
    status, _, err = run_cli(["label", str(PAGE), "-o", str(tmp_path / "no" / "such" / "dir.tsv")])
    assert status == EXIT_USAGE and "cannot write" in err


@pytest.mark.parametrize("argv", [[], ["label"], ["frobnicate", "x"], ["label", "--workers", "0", "x"],
                                  ["label", "--on-error", "ignore", "x"], ["label", "--bogus", "x"]])
def test_usage_errors(argv):
    assert run_cli(argv)[0] == EXIT_USAGE


def test_help_exits_zero():
    assert run_cli(["--help"])[0] == EXIT_OK
    assert run_cli(["label", "--help"])[0] == EXIT_OK


# --------------------------------------------------------------------------- --model


def test_model_option_with_the_shipped_artifact(tmp_path):
    from boilerline.model.api import shipped_model_path

    status, out, err = run_cli(["label", "--model", str(shipped_model_path()), str(PAGE)])
    assert status == EXIT_OK, err
    assert out == run_cli(["label", str(PAGE)])[1]


@pytest.mark.parametrize("content", [None, b"", b"not a model at all", b"PK\x03\x04garbage"])
def test_bad_model_exits_3_with_a_message(tmp_path, content):
    model = tmp_path / "model.npz"
    if content is not None:
        model.write_bytes(content)
    for argv in (["label", str(PAGE)], ["clean", str(PAGE)], ["label", "--jsonl", str(DOCS)]):
        out_path = tmp_path / "out"
        status, out, err = run_cli([*argv, "--model", str(model), "-o", str(out_path)])
        assert status == EXIT_MODEL and out == b""
        assert "cannot load the model" in err and "model.npz" in err
        assert not out_path.exists()  # nothing written, nothing truncated


# --------------------------------------------------------------------------- JSONL contract


def test_jsonl_label_contract(tmp_path, clf):
    out_path = tmp_path / "out.jsonl"
    status, out, err = run_cli(["label", "--jsonl", str(DOCS), "-o", str(out_path)])
    assert status == EXIT_OK, err
    inputs = read_jsonl(DOCS)
    outputs = read_jsonl(out_path)
    assert len(outputs) == len(inputs)
    for src, dst in zip(inputs, outputs):
        lines = src["lines"] if "lines" in src else bio.split_lines(src["text"])
        assert {k: v for k, v in dst.items() if k != "labels"} == {k: v for k, v in src.items() if k != "labels"}
        assert dst["labels"] == clf.predict(lines) if lines else dst["labels"] == []
        check_labels(dst["labels"], lines)
    # the text record uses the file splitting rule: \r\n, \r, \n; the final break adds no line
    assert len(outputs[1]["labels"]) == 4 and outputs[1]["labels"][1] is None
    assert outputs[2]["labels"] == [] and outputs[3]["labels"] == []
    assert outputs[4]["labels"][:2] == [None, None]  # input 'labels' overwritten


def test_jsonl_stdin_to_stdout_is_the_default():
    data = DOCS.read_bytes()
    status, out, _ = run_cli(["label", "--jsonl", "-"], stdin=data)
    assert status == EXIT_OK
    with tempfile.TemporaryDirectory() as d:
        run_cli(["label", "--jsonl", str(DOCS), "-o", f"{d}/o.jsonl"])
        assert out == Path(f"{d}/o.jsonl").read_bytes()
    status, out2, _ = run_cli(["label", "--jsonl", "-", "-o", "-"], stdin=data)
    assert out2 == out


def test_jsonl_clean_adds_clean_text(tmp_path, clf):
    out_path = tmp_path / "out.jsonl"
    status, _, err = run_cli(["clean", "--jsonl", str(DOCS), "-o", str(out_path)])
    assert status == EXIT_OK, err
    for src, dst in zip(read_jsonl(DOCS), read_jsonl(out_path)):
        lines = src["lines"] if "lines" in src else bio.split_lines(src["text"])
        labels = clf.predict(lines) if lines else []
        assert dst == {**src, "clean_text": "\n".join(
            l for l, lab in zip(lines, labels) if lab in ("headline", "body"))}


def test_jsonl_empty_input_and_blank_lines(tmp_path):
    for data in (b"", b"\n\n", b"\xef\xbb\xbf", b"  \r\n"):
        status, out, _ = run_cli(["label", "--jsonl", "-"], stdin=data)
        assert (status, out) == (EXIT_OK, b"")
    data = b'\n{"lines": ["x"]}\n\n\n{"text": "y"}\n'
    status, out, _ = run_cli(["label", "--jsonl", "-"], stdin=data)
    assert status == EXIT_OK and out.count(b"\n") == 2


def test_jsonl_robust_text_content(tmp_path):
    text = "T\x00itle\u2028same line\x0cstill\r\nbody \ud800 lone surrogate\rthird"
    data = (b"\xef\xbb\xbf" + json.dumps({"text": text}).encode() + b"\r\n"
            + b'{"lines": ["caf\xe9 \xff", ""]}\n')
    status, out, err = run_cli(["label", "--jsonl", "-"], stdin=data)
    assert status == EXIT_OK, err
    first, second = [json.loads(l) for l in out.decode("utf-8").splitlines()]
    assert first["text"] == text and len(first["labels"]) == 3
    assert second["lines"] == ["caf\ufffd \ufffd", ""] and second["labels"][1] is None


BAD_JSONL = (
    b'{"id": 1, "lines": ["Good one", "", "More text here."]}\n'
    b"{not json\n"
    b"\n"
    b'{"id": 3}\n'
    b'{"id": 4, "lines": ["fine", 42, null]}\n'
    b'{"id": 5, "text": 7}\n'
    b'"just a string"\n'
    b'{"id": 7, "text": "Last good one\\nwith two lines"}\n'
)


def test_jsonl_on_error_fail_is_the_default(tmp_path):
    out_path = tmp_path / "out.jsonl"
    status, _, err = run_cli(["label", "--jsonl", "-", "-o", str(out_path)], stdin=BAD_JSONL)
    assert status == EXIT_USAGE
    assert "line 2" in err and "invalid JSON" in err and "--on-error skip" in err
    assert [r["id"] for r in read_jsonl(out_path)] == [1]  # records before the bad one are written


def test_jsonl_on_error_skip_keeps_output_aligned(tmp_path):
    out_path = tmp_path / "out.jsonl"
    status, _, err = run_cli(["label", "--jsonl", "-", "--on-error", "skip", "-o", str(out_path)],
                             stdin=BAD_JSONL)
    assert status == EXIT_SKIPPED
    out = read_jsonl(out_path)
    assert len(out) == 7  # one output record per non-blank input line
    assert out[0]["labels"] is not None and len(out[0]["labels"]) == 3 and "error" not in out[0]
    assert out[1] == {"labels": None, "error": out[1]["error"]} and out[1]["error"].startswith("line 2: invalid JSON")
    assert out[2]["id"] == 3 and out[2]["labels"] is None and "neither" in out[2]["error"]
    assert out[3]["id"] == 4 and out[3]["lines"] == ["fine", 42, None] and "'lines'[1]" in out[3]["error"]
    assert out[4]["id"] == 5 and "'text' must be a string" in out[4]["error"]
    assert out[5] == {"labels": None, "error": "line 7: expected a JSON object, got string"}
    assert out[6]["id"] == 7 and len(out[6]["labels"]) == 2 and "error" not in out[6]
    assert "5 bad record(s)" in err
    assert "skipped input lines: 2, 4, 5, 6, 7" in err
    # clean: same alignment, clean_text null for the bad ones
    status, _, _ = run_cli(["clean", "--jsonl", "-", "--on-error", "skip", "-o", str(out_path)], stdin=BAD_JSONL)
    out = read_jsonl(out_path)
    assert status == EXIT_SKIPPED and len(out) == 7
    assert [r["clean_text"] is None for r in out] == [False, True, True, True, True, True, False]


def test_jsonl_ten_megabyte_line_and_long_document(tmp_path):
    big = "x" * 10_000_000
    records = [{"lines": ["Title", big, ""]}, {"lines": [f"line {i}" for i in range(50_000)]}]
    src = tmp_path / "in.jsonl"
    write_jsonl(src, records)
    out_path = tmp_path / "out.jsonl"
    status, _, err = run_cli(["label", "--jsonl", str(src), "-o", str(out_path)])
    assert status == EXIT_OK, err
    out = read_jsonl(out_path)
    assert out[0]["lines"][1] == big and len(out[0]["labels"]) == 3 and out[0]["labels"][2] is None
    assert len(out[1]["labels"]) == 50_000


# --------------------------------------------------------------------------- properties


@PROPS
@given(st.lists(st.lists(line_strings, max_size=12), max_size=8))
def test_any_lines_get_one_valid_label_each(docs):
    with tempfile.TemporaryDirectory() as d:
        src, dst = Path(d) / "in.jsonl", Path(d) / "out.jsonl"
        write_jsonl(src, [{"lines": lines} for lines in docs])
        status, _, err = run_cli(["label", "--jsonl", str(src), "-o", str(dst)])
        assert status == EXIT_OK, err
        out = read_jsonl(dst)
    assert len(out) == len(docs)
    for rec, lines in zip(out, docs):
        assert rec["lines"] == lines
        check_labels(rec["labels"], lines)


@PROPS
@given(st.lists(line_strings, max_size=30))
def test_text_mode_one_row_per_line(lines):
    with tempfile.TemporaryDirectory() as d:
        page = Path(d) / "p.txt"
        page.write_bytes("\r\n".join(lines).encode("utf-8"))
        status, out, _ = run_cli(["label", str(page)])
        expected = bio.read_text(str(page))
    assert status == EXIT_OK
    rows = tsv_rows(out)
    assert [line for _, line in rows] == expected
    check_labels([lab or None for lab, _ in rows], expected)


def _corpus_docs(n_docs: int) -> list[dict]:
    page = bio.read_text(str(PAGE))
    docs = []
    for i in range(n_docs):
        lines = page[i % 7:] + page[: i % 5]
        docs.append({"id": i, "lines": lines} if i % 2 else {"id": i, "text": "\n".join(lines)})
    return docs


@PROPS
@given(st.integers(1, 12))
def test_results_do_not_depend_on_batch_size(batch_size):
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "in.jsonl"
        write_jsonl(src, _corpus_docs(15))
        run_cli(["label", "--jsonl", str(src), "--batch-size", "1", "-o", f"{d}/one.jsonl"])
        run_cli(["label", "--jsonl", str(src), "--batch-size", str(batch_size), "-o", f"{d}/many.jsonl"])
        assert Path(f"{d}/one.jsonl").read_bytes() == Path(f"{d}/many.jsonl").read_bytes()


def test_results_do_not_depend_on_worker_count(tmp_path):
    src = tmp_path / "in.jsonl"
    docs = _corpus_docs(40)
    write_jsonl(src, docs[:20] + [{"id": "bad"}] + docs[20:])
    outs = []
    for workers, batch in (("1", "64"), ("2", "3"), ("3", "1")):
        dst = tmp_path / f"out{workers}.jsonl"
        status, _, err = run_cli(["label", "--jsonl", str(src), "--workers", workers, "--batch-size", batch,
                                  "--on-error", "skip", "-o", str(dst)])
        assert status == EXIT_SKIPPED, err
        outs.append(dst.read_bytes())
    assert outs[0] == outs[1] == outs[2]
    assert [r.get("id") for r in read_jsonl(tmp_path / "out2.jsonl")] == [d["id"] for d in docs[:20]] + ["bad"] + [
        d["id"] for d in docs[20:]]


# --------------------------------------------------------------------------- as a program


def _cli_command() -> list[str]:
    return [sys.executable, "-m", "boilerline.model.cli"]


def test_subprocess_label_stdin_and_exit_codes(tmp_path):
    data = b"\xef\xbb\xbfA headline\r\n\r\nSome body text of the article.\rcaf\xe9\n"
    proc = subprocess.run([*_cli_command(), "label", "-"], input=data, capture_output=True, timeout=120)
    assert proc.returncode == EXIT_OK, proc.stderr.decode()
    rows = tsv_rows(proc.stdout)
    assert [line for _, line in rows] == ["A headline", "", "Some body text of the article.", "caf\ufffd"]
    assert rows[1][0] == ""
    proc = subprocess.run([*_cli_command(), "label", "--model", str(tmp_path / "none.npz"), "-"],
                          input=data, capture_output=True, timeout=120)
    assert proc.returncode == EXIT_MODEL and b"cannot load the model" in proc.stderr
    proc = subprocess.run([*_cli_command(), "label", "--jsonl", "--on-error", "skip", "-"],
                          input=BAD_JSONL, capture_output=True, timeout=120)
    assert proc.returncode == EXIT_SKIPPED and proc.stdout.count(b"\n") == 7


def test_subprocess_closed_pipe_is_quiet():
    data = ("Some line of text that repeats\n" * 20_000).encode()
    proc = subprocess.Popen([*_cli_command(), "label", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdin.write(data)
    proc.stdin.close()
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == EXIT_OK
    assert b"Traceback" not in err


def test_many_skipped_records_are_counted_and_the_report_stays_short(tmp_path):
    data = b'{"lines": ["ok"]}\n' + b"garbage\n" * 1500
    status, out, err = run_cli(["label", "--jsonl", "--on-error", "skip", "-"], stdin=data)
    assert status == EXIT_SKIPPED and out.count(b"\n") == 1501
    assert "1500 bad record(s)" in err and "(500 more)" in err
    assert err.count("invalid JSON") == 20


def test_model_option_uses_the_given_artifact(tiny_model_path, tmp_path):
    """--model switches to another artifact (here one trained by conftest on the fixtures)."""
    other = load_model(tiny_model_path)
    lines = bio.read_text(str(PAGE))
    status, out, err = run_cli(["label", "--model", str(tiny_model_path), str(PAGE)])
    assert status == EXIT_OK, err
    assert [label or None for label, _ in tsv_rows(out)] == other.predict(lines)
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_jsonl(src, [{"lines": lines}])
    status, _, err = run_cli(["label", "--jsonl", "--workers", "2", "--model", str(tiny_model_path),
                              str(src), "-o", str(dst)])
    assert status == EXIT_OK, err
    assert read_jsonl(dst)[0]["labels"] == other.predict(lines)


# --------------------------------------------------------------------------- ecosystem: progress,
# parquet, evaluate, train (with the tiny model, so they run without the shipped one)


def _fixture_records(labelled_pages, **extra):
    return [{"id": name, "lines": lines, "language": name[:2], **extra}
            for name, (lines, _) in sorted(labelled_pages.items())]


def test_progress_is_off_when_stderr_is_not_a_terminal(tmp_path, tiny_model_path, labelled_pages):
    src = tmp_path / "in.jsonl"
    write_jsonl(src, _fixture_records(labelled_pages))
    status, out, err = run_cli(["label", "--jsonl", str(src), "--model", str(tiny_model_path)])
    assert status == EXIT_OK and err == ""  # StringIO stderr is not a TTY
    status, _, err = run_cli(["label", "--jsonl", str(src), "--model", str(tiny_model_path), "--progress"])
    assert status == EXIT_OK and "docs/s" in err and "lines/s" in err and err.endswith("\n")
    n_lines = sum(len(r["lines"]) for r in _fixture_records(labelled_pages))
    assert f"{len(labelled_pages)} docs, {n_lines} lines" in err


def test_progress_draws_on_a_terminal_only():
    from boilerline.model.progress import Progress

    class Tty(io.StringIO):
        def isatty(self):
            return True

    tty, pipe = Tty(), io.StringIO()
    for stream in (tty, pipe):
        p = Progress(stream=stream, min_interval=0)
        p.update(3, 120)
        p.close()
    assert "\r3 docs, 120 lines |" in tty.getvalue() and "docs/s" in tty.getvalue()
    assert pipe.getvalue() == ""
    forced_off = Tty()
    p = Progress(enabled=False, stream=forced_off)
    p.update(1, 1)
    p.close()
    assert forced_off.getvalue() == ""


def test_parquet_in_and_out(tmp_path, tiny_model_path, labelled_pages):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    clf = load_model(tiny_model_path)
    records = _fixture_records(labelled_pages)
    rows = [{"id": r["id"], "lines": r["lines"] if k % 2 else None, "text": "\n".join(r["lines"]),
             "meta": {"n": k}} for k, r in enumerate(records)]
    src = tmp_path / "in.parquet"
    pq.write_table(pa.Table.from_pylist(rows), src)
    out = tmp_path / "out.parquet"
    model = ["--model", str(tiny_model_path)]
    status, _, err = run_cli(["label", "--format", "parquet", str(src), "-o", str(out), "--batch-size", "2", *model])
    assert status == EXIT_OK, err
    table = pq.read_table(out)
    assert table.column_names == ["id", "lines", "text", "meta", "labels"]
    assert table.select(["id", "lines", "text", "meta"]).equals(pq.read_table(src))
    for row, rec in zip(table.to_pylist(), records):
        assert row["labels"] == clf.predict(rec["lines"])
    # same labels as the JSONL path
    jsrc = tmp_path / "in.jsonl"
    write_jsonl(jsrc, records)
    status, jout, _ = run_cli(["label", "--jsonl", str(jsrc), *model])
    assert [json.loads(x)["labels"] for x in jout.decode().splitlines()] == table.column("labels").to_pylist()
    # clean adds clean_text
    cout = tmp_path / "clean.parquet"
    assert run_cli(["clean", "--format", "parquet", str(src), "-o", str(cout), *model])[0] == EXIT_OK
    for row, rec in zip(pq.read_table(cout).to_pylist(), records):
        labels = clf.predict(rec["lines"])
        assert row["clean_text"] == "\n".join(bio.keep_lines(rec["lines"], labels, ("headline", "body")))
    # a bad row: fail writes the rows before it; skip writes it with an error column
    pq.write_table(pa.Table.from_pylist(rows + [{"id": "bad", "lines": None, "text": None, "meta": {"n": 0}}]), src)
    status, _, err = run_cli(["label", "--format", "parquet", str(src), "-o", str(out), *model])
    assert status == EXIT_USAGE and f"row {len(rows) + 1}" in err and pq.read_table(out).num_rows == len(rows)
    status, _, err = run_cli(["label", "--format", "parquet", str(src), "-o", str(out), "--on-error", "skip", *model])
    assert status == EXIT_SKIPPED
    last = pq.read_table(out).to_pylist()[-1]
    assert last["labels"] is None and "neither" in last["error"]
    # parquet needs files
    assert run_cli(["label", "--format", "parquet", "-", "-o", str(out), *model])[0] == EXIT_USAGE
    assert run_cli(["label", "--format", "parquet", str(src), *model])[0] == EXIT_USAGE
    assert run_cli(["label", "--format", "parquet", str(jsrc), "-o", str(out), *model])[0] == EXIT_USAGE


def test_evaluate_prints_per_class_scores(tmp_path, tiny_model_path, labelled_pages):
    from boilerline.training.train import score_report

    gold = tmp_path / "gold.jsonl"
    recs = [{"lines": lines, "labels": labels, "language": name[:2]} for name, (lines, labels) in sorted(labelled_pages.items())]
    recs[0]["labels"] = [None] * 3 + recs[0]["labels"][3:]  # null = not scored
    write_jsonl(gold, recs)
    status, out, err = run_cli(["evaluate", str(gold), "--model", str(tiny_model_path)])
    assert status == EXIT_OK, err
    text = out.decode()
    for lab in LABELS:
        assert f"| {lab} |" in text
    assert "**macro-F1**" in text and "**content F1**" in text and "| en |" in text
    status, out, _ = run_cli(["evaluate", str(gold), "--model", str(tiny_model_path), "--json"])
    report = json.loads(out)
    clf = load_model(tiny_model_path)
    idx = {lab: k for k, lab in enumerate(clf.labels)}
    t, p = [], []
    for rec in recs:
        for g, q in zip(rec["labels"], clf.predict(rec["lines"])):
            if g is not None and q is not None:
                t.append(idx[g])
                p.append(idx[q])
    import numpy as np

    expected = score_report(np.asarray(t), np.asarray(p), clf.labels)
    assert report["per_class"] == expected["per_class"] and report["macro_f1"] == expected["macro_f1"]
    assert report["n_documents"] == len(recs) and set(report["per_language"]) == {r["language"] for r in recs}
    # a gold label the model does not know is scored (recall 0), a bad file is a usage error
    recs[1]["labels"] = ["mystery" if lab else lab for lab in recs[1]["labels"]]
    write_jsonl(gold, recs)
    status, out, _ = run_cli(["evaluate", str(gold), "--model", str(tiny_model_path), "--json"])
    assert json.loads(out)["per_class"]["mystery"]["recall"] == 0.0
    write_jsonl(gold, [{"lines": ["a", "b"], "labels": ["body"]}])
    status, _, err = run_cli(["evaluate", str(gold), "--model", str(tiny_model_path)])
    assert status == EXIT_USAGE and "1 labels for 2 lines" in err


def test_train_on_own_labels_then_load_and_label(tmp_path, labelled_pages):
    rename = {"headline": "title", "body": "content"}
    data = tmp_path / "mine.jsonl"
    recs = []
    for copy in range(2):
        for name, (lines, labels) in sorted(labelled_pages.items()):
            labs = [rename.get(lab, "junk") for lab in labels]
            labs[-1] = None  # unlabelled lines are allowed
            recs.append({"text": "\n".join(lines), "labels": labs, "site": f"{name}-{copy}", "language": name[:2]})
    write_jsonl(data, recs)
    model_path = tmp_path / "mine.npz"
    status, out, err = run_cli(["train", "--data", str(data), "-o", str(model_path), "--no-context"])
    assert status == EXIT_OK, err
    clf = load_model(model_path)
    assert set(clf.labels) == {"title", "content", "junk"}
    assert (tmp_path / "mine.MODEL_CARD.md").is_file()
    page = tmp_path / "page.txt"
    page.write_text("\n".join(labelled_pages["en_news"][0]), encoding="utf-8")
    status, out, _ = run_cli(["label", str(page), "--model", str(model_path)])
    assert status == EXIT_OK and {lab for lab, _ in tsv_rows(out) if lab} <= {"title", "content", "junk"}
    status, out, _ = run_cli(["clean", str(page), "--model", str(model_path), "--keep", "content"])
    assert status == EXIT_OK
    assert run_cli(["clean", str(page), "--model", str(model_path), "--keep", "body"])[0] == EXIT_USAGE
    # bad input: too few label names, missing file
    write_jsonl(data, [{"lines": ["a", "b"], "labels": ["x", "y"]}])
    assert run_cli(["train", "--data", str(data), "-o", str(model_path)])[0] == EXIT_USAGE
    assert run_cli(["train", "--data", str(tmp_path / "nope.jsonl"), "-o", str(model_path)])[0] == EXIT_USAGE


class _NoTorch(importlib.abc.MetaPathFinder):
    """An import finder that refuses PyTorch."""

    def find_spec(self, name, path, target=None):
        if name == "torch" or name.startswith("torch."):
            raise ModuleNotFoundError(f"No module named {name!r}")
        return None


def test_train_without_pytorch_names_what_to_install_or_the_mlp_stage(tmp_path, labelled_pages, monkeypatch):
    data = tmp_path / "mine.jsonl"
    write_jsonl(data, [{"lines": lines, "labels": labels, "site": f"{name}-{copy}"}
                       for copy in range(2) for name, (lines, labels) in sorted(labelled_pages.items())])
    # as if PyTorch were not installed: importing it fails. datasets, imported first, looks for
    # it once at import and imports it only when it is in sys.modules, so it is taken out of there
    import datasets  # noqa: F401

    monkeypatch.delitem(sys.modules, "torch", raising=False)
    monkeypatch.setattr(sys, "meta_path", [_NoTorch()] + sys.meta_path)
    model_path = tmp_path / "mine.npz"
    status, _, err = run_cli(["train", "--data", str(data), "-o", str(model_path)])
    assert status == EXIT_USAGE and "boilerline[sequence]" in err and "--stage2-kind mlp" in err
    assert not model_path.exists()
    status, _, err = run_cli(["train", "--data", str(data), "-o", str(model_path), "--stage2-kind", "mlp"])
    assert status == EXIT_OK, err
    assert load_model(model_path).metadata["stage2_kind"] == "mlp"


def test_train_offers_the_second_stages_the_library_trains():
    # the parser writes the choices out (building it imports no training code): they must stay
    # those of the training library
    from boilerline.training.train import STAGE2_KINDS

    status, _, err = run_cli(["train", "--data", "x.jsonl", "-o", "x.npz", "--stage2-kind", "crf"])
    assert status == EXIT_USAGE
    offered = re.search(r"choose from (.*)\)", err).group(1)
    assert sorted(re.findall(r"'(\w+)'", offered)) == sorted(STAGE2_KINDS)


@pytest.mark.parametrize("piece_bytes", [None, 700])
@pytest.mark.parametrize("on_error", ["fail", "skip"])
@pytest.mark.parametrize("command", ["label", "clean"])
def test_workers_write_the_same_bytes_and_stderr_as_one(tmp_path, monkeypatch, on_error, command, piece_bytes):
    """Workers read, parse and serialise pieces of the input themselves (from a file) or get them
    from the main process (stdin): output, stderr and status stay identical to one process.

    With 700-byte pieces (``piece_bytes``) the input is cut in many places, next to the BOM, blank
    lines, bad records and lines longer than a piece.
    """
    if piece_bytes is not None:
        monkeypatch.setattr(cli, "WORKER_PIECE_BYTES", piece_bytes)
    docs = _corpus_docs(30)
    good = [json.dumps(d, ensure_ascii=False).encode() + b"\n" for d in docs]
    data = (b"\xef\xbb\xbf" + b"".join(good[:7]) + b"\n  \n" + b"not json\n" + b"".join(good[7:15])
            + b'{"id": "no text"}\n\r\n' + b"[1, 2]\n" + b"".join(good[15:]) + b'{"lines": ["a", 3]}\n'
            + b'{"text": "caf\\ud800 \xe9\xff"}')  # no final newline
    src = tmp_path / "in.jsonl"
    src.write_bytes(data)
    results = []
    for workers, source in (("1", "file"), ("2", "file"), ("3", "file"), ("2", "stdin")):
        dst = tmp_path / f"out{workers}{source}.jsonl"
        status, _, err = run_cli([command, "--jsonl", str(src) if source == "file" else "-", "--workers", workers,
                                  "--batch-size", "4", "--on-error", on_error, "-o", str(dst)],
                                 stdin=data if source == "stdin" else b"")
        results.append((status, err.replace("<stdin>", str(src)), dst.read_bytes()))
    assert results[0] == results[1] == results[2] == results[3]
    status, err, out = results[0]
    if on_error == "fail":
        assert status == EXIT_USAGE and "line 10" in err and out.count(b"\n") == 7
    else:
        assert status == EXIT_SKIPPED and out.count(b"\n") == len(docs) + 5 and "4 bad record(s)" in err


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the crashing model reaches the workers by fork")
def test_a_dead_worker_is_an_error_and_no_record_after_it_is_written(tmp_path, monkeypatch, clf):
    """A worker killed mid-piece (here: os._exit) stops the run with status 4 and an error naming the
    first input line not written; the output is exactly the records before it, never a gap."""
    import boilerline.model

    class CrashingModel:
        def predict_documents(self, docs):
            if any("CRASH" in line for lines in docs for line in lines):
                os._exit(9)
            return clf.predict_documents(docs)

    monkeypatch.setattr(boilerline.model, "load_model", lambda *args, **kwargs: CrashingModel())
    monkeypatch.setattr(cli, "WORKER_PIECE_BYTES", 700)
    docs = _corpus_docs(40)
    docs[25] = {"id": 25, "lines": ["CRASH"]}
    assert _first_line_lost_to_a_dead_worker(tmp_path, docs) <= 26


def _first_line_lost_to_a_dead_worker(tmp_path, docs) -> int:
    """Label ``docs`` with 2 workers, expecting a dead worker: the run ends with status 4 and an
    error naming the first input line not written, and the output is exactly the records before
    it. Returns that line number."""
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_jsonl(src, docs)
    status, _, err = run_cli(["label", "--jsonl", str(src), "--workers", "2", "-o", str(dst)])
    assert status == EXIT_INTERNAL, err
    match = re.search(r"worker process ended unexpectedly .* from line (\d+) on", err)
    assert match, err
    first_missing = int(match.group(1))
    assert [r["id"] for r in read_jsonl(dst)] == list(range(first_missing - 1))
    return first_missing


def test_parquet_with_workers_equals_one_process(tmp_path, tiny_model_path, labelled_pages):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    records = _fixture_records(labelled_pages)
    src = tmp_path / "in.parquet"
    pq.write_table(pa.Table.from_pylist([{"id": r["id"], "lines": r["lines"]} for r in records] * 3), src)
    model = ["--model", str(tiny_model_path)]
    outs = []
    for workers in ("1", "2"):
        out = tmp_path / f"out{workers}.parquet"
        status, _, err = run_cli(["label", "--format", "parquet", str(src), "-o", str(out), "--batch-size", "2",
                                  "--workers", workers, *model])
        assert status == EXIT_OK, err
        outs.append(pq.read_table(out))
    assert outs[0].equals(outs[1]) and outs[0].num_rows == 3 * len(records)


def test_a_pool_broken_before_a_piece_is_submitted_is_the_same_clean_error(tmp_path, monkeypatch):
    """The pool can break (a worker died) before the next piece is handed out: submit() itself
    raises. The run still stops with status 4 naming that piece's first line, after writing
    every record before it (the race made the dead-worker test fail once as an internal error)."""
    import concurrent.futures
    from concurrent.futures.process import BrokenProcessPool

    class BreaksOnThirdSubmit(concurrent.futures.ProcessPoolExecutor):
        submitted = 0

        def submit(self, *args, **kwargs):
            BreaksOnThirdSubmit.submitted += 1
            if BreaksOnThirdSubmit.submitted == 3:
                raise BrokenProcessPool("a child process terminated abruptly")
            return super().submit(*args, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", BreaksOnThirdSubmit)
    monkeypatch.setattr(cli, "WORKER_PIECE_BYTES", 700)
    docs = _corpus_docs(40)
    assert 1 < _first_line_lost_to_a_dead_worker(tmp_path, docs) < len(docs)  # the third piece starts inside the file
