"""The run's checkpoint: what ``claimcheck run --resume`` continues from.

While a run works, every finished input (an article with its labelled claims, or a skipped input)
is appended to ``OUT/.claimcheck-checkpoint.jsonl`` in input order and flushed at once, so a run
that is killed (Ctrl-C, a crash, SIGKILL, a reboot) loses at most the batches in flight. The first
line identifies the run (claimcheck version, inputs, model file hash, parameters); ``--resume``
refuses a checkpoint of a different run. The final outputs are always built from the checkpoint,
so an interrupted and resumed run writes the same bytes as an uninterrupted one. The checkpoint is
deleted once the outputs are written.

Each record names its *source* (the file or URL it was read from), and the first record of each
file read also holds the file's state just before it was read: size, modification and change
times, and the sha256 of its bytes. On resume, a source whose records are followed by records of a
later source is finished: it is not read again at all; the last source is read again and its
finished items are skipped. Before that, the checkpoint is checked against the inputs as they are
now: the sources are listed again (folders expanded, nothing read) and each finished file is
compared with its recorded state, hashing it only when its size or times differ, so resuming a
large run costs a stat per file. At the first source that was changed, removed, renamed or has a
new file before it, the checkpoint is cut: that source and every later one are processed again,
so the outputs are always those of the inputs as they are now (a fetched URL is not fetched again).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
from pathlib import Path
from typing import Iterator

from pipeline.errors import ClaimcheckError, OutputError
from pipeline.visible import json_visible

NAME = ".claimcheck-checkpoint.jsonl"
FORMAT = "claimcheck-checkpoint/2"
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")


def fingerprint(inputs, references, model_path, params: dict) -> dict:
    """What makes two runs the same run: inputs, model bytes, parameters, claimcheck version."""
    from pipeline import __version__

    h = hashlib.sha256()
    with open(model_path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    relevant = {k: v for k, v in params.items() if not k.startswith("_")}
    return {
        "format": FORMAT,
        "version": __version__,
        "inputs": [str(i) for i in inputs],
        "references": [str(r) for r in references],
        "model_sha256": h.hexdigest(),
        "params_sha256": hashlib.sha256(json.dumps(relevant, sort_keys=True, default=str).encode()).hexdigest(),
    }


def input_state(path: str) -> dict | None:
    """A file's size, mtime, ctime (ns) and sha256 (None if it cannot be read, or changed while being
    read); None for a URL or a path that is not a file."""
    if _URL.match(path):
        return None
    try:
        before = os.stat(path)
    except (OSError, ValueError):
        return None
    state = {"size": before.st_size, "mtime_ns": before.st_mtime_ns, "ctime_ns": before.st_ctime_ns, "sha256": None}
    try:
        state["sha256"] = _sha256(path)
        after = os.stat(path)
    except OSError:
        return state
    if (after.st_size, after.st_mtime_ns, after.st_ctime_ns) != (before.st_size, before.st_mtime_ns, before.st_ctime_ns):
        state["sha256"] = None  # written to meanwhile: never taken as unchanged
    return state


def _sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _unchanged(path: str, states: list[dict]) -> bool:
    """Whether the file at ``path`` still has the content of every recorded state (URLs always do)."""
    if _URL.match(path):
        return True
    if not states:
        return False
    try:
        now = os.stat(path)
    except (OSError, ValueError):
        return False
    digest = None
    for state in states:
        if (now.st_size, now.st_mtime_ns, now.st_ctime_ns) == (state.get("size"), state.get("mtime_ns"),
                                                               state.get("ctime_ns")):
            continue
        if digest is None:
            try:
                digest = _sha256(path)
            except OSError:
                return False
        if digest != state.get("sha256"):
            return False
    return True


class Finished(list):
    """The index of finished records that ``Checkpoint.start`` returns, bound to its checkpoint so
    that the resume plan can have each input's state recorded as it is read."""

    checkpoint: "Checkpoint | None" = None


def item_key(item) -> str:
    """Identifies an ingested item within its source: an article by id and place, a skip by path."""
    from pipeline.records import Article

    if isinstance(item, Article):
        return f"a\t{item.article_id}\t{item.path}\t{(item.meta or {}).get('line', '')}"
    return f"s\t{item.path}"


