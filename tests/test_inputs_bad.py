"""Bad inputs through the real CLI: each reported once as `path: reason`, the rest processed, exit 3.

Also: no traceback without --debug (even for an internal error), a traceback with it, and tampered
model files refused by `claimcheck model info|audit` with a clear message.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import lxml.html
import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD = ("Kale and blood pressure\n\n"
        "A small observational study of 300 adults suggests that eating kale daily may lower blood pressure. "
        "Researchers said the kale drink cures fatigue in every patient who tried it.\n")


def cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def invoke(*args):
    """The CLI in this process (so a test can monkeypatch the library); stderr kept apart."""
    from click.testing import CliRunner

    from pipeline.cli import main

    return CliRunner().invoke(main, [str(a) for a in args])


def skip_lines(stderr: str) -> list[str]:
    """stderr without the final "N articles, N claims, N skipped" line and periodic progress lines."""
    return [line for line in stderr.splitlines()
            if not line.endswith(" skipped") and not line.startswith("progress: ")]


@pytest.fixture(scope="module")
def bad_inputs(tmp_path_factory):
    """A folder of good and bad inputs, plus the expected (name, reason fragment) of each bad one."""
    root = tmp_path_factory.mktemp("bad")
    folder = root / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "latin1.txt").write_bytes(("Caf\u00e9 au lait\n\n" + GOOD.split("\n\n", 1)[1]).encode("cp1252"))
    (folder / "shiftjis.html").write_bytes(
        ("<html><head><meta charset='shift_jis'><title>\u7dd1\u8336</title></head><body><article><p>"
         "\u7dd1\u8336 A trial found that green tea may lower cholesterol slightly in adults.</p>"
         "</article></body></html>").encode("shift_jis"))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.md").write_text(" \n\n\t\n")
    (folder / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    (folder / "huge.txt").write_text(GOOD * 400)  # over the 10000-byte limit of the params below
    (folder / "nested.html").write_text("<html><body>" + "<blockquote>" * 300 + "<p>Deep text may help.</p>")
    (folder / "no-article.html").write_text(
        "<html><body><nav><a href='/'>Home</a> <a href='/a'>About</a></nav><footer>(c) 2024</footer></body></html>")
    (folder / "broken.jsonl").write_text(
        json.dumps({"id": "j1", "text": GOOD, "source": "JSONL Wire"}) + "\n"
        + '{"id": "j2", "text": "unterminated\n'
        + "[1, 2, 3]\n"
        + json.dumps({"id": "j4", "title": "no text"}) + "\n", encoding="utf-8")
    params = root / "params.yaml"
    params.write_text("ingest:\n  max_bytes: 10000\n")
    missing, pdf = root / "missing.txt", root / "scan.pdf"
    pdf.write_bytes(b"%PDF-1.7\n")
    expected = {
        "empty.txt": "empty file",
        "blank.md": "empty file (no text)",
        "image.html": "binary file, not text",
        "huge.txt": "too large (",
        "nested.html": "nested more than 250 levels",
        "no-article.html": "no article text found in the page",
        "broken.jsonl:2": "not valid JSON",
        "broken.jsonl:3": "not a JSON object",
        "broken.jsonl:4": "missing `text`",
        "missing.txt": "no such file or folder",
        "scan.pdf": "unsupported file type '.pdf'",
        "no-such-folder": "no such file or folder",
    }
    return root, folder, params, [folder, missing, pdf, root / "no-such-folder"], expected


@pytest.fixture(scope="module")
def bad_run(bad_inputs, tiny_model):
    root, folder, params, inputs, expected = bad_inputs
    out = root / "out"
    result = cli("--params", params, "run", *inputs, "--out", out, "--model", tiny_model[1])
    return result, out


def test_each_bad_input_reported_once_as_path_colon_reason(bad_inputs, bad_run):
    root, folder, _, _, expected = bad_inputs
    result, _ = bad_run
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    lines = skip_lines(result.stderr)
    assert len(lines) == len(expected), result.stderr
    for name, reason in expected.items():
        base = root if name in ("missing.txt", "scan.pdf", "no-such-folder") else folder
        hits = [line for line in lines if line.startswith(f"{base / name}: ")]
        assert len(hits) == 1, (name, result.stderr)
        assert reason in hits[0], hits[0]
    assert [line for line in result.stderr.splitlines() if line.endswith(" skipped")] == [
        f"4 articles, {json.loads((bad_run[1] / 'summary.json').read_text())['claims']} claims, {len(expected)} skipped"]
    assert result.stdout.strip().endswith("index.html")  # stdout: data only


def test_every_other_input_is_processed(bad_run):
    _, out = bad_run
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    articles = [json.loads(line) for line in (out / "claims.articles.jsonl").read_text(encoding="utf-8").splitlines()]
    ok = {a["path"]: a for a in articles if a["status"] == "ok"}
    assert sorted(ok) == ["broken.jsonl", "good.txt", "latin1.txt", "shiftjis.html"]
    assert summary["articles"] == 4 and summary["claims"] > 0
    assert ok["latin1.txt"]["title"] == "Caf\u00e9 au lait"  # not UTF-8: decoded as cp1252, not skipped
    assert "\u7dd1\u8336" in ok["shiftjis.html"]["title"]  # the declared charset was used
    assert ok["broken.jsonl"]["source"] == "JSONL Wire"


def test_skipped_inputs_are_listed_in_the_report_and_summary(bad_inputs, bad_run):
    _, _, _, _, expected = bad_inputs
    _, out = bad_run
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert sorted(s["path"] for s in summary["skipped"]) == sorted(expected)  # file names: no machine folders
    side = [json.loads(line) for line in (out / "claims.articles.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(s["path"] for s in side if s["status"] == "skipped") == sorted(expected)
    index = lxml.html.fromstring((out / "index.html").read_text(encoding="utf-8"))
    items = [li.text_content() for li in index.xpath("//section[@id='skipped']//li")]
    assert len(items) == len(expected)
    for name, reason in expected.items():
        assert sum(item.startswith(f"{name}: ") and reason in item for item in items) == 1, name


def test_unreadable_file_is_skipped_and_others_processed(tmp_path, tiny_model, monkeypatch):
    """Tests run as root, which reads any file: the permission error is simulated."""
    import builtins

    from pipeline import textfile

    good, locked = tmp_path / "good.txt", tmp_path / "locked.txt"
    good.write_text(GOOD)
    locked.write_text(GOOD.replace("Kale", "Beet"))
    real_open = builtins.open

    def guarded_open(file, *args, **kwargs):
        if str(file) == str(locked):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(textfile, "open", guarded_open, raising=False)
    result = invoke("run", locked, good, "--out", tmp_path / "out", "--model", tiny_model[1])
    assert result.exit_code == 3, result.output
    assert skip_lines(result.stderr) == [f"{locked}: permission denied"]
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["articles"] == 1


def test_control_characters_in_names_cannot_forge_lines(tmp_path, tiny_model):
    name = tmp_path / "evil\nfake: line\x1b[31m.txt"
    name.write_bytes(b"")
    result = invoke("run", name, "--out", tmp_path / "out", "--model", tiny_model[1])
    assert result.exit_code == 3
    lines = skip_lines(result.stderr)
    assert lines == [f"{tmp_path}/evil\\nfake: line\\x1b[31m.txt: empty file"]
    assert "\x1b" not in result.stderr


def test_error_messages_escape_control_characters(tmp_path):
    pred = tmp_path / "pred\x1b[2J.jsonl"
    pred.write_text("{broken\n")
    result = invoke("report", pred, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr and result.stderr.startswith(f"Error: {tmp_path}/pred\\x1b[2J.jsonl")
    assert result.stderr.count("\n") == 1


def test_everything_skipped_still_writes_an_empty_report_and_exits_3(tmp_path, tiny_model):
    result = invoke("run", tmp_path / "nope.txt", "--out", tmp_path / "out", "--model", tiny_model[1])
    assert result.exit_code == 3 and "Traceback" not in result.stderr
    assert skip_lines(result.stderr) == [f"{tmp_path / 'nope.txt'}: no such file or folder"]
    assert (tmp_path / "out" / "index.html").read_text().rstrip().endswith("</html>")


# --- internal errors: a clean line, or the traceback with --debug ------------------------------------


def test_internal_error_is_one_clean_line_without_debug(tmp_path, tiny_model, monkeypatch):
    import pipeline.run

    def broken(*args, **kwargs):
        raise RuntimeError("boom in the report stage")

    monkeypatch.setattr(pipeline.run, "run", broken)
    good = tmp_path / "good.txt"
    good.write_text(GOOD)
    result = invoke("run", good, "--out", tmp_path / "out", "--model", tiny_model[1])
    assert result.exit_code == 1
    assert result.stderr == ("Error: unexpected RuntimeError: boom in the report stage "
                             "(rerun with --debug for the traceback)\n")
    assert "Traceback" not in result.output

    result = invoke("--debug", "run", good, "--out", tmp_path / "out", "--model", tiny_model[1])
    assert isinstance(result.exception, RuntimeError)  # propagates: Python prints the traceback
    assert result.exc_info[2] is not None


def test_a_bug_on_one_input_skips_that_input_only(tmp_path, tiny_model, monkeypatch):
    from pipeline import ingest, webpage

    real = webpage.parse_html

    def flaky(html, *, path="", url=""):
        if "trigger" in path:
            raise ZeroDivisionError("odd page")
        return real(html, path=path, url=url)

    monkeypatch.setattr(webpage, "parse_html", flaky)
    monkeypatch.delenv("CLAIMCHECK_DEBUG", raising=False)
    page = "<html><body><article><p>Green tea may lower cholesterol slightly, a trial found.</p></article></body></html>"
    (tmp_path / "a-trigger.html").write_text(page)
    (tmp_path / "b.html").write_text(page)
    result = invoke("run", tmp_path / "a-trigger.html", tmp_path / "b.html", "--out", tmp_path / "out",
                    "--model", tiny_model[1])
    assert result.exit_code == 3
    [line] = skip_lines(result.stderr)
    assert line.startswith(f"{tmp_path / 'a-trigger.html'}: cannot be read: unexpected ZeroDivisionError: odd page")
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["articles"] == 1

    result = invoke("--debug", "run", tmp_path / "a-trigger.html", "--out", tmp_path / "out2", "--model",
                    tiny_model[1])
    assert isinstance(result.exception, ZeroDivisionError)
    assert not ingest.os.environ.get("CLAIMCHECK_DEBUG")  # --debug does not leak past the command


def test_real_process_debug_shows_a_traceback(tmp_path):
    bad_params = tmp_path / "params.yaml"
    bad_params.write_text("- not\n- a mapping\n")
    plain = cli("--params", bad_params, "run", tmp_path, "--out", tmp_path / "o")
    assert plain.returncode == 1 and plain.stderr.startswith("Error: ") and "Traceback" not in plain.stderr
    debug = cli("--debug", "--params", bad_params, "run", tmp_path, "--out", tmp_path / "o")
    assert debug.returncode == 1 and "Traceback (most recent call last)" in debug.stderr


# --- model files ---------------------------------------------------------------------------------------


def tamper(src: Path, dst: Path, old: str, new: str) -> Path:
    """A copy of the skops file ``src`` whose schema asks for ``new`` where it asked for ``old``."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "schema.json":
                text = data.decode("utf-8")
                assert old in text
                data = text.replace(old, new).encode("utf-8")
            zout.writestr(item, data)
    return dst


