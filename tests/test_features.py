"""The fast scoring paths of the feature classes give exactly what scikit-learn's own would."""

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from pipeline import features
from pipeline.features import CompactTfidf, shared_analysis, strength_views

TRAIN = [
    "Walking daily lowers blood pressure in older adults.",
    "The drug may reduce pain, a small trial suggests.",
    "Coffee drinkers were less likely to develop gout.",
    "Mice given the compound lived 20% longer.",
    "Walking lowers the risk of stroke, doctors say.",
]
SCORE = ["Daily walking may lower blood pressure.", "", "Zzz qqq xxx.", "Coffee coffee coffee lowers gout risk by 20%."]


@pytest.mark.parametrize("settings", [
    dict(ngram_range=(1, 3), sublinear_tf=True, token_pattern=r"(?u)\b\w+\b|%"),
    dict(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, max_features=40),
    dict(ngram_range=(1, 2), binary=True, lowercase=False, token_pattern=r"\S+"),
])
def test_compact_tfidf_scores_like_scikit_learn(settings):
    ours = CompactTfidf(dtype=np.float32, **settings).fit(TRAIN)
    theirs = TfidfVectorizer(dtype=np.float32, **settings).fit(TRAIN)
    assert ours.vocabulary_ == theirs.vocabulary_
    a, b = ours.transform(SCORE), theirs.transform(SCORE)
    assert a.shape == b.shape and a.dtype == b.dtype
    assert np.array_equal(a.toarray(), b.toarray())
    assert np.array_equal(a.indices, b.indices) and np.array_equal(a.indptr, b.indptr)


def test_compact_tfidf_keeps_scikit_learn_errors():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        CompactTfidf().transform(["text"])
    with pytest.raises(ValueError, match="string object received"):
        CompactTfidf().fit(TRAIN).transform("one string")


def test_shared_analysis_changes_nothing_and_forgets(monkeypatch):
    calls = []
    real = features._strength_views
    monkeypatch.setattr(features, "_strength_views", lambda t: calls.append(t) or real(t))
    a = CompactTfidf(analyzer="char_wb", ngram_range=(2, 4)).fit(TRAIN)
    b = CompactTfidf(analyzer="char_wb", ngram_range=(2, 4), max_features=30).fit(TRAIN)
    plain = (a.transform(SCORE).toarray(), b.transform(SCORE).toarray())
    with shared_analysis():
        shared = (a.transform(SCORE).toarray(), b.transform(SCORE).toarray())
        views = [strength_views(t) for t in SCORE + SCORE]
        assert features._SHARED.memo  # both vectorizers read one analysis of each text
    assert all(np.array_equal(x, y) for x, y in zip(plain, shared))
    assert views[:len(SCORE)] == views[len(SCORE):] == [real(t) for t in SCORE]
    assert len([t for t in calls if t in SCORE]) == len(SCORE)  # each text's views computed once
    assert features._SHARED.memo is None  # nothing kept after the block
