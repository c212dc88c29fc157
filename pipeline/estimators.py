"""The model families: one scikit-learn Pipeline from raw claims to a label, one to a strength."""

from __future__ import annotations

import numpy as np


def _word_vectorizer(max_features: int):
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        ngram_range=(1, 3),
        sublinear_tf=True,
        min_df=2,
        token_pattern=r"(?u)\b\w+\b|%",
        max_features=max_features,
        dtype=np.float32,
    )


def _char_features(max_features: int):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import Pipeline

    from pipeline.features import TextColumn

    vec = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=3, max_features=max_features,
        dtype=np.float32,
    )
    return Pipeline([("text", TextColumn()), ("tfidf", vec)])


def make_label_model(params: dict):
    """Claim (text, context, design) -> hedged / supported / overstated, with probabilities."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    from pipeline.features import ClaimFrame, CueFeatures, DesignCross

    p = params["train"]
    features = FeatureUnion(
        [
            ("words_by_design", DesignCross(_word_vectorizer(p["max_features"]))),
            ("chars", _char_features(p["max_features"])),
            ("cues", CueFeatures()),
        ]
    )
    clf = LogisticRegression(C=p["C"], max_iter=3000, random_state=p["seed"])
    return Pipeline([("frame", ClaimFrame()), ("features", features), ("clf", clf)])


def make_strength_model(params: dict):
    """Claim text -> strength 0 (no relation), 1 correlational, 2 conditional causal, 3 direct causal."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    from pipeline.features import ClaimFrame, CueFeatures, TextColumn

    p = params["train"]
    words = Pipeline([("text", TextColumn()), ("tfidf", _word_vectorizer(p["max_features"]))])
    features = FeatureUnion(
        [("words", words), ("chars", _char_features(p["max_features"])), ("cues", CueFeatures())]
    )
    clf = LogisticRegression(C=p["C"], max_iter=3000, random_state=p["seed"])
    return Pipeline([("frame", ClaimFrame()), ("features", features), ("clf", clf)])
