"""Shared pytest fixtures (keep small)."""

import pytest


@pytest.fixture(scope="session")
def nlp():
    """The real, verified spaCy pipeline with claimcheck's components, loaded once per session."""
    from pipeline.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory):
    """A model trained on the tiny test corpora (tests/fixtures/corpora): (ClaimModel, path)."""
    from pathlib import Path

    from pipeline.settings import load_params
    from pipeline.train import train

    out = tmp_path_factory.mktemp("tiny-model") / "tiny.skops"
    corpora = Path(__file__).parent / "fixtures" / "corpora"
    return train(corpora, out, load_params()), out
