"""The model families: one scikit-learn Pipeline from raw claims to a label, one to a strength.

Both start with ``ClaimFrame`` so they score raw text (a list of strings) as well as DataFrames
with text / context / design. Custom classes live in ``pipeline.features``.
"""

from __future__ import annotations

import numpy as np

# Keys this module reads from params["train"], with the defaults used when a key is missing.
TRAIN_DEFAULTS = {
    "seed": 13,
    "max_features": 60000,
    "C": 4.0,
    "strength_C": 0.2,  # LinearSVC C of the strength model
}


def _p(params: dict) -> dict:
    return {**TRAIN_DEFAULTS, **(params.get("train") or {})}


def _word_vectorizer(max_features: int, ngram_range=(1, 3)):
    from pipeline.features import CompactTfidf

    return CompactTfidf(
        ngram_range=ngram_range,
        sublinear_tf=True,
        min_df=2,
        token_pattern=r"(?u)\b\w+\b|%",
        max_features=max_features,
        dtype=np.float32,
    )


def _view_vectorizer(ngram_range, min_df: int, max_features: int | None = None):
    """TF-IDF over a pre-tokenised strength view (space-separated tokens, case kept)."""
    from pipeline.features import CompactTfidf

    return CompactTfidf(
        ngram_range=ngram_range, sublinear_tf=True, min_df=min_df, token_pattern=r"\S+", lowercase=False,
        max_features=max_features, dtype=np.float32,
    )


def _char_features(max_features: int):
    from sklearn.pipeline import Pipeline

    from pipeline.features import CompactTfidf, TextColumn

    vec = CompactTfidf(
        analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=3, max_features=max_features,
        dtype=np.float32,
    )
    return Pipeline([("text", TextColumn()), ("tfidf", vec)])


def augment_unknown_design(df):
    """Training rows plus a copy of every row of known design with the design masked to "unknown".

    The copy's label is re-derived by the codebook's rule 4: with no design known, a direct causal
    claim (strength 3) is overstated; other strengths keep their label (2 hedged, 1 supported, and a
    human/animal mismatch stays overstated). Rows without a strength (user labels, Pei & Jurgens)
    are not copied. Extra columns are kept, so sample weights by ``corpus`` still apply.
    """
    import pandas as pd

    strength = pd.to_numeric(df["strength"], errors="coerce")
    known = df["design"].isin(["observational", "experimental"]) & strength.notna()
    if "corpus" in df:
        known &= df["corpus"] != "user"
    copy = df[known].copy()
    copy["design"] = "unknown"
    causal = (strength[known] == 3).to_numpy()
    copy.loc[causal, "label"] = "overstated"
    return pd.concat([df, copy], ignore_index=True)


def make_label_model(params: dict):
    """Claim (text, context, design) -> hedged / supported / overstated, with probabilities."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    from pipeline.features import ClaimFrame, CueFeatures, DesignCross

    p = _p(params)
    features = FeatureUnion(
        [
            ("words_by_design", DesignCross(_word_vectorizer(p["max_features"]))),
            ("cues_by_design", DesignCross(_view_vectorizer((1, 4), 3, p["max_features"]), view="abstract")),
            ("chars", _char_features(p["max_features"])),
            ("cues", CueFeatures()),
        ]
    )
    clf = LogisticRegression(C=p["C"], max_iter=3000, random_state=p["seed"])
    return Pipeline([("frame", ClaimFrame()), ("features", features), ("clf", clf)])


def make_strength_model(params: dict):
    """Claim text -> strength 0 (no relation), 1 correlational, 2 conditional causal, 3 direct causal."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.svm import LinearSVC

    from pipeline.features import ClaimFrame, StrengthText, TextColumn

    p = _p(params)
    features = FeatureUnion(
        [
            ("words", Pipeline([("text", TextColumn()), ("tfidf", _word_vectorizer(p["max_features"]))])),
            ("marked", Pipeline([("view", StrengthText("marked")), ("tfidf", _view_vectorizer((1, 2), 2))])),
            ("abstract", Pipeline([("view", StrengthText("abstract")), ("tfidf", _view_vectorizer((1, 4), 3))])),
            ("chars", _char_features(p["max_features"])),
        ]
    )
    svc = LinearSVC(C=p["strength_C"], random_state=p["seed"])
    clf = CalibratedClassifierCV(svc, method="sigmoid", cv=3, ensemble=False)
    return Pipeline([("frame", ClaimFrame()), ("features", features), ("clf", clf)])
