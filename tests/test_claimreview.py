"""schema.org ClaimReview export (pipeline/claimreview.py)."""

import json
from pathlib import Path

from pipeline.claimreview import claim_reviews, iso_date, write_claimreview
from pipeline.compare import compare_run
from pipeline.report import read_side_file

FIXTURES = Path(__file__).parent / "fixtures" / "report"


def load():
    claims = [json.loads(line) for line in (FIXTURES / "claims.jsonl").read_text(encoding="utf-8").splitlines()]
    articles, _ = read_side_file(FIXTURES / "claims.articles.jsonl")
    compare_run(articles, claims)
    return claims, articles


def test_one_claim_review_per_claim_with_the_required_fields():
    claims, articles = load()
    doc = claim_reviews(claims, articles)
    assert doc["@context"] == "https://schema.org"
    reviews = doc["@graph"]
    assert len(reviews) == len(claims) and [r["identifier"] for r in reviews] == [c["claim_id"] for c in claims]
    by_id = {c["claim_id"]: c for c in claims}
    for r in reviews:
        c = by_id[r["identifier"]]
        assert r["@type"] == "ClaimReview" and r["claimReviewed"] == c["text"]
        assert r["author"] == {"@type": "Organization", "name": "claimcheck"}
        assert r["reviewRating"]["@type"] == "Rating" and r["reviewRating"]["alternateName"] == c["label"]
        assert r["reviewRating"]["ratingExplanation"].startswith(c["label"].capitalize())
        assert r["reviewRating"]["ratingValue"] == c["strength"]
        assert r["itemReviewed"]["@type"] == "Claim"
        assert r["itemReviewed"]["appearance"]["url"] == c["url"]
        assert r["url"] == f"articles/{c['article_id']}.html#c-{c['claim_id']}"
    dated = {r["identifier"]: r.get("datePublished") for r in reviews}
    assert dated[claims[0]["claim_id"]] == "2024-03-04"
    assert dated[[c for c in claims if c["article_id"] == "blog-buzz"][0]["claim_id"]] is None  # unknown: left out
    news = next(r for r in reviews if r["claimReviewed"].startswith("A daily 30-minute walk cuts"))
    assert "Stronger than the press release (Harbor University) (strength 3 vs 1)" in \
        news["reviewRating"]["ratingExplanation"]


def test_without_a_url_the_appearance_is_the_input_path_and_output_is_deterministic(tmp_path):
    claims, articles = load()
    for c in claims:
        c["url"] = "javascript:alert(1)" if c["article_id"] == "pr-harbor" else c["url"]
    for a in articles:
        if a["article_id"] == "pr-harbor":
            a["url"] = ""
            a["path"] = "/home/alice/in/pr-harbor.html"
            a["published"] = "1546059600.0"  # a Unix timestamp, as FakeHealth stores dates
    for c in claims:
        if c["article_id"] == "pr-harbor":
            c["path"] = "/home/alice/in/pr-harbor.html"
    one = write_claimreview(tmp_path / "a.jsonld", claims, articles).read_bytes()
    two = write_claimreview(tmp_path / "b.jsonld", list(reversed(claims)), articles).read_bytes()
    assert one == two and b"/home/alice" not in one
    first = json.loads(one)["@graph"][0]
    assert first["itemReviewed"]["appearance"]["url"] == "pr-harbor.html"
    assert first["datePublished"] == "2018-12-29"


def test_iso_date():
    assert iso_date("2024-03-04") == "2024-03-04"
    assert iso_date("2024-03-04T10:00:00Z") == "2024-03-04T10:00:00Z"
    assert iso_date("2024-03-04 garbage") == "2024-03-04"
    assert iso_date("") == "" and iso_date("yesterday") == "" and iso_date(None) == ""
