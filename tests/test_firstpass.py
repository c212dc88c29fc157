"""The selective first pass finds exactly the claims of the full pass, while parsing less."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from pipeline.records import Article

ROOT = Path(__file__).resolve().parent.parent

# Fictional articles written for this test: health paragraphs among paragraphs without any health
# word (which the first pass may skip: whole articles, the tail of an article, and runs before a
# line whose second word cannot start a sentence, such as a quote), follow-ups that are claims only
# because of the sentence before, lists whose lead-in carries the health term, lines of one
# paragraph, headings.
TEXTS = [
    "Weekend traffic report\n\n"
    "The bridge was closed on Saturday. Drivers waited for two hours and the mayor apologised.\n\n"
    "The council will repaint the railings in June.\n\n"
    "A new drug lowered blood pressure in a trial of 400 adults. It cut the risk of stroke by a third.\n\n"
    "The weather stayed dry all week. Ferries ran on time.\n\n"
    "Tickets for the summer festival go on sale next month.\n\n"
    "The band will play at noon on the main square.\n\n"
    "Parking is free after six. The trains run late on Fridays.\n",

    "Coffee and your heart\n\n"
    "Researchers found that drinking coffee was linked to fewer heart attacks in an observational study.\n"
    "The effect was larger in women.\n"
    "It held after they accounted for smoking.\n\n"
    "The café on the corner changed its opening hours.\n\n"
    "The study found the following benefits of a daily walk:\n"
    "- lower blood pressure\n"
    "- better sleep in older adults\n"
    "- fewer colds over the winter\n\n"
    "The team reported two things:\n"
    "- the numbers went up\n"
    "- the trend continued\n\n"
    "Parking near the stadium is limited. Buses leave every ten minutes.\n\n"
    "The mayor opened the new library on Monday.\n\n"
    "The shelves hold twenty thousand books.\n\n"
    "\u201cVaccines save lives,\u201d the nurse said. The clinic gave 300 flu shots in a week.\n\n"
    "The library opens at nine.\n",

    "Opinion\n\n"
    "I cannot believe the queue at the post office. It went round the block twice.\n\n"
    "Our garden club meets on Tuesdays. New members are welcome.\n\n"
    "Vitamin D supplements may reduce the risk of fractures, according to a review of 20 trials. "
    "The authors cautioned that the evidence is weak.\n\n"
    "See you next week.\n",

    "No health here at all. The match ended in a draw. Fans went home happy.\n",

    "",
]


def articles(texts) -> list[Article]:
    return [Article(article_id=f"t{i}", text=t, source="Test", path=f"t{i}.txt") for i, t in enumerate(texts)]


def both(nlp, arts):
    from pipeline.extract import iter_extracted
    from pipeline.firstpass import PassStats, iter_extracted_selective

    full = [(a.article_id, claims) for a, claims in iter_extracted(arts, nlp=nlp)]
    stats = PassStats()
    fast = [(a.article_id, claims) for a, claims in iter_extracted_selective(arts, nlp=nlp, stats=stats)]
    return full, fast, stats


def test_same_claims_as_the_full_pass_while_skipping_text(nlp):
    full, fast, stats = both(nlp, articles(TEXTS))
    assert json.dumps(fast, sort_keys=True) == json.dumps(full, sort_keys=True)
    assert sum(len(c) for _, c in full) >= 6  # the texts do hold claims
    # not parsed: article 3 (no health word), the tails of articles 0 and 1, the run of paragraphs
    # before the quote in article 1
    assert stats.skipped >= 1 and stats.partial >= 2
    assert stats.parsed_tokens < 0.9 * stats.tokens


def test_same_claims_on_the_examples(nlp):
    from pipeline.ingest import iter_inputs

    arts = [a for a in iter_inputs([str(ROOT / "claims" / "examples")]) if isinstance(a, Article)]
    full, fast, _ = both(nlp, arts)
    assert fast == full


def test_each_paragraph_alone_gives_the_same_claims(nlp):
    """Every article made of one paragraph of the test texts, and of every pair of them: regions
    then start and end at every possible place."""
    paragraphs = [p for t in TEXTS for p in t.split("\n\n") if p.strip()]
    texts = paragraphs + ["\n\n".join(pair) for pair in itertools.combinations(paragraphs[:10], 2)]
    full, fast, _ = both(nlp, articles(texts))
    assert fast == full


def test_plan_parses_whole_text_when_everything_may_hold_claims(nlp):
    from pipeline.firstpass import Planner

    text = "Aspirin lowered the risk of heart attacks. Doctors welcomed the study.\n\nThe drug is cheap."
    doc = nlp.make_doc(text)
    assert Planner(nlp).regions(doc, text) is None  # None: parse the whole text


@pytest.mark.slow
def test_same_claims_on_300_real_articles(nlp):
    """FakeHealth news and press releases (the benchmark's corpus): no claim lost or changed."""
    from pipeline.ingest import iter_inputs
    from pipeline.settings import data_dir

    path = data_dir() / "fakehealth" / "articles.jsonl"
    if not path.is_file():
        pytest.skip(f"no {path}")
    arts = [a for a in itertools.islice(iter_inputs([str(path)]), 300) if isinstance(a, Article)]
    full, fast, stats = both(nlp, arts)
    assert fast == full
    assert sum(len(c) for _, c in full) > 1000


def test_probe_stops_planning_while_it_saves_nothing_and_claims_stay_the_same(nlp):
    from pipeline.firstpass import PassStats, Probe, iter_extracted_selective

    health = [t for t in TEXTS if t][2]  # every block can hold a claim: nothing to spare
    arts = articles([health] * 3 + TEXTS)
    probe = Probe(sample=3, rest=4)
    stats = PassStats()
    fast = [(a.article_id, c) for a, c in iter_extracted_selective(arts, nlp=nlp, stats=stats, probe=probe)]
    full, _, _ = both(nlp, arts)
    assert fast == full
    # the 3 sampled articles spared nothing, so the next 4 (TEXTS[0] to [3], which planning parses
    # in part) went whole without planning; the last one (empty) was planned again
    assert (stats.whole, stats.partial, stats.skipped) == (7, 0, 1)
    assert probe.unplanned_left == 0
    planned = PassStats()
    list(iter_extracted_selective(arts, nlp=nlp, stats=planned))
    assert planned.partial >= 2 and planned.parsed_tokens < stats.parsed_tokens == stats.tokens
