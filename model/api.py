"""Loading models: the shipped one, or any artifact a user trained."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np

from boilerline.features import N_BUCKETS, feature_names

from .classifier import LineClassifier
from .persist import ModelLoadError, load_artifact
from .recurrent import GRU_ARRAYS, gru_shapes, has_recurrent_stage

#: File name of the model shipped inside the package, and of its recorded checksum.
SHIPPED_MODEL = "boilerline-model.npz"
SHIPPED_CHECKSUM = "boilerline-model.sha256"
#: Arrays every artifact must hold.
REQUIRED_ARRAYS = ("s1_mean", "s1_scale", "s1_W0d", "s1_W0h", "s1_b0", "s1_W1", "s1_b1")


def shipped_model_path() -> Path:
    """Where the shipped model lives in this installation (it may be absent in a bare checkout)."""
    return Path(str(resources.files("boilerline.model").joinpath(SHIPPED_MODEL)))


def load_model(path: str | Path | None = None, expected_sha256: str | None = None) -> LineClassifier:
    """Load a line classifier.

    Parameters
    ----------
    path : str or Path, optional
        An artifact written by ``python -m boilerline.training train``.  By default, the model
        shipped with the package, whose checksum is verified first.
    expected_sha256 : str, optional
        The artifact's SHA-256 hex digest; when given, a file that does not match is refused
        (the shipped model's recorded digest is used by default).

    Returns
    -------
    LineClassifier

    Raises
    ------
    ModelLoadError
        When the file is missing, corrupted, holds pickled objects, or was made for other
        features or another artifact format.  Loading never runs code from the file.
    """
    expected = expected_sha256
    if path is None:
        path = shipped_model_path()
        checksum = path.with_name(SHIPPED_CHECKSUM)
        if not path.is_file():
            raise ModelLoadError(
                f"no shipped model at {path}; train one with `python -m boilerline.training train`"
            )
        if checksum.is_file() and expected is None:
            expected = checksum.read_text(encoding="ascii").split()[0]
    arrays, meta = load_artifact(path, expected_sha256=expected)
    _check_compatible(Path(path), arrays, meta)
    return LineClassifier(arrays, meta)


def _check_compatible(path: Path, arrays: dict, meta: dict) -> None:
    """Refuse artifacts whose features or array shapes differ from this code's."""
    names = tuple(meta["feature_names"])
    ours = feature_names()
    if names != ours:
        differ = sorted(set(names) ^ set(ours))[:5]
        raise ModelLoadError(
            f"model file {path} was trained on {len(names)} features, this boilerline computes "
            f"{len(ours)} (differing: {', '.join(differ) or 'order'}); retrain it with this version"
        )
    if meta["n_buckets"] != N_BUCKETS:
        raise ModelLoadError(f"model file {path} hashes tokens into {meta['n_buckets']} buckets, not {N_BUCKETS}")
    missing = [k for k in REQUIRED_ARRAYS if k not in arrays]
    if missing:
        raise ModelLoadError(f"model file {path} lacks arrays {', '.join(missing)}")
    n_labels, n_dense = len(meta["labels"]), len(names)
    shapes = {
        "s1_mean": (n_dense,),
        "s1_scale": (n_dense,),
        "s1_W0h": (N_BUCKETS, arrays["s1_W0d"].shape[1] if arrays["s1_W0d"].ndim == 2 else -1),
        "s1_W0d": (n_dense, arrays["s1_b0"].shape[0]),
        "s1_W1": (arrays["s1_b0"].shape[0], n_labels),
        "s1_b1": (n_labels,),
    }
    if "dec_T" in arrays:  # optional: the label transitions of the decoding step
        shapes["dec_T"] = (n_labels, n_labels)
    if has_recurrent_stage(arrays):  # a recurrent second stage: all of its arrays
        absent = [k for k in GRU_ARRAYS if k not in arrays] + [k for k in ("s2_mean", "s2_scale") if k not in arrays]
        if absent:
            raise ModelLoadError(f"model file {path} has a recurrent second stage without arrays {', '.join(absent)}")
        shapes |= gru_shapes(arrays, arrays["s2_mean"].shape[0], n_labels)
    for key, shape in shapes.items():
        if arrays[key].shape != shape:
            raise ModelLoadError(f"model file {path}: array {key} has shape {arrays[key].shape}, expected {shape}")
    if "dec_T" in arrays and not (np.isfinite(arrays["dec_T"]).all() and (arrays["dec_T"] > 0).all()):
        raise ModelLoadError(f"model file {path}: the label transitions (dec_T) must be finite and positive")
