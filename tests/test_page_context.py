"""The claim read in its page (pipeline.page_context): statement kind, evidence basis, treatment
status and register. Texts written for this test."""

from __future__ import annotations

import json

import pytest

from pipeline.records import Article

# one sentence per paragraph, so each is judged alone
SENTENCES = {
    "Some homeopaths believe that water keeps a memory of the remedies diluted in it.": ("belief", "none"),
    "Advocates say the injections rebuild cartilage in the knee.": ("belief", "none"),
    "Our experienced team administers every injection in a safe, sterile setting.": ("selling", "none"),
    "Traditional treatments only mask the symptoms of arthritis.": ("selling", "none"),
    "The therapy is designed to reduce inflammation in the joint.": ("aim", "none"),
    "The evidence for stem cell injections in knee arthritis is limited.": ("evidence_state", "none"),
    "More research is needed before the injections can be recommended for arthritis.": ("evidence_state", "none"),
    "A 2019 review of 12 trials found no benefit of the injections for knee pain.": ("evidence_state", "named"),
    "In one trial, patients who received the injections reported less knee pain than those given a placebo.":
        ("finding", "scoped"),
    "Research shows that 80% of patients with arthritis are pain-free after one injection.": ("finding", "vague"),
    "Osteoarthritis is a condition in which the cartilage in a joint wears down.": ("background", "none"),
    "Each injection takes about 30 minutes and costs $1,500.": ("procedure", "none"),
    "The injections reduce pain and repair damaged cartilage.": ("finding", "none"),
}
CUES = {
    "A 2019 review of 12 trials": "2019 review",
    "In one trial": "In one trial",
    "Research shows": "Research shows",
}


def _article(text: str, article_id: str = "pc") -> Article:
    return Article(article_id=article_id, text=text, source="Test", path=f"{article_id}.txt")


@pytest.fixture(scope="module")
def records(nlp):
    from pipeline.extract import extract_article

    text = "Knee injections\n\n" + "\n\n".join(SENTENCES)
    return {c["text"]: c for c in extract_article(nlp(text), _article(text))}


@pytest.mark.parametrize("sentence", list(SENTENCES))
def test_statement_kind_and_evidence_basis(records, sentence):
    claim = records[sentence]
    assert (claim["statement_kind"], claim["evidence_basis"]) == SENTENCES[sentence]
    cue = next((v for k, v in CUES.items() if sentence.startswith(k)), "")
    assert claim["evidence_cue"] == cue
    assert (claim["evidence_cue"] == "") == (claim["evidence_basis"] == "none")


def test_values_are_the_documented_strings(records):
    from pipeline.page_context import EVIDENCE_BASES, REGISTERS, STATEMENT_KINDS, TREATMENT_STATUSES

    for claim in records.values():
        assert claim["statement_kind"] in STATEMENT_KINDS
        assert claim["evidence_basis"] in EVIDENCE_BASES
        assert claim["treatment_status"] in TREATMENT_STATUSES
        assert claim["register"] in REGISTERS
        assert claim["register_cues"] == sorted(set(claim["register_cues"]))


def test_page_fields_are_the_same_on_every_claim(records):
    pages = {(c["treatment_status"], c["register"], tuple(c["register_cues"])) for c in records.values()}
    # a selling page about remedies and stem cells: sold outside mainstream care
    assert pages == {("experimental", "selling", ("$", "our team"))}


@pytest.mark.parametrize("text, status", [
    ("The drug is experimental and has not been approved for children.", "experimental"),
    ("The injections are not FDA-approved for knee pain.", "experimental"),
    ("Doctors sometimes prescribe it off-label.", "experimental"),
    ("A new therapy for migraine reached clinics this year.", "new"),
    ("An emerging treatment uses sound waves.", "new"),
    ("Metformin is the first-line treatment for type 2 diabetes.", "established"),
    ("The drug was approved by the FDA in 2017.", "established"),
    ("Aspirin has been used for decades to prevent heart attacks.", "established"),
    # several: experimental > new > established
    ("The cutting-edge therapy is still investigational; the standard treatment is surgery.", "experimental"),
    ("Unlike the standard treatment, the new drug is taken once a month.", "new"),
    ("Walking is good for the heart.", "unknown"),
])
def test_treatment_status(text, status):
    from pipeline.page_context import page_signals

    assert page_signals(text)["treatment_status"] == status


def test_selling_page_outside_mainstream_care_is_experimental():
    from pipeline.page_context import page_signals

    text = ("Our herbal blend supports joints. The capsules contain turmeric extract and ginger extract.\n\n"
            "Order your supply today.")
    assert page_signals(text) == {"treatment_status": "experimental", "register": "selling",
                                  "register_cues": ["buy", "order now"]}
    assert page_signals("The capsules contain turmeric extract and ginger extract, a herbal remedy.")[
        "treatment_status"] == "unknown"


