"""Alignment of claims across sources, the per-source table and story grouping."""

import json
from pathlib import Path

import pytest

from pipeline.compare import align_claims, source_table, stories

FIXTURES = Path(__file__).parent / "fixtures" / "report"


def claim(cid, article, source, text, label="supported", strength=1, **extra):
    return {"claim_id": cid, "article_id": article, "source": source, "text": text, "label": label,
            "strength": strength, **extra}


@pytest.fixture()
def claims():
    return [
        claim("a1", "A", "Journal", "In the trial, daily fish oil capsules lowered triglyceride levels by 18% "
              "over 12 weeks in adults with obesity."),
        claim("a2", "A", "Journal", "Participants were recruited from four clinics in two cities."),
        claim("b1", "B", "Ledger", "Fish oil capsules cut triglycerides by 18% in 12 weeks, researchers found.",
              label="overstated", strength=3),
        claim("b2", "B", "Ledger", "Tooth decay is the most common chronic disease in children worldwide.",
              strength=0),
        claim("c1", "C", "Buzz", "Taking fish oil every day may lower your triglyceride levels by 18%.",
              label="hedged", strength=2),
    ]


def ids(groups):
    return [[c["claim_id"] for c in g] for g in groups]


def test_paraphrases_from_three_sources_align_and_unrelated_claims_stay_apart(claims):
    groups = ids(align_claims(claims, threshold=0.35))
    assert groups[0] == ["a1", "b1", "c1"]
    assert ["b2"] in groups and ["a2"] in groups
    assert sorted(sum(groups, [])) == sorted(c["claim_id"] for c in claims)


def test_alignment_is_deterministic_and_ordered(claims):
    first = ids(align_claims(claims, threshold=0.35))
    assert ids(align_claims(claims, threshold=0.35)) == first
    assert ids(align_claims([dict(c) for c in claims], threshold=0.35)) == first
    # singletons follow in order of first appearance
    assert first[1:] == [["a2"], ["b2"]]


def test_at_most_one_claim_per_article_in_a_group(claims):
    claims.append(claim("a3", "A", "Journal", "Fish oil lowered triglyceride levels by 18% in 12 weeks."))
    for group in align_claims(claims, threshold=0.2):
        articles = [c["article_id"] for c in group]
        assert len(articles) == len(set(articles))


def test_threshold_extremes_and_empty_input(claims):
    assert align_claims([], threshold=0.35) == []
    assert all(len(g) == 1 for g in align_claims(claims, threshold=1.01))
    assert align_claims([claim("x", "A", "S", "")], threshold=0.35)[0][0]["claim_id"] == "x"


def test_shared_numbers_help_alignment():
    base = [claim("a", "A", "S1", "Walking lowered memory decline by 20% over six years."),
            claim("b", "B", "S2", "Memory decline slowed by 20% with walking.")]
    other = [base[0], claim("b", "B", "S2", "Memory decline slowed by 35% with walking.")]
    from pipeline.compare import similarity

    assert similarity(base)[0, 1] > similarity(other)[0, 1]


def test_source_table(claims):
    claims.append(claim("a3", "A2", "Journal", "A second article.", label="hedged", strength=2,
                        abstain=True))
    rows = {r["source"]: r for r in source_table(claims)}
    journal = rows["Journal"]
    assert journal["n"] == 3 and journal["articles"] == 2 and journal["abstain"] == 1
    assert journal["counts"] == {"hedged": 1, "supported": 2, "overstated": 0}
    assert journal["shares"]["supported"] == pytest.approx(2 / 3)
    assert journal["mean_strength"] == pytest.approx(4 / 3)
    assert rows["Buzz"]["shares"] == {"hedged": 1.0, "supported": 0.0, "overstated": 0.0}


def test_source_table_orders_by_kind_then_name():
    claims = [claim("1", "A", "zeta news", "x", kind="news"), claim("2", "B", "Alpha blog", "y", kind="blog"),
              claim("3", "C", "Mid journal", "z", kind="journal")]
    assert [r["source"] for r in source_table(claims)] == ["Mid journal", "zeta news", "Alpha blog"]


def test_stories_group_by_story_field():
    articles = [{"article_id": "A", "story": "s1", "title": "T1"}, {"article_id": "B", "story": "", "title": "Same"},
                {"article_id": "C", "story": "", "title": "Same"}]
    cl = [claim("1", "A", "S", "x"), claim("2", "B", "S", "y"), claim("3", "C", "S", "z")]
    out = stories(articles, cl)
    assert [s["name"] for s in out] == ["s1", "Same"]
    assert [len(s["claims"]) for s in out] == [1, 2]
    articles[2]["title"] = "Different"
    assert stories(articles, cl)[1]["name"] == "All articles"


