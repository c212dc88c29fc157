"""The codebook's explicit cases: hype, vague figures, animal results and limits (sentences written for the tests)."""

import pytest

from pipeline.verdict.rules import apply_rule, codebook_rule


@pytest.mark.parametrize(
    "text, design, label",
    [
        ("A daily stroll could be the cure we have all been waiting for.", "experimental", "overstated"),
        ("This is a game-changer for people with asthma.", "unknown", "overstated"),
        ("Experts say 70% of patients could stop their pills.", "unknown", "overstated"),
        ("Studies show eight in ten cases are preventable.", "unknown", "overstated"),
        ("The compound cleared fat from the liver.", "animal", "overstated"),
        ("A larger trial of 1,200 adults is under way.", "experimental", "hedged"),
        ("The trial lasted only 12 weeks.", "experimental", "hedged"),
        ("Results varied widely from one trial to the next.", "review", "hedged"),
        ("Eating nuts every day cuts the risk of heart disease, a study suggests.", "observational", "overstated"),
    ],
)
def test_rules_follow_the_codebook(text, design, label):
    rule = codebook_rule(text, design, strength=3)
    assert rule is not None and rule[0] == label


@pytest.mark.parametrize(
    "text, design",
    [
        ("There is no cure for the disease yet, and treatment aims to slow it.", "unknown"),
        ("Walking lowered systolic blood pressure by 5 mmHg in the trial.", "experimental"),
        ("The compound cleared fat from the livers of mice.", "animal"),
        ("Eating nuts every day cuts the risk of heart disease, a trial found.", "experimental"),
    ],
)
def test_rules_stay_quiet_otherwise(text, design):
    rule = codebook_rule(text, design, strength=3)
    assert rule is None or rule[0] != "overstated"


def test_apply_rule_keeps_a_distribution():
    out = apply_rule({"hedged": 0.2, "supported": 0.7, "overstated": 0.1}, ("overstated", "hype"), 0.6)
    assert abs(sum(out.values()) - 1) < 1e-9 and max(out, key=out.get) == "overstated"


def test_causal_wording_for_an_observational_study_needs_a_confident_strength():
    text = "Eating nuts every day cuts the risk of heart disease."
    assert codebook_rule(text, "observational", strength=3, strength_p=0.9)[0] == "overstated"
    assert codebook_rule(text, "observational", strength=3, strength_p=0.5) is None
    assert codebook_rule(text, "observational", strength=1, strength_p=0.9) is None
    assert codebook_rule(text, "unknown", strength=3, strength_p=0.9) is None
