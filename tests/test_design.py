"""Study design from wording (pipeline.design)."""

import pytest

from pipeline.design import article_design_mentions, article_designs, design_for_claim, detect_design


@pytest.mark.parametrize("text, design, evidence", [
    # observational
    ("In a cohort study of 9,000 nurses, coffee was linked to fewer strokes.", "observational", "cohort study"),
    ("The researchers followed 12,000 adults for ten years.", "observational", "followed 12,000 adults"),
    ("A survey of 2,000 parents found most children sleep too little.", "observational", "survey"),
    ("The team analysed health records of 40,000 patients.", "observational", "analysed health records of 40,000 patients"),
    ("A case-control study compared 300 patients with 600 healthy people.", "observational", "case-control study"),
    ("Data from a national registry showed higher rates in men.", "observational", "registry"),
    ("A cross-sectional analysis of 5,000 workers found more back pain.", "observational", "cross-sectional analysis"),
    # experimental
    ("A randomised controlled trial of 500 patients tested the drug.", "experimental", "randomised controlled trial"),
    ("Volunteers were randomly assigned to the pill or a placebo.", "experimental", "were randomly assigned to"),
    ("The phase 3 trial enrolled 2,000 people.", "experimental", "phase 3 trial"),
    ("Half took the supplement and half took a placebo.", "experimental", "placebo"),
    # animal
    ("Mice given the compound lived 20% longer.", "animal", "Mice"),
    ("The drug killed tumour cells in a petri dish.", "animal", "petri dish"),
    ("In an animal study, the gene therapy restored hearing.", "animal", "animal study"),
    ("The randomised trial in rats showed benefit.", "animal", "in rats"),
    # review
    # a pooled analysis of trials is experimental evidence; of other studies, a review
    ("A meta-analysis of 12 randomised trials found a small effect.", "experimental", "meta-analysis"),
    ("A meta-analysis of 12 cohort studies found a small effect.", "review", "meta-analysis"),
    ("A systematic review of the evidence was published last year.", "review", "systematic review"),
    ("The authors pooled data from 30 studies.", "review", "pooled data"),
    # unknown
    ("The new drug lowers blood pressure.", "unknown", ""),
    ("", "unknown", ""),
])
def test_detect_design(text, design, evidence):
    assert detect_design(text) == (design, evidence)


def test_weak_hints_only_when_nothing_explicit():
    assert detect_design("Eating nuts is linked to a longer life.") == ("observational", "linked to")
    assert detect_design("Nuts were linked to longer life in a randomised trial.")[0] == "experimental"
    assert detect_design("The trial is still recruiting.") == ("experimental", "trial")


ARTICLE = (
    "Coffee and your heart\n\n"
    "A large cohort study tracked 50,000 adults for 20 years. Coffee drinkers had fewer heart attacks.\n\n"
    "In a separate experiment, mice were fed caffeine. The mice lived longer."
)


def test_article_designs_positions():
    mentions = article_designs(ARTICLE)
    assert [(d, ev) for _, _, d, ev in mentions] == [("observational", "cohort study"), ("animal", "mice"), ("animal", "mice")]
    for start, end, _, ev in mentions:
        assert ARTICLE[start:end].lower() == ev.lower()


def test_design_for_claim_closest_before_else_most_frequent():
    mentions = article_design_mentions(ARTICLE)
    heart = ARTICLE.index("Coffee drinkers")
    assert design_for_claim(mentions, heart, heart + 30) == ("observational", "cohort study")
    mice = ARTICLE.index("The mice lived")
    assert design_for_claim(mentions, mice, mice + 10)[0] == "animal"
    # the heading comes before any mention: the article's most frequent design
    assert design_for_claim(mentions, 0, 10)[0] == "animal"
    assert design_for_claim([], 0, 10) == ("unknown", "")


def test_explicit_mention_beats_closer_weak_hint():
    text = "A randomised trial tested the pill. Pill users were linked to fewer colds."
    mentions = article_design_mentions(text)
    start = text.index("Pill users")
    assert design_for_claim(mentions, start, len(text)) == ("experimental", "randomised trial")


