"""Run outputs besides the HTML: claims CSV, summary, the articles side file, and the output folder
itself (its lock, and the staging folder that replaces it whole: :class:`OutputFolder`)."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import socket
import time
from collections import Counter
from pathlib import Path

from pipeline.errors import ClaimcheckError, OutputError
from pipeline.records import LABELS
from pipeline.visible import shown

CSV_FIELDS = (
    "claim_id", "article_id", "source", "story", "kind", "type", "label", "p_hedged", "p_supported",
    "p_overstated", "strength", "abstain", "reason", "design", "start_char", "end_char", "text", "cues", "numbers",
    "finding", "relation", "relation_basis", "reference_strength", "exceeds_cap", "number_flags",
)


def side_path(claims_path: str | Path) -> Path:
    """The articles side file that goes with a claims JSONL: ``X.jsonl`` -> ``X.articles.jsonl``."""
    p = Path(claims_path)
    stem = p.name[: -len(".jsonl")] if p.name.endswith(".jsonl") else p.name
    return p.with_name(stem + ".articles.jsonl")


def side_records(articles: list[dict], skipped: list[dict]) -> list[dict]:
    """Side-file lines: ``status`` ok for articles, skipped for inputs that failed."""
    return [dict(a, status="ok") for a in articles] + [
        {"status": "skipped", "path": s["path"], "reason": s["reason"]} for s in skipped
    ]


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A text cell that a spreadsheet will not run as a formula (untrusted article text), with
    invisible format characters shown as markers (pipeline.visible.shown)."""
    value = shown(value) if isinstance(value, str) else value
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_row(claim: dict) -> dict:
    """A claim flattened for the CSV."""
    proba = claim.get("proba") or {}
    row = {k: claim.get(k, "") for k in CSV_FIELDS}
    for label in LABELS:
        row[f"p_{label}"] = proba.get(label, "")
    row["cues"] = "; ".join(f"{c['label']}:{c['text']}" for c in claim.get("cues") or [])
    row["numbers"] = "; ".join(n["text"] for n in claim.get("numbers") or [])
    row["number_flags"] = "; ".join(f"{f.get('flag')}: {f.get('message')}" for f in claim.get("number_flags") or []
                                    if isinstance(f, dict))
    return {k: spreadsheet_safe(v) for k, v in row.items()}


def claims_csv(claims: list[dict]) -> str:
    """All claims as CSV text (header + one row a claim)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for claim in claims:
        writer.writerow(csv_row(claim))
    return buf.getvalue()


def summary(claims: list[dict], articles: list[dict], skipped: list[dict], model_card: dict | None = None) -> dict:
    """Counts per label and per source, and what was skipped; no timestamps or machine paths."""
    by_source: dict[str, Counter] = {}
    for c in claims:
        by_source.setdefault(c.get("source", ""), Counter())[c.get("label", "")] += 1
    return {
        "articles": len(articles),
        "claims": len(claims),
        "labels": {lab: sum(1 for c in claims if c.get("label") == lab) for lab in LABELS},
        "needs_review": sum(1 for c in claims if c.get("abstain")),
        "sources": {s: {lab: cnt.get(lab, 0) for lab in LABELS} for s, cnt in sorted(by_source.items())},
        "skipped": [{"path": s["path"], "reason": s["reason"]} for s in skipped],
        "model": {k: (model_card or {}).get(k) for k in ("versions", "training_data")} if model_card else {},
    }


# ---------------------------------------------------------------- the output folder of a run

# What a run writes into --out; everything else there is the user's and is kept.
REPORT_NAMES = frozenset({"index.html", "stories", "articles", "parts", "claims.jsonl", "claims.csv",
                          "claims.articles.jsonl", "summary.json", "claimreview.jsonld"})


class OutputBusy(ClaimcheckError):
    """Another run holds the output folder (``claimcheck run`` exits 2)."""

    exit_code = 2


class OutputFolderError(ClaimcheckError):
    """--out cannot be a run's output folder (``claimcheck run`` exits 2)."""

    exit_code = 2


