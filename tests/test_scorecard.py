"""The HealthNewsReview-style checklist and per-source scorecards (pipeline/scorecard.py)."""

from pipeline.scorecard import ITEMS, checklist, source_scorecards

GOOD = (
    "In a randomised controlled trial of 412 adults, daily walking lowered systolic blood pressure by 5.1 mmHg "
    "compared with usual care. "
    "Side effects were mild: 3% of walkers reported knee pain. "
    "A walking programme costs about $40 a month, and some insurers cover it. "
    "The trial was small and short, and larger trials are needed. "
    "\"It is a sensible, modest result,\" said Dr Lee, who was not involved in the study. "
    "Current treatments such as blood pressure drugs work better for severe hypertension. "
    "The programme is available now through community clinics. "
    "Previous studies have linked walking with lower blood pressure. "
    "The study was funded by the National Heart Foundation."
)
HYPE = "This miracle pill is a breakthrough that cures diabetes, and it is coming soon."


def test_every_item_is_satisfied_with_the_spans_that_show_why():
    result = checklist(GOOD)
    assert list(result) == list(ITEMS)
    assert {item: r["ok"] for item, r in result.items()} == dict.fromkeys(ITEMS, True)
    for item, r in result.items():
        if item == "sensational":
            assert r["spans"] == []
            continue
        assert r["spans"], item
        for span in r["spans"]:
            assert GOOD[span["start_char"]:span["end_char"]] == span["text"]
    texts = {item: [s["text"] for s in r["spans"]] for item, r in result.items()}
    assert texts["benefits"] == ["5.1 mmHg"]
    assert texts["harms"] == ["Side effects"]
    assert texts["independent"] == ["who was not involved"]
    assert "randomised controlled trial" in texts["evidence"] and "412 adults" in texts["evidence"]
    assert texts["funding"] == ["funded"]


def test_hype_and_missing_items():
    result = checklist(HYPE)
    assert result["sensational"]["ok"] is False
    assert [s["text"] for s in result["sensational"]["spans"]] == ["miracle", "breakthrough", "cures"]
    assert [i for i, r in result.items() if r["ok"]] == []
    assert checklist("")["sensational"]["ok"] is True


def test_benefits_need_numbers_about_an_outcome_not_background():
    assert not checklist("Diabetes affects 1 in 10 adults worldwide.")["benefits"]["ok"]
    assert checklist("Half of the patients on the drug improved, compared with a fifth on placebo.")["benefits"]["ok"]
    assert not checklist("Fewer side effects were seen than with current drugs.")["harms"]["ok"]  # a benefit claim


def test_source_scorecards_merge_articles_and_count_relations():
    articles = [{"article_id": "a", "source": "Ledger", "kind": "news", "text": GOOD},
                {"article_id": "b", "source": "Ledger", "kind": "news", "text": HYPE},
                {"article_id": "j", "source": "Journal", "kind": "journal", "text": ""}]
    claims = [
        {"claim_id": "1", "article_id": "a", "source": "Ledger", "kind": "news", "label": "overstated", "strength": 3,
         "relation": "exaggerates", "relation_basis": "reference", "reference_strength": 1, "exceeds_cap": True},
        {"claim_id": "2", "article_id": "b", "source": "Ledger", "kind": "news", "label": "hedged", "strength": 2,
         "relation": "same", "relation_basis": "reference", "reference_strength": 2, "exceeds_cap": False},
        {"claim_id": "3", "article_id": "j", "source": "Journal", "kind": "journal", "label": "supported",
         "strength": 1, "relation": "same", "relation_basis": "design"},
    ]
    cards = {c["source"]: c for c in source_scorecards({"articles": articles, "claims": claims,
                                                        "reference": articles[2]})}
    ledger, journal = cards["Ledger"], cards["Journal"]
    assert ledger["relations"] == {"exaggerates": 1, "same": 1, "downplays": 0} and ledger["mean_gap"] == 1.0
    assert ledger["exceeds_cap"] == 1 and ledger["shares"]["overstated"] == 0.5 and not ledger["is_reference"]
    assert ledger["checklist"]["harms"]["ok"] is True  # one article is enough ...
    assert ledger["checklist"]["sensational"]["ok"] is False  # ... but one hyped article spoils the source
    assert {s["article_id"] for s in ledger["checklist"]["sensational"]["spans"]} == {"b"}
    assert journal["is_reference"] and journal["n_compared"] == 0 and journal["checklist"] is None  # no text
