"""The hand-labelling tool (``python -m boilerline.training label``): checks and appends pages."""

from __future__ import annotations

import pytest

from boilerline.training.devset import line_sha1, read_handlabels
from boilerline.training.handlabel import SHORT_LABELS, append_page, parse_label_file

HEADER = "doc_id\tline_no\tline_sha1\tlabel\n"


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_short_and_full_labels_comments_and_extra_columns(tmp_path):
    f = _write(tmp_path / "l.tsv", "# a comment\n0\thl\n\n1\tbody\tany note\n2\tcomment widget\n")
    assert parse_label_file(f, 3) == ["headline", "body", "comment widget"]


def test_every_short_label_maps_to_a_label():
    from boilerline.model.labels import LABELS

    assert sorted(SHORT_LABELS.values()) == sorted(LABELS)


@pytest.mark.parametrize("text, message", [
    ("0\thl\n", "missing [1]"),
    ("0\thl\n1\tbody\n2\toth\n", "out of range [2]"),
    ("0\thl\n0\tbody\n", "labelled twice"),
    ("0\theadlines\n1\tbody\n", "is not one of"),
    ("zero\thl\n1\tbody\n", "not an integer"),
    ("0 hl\n1\tbody\n", "expected 'line_no<TAB>label'"),
])
def test_bad_label_files_name_the_problem(tmp_path, text, message):
    f = _write(tmp_path / "l.tsv", text)
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_label_file(f, 2)


def test_append_page_round_trips_and_refuses_a_page_twice(tmp_path):
    tsv = _write(tmp_path / "dev.tsv", HEADER)
    lines = ["Un titre - Site", "Le premier paragraphe de l'article.", "Aucun commentaire"]
    labels = ["headline", "body", "comment widget"]
    assert append_page("a/page.html.gz", lines, labels, tsv) == 3
    assert read_handlabels(tsv) == {"a/page.html.gz": [(line_sha1(x), y) for x, y in zip(lines, labels)]}
    assert "Le premier" not in tsv.read_text(encoding="utf-8")  # ids and hashes only, no text
    with pytest.raises(ValueError, match="already in"):
        append_page("a/page.html.gz", lines, labels, tsv)
    with pytest.raises(ValueError, match="2 lines but 3 labels"):
        append_page("b/page.html.gz", lines[:2], labels, tsv)
    assert len(read_handlabels(tsv)) == 1  # the refused pages left the file as it was


def test_append_page_starts_a_missing_tsv_with_its_header(tmp_path):
    tsv = tmp_path / "second.tsv"
    assert append_page("a/page.html.gz", ["Title", "Text."], ["headline", "body"], tsv) == 2
    assert tsv.read_text(encoding="utf-8").startswith(HEADER)
    assert append_page("b/page.html.gz", ["Other"], ["other"], tsv) == 1
    assert list(read_handlabels(tsv)) == ["a/page.html.gz", "b/page.html.gz"]


@pytest.mark.parametrize("argv", [
    ["label", "add", "--tsv", "T.tsv", "DOC", "L.tsv"],
    ["label", "--tsv", "T.tsv", "add", "DOC", "L.tsv"],
    ["label", "add", "DOC", "L.tsv", "--tsv", "T.tsv"],
])
def test_label_options_may_come_anywhere(argv):
    from boilerline.training.__main__ import _parse, build_parser

    args = _parse(build_parser("label"), argv, "label")
    assert (args.command, args.action, args.doc_id, str(args.labels), str(args.tsv)) == \
        ("label", "add", "DOC", "L.tsv", "T.tsv")


def test_a_folder_of_tsvs_reads_as_one_and_refuses_a_page_in_two_files(tmp_path):
    first = _write(tmp_path / "round1.tsv", HEADER + f"a/page.html.gz\t0\t{line_sha1('x')}\tbody\n")
    _write(tmp_path / "round2.tsv", HEADER + f"b/page.html.gz\t0\t{line_sha1('y')}\tother\n")
    assert read_handlabels(tmp_path) == {"a/page.html.gz": [(line_sha1("x"), "body")],
                                         "b/page.html.gz": [(line_sha1("y"), "other")]}
    _write(tmp_path / "round3.tsv", first.read_text(encoding="utf-8"))
    with pytest.raises(ValueError, match="also labelled in another file"):
        read_handlabels(tmp_path)
