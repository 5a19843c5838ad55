"""Model artifacts: plain numpy arrays plus JSON metadata in one ``.npz`` file.

Loading never unpickles anything (``allow_pickle=False``), so a model file cannot run code.
The metadata carries a format version, the library versions that wrote it, the label list,
the feature names, the training data's hash and its scores; :func:`load_artifact` checks
them and fails with :class:`ModelLoadError` and a message saying what is wrong.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from .recurrent import has_recurrent_stage

#: Written into every artifact; bump when the array layout changes.
FORMAT_NAME = "boilerline-model"
#: Version 2 added the optional ``dec_T`` array (the decoding step's label transitions): a
#: reader of version 1 would ignore it and label differently without a word, so it is refused
#: there. Version 1 artifacts (no decoding) still load.
#: Version 3 added the optional recurrent second stage (the ``s2g_*`` arrays,
#: :mod:`boilerline.model.recurrent`), which a reader of version 2 would skip without a word;
#: an artifact without them is still written as version 2, which such a reader labels right.
FORMAT_VERSION = 3
#: The version written for artifacts without a recurrent second stage.
FORMAT_VERSION_WITHOUT_GRU = 2
SUPPORTED_FORMAT_VERSIONS = (1, 2, 3)
#: Key of the metadata inside the archive (a uint8 array holding UTF-8 JSON).
META_KEY = "__meta__"
#: Metadata fields every artifact must have.
REQUIRED_META = (
    "format",
    "format_version",
    "labels",
    "feature_names",
    "n_buckets",
    "layers",
    "versions",
    "training_data_hash",
    "scores",
)


class ModelLoadError(Exception):
    """A model file is missing, unreadable, corrupted or of an unsupported kind."""


def save_artifact(path: str | Path, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> str:
    """Write arrays and metadata to ``path``; return the file's SHA-256.

    Parameters
    ----------
    path : str or Path
    arrays : dict of str to ndarray
        Numeric arrays only (object arrays are refused, as loading them would need pickle).
    meta : dict
        JSON-serialisable metadata; ``format`` and ``format_version`` are filled in (the
        lowest version that holds these arrays).
    """
    for name, arr in arrays.items():
        if arr.dtype == object:
            raise ValueError(f"array {name!r} has dtype object; artifacts hold numeric arrays only")
    version = FORMAT_VERSION if has_recurrent_stage(arrays) else FORMAT_VERSION_WITHOUT_GRU
    meta = {**meta, "format": FORMAT_NAME, "format_version": version}
    blob = np.frombuffer(json.dumps(meta, sort_keys=True).encode("utf-8"), dtype=np.uint8)
    path = Path(path)
    with open(path, "wb") as fh:
        np.savez_compressed(fh, **{META_KEY: blob}, **arrays)
    return file_sha256(path)


def file_sha256(path: str | Path) -> str:
    """SHA-256 hex digest of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_artifact(path: str | Path, expected_sha256: str | None = None) -> tuple[dict[str, np.ndarray], dict]:
    """Read and check an artifact written by :func:`save_artifact`.

    Parameters
    ----------
    path : str or Path
    expected_sha256 : str, optional
        When given, the file's digest must match (the shipped model's is recorded beside it).

    Returns
    -------
    arrays : dict of str to ndarray
    meta : dict

    Raises
    ------
    ModelLoadError
        With a message naming the file and what is wrong with it.
    """
    path = Path(path)
    if not path.is_file():
        raise ModelLoadError(f"model file not found: {path}")
    if expected_sha256 is not None:
        actual = file_sha256(path)
        if actual != expected_sha256:
            raise ModelLoadError(
                f"model file {path} does not match its recorded checksum "
                f"(expected sha256 {expected_sha256}, got {actual}): it is corrupted or was replaced"
            )
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in npz.files}
    except ValueError as exc:
        # numpy raises ValueError when an array would need pickle to load.
        raise ModelLoadError(f"model file {path} holds pickled objects, which are refused: {exc}") from exc
    except (OSError, zipfile.BadZipFile, EOFError, KeyError) as exc:
        raise ModelLoadError(f"model file {path} is not a readable boilerline artifact ({exc})") from exc
    except Exception as exc:  # zlib.error, struct.error...: any decoding failure is a bad file.
        raise ModelLoadError(f"model file {path} is corrupted ({type(exc).__name__}: {exc})") from exc
    if META_KEY not in arrays:
        raise ModelLoadError(f"model file {path} has no boilerline metadata: not a boilerline model")
    try:
        meta = json.loads(arrays.pop(META_KEY).tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelLoadError(f"model file {path} has unreadable metadata ({exc})") from exc
    _check_meta(path, meta)
    return arrays, meta


def _check_meta(path: Path, meta: Any) -> None:
    if not isinstance(meta, dict):
        raise ModelLoadError(f"model file {path}: metadata is not a JSON object")
    missing = [key for key in REQUIRED_META if key not in meta]
    if missing:
        raise ModelLoadError(f"model file {path}: metadata lacks {', '.join(missing)}")
    if meta["format"] != FORMAT_NAME:
        raise ModelLoadError(f"model file {path} is a {meta['format']!r} file, not a {FORMAT_NAME!r}")
    if meta["format_version"] not in SUPPORTED_FORMAT_VERSIONS:
        raise ModelLoadError(
            f"model file {path} has format version {meta['format_version']}; this boilerline reads "
            f"versions {', '.join(map(str, SUPPORTED_FORMAT_VERSIONS))}: upgrade boilerline or retrain"
        )
    labels = meta["labels"]
    if not (isinstance(labels, list) and labels and all(isinstance(x, str) for x in labels)):
        raise ModelLoadError(f"model file {path}: label list is missing or malformed")
    if len(set(labels)) != len(labels):
        raise ModelLoadError(f"model file {path}: label list has duplicates")
