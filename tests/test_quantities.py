"""Comparable quantities in claims and the number flags (pipeline/quantities.py)."""

import pytest

from pipeline.quantities import differing_numbers, number_flags, quantities


def one(text):
    qs = quantities(text)
    assert len(qs) == 1, qs
    return qs[0]


@pytest.mark.parametrize("text, kind, value, bound", [
    ("Over 60% of adults walk daily.", "share", 0.6, ">="),
    ("Six in ten adults walk daily.", "share", 0.6, "="),
    ("Nearly a third of people walk.", "share", 1 / 3, "~"),
    ("Smoking doubled the risk of stroke.", "relative", 2.0, "="),
    ("The drug halved the risk of stroke.", "relative", 0.5, "="),
    ("Walkers had a 20% lower risk of dementia.", "relative", 0.8, "="),
    ("The pill cut the risk by 30 per cent.", "relative", 0.7, "="),
    ("Smokers were 3 times more likely to die.", "relative", 3.0, "="),
    ("Users were 50% more likely to sleep well.", "relative", 1.5, "="),
    ("Scores rose by 5 percentage points.", "points", 0.05, "="),
    ("Systolic pressure fell by 5.1 mmHg.", "measure", 5.1, "="),
    ("The trial enrolled about 4,000 adults.", "count", 4000.0, "~"),
])
def test_normalised_values(text, kind, value, bound):
    q = one(text)
    assert (q["kind"], q["bound"]) == (kind, bound)
    assert q["value"] == pytest.approx(value, abs=1e-6)
    assert text[q["start_char"]:q["end_char"]] == q["text"]


def test_from_a_to_b_is_one_change_with_its_factor_and_points():
    q = one("The risk of a fall rose from 2% to 4% in a year.")
    assert q["kind"] == "change" and q["start"] == pytest.approx(0.02) and q["end"] == pytest.approx(0.04)
    assert q["value"] == pytest.approx(2.0) and q["points"] == pytest.approx(0.02)
    q = one("Deaths fell from 2 in 100 to 1 in 100.")
    assert q["kind"] == "change" and q["value"] == pytest.approx(0.5)


def test_relative_risk_without_absolute_risk_is_flagged():
    flags = number_flags({"text": "Walkers had a 20% lower risk of dementia."})
    assert [f["flag"] for f in flags] == ["relative_only"] and "relative risk" in flags[0]["message"]
    assert number_flags({"text": "The risk fell from 2% to 1.6%, a 20% lower risk."}) == []
    # the absolute figure in the sentence before counts too
    assert number_flags({"text": "Walkers had a 20% lower risk.", "context": "Of non-walkers, 5 in 100 got dementia."}) == []


def test_counts_of_events_without_a_denominator_are_flagged():
    assert [f["flag"] for f in number_flags({"text": "In the trial 35 patients died after the injection."})] == \
        ["no_denominator"]
    assert [f["flag"] for f in number_flags({"text": "The clinic recorded 120 deaths last winter."})] == \
        ["no_denominator"]
    assert number_flags({"text": "35 of the 400 patients died."}) == []
    assert number_flags({"text": "The study followed 4,200 adults for six years."}) == []  # a sample, not an outcome


def test_numbers_that_differ_between_sources():
    same = [{"claim_id": "a", "source": "A", "text": "Walking cut memory decline by 20% in 4,200 adults."},
            {"claim_id": "b", "source": "B", "text": "A 20 per cent slower memory decline was seen."}]
    assert differing_numbers(same) == []
    differ = [same[0], {"claim_id": "c", "source": "C", "text": "Walking cuts memory decline by 35%."}]
    out = differing_numbers(differ)
    assert [(d["kind"], [v["text"] for v in d["values"]]) for d in out] == [("relative", ["20%", "35%"])]
    # bounds: "more than 4,000" is consistent with 4,200; "six in ten" with "60%"
    assert differing_numbers([{"text": "It followed more than 4,000 adults."},
                              {"text": "It followed 4,200 adults."}]) == []
    assert differing_numbers([{"text": "Six in ten adults walk."}, {"text": "60% of adults walk."}]) == []
    assert differing_numbers([{"text": "Half of adults walk."}, {"text": "90% of adults walk."}]) != []


def test_annotations_made_where_claims_were_classified_are_reused_when_still_valid():
    import copy

    from pipeline.quantities import annotate

    claims = [{"text": "The drug cut the risk of stroke by 30% in 1,200 adults.", "context": ""},
              {"text": "Deaths fell by half.", "context": ""}]
    fresh = annotate(copy.deepcopy(claims))
    again = copy.deepcopy(fresh)
    again[0]["number_flags"].append({"flag": "differs", "text": "", "message": "numbers differ between sources"})
    assert annotate(again, reuse=True) == fresh  # the comparison's own flags go; the rest is kept
    stale = copy.deepcopy(fresh)
    stale[0]["text"] = "The drug cut the risk of stroke by 40% in 900 adults."  # edited after classifying
    redone = annotate(stale, reuse=True)
    assert [q["text"] for q in redone[0]["quantities"]] == ["40%", "900 adults"]
