"""A one-line progress display for long ``boilerline`` jobs (no dependency).

It shows documents and lines done and their rates, redrawn in place on standard error at
most every ``min_interval`` seconds, and stays silent when standard error is not a terminal
(logs and pipes get no carriage returns), unless forced on.
"""

from __future__ import annotations

import sys
import time
from typing import IO


def _si(x: float) -> str:
    for unit, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(x) >= scale:
            return f"{x / scale:.1f}{unit}"
    return f"{x:.0f}"


class Progress:
    """Documents and lines done, with documents/s and lines/s.

    Parameters
    ----------
    enabled : bool or None
        ``None`` (auto): on when ``stream`` is a terminal.
    stream : text stream, optional
        Where to draw (default ``sys.stderr``, looked up when drawing).
    min_interval : float
        Seconds between redraws.
    """

    def __init__(self, enabled: bool | None = None, stream: IO[str] | None = None, min_interval: float = 0.5):
        self._stream = stream
        if enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            try:
                enabled = bool(isatty and isatty())
            except (OSError, ValueError):
                enabled = False
        self.enabled = enabled
        self.min_interval = min_interval
        self.docs = 0
        self.lines = 0
        self.start = time.monotonic()
        self._last_draw = 0.0
        self._width = 0

    @property
    def stream(self) -> IO[str]:
        return self._stream if self._stream is not None else sys.stderr

    def text(self) -> str:
        """The status line, e.g. ``1.2k docs, 85.3k lines | 410 docs/s, 29.1k lines/s | 3s``."""
        elapsed = max(time.monotonic() - self.start, 1e-9)
        return (f"{_si(self.docs)} docs, {_si(self.lines)} lines | {_si(self.docs / elapsed)} docs/s, "
                f"{_si(self.lines / elapsed)} lines/s | {elapsed:.0f}s")

    def update(self, docs: int, lines: int) -> None:
        """Count ``docs`` more documents and ``lines`` more lines; redraw when due."""
        self.docs += docs
        self.lines += lines
        if self.enabled:
            now = time.monotonic()
            if now - self._last_draw >= self.min_interval:
                self._last_draw = now
                self._draw()

    def _draw(self, end: str = "") -> None:
        text = self.text()
        pad = " " * max(self._width - len(text), 0)
        self._width = len(text)
        try:
            self.stream.write("\r" + text + pad + end)
            self.stream.flush()
        except (OSError, ValueError):
            self.enabled = False

    def close(self) -> None:
        """Draw the final counts and end the line (nothing when disabled)."""
        if self.enabled:
            self._draw(end="\n")
            self.enabled = False
