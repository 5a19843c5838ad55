"""Tests of boilerline.model.io: decoding, line splitting, JSONL records, batching."""

from __future__ import annotations

import io
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boilerline.model import io as bio
from boilerline.model.labels import LABELS

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PROPS = settings(max_examples=200, deadline=None)

# Characters that str.splitlines() breaks on but boilerline keeps inside a line.
KEPT_INSIDE = ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e"]


# --------------------------------------------------------------------------- split_lines


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", []),
        ("a", ["a"]),
        ("a\n", ["a"]),
        ("a\nb", ["a", "b"]),
        ("a\nb\n", ["a", "b"]),
        ("a\n\n", ["a", ""]),
        ("\n", [""]),
        ("\n\n", ["", ""]),
        ("\r\n", [""]),
        ("\r", [""]),
        ("a\r\nb\r\n", ["a", "b"]),
        ("a\rb\rc", ["a", "b", "c"]),
        ("a\r\rb", ["a", "", "b"]),
        ("a\n\rb", ["a", "", "b"]),  # \n then \r: two breaks
        ("a\r\n\r\nb", ["a", "", "b"]),
        ("  x  \n\t", ["  x  ", "\t"]),
        ("a\tb\x00c", ["a\tb\x00c"]),
    ],
)
def test_split_lines_examples(text, expected):
    assert bio.split_lines(text) == expected


@pytest.mark.parametrize("sep", KEPT_INSIDE)
def test_split_lines_keeps_unicode_separators_inside_a_line(sep):
    assert bio.split_lines(f"a{sep}b\nc") == [f"a{sep}b", "c"]


def _reference_split(text: str) -> list[str]:
    if not text:
        return []
    parts = re.split(r"\r\n|\r|\n", text)
    if re.search(r"(\r\n|\r|\n)\Z", text):
        parts.pop()
    return parts


line_text = st.text(alphabet=st.sampled_from(["a", " ", "\t", "\r", "\n", "\x00", "é", *KEPT_INSIDE]))


@PROPS
@given(line_text)
def test_split_lines_matches_reference_and_round_trips(text):
    lines = bio.split_lines(text)
    assert lines == _reference_split(text)
    assert not any("\r" in l or "\n" in l for l in lines)
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    if normalised.endswith("\n"):
        normalised = normalised[:-1]
    assert "\n".join(lines) == normalised


@PROPS
@given(st.lists(st.text(max_size=20).map(lambda s: re.sub(r"[\r\n]", "", s)), max_size=10), st.sampled_from(["\n", "\r\n", "\r"]),
       st.booleans())
def test_split_lines_inverts_join(lines, eol, final_eol):
    # Every line terminated: always exact. Last line unterminated: exact unless it is empty
    # (then "a\n" + "" reads back as ["a"], the final break adding no empty line).
    if final_eol or not lines or lines[-1] != "":
        text = "".join(line + eol for line in lines) if final_eol else eol.join(lines)
        assert bio.split_lines(text) == lines


# --------------------------------------------------------------------------- decoding


def test_decode_strips_only_a_leading_bom():
    assert bio.decode_bytes(b"\xef\xbb\xbfabc") == "abc"
    assert bio.decode_bytes(b"\xef\xbb\xbf\xef\xbb\xbfabc") == "\ufeffabc"
    assert bio.decode_bytes(b"a\xef\xbb\xbfb") == "a\ufeffb"


def test_decode_replaces_invalid_utf8_and_keeps_controls():
    assert bio.decode_bytes(b"caf\xe9 \xff\xfe\x00\x01\x7f ok") == "caf\ufffd \ufffd\ufffd\x00\x01\x7f ok"
    assert bio.decode_bytes("déjà".encode("utf-8")) == "déjà"


def test_read_text_file_and_stdin(tmp_path):
    data = b"\xef\xbb\xbftitle\r\n\r\nbody \xff\rlast\n"
    path = tmp_path / "p.txt"
    path.write_bytes(data)
    expected = ["title", "", "body \ufffd", "last"]
    assert bio.read_text(str(path)) == expected
    assert bio.read_text("-", stdin=io.BytesIO(data)) == expected


