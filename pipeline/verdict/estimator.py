"""The verdict model: the claim read in its page -> hedged / supported / overstated.

It reads what the corpus-trained label model says of the sentence (its three probabilities), the
strength probabilities, the codebook rules that fire, the claim's page fields (statement kind,
evidence basis, treatment status, register, headline, lead-in, design), the claim's words, and,
when the strength encoder runs, the encoder's sentence vector. One logistic regression over all
of these, learnt on written web pages and held-out corpus rows, decides; a temperature fitted on
out-of-fold predictions calibrates it. Without the encoder (``--fast``) a second regression that
does not read the vector decides.
"""

from __future__ import annotations

import functools
import re

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from pipeline.records import LABELS

# page fields of a claim record and the values the model knows; a missing field (a bare sentence,
# a corpus row) is its own case, "no page"
PAGE_FIELDS = {
    "statement_kind": ("finding", "background", "procedure", "evidence_state", "aim", "selling", "belief"),
    "evidence_basis": ("named", "scoped", "vague", "none"),
    "treatment_status": ("experimental", "new", "established", "unknown"),
    "register": ("selling", "neutral"),
}
DESIGNS = ("observational", "experimental", "animal", "review", "unknown")
FRAME_COLUMNS = ("text", "context", "design", "lead_in", "headline") + tuple(PAGE_FIELDS)
_NUMBER = re.compile(r"\d")


def verdict_frame(claims: list[dict]):
    """The model's input for claim records (missing fields empty)."""
    import pandas as pd

    data = {col: [str(c.get(col) or "") for c in claims] for col in FRAME_COLUMNS if col != "headline"}
    data["headline"] = [bool(c.get("headline")) for c in claims]
    data["design"] = [d or "unknown" for d in data["design"]]
    return pd.DataFrame(data, columns=list(FRAME_COLUMNS))


def rule_hits(frame, strength_p, strength_classes) -> list[dict]:
    """The codebook rules that fire on each row (``rules.fired_rules``)."""
    from pipeline.verdict.rules import fired_rules

    top = np.asarray(strength_p).argmax(axis=1)
    return [fired_rules(t, d, int(strength_classes[k]), float(strength_p[i, k]))
            for i, (t, d, k) in enumerate(zip(frame["text"], frame["design"], top))]


def dense_features(frame, base_p, strength_p, hits) -> np.ndarray:
    """Page fields, rules, corpus-model and strength probabilities, and their crosses."""
    from pipeline.features import CUE_GROUPS
    from pipeline.verdict.rules import RULE_NAMES

    n = len(frame)
    base_log = np.log(np.clip(np.asarray(base_p, dtype=float), 1e-4, 1.0))
    blocks = [base_log, np.asarray(strength_p, dtype=float)]
    onehots = []
    bare = no_page(frame).astype(float)
    for field, values in PAGE_FIELDS.items():
        col = frame[field].tolist()
        onehots.append(np.array([[v == value for value in values] for v in col], dtype=float))
    onehots.append(bare[:, None])
    page = np.hstack(onehots)
    rules = np.array([[name in h for name in RULE_NAMES] for h in hits], dtype=float).reshape(n, len(RULE_NAMES))
    design = np.array([[d == v for v in DESIGNS] for d in frame["design"]], dtype=float)
    flags = np.column_stack([
        frame["headline"].astype(float).to_numpy(),
        np.array([bool(x) for x in frame["lead_in"]], dtype=float),
        np.array([bool(_NUMBER.search(t)) for t in frame["text"]], dtype=float),
    ])
    cues = np.array([[min(len(p.findall(t)), 3) for p in _cue_patterns()]
                     for t in frame["text"]], dtype=float).reshape(n, len(CUE_GROUPS))
    # the page fields (without the no-page flag) that the cues and rules are crossed with
    by_field = dict(zip(PAGE_FIELDS, onehots))
    status = np.hstack([by_field[f] for f in ("treatment_status", "register", "statement_kind", "evidence_basis")])
    crosses = [np.einsum("ij,ik->ijk", base_log, np.hstack([page, design, rules])).reshape(n, -1),
               np.einsum("ij,ik->ijk", cues, status).reshape(n, -1),
               np.einsum("ij,ik->ijk", rules, status).reshape(n, -1)]
    return np.hstack(blocks + [page, rules, design, flags, cues] + crosses)


@functools.lru_cache(maxsize=1)
def _cue_patterns() -> tuple:
    """The compiled cue groups of ``features.CUE_GROUPS`` (compiled once, never stored on a model)."""
    from pipeline.features import CUE_GROUPS, _pattern

    return tuple(_pattern(words) for words in CUE_GROUPS.values())


def _texts(frame, context: bool = False) -> list[str]:
    """The claim's words, its lead-in's words marked apart, and (``context``) the sentence before it, marked."""
    out = []
    for t, lead, ctx in zip(frame["text"], frame["lead_in"], frame["context"]):
        words = [t]
        if lead:
            words += ["LEAD_" + w for w in re.findall(r"\w+", lead.lower())]
        if context and ctx and ctx != lead:
            words += ["CTX_" + w for w in re.findall(r"\w+", ctx.lower())]
        out.append(" ".join(words))
    return out