def test_fixture_story_aligns_the_headline_finding():
    cl = [json.loads(line) for line in (FIXTURES / "claims.jsonl").read_text().splitlines()]
    first = align_claims(cl, threshold=0.35)[0]
    assert {c["source"] for c in first} == {"Harbor University", "The Daily Ledger", "WellnessBuzz"}
    assert all("20%" in c["text"] for c in first)


def test_names_and_shared_exposure_and_outcome_help_alignment():
    from pipeline.compare import entities, finding_sides, similarity

    assert entities("In the STRIDE-BP trial, L-selectin and NRF2 levels fell, said Dr Smith of Riverton.") >= \
        {"stride-bp", "l-selectin", "nrf2", "smith", "riverton"}
    exposure, outcome = finding_sides("Daily fish oil capsules lowered triglyceride levels in adults.")
    assert {"fish", "oil"} <= exposure and "triglycerid" in outcome
    assert finding_sides("Participants were recruited from four clinics.") is None
    pair = [claim("a", "A", "S1", "Fish oil lowered triglycerides in the OMEGA-7 trial."),
            claim("b", "B", "S2", "Fish oil is cheap in the OMEGA-7 shops.")]
    swapped = [pair[0], claim("b", "B", "S2", "Triglycerides were lowered by fish oil.")]
    assert similarity(swapped)[0, 1] > similarity([pair[0], claim("b", "B", "S2", "Fish oil triglycerides.")])[0, 1]
    # a shared trial name adds to the similarity of claims that already share words
    no_name = [pair[0], claim("b", "B", "S2", "Fish oil is cheap in the shops.")]
    assert similarity(pair)[0, 1] > similarity(no_name)[0, 1]


def test_numbers_align_by_value_not_only_by_digits():
    from pipeline.compare import similarity

    words = [claim("a", "A", "S1", "Six in ten adults walk daily."), claim("b", "B", "S2", "60% of adults walk daily.")]
    other = [words[0], claim("b", "B", "S2", "45% of adults walk daily.")]
    assert similarity(words)[0, 1] > similarity(other)[0, 1]


def test_compare_run_flags_numbers_that_differ_within_a_finding():
    from pipeline.compare import compare_run

    articles = [{"article_id": "A", "source": "S1", "story": "walk", "text": ""},
                {"article_id": "B", "source": "S2", "story": "walk", "text": ""}]
    cl = [claim("a", "A", "S1", "Brisk walking cut memory decline by 20% over six years."),
          claim("b", "B", "S2", "Brisk walking cut memory decline by 35% over six years.")]
    stories_ = compare_run(articles, cl)
    assert len(stories_) == 1 and [[c["claim_id"] for c in g] for g in stories_[0]["groups"]] == [["a", "b"]]
    for c in cl:
        assert [f["flag"] for f in c["number_flags"] if f["flag"] == "differs"] == ["differs"]
        assert "20% (S1)" in c["number_flags"][-1]["message"] and "35% (S2)" in c["number_flags"][-1]["message"]
    assert stories_[0]["differs"] == {0: stories_[0]["differs"][0]}
    # running it again gives the same annotations (nothing is appended twice)
    before = json.dumps(cl, sort_keys=True)
    compare_run(articles, cl)
    assert json.dumps(cl, sort_keys=True) == before


def test_compare_run_gives_the_same_with_forked_processes(claims, monkeypatch):
    """``workers`` > 1 computes the stories' similarity in forked copies: same stories, rows, flags."""
    import copy

    from pipeline.compare import compare_run

    articles = [{"article_id": a, "source": s, "story": story, "text": ""}
                for a, s, story in (("A", "Journal", "fish"), ("B", "Ledger", "fish"), ("C", "Buzz", "fish"),
                                    ("D", "Daily", "walk"), ("E", "Weekly", "walk"))]
    extra = [claim("d1", "D", "Daily", "Walking lowers blood pressure by 5 points."),
             claim("e1", "E", "Weekly", "A daily walk lowered blood pressure by 5 points."),
             claim("e2", "E", "Weekly", "The study was small.")]

    def result(workers):
        cl = copy.deepcopy(claims + extra)
        out = compare_run(copy.deepcopy(articles), cl, workers=workers)
        rows = [[[c["claim_id"] for c in g] for g in s["groups"]] for s in out]
        return rows, json.dumps(cl, sort_keys=True, default=str)

    from pipeline import forkmap

    calls = []
    real = forkmap.fork_map
    monkeypatch.setattr(forkmap, "fork_map", lambda fn, items, workers: calls.append((len(items), workers))
                        or real(fn, items, workers))
    one, two = result(1), result(2)
    assert calls == [(2, 1), (2, 2)]  # both stories with several articles go to the map
    assert one == two
    rows = one[0]
    assert rows[0][0] == ["a1", "b1", "c1"]  # the fish-oil finding, three sources in one row
    assert ["d1", "e1"] in rows[1]
