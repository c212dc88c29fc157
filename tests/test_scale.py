"""Scale: N local processes and a Dask cluster give the single-process outputs byte for byte; big
runs are finished in bounded windows; big JSONL files are read line by line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from test_resume import outputs, run_here, write_folder, write_jsonl

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, tiny_model):
    """40 articles in a JSONL file and 12 in a folder, with the single-process run's outputs."""
    work = tmp_path_factory.mktemp("scale")
    inputs = [write_jsonl(work / "feed.jsonl", 40), write_folder(work / "folder", 12)]
    run_here(inputs, work / "one", tiny_model[1])
    return work, inputs, outputs(work / "one")


def test_two_processes_give_the_same_bytes(corpus, tiny_model, tmp_path):
    from pipeline.engines import LocalEngine

    _, inputs, expected = corpus
    result = run_here(inputs, tmp_path / "two", tiny_model[1], engine=LocalEngine(2))
    assert result.articles == 52
    assert outputs(tmp_path / "two") == expected


def test_fast_two_processes_give_the_fast_single_process_bytes(corpus, tiny_model, tmp_path):
    """With --fast, forked workers only extract and this process classifies (with the encoder they
    do both): the same outputs either way, and as one process gives."""
    from pipeline.engines import LocalEngine
    from pipeline.settings import load_params

    work, inputs, with_encoder = corpus
    fast = load_params()
    fast["classify"]["encoder"] = False
    run_here(inputs, tmp_path / "one", tiny_model[1], params=fast)
    run_here(inputs, tmp_path / "two", tiny_model[1], params=fast, engine=LocalEngine(2))
    assert outputs(tmp_path / "two") == outputs(tmp_path / "one")
    assert outputs(tmp_path / "one") != with_encoder  # the encoder's share of strength makes a difference


def test_spawned_processes_give_the_same_bytes(corpus, tiny_model, tmp_path, monkeypatch):
    """Where there is no ``fork`` the workers are spawned, and each also classifies."""
    from pipeline.engines import LocalEngine

    monkeypatch.setattr(LocalEngine, "forks", property(lambda self: False))
    _, inputs, expected = corpus
    run_here(inputs, tmp_path / "spawned", tiny_model[1], engine=LocalEngine(2))
    assert outputs(tmp_path / "spawned") == expected


def test_one_process_without_overlap_gives_the_same_bytes(corpus, tiny_model, tmp_path):
    from pipeline.engines import LocalEngine

    _, inputs, expected = corpus
    run_here(inputs, tmp_path / "plain", tiny_model[1], engine=LocalEngine(1, overlap=False))
    assert outputs(tmp_path / "plain") == expected


def test_overlapped_keeps_order_and_hands_over_errors(monkeypatch):
    import threading

    from pipeline import engines

    threads = set()

    def extract(batch, job):
        threads.add(threading.current_thread().name)
        if batch == ["bad"]:
            raise ValueError("broken batch")
        return [x * 10 for x in batch]

    monkeypatch.setattr(engines, "extract_batch", extract)
    monkeypatch.setattr(engines, "classify_batch", lambda batch, found, job: (batch, found))
    batches = [[1, 2], [3], [4, 5, 6], [7]]
    assert list(engines.overlapped(iter(batches), None)) == [(b, [x * 10 for x in b]) for b in batches]
    assert threads == {"claimcheck-extract"}  # extraction ran beside the caller's thread
    results = engines.overlapped(iter([[1], ["bad"], [2]]), None)
    assert next(results) == ([1], [10])
    with pytest.raises(ValueError, match="broken batch"):
        next(results)


def test_overlapped_stops_its_thread_when_the_caller_stops(monkeypatch):
    import itertools
    import threading

    from pipeline import engines

    monkeypatch.setattr(engines, "extract_batch", lambda batch, job: batch)
    monkeypatch.setattr(engines, "classify_batch", lambda batch, found, job: found)
    endless = ([n] for n in itertools.count())
    results = engines.overlapped(endless, None)
    assert [next(results) for _ in range(3)] == [[0], [1], [2]]
    results.close()
    assert not any(t.name == "claimcheck-extract" and t.is_alive() for t in threading.enumerate())


def big_run(inputs, out: Path, model: Path, workers: int = 1):
    from pipeline.engines import LocalEngine
    from pipeline.run import run
    from pipeline.settings import load_params

    params = load_params()
    params["run"] = {"window": 20}
    return run([str(i) for i in inputs], out, model_path=model, params=params, engine=LocalEngine(workers))


