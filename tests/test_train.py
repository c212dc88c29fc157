"""Training on tiny corpora written for the tests: labels follow the codebook, files are safe."""

import json
from pathlib import Path

import pytest

from pipeline.classify import classify_claims
from pipeline.corpora import label_from_strength, load_corpora
from pipeline.model import card_path, load_model
from pipeline.settings import load_params
from pipeline.splits import add_split, split_of
from pipeline.train import training_frame

CORPORA = Path(__file__).parent / "fixtures" / "corpora"


@pytest.fixture
def trained(tiny_model):
    return tiny_model


@pytest.mark.parametrize(
    "strength, design, expected",
    [(2, "observational", "hedged"), (1, "experimental", "supported"), (3, "observational", "overstated"),
     (3, "experimental", "supported"), (3, "unknown", None), (0, "experimental", None)],
)
def test_codebook_mapping(strength, design, expected):
    assert label_from_strength(strength, design) == expected


def test_animal_study_stated_as_human_is_overstated():
    assert label_from_strength(1, "experimental", nonhuman_as_human=True) == "overstated"


def test_corpora_rows_follow_the_codebook():
    df = load_corpora(CORPORA)
    row = df[(df.text == "Aspirin cuts the risk of bowel cancer") & (df.design == "observational")].iloc[0]
    assert row.label == "overstated" and row.strength == 3
    row = df[(df.text == "Aspirin cuts the risk of bowel cancer") & (df.design == "experimental")].iloc[0]
    assert row.label == "supported"
    assert set(df.corpus) >= {"insciout:before_after_data", "yu:pubmed", "yu:eureka", "pei-jurgens"}


def test_split_is_by_study_and_stable_as_data_grows():
    df = add_split(load_corpora(CORPORA), 20)
    assert (df.groupby("study").split.nunique() == 1).all()
    assert set(df[df.corpus == "insciout:trial_data"].split) == {"dev"}
    grown = add_split(load_corpora(CORPORA).iloc[::-1], 20)
    merged = df.merge(grown[["study", "split"]].drop_duplicates(), on="study", suffixes=("", "_grown"))
    assert (merged.split == merged.split_grown).all()
    assert split_of("pmid:1", "user", 100) == "train"


def test_train_writes_a_loadable_model_and_card(trained):
    model, path = trained
    assert path.is_file() and card_path(path).is_file()
    card = json.loads(card_path(path).read_text())
    assert card["classes"]["label"] == ["hedged", "supported", "overstated"]
    assert "insciout/statements.csv" in card["training_data"]
    assert "timestamp" not in json.dumps(card).lower()
    loaded = load_model(path)
    out = classify_claims([{"text": "Green tea could reduce the risk of stroke"}], loaded)
    assert out[0]["label"] == "hedged"
    assert abs(sum(out[0]["proba"].values()) - 1) < 1e-9
    assert out[0]["strength"] in (0, 1, 2, 3)


def test_user_labels_replace_corpus_labels(tmp_path):
    labels = tmp_path / "mine.csv"
    labels.write_text("text,label\nAspirin cuts the risk of bowel cancer,hedged\n")
    from pipeline.labels import read_label_files

    df = training_frame(CORPORA, load_params(), read_label_files([labels]))
    same = df[df.text == "Aspirin cuts the risk of bowel cancer"]
    assert set(same[same.corpus != "user"].label.dropna()) == set()
    assert list(same[same.corpus == "user"].label) == ["hedged"]
