"""Headline claims (CODEBOOK section 1): a title that states a finding is a claim, marked
``headline: true``; topic titles, product names and questions are not. Fixtures written for this
test."""

from __future__ import annotations

import json

import pytest

from pipeline import claim_rules as rules
from pipeline.records import Article

BODY = "A study of 2,000 patients found that people who took statins were less likely to develop dementia."


def _extract(nlp, text, title=""):
    from pipeline.extract import iter_extracted

    ((_, claims),) = list(iter_extracted([Article(article_id="h", text=text, title=title, source="s")], nlp=nlp))
    return claims


@pytest.mark.parametrize("title", [
    "Coffee cuts liver cancer risk",
    "Statins linked to lower dementia risk",
    "Daily Aspirin Brings No Benefit for Healthy Older Adults, Trial Finds",
    "Fizzwell: The Breakthrough Transforming Weight Loss",
    "Baby gut microbes may offer a clue to later asthma",
    "The Natural Way to Lower Cholesterol",
])
def test_a_first_line_stating_a_finding_is_a_headline_claim(nlp, title):
    text = f"{title}\n\n{BODY}"
    claims = _extract(nlp, text)
    head = claims[0]
    assert head["headline"] is True and head["text"] == title
    assert (head["start_char"], head["end_char"]) == (0, len(title)) and head["segments"] == [[0, len(title)]]
    assert head["sentence_index"] == 0
    assert all(c["headline"] is False for c in claims[1:]) and any(c["text"] == BODY for c in claims)


@pytest.mark.parametrize("title", [
    "Stem cells for lupus: what you need to know",
    "Is coffee good for your liver?",
    "Brain-Building Blend for Busy Students",
    "Statins: Side Effects",
    "Why Melatonin Gummies Belong on Your Nightstand",
    "Keep Your Heart Healthy",
    "Heart Clinic Announces Results of Its Annual Survey",
])
def test_topic_titles_product_names_and_questions_are_not_claims(nlp, title):
    claims = _extract(nlp, f"{title}\n\n{BODY}")
    assert [c["text"] for c in claims] == [BODY]
    assert claims[0]["headline"] is False


def test_a_metadata_only_title_yields_no_claim_and_a_repeated_one_counts_once(nlp):
    """A title outside the text has no offsets in it (pipeline.extract._finish): no claim; a title
    that is also the text's first line is judged there, once."""
    title = "Coffee cuts liver cancer risk"
    assert [c["text"] for c in _extract(nlp, BODY, title=title)] == [BODY]
    claims = _extract(nlp, f"{title}\n\n{BODY}", title=title)
    assert [(c["headline"], c["text"]) for c in claims] == [(True, title), (False, BODY)]


def test_first_pass_and_extract_article_find_the_same_headlines(nlp):
    from pipeline.extract import extract_article, iter_extracted
    from pipeline.firstpass import iter_extracted_selective

    arts = [
        Article(article_id="a", text=f"Coffee cuts liver cancer risk\n\n{BODY}", source="s"),
        Article(article_id="b", text="Statins linked to lower dementia risk\n\nThe match ended in a draw.\n\n"
                "The bridge was closed on Saturday.\n\nFans went home happy after the game.", source="s"),
        Article(article_id="c", text="Weekend traffic report\n\nThe bridge was closed on Saturday.\n\n"
                "Walking cuts blood pressure in adults\n\nThe band will play at noon.", source="s"),
    ]
    full = list(iter_extracted(arts, nlp=nlp))
    fast = list(iter_extracted_selective(arts, nlp=nlp))
    assert json.dumps([c for _, c in fast], sort_keys=True) == json.dumps([c for _, c in full], sort_keys=True)
    # a finding-shaped line further down is a heading's place, not the headline's
    heads = [[c["text"] for c in claims if c["headline"]] for _, claims in full]
    assert heads == [["Coffee cuts liver cancer risk"], ["Statins linked to lower dementia risk"], []]
    for article, claims in full:
        assert extract_article(nlp(article.text), article) == claims


def test_title_shapes():
    assert rules.title_line_end("Coffee cuts risk\n\nBody.") == 16
    assert rules.title_line_end("Coffee cuts risk.\n\nBody.") is None  # a sentence, judged as one
    assert rules.title_line_end("- an item\n") is None and rules.title_line_end("\nlate") is None
    assert rules.sentence_case("Vitamin D Pills Protect Against Colds: FDA Study") == \
        "Vitamin D pills protect against colds: FDA study"
