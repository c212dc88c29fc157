"""Judging claims against the original source or the study design (pipeline/evidence.py, compare_run)."""

import pytest

from pipeline.compare import compare_run
from pipeline.evidence import reference_article, strength_cap


def claim(cid, article, source, text, strength, design="unknown", kind="news", **kw):
    return {"claim_id": cid, "article_id": article, "source": source, "kind": kind, "text": text,
            "strength": strength, "label": "supported", "design": design, "story": "s", **kw}


def article(aid, source, kind="news", **kw):
    return {"article_id": aid, "source": source, "kind": kind, "story": "s", "text": "", "title": "", **kw}


J = "In the cohort study, brisk walking was associated with a 20% slower memory decline over six years."


@pytest.fixture()
def story():
    articles = [article("n", "Ledger"), article("j", "Journal", kind="journal"), article("b", "Buzz", kind="blog")]
    claims = [
        claim("n1", "n", "Ledger", "Brisk walking cuts memory decline by 20%, a six-year study found.", 3,
              "observational"),
        claim("n2", "n", "Ledger", "Brisk walking was linked to a 20% slower memory decline.", 1, "observational"),
        claim("j1", "j", "Journal", J, 1, "observational", kind="journal"),
        claim("b1", "b", "Buzz", "Walking may slow memory decline by 20%, researchers think.", 2, kind="blog"),
        claim("b2", "b", "Buzz", "Green tea prevents every cancer known to science.", 3, kind="blog"),
    ]
    return articles, claims


def by_id(claims):
    return {c["claim_id"]: c for c in claims}


def test_reference_is_the_journal_then_the_press_release_then_a_given_reference():
    arts = [article("a", "A"), article("p", "P", kind="press_release"), article("j", "J", kind="journal")]
    assert reference_article(arts)["article_id"] == "j"
    assert reference_article(arts[:2])["article_id"] == "p"
    assert reference_article(arts[:1]) is None
    arts.append(article("r", "R", meta={"reference": True}))
    assert reference_article(arts)["article_id"] == "r"


def test_news_claims_are_judged_against_the_aligned_reference_statement(story):
    articles, claims = story
    compare_run(articles, claims, {"compare": {"align_threshold": 0.35}})
    c = by_id(claims)
    assert (c["n1"]["relation"], c["n1"]["relation_basis"], c["n1"]["reference_claim_id"]) == \
        ("exaggerates", "reference", "j1")
    assert (c["n1"]["reference_strength"], c["n1"]["strength_cap"], c["n1"]["exceeds_cap"]) == (1, 2, True)
    assert (c["n2"]["relation"], c["n2"]["reference_claim_id"]) == ("same", "j1")  # the second match, by similarity
    assert c["b1"]["relation"] == "exaggerates" and c["b1"]["exceeds_cap"] is False  # "may" is within the design
    # not in the reference: judged against the design (the reference's, since the blog names none)
    assert (c["b2"]["relation"], c["b2"]["relation_basis"], c["b2"]["reference_claim_id"]) == \
        ("exaggerates", "design", None)
    # the reference's own claims are judged against their design
    assert (c["j1"]["relation"], c["j1"]["relation_basis"], c["j1"]["reference_claim_id"]) == ("same", "design", None)
    for x in claims:
        assert x["finding"].startswith("s#")


def test_a_faithful_claim_can_still_exceed_what_the_design_carries(story):
    articles, claims = story
    claims[2]["strength"] = 3  # the journal itself says "cuts"
    compare_run(articles, claims)
    n1 = by_id(claims)["n1"]
    assert (n1["relation"], n1["exceeds_cap"], n1["strength_cap"]) == ("same", True, 2)


def test_without_a_reference_the_articles_own_design_decides():
    articles = [article("n", "Ledger"), article("m", "Mirror")]
    claims = [claim("n1", "n", "Ledger", "Walking cuts memory decline, a cohort study found.", 3, "observational"),
              claim("m1", "m", "Mirror", "Walking cut blood pressure in a randomised trial.", 3, "experimental"),
              claim("m2", "m", "Mirror", "Walking is good.", 0, "experimental"),
              claim("n2", "n", "Ledger", "Nobody knows what the study was.", 2, "unknown")]
    compare_run(articles, claims)
    c = by_id(claims)
    assert (c["n1"]["relation"], c["n1"]["relation_basis"], c["n1"]["exceeds_cap"]) == ("exaggerates", "design", True)
    assert (c["m1"]["relation"], c["m1"]["exceeds_cap"]) == ("same", False)
    assert c["m2"]["relation"] is None  # strength 0 states no relationship
    assert c["n2"]["relation_basis"] == "design"  # falls back to the design most claims of the story describe


def test_animal_evidence_caps_unless_the_claim_names_the_animals():
    assert strength_cap("observational") == 2 and strength_cap("experimental") == 3
    assert strength_cap("unknown") is None and strength_cap("review") is None
    assert strength_cap("animal", "The drug shrank tumours.") == 2
    assert strength_cap("animal", "The drug shrank tumours in mice.") == 3


def test_bare_claims_with_a_reference_column_keep_their_relation():
    claims = [{"claim_id": "x", "article_id": "a", "text": "Coffee cuts cancer.", "strength": 3, "reference":
               "Coffee was linked to less cancer.", "reference_strength": 1, "relation": "exaggerates",
               "design": "observational"}]
    compare_run([], claims)
    assert (claims[0]["relation"], claims[0]["relation_basis"], claims[0]["exceeds_cap"]) == \
        ("exaggerates", "reference", True)
