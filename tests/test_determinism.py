"""Determinism: same inputs, model and params give byte-identical outputs wherever they sit.

Runs the real CLI twice, from different working directories, on copies of the same inputs in
different absolute folders, into different output folders: every output file must be identical
and none may hold a machine path (absolute inputs are recorded by file name only).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "claims" / "examples"


def cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def outputs(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def make_inputs(folder: Path) -> list[Path]:
    """The bundled examples plus a JSONL file with one broken line, in ``folder``; returns the files."""
    folder.mkdir(parents=True)
    files = []
    for src in sorted(EXAMPLES.iterdir()):
        files.append(Path(shutil.copy(src, folder / src.name)))
    batch = folder / "wire.jsonl"
    batch.write_text(json.dumps({"id": "w1", "source": "Wire", "text": "Oat bran may lower cholesterol in adults, "
                                 "a small trial suggests."}) + "\n{broken\n", encoding="utf-8")
    return files + [batch]


def test_absolute_inputs_give_identical_bytes_and_no_machine_paths(tmp_path, tiny_model):
    model = tiny_model[1]
    first_in = make_inputs(tmp_path / "alice" / "articles")
    second_in = make_inputs(tmp_path / "bob" / "deep" / "er" / "copy")
    (tmp_path / "cwd1").mkdir()
    (tmp_path / "cwd2" / "x").mkdir(parents=True)
    one = cli("run", *first_in, tmp_path / "alice" / "missing.txt", "--out", tmp_path / "o1",
              "--model", model, cwd=tmp_path / "cwd1")
    two = cli("run", *second_in, tmp_path / "bob" / "missing.txt", "--out", "../../o2/report",
              "--model", model, cwd=tmp_path / "cwd2" / "x")
    assert one.returncode == two.returncode == 3, one.stderr + two.stderr
    first, second = outputs(tmp_path / "o1"), outputs(tmp_path / "o2" / "report")
    assert set(first) == set(second) and len(first) > 8
    for name in first:
        assert first[name] == second[name], name
    for name, data in first.items():
        text = data.decode("utf-8")
        for leak in (str(tmp_path), "/tmp/", str(ROOT), str(Path.home()) + "/", "alice", str(model)):
            assert leak not in text, (name, leak)
    claims = [json.loads(line) for line in first["claims.jsonl"].decode().splitlines()]
    assert {c["path"] for c in claims} == {p.name for p in first_in}
    summary = json.loads(first["summary.json"])
    assert sorted(s["path"] for s in summary["skipped"]) == ["missing.txt", "wire.jsonl:2"]
    # stderr still names the file as the user gave it, so it can be found
    assert f"{tmp_path / 'alice' / 'missing.txt'}: no such file or folder" in one.stderr.splitlines()


def test_relative_inputs_are_recorded_as_given(tmp_path, tiny_model):
    make_inputs(tmp_path / "work" / "in")
    result = cli("run", "in", "--out", "out", "--model", tiny_model[1], cwd=tmp_path / "work")
    assert result.returncode == 3, result.stderr
    claims = [json.loads(line) for line in (tmp_path / "work" / "out" / "claims.jsonl").read_text().splitlines()]
    assert {c["path"] for c in claims} == {f"in/{p.name}" for p in EXAMPLES.iterdir()} | {"in/wire.jsonl"}
    summary = json.loads((tmp_path / "work" / "out" / "summary.json").read_text())
    assert summary["skipped"] == [{"path": "in/wire.jsonl:2", "reason": summary["skipped"][0]["reason"]}]
    assert [line for line in result.stderr.splitlines() if line.startswith("in/")] == [
        f"in/wire.jsonl:2: {summary['skipped'][0]['reason']}"]
    assert summary["skipped"][0]["reason"].startswith("not valid JSON")