@pytest.mark.parametrize("command", ["info", "audit"])
def test_tampered_model_file_is_refused_by_model_commands(tmp_path, tiny_model, command):
    _, good = tiny_model
    evil = tamper(good, tmp_path / "evil.skops", '"__module__": "pipeline.features"', '"__module__": "os"')
    result = cli("model", command, evil)
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: ") and "not trusted" in result.stderr and "os." in result.stderr
    if command == "audit":
        report = json.loads(result.stdout)
        assert report["untrusted_types"] and all(t.startswith("os.") for t in report["untrusted_types"])
    else:
        assert result.stdout == ""


def test_tampered_model_is_refused_by_run_before_reading_inputs(tmp_path, tiny_model):
    _, good = tiny_model
    evil = tamper(good, tmp_path / "evil.skops", '"__module__": "pipeline.features"', '"__module__": "builtins"')
    (tmp_path / "a.txt").write_text(GOOD)
    result = cli("run", tmp_path / "a.txt", "--out", tmp_path / "out", "--model", evil)
    assert result.returncode == 1 and "not trusted" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 truncated zip", b"\x80\x04K\x01."])
def test_broken_model_files_are_a_clean_error(tmp_path, content):
    path = tmp_path / "broken.skops"
    path.write_bytes(content)
    for command in ("info", "audit"):
        result = invoke("model", command, path)
        assert result.exit_code == 1 and result.stderr.startswith("Error: ") and "Traceback" not in result.output


