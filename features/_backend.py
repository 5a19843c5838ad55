"""Which implementation computes the per-character features (and the decoding and GRU loops of
labelling): compiled loops or numpy.

:mod:`boilerline.features._ccore` is an optional C extension (built at install time when a
compiler is available).  When it imports and ``BOILERLINE_PURE_PYTHON`` is not set, the
feature functions use it; otherwise they run the numpy code, which is the definition the
compiled loops are tested against.  Both give the same features.
"""

from __future__ import annotations

import os

#: Environment variable that, set to anything but "" or "0", selects the numpy implementation.
PURE_PYTHON_ENV = "BOILERLINE_PURE_PYTHON"

if os.environ.get(PURE_PYTHON_ENV, "") in ("", "0"):
    try:
        from . import _ccore as CORE
    except ImportError:  # not built (no compiler at install time): numpy it is
        CORE = None
else:
    CORE = None

#: The implementation in use: "c" (compiled loops) or "numpy".  The feature functions read
#: ``CORE`` on every call, so tests can switch implementations within one process.
BACKEND = "numpy" if CORE is None else "c"
