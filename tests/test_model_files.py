"""Model files never run code: untrusted types, foreign versions and broken files are refused."""

import json
import zipfile

import pytest
import skops.io as sio

from pipeline.errors import ModelError
from pipeline.model import ClaimModel, audit_model, load_model, save_model


class Intruder:
    """A type no model file may ask for."""

    def __init__(self):
        self.payload = "would run on load"


def test_model_with_untrusted_type_is_refused(tmp_path):
    path = tmp_path / "evil.skops"
    sio.dump({"label": Intruder(), "strength": None, "card": {}}, path)
    assert audit_model(path)["untrusted_types"] == ["test_model_files.Intruder"]
    with pytest.raises(ModelError, match="not trusted: test_model_files.Intruder"):
        load_model(path)


def test_model_made_by_other_sklearn_is_refused(tiny_model, tmp_path):
    model, _ = tiny_model
    card = dict(model.card, versions=dict(model.card["versions"], **{"scikit-learn": "0.24.2"}))
    path = save_model(ClaimModel(model.label, model.strength, card), tmp_path / "old.skops")
    with pytest.raises(ModelError, match="made with scikit-learn 0.24.2"):
        load_model(path)


def test_missing_and_corrupt_files_say_what_to_do(tmp_path):
    with pytest.raises(ModelError, match="claimcheck train"):
        load_model(tmp_path / "nope.skops")
    broken = tmp_path / "broken.skops"
    broken.write_bytes(b"not a zip file")
    with pytest.raises(ModelError, match="not a readable skops model file"):
        load_model(broken)


def test_plain_pickle_is_not_a_model(tmp_path):
    import pickle

    path = tmp_path / "pickled.skops"
    path.write_bytes(pickle.dumps({"label": 1}))
    with pytest.raises(ModelError):
        load_model(path)


def test_saved_file_holds_only_trusted_types_and_the_card(tiny_model):
    model, path = tiny_model
    assert audit_model(path)["untrusted_types"] == []
    with zipfile.ZipFile(path) as zf:
        schema = json.loads(zf.read("schema.json"))
    assert schema["__class__"] == "dict"