_HELD: set[int] = set()  # lock file descriptors held by this process


def _forget_held() -> None:
    # A forked worker drops its copy of the lock: only the run itself holds the folder, so a worker
    # that outlived it could not keep the next run out.
    for fd in list(_HELD):
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_held)


class OutputFolder:
    """The folder a run writes (``--out``), whole or not at all.

    - ``lock``: an exclusive lock (``flock``) on ``.<name>.lock`` beside the folder, held for the
      whole run. It names the run that holds it (pid, start time, host); the kernel releases it
      when that process ends, however it ends, so a lock file left by a dead run never blocks.
    - ``staging``: the report is written into ``.<name>.staging-<pid>`` beside the folder, and
      ``publish`` swaps it in at the end: the folder holds the previous complete report or the new
      one, never a mix, and no page of an earlier run stays. Entries that are not the report's
      (``REPORT_NAMES``) move over to the new folder. The checkpoint stays in the folder until the
      swap, so ``--resume`` finds it after any failure.
    - ``recover``: what a killed run left beside the folder is undone (or removed) at the next start.
    """

    def __init__(self, out_dir: str | Path):
        self.given = Path(out_dir)
        self.path = Path(os.path.realpath(out_dir))  # a link to a folder: the folder itself
        self.name, self.parent = self.path.name, self.path.parent
        cwd = Path(os.path.realpath(os.getcwd()))
        if not self.name or self.path == cwd or self.path in cwd.parents:
            raise OutputFolderError(f"--out {out_dir}: the report replaces the whole folder, so it cannot be "
                                    "the current folder or one that holds it; name a folder of its own")
        if os.path.ismount(self.path):
            raise OutputFolderError(f"--out {out_dir}: a mount point cannot be replaced; name a folder inside it")
        self.lock_path = self.parent / f".{self.name}.lock"
        self._leftover = re.compile(rf"^\.{re.escape(self.name)}\.(staging|old)-\d+$")
        self.fd: int | None = None

    # -- the lock
    def lock(self, wait: bool = False, on_wait=None) -> None:
        """Take the folder for this run; ``OutputBusy`` naming the run that has it, or (``wait``)
        wait until it ends (``on_wait(message)`` first)."""
        try:
            import fcntl
        except ImportError:  # no flock here: runs are not kept apart
            return
        try:
            self.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(self.parent, exc) from exc
        while True:
            try:
                fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o666)
            except OSError as exc:
                raise OutputError(self.lock_path, exc) from exc
            try:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    message = f"{self.given} is in use by another claimcheck run ({self._holder(fd)})"
                    if not wait:
                        raise OutputBusy(f"{message}; wait for it to end, or add --wait to start "
                                         "when it has") from None
                    if on_wait is not None:
                        on_wait(f"{message}; waiting for it to end")
                    fcntl.flock(fd, fcntl.LOCK_EX)
                if not self._still_there(fd):  # the run we waited for removed its lock file: again
                    os.close(fd)
                    continue
            except BaseException:
                os.close(fd)
                raise
            break
        stamp = f"pid {os.getpid()}, started {time.strftime('%Y-%m-%d %H:%M:%S')} on {socket.gethostname()}\n"
        os.ftruncate(fd, 0)
        os.pwrite(fd, stamp.encode(), 0)
        self.fd = fd
        _HELD.add(fd)

    def _still_there(self, fd: int) -> bool:
        try:
            return os.fstat(fd).st_ino == os.stat(self.lock_path).st_ino
        except OSError:
            return False

    def _holder(self, fd: int) -> str:
        """Who holds the lock, from the lock file (just taken: its holder may not have written yet)."""
        for _ in range(20):
            text = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip()
            if text:
                return text.splitlines()[0]
            time.sleep(0.025)
        return "its pid not written yet"

    def unlock(self) -> None:
        """Let the folder go (the lock file goes too, while still held: a run waiting on it then
        sees that and takes a new one)."""
        if self.fd is None:
            return
        if self._still_there(self.fd):
            try:
                os.unlink(self.lock_path)
            except OSError:
                pass
        _HELD.discard(self.fd)
        os.close(self.fd)
        self.fd = None

    # -- staging and the swap
    def holds(self, path: str | Path) -> bool:
        """Whether ``path`` is part of the report in the folder, or of a staging or left-over folder
        beside it (never an input, even when the folder lies inside an input folder)."""
        real = Path(os.path.realpath(path))
        if real == self.path:
            return True
        if self.path in real.parents:
            return real.relative_to(self.path).parts[0] in REPORT_NAMES
        return self.parent in real.parents and bool(self._leftover.match(real.relative_to(self.parent).parts[0]))

    def staging(self) -> Path:
        """A new, empty staging folder for this run's report."""
        path = self.parent / f".{self.name}.staging-{os.getpid()}"
        try:
            if path.exists():
                self._remove(path)
            path.mkdir()
        except OSError as exc:
            raise OutputError(path, exc) from exc
        return path

    def publish(self, staging: Path) -> None:
        """Put the complete report in ``staging`` in the folder's place, in one step where the
        system can (else two renames, which ``recover`` completes after a crash between them)."""
        from pipeline.atomic import exchange, sync_folder

        try:
            if not self.path.is_dir():
                os.rename(staging, self.path)
                sync_folder(self.parent)
                return
            os.chmod(staging, os.stat(self.path).st_mode & 0o7777)
            moved = self._carry(self.path, staging)
            try:
                if exchange(staging, self.path):
                    old = staging
                else:
                    old = self.parent / f".{self.name}.old-{os.getpid()}"
                    os.rename(self.path, old)
                    os.rename(staging, self.path)
            except OSError:
                for name in moved:  # the user's entries go back where they were
                    os.rename(staging / name, self.path / name)
                raise
            sync_folder(self.parent)
        except OSError as exc:
            raise OutputError(self.given, exc) from exc
        self._remove(old)

    def discard(self, staging: Path) -> None:
        """Remove an unfinished staging folder (the folder itself was not touched)."""
        self._remove(staging)

    def recover(self) -> list[Path]:
        """Undo or remove what killed runs left beside the folder (call it holding the lock);
        returns what was found."""
        try:
            found = sorted((p for p in self.parent.iterdir() if self._leftover.match(p.name)),
                           key=lambda p: (".staging-" in p.name, p.name))  # a folder renamed aside first
        except OSError:
            return []
        for path in found:
            if not self.path.exists() and ".old-" in path.name:
                os.rename(path, self.path)  # killed between the two renames of a swap: the previous report
            else:
                self._remove(path)
        return found

    def _carry(self, src: Path, dst: Path) -> list[str]:
        """Move the entries of ``src`` that are not the report's into ``dst`` (where free)."""
        from pipeline.checkpoint import NAME

        moved = []
        for entry in sorted(os.listdir(src)):
            if entry in REPORT_NAMES or entry == NAME or _is_temp(entry) or os.path.lexists(dst / entry):
                continue
            os.rename(src / entry, dst / entry)
            moved.append(entry)
        return moved

    def _remove(self, folder: Path) -> None:
        """Delete a staging or left-over folder: the report's entries; anything else (the user's,
        moved there by a swap that was cut short) goes back to the output folder first."""
        import shutil

        from pipeline.checkpoint import NAME

        if folder.is_dir() and self.path.is_dir() and folder != self.path:
            self._carry(folder, self.path)
        for entry in os.listdir(folder):
            path = folder / entry
            if entry in REPORT_NAMES or entry == NAME or _is_temp(entry):
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    with contextlib.suppress(OSError):
                        path.unlink()
        with contextlib.suppress(OSError):
            folder.rmdir()  # not when something of the user's is still in it


def _is_temp(name: str) -> bool:
    from pipeline.atomic import _TEMP

    return bool(_TEMP.match(name))
