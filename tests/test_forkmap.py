"""The finish's parallel map: same results as a plain map, errors raised here, serial when unsafe."""

import os
import threading

import pytest

from pipeline.forkmap import can_fork, fork_map



@pytest.fixture
def forkable():
    """Checked when the test runs: an earlier test may have left threads (a Dask cluster's)."""
    if not can_fork(2):
        pytest.skip("no fork start method, or other threads running")


needs_fork = pytest.mark.usefixtures("forkable")


@needs_fork
def test_same_results_in_order_from_other_processes():
    parent = os.getpid()
    out = fork_map(lambda x: (x * x, os.getpid() != parent), list(range(40)), 2)
    assert [v for v, _ in out] == [x * x for x in range(40)]
    assert any(other for _, other in out)  # the work really left this process


@needs_fork
def test_an_error_in_a_copy_is_raised_here():
    def fn(x):
        if x == 7:
            raise OSError(28, "No space left on device")
        return x

    with pytest.raises(OSError, match="No space left"):
        fork_map(fn, range(10), 2)


def test_runs_here_with_one_worker_or_other_threads():
    parent = os.getpid()
    assert fork_map(lambda x: os.getpid(), range(5), 1) == [parent] * 5
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not can_fork(2)
        assert fork_map(lambda x: os.getpid(), range(5), 2) == [parent] * 5
    finally:
        stop.set()
        thread.join()


@needs_fork
def test_forked_workers_die_on_sigterm_even_under_the_cli_handler():
    """The CLI turns SIGTERM into SystemExit; a forked worker must not inherit that (a worker
    blocked on its queue's lock would never run the handler, and the pool's end would hang)."""
    import signal

    def cli_handler(signum, frame):
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, cli_handler)
    try:
        seen = fork_map(lambda _: signal.getsignal(signal.SIGTERM) is signal.SIG_DFL, range(4), 2)
        assert seen == [True] * 4
        from pipeline.engines import LocalEngine

        assert LocalEngine(2).forks  # where fork exists, run's workers are forked too: same initializer
    finally:
        signal.signal(signal.SIGTERM, previous)
