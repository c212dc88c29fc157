"""`claimcheck run` with stories and a reference: claims.jsonl carries stories and evidence, the report
has a page per story, claimreview.jsonld is written, and the same input gives the same bytes."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PAPER = """---
title: Brisk walking and memory decline in older adults: a cohort study
source: Journal of Walking Research
kind: journal
published: 2024-03-01
---

In this cohort study of 4,200 older adults, brisk walking was associated with a 20% slower memory decline over six years.

Walking was associated with better memory test scores after adjustment for age and education.
"""
NEWS_A = """---
title: Daily walk cuts memory loss by a fifth
source: The Daily Ledger
published: 2024-03-05
---

A daily brisk walk cuts memory decline by 35% in older adults, a new study has found.

Experts say walking is a miracle cure for an ageing brain.
"""
NEWS_B = """---
title: Walking linked to slower memory decline
source: Health Desk
---

Brisk walking was linked to a 20% slower memory decline over six years in a study of 4,200 older adults.
"""
OTHER = """---
title: Fish oil capsules and triglycerides
source: Fish Weekly
---

Fish oil capsules lowered triglyceride levels in a small trial of adults with obesity.
"""


@pytest.fixture(scope="module")
def runs(tmp_path_factory, tiny_model):
    work = tmp_path_factory.mktemp("stories")
    news = work / "news"
    news.mkdir()
    (news / "ledger.md").write_text(NEWS_A, encoding="utf-8")
    (news / "healthdesk.md").write_text(NEWS_B, encoding="utf-8")
    (news / "fish.md").write_text(OTHER, encoding="utf-8")
    (work / "paper.md").write_text(PAPER, encoding="utf-8")
    (work / "stories.csv").write_text("article,story\nfish.md,fish-oil\n", encoding="utf-8")
    outs = []
    for name in ("a", "b"):
        out = work / name
        result = subprocess.run(
            [sys.executable, "-m", "pipeline", "run", "news", "--reference", "paper.md", "--stories", "stories.csv",
             "--out", str(out), "--model", str(tiny_model[1])],
            cwd=work, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        outs.append(out)
    return outs


def files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_same_input_same_bytes(runs):
    a, b = runs
    assert files(a) == files(b)
    assert {"claimreview.jsonld", "index.html", "claims.jsonl"} <= set(files(a))


def test_stories_and_evidence_in_the_claim_records(runs):
    out = runs[0]
    claims = [json.loads(line) for line in (out / "claims.jsonl").read_text(encoding="utf-8").splitlines()]
    side = [json.loads(line) for line in (out / "claims.articles.jsonl").read_text(encoding="utf-8").splitlines()]
    story = {a["source"]: a["story"] for a in side}
    assert story["Fish Weekly"] == "fish-oil"  # from the manifest
    walk = story["Journal of Walking Research"]
    assert story["The Daily Ledger"] == story["Health Desk"] == walk != "fish-oil"  # grouped by content
    paper = next(a for a in side if a["source"] == "Journal of Walking Research")
    assert paper["meta"]["reference"] is True
    for c in claims:
        for field in ("story", "finding", "relation", "relation_basis", "reference_claim_id", "reference_strength",
                      "strength_cap", "exceeds_cap", "quantities", "number_flags"):
            assert field in c, field
    by_source = {}
    for c in claims:
        by_source.setdefault(c["source"], []).append(c)
    ledger_first = by_source["The Daily Ledger"][0]
    assert ledger_first["relation_basis"] == "reference"
    assert ledger_first["reference_claim_id"] in {c["claim_id"] for c in by_source["Journal of Walking Research"]}
    assert any(f["flag"] == "differs" for f in ledger_first["number_flags"])  # 35% vs 20%


def test_report_has_a_page_per_story_and_a_claim_review_per_claim(runs):
    out = runs[0]
    claims = (out / "claims.jsonl").read_text(encoding="utf-8").splitlines()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "stories/fish-oil.html" in index and (out / "stories" / "fish-oil.html").is_file()
    assert len(list((out / "stories").glob("*.html"))) == 2
    doc = json.loads((out / "claimreview.jsonld").read_text(encoding="utf-8"))
    assert len(doc["@graph"]) == len(claims)
    dates = {r["itemReviewed"]["appearance"].get("headline"): r.get("datePublished") for r in doc["@graph"]}
    assert dates["Daily walk cuts memory loss by a fifth"] == "2024-03-05"
    assert dates["Walking linked to slower memory decline"] is None
