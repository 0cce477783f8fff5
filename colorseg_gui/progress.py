"""Progress lines on a terminal's stderr: one input's iterations, or a whole batch's bar.

Hand-written rather than tqdm (measured: 4.70.1 would add 230 kB of .pyc, about 110 kB
compressed in the bundle's archive, of the 3 MB left): what we draw is one line (files done /
total, elapsed, ETA, the file being worked on) redrawn by the loop that already waits on the
workers, and the window shows the same figures in its own widgets; tqdm would bring a
monitor thread and a format we would override field by field, for about sixty lines.
"""

from __future__ import annotations

import shutil
import time
from typing import TextIO

from colorseg_gui.engine import KMeansStep

REDRAW_SECONDS = 0.1  # many small files finish faster than a terminal needs to be redrawn


def clock(seconds: float) -> str:
    """0:07, 12:30, 1:02:03."""
    s = int(seconds + 0.5)
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class _Line:
    """One self-overwriting line; clear() before anything else is written to the terminal."""

    def __init__(self, stream: TextIO) -> None:
        self.stream, self.width = stream, 0

    def show(self, line: str) -> None:
        columns = shutil.get_terminal_size((80, 24)).columns - 1
        if len(line) > columns:
            line = line[: max(0, columns - 1)] + "…" if self._utf8() else line[:columns]
        self.stream.write("\r" + line.ljust(self.width))
        self.width = len(line)
        self.stream.flush()

    def clear(self) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0

    def _utf8(self) -> bool:
        return (getattr(self.stream, "encoding", None) or "").lower().replace("-", "") == "utf8"


class StepProgress(_Line):
    """One input: its iteration, J and how many pixels changed cluster."""

    def __init__(self, stream: TextIO, name: str) -> None:
        super().__init__(stream)
        self.name = name

    def __call__(self, step: KMeansStep) -> None:
        self.show(f"{self.name}: iteration {step.iteration}, J = {step.inertia:.6g}, "
                  f"{step.changed} px changed")


class BatchProgress(_Line):
    """Many inputs: a bar of files done / total, elapsed, ETA and the newest file started."""

    BAR = 24

    def __init__(self, stream: TextIO, total: int) -> None:
        super().__init__(stream)
        self.total, self.done = total, 0
        self.start = time.monotonic()
        self.running: list[str] = []
        self._drawn_at = 0.0

    def started(self, name: str) -> None:
        self.running.append(name)
        self.draw()

    def finished(self, name: str) -> None:
        self.done += 1
        if name in self.running:
            self.running.remove(name)
        self.draw()

    def line(self, now: float | None = None) -> str:
        elapsed = (time.monotonic() if now is None else now) - self.start
        fill = self.BAR * self.done // max(1, self.total)
        full, empty = ("█", "░") if self._utf8() else ("#", "-")
        eta = "ETA --:--"
        if self.done:
            eta = f"ETA {clock(elapsed / self.done * (self.total - self.done))}"
        current = self.running[-1] if self.running else ""
        return (f"{self.done}/{self.total} {full * fill}{empty * (self.BAR - fill)} "
                f"{100 * self.done // max(1, self.total)}%  {clock(elapsed)} elapsed, {eta}"
                + (f"  {current}" if current else ""))

    def draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._drawn_at >= REDRAW_SECONDS or self.done == self.total:
            self._drawn_at = now
            self.show(self.line(now))
