"""`claimcheck run --resume` continues an interrupted run: nothing finished is redone, nothing is
duplicated, and the outputs are byte-identical to those of an uninterrupted run."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OUTPUTS = ("claims.jsonl", "claims.csv", "claims.articles.jsonl", "summary.json", "index.html", "claimreview.jsonld")

SUBJECTS = ["Green tea", "A daily walk", "Eating walnuts", "Vitamin D", "Cold showers", "Yoga", "Fish oil"]
OUTCOMES = ["blood pressure", "memory loss", "heart disease", "type 2 diabetes", "low mood", "joint pain"]


def text(i: int) -> str:
    """A small fictional article; ``i`` varies subject, outcome and numbers."""
    s, o = SUBJECTS[i % len(SUBJECTS)], OUTCOMES[i % len(OUTCOMES)]
    return (f"{s} may lower the risk of {o}, according to an observational study of {100 + i} adults. "
            f"The researchers said {s.lower()} cures {o} in patients who tried it for {i % 9 + 2} weeks.\n\n"
            f"The town fair opens on Saturday.\n\n"
            f"A randomised trial found that {s.lower()} was linked to a {i % 30 + 5}% drop in {o}.\n")


def write_jsonl(path: Path, n: int) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"a{i:04d}", "title": f"Report {i}", "source": f"Outlet {i % 3}",
                                 "text": text(i)}) + "\n")
        fh.write("not json\n")  # a bad line: skipped, and reported again after resuming
    return path


def write_folder(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"article-{i:03d}.txt").write_text(f"Report {i}\n\n{text(i)}", encoding="utf-8")
    return folder


def outputs(out: Path) -> dict[str, bytes]:
    files = {name: (out / name).read_bytes() for name in OUTPUTS}
    files.update({f"articles/{p.name}": p.read_bytes() for p in sorted((out / "articles").iterdir())})
    return files


def run_here(inputs, out: Path, model: Path, params=None, **kw):
    from pipeline.run import run
    from pipeline.settings import load_params

    return run([str(i) for i in inputs], out, model_path=model, params=params or load_params(), **kw)


class Interrupt(Exception):
    pass


def interrupt_after(n: int):
    seen = []

    def on_article(article, claims):
        seen.append(article.article_id)
        if len(seen) >= n:
            raise Interrupt

    return on_article


def test_interrupted_then_resumed_equals_uninterrupted(tmp_path, tiny_model):
    _, model = tiny_model
    src = write_jsonl(tmp_path / "feed.jsonl", 40)
    reference = run_here([src], tmp_path / "ref", model)
    out = tmp_path / "out"
    with pytest.raises(Interrupt):
        run_here([src], out, model, on_article=interrupt_after(20))
    assert not (out / "claims.jsonl").exists()
    assert (out / ".claimcheck-checkpoint.jsonl").is_file()
    redone = []
    resumed = run_here([src], out, model, resume=True, on_article=lambda a, c: redone.append(a.article_id))
    assert resumed.resumed >= 16  # the batches finished before the interruption
    assert len(redone) == 40 - resumed.resumed  # finished articles were not processed again
    assert (resumed.articles, resumed.claims) == (reference.articles, reference.claims) == (40, resumed.claims)
    assert [str(s) for s in resumed.skipped] == [str(s) for s in reference.skipped]
    assert outputs(out) == outputs(tmp_path / "ref")
    assert not (out / ".claimcheck-checkpoint.jsonl").exists()  # gone once the outputs are written


def test_finished_files_are_not_read_again(tmp_path, tiny_model, monkeypatch):
    import pipeline.ingest as ingest

    _, model = tiny_model
    src = write_folder(tmp_path / "in", 40)
    run_here([src], tmp_path / "ref", model)
    out = tmp_path / "out"
    with pytest.raises(Interrupt):
        run_here([src], out, model, on_article=interrupt_after(36))
    read = []
    original = ingest._from_file
    monkeypatch.setattr(ingest, "_from_file", lambda path, limits: (read.append(path), original(path, limits))[1])
    resumed = run_here([src], out, model, resume=True)
    assert resumed.resumed >= 32
    assert len(read) <= 40 - resumed.resumed + 1  # the last, unfinished source may be read again
    assert outputs(out) == outputs(tmp_path / "ref")


def test_resume_refuses_other_inputs_and_runs_afresh_without_a_checkpoint(tmp_path, tiny_model):
    from pipeline.errors import ClaimcheckError

    _, model = tiny_model
    src = write_jsonl(tmp_path / "feed.jsonl", 20)
    other = write_jsonl(tmp_path / "other.jsonl", 20)
    out = tmp_path / "out"
    with pytest.raises(Interrupt):
        run_here([src], out, model, on_article=interrupt_after(17))
    with pytest.raises(ClaimcheckError, match="inputs"):
        run_here([other], out, model, resume=True)
    fresh = run_here([src], tmp_path / "fresh", model, resume=True)  # nothing to resume: a full run
    assert fresh.resumed == 0 and fresh.articles == 20


def test_checkpoint_cut_mid_line_is_repaired(tmp_path, tiny_model):
    _, model = tiny_model
    src = write_jsonl(tmp_path / "feed.jsonl", 40)
    run_here([src], tmp_path / "ref", model)
    out = tmp_path / "out"
    with pytest.raises(Interrupt):
        run_here([src], out, model, on_article=interrupt_after(33))
    checkpoint = out / ".claimcheck-checkpoint.jsonl"
    data = checkpoint.read_bytes()
    checkpoint.write_bytes(data[: len(data) - 200])  # killed in the middle of writing a record
    resumed = run_here([src], out, model, resume=True)
    assert resumed.resumed >= 16
    assert outputs(out) == outputs(tmp_path / "ref")


@pytest.mark.slow
def test_sigkill_midway_then_resume_gives_identical_claims(tmp_path, tiny_model):
    """The real CLI, killed with SIGKILL while it works, then run again with --resume."""
    _, model = tiny_model
    src = write_jsonl(tmp_path / "feed.jsonl", 400)
    run_here([src], tmp_path / "ref", model)
    out = tmp_path / "out"
    checkpoint = out / ".claimcheck-checkpoint.jsonl"
    cmd = [sys.executable, "-m", "pipeline", "run", str(src), "--out", str(out), "--model", str(model), "--quiet"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None:
            if checkpoint.is_file() and checkpoint.read_bytes().count(b"\n") > 100:
                break
            time.sleep(0.01)
        assert proc.poll() is None, "the run ended before it could be killed"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        proc.kill()
        proc.wait()
        proc.stderr.close()
    done = checkpoint.read_bytes().count(b"\n") - 1
    assert 100 <= done < 401
    assert not (out / "claims.jsonl").exists()
    result = subprocess.run(cmd[:-1] + ["--resume"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 3, result.stderr  # 3: the bad line was skipped (and reported again)
    assert "feed.jsonl:401: " in result.stderr
    resumed = int(result.stderr.split("resumed: ")[1].split()[0])
    assert resumed >= 100
    assert (out / "claims.jsonl").read_bytes() == (tmp_path / "ref" / "claims.jsonl").read_bytes()
    assert outputs(out) == outputs(tmp_path / "ref")
