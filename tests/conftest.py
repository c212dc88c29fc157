"""Shared pytest fixtures (keep small)."""

import pytest


@pytest.fixture(scope="session")
def nlp():
    """The real, verified spaCy pipeline with claimcheck's components, loaded once per session."""
    from pipeline.nlp import load_nlp

    return load_nlp()
