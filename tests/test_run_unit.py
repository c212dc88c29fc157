"""A run is a unit of work: one run at a time on an output folder, which ends with the new complete
report or as it was (never a mix, never stale pages); workers end with their run; the report is
never read back as input; nothing is made for a refused model; a run in parts has a claimreview.jsonld."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

from test_resume import run_here, text, write_folder

ROOT = Path(__file__).resolve().parent.parent


def write_feed(path: Path, n: int, offset: int = 0) -> Path:
    """``n`` small articles in a JSONL file (no bad lines: a run over it exits 0)."""
    with path.open("w", encoding="utf-8") as fh:
        for i in range(offset, offset + n):
            fh.write(json.dumps({"id": f"a{i:04d}", "title": f"Report {i}", "source": f"Outlet {i % 3}",
                                 "text": text(i)}) + "\n")
    return path


def command(*args) -> list[str]:
    return [sys.executable, "-m", "pipeline", *map(str, args)]


def report(out: Path) -> dict[str, bytes]:
    """Every visible file of a report folder, by relative path."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(out).parts)}


def beside(out: Path) -> list[str]:
    """What a run keeps beside its output folder (the lock, a staging folder): nothing once it ended."""
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def wait_until(condition, timeout: float = 60, proc: subprocess.Popen | None = None) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if proc is not None and proc.poll() is not None:
            return False
        time.sleep(0.002)
    raise AssertionError("condition never met")


def lock_text(out: Path) -> str:
    try:
        return (out.parent / f".{out.name}.lock").read_text()
    except OSError:
        return ""


@pytest.fixture(scope="module")
def earlier(tmp_path_factory, tiny_model):
    """A complete report of 3 other articles: the state a failed run must leave."""
    work = tmp_path_factory.mktemp("earlier")
    run_here([write_folder(work / "old-in", 3)], work / "report", tiny_model[1], params=fast_params())
    return report(work / "report")


def fast_params():
    from pipeline.settings import load_params

    params = load_params()
    params["classify"]["encoder"] = False
    return params


def seed(out: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)


# ---------------------------------------------------------------- one run at a time


