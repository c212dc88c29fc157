"""End to end: the real CLI on the bundled examples with the committed model."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "claims" / "examples"
MODEL = ROOT / "models" / "claimcheck.skops"
OUTPUTS = ("index.html", "claims.jsonl", "claims.csv", "summary.json", "claims.articles.jsonl")

pytestmark = pytest.mark.e2e


def cli(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def example_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "report"
    result = cli("run", EXAMPLES, "--out", out, "--model", MODEL)
    return result, out


def test_help_lists_every_command_with_an_example():
    result = cli("--help")
    assert result.returncode == 0
    for command in ("run", "extract", "classify", "report", "finetune", "train", "evaluate", "labels", "model"):
        assert command in result.stdout
    for command in (["run"], ["extract"], ["classify"], ["report"], ["finetune"], ["train"], ["evaluate"],
                    ["labels", "export"], ["model", "audit"]):
        sub = cli(*command, "--help")
        assert sub.returncode == 0 and "Example" in sub.stdout, command


def test_run_on_examples_writes_every_output(example_run):
    result, out = example_run
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(out / "index.html")
    for name in OUTPUTS:
        assert (out / name).is_file(), name
    articles = [json.loads(line) for line in (out / "claims.articles.jsonl").read_text().splitlines()]
    assert len(articles) == 4
    for article in articles:
        assert (out / "articles" / f"{article['article_id']}.html").is_file()


def test_claim_records_follow_the_contract(example_run):
    _, out = example_run
    texts = {
        a["article_id"]: a["text"]
        for a in map(json.loads, (out / "claims.articles.jsonl").read_text().splitlines())
    }
    claims = [json.loads(line) for line in (out / "claims.jsonl").read_text().splitlines()]
    assert len(claims) >= 30
    for c in claims:
        for key in ("claim_id", "article_id", "source", "story", "text", "start_char", "end_char", "type",
                    "label", "proba", "strength", "cues", "numbers", "design", "reason", "statement_kind",
                    "evidence_basis", "treatment_status", "register", "headline"):
            assert key in c, key
        assert c["label"] in ("hedged", "supported", "overstated")
        assert c["reason"].strip(), c
        assert set(c["proba"]) == {"hedged", "supported", "overstated"}
        assert abs(sum(c["proba"].values()) - 1) < 1e-6
        assert c["strength"] in (0, 1, 2, 3)
        text = texts[c["article_id"]]
        assert " ".join(text[s:e] for s, e in c["segments"]) == c["text"]
        for cue in c["cues"]:
            assert text[cue["start_char"]:cue["end_char"]].lower() == cue["text"].lower()
    assert len({c["claim_id"] for c in claims}) == len(claims)


def test_verdicts_separate_the_hyped_from_the_hedged_source(example_run):
    _, out = example_run
    summary = json.loads((out / "summary.json").read_text())
    tabloid = summary["sources"]["The Daily Pulse"]
    hedged = summary["sources"]["Health Desk Weekly"]
    assert tabloid["overstated"] > tabloid["hedged"]
    assert hedged["hedged"] > hedged["overstated"]


def test_same_input_same_bytes(example_run, tmp_path):
    _, first = example_run
    again = tmp_path / "again"
    assert cli("run", EXAMPLES, "--out", again, "--model", MODEL).returncode == 0
    for name in OUTPUTS:
        assert (first / name).read_bytes() == (again / name).read_bytes(), name
    page = sorted((first / "articles").iterdir())[0].name
    assert (first / "articles" / page).read_bytes() == (again / "articles" / page).read_bytes()
    assert str(tmp_path) not in (again / "index.html").read_text()


def test_broken_inputs_are_reported_and_the_rest_processed(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    binary = tmp_path / "blob.html"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    out = tmp_path / "out"
    result = cli("run", empty, tmp_path / "missing.txt", binary, EXAMPLES / "health-desk-weekly.txt",
                 "--out", out, "--model", MODEL)
    assert result.returncode == 3, result.stderr
    for path in (empty, tmp_path / "missing.txt", binary):
        assert f"{path}: " in result.stderr
    assert "Traceback" not in result.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["articles"] == 1 and len(summary["skipped"]) == 3
    assert "missing.txt" in (out / "index.html").read_text()


def test_stages_alone_match_the_whole_run(example_run, tmp_path):
    _, out = example_run
    claims, pred, report = tmp_path / "c.jsonl", tmp_path / "p.jsonl", tmp_path / "r"
    assert cli("extract", EXAMPLES, "--out", claims).returncode == 0
    assert cli("classify", claims, "--out", pred, "--model", MODEL).returncode == 0
    assert cli("report", pred, "--out", report).returncode == 0
    core = ("claim_id", "text", "start_char", "end_char", "label", "proba", "strength", "cues", "design")
    staged = [{k: c.get(k) for k in core} for c in map(json.loads, pred.read_text().splitlines())]
    whole = [{k: c.get(k) for k in core} for c in map(json.loads, (out / "claims.jsonl").read_text().splitlines())]
    assert staged == whole
    assert (report / "index.html").read_bytes() == (out / "index.html").read_bytes()


def test_classify_bare_claims_keeps_ids_and_relates_to_reference(tmp_path):
    bare = tmp_path / "bare.csv"
    bare.write_text(
        "id,text,design,reference\n"
        "c1,Eating walnuts cures memory loss in older adults.,observational,Walnut intake was associated with better memory.\n"
        "c2,Walnuts may slightly improve memory.,unknown,\n"
    )
    out = tmp_path / "pred.jsonl"
    result = cli("classify", bare, "--out", out, "--model", MODEL)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["c1", "c2"]
    assert rows[0]["label"] == "overstated" and rows[0]["relation"] == "exaggerates"
    assert rows[1]["label"] == "hedged" and "relation" not in rows[1]


def test_missing_model_is_a_clean_error(tmp_path):
    result = cli("run", EXAMPLES, "--out", tmp_path / "o", "--model", tmp_path / "none.skops")
    assert result.returncode == 1
    assert result.stderr.startswith("Error: ") and "claimcheck train" in result.stderr
    assert "Traceback" not in result.stderr


STORY = [
    {"id": "release", "kind": "press_release", "story": "walking", "title": "Brisk walking trial",
     "text": "A randomised controlled trial of 400 adults at Riverton University tested daily brisk walking.\n\n"
             "In the trial, daily brisk walking lowered blood pressure by 6 mmHg compared with rest."},
    {"id": "news", "kind": "news", "story": "walking", "title": "Walk your way to lower blood pressure",
     "text": "Daily brisk walking lowers blood pressure, according to new research from Riverton.\n\n"
             "The effect appeared within eight weeks."},
]


def _verdicts(claimreview: Path) -> dict:
    doc = json.loads(claimreview.read_text())
    items = doc["@graph"] if isinstance(doc, dict) and "@graph" in doc else doc
    return {item["claimReviewed"]: item["reviewRating"]["alternateName"] for item in items}


def test_story_designs_in_run_and_in_report(tmp_path):
    """A news claim whose article names no design takes the trial its press release names, in
    `run` and in the staged `report` alike; switched off, the codebook's rule 4 calls it overstated."""
    src = tmp_path / "story.jsonl"
    src.write_text("".join(json.dumps(a) + "\n" for a in STORY))
    run_dir = tmp_path / "run"
    assert cli("run", src, "--out", run_dir, "--model", MODEL).returncode == 0
    news = [c for c in map(json.loads, (run_dir / "claims.jsonl").read_text().splitlines()) if c["article_id"] == "news"]
    first = news[0]
    assert (first["design"], first["design_basis"], first["label"]) == ("experimental", "story", "supported")
    claims, pred, report = tmp_path / "c.jsonl", tmp_path / "p.jsonl", tmp_path / "r"
    assert cli("extract", src, "--out", claims).returncode == 0
    assert cli("classify", claims, "--out", pred, "--model", MODEL).returncode == 0
    assert json.loads(pred.read_text().splitlines()[2])["label"] == "overstated"  # before the stories are known
    assert cli("report", pred, "--out", report, "--model", MODEL).returncode == 0
    assert _verdicts(report / "claimreview.jsonld") == _verdicts(run_dir / "claimreview.jsonld")
    assert _verdicts(report / "claimreview.jsonld")[first["text"]] == "supported"
    params = tmp_path / "params.yaml"
    params.write_text("compare:\n  story_designs: false\n")
    off = tmp_path / "off"
    assert cli("--params", params, "run", src, "--out", off, "--model", MODEL).returncode == 0
    alone = [c for c in map(json.loads, (off / "claims.jsonl").read_text().splitlines()) if c["article_id"] == "news"]
    assert (alone[0]["design"], alone[0]["label"]) == ("unknown", "overstated") and "design_basis" not in alone[0]
