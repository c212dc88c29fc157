"""Extraction: Article -> claim records; claim rules (types, furniture)."""

import hashlib

import pytest

from pipeline import claim_rules as rules
from pipeline.extract import EXTRACT_FIELDS, claim_id, extract_article, iter_extracted
from pipeline.records import Article

ARTICLE = """Walking After Meals Steadies Blood Sugar

By Sam Rivera
Published 3 March 2026

A randomised trial of 400 adults with type 2 diabetes found that a 15-minute walk after dinner lowered blood sugar by 12%. The effect may be smaller in people who already exercise, the researchers said.

Is it worth trying?

Participants in the walking group reported:
- Better sleep
- Less joint pain

Serious side effects occurred in 2% of participants. Each coaching session costs about $40 and is rarely insured.
Sign up for our newsletter.
"""


def _article(text=ARTICLE, **kw):
    return Article(article_id=kw.pop("article_id", "art-1"), text=text, title="Walking", source="Harbour",
                   kind="news", story="walk", url="https://example.org/a", path="a.html", **kw)


@pytest.fixture(scope="module")
def claims(nlp):
    ((article, out),) = list(iter_extracted([_article()], nlp=nlp))
    return out


def _by_text(claims, start):
    return next(c for c in claims if c["text"].startswith(start))


def test_records_have_exactly_the_extract_fields(claims):
    assert claims
    for c in claims:
        assert set(c) == set(EXTRACT_FIELDS)
        assert c["article_id"] == "art-1" and c["source"] == "Harbour" and c["story"] == "walk"
        assert c["kind"] == "news" and c["title"] == "Walking" and c["url"] == "https://example.org/a"
        assert c["path"] == "a.html"


def test_which_sentences_are_claims(claims):
    texts = [c["text"] for c in claims]
    assert [c["headline"] for c in claims] == [True] + [False] * 6
    assert texts == [
        "Walking After Meals Steadies Blood Sugar",  # the first line states a finding: the headline
        "A randomised trial of 400 adults with type 2 diabetes found that a 15-minute walk after dinner "
        "lowered blood sugar by 12%.",
        "The effect may be smaller in people who already exercise, the researchers said.",
        "Participants in the walking group reported: Better sleep",
        "Participants in the walking group reported: Less joint pain",
        "Serious side effects occurred in 2% of participants.",
        "Each coaching session costs about $40 and is rarely insured.",
    ]


def test_offsets_slice_back(claims):
    for c in claims:
        own = c["text"][len(c["lead_in"]) + 1:] if c["lead_in"] else c["text"]
        assert ARTICLE[c["start_char"]:c["end_char"]] == own
        assert " ".join(ARTICLE[s:e] for s, e in c["segments"]) == c["text"]
        assert c["segments"][-1] == [c["start_char"], c["end_char"]]
        for cue in c["cues"]:
            assert ARTICLE[cue["start_char"]:cue["end_char"]] == cue["text"]
        for number in c["numbers"]:
            assert ARTICLE[number["start_char"]:number["end_char"]] == number["text"]
    plain = _by_text(claims, "A randomised")
    assert ARTICLE[plain["start_char"]:plain["end_char"]] == plain["text"]
    assert plain["segments"] == [[plain["start_char"], plain["end_char"]]]


def test_list_items_joined_with_lead_in(claims):
    lead = "Participants in the walking group reported:"
    items = [c for c in claims if c["lead_in"]]
    assert [ARTICLE[c["start_char"]:c["end_char"]] for c in items] == ["Better sleep", "Less joint pain"]
    for c in items:
        assert c["lead_in"] == lead
        assert c["context"] == lead
        (ls, le), (s, e) = c["segments"]
        assert ARTICLE[ls:le] == lead and c["text"] == lead + " " + ARTICLE[s:e]


def test_ids_order_and_sorting(claims):
    assert [c["sentence_index"] for c in claims] == list(range(len(claims)))
    assert [c["start_char"] for c in claims] == sorted(c["start_char"] for c in claims)
    c = claims[0]
    expected = hashlib.sha1(f"art-1:{c['start_char']}:{c['end_char']}:{c['text']}".encode()).hexdigest()[:16]
    assert c["claim_id"] == expected == claim_id("art-1", c["start_char"], c["end_char"], c["text"])
    assert len({c["claim_id"] for c in claims}) == len(claims)


def test_cues_numbers_types_design_context(claims):
    trial = _by_text(claims, "A randomised")
    assert trial["type"] == "efficacy"
    assert ("causal", "lowered") in [(q["label"], q["text"]) for q in trial["cues"]]
    assert [n["text"] for n in trial["numbers"]] == ["400 adults", "15-minute", "12%"]
    assert trial["design"] == "experimental" and "randomised" in trial["design_evidence"]
    assert trial["context"] == ""  # first sentence of its paragraph

    hedged = _by_text(claims, "The effect may")
    assert {"hedge", "attribution"} <= {q["label"] for q in hedged["cues"]}
    assert hedged["context"] == trial["text"]
    assert hedged["design"] == "experimental"

    assert _by_text(claims, "Serious side effects")["type"] == "safety"
    assert _by_text(claims, "Each coaching session")["type"] == "practical"