def test_a_second_run_on_the_same_out_is_refused_and_wait_waits(tmp_path, tiny_model):
    model = tiny_model[1]
    first, second = write_feed(tmp_path / "first.jsonl", 30), write_feed(tmp_path / "second.jsonl", 6, offset=50)
    out = tmp_path / "out"
    run_here([second], tmp_path / "expected", model, params=fast_params())
    a = subprocess.Popen(command("run", first, "--out", out, "--model", model, "--fast", "--quiet"),
                         cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_until(lambda: f"pid {a.pid}," in lock_text(out), proc=a), a.stderr.read()
        started = time.monotonic()
        b = subprocess.run(command("run", second, "--out", out, "--model", model, "--fast"),
                           cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert b.returncode == 2, b.stderr
        assert time.monotonic() - started < 5  # at once, without loading anything
        [line] = b.stderr.splitlines()
        assert line.startswith(f"Error: {out} is in use by another claimcheck run (pid {a.pid}, started ")
        assert "--wait" in line and b.stdout == ""
        c = subprocess.Popen(command("run", second, "--out", out, "--model", model, "--fast", "--wait"),
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        c_out, c_err = c.communicate(timeout=300)
        assert a.wait(timeout=300) == 0, a.stderr.read()
    finally:
        a.kill()
        a.wait()
        a.stderr.close()
    assert c.returncode == 0, c_err
    assert f"pid {a.pid}," in c_err and "waiting for it to end" in c_err
    assert c_out == f"{out / 'index.html'}\n"
    assert report(out) == report(tmp_path / "expected")  # the second run's report, nothing of the first's
    assert beside(out) == []  # the lock file goes with the run


def test_lock_of_a_dead_run_does_not_block_and_a_held_one_is_waited_for(tmp_path, tiny_model):
    import fcntl

    from pipeline.outputs import OutputBusy

    src = write_folder(tmp_path / "in", 2)
    out = tmp_path / "out"
    lock = tmp_path / ".out.lock"
    lock.write_text("pid 99999999, started 2001-01-01 00:00:00 on elsewhere\n")  # left by a killed run
    assert run_here([src], out, tiny_model[1], params=fast_params()).articles == 2
    assert not lock.exists()

    holder = os.open(lock, os.O_RDWR | os.O_CREAT)  # another run's lock (a lock is per open file)
    os.write(holder, b"pid 4242, started 2001-01-01 00:00:00 on elsewhere\n")
    fcntl.flock(holder, fcntl.LOCK_EX)
    before = report(out)
    released = threading.Timer(0.5, lambda: (os.unlink(lock), os.close(holder)))  # as a run ends
    try:
        with pytest.raises(OutputBusy, match=r"pid 4242, started 2001-01-01 00:00:00 on elsewhere"):
            run_here([write_folder(tmp_path / "other", 1)], out, tiny_model[1], params=fast_params())
        assert report(out) == before and not (out / ".claimcheck-checkpoint.jsonl").exists()
        notes = []
        released.start()
        done = run_here([write_folder(tmp_path / "other", 1)], out, tiny_model[1], params=fast_params(),
                        wait=True, on_note=notes.append)
    finally:
        if not released.is_alive() and not released.finished.is_set():
            os.close(holder)  # the timer never ran
        released.join()
    assert done.articles == 1 and "waiting for it to end" in notes[0] and "pid 4242" in notes[0]
    assert beside(out) == []


# ---------------------------------------------------------------- whole or absent


def test_disk_full_in_the_finish_leaves_the_previous_report_then_resume_writes_the_new(
        tmp_path, tiny_model, earlier, monkeypatch):
    import pipeline.atomic as atomic
    from pipeline.errors import OutputError

    model = tiny_model[1]
    src = write_folder(tmp_path / "in", 6)
    run_here([src], tmp_path / "expected", model, params=fast_params())
    out = tmp_path / "out"
    seed(out, earlier)
    real = atomic.atomic_open
    pages = []

    def full_disk(path, *args, **kwargs):
        if Path(path).parent.name == "articles":
            pages.append(path)
            if len(pages) == 3:  # index.html and two pages are written by now
                raise OutputError(path, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(atomic, "atomic_open", full_disk)
    with pytest.raises(OutputError) as caught:
        run_here([src], out, model, params=fast_params())
    message = str(caught.value)
    assert "No space left on device" in message and f"{out}/articles/" in message
    assert "staging" not in message and "--resume" in message
    assert report(out) == earlier  # the earlier report, whole: no new index.html over old pages
    assert beside(out) == []  # the staging folder is gone, and the lock
    assert (out / ".claimcheck-checkpoint.jsonl").is_file()  # the work is kept for --resume

    monkeypatch.setattr(atomic, "atomic_open", real)
    resumed = run_here([src], out, model, params=fast_params(), resume=True)
    assert resumed.resumed == 6
    assert report(out) == report(tmp_path / "expected")  # no page of the earlier run stays
    assert not any(p.name.startswith(".") for p in out.rglob("*")) and beside(out) == []


def test_a_failed_summary_write_changes_nothing(tmp_path, tiny_model, earlier, monkeypatch):
    """The last file of the finish fails: still nothing of the new report in --out."""
    import pipeline.atomic as atomic

    out = tmp_path / "out"
    seed(out, earlier)

    def write_json(path, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(atomic, "write_json", write_json)
    from pipeline.errors import OutputError

    with pytest.raises(OutputError, match=rf"^{out}/summary.json: cannot write \(No space left on device\)"):
        run_here([write_folder(tmp_path / "in", 2)], out, tiny_model[1], params=fast_params())
    assert report(out) == earlier and beside(out) == []


def new_index_written(out: Path) -> bool:
    """The finish has written a new index.html: in the staging folder (or, were there none, in --out)."""
    staged = [p / "index.html" for p in out.parent.glob(f".{out.name}.staging-*")]
    try:
        return any(p.is_file() for p in staged) or b"Report 149" in (out / "index.html").read_bytes()
    except OSError:
        return False


def test_sigint_during_the_finish_leaves_the_previous_report(tmp_path, tiny_model, earlier):
    """A real Ctrl-C, sent once the new index.html is written (in the staging folder)."""
    model = tiny_model[1]
    src = write_feed(tmp_path / "feed.jsonl", 150)
    out = tmp_path / "out"
    seed(out, earlier)
    for attempt in range(3):
        proc = subprocess.Popen(command("run", src, "--out", out, "--model", model, "--fast", "--quiet"),
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            reached = wait_until(lambda: new_index_written(out), timeout=120, proc=proc)
            proc.send_signal(signal.SIGINT)
            _, err = proc.communicate(timeout=60)
        finally:
            proc.kill()
            proc.wait()
        if reached and proc.returncode != 0:
            break
        seed_again = report(out) != earlier  # the run ended first: start again from the earlier report
        if seed_again:
            import shutil

            shutil.rmtree(out)
            seed(out, earlier)
    else:
        pytest.skip("the finish was always over before the signal came")
    assert proc.returncode == 130, err
    assert "Interrupted" in err
    assert report(out) == earlier
    assert beside(out) == []  # the staging folder is removed, the lock released
    assert (out / ".claimcheck-checkpoint.jsonl").is_file()


def test_publish_moves_the_users_files_over_and_recovers_a_swap_cut_short(tmp_path):
    from pipeline.outputs import OutputFolder

    out = tmp_path / "out"
    (out / "articles").mkdir(parents=True)
    (out / "articles" / "old.html").write_text("old page")
    (out / "index.html").write_text("old index")
    (out / "notes.txt").write_text("the user's")
    folder = OutputFolder(out)
    staging = folder.staging()
    (staging / "articles").mkdir()
    (staging / "articles" / "new.html").write_text("new page")
    (staging / "index.html").write_text("new index")
    folder.publish(staging)
    assert report(out) == {"articles/new.html": b"new page", "index.html": b"new index", "notes.txt": b"the user's"}
    assert beside(out) == []

    # killed between the two renames of a swap (where the file system cannot swap in one step)
    old = tmp_path / ".out.old-123"
    out.rename(old)
    (tmp_path / ".out.staging-123").mkdir()
    (tmp_path / ".out.staging-123" / "index.html").write_text("newer index")
    found = OutputFolder(out).recover()
    assert len(found) == 2 and beside(out) == []
    assert (out / "index.html").read_text() == "new index" and (out / "notes.txt").is_file()


def test_out_cannot_be_the_current_folder(tmp_path, monkeypatch):
    from pipeline.outputs import OutputFolder, OutputFolderError

    monkeypatch.chdir(tmp_path)
    for bad in (".", tmp_path, tmp_path.parent):
        with pytest.raises(OutputFolderError):
            OutputFolder(bad)


# ---------------------------------------------------------------- workers end with their run


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie has ended (its new parent may not reap it)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_workers_die_when_the_run_is_killed(tmp_path, tiny_model):
    src = write_feed(tmp_path / "feed.jsonl", 400)
    proc = subprocess.Popen(command("run", src, "--out", tmp_path / "out", "--model", tiny_model[1], "--fast",
                                    "--quiet", "--workers", "2"),
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert wait_until(lambda: len(children(proc.pid)) >= 2, timeout=120, proc=proc), proc.stderr.read()
        workers = children(proc.pid)
        time.sleep(0.3)  # at work
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(alive(p) for p in workers):
            time.sleep(0.05)
        left = [p for p in workers if alive(p)]
    finally:
        proc.kill()
        proc.wait()
        proc.stderr.close()
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert left == [], f"workers {left} outlived their run"


def test_forked_and_spawned_workers_are_tied_to_their_parent():
    from concurrent.futures import ProcessPoolExecutor

    from pipeline import forkmap

    pool, forked = forkmap.process_pool(2)
    try:
        assert pool.submit(os.getppid).result() == os.getpid()
    finally:
        pool.shutdown()
    assert forked and isinstance(pool, ProcessPoolExecutor)
    assert pool._initializer is forkmap.start_forked and pool._initargs == (os.getpid(),)
    pool, forked = forkmap.process_pool(2, fork=False, initializer=print, initargs=("x",))
    pool.shutdown()
    assert not forked and pool._initializer is forkmap.start_spawned
    assert pool._initargs == (os.getpid(), print, ("x",))


# ---------------------------------------------------------------- the report is not an input


def test_out_inside_an_input_folder_is_not_read_back(tmp_path, tiny_model):
    src = write_folder(tmp_path / "in", 3)
    out = src / "report"
    notes = []
    first = run_here([src], out, tiny_model[1], params=fast_params(), on_note=notes.append)
    again = run_here([src], out, tiny_model[1], params=fast_params(), on_note=notes.append)
    assert first.articles == again.articles == 3 and not again.skipped
    assert notes == [f"note: {out} is inside the input folder {src}: the report's own files are not read as inputs"] * 2
    from pipeline.progress import count_inputs

    assert count_inputs([src], exclude=[out]) == 3


def test_out_inside_an_input_folder_on_the_command_line(tmp_path, tiny_model):
    from click.testing import CliRunner

    from pipeline.cli import main

    src = write_folder(tmp_path / "in", 2)
    args = ["run", str(src), "--out", str(src / "report"), "--model", str(tiny_model[1]), "--fast"]
    CliRunner().invoke(main, args)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "is inside the input folder" in result.stderr and "2 articles" in result.stderr


# ---------------------------------------------------------------- minor


def test_a_refused_model_with_workers_makes_nothing(tmp_path):
    from pipeline.engines import LocalEngine
    from pipeline.errors import ModelError

    bad = tmp_path / "bad.skops"
    with zipfile.ZipFile(bad, "w") as zf:  # a zip, but no model inside
        zf.writestr("schema.json", "{}")
    out = tmp_path / "nested" / "out"
    with pytest.raises(ModelError):
        run_here([write_folder(tmp_path / "in", 2)], out, bad, params=fast_params(), engine=LocalEngine(2))
    assert not (tmp_path / "nested").exists()
    with pytest.raises(ModelError):
        run_here([tmp_path / "in"], tmp_path / "out", bad, params=fast_params(), engine=LocalEngine(2))
    assert not (tmp_path / "out").exists() and beside(tmp_path / "out") == []


def test_a_run_in_parts_has_a_claimreview_of_every_claim(tmp_path, tiny_model):
    from pipeline.claimreview import write_claimreview

    params = fast_params()
    params["run"] = {**(params.get("run") or {}), "window": 3}
    out = tmp_path / "out"
    result = run_here([write_folder(tmp_path / "in", 7)], out, tiny_model[1], params=params)
    assert result.articles == 7 and (out / "parts" / "0003" / "index.html").is_file()
    doc = json.loads((out / "claimreview.jsonld").read_text())
    claims = [json.loads(line) for line in (out / "claims.jsonl").read_text().splitlines()]
    articles = [json.loads(line) for line in (out / "claims.articles.jsonl").read_text().splitlines()]
    assert doc["@context"] == "https://schema.org"
    assert sorted(r["identifier"] for r in doc["@graph"]) == sorted(c["claim_id"] for c in claims)
    expected = []
    for number in (1, 2, 3):
        part = out / "parts" / f"{number:04d}"
        ids = {a["article_id"] for a in articles[(number - 1) * 3:number * 3]}
        mine = [c for c in claims if c["article_id"] in ids]
        # the part's own file, as write_claimreview writes it
        write_claimreview(tmp_path / "check.jsonld", mine, [a for a in articles if a["article_id"] in ids])
        assert (part / "claimreview.jsonld").read_bytes() == (tmp_path / "check.jsonld").read_bytes()
        for review in json.loads((part / "claimreview.jsonld").read_text())["@graph"]:
            expected.append(dict(review, url=f"parts/{number:04d}/{review['url']}"))
    assert doc["@graph"] == expected
    for review in doc["@graph"]:
        assert (out / review["url"].split("#")[0]).is_file()
