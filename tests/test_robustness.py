"""Robustness of the shipped model: checksum, determinism across processes, odd inputs."""

import hashlib
import json
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boilerline.model import ModelLoadError, load_model
from boilerline.model.api import SHIPPED_CHECKSUM, shipped_model_path


def test_shipped_model_matches_its_recorded_checksum():
    path = shipped_model_path()
    recorded = path.with_name(SHIPPED_CHECKSUM).read_text(encoding="ascii").split()[0]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == recorded
    load_model()  # verifies the checksum itself


def test_a_wrong_checksum_is_refused():
    with pytest.raises(ModelLoadError, match="checksum"):
        load_model(shipped_model_path(), expected_sha256="0" * 64)


_PROBE = """
import hashlib, json, sys
from boilerline.model import load_model
docs = json.loads(sys.stdin.read())
clf = load_model()
out = [clf.predict_proba(d).round(5).tobytes() for d in docs]
print(hashlib.sha256(b"".join(out)).hexdigest(), json.dumps([clf.predict(d) for d in docs]))
"""


def test_same_input_same_labels_in_separate_processes(labelled_pages):
    docs = [lines for lines, _ in labelled_pages.values()]
    runs = {
        subprocess.run([sys.executable, "-c", _PROBE], input=json.dumps(docs), capture_output=True,
                       text=True, check=True, env={"PYTHONHASHSEED": str(seed), "PATH": ""}).stdout
        for seed in (1, 2)
    }
    assert len(runs) == 1
    clf = load_model()
    assert json.loads(runs.pop().split(" ", 1)[1]) == [clf.predict(d) for d in docs]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=300), max_size=40))
def test_any_strings_get_one_valid_label_each(lines):
    clf = load_model()
    labels = clf.predict(lines)
    assert len(labels) == len(lines)
    for line, label in zip(lines, labels):
        assert (label is None) == (not line.strip())
        assert label is None or label in clf.labels
    P = clf.predict_proba(lines)
    assert P.shape == (len(lines), len(clf.labels)) and np.isfinite(P).all()
