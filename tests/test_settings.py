"""Where the data directory and the model come from: flag, then env var, then params.yaml."""

from pathlib import Path

import pytest

from pipeline.errors import ClaimcheckError
from pipeline.settings import DATA_DIR_ENV, MODEL_ENV, data_dir, load_params, model_path


def test_data_dir_precedence(tmp_path, monkeypatch):
    params_file = tmp_path / "params.yaml"
    params_file.write_text("data_dir: corpora\ntrain:\n  model: m/x.skops\n")
    params = load_params(params_file)
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    assert data_dir(None, params) == tmp_path / "corpora"
    monkeypatch.setenv(DATA_DIR_ENV, "/from/env")
    assert data_dir(None, params) == Path("/from/env")
    assert data_dir("/from/flag", params) == Path("/from/flag")


def test_model_path_precedence(tmp_path, monkeypatch):
    params_file = tmp_path / "params.yaml"
    params_file.write_text("train:\n  model: m/x.skops\n")
    params = load_params(params_file)
    monkeypatch.delenv(MODEL_ENV, raising=False)
    assert model_path(None, params) == tmp_path / "m" / "x.skops"
    assert params["train"]["seed"] == load_params()["train"]["seed"]  # defaults fill the rest
    monkeypatch.setenv(MODEL_ENV, "/env/model.skops")
    assert model_path(None, params) == Path("/env/model.skops")


def test_default_data_dir_is_shared_datasets(monkeypatch):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    assert data_dir().resolve() == (Path(__file__).resolve().parents[1] / "../shared/datasets").resolve()


def test_bad_params_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "params.yaml"
    bad.write_text("- just\n- a list\n")
    with pytest.raises(ClaimcheckError, match="must be a YAML mapping"):
        load_params(bad)