@pytest.mark.parametrize("text, design", [
    # observational studies in news wording
    ("Researchers analysed the effects of blood thinners given to 2 million people.", "observational"),
    ("The team looked at the use of sleeping pills by nearly 80,000 pensioners.", "observational"),
    ("Scientists examined the diets of 12,000 women over a decade.", "observational"),
    ("In a study of 40,000 Swedes, tea drinkers had fewer fractures.", "observational"),
    ("Population studies show the pattern in many countries.", "observational"),
    ("The researchers compared people who walked daily with those who did not.", "observational"),
    ("Those who ate the most fibre were less likely to develop diabetes.", "observational"),
    # a trial mentioned in the same sentence wins over "analysed data from ... patients"
    ("They analysed data from 600 patients in the randomised trial.", "experimental"),
    # a pooled analysis of trials is experimental evidence; counted studies make a review
    ("The team analysed data from 9,000 people who took part in 20 clinical trials.", "experimental"),
    ("The researchers pooled results from 14 cohort studies.", "review"),
    ("They combined information from 30 studies across Europe.", "review"),
    # lab work on cells is animal/lab evidence; cells in a mechanism are not
    ("The compound was tested on human cancer cells.", "animal"),
    ("Cells were grown in a dish and exposed to the drug.", "animal"),
    ("Insulin resistance occurs when cells fail to respond to insulin.", "unknown"),
    # "peer-reviewed" is not a review
    ("The findings were published in a peer-reviewed journal.", "unknown"),
    # an experimental treatment is no design
    ("An experimental drug shrank the tumours of most patients.", "unknown"),
])
def test_news_wording(text, design):
    assert detect_design(text)[0] == design


def test_background_mentions_do_not_decide():
    # earlier work cited for context is only a weak hint
    assert detect_design("Previous studies in mice had suggested a benefit.")[0] == "animal"
    text = ("A large cohort study of 30,000 nurses tracked their coffee intake. "
            "In line with studies in animal models, coffee drinkers had a lower risk of MS.")
    mentions = article_design_mentions(text)
    start = text.index("In line")
    assert design_for_claim(mentions, start, len(text)) == ("observational", "cohort study")
    text = "Earlier trials have found no benefit. The new survey of 5,000 adults found a link."
    start = text.index("The new")
    assert design_for_claim(article_design_mentions(text), start, len(text))[0] == "observational"


def test_pool_story_designs():
    from pipeline.design import pool_story_designs

    claims = [
        {"story": "s1", "design": "observational", "design_evidence": "cohort study"},
        {"story": "s1", "design": "observational", "design_evidence": "survey"},
        {"story": "s1", "design": "experimental", "design_evidence": "trial"},
        {"story": "s1", "design": "unknown", "design_evidence": ""},
        {"story": "s2", "design": "unknown", "design_evidence": ""},
        {"story": "", "design": "unknown", "design_evidence": ""},
    ]
    out = pool_story_designs(claims)
    assert [(c["design"], c["design_evidence"]) for c in out] == [
        ("observational", "cohort study"), ("observational", "survey"), ("experimental", "trial"),
        ("observational", "cohort study"), ("unknown", ""), ("unknown", "")]
    assert claims[3]["design"] == "unknown"  # the input is not changed


@pytest.mark.parametrize("text, design", [
    # a lab study may test people: an experiment, not animal evidence
    ("In a lab study, volunteers who focused on a screen missed quiet sounds.", "experimental"),
    ("The therapy was first developed in the laboratory.", "experimental"),
    # cells in the lab are lab evidence
    ("The drug killed cancer cells grown in the lab.", "animal"),
    ("A compound slowed tumour growth in lab-grown tissue.", "animal"),
])
def test_lab_wording(text, design):
    assert detect_design(text)[0] == design


class _Stub:
    """A model stand-in: overstated for an observational claim, supported otherwise; strength 3."""

    class _Label:
        classes_ = ["hedged", "overstated", "supported"]

        def predict_proba(self, frame):
            import numpy as np

            return np.array([[0.0, 0.9, 0.1] if d == "observational" else [0.0, 0.1, 0.9] for d in frame["design"]])

    class _Strength:
        classes_ = [0, 1, 2, 3]

        def predict_proba(self, frame):
            import numpy as np

            return np.tile([0.0, 0.0, 0.0, 1.0], (len(frame), 1))

    label, strength = _Label(), _Strength()


