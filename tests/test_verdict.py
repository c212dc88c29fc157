"""The verdict package: reasons in words, rules as features, the verdict model, webclaims matching."""

import numpy as np
import pytest

from pipeline import webclaims
from pipeline.verdict.reasons import reason
from pipeline.verdict.rules import fired_rules


@pytest.mark.parametrize("claim, label, hits, expected", [
    ({"text": "This miracle pill cures arthritis."}, "overstated", {"hype": "miracle"}, "hype wording"),
    ({"text": "Coffee cuts the risk of liver cancer.", "design": "observational"}, "overstated", {},
     "causal wording (\u2018cuts\u2019) for an observational study"),
    ({"text": "Studies show 70% of patients are cured.", "evidence_basis": "vague", "evidence_cue": "Studies show"},
     "overstated", {}, "figure with vague attribution (\u2018Studies show\u2019)"),
    ({"text": "The injections repair damaged tissue.", "treatment_status": "experimental"}, "overstated", {},
     "about a treatment the page calls experimental"),
    ({"text": "Results can vary, and more research is needed."}, "hedged", {"limits": "more research"},
     "states a limit of the evidence (\u2018more research\u2019)"),
    ({"text": "The drug may lower blood pressure."}, "hedged", {}, "tentative wording (\u2018may\u2019)"),
    ({"text": "Insulin is a hormone made by the pancreas.", "statement_kind": "background"}, "supported", {},
     "background fact"),
    ({"text": "Drinkers were more likely to fall ill.", "design": "observational"}, "supported", {},
     "correlational wording (\u2018more likely\u2019)"),
    ({"text": "Coffee cuts liver cancer risk", "headline": True, "design": "observational"}, "overstated", {},
     "headline: causal wording"),
])
def test_every_verdict_gets_a_reason_naming_its_cue(claim, label, hits, expected):
    assert expected in reason(claim, label, hits)


def test_rules_are_named_with_the_words_that_fired():
    hits = fired_rules("A breakthrough: experts say 80% of users improve, though larger trials are needed.")
    assert hits["hype"].lower() == "breakthrough"
    assert "80%" in hits["vague_figure"]
    assert "larger trials" in hits["limits"]
    assert fired_rules("Tea drinking reduces stroke risk.", "observational", 3, 0.9) == {"obs_causal": "direct causal wording"}
    assert fired_rules("Tea drinking reduces stroke risk.", "observational", 3, 0.5) == {}


def _toy_rows(n=60):
    from pipeline.verdict.estimator import verdict_frame

    rng = np.random.default_rng(0)
    texts = {"hedged": "may possibly help some people", "supported": "is a common condition in adults",
             "overstated": "cures the disease completely"}
    labels = [("hedged", "supported", "overstated")[i % 3] for i in range(n)]
    claims = [{"text": f"{texts[y]} {i}", "statement_kind": "background" if y == "supported" else "finding"}
              for i, y in enumerate(labels)]
    base_p = rng.dirichlet([1, 1, 1], size=n)
    strength_p = rng.dirichlet([1, 1, 1, 1], size=n)
    return verdict_frame(claims), labels, base_p, strength_p, rng.normal(size=(n, 8))


def test_verdict_model_learns_from_page_fields_and_words_with_and_without_the_vector():
    from pipeline.verdict.estimator import VerdictModel

    frame, labels, base_p, strength_p, emb = _toy_rows()
    model = VerdictModel(C=1.0).fit(frame, labels, base_p=base_p, strength_p=strength_p,
                                    strength_classes=[0, 1, 2, 3], embedding=emb)
    full = model.predict_proba(frame, base_p=base_p, strength_p=strength_p, embedding=emb)
    fast = model.predict_proba(frame, base_p=base_p, strength_p=strength_p)
    for p in (full, fast):
        assert np.allclose(p.sum(1), 1)
        assert (np.array(model.classes_)[p.argmax(1)] == np.array(labels)).mean() > 0.9
    assert model.decision(frame, base_p=base_p, strength_p=strength_p)[1] == "fast"


def test_temperature_fitted_on_held_out_logits_softens_overconfidence():
    from pipeline.verdict.estimator import fit_temperature

    rng = np.random.default_rng(1)
    y = [("hedged", "supported", "overstated")[i % 3] for i in range(300)]
    logits = rng.normal(size=(300, 3))
    for i, v in enumerate(y):  # right 60% of the time, at huge confidence
        logits[i, ("hedged", "supported", "overstated").index(v) if i % 5 < 3 else (i + 1) % 3] += 8
    assert fit_temperature(logits, y) > 2


def test_page_split_is_stable_and_about_a_quarter_test():
    ids = [f"x-{i}" for i in range(400)]
    splits = [webclaims.page_split(i) for i in ids]
    assert 0.18 < splits.count("test") / 400 < 0.32
    assert splits == [webclaims.page_split(i) for i in ids]


def test_gold_keys_match_one_claim_each_and_prefer_the_item_over_its_lead_in():
    claims = [
        {"text": "Patients in the trial reported: less fatigue", "lead_in": "Patients in the trial reported:"},
        {"text": "Patients in the trial reported: better sleep", "lead_in": "Patients in the trial reported:"},
        {"text": "The clinic is open on Sundays.", "lead_in": ""},
    ]
    gold = [{"key": "better sleep"}, {"key": "less fatigue"}, {"key": "open on  Sundays"}, {"key": "not there"}]
    claim_gold, gold_claim = webclaims.match_claims(claims, gold)
    assert gold_claim == [1, 0, 2, None]
    assert claim_gold == [1, 0, 2]


def test_verdict_settings_in_params_yaml_match_the_built_in_defaults():
    import yaml

    from pipeline.settings import DEFAULTS, PROJECT_DIR
    from pipeline.verdict.training import VERDICT_KEYS

    committed = yaml.safe_load((PROJECT_DIR / "params.yaml").read_text())["train"]
    assert {k: committed[k] for k in VERDICT_KEYS} == {k: DEFAULTS["train"][k] for k in VERDICT_KEYS}
