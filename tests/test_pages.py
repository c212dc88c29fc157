"""Realistic pages: every health claim of the article body is found, nothing from the page furniture."""

import json
from pathlib import Path

import pytest

from pipeline.extract import iter_extracted
from pipeline.ingest import iter_inputs
from pipeline.records import Article

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = FIXTURES.parent.parent
CASES = sorted((FIXTURES / "pages").glob("*.html")) + sorted((ROOT / "claims" / "examples").iterdir())


def expected_for(page: Path) -> dict:
    folder = FIXTURES / "pages" if page.parent.name == "pages" else FIXTURES / "examples"
    return json.loads((folder / f"{page.stem}.expected.json").read_text())


@pytest.fixture(scope="module")
def extracted(nlp):
    items = list(iter_inputs([str(p) for p in CASES]))
    assert all(isinstance(i, Article) for i in items), [str(i) for i in items if not isinstance(i, Article)]
    return {Path(a.path).stem: (a, claims) for a, claims in iter_extracted(items, nlp=nlp)}


@pytest.mark.parametrize("page", CASES, ids=lambda p: p.stem)
def test_every_body_claim_is_found(page, extracted):
    article, claims = extracted[page.stem]
    expected = expected_for(page)
    assert article.source == expected["source"]
    found = [c["text"] for c in claims]
    missing = [e["text"] for e in expected["claims"] if not any(e["text"] in f for f in found)]
    assert not missing, f"claims not found: {missing}"


@pytest.mark.parametrize("page", CASES, ids=lambda p: p.stem)
def test_nothing_from_the_furniture_or_non_claims(page, extracted):
    article, claims = extracted[page.stem]
    expected = expected_for(page)
    leaked = [f for f in expected["furniture"] if f in article.text]
    assert not leaked, f"page furniture kept: {leaked}"
    claim_texts = [c["text"] for c in claims]
    wrong = [n for n in expected["not_claims"] if any(n == t or t == n.rstrip(".") for t in claim_texts)]
    assert not wrong, f"not claims, but extracted: {wrong}"