def test_deterministic(nlp, claims):
    again = extract_article(nlp(ARTICLE), _article())
    assert again == claims


def test_empty_and_claimless_articles(nlp):
    arts = [_article("", article_id="empty"), _article("Sign up for our newsletter.\n\nAll rights reserved.",
                                                       article_id="none"), _article(article_id="full")]
    out = list(iter_extracted(arts, nlp=nlp, batch_size=2))
    assert [a.article_id for a, _ in out] == ["empty", "none", "full"]
    assert out[0][1] == [] and out[1][1] == [] and out[2][1]


def test_min_max_words(nlp):
    text = "Aspirin thins blood. Daily aspirin lowered the risk of a second heart attack in the trial."
    short = list(iter_extracted([_article(text)], nlp=nlp, params={"extract": {"min_words": 4, "max_words": 120}}))
    assert [c["text"] for c in short[0][1]] == ["Daily aspirin lowered the risk of a second heart attack in the trial."]
    loose = list(iter_extracted([_article(text)], nlp=nlp, params={"extract": {"min_words": 1, "max_words": 120}}))
    assert len(loose[0][1]) == 2
    tight = list(iter_extracted([_article(text)], nlp=nlp, params={"extract": {"min_words": 1, "max_words": 5}}))
    assert [c["text"] for c in tight[0][1]] == ["Aspirin thins blood."]


def test_long_text_is_processed_in_pieces(nlp, monkeypatch):
    import pipeline.extract as ex

    para = "Daily aspirin lowered the risk of a second heart attack in the trial."
    text = "\n\n".join([para] * 30)
    monkeypatch.setattr(ex, "CHUNK_CHARS", 300)
    ((_, out),) = list(iter_extracted([_article(text)], nlp=nlp))
    assert len(out) == 30
    for c in out:
        assert text[c["start_char"]:c["end_char"]] == para


# ----------------------------------------------------------------------------- rules
@pytest.mark.parametrize("text, expected", [
    ("Daily walking lowers blood pressure in older adults.", "efficacy"),
    ("The vaccine cut hospital admissions by half.", "efficacy"),
    ("Serious bleeding occurred in 2% of patients.", "safety"),
    ("The most common side effects were nausea and headache.", "safety"),
    ("The drug was well tolerated in the trial.", "safety"),
    ("Migraine affects about one in seven adults.", "prevalence"),
    ("About 12% of adults in the country have diabetes.", "prevalence"),
    ("Heart disease is the leading cause of death in women.", "prevalence"),
    ("The drug blocks a receptor that triggers inflammation.", "mechanism"),
    ("The gene makes a protein that clears plaques from the brain.", "mechanism"),
    ("The procedure is offered only to patients who failed two drugs.", "eligibility"),
    ("Adults over 65 are eligible for a free flu jab.", "eligibility"),
    ("The pill is approved for adults with severe asthma.", "eligibility"),
    ("Only two small trials have tested the vaccine so far.", "evidence"),
    ("The evidence is limited and larger trials are needed.", "evidence"),
    ("Studies have produced mixed results for vitamin D.", "evidence"),
    ("Each session costs several thousand dollars and is rarely insured.", "practical"),
    ("The treatment is available at 40 clinics across the country.", "practical"),
    ("Patients need two one-hour sessions a week.", "practical"),
])
def test_claim_type(text, expected):
    assert rules.claim_type(text) == expected


@pytest.mark.parametrize("text, whole_line, expected", [
    ("New Pill Halves Heart Attack Risk", True, True),
    ("Walking after meals linked to steadier blood sugar", True, True),
    ("The drug lowered blood pressure in the trial.", True, False),
    ("Patients in the trial reported:", True, False),
    ("the drug lowered blood pressure in the trial", False, False),
])
def test_is_heading(text, whole_line, expected):
    assert rules.is_heading(text, whole_line=whole_line) is expected


@pytest.mark.parametrize("text, expected", [
    ("Daily walks may lower blood pressure in older adults", True),
    ("Tea drinkers were less likely to develop dementia, researchers say", True),
    ("What the new study found", False),
    ("New Pill Halves Heart Attack Risk", False),
    ("Side effects of the new asthma inhaler", False),
    ("Walking after meals linked to steadier blood sugar", False),
])
def test_reads_as_sentence(nlp, text, expected):
    assert rules.reads_as_sentence(nlp(text)[:]) is expected