class Checkpoint:
    """Append-only record of finished inputs (see the module docstring)."""

    def __init__(self, path: Path, header: dict):
        self.path = Path(path)
        self.header = header
        self.fh = None
        self.pending = 0
        self._states: dict[str, dict] = {}  # source -> its state when read, until its first record

    # -- opening
    @classmethod
    def start(cls, out_dir: Path, header: dict, *, resume: bool) -> tuple["Checkpoint", list[dict]]:
        """Open the checkpoint of ``out_dir``: continue it (``resume``) or start a new one.

        Returns the checkpoint and, when resuming, the index of the finished records
        (``{"src", "key"}``, in order)."""
        path = Path(out_dir) / NAME
        cp = cls(path, header)
        done = Finished()
        try:
            if resume and path.is_file() and cp._has_header():
                done.extend(cp._recover())
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                with open(path, "w", encoding="utf-8") as fh:
                    fh.write(json.dumps({"checkpoint": header}, sort_keys=True) + "\n")
                    fh.flush()
                    os.fsync(fh.fileno())
            cp.fh = open(path, "a", encoding="utf-8")
        except OSError as exc:  # a full disk, a read-only folder: say which file
            raise OutputError(path, exc) from exc
        done.checkpoint = cp
        return cp, done

    def _has_header(self) -> bool:
        """False for a checkpoint killed before its first line was complete (then: start over)."""
        with open(self.path, "rb") as fh:
            return fh.readline().endswith(b"\n")

    def _recover(self) -> list[dict]:
        """Check the header, cut a half-written last line and the records of changed inputs, and
        index the finished records."""
        done, ends, good_end = [], [], 0
        with open(self.path, "rb") as fh:
            first = fh.readline()
            try:
                header = json.loads(first)["checkpoint"]
            except (ValueError, KeyError, TypeError):
                raise ClaimcheckError(f"{self.path}: not a claimcheck checkpoint; run without --resume to start over")
            if header != self.header:
                changed = sorted(k for k in set(header) | set(self.header) if header.get(k) != self.header.get(k))
                raise ClaimcheckError(
                    f"--resume: the unfinished run in {self.path.parent} used other "
                    f"{', '.join(changed)}; run without --resume to start over")
            good_end = fh.tell()
            for line in fh:
                if not line.endswith(b"\n"):
                    break  # killed while writing this line
                try:
                    rec = json.loads(line)
                except ValueError:
                    break
                done.append({"src": rec.get("src"), "key": rec["key"], "input": rec.get("input"),
                             "skipped": rec.get("skipped") if rec.get("src") is None else None})
                ends.append(good_end)
                good_end += len(line)
        keep = self._still_valid(done)
        if keep < len(done):
            good_end = ends[keep]
        with open(self.path, "r+b") as fh:
            fh.truncate(good_end)
        return [{"src": d["src"], "key": d["key"]} for d in done[:keep]]

    def _still_valid(self, done: list[dict]) -> int:
        """How many of the finished records (from the first) the inputs as they are now still give:
        their sources come in the same order, with the same content (see the module docstring)."""
        from pipeline.ingest import sources

        units = itertools.chain(sources(self.header.get("references") or []), sources(self.header.get("inputs") or []))
        i = 0
        while i < len(done):
            src, unit = done[i]["src"], next(units, None)
            if src is None:  # a bad path named on the command line, met again in its place
                skipped = done[i]["skipped"] or {}
                if isinstance(unit, str) or unit is None or (unit.path, unit.reason) != (skipped.get("path"),
                                                                                         skipped.get("reason")):
                    return i
                i += 1
                continue
            end = i
            while end < len(done) and done[end]["src"] == src:
                end += 1
            states = [d["input"] for d in done[i:end] if d["input"] is not None]
            if not isinstance(unit, str) or unit != src or not _unchanged(src, states):
                return i
            i = end
        return i

    def note(self, src: str) -> None:
        """Record the state of source ``src`` now, just before it is read (see ``input_state``)."""
        state = input_state(src)
        if state is not None:
            self._states[src] = state

    # -- writing
    def add(self, src: str | None, key: str, *, article: dict | None = None, claims=None,
            skipped: dict | None = None) -> None:
        rec = {"src": src, "key": key}
        if article is not None:
            rec.update(article=article, claims=claims or [])
        else:
            rec["skipped"] = skipped
        state = self._states.pop(src, None) if src is not None else None
        if state is not None:
            rec["input"] = state
        # json_visible: a name that is not UTF-8 (lone surrogates) is kept exactly, as JSON escapes
        line = json_visible(json.dumps(rec, ensure_ascii=False, sort_keys=True)) + "\n"
        try:
            self.fh.write(line)
            self.fh.flush()  # a killed process loses nothing written so far
        except OSError as exc:
            raise OutputError(self.path, exc) from exc
        self.pending += 1

    def sync(self) -> None:
        """Make the records written so far survive a power cut too (once per batch)."""
        if self.fh is not None and self.pending:
            try:
                os.fsync(self.fh.fileno())
            except OSError as exc:
                raise OutputError(self.path, exc) from exc
            self.pending = 0

    def close(self) -> None:
        if self.fh is not None:
            self.sync()
            self.fh.close()
            self.fh = None

    # -- reading
    def records(self) -> Iterator[dict]:
        """Every finished record, in input order (one in memory at a time)."""
        with open(self.path, encoding="utf-8") as fh:
            fh.readline()
            for line in fh:
                if line.endswith("\n"):
                    yield json.loads(line)

    def windows(self, size: int) -> tuple[list[tuple[int, int]], list[dict], int]:
        """Byte ranges of the records holding ``size`` articles each (skipped inputs in between go
        with the next window), the skipped records (``{"path", "reason"}``, in order), and the
        number of articles. One pass, nothing but the skips kept in memory."""
        ranges, skipped, articles, in_window = [], [], 0, 0
        with open(self.path, "rb") as fh:
            start = pos = len(fh.readline())
            for line in fh:
                if not line.endswith(b"\n"):
                    break
                # sort_keys: an article record starts so, and need not be parsed here
                is_article = line.startswith(b'{"article"')
                if not is_article:
                    rec = json.loads(line)
                    if rec.get("skipped") is not None:
                        skipped.append(rec["skipped"])
                    is_article = rec.get("article") is not None
                if is_article:
                    if in_window == size:
                        ranges.append((start, pos))
                        start, in_window = pos, 0
                    in_window += 1
                    articles += 1
                pos += len(line)
        if in_window:
            ranges.append((start, pos))
        return ranges, skipped, articles

    def remove(self) -> None:
        self.close()
        try:
            self.path.unlink()
        except OSError:
            pass