def test_rejudge_story_designs_relabels_claims_of_unknown_design():
    from pipeline.classify import classify_claims, rejudge_story_designs

    claims = classify_claims([
        {"story": "s1", "text": "Walkers had fewer colds in the cohort.", "design": "observational",
         "design_evidence": "cohort"},
        {"story": "s1", "text": "Walking prevents colds.", "design": "unknown", "design_evidence": ""},
        {"story": "s2", "text": "Tea prevents colds.", "design": "unknown", "design_evidence": ""},
    ], _Stub())
    assert [c["label"] for c in claims] == ["overstated", "supported", "supported"]
    assert rejudge_story_designs(claims, _Stub()) == 1
    assert (claims[1]["design"], claims[1]["design_evidence"], claims[1]["label"], claims[1]["design_basis"]) == \
        ("observational", "cohort", "overstated", "story")
    assert claims[2]["design"] == "unknown" and "design_basis" not in claims[2]  # no design in its story


def test_story_designs_switch_in_compare_run(tmp_path, monkeypatch):
    import pipeline.compare as compare

    calls = []
    monkeypatch.setattr(compare, "_rejudge", lambda claims, path, params: calls.append(path) or 0)
    articles = [{"article_id": "a", "story": "s", "text": "x"}]
    compare.compare_run(articles, [], {"compare": {"story_designs": False}}, model_path="m.skops")
    compare.compare_run(articles, [], {"compare": {"story_designs": True}})  # no model: nothing to do
    assert calls == []
    compare.compare_run(articles, [], {"compare": {"story_designs": True}}, model_path="m.skops")
    assert calls == ["m.skops"]


# ----------------------------------------------------------------------------- no study described
@pytest.mark.parametrize("text", [
    # trials said to be scarce, limited or lacking
    "Controlled trials are still scarce.",
    "Few randomised trials exist for this use.",
    "Randomized controlled trials remain limited.",
    "There is a lack of clinical trials in children.",
    "Only two small trials have tested the vaccine so far.",
    # negated
    "No controlled trials have been done.",
    "The claim has never been tested in a randomised trial.",
    "Not a single placebo-controlled study has been published.",
    # vague plural mentions
    "Early studies hint at a benefit for sleep.",
    "Small trials have reported less pain.",
    "Some trials found fewer colds.",
    # calls for more trials, trials still to come
    "Larger trials are needed before the drug can be recommended.",
    "Experts call for more randomised controlled trials.",
    "Clinical trials are under way.",
    "Further cohort studies are needed to confirm the link.",
])
def test_no_design_from_mentions_that_describe_no_study(text):
    assert detect_design(text) == ("unknown", "")


@pytest.mark.parametrize("text, design", [
    # specific descriptions still count, whatever adjective they carry
    ("A small randomised trial of 40 patients found less pain.", "experimental"),
    ("In a new randomised trial, the drug cut migraines by half.", "experimental"),
    ("The drug did not work in the randomised trial.", "experimental"),
    ("Early studies in mice hint at a benefit.", "animal"),
    ("Several cohort studies of 10,000 nurses found a link.", "observational"),
    ("Trials in 2019 and 2021 showed a benefit.", "experimental"),
])
def test_specific_mentions_still_give_the_design(text, design):
    assert detect_design(text)[0] == design


def test_claim_does_not_take_its_design_from_a_statement_that_trials_are_lacking():
    text = ("Stem cells repair damaged cartilage. Controlled trials are still scarce, "
            "and larger trials are needed.")
    mentions = article_design_mentions(text)
    assert mentions == []
    assert design_for_claim(mentions, 0, text.index(".") + 1) == ("unknown", "")


def test_placebo_effect_is_no_design():
    assert detect_design("Part of the benefit could be a placebo effect.") == ("unknown", "")
    assert detect_design("We would need a proper randomised trial to rule out a placebo effect.") == ("unknown", "")