def test_line_without_full_stop_in_a_run_of_lines_is_a_claim(nlp):
    """Plain text with one paragraph per line: a key point lacking its full stop is a sentence, not
    a heading; the same line set apart by blank lines stays a heading."""
    point = "Daily walks lowered blood pressure in older adults"
    lede = "A trial of 300 adults found that walking every day lowered blood pressure."
    ((_, run),) = list(iter_extracted([_article(f"{point}\n{lede}")], nlp=nlp))
    assert [c["text"] for c in run] == [point, lede]
    ((_, apart),) = list(iter_extracted([_article(f"{point}\n\n{lede}")], nlp=nlp))
    assert [(c["text"], c["headline"]) for c in apart] == [(point, True), (lede, False)]  # the opening line: a headline
    ((_, later),) = list(iter_extracted([_article(f"{lede}\n\n{point}\n\n{lede}")], nlp=nlp))
    assert [c["text"] for c in later] == [lede, lede]  # set apart further down: a heading


@pytest.mark.parametrize("text, expected", [
    ("By Jane Doe", True),
    ("By Jane Doe, Health Reporter", True),
    ("Photo: Getty Images", True),
    ("Published 3 March 2026", True),
    ("By 2030, dementia cases will double.", False),
    ("By cutting salt, patients lowered their blood pressure.", False),
])
def test_is_byline(text, expected):
    assert rules.is_byline(text) is expected


def test_furniture_helpers():
    assert rules.is_question("Is it safe?")
    assert rules.is_question('"Does it work?"')
    assert not rules.is_question("It works.")
    assert rules.is_boilerplate("© 2026 Harbour Ledger. All rights reserved.")
    assert rules.is_boilerplate("Home | Health | Science | Opinion")
    assert rules.is_about_article("This story was produced with support from a foundation.")
    assert not rules.is_about_article("The report found that 20% of adults sleep badly.")
    assert rules.strip_bullet("- Reduced fatigue") == ("Reduced fatigue", 2)
    assert rules.strip_bullet("Reduced fatigue") == ("Reduced fatigue", 0)
    assert rules.final_punct('He said it works."') == "."
    assert rules.has_number("It fell by 12%.") and not rules.has_number("In 2019 it was launched.")


def _pieces(text):
    found = rules.glued_pieces(text)
    return None if found is None else [(text[s:e], furniture) for s, e, furniture in found]


@pytest.mark.parametrize("text, expected", [
    ("8 Comments Jo Bloggs, health editor 3 MAY 2026 • 9:41AM A daily pill cut migraine days by a third.",
     [("8 Comments", True), ("Jo Bloggs, health editor", False), ("3 MAY 2026 • 9:41AM", True),
      ("A daily pill cut migraine days by a third.", False)]),
    ("Click to share on Facebook (Opens in new window) 2 COMMENTS Sleeping pills raise the risk of falls.",
     [("Click to share on Facebook (Opens in new window)", True), ("2 COMMENTS", True),
      ("Sleeping pills raise the risk of falls.", False)]),
    ("Updated: 4th June 2026, 10:15 am A survey found that 40 per cent of nurses sleep badly.",
     [("Updated: 4th June 2026, 10:15 am", True), ("A survey found that 40 per cent of nurses sleep badly.", False)]),
    ("This article is 2 months old Shares 120 Save for later Statins lower cholesterol in older adults.",
     [("This article is 2 months old", True), ("Shares 120", True), ("Save for later", True),
      ("Statins lower cholesterol in older adults.", False)]),
    ("Walnuts may help the heart 07:30, 2 FEB 2026 BY SAM RIVERA Eating walnuts lowered cholesterol.",
     [("Walnuts may help the heart", False), ("07:30, 2 FEB 2026", True), ("BY SAM RIVERA", True),
      ("Eating walnuts lowered cholesterol.", False)]),
    # ordinary sentences with times, dates or "by" are left alone
    ("Doses were given at 8:00 and again at noon.", None),
    ("The drug was approved on 3 March 2026 for adults.", None),
    ("Cases were confirmed by NHS England officials.", None),
    ("Share prices of the drug maker fell after the trial.", None),
])
def test_glued_pieces(text, expected):
    assert _pieces(text) == expected


def test_glued_furniture_is_cut_from_the_claim(nlp):
    text = ("Coffee and the liver\n\n"
            "14 Comments Jo Bloggs, health editor 3 MAY 2026 • 9:41AM Drinking three cups of coffee a day "
            "was linked to a lower risk of liver disease, a large study has found. It followed 9,000 adults.\n")
    ((_, out),) = list(iter_extracted([_article(text)], nlp=nlp))
    texts = [c["text"] for c in out]
    assert ("Drinking three cups of coffee a day was linked to a lower risk of liver disease, "
            "a large study has found.") in texts
    assert not any("Comments" in t or "9:41AM" in t for t in texts)


@pytest.mark.parametrize("text", [
    # health words the lexicon once lacked: the sentences were rejected as "not about health"
    "Living near busy roads was tied to a higher rate of stillbirth in the survey.",
    "Unwashed chopping boards spread the bacteria behind food poisoning, the inspectors warn.",
    "A new throat spray may slow the spread of gonorrhoea, the clinic reports.",
    "Teenagers whose friends drink are more likely to be an alcoholic drinker at 30.",
])
def test_health_lexicon_sentences_are_claims(nlp, text):
    ((_, out),) = list(iter_extracted([_article(text)], nlp=nlp))
    assert [c["text"] for c in out] == [text]