def read_window(path: str | Path, start: int, end: int) -> tuple[list[dict], list[dict]]:
    """The articles and their claims in bytes ``start:end`` of a checkpoint (see ``windows``)."""
    articles, claims = [], []
    with open(path, "rb") as fh:
        fh.seek(start)
        pos = start
        while pos < end:
            line = fh.readline()
            if not line:
                break
            pos += len(line)
            rec = json.loads(line)
            if rec.get("article") is not None:
                articles.append(rec["article"])
                claims.extend(rec["claims"])
    return articles, claims


class ResumePlan:
    """Which sources to read again and which items to skip, from the index of finished records."""

    def __init__(self, done: list[dict]):
        self.checkpoint = getattr(done, "checkpoint", None)
        last_src = done[-1]["src"] if done else None
        # a source followed by records of another source was read to the end
        self.finished_sources = {d["src"] for d in done if d["src"] is not None and d["src"] != last_src}
        # records that reading the inputs again will meet: loose skips (bad paths) and the last source's
        self.expected = [d for d in done if d["src"] is None or d["src"] == last_src]
        self.skipped_records = len(done) - len(self.expected)
        self.pos = 0
        self.total = len(done)

    def read_source(self, src: str) -> bool:
        """Whether ``src`` is to be read (it is, just after this returns True: its state is noted)."""
        if src in self.finished_sources:
            return False
        if self.checkpoint is not None:
            self.checkpoint.note(src)
        return True

    def is_done(self, key: str) -> bool:
        """True for the next finished item (in order); raises when the inputs changed."""
        if self.pos < len(self.expected):
            if self.expected[self.pos]["key"] != key:
                raise ClaimcheckError(
                    "--resume: the inputs changed since the interrupted run; run without --resume to start over")
            self.pos += 1
            return True
        return False