def every_file(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_a_big_run_is_finished_in_windows(corpus, tiny_model, tmp_path):
    """More articles than ``run.window``: the same claims, a report in parts, exact totals; with
    two processes (windows finished side by side) the same bytes."""
    work, inputs, expected = corpus
    out = tmp_path / "big"
    result = big_run(inputs, out, tiny_model[1])
    assert result.articles == 52
    claims = [json.loads(line) for line in (out / "claims.jsonl").read_text().splitlines()]
    one = [json.loads(line) for line in expected["claims.jsonl"].decode().splitlines()]
    assert [c["claim_id"] for c in claims] == [c["claim_id"] for c in one]
    assert [c["label"] for c in claims] == [c["label"] for c in one]
    assert (out / "claims.csv").read_text().count("\n") == len(claims) + 1
    assert (out / "claims.articles.jsonl").read_bytes().count(b"\n") == 52 + 1  # + the skipped line
    summary = json.loads((out / "summary.json").read_text())
    one_summary = json.loads(expected["summary.json"])
    for key in ("articles", "claims", "labels", "needs_review", "sources", "skipped", "model"):
        assert summary[key] == one_summary[key], key
    index = (out / "index.html").read_text()
    for part in ("parts/0001/index.html", "parts/0002/index.html", "parts/0003/index.html"):
        assert part in index and (out / part).is_file()
    assert not (out / "parts" / "0004").exists()
    assert "feed.jsonl:41" in index  # the skipped input is listed
    big_run(inputs, tmp_path / "big2", tiny_model[1], workers=2)
    assert every_file(tmp_path / "big2") == every_file(out)


# The Dask tests come last: an in-process cluster leaves threads behind, and with threads running
# the local engine and the finish spawn their processes instead of forking them.


def test_dask_cluster_gives_the_same_bytes(corpus, tiny_model, tmp_path):
    pytest.importorskip("distributed")
    from distributed import LocalCluster

    from pipeline.engines import DaskEngine

    _, inputs, expected = corpus
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster:
        run_here(inputs, tmp_path / "dask", tiny_model[1], engine=DaskEngine(cluster.scheduler_address))
    assert outputs(tmp_path / "dask") == expected


def test_dask_needs_a_scheduler_and_says_how_to_start_one(tmp_path, tiny_model):
    result = subprocess.run([sys.executable, "-m", "pipeline", "run", str(ROOT / "claims" / "examples"), "--out",
                             str(tmp_path / "o"), "--model", str(tiny_model[1]), "--engine", "dask"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "--scheduler" in result.stderr
    result = subprocess.run([sys.executable, "-m", "pipeline", "run", str(ROOT / "claims" / "examples"), "--out",
                             str(tmp_path / "o"), "--model", str(tiny_model[1]), "--engine", "dask",
                             "--scheduler", "tcp://127.0.0.1:9"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "dask scheduler" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_big_jsonl_is_streamed_line_by_line(tmp_path):
    from pipeline.ingest import iter_inputs
    from pipeline.records import Article

    src = write_jsonl(tmp_path / "feed.jsonl", 30)
    with src.open("a") as fh:
        fh.write(json.dumps({"text": "x" * 5000}) + "\n")  # one line over the (lowered) limit
    whole = list(iter_inputs([str(src)], params={"ingest": {"max_bytes": 10_000_000}}))
    streamed = list(iter_inputs([str(src)], params={"ingest": {"max_bytes": 4000}}))
    assert src.stat().st_size > 4000
    assert [a.to_dict() for a in streamed[:31] if isinstance(a, Article)] == \
        [a.to_dict() for a in whole[:31] if isinstance(a, Article)]
    assert str(streamed[30]) == str(whole[30])  # the bad line, reported the same way
    assert isinstance(streamed[31], Article) is False and "line too large" in streamed[31].reason
    assert isinstance(whole[31], Article)


def test_reloading_spacy_midway_changes_nothing(corpus, tiny_model, tmp_path, monkeypatch):
    """On an endless feed a worker reloads spaCy when its vocabulary gets big: same bytes."""
    import pipeline.engines as engines

    _, inputs, expected = corpus
    monkeypatch.setattr(engines, "MAX_STRINGS", 0)  # reload after every batch
    run_here(inputs, tmp_path / "reloaded", tiny_model[1])
    assert outputs(tmp_path / "reloaded") == expected
