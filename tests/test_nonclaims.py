"""Non-claims on health web pages (CODEBOOK section 1) and sentences kept whole: headings, list
headings and step names, sentences about the article itself, shop calls to action; list items set
out as paragraphs; no sentence loses its first word. Fixtures written for this test."""

from __future__ import annotations

import pytest

from pipeline import claim_rules as rules
from pipeline.records import Article


def _texts(nlp, text):
    from pipeline.extract import iter_extracted

    ((_, claims),) = list(iter_extracted([Article(article_id="n", text=text, source="s")], nlp=nlp))
    return [c["text"] for c in claims]


@pytest.mark.parametrize("quote", ["'", "\u2019"])
def test_no_sentence_loses_its_first_word(nlp, quote):
    text = (f"Knee care\n\nHere{quote}s how the implant eases pain: it spreads the load across the knee joint.\n\n"
            f"It{quote}s the cartilage that wears first in arthritis, and doctors can{quote}t regrow it.")
    doc = nlp(text)
    for span in list(doc.spans["claims"]) + list(doc.spans["claims_rejected"]):
        assert not span.text.startswith(("'", "\u2019")), span.text
    assert any(t.startswith("It") for t in _texts(nlp, text))


def test_a_line_the_parser_cuts_after_its_first_word_stays_whole(nlp):
    texts = _texts(nlp, "Bone drugs\nAlendronate is a bisphosphonate medicine that slows bone loss.")
    assert texts == ["Alendronate is a bisphosphonate medicine that slows bone loss."]


def test_sentences_about_the_article_and_their_lists_are_not_claims(nlp):
    text = ("Knee surgery at our clinic\n\nHere's an overview of the process:\n\n- Consultation\n- Surgery\n"
            "- Recovery & Monitoring\n\nIn this article we explain what the operation involves for patients.\n\n"
            "Most patients walk again within two weeks of the operation.")
    assert _texts(nlp, text) == ["Most patients walk again within two weeks of the operation."]


def test_step_names_and_section_headings_are_not_claims(nlp):
    text = ("Our treatment has three stages:\n\n- Initial Assessment\n- Recovery & Monitoring\n\n"
            "Recovery and Aftercare\n\nThe first visit takes an hour and costs $90 at the clinic.")
    assert _texts(nlp, text) == ["The first visit takes an hour and costs $90 at the clinic."]


def test_list_items_set_out_as_paragraphs_are_read_with_their_lead_in(nlp):
    text = ("Our doctors can prescribe the injection to adults who:\n\n"
            "Have a BMI of 30 or above\n\nAre ready to change their diet\n\n"
            "Most patients lose about a tenth of their weight within a year.")
    texts = _texts(nlp, text)
    assert "Our doctors can prescribe the injection to adults who: Have a BMI of 30 or above" in texts
    assert "Our doctors can prescribe the injection to adults who: Are ready to change their diet" in texts
    assert texts[-1] == "Most patients lose about a tenth of their weight within a year."


def test_shop_calls_to_action_are_not_claims(nlp):
    text = ("Our zinc lozenges ease cold symptoms within minutes.\n\n"
            "Try them risk-free for 30 days.\n\nBrowse our cold and flu range and save 15% on your first order.")
    assert _texts(nlp, text) == ["Our zinc lozenges ease cold symptoms within minutes."]


def test_advice_whose_only_causal_word_is_the_advice_is_not_a_claim(nlp):
    text = ("Statins lower cholesterol in most adults.\n\nDo not stop taking your statin without advice.\n\n"
            "Swap white bread for oats, which release their sugar slowly and keep blood sugar steady.")
    texts = _texts(nlp, text)
    assert "Do not stop taking your statin without advice." not in texts
    assert "Swap white bread for oats, which release their sugar slowly and keep blood sugar steady." in texts


def test_rules_on_strings():
    assert rules.is_label("Recovery & Monitoring") and rules.is_label("Initial Assessment")
    assert not rules.is_label("Reduced fatigue") and not rules.is_label("Fatigue")
    assert rules.continues_list("Have a BMI of 30 or above")
    assert not rules.continues_list("Where physiotherapy comes in") and not rules.continues_list("It works.")
    assert rules.is_about_article("Here's an overview of the process:")
    assert rules.is_about_article("In this article we explain what happens.")
    assert rules.is_first_person("Within a few weeks I felt worse.") and not rules.is_first_person("It cut pain.")
