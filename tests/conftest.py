"""Shared pytest fixtures (keep small)."""

import pytest


@pytest.fixture(scope="session")
def nlp():
    """The real, verified spaCy pipeline with claimcheck's components, loaded once per session."""
    from pipeline.nlp import load_nlp

    return load_nlp()


CORPORA = __import__("pathlib").Path(__file__).parent / "fixtures" / "corpora"


@pytest.fixture(scope="session")
def tiny_params(tmp_path_factory):
    """Params for the tiny test corpora: the strength encoder is fine-tuned on them (one short
    epoch with PyTorch, a few seconds) and blended in as in the real model."""
    from pipeline.finetune import finetune
    from pipeline.settings import load_params

    params = load_params()
    params["finetune"].update(epochs=2, batch_size=8, learning_rate=0.002)
    out = tmp_path_factory.mktemp("tiny-encoder") / "encoder.skops"
    finetune(CORPORA, out, params)
    params["train"]["encoder"] = str(out)
    return params


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory, tiny_params):
    """A model trained on the tiny test corpora (tests/fixtures/corpora): (ClaimModel, path)."""
    from pipeline.train import train

    out = tmp_path_factory.mktemp("tiny-model") / "tiny.skops"
    return train(CORPORA, out, tiny_params), out