@pytest.mark.parametrize("text, register, cues", [
    ("Book a free consultation with our team today.", "selling", ["book a consultation", "free consultation",
                                                                   "our team"]),
    ("Call us on 555 0100. Each session is $200 per session.", "selling", ["$", "call us", "per session"]),
    ("We offer laser therapy at our clinic in the city centre.", "selling", ["our clinic", "we offer"]),
    ("Save 20% off your first order: order now.", "selling", ["discount", "order now"]),
    # a price alone, or one provider word, is news or patient information, not selling
    ("The drug costs $1,300 a month in the United States.", "neutral", ["$"]),
    ("Our team found that the drug lowered blood pressure, the lead author said.", "neutral", ["our team"]),
    ("Migraine affects one in seven adults.", "neutral", []),
])
def test_register(text, register, cues):
    from pipeline.page_context import page_signals

    got = page_signals(text)
    assert (got["register"], got["register_cues"]) == (register, cues)


def test_register_cues_at_most_eight():
    from pipeline.page_context import MAX_REGISTER_CUES, page_signals

    text = ("Book a consultation. Call us. Schedule a visit. Contact our clinic. Big discounts. Order now. "
            "Free consultation. Buy today. $99 per session. Our team and our patients. We offer more. "
            "Our products and our clinic. We may receive a commission from affiliate links.")
    cues = page_signals(text)["register_cues"]
    assert len(cues) == MAX_REGISTER_CUES and cues == sorted(cues)


def test_doc_and_span_extensions(nlp):
    text = "Book a consultation today.\n\nSome advocates claim that the tea cures arthritis."
    doc = nlp(text)
    assert doc._.cc_register == "selling" and doc._.cc_register_cues == ["book a consultation"]
    assert doc._.cc_treatment_status == "unknown"
    (claim,) = [c for c in doc.spans["claims"] if "advocates" in c.text]
    assert claim._.cc_statement_kind == "belief"
    assert claim._.cc_evidence_basis == "none" and claim._.cc_evidence_cue == ""


def test_context_sentence_names_the_study_of_a_claim_that_points_back(nlp):
    from pipeline.extract import extract_article

    text = ("A trial published in the Journal of Sleep Research tested the pill in 300 adults with insomnia. "
            "In the trial, participants who took the pill fell asleep 20 minutes faster.")
    claims = extract_article(nlp(text), _article(text))
    second = next(c for c in claims if c["text"].startswith("In the trial"))
    assert second["evidence_basis"] in ("named", "scoped")
    first = next(c for c in claims if c["text"].startswith("A trial published"))
    assert first["evidence_basis"] == "named" and "published in the Journal" in first["evidence_cue"]


def test_negated_and_counted_mentions_are_not_sources(nlp):
    from pipeline.extract import extract_article

    text = ("No clinical trial has tested the tea in people with arthritis.\n\n"
            "Only two small trials have tested the cream for eczema.")
    claims = {c["text"]: c for c in extract_article(nlp(text), _article(text))}
    assert claims["No clinical trial has tested the tea in people with arthritis."]["evidence_basis"] != "scoped"
    counted = claims["Only two small trials have tested the cream for eczema."]
    assert counted["statement_kind"] == "evidence_state" and counted["evidence_basis"] == "none"


# page-level fields come from the whole article, also when the first pass parses only regions
PAGE = ("Garden news\n\n"
        "The roses bloomed early this year. Volunteers weeded the beds on Sunday.\n\n"
        "Stem cell injections are an experimental treatment for knee pain. "
        "The injections repair damaged cartilage.\n\n"
        "The allotment fair opens at ten.\n\n"
        "Parking is free on Saturdays. The café sells cake.\n\n"
        "Call us today to book your place.\n")


def test_first_pass_gives_the_same_fields_and_page_fields_from_the_whole_article(nlp):
    from pipeline.extract import iter_extracted
    from pipeline.firstpass import PassStats, iter_extracted_selective

    arts = [_article(PAGE, "garden"), _article("Aspirin lowers the risk of a second heart attack.", "plain")]
    full = [(a.article_id, c) for a, c in iter_extracted(arts, nlp=nlp)]
    stats = PassStats()
    fast = [(a.article_id, c) for a, c in iter_extracted_selective(arts, nlp=nlp, stats=stats)]
    assert json.dumps(fast, sort_keys=True) == json.dumps(full, sort_keys=True)
    assert stats.parsed_tokens < stats.tokens  # the selling paragraph was not parsed
    garden = dict(full)["garden"]
    assert garden and all(c["register"] == "selling" and c["treatment_status"] == "experimental" for c in garden)
    assert all(c["register_cues"] == ["call us"] for c in garden)
    assert {c["register"] for c in dict(full)["plain"]} == {"neutral"}


def test_cheap_pipeline_without_parse(nlp):
    from pipeline.extract import extract_article
    from pipeline.nlp import load_nlp

    cheap = load_nlp(full=False)
    text = "Some advocates claim that the tea cures arthritis.\n\nMore research is needed on the tea for arthritis."
    claims = extract_article(cheap(text), _article(text))
    kinds = {c["text"]: c["statement_kind"] for c in claims}
    assert kinds == {"Some advocates claim that the tea cures arthritis.": "belief",
                     "More research is needed on the tea for arthritis.": "evidence_state"}


def test_component_is_last_and_cli_help_imports_no_nlp():
    import subprocess
    import sys

    code = ("import sys, pipeline.cli; "
            "print(sorted(m for m in ('spacy', 'thinc', 'pipeline.page_context') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "[]", out.stderr