class VerdictModel(ClassifierMixin, BaseEstimator):
    """Claim + page fields + corpus-model and strength probabilities (+ encoder vector) -> label."""

    def __init__(self, C: float = 1.0, max_features: int = 20000, embedding_scale: float = 1.0,
                 context_words: bool = False, balanced: bool = False, words_scale: float = 1.0, seed: int = 13):
        self.C = C
        self.words_scale = words_scale
        self.balanced = balanced
        self.max_features = max_features
        self.embedding_scale = embedding_scale
        self.context_words = context_words
        self.seed = seed

    def _matrix(self, frame, base_p, strength_p, hits, embedding, fit: bool = False):
        import scipy.sparse as sp

        dense = dense_features(frame, base_p, strength_p, hits)
        if fit:
            self.dense_mean_ = dense.mean(axis=0)
            self.dense_scale_ = np.where(dense.std(axis=0) > 0, dense.std(axis=0), 1.0)
            words = self.vectorizer_.fit_transform(_texts(frame, self.context_words))
        else:
            words = self.vectorizer_.transform(_texts(frame, self.context_words))
        blocks = [sp.csr_matrix((dense - self.dense_mean_) / self.dense_scale_), words * self.words_scale]
        if embedding is not None:
            blocks.append(sp.csr_matrix(np.asarray(embedding, dtype=float) * self.embedding_scale_))
        return sp.hstack(blocks).tocsr()

    def fit(self, frame, y, *, base_p, strength_p, strength_classes, embedding=None, sample_weight=None):
        """Fit the regression without the encoder vector and, when ``embedding`` is given, the one with it."""
        from sklearn.linear_model import LogisticRegression

        from pipeline.features import CompactTfidf

        self.classes_ = np.array(LABELS)
        self.strength_classes_ = [int(c) for c in strength_classes]
        self.vectorizer_ = CompactTfidf(ngram_range=(1, 2), sublinear_tf=True, min_df=2,
                                        token_pattern=r"(?u)\b\w+\b|%", max_features=self.max_features,
                                        dtype=np.float32)
        hits = rule_hits(frame, strength_p, self.strength_classes_)
        y = np.asarray(y)
        if self.balanced:  # each label weighs the same in all (macro-F1 counts each alike)
            w = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
            totals = {c: w[y == c].sum() for c in self.classes_}
            sample_weight = w * np.array([w.sum() / (len(totals) * totals[c]) for c in y])
        fast = self._matrix(frame, base_p, strength_p, hits, None, fit=True)
        self.fast_ = LogisticRegression(C=self.C, max_iter=5000, random_state=self.seed)
        self.fast_.fit(fast, y, sample_weight=sample_weight)
        self.full_ = None
        if embedding is not None:
            sd = float(np.asarray(embedding).std()) or 1.0
            self.embedding_scale_ = self.embedding_scale / sd
            full = self._matrix(frame, base_p, strength_p, hits, embedding)
            self.full_ = LogisticRegression(C=self.C, max_iter=5000, random_state=self.seed)
            self.full_.fit(full, y, sample_weight=sample_weight)
        self.temperature_ = {"fast": 1.0, "full": 1.0}
        return self

    def decision(self, frame, *, base_p, strength_p, embedding=None) -> tuple[np.ndarray, str, list[dict]]:
        """Logits in LABELS order, which regression gave them ("full" or "fast"), and the rules that fired."""
        hits = rule_hits(frame, strength_p, self.strength_classes_)
        use = "full" if embedding is not None and self.full_ is not None else "fast"
        clf = self.full_ if use == "full" else self.fast_
        X = self._matrix(frame, base_p, strength_p, hits, embedding if use == "full" else None)
        z = clf.decision_function(X)
        order = [list(clf.classes_).index(c) for c in LABELS]
        return z[:, order], use, hits

    def temperatures(self, frame, use: str) -> np.ndarray:
        """Each row's calibration temperature: claims read in a page and bare sentences (no page
        fields: a corpus row, a claim given as text) are calibrated apart."""
        t = self.temperature_[use]
        if not isinstance(t, dict):
            return np.full(len(frame), float(t))
        return np.where(no_page(frame), t["bare"], t["page"])

    def predict_proba(self, frame, *, base_p, strength_p, embedding=None) -> np.ndarray:
        from scipy.special import softmax

        z, use, _ = self.decision(frame, base_p=base_p, strength_p=strength_p, embedding=embedding)
        return softmax(z / self.temperatures(frame, use)[:, None], axis=1)


def no_page(frame) -> np.ndarray:
    """True for rows without any page field."""
    return (frame[list(PAGE_FIELDS)] == "").all(axis=1).to_numpy()


def fit_temperature(logits: np.ndarray, y, classes=LABELS) -> float:
    """The temperature that minimises the log loss of softmax(logits / T) on held-out rows."""
    from scipy.optimize import minimize_scalar
    from scipy.special import log_softmax

    idx = np.array([list(classes).index(v) for v in y])

    def loss(t):
        return -log_softmax(logits / t, axis=1)[np.arange(len(idx)), idx].mean()

    return float(minimize_scalar(loss, bounds=(0.2, 5.0), method="bounded").x)


# every class of this module a saved model may hold: on the skops ``trusted`` list
CUSTOM_CLASSES = ["pipeline.verdict.estimator.VerdictModel"]
