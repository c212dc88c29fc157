"""A parallel map over forked copies of this process, for the finish of a run with ``--workers`` > 1.

Comparing stories and rendering the report need every article of a window, so they run after the
worker processes are done; forked copies share what this process already holds (articles, claims,
templates) without sending or loading it again. Where forking is not safe (no ``fork`` start
method, or other threads running) the map runs here, with the same results.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from typing import Callable, Iterable

PR_SET_PDEATHSIG = 1  # linux/prctl.h
PARENT_POLL = 0.5  # seconds between checks of the parent, where the kernel cannot watch it

_TASK: tuple | None = None  # (function, items) of the map in progress, inherited by the forked copies


def _call(index: int):
    fn, items = _TASK
    return fn(items[index])


def can_fork(workers: int) -> bool:
    """Whether :func:`fork_map` would use ``workers`` processes."""
    return (workers > 1 and "fork" in multiprocessing.get_all_start_methods()
            and threading.active_count() == 1)


def fork_map(fn: Callable, items: Iterable, workers: int) -> list:
    """``[fn(x) for x in items]``, in order, computed by ``workers`` forked processes when
    :func:`can_fork` (the results come back pickled; an exception is raised here), else here."""
    global _TASK
    items = list(items)
    if len(items) < 2 or not can_fork(workers):
        return [fn(x) for x in items]
    _TASK = (fn, items)
    try:
        pool = multiprocessing.get_context("fork").Pool(min(workers, len(items)), initializer=start_forked,
                                                        initargs=(os.getpid(),))
        try:
            out = pool.map(_call, range(len(items)), chunksize=max(1, len(items) // (8 * workers)))
        except BaseException:
            pool.terminate()
            raise
        pool.close()  # the workers end when the queue is empty: no signal needed
        pool.join()
        return out
    finally:
        _TASK = None


def default_sigterm() -> None:
    """In a forked worker: SIGTERM kills again. The CLI's handler (raise ``SystemExit``) would be
    inherited, and Python runs a handler only between bytecodes: a worker already blocked on its
    task queue's lock when the signal came would wait there for ever, and its parent with it."""
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def die_with_parent(parent: int) -> None:
    """In a worker: end when ``parent`` ends, however it ends. A worker outlives a parent killed by
    SIGKILL (which no handler sees) and then waits on its task pipe for ever, since it holds that
    pipe's other end itself. On Linux the kernel sends it SIGKILL (``PR_SET_PDEATHSIG``); elsewhere
    a thread checks every ``PARENT_POLL`` seconds whether it has been handed to another parent."""
    import signal

    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0:
                if os.getppid() != parent:  # it died before the call: no signal will come
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass
    threading.Thread(target=_watch_parent, args=(parent,), name="claimcheck-parent-watch", daemon=True).start()


def _watch_parent(parent: int) -> None:
    import signal
    import time

    while os.getppid() == parent:
        time.sleep(PARENT_POLL)
    os.kill(os.getpid(), signal.SIGKILL)


def start_forked(parent: int) -> None:
    """First thing in a forked worker: SIGTERM kills again (``default_sigterm``), and the worker
    ends with ``parent`` (``die_with_parent``)."""
    default_sigterm()
    die_with_parent(parent)


def start_spawned(parent: int, initializer=None, initargs=()) -> None:
    """First thing in a spawned worker: it ends with ``parent``, then runs ``initializer``."""
    die_with_parent(parent)
    if initializer is not None:
        initializer(*initargs)


def process_pool(workers: int, *, fork: bool = True, initializer=None, initargs=()):
    """``(pool, forked)``: a ``ProcessPoolExecutor`` of ``workers`` forked copies of this process
    when ``fork`` and :func:`can_fork` (SIGTERM back to its default in them), else of spawned
    processes, which run ``initializer(*initargs)`` first. Either kind ends with this process."""
    from concurrent.futures import ProcessPoolExecutor

    if fork and can_fork(workers):
        return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                   initializer=start_forked, initargs=(os.getpid(),)), True
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=start_spawned, initargs=(os.getpid(), initializer, initargs)), False