def test_read_text_empty_file(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert bio.read_text(str(path)) == []
    path.write_bytes(bio.UTF8_BOM)
    assert bio.read_text(str(path)) == []


def test_read_text_missing_file_raises_oserror(tmp_path):
    with pytest.raises(OSError):
        bio.read_text(str(tmp_path / "nope.txt"))


# --------------------------------------------------------------------------- records


def test_document_lines_lines_and_text():
    assert bio.document_lines({"lines": ["a", "", "b\nc"]}) == ["a", "", "b\nc"]  # items not re-split
    assert bio.document_lines({"text": "a\r\nb\rc\n"}) == ["a", "b", "c"]
    assert bio.document_lines({"lines": ["x"], "text": "y\nz"}) == ["x"]  # lines wins
    assert bio.document_lines({"lines": []}) == []
    assert bio.document_lines({"text": ""}) == []
    assert bio.document_lines({"text": "\ufeffa"}) == ["\ufeffa"]  # a record's BOM is data


@pytest.mark.parametrize(
    "record, message",
    [
        ({}, "neither 'lines' nor 'text'"),
        ({"id": 1}, "neither 'lines' nor 'text'"),
        ({"lines": "a\nb"}, "'lines' must be a list of strings, got string"),
        ({"lines": None}, "'lines' must be a list of strings, got null"),
        ({"lines": ["a", 3]}, "'lines'[1] must be a string, got number"),
        ({"lines": ["a", None]}, "'lines'[1] must be a string, got null"),
        ({"lines": [["a"]]}, "'lines'[0] must be a string, got array"),
        ({"lines": [True]}, "'lines'[0] must be a string, got boolean"),
        ({"text": ["a"]}, "'text' must be a string, got array"),
        ({"text": None}, "'text' must be a string, got null"),
        ([1, 2], "expected a JSON object, got array"),
        ("text", "expected a JSON object, got string"),
        (None, "expected a JSON object, got null"),
    ],
)
def test_document_lines_bad_records(record, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        bio.document_lines(record)


JSONL = (
    b'{"id": 1, "lines": ["a", "", "b"]}\n'
    b"\n"
    b"   \r\n"
    b'{"id": 2, "text": "x\\r\\ny"}\r\n'
    b"not json\n"
    b'{"id": 3}\n'
    b'{"id": 4, "lines": ["ok", 5]}\n'
    b"[1, 2]\n"
    b'{"id": 5, "text": "caf\xe9"}'  # no final newline, invalid UTF-8
)


def test_iter_jsonl_skip_yields_every_nonblank_line_with_its_number():
    items = list(bio.iter_jsonl_records(io.BytesIO(JSONL), on_error="skip"))
    assert [it.line_number for it in items] == [1, 4, 5, 6, 7, 8, 9]
    assert items[0].lines == ["a", "", "b"] and items[0].error is None
    assert items[1].lines == ["x", "y"] and items[1].record == {"id": 2, "text": "x\r\ny"}
    assert items[2].error.startswith("invalid JSON") and items[2].record is None
    assert "neither" in items[3].error and items[3].record == {"id": 3}
    assert "'lines'[1]" in items[4].error and items[4].record == {"id": 4, "lines": ["ok", 5]}
    assert "expected a JSON object" in items[5].error and items[5].record is None
    assert items[6].lines == ["caf\ufffd"]


def test_iter_jsonl_fail_raises_with_line_number():
    it = bio.iter_jsonl_records(io.BytesIO(JSONL), on_error="fail")
    assert next(it).line_number == 1
    assert next(it).line_number == 4
    with pytest.raises(bio.RecordError) as excinfo:
        next(it)
    assert excinfo.value.line_number == 5
    assert str(excinfo.value).startswith("line 5: invalid JSON")


def test_iter_jsonl_bom_and_empty_input():
    items = list(bio.iter_jsonl_records(io.BytesIO(b'\xef\xbb\xbf{"lines": ["a"]}\n')))
    assert items[0].lines == ["a"]
    assert list(bio.iter_jsonl_records(io.BytesIO(b""))) == []
    assert list(bio.iter_jsonl_records(io.BytesIO(b"\n\n  \n"))) == []


def test_iter_jsonl_rejects_unknown_policy():
    with pytest.raises(ValueError):
        list(bio.iter_jsonl_records(io.BytesIO(b""), on_error="ignore"))


def test_iter_jsonl_deep_nesting_is_a_bad_record_not_a_crash():
    deep = b"[" * 100_000 + b"]" * 100_000 + b"\n"
    (item,) = bio.iter_jsonl_records(io.BytesIO(deep), on_error="skip")
    assert item.error is not None


def test_reading_and_batching_are_lazy():
    """Only about one batch of input lines is read before the first batch comes out."""
    consumed = 0

    def endless():
        nonlocal consumed
        while True:
            consumed += 1
            yield b'{"lines": ["a", "b"]}\n'

    batches = bio.iter_batches(bio.iter_jsonl_records(endless()), max_docs=10)
    first = next(batches)
    assert len(first) == 10 and consumed == 10
    next(batches)
    assert consumed == 20


def test_iter_batches_limits_docs_and_lines():
    def item(n):
        return bio.JsonlItem(1, {}, ["x"] * n)

    sizes = [3, 3, 3, 10, 0, 1, 1]
    batches = list(bio.iter_batches([item(n) for n in sizes], max_docs=3, max_lines=6))
    assert [[len(it.lines) for it in b] for b in batches] == [[3, 3], [3, 10], [0, 1, 1]]
    bad = bio.JsonlItem(2, None, None, "invalid JSON")
    assert list(bio.iter_batches([bad], max_docs=1)) == [[bad]]
    with pytest.raises(ValueError):
        list(bio.iter_batches([], max_docs=0))


@PROPS
@given(st.lists(st.integers(0, 20)), st.integers(1, 7), st.integers(1, 30))
def test_iter_batches_preserves_items_and_order(sizes, max_docs, max_lines):
    items = [bio.JsonlItem(i, {}, ["x"] * n) for i, n in enumerate(sizes)]
    batches = list(bio.iter_batches(items, max_docs=max_docs, max_lines=max_lines))
    assert [it for b in batches for it in b] == items
    assert all(0 < len(b) <= max_docs for b in batches)


# --------------------------------------------------------------------------- output records


def test_labelled_record_adds_labels_without_mutating_input():
    record = {"id": 1, "lines": ["a", ""], "labels": ["gold", "gold"]}
    item = bio.JsonlItem(3, record, ["a", ""])
    out = bio.labelled_record(item, ["body", None])
    assert out == {"id": 1, "lines": ["a", ""], "labels": ["body", None]}
    assert record["labels"] == ["gold", "gold"]


def test_bad_records_keep_their_place_with_error():
    item = bio.JsonlItem(7, {"id": 9}, None, "record has neither 'lines' nor 'text'")
    assert bio.labelled_record(item, None) == {
        "id": 9, "labels": None, "error": "line 7: record has neither 'lines' nor 'text'"}
    unparsable = bio.JsonlItem(8, None, None, "invalid JSON: x")
    assert bio.labelled_record(unparsable, None) == {"labels": None, "error": "line 8: invalid JSON: x"}
    assert bio.cleaned_record(unparsable, None, ["body"]) == {
        "clean_text": None, "error": "line 8: invalid JSON: x"}


def test_cleaned_record_keeps_text_and_adds_clean_text():
    record = {"text": "T\n\nB1\nad\nB2"}
    item = bio.JsonlItem(1, record, bio.split_lines(record["text"]))
    out = bio.cleaned_record(item, ["headline", None, "body", "ad shortcode", "body"], ["headline", "body"])
    assert out == {"text": "T\n\nB1\nad\nB2", "clean_text": "T\nB1\nB2"}


def test_keep_lines_is_a_subsequence():
    lines = ["h", "", "b", "c", "b"]
    labels = ["headline", None, "body", "caption", "body"]
    assert bio.keep_lines(lines, labels, ["body"]) == ["b", "b"]
    assert bio.keep_lines(lines, labels, LABELS) == ["h", "b", "c", "b"]


def test_format_tsv_line():
    assert bio.format_tsv_line("body", "a\tb ") == "body\ta\tb \n"
    assert bio.format_tsv_line(None, "  ") == "\t  \n"


def test_dump_record_is_utf8_and_round_trips_lone_surrogates():
    rec = {"text": "déjà vu \u2028 \x00"}
    line = bio.dump_record(rec)
    assert line.endswith("\n") and "déjà" in line
    assert json.loads(line) == rec
    odd = json.loads('{"text": "a\\ud800b"}')
    line = bio.dump_record(odd)
    line.encode("utf-8")  # no lone surrogate left in the output
    assert json.loads(line) == odd


def test_parse_keep():
    assert bio.parse_keep("headline,body", LABELS) == ("headline", "body")
    assert bio.parse_keep(" body , ad shortcode ", LABELS) == ("body", "ad shortcode")
    with pytest.raises(ValueError, match="unknown label"):
        bio.parse_keep("body,article", LABELS)
    with pytest.raises(ValueError, match="at least one"):
        bio.parse_keep(" , ", LABELS)


# --------------------------------------------------------------------------- fuzz


@FUZZ
@given(st.binary(max_size=2000))
def test_fuzz_text_reader_never_crashes(data):
    lines = bio.read_text("-", stdin=io.BytesIO(data))
    assert all(isinstance(l, str) and "\n" not in l and "\r" not in l for l in lines)
    body = data[3:] if data.startswith(bio.UTF8_BOM) else data
    n_breaks = len(re.findall(rb"\r\n|\r|\n", body))
    ends_with_break = bool(re.search(rb"[\r\n]\Z", body))
    assert len(lines) == (n_breaks + (0 if ends_with_break else 1) if body else 0)


jsonl_fragments = st.lists(
    st.one_of(
        st.binary(max_size=50),
        st.sampled_from([b"\n", b"\r\n", b"{", b"}", b'"lines"', b'"text"', b":", b"[", b"]", b",",
                         b'"a\\nb"', b"null", b"1", b"\xef\xbb\xbf", b"\xff", b'{"lines": ["x", ""]}\n',
                         b'{"text": "x\\ry"}\n']),
    ),
    max_size=40,
).map(b"".join)


@FUZZ
@given(jsonl_fragments)
def test_fuzz_jsonl_reader_never_crashes_and_keeps_every_record(data):
    items = list(bio.iter_jsonl_records(io.BytesIO(data), on_error="skip"))
    raw_lines = io.BytesIO(data).readlines()
    if raw_lines and raw_lines[0].startswith(bio.UTF8_BOM):
        raw_lines[0] = raw_lines[0][3:]
    assert len(items) == sum(1 for l in raw_lines if l.strip())
    for it in items:
        assert (it.lines is None) == (it.error is not None)
        if it.lines is not None:
            assert all(isinstance(l, str) for l in it.lines)
        out = bio.dump_record(bio.labelled_record(it, [None] * len(it.lines or [])))
        assert out.count("\n") == 1 and json.loads(out)["labels"] is not None or it.error