def test_good_model_info_and_audit(tiny_model):
    _, good = tiny_model
    audit = invoke("model", "audit", good)
    assert audit.exit_code == 0 and json.loads(audit.stdout)["untrusted_types"] == []
    info = invoke("model", "info", good)
    assert info.exit_code == 0 and json.loads(info.stdout)["format"] == "claimcheck-model/1"


# --- outputs that cannot be written --------------------------------------------------------------------


def test_unwritable_output_folder_is_a_clean_error(tmp_path, tiny_model):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    good = tmp_path / "good.txt"
    good.write_text(GOOD)
    result = invoke("run", good, "--out", blocker / "report", "--model", tiny_model[1])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {blocker}") and ("Not a directory" in result.stderr or "File exists" in result.stderr)
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.output and "unexpected" not in result.stderr


def test_failed_write_keeps_the_old_file_and_leaves_no_temp_file(tmp_path):
    from pipeline.atomic import atomic_open, write_jsonl

    target = tmp_path / "claims.jsonl"
    write_jsonl(target, [{"n": 1}])
    with pytest.raises(RuntimeError):
        with atomic_open(target) as fh:
            fh.write('{"n": 2}\n{"n": ')
            raise RuntimeError("killed halfway")
    assert target.read_text() == '{"n": 1}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["claims.jsonl"]
    (tmp_path / "claims.jsonl.d").mkdir()
    from pipeline.errors import OutputError

    with pytest.raises(OutputError, match="cannot write"):
        write_jsonl(tmp_path / "claims.jsonl.d", [{"n": 3}])  # a folder in the way
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claims.jsonl", "claims.jsonl.d"]


def test_every_class_a_model_may_hold_is_on_the_trusted_list():
    """A new transformer in pipeline/features.py or estimator in pipeline/encoder.py must be trusted
    explicitly, or every new model is refused."""
    from pipeline import encoder, features
    from pipeline.model import TRUSTED_TYPES
    from pipeline.verdict import estimator

    ours = sorted(t for t in TRUSTED_TYPES if t.startswith("pipeline."))
    assert ours == sorted(features.CUSTOM_CLASSES + encoder.CUSTOM_CLASSES + estimator.CUSTOM_CLASSES)
