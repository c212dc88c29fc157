"""Crash safety: `claimcheck run` killed (SIGKILL) at several moments never leaves a half-written output.

The output folder is seeded with a complete earlier run on other inputs. While each run works, a
watcher reads every output file as soon as it changes, and after each kill the folder is read
again: it must hold exactly that earlier run's report or exactly the report a complete run of the
new inputs writes (the report is written in a staging folder beside it and swapped in whole).
Hidden files left behind (temp files, the checkpoint, a staging folder) start with "." and are
removed by the next run, which (with --resume) finishes the job with exactly the bytes of an
uninterrupted run.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

N_ARTICLES = 60

SUBJECTS = ["Green tea", "A daily walk", "Eating walnuts", "Vitamin D", "Cold showers", "Yoga", "Fish oil",
            "Dark chocolate", "Intermittent fasting", "Oat bran"]
OUTCOMES = ["blood pressure", "memory loss", "heart disease", "type 2 diabetes", "low mood", "joint pain"]


def article(i: int) -> str:
    """A small fictional article; ``i`` varies subject, outcome and numbers so every text differs."""
    s, o = SUBJECTS[i % len(SUBJECTS)], OUTCOMES[i % len(OUTCOMES)]
    return (f"{s} and {o}, report {i}\n\n"
            f"{s} may lower the risk of {o}, according to an observational study of {100 + i} adults. "
            f"The researchers said {s.lower()} cures {o} in every patient who tried it for {i % 9 + 2} weeks.\n\n"
            f"A randomised trial found that {s.lower()} was linked to a {i % 30 + 5}% drop in {o}. "
            f"Experts warned that the study was small and the results are preliminary.\n")


def write_inputs(folder: Path, n: int, offset: int = 0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"article-{i:03d}.txt").write_text(article(i + offset), encoding="utf-8")
    return folder


def start(inputs: Path, out: Path, model: Path, cwd: Path) -> subprocess.Popen:
    # CLAIMCHECK_DEBUG: the usual interpreter exit, whose teardown leaves a moment to kill the run
    # in after claims.jsonl is replaced (the quick exit ends it within milliseconds)
    return subprocess.Popen([sys.executable, "-m", "pipeline", "run", str(inputs), "--out", str(out),
                             "--model", str(model)], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, "CLAIMCHECK_DEBUG": "1"})


def snapshot(out: Path) -> dict[str, bytes]:
    """Every file under ``out`` (temp files included), by relative path."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def is_temp(name: str) -> bool:
    return Path(name).name.startswith(".")


def check_complete(files: dict[str, bytes]) -> None:
    """The whole-file checks a user would make by hand."""
    for name, data in files.items():
        if is_temp(name):
            continue
        text = data.decode("utf-8")
        if name.endswith(".jsonl"):
            for line in text.splitlines():
                json.loads(line)
            assert text == "" or text.endswith("\n"), name
        elif name.endswith(".json"):
            json.loads(text)
        elif name.endswith(".html"):
            assert text.rstrip().endswith("</html>"), name


def run_here(inputs: Path, out: Path, model: Path) -> None:
    """A complete run in this process (the model and spaCy are loaded once per test session)."""
    from pipeline.run import run
    from pipeline.settings import load_params

    run([str(inputs)], out, model_path=model, params=load_params())


@pytest.fixture(scope="module")
def setup(tmp_path_factory, tiny_model):
    """Inputs, the earlier run's outputs (seed) and the outputs of a complete run on the new inputs."""
    work = tmp_path_factory.mktemp("crash")
    model = tiny_model[1]
    new_inputs = write_inputs(work / "in", N_ARTICLES)
    seed, reference = work / "seed", work / "reference"
    run_here(write_inputs(work / "old-in", 3, offset=500), seed, model)
    run_here(new_inputs, reference, model)
    return work, model, new_inputs, snapshot(seed), snapshot(reference), seed


class Watcher:
    """Reads each visible output file whenever it changes during the run, as a user's viewer would.

    Files are replaced whole by rename, so every read must give the old or the new complete file;
    anything else (an empty or truncated file) is recorded in ``partial``.
    """

    def __init__(self, out: Path, old: dict[str, bytes], new: dict[str, bytes]):
        self.out, self.old, self.new = out, old, new
        self.seen: dict[str, tuple] = {}
        self.partial: list[str] = []
        self.looks = 0

    def look(self) -> None:
        self.looks += 1
        for path in self.out.rglob("*"):
            name = str(path.relative_to(self.out))
            if is_temp(name):
                continue
            try:
                info = path.stat()
                key = (info.st_ino, info.st_size, info.st_mtime_ns)
                if not path.is_file() or self.seen.get(name) == key:
                    continue
                data = path.read_bytes()
            except OSError:
                continue
            self.seen[name] = key
            if data not in (self.old.get(name), self.new.get(name)):
                self.partial.append(name)


