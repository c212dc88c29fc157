"""Atomic file writes: a reader sees the old complete file or the new one, never half of one."""

from __future__ import annotations

import contextlib
import errno
import functools
import json
import os
import re
import tempfile
from pathlib import Path

from pipeline.errors import OutputError
from pipeline.visible import json_visible

# Temp files are ".<target name>.<8 random characters>.tmp" beside the target (tempfile.mkstemp).
_TEMP = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")


@functools.lru_cache(maxsize=1)
def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _final_mode(path: Path) -> int:
    """The mode a plain ``open(path, "w")`` would give: the old file's, else 0o666 minus the umask."""
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        return 0o666 & ~_umask()


@contextlib.contextmanager
def atomic_open(path: str | Path, mode: str = "w", encoding: str | None = "utf-8", newline: str | None = None,
                durable: bool = True):
    """Open a temp file beside ``path``; rename it over ``path`` only if the block succeeds.

    ``durable``: also flush the file to disk before the rename, so it survives a power cut, not
    only a crash of this process. Pages that are rebuilt from the data files (the report's
    hundreds of article pages) skip it: one fsync each was a third of the report's writing time."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:  # a read-only place, a file where a folder should be, no space...
        raise OutputError(path, exc) from exc
    binary = "b" in mode
    try:
        with os.fdopen(fd, mode, encoding=None if binary else encoding, newline=None if binary else newline) as fh:
            yield fh
            try:
                fh.flush()
                # mkstemp makes the file private (0600); a report is meant to be read like any other file.
                os.fchmod(fh.fileno(), _final_mode(path))
                if durable:
                    os.fsync(fh.fileno())
            except OSError as exc:
                raise OutputError(path, exc) from exc
        try:
            os.replace(tmp, path)
        except OSError as exc:  # e.g. a folder in the way
            raise OutputError(path, exc) from exc
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise OutputError(path.parent, exc) from exc  # a write in the block: say which disk is full
        raise


def write_text(path: str | Path, text: str, durable: bool = True) -> None:
    """Write a whole text file atomically (``durable``: see ``atomic_open``)."""
    with atomic_open(path, durable=durable) as fh:
        fh.write(text)


def dumps(record) -> str:
    """One JSON line, stable across runs (sorted keys, no ASCII escaping but for invisible
    characters and lone surrogates: pipeline.visible.json_visible)."""
    return json_visible(json.dumps(record, ensure_ascii=False, sort_keys=True))


def write_jsonl(path: str | Path, records) -> int:
    """Write records as JSON lines atomically; returns how many."""
    n = 0
    with atomic_open(path) as fh:
        for record in records:
            fh.write(dumps(record) + "\n")
            n += 1
    return n


def write_json(path: str | Path, data) -> None:
    """Write pretty, key-sorted JSON atomically."""
    write_text(path, json_visible(json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2)) + "\n")


def remove_stale_temps(folder: str | Path) -> list[Path]:
    """Delete temp files that a killed run left in ``folder`` (not recursive); returns what was removed.

    Only names atomic_open makes (``.NAME.XXXXXXXX.tmp``) are touched. Call it before writing, not
    while another process writes into the same folder.
    """
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if _TEMP.match(entry.name) and entry.is_file(follow_symlinks=False):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return sorted(removed)


_RENAME_EXCHANGE = 2  # linux/fs.h
_AT_FDCWD = -100


def exchange(a: str | Path, b: str | Path) -> bool:
    """Swap two existing paths in one step (Linux ``renameat2(RENAME_EXCHANGE)``), so no reader
    ever finds ``b`` missing. False where the system or the file system cannot (the caller then
    renames twice); other failures raise ``OSError``."""
    import ctypes
    import errno
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        call = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # a C library older than glibc 2.28
        return False
    if call(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def sync_folder(folder: str | Path) -> None:
    """Make the renames in ``folder`` survive a power cut (where folders can be flushed)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
