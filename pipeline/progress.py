"""Progress of long runs on stderr: a bar with articles/s and ETA on a terminal, plain periodic
log lines otherwise (CI logs, ``2> run.log``), nothing with ``--quiet``.

The total is counted up front by :func:`count_inputs` (files in folders, lines of JSONL files,
read in blocks: bounded memory); without a total there is no ETA.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

BAR_WIDTH = 24
TTY_INTERVAL = 0.2  # seconds between redraws of the bar
LOG_INTERVAL = 30.0  # seconds between log lines when stderr is not a terminal
INTERVAL_ENV = "CLAIMCHECK_PROGRESS_INTERVAL"  # overrides LOG_INTERVAL (seconds)


def count_inputs(inputs, suffixes=(".html", ".htm", ".txt", ".md", ".jsonl"), exclude=()) -> int:
    """About how many items ``iter_inputs`` will yield (articles + skipped): one per file or URL,
    one per non-blank line of a JSONL file; folders in ``exclude`` (a run's own output folder
    inside an input folder) are not counted. Cheap; never raises."""
    skip = {os.path.realpath(p) for p in exclude}
    total = 0
    for raw in inputs:
        raw = str(raw)
        if "://" in raw:
            total += 1
            continue
        path = Path(raw)
        try:
            if path.is_dir():
                for root, dirs, files in os.walk(path):
                    dirs[:] = [d for d in dirs if not d.startswith(".")
                               and not (skip and os.path.realpath(os.path.join(root, d)) in skip)]
                    for name in files:
                        if not name.startswith(".") and Path(name).suffix.lower() in suffixes:
                            total += _count_file(Path(root) / name)
            else:
                total += _count_file(path)
        except OSError:
            total += 1
    return total


def _count_file(path: Path) -> int:
    if path.suffix.lower() != ".jsonl":
        return 1
    lines = 0
    try:
        with path.open("rb") as fh:
            for line in fh:
                if line.strip():
                    lines += 1
    except OSError:
        return 1
    return max(lines, 1)


def _env_interval() -> float:
    try:
        return max(0.0, float(os.environ.get(INTERVAL_ENV, LOG_INTERVAL)))
    except ValueError:
        return LOG_INTERVAL


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


class Progress:
    """Counts done items and shows the rate and ETA.

    ``mode``: "bar" (redrawn line, for a terminal), "log" (a line every ``interval`` seconds),
    or "off". The default picks "bar" when ``stream`` is a terminal, else "log"."""

    def __init__(self, total: int | None = None, *, stream=None, mode: str | None = None,
                 interval: float | None = None, label: str = "articles", clock=time.monotonic):
        self.stream = stream if stream is not None else sys.stderr
        if mode is None:
            isatty = getattr(self.stream, "isatty", None)
            mode = "bar" if isatty is not None and isatty() else "log"
        self.mode = mode
        self.total = total
        self.label = label
        self.clock = clock
        if interval is None:
            interval = TTY_INTERVAL if mode == "bar" else _env_interval()
        self.interval = interval
        self.done = 0
        self.started = clock()
        self.first = None  # (time, done) at the first update: the rate counts from there, so
        # loading spaCy and the model does not drag the rate (and the ETA) down
        # a log line only after ``interval`` (short runs stay silent); the bar at once
        self.last_shown = None if mode == "bar" else self.started
        self.shown = False
        self._width = 0
        self._lock = threading.Lock()

    def skip(self, n: int) -> None:
        """Items finished by an earlier run (``--resume``): counted, but not in the rate."""
        with self._lock:  # skips are counted by the thread that reads the inputs
            self.done += n
            if self.first is not None:
                self.first = (self.first[0], self.first[1] + n)

    def update(self, n: int = 1) -> None:
        """``n`` more items finished (call once per batch: the rate counts from the first call)."""
        now = self.clock()
        with self._lock:
            self.done += n
            if self.first is None:
                self.first = (now, self.done)
        if self.mode == "off":
            return
        if self.last_shown is None or now - self.last_shown >= self.interval:
            self.last_shown = now
            self._show(now)

    def rate(self, now: float | None = None) -> float:
        """Items per second since the first update (0 until there is a second)."""
        if self.first is None:
            return 0.0
        t0, n0 = self.first
        elapsed = (self.clock() if now is None else now) - t0
        return (self.done - n0) / elapsed if elapsed > 0 and self.done > n0 else 0.0

    def text(self, now: float | None = None) -> str:
        """The progress as one line (without the bar)."""
        now = self.clock() if now is None else now
        rate = self.rate(now)
        parts = [f"{self.done:,}" + (f"/{self.total:,}" if self.total else "") + f" {self.label}"]
        if self.total:
            parts.append(f"{min(100, 100 * self.done // max(self.total, 1))}%")
        if rate > 0:
            parts.append(f"{rate:.1f} {self.label}/s")
        if self.total and rate > 0 and self.done < self.total:
            parts.append(f"ETA {_duration((self.total - self.done) / rate)}")
        elif self.done:
            parts.append(f"elapsed {_duration(now - self.started)}")
        return ", ".join(parts)

    def _show(self, now: float) -> None:
        line = self.text(now)
        self.shown = True
        try:
            if self.mode == "bar":
                if self.total:
                    filled = min(BAR_WIDTH, BAR_WIDTH * self.done // max(self.total, 1))
                    line = "[" + "#" * filled + "." * (BAR_WIDTH - filled) + "] " + line
                pad = max(0, self._width - len(line))
                self._width = len(line)
                self.stream.write("\r" + line + " " * pad)
            else:
                self.stream.write(f"progress: {line}\n")
            self.stream.flush()
        except (OSError, ValueError):  # stderr closed: progress is not worth failing for
            self.mode = "off"

    def close(self, next_step: str = "") -> None:
        """Show the final state (and end the bar's line); then ``next_step``, if anything was shown."""
        if self.mode == "off":
            return
        now = self.clock()
        if self.shown:
            self._show(now)
            try:
                if self.mode == "bar":
                    self.stream.write("\n")
                if next_step:
                    self.stream.write(f"{next_step}...\n")
                self.stream.flush()
            except (OSError, ValueError):
                pass
        self.mode = "off"
