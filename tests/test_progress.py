"""Progress on stderr (bar on a terminal, log lines otherwise, nothing with --quiet) and a quick start-up."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.progress import Progress, count_inputs

ROOT = Path(__file__).resolve().parent.parent


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


class Tty(io.StringIO):
    def isatty(self):
        return True


def test_terminal_gets_a_bar_with_rate_and_eta():
    clock, out = Clock(), Tty()
    p = Progress(100, stream=out, clock=clock)
    assert p.mode == "bar"
    clock.now += 30  # loading spaCy and the model: not counted in the rate
    p.update(10)
    clock.now += 10
    p.update(20)  # 20 articles in 10 s since the first batch
    line = out.getvalue().split("\r")[-1]
    assert "[" in line and "30/100 articles" in line and "30%" in line
    assert "2.0 articles/s" in line and "ETA 35s" in line
    p.close()
    assert out.getvalue().endswith("\n")


def test_bar_redraws_at_most_every_fifth_of_a_second():
    clock, out = Clock(), Tty()
    p = Progress(1000, stream=out, clock=clock)
    for _ in range(50):
        p.update(1)
        clock.now += 0.01
    assert out.getvalue().count("\r") <= 4


def test_log_lines_when_not_a_terminal_and_silent_for_short_runs():
    clock, out = Clock(), io.StringIO()
    p = Progress(50, stream=out, clock=clock, interval=30)
    assert p.mode == "log"
    p.update(5)
    clock.now += 5
    p.update(5)
    assert out.getvalue() == ""  # a run shorter than the interval prints no progress at all
    clock.now += 30
    p.update(10)
    assert out.getvalue() == "progress: 20/50 articles, 40%, 0.4 articles/s, ETA 1m10s\n"
    p.close()
    assert out.getvalue().splitlines()[-1].startswith("progress: 20/50 articles, 40%")


def test_resumed_items_count_but_not_in_the_rate():
    clock, out = Clock(), Tty()
    p = Progress(100, stream=out, clock=clock)
    p.skip(60)
    p.update(4)
    clock.now += 4
    p.update(4)
    assert "68/100" in p.text() and "1.0 articles/s" in p.text() and "ETA 32s" in p.text()


def test_unknown_total_has_no_eta():
    clock = Clock()
    p = Progress(None, stream=io.StringIO(), clock=clock)
    p.update(3)
    clock.now += 1
    p.update(3)
    assert p.text() == "6 articles, 3.0 articles/s, elapsed 1s"


def test_count_inputs(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_text("x")
    (tmp_path / "a" / "two.html").write_text("<p>x</p>")
    (tmp_path / "a" / "skip.pdf").write_text("x")
    (tmp_path / "a" / ".hidden.txt").write_text("x")
    (tmp_path / "feed.jsonl").write_text('{"text": "a"}\n\n{"text": "b"}\n{"text": "c"}')
    assert count_inputs([tmp_path / "a", tmp_path / "feed.jsonl", "https://example.org/x", tmp_path / "nope.txt"]) == 7


def cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, **kw)


def test_help_is_quick_and_imports_nothing_heavy():
    for args in (["--help"], ["run", "--help"], ["extract", "--help"], ["train", "--help"]):
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-X", "importtime", "-m", "pipeline", *args], cwd=ROOT,
                                capture_output=True, text=True, timeout=60)
        elapsed = time.perf_counter() - started
        assert result.returncode == 0, result.stderr
        imported = {line.split("|")[-1].strip().split(".")[0] for line in result.stderr.splitlines()
                    if line.startswith("import time:")}
        for heavy in ("spacy", "sklearn", "pandas", "numpy", "thinc", "skops", "jinja2", "trafilatura", "distributed"):
            assert heavy not in imported, (args, heavy)
        assert elapsed < 0.5 * 3, (args, elapsed)  # -X importtime itself slows start-up; see below
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        assert cli("--help").returncode == 0
        timings.append(time.perf_counter() - started)
    assert min(timings) < 0.5, timings


@pytest.mark.e2e
def test_quiet_run_prints_no_progress_and_log_mode_does(tmp_path, tiny_model):
    _, model = tiny_model
    src = ROOT / "claims" / "examples"
    quiet = cli("run", src, "--out", tmp_path / "q", "--model", model, "--quiet")
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stderr == ""
    # not a terminal: plain log lines, here forced every second with a slow-enough run
    env = {**__import__("os").environ, "CLAIMCHECK_PROGRESS_INTERVAL": "0"}
    loud = cli("run", src, "--out", tmp_path / "l", "--model", model, env=env)
    assert loud.returncode == 0, loud.stderr
    lines = [line for line in loud.stderr.splitlines() if line.startswith("progress: ")]
    assert lines and lines[-1].startswith("progress: 4/4 articles, 100%")
    assert "\r" not in loud.stderr
    assert json.loads((tmp_path / "q" / "summary.json").read_text()) == json.loads(
        (tmp_path / "l" / "summary.json").read_text())
