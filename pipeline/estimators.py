"""The model families: one scikit-learn Pipeline from raw claims to a label, one to a strength.

Both start with ``ClaimFrame`` so they score raw text (a list of strings) as well as DataFrames
with text / context / design. Custom classes live in ``pipeline.features``.
"""

from __future__ import annotations

import numpy as np

# Keys this module reads from params["train"], with the defaults used when a key is missing.
TRAIN_DEFAULTS = {
    "seed": 13,
    "vocab_size": 20000,  # cap of each word / char / view TF-IDF block of the label model (file size)
    "strength_vocab_size": 40000,  # the same cap for the strength model
    "C": 4.0,  # LogisticRegression C of the label model (4 keeps its probabilities calibrated)
    "strength_C": 10.0,  # LogisticRegression C of the strength model
    "strength_insciout_weight": 0.5,  # sample weight of InSciOut rows when training the strength model
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
    n = int(p["vocab_size"])
    features = FeatureUnion(
        [
            ("words_by_design", DesignCross(_word_vectorizer(n))),
            ("cues_by_design", DesignCross(_view_vectorizer((1, 4), 3, n), view="abstract")),
            ("chars", _char_features(n)),
            ("cues", CueFeatures()),
        ]
    )
    clf = LogisticRegression(C=p["C"], max_iter=3000, random_state=p["seed"])
    return Pipeline([("frame", ClaimFrame()), ("features", features), ("clf", clf)])


def make_strength_model(params: dict):
    """Claim text -> strength 0 (no relation), 1 correlational, 2 conditional causal, 3 direct causal."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    from pipeline.features import ClaimFrame, StrengthText, TextColumn

    p = _p(params)
    n = int(p["strength_vocab_size"])
    features = FeatureUnion(
        [
            ("words", Pipeline([("text", TextColumn()), ("tfidf", _word_vectorizer(n))])),
            ("marked", Pipeline([("view", StrengthText("marked")), ("tfidf", _view_vectorizer((1, 2), 2, n))])),
            ("abstract", Pipeline([("view", StrengthText("abstract")), ("tfidf", _view_vectorizer((1, 4), 3, n))])),
            ("chars", _char_features(n)),
        ]
    )
    clf = LogisticRegression(C=p["strength_C"], max_iter=3000, random_state=p["seed"])
    return Pipeline([("frame", ClaimFrame()), ("features", features), ("clf", clf)])


def strength_training_rows(df, params: dict | None = None):
    """The rows to fit the strength model on, and their sample weights (pass as clf__sample_weight).

    Drops rows without a strength, and InSciOut statements coded 1 ("explicit no relation") when
    the frame has a ``causal_code`` column: InSciOut maps them to strength 0 while Yu et al. code
    "X is not associated with Y" as 1, and the clash costs about half a point of macro-F1.
    InSciOut rows get weight ``strength_insciout_weight`` (their coding differs a little from Yu's).
    """
    import pandas as pd

    p = _p(params or {})
    rows = df[pd.to_numeric(df["strength"], errors="coerce").notna()]
    corpus = rows["corpus"].astype(str) if "corpus" in rows else pd.Series("", index=rows.index)
    insciout = corpus.str.startswith("insciout").to_numpy()
    if "causal_code" in rows:
        keep = ~(insciout & (pd.to_numeric(rows["causal_code"], errors="coerce") == 1).to_numpy())
        rows, insciout = rows[keep], insciout[keep]
    weights = np.where(insciout, float(p["strength_insciout_weight"]), 1.0)
    return rows, weights


def compare_strengths(proba_claim, proba_reference, classes=(0, 1, 2, 3)):
    """Relation of claims to their reference statements from the two strength distributions.

    For each pair, the probabilities that the claim's strength is higher, equal or lower than the
    reference's (the two predictions taken as independent); the relation is the most probable of
    "exaggerates" / "same" / "downplays". Returns (relations, probabilities n x 3 in that order).
    """
    a = np.asarray(proba_claim, dtype=float)
    b = np.asarray(proba_reference, dtype=float)
    s = np.asarray(classes, dtype=float)
    higher = (s[:, None] > s[None, :]).astype(float)  # claim class i above reference class j
    joint = a[:, :, None] * b[:, None, :]
    p_up = (joint * higher).sum((1, 2))
    p_down = (joint * higher.T).sum((1, 2))
    probs = np.column_stack([p_up, 1.0 - p_up - p_down, p_down])
    names = np.array(["exaggerates", "same", "downplays"])
    return names[probs.argmax(1)], probs