def wait_for(proc: subprocess.Popen, out: Path, condition, watcher: Watcher | None = None,
             timeout: float = 120) -> bool:
    """Poll ``out`` until ``condition(out)`` holds; False if the run ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        if watcher is not None:
            watcher.look()
        try:
            if condition(out):
                return True
        except OSError:
            pass
        time.sleep(0.001)
    raise AssertionError("condition never met")


def hidden(out: Path) -> list[Path]:
    """Hidden files in the output folder and its articles/ folder (temp files, a checkpoint)."""
    return [p for folder in (out, out / "articles") if folder.is_dir() for p in folder.iterdir()
            if p.name.startswith(".")]


def any_hidden_file(out: Path) -> bool:
    return bool(hidden(out))


def work_under_way(out: Path) -> bool:
    """Some tens of kilobytes of finished work sit in a hidden file (a checkpoint or a temp output)."""
    return any(p.stat().st_size > 20_000 for p in hidden(out))


def staged(out: Path) -> list[Path]:
    """Where the new report is being written: the staging folders beside ``out``, then ``out``."""
    return sorted(out.parent.glob(f".{out.name}.staging-*")) + [out]


def page_replaced(old: dict[str, bytes], new: dict[str, bytes]):
    """True once some article page holds the new run's bytes: the report is being written."""
    def condition(out: Path) -> bool:
        return any(new.get(f"articles/{p.name}") not in (None, old.get(f"articles/{p.name}"))
                   and p.read_bytes() == new[f"articles/{p.name}"]
                   for place in staged(out) if (place / "articles").is_dir() for p in (place / "articles").iterdir())
    return condition


def replaced(name: str, reference: dict[str, bytes]):
    """True once ``name`` holds the new run's bytes (in the staging folder or the output folder)."""
    def condition(out: Path) -> bool:
        return any((place / name).is_file() and (place / name).read_bytes() == reference[name]
                   for place in staged(out))
    return condition


def visible(files: dict[str, bytes]) -> dict[str, bytes]:
    return {name: data for name, data in files.items() if not is_temp(name)}


def check_old_or_new(after: dict[str, bytes], old: dict[str, bytes], new: dict[str, bytes]) -> None:
    check_complete(after)
    for name, data in visible(after).items():
        assert data in (old.get(name), new.get(name)), f"{name} is neither the old nor the new complete file"
    assert visible(after) in (visible(old), visible(new))  # the whole earlier report or the whole new one


def stop(proc: subprocess.Popen, out: Path, condition, sig, watcher: Watcher) -> bool:
    """Send ``sig`` once ``condition(out)`` holds; whether that moment came before the run ended
    (a run that ended on its own between the poll and the signal exits 0: the signal came late)."""
    try:
        reached = wait_for(proc, out, condition, watcher)
        proc.send_signal(sig)
        proc.wait(timeout=60)
    finally:
        proc.kill()
        proc.wait(timeout=60)
        proc.stderr.close()
    return reached and proc.returncode != 0


def test_killed_runs_leave_old_or_new_complete_files_and_a_rerun_finishes(setup, tmp_path):
    """Stopped four times in a row on the same folder (SIGTERM once, then SIGKILL), then run to the end."""
    work, model, inputs, old, new, seed = setup
    out = tmp_path / "out"
    shutil.copytree(seed, out)
    moments = [(signal.SIGTERM, "run under way", any_hidden_file),
               (signal.SIGKILL, "work under way", work_under_way),
               (signal.SIGKILL, "report pages being written", page_replaced(old, new)),
               (signal.SIGKILL, "claims.jsonl replaced", replaced("claims.jsonl", new))]
    seen = []
    for sig, moment, condition in moments:
        before = snapshot(out)
        proc = start(inputs, out, model, work)
        watcher = Watcher(out, old, new)
        reached = stop(proc, out, condition, sig, watcher)
        assert watcher.partial == [], (moment, watcher.partial)  # a reader saw a half-written file
        after = snapshot(out)
        check_old_or_new(after, old, new)
        seen.append(reached)
        if not reached:  # the run ended before the poll saw the moment (a busy machine): state checked all the same
            continue
        if sig == signal.SIGTERM:
            # Unwinds like Ctrl-C: unfinished outputs are discarded (no temp files), finished ones kept.
            assert proc.returncode == 128 + signal.SIGTERM, moment
            assert visible(after) == visible(before), moment
            assert not [name for name in after if name.endswith(".tmp")], moment
        else:
            assert proc.returncode == -signal.SIGKILL, moment
    print("moments reached:", seen)
    assert sum(seen) >= 3, seen  # else the kills hit nothing worth checking

    rerun = subprocess.run([sys.executable, "-m", "pipeline", "run", str(inputs), "--out", str(out), "--model",
                            str(model), "--resume"], cwd=work, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    final = snapshot(out)
    assert not [name for name in final if is_temp(name)]  # stale temp files and the checkpoint are gone
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]  # and staging folders, the lock
    for name, data in new.items():
        assert final[name] == data, name
    assert set(final) == set(new)  # no page of the earlier run stays


def test_outputs_are_readable_like_any_file(setup):
    """Temp files are created private (0600); the renamed outputs get the usual umask-based mode."""
    *_, seed = setup
    umask = os.umask(0)
    os.umask(umask)
    for path in [seed / "index.html", seed / "claims.jsonl", *sorted((seed / "articles").iterdir())]:
        assert path.stat().st_mode & 0o777 == 0o666 & ~umask, path


def test_stale_temp_files_are_removed_at_start_and_others_kept(tmp_path):
    from pipeline.atomic import remove_stale_temps

    (tmp_path / "articles").mkdir()
    stale = [tmp_path / ".claims.jsonl.k2j_9xq1.tmp", tmp_path / "articles" / ".abc.html.zz00zz00.tmp"]
    keep = [tmp_path / ".hidden", tmp_path / "notes.tmp", tmp_path / ".claims.jsonl.partial",
            tmp_path / "claims.jsonl"]
    for path in stale + keep:
        path.write_text("x")
    assert remove_stale_temps(tmp_path) == [stale[0]]
    assert remove_stale_temps(tmp_path / "articles") == [stale[1]]
    assert all(p.exists() for p in keep) and not any(p.exists() for p in stale)
    assert remove_stale_temps(tmp_path / "missing") == []
