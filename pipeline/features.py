"""scikit-learn transformers that turn raw claims into model features.

A model is one Pipeline whose first step, ``ClaimFrame``, accepts raw text (a string or a list
of strings), dicts, or a DataFrame with ``text`` and optional ``context`` and ``design``.
"""

from __future__ import annotations

import functools
import re
import threading
from contextlib import contextmanager

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer

from pipeline import lexicon

DESIGN_VALUES = ("observational", "experimental", "unknown")
_DESIGN_ALIASES = {"animal": "observational", "review": "unknown"}


def normalise_design(value) -> str:
    """Map any design string to observational / experimental / unknown (the model's three)."""
    if not isinstance(value, str):
        return "unknown"
    value = value.strip().lower()
    value = _DESIGN_ALIASES.get(value, value)
    return value if value in DESIGN_VALUES else "unknown"


_SHARED = threading.local()  # .memo: results shared within one ``shared_analysis()`` block


@contextmanager
def shared_analysis():
    """Within the block, each text is analysed once per analysis setting (TF-IDF n-grams, strength
    views), however many vectorizers of the label and strength models read it. Scoring a batch of
    claims with both models does the same work up to four times otherwise. Results are identical;
    the memory lasts for the block only (one batch of claims)."""
    outer = getattr(_SHARED, "memo", None)
    if outer is None:
        _SHARED.memo = {}
    try:
        yield
    finally:
        if outer is None:
            _SHARED.memo = None


def _shared(key, compute, text):
    memo = getattr(_SHARED, "memo", None)
    if memo is None:
        return compute(text)
    try:
        return memo[key, text]
    except KeyError:
        value = memo[key, text] = compute(text)
        return value


class ClaimFrame(BaseEstimator, TransformerMixin):
    """Raw input -> DataFrame with text, context and design (observational/experimental/unknown)."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        import pandas as pd

        if isinstance(X, str):
            X = [X]
        if isinstance(X, pd.DataFrame):
            df = X
        else:
            rows = [x if isinstance(x, dict) else {"text": x} for x in X]
            df = pd.DataFrame(rows)
        out = pd.DataFrame(index=range(len(df)))
        out["text"] = df["text"].fillna("").astype(str).values if "text" in df else ""
        out["context"] = df["context"].fillna("").astype(str).values if "context" in df else ""
        designs = df["design"].tolist() if "design" in df else ["unknown"] * len(df)
        out["design"] = [normalise_design(d) for d in designs]
        return out


def _pattern(words) -> re.Pattern:
    alts = sorted({re.escape(w) for w in words}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(alts) + r")(?![\w-])", re.IGNORECASE)


CUE_GROUPS = {
    "hedge": lexicon.HEDGES,
    "booster": lexicon.BOOSTERS,
    "attribution": lexicon.ATTRIBUTION,
    "vague": lexicon.VAGUE_ATTRIBUTION,
    "causal": lexicon.CAUSAL,
    "correlational": lexicon.CORRELATIONAL,
    "animal": lexicon.ANIMAL,
    "advice": lexicon.ADVICE,
    "negation": lexicon.NEGATION,
    "modal_may": ("may", "might", "could"),
    "modal_can": ("can", "will"),
}


class CueFeatures(BaseEstimator, TransformerMixin):
    """Counts of codebook cue groups in the claim, each also crossed with the design."""

    def fit(self, X, y=None):
        return self

    def _patterns(self):
        # compiled lazily and not stored: keeps the saved model free of regex objects
        cache = getattr(self, "_compiled", None)
        if cache is None:
            cache = {name: _pattern(words) for name, words in CUE_GROUPS.items()}
            self._compiled = cache
        return cache

    def transform(self, X):
        patterns = self._patterns()
        texts = X["text"].tolist()
        designs = X["design"].tolist()
        base = np.array(
            [[min(len(p.findall(t)), 3) for p in patterns.values()] for t in texts], dtype=float
        )
        blocks = [base]
        for value in DESIGN_VALUES:
            mask = np.array([d == value for d in designs], dtype=float)[:, None]
            blocks.append(base * mask)
            blocks.append(mask)
        return np.hstack(blocks)

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_compiled", None)
        return state

    def get_feature_names_out(self, input_features=None):
        names = list(CUE_GROUPS)
        out = list(names)
        for value in DESIGN_VALUES:
            out += [f"{n}*{value}" for n in names] + [f"design={value}"]
        return np.array(out, dtype=object)


class TextColumn(BaseEstimator, TransformerMixin):
    """Selects the text column (optionally prefixed by the context) as a list of strings."""

    def __init__(self, with_context: bool = False):
        self.with_context = with_context

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        if self.with_context:
            return [f"{c} {t}" for c, t in zip(X["context"], X["text"])]
        return X["text"].tolist()


class DesignCross(BaseEstimator, TransformerMixin):
    """Sparse text features repeated once per design, so words can weigh differently by design.

    ``view``: None for the raw text, or "marked" / "abstract" for a strength view (strength_views).
    """

    def __init__(self, vectorizer=None, view=None):
        self.vectorizer = vectorizer
        self.view = view

    def _texts(self, X):
        texts = X["text"].tolist()
        view = getattr(self, "view", None)
        if view is None:
            return texts
        k = 0 if view == "marked" else 1
        return [strength_views(t)[k] for t in texts]

    def fit(self, X, y=None):
        self.vectorizer.fit(self._texts(X))
        return self

    def transform(self, X):
        import scipy.sparse as sp

        M = self.vectorizer.transform(self._texts(X))
        designs = np.array(X["design"].tolist())
        blocks = [M]
        for value in DESIGN_VALUES:
            D = sp.diags((designs == value).astype(float))
            blocks.append(D @ M)
        return sp.hstack(blocks).tocsr()


# ---------------------------------------------------------------------------------------------
# Claim-strength cues (CODEBOOK §4): the relation a sentence states and what modifies it.
# Word lists are plain tuples; regexes are compiled lazily at module level (never stored on an
# estimator), so fitted models hold only strings and numbers.

STRENGTH_CUES = {
    # correlational relation (strength 1)
    "CORR": (
        "associated", "association", "associations", "associate", "associates", "link", "linked", "links",
        "linking", "correlated", "correlation", "correlations", "correlates", "correlate", "related",
        "relationship", "relationships", "relation", "predict", "predicts", "predicted", "predictive",
        "predictor", "predictors", "predicting", "odds", "tied", "connected", "coincides", "accompanied",
    ),
    # comparison wording, common in correlational findings
    "COMP": (
        "higher", "lower", "greater", "more", "less", "fewer", "than", "compared", "versus", "vs",
        "likely", "likelihood", "times", "percent", "twice", "half", "among", "differ", "different",
        "difference", "differences", "similar", "comparable", "frequent", "common", "prevalence",
    ),
    # conditional / tentative modifiers (strength 2 when attached to a causal relation)
    "MODAL": (
        "may", "might", "could", "possibly", "potentially", "perhaps", "probably", "presumably",
        "would", "appear", "appears", "appeared", "seem", "seems", "seemed", "suggest", "suggests",
        "suggested", "suggesting", "potential", "promising", "hope", "hypothesize", "hypothesise",
    ),
    "CAN": ("can", "cannot", "able"),
    # direct causal verbs and nouns (strength 3)
    "CAUSE": (
        "cause", "causes", "caused", "causing", "causal", "reduce", "reduces", "reduced", "reducing",
        "reduction", "reductions", "cut", "cuts", "lower", "lowers", "lowered", "lowering", "raise", "raises",
        "increase", "increases", "increasing", "boost", "boosts", "boosted", "prevent", "prevents",
        "prevented", "preventing", "prevention", "protect", "protects", "protected", "protective", "improve",
        "improves", "improved", "improving", "improvement", "improvements", "treat", "treats", "reverse",
        "reverses", "reversed", "halt", "halts", "stop", "stops", "slash", "slashes", "trigger", "triggers",
        "triggered", "lead", "leads", "led", "result", "results", "resulted", "make", "makes", "help", "helps",
        "helped", "fight", "fights", "beat", "kill", "kills", "block", "blocks", "blocked", "damage",
        "damages", "drive", "drives", "halve", "halves", "halved", "double", "doubles", "doubled", "ease",
        "eases", "relieve", "relieves", "restore", "restores", "heal", "heals", "enhance", "enhances",
        "enhanced", "impair", "impairs", "impaired", "induce", "induces", "induced", "promote", "promotes",
        "promoted", "decrease", "decreases", "decreased", "affect", "affects", "affected", "influence",
        "influences", "influenced", "contribute", "contributes", "contributed", "worsen", "worsens",
        "worsened", "alleviate", "alleviates", "attenuate", "attenuates", "attenuated", "benefit", "benefits",
        "beneficial", "effective", "effectively", "efficacy", "efficacious", "effect", "effects", "impact",
        "impacts", "safe", "safely", "useful", "due", "because", "responsible", "role", "outperform",
        "outperforms", "superior", "inferior", "elevate", "elevates", "elevated", "accelerate",
        "accelerates", "slow", "slows", "slowed", "delay", "delays", "delayed", "suppress", "suppresses",
        "inhibit", "inhibits", "inhibited", "stimulate", "stimulates", "avoid", "avoids", "eliminate",
        "eliminates", "save", "saves", "saving", "harm", "harms", "harmful", "risky", "dangerous",
        "cure", "cures", "cured", "curing", "reverse", "fuel", "fuels", "spur", "spurs", "combat", "combats",
        "tackle", "tackles", "ward", "lengthen", "shorten", "extend", "extends", "slash", "trims", "curb",
        "curbs", "hinder", "hinders", "worse", "better",
    ),
    "NEG": ("not", "no", "n't", "never", "none", "neither", "nor", "without", "lack", "lacks", "failed",
            "fails", "fail", "nothing", "unrelated", "little"),
    "SHOW": ("show", "shows", "showed", "shown", "demonstrate", "demonstrates", "demonstrated", "found",
             "find", "finds", "reveal", "reveals", "revealed", "indicate", "indicates", "indicated",
             "confirm", "confirms", "confirmed", "conclude", "concluded", "report", "reports", "reported",
             "observed", "evidence", "provide", "provides", "support", "supports"),
    "ADVICE": ("should", "must", "need", "needs", "needed", "recommend", "recommended", "recommends",
               "important", "warranted", "required", "requires", "consider", "considered", "necessary",
               "advised", "encouraged", "urged"),
    "AIM": ("aim", "aims", "aimed", "objective", "purpose", "investigate", "investigated", "examine",
            "examined", "assess", "assessed", "evaluate", "evaluated", "registered", "trial", "nct",
            "whether", "question", "explore", "explored", "describe", "described"),
    "BE": ("is", "are", "was", "were", "be", "been", "being", "has", "have", "had"),
    "FUT": ("will", "future", "further", "warrant", "needed"),
}
_CUE_OF = {}
for _cat in ("COMP", "BE", "FUT", "AIM", "ADVICE", "SHOW", "NEG", "CORR", "CAUSE", "CAN", "MODAL"):
    for _w in STRENGTH_CUES[_cat]:
        _CUE_OF[_w] = _cat  # later categories win for words in two lists
_TOKEN_RE = None
_NUM_RE = None


def _tokens(text: str) -> list[str]:
    global _TOKEN_RE, _NUM_RE
    if _TOKEN_RE is None:
        _TOKEN_RE = re.compile(r"n't|\w+(?:[-']\w+)*|[%?:;,.!()\"]")
        _NUM_RE = re.compile(r"^\d+(?:[.,]\d+)?$")
    toks = _TOKEN_RE.findall(text.lower().replace("’", "'"))
    return ["0num" if _NUM_RE.match(t) else t for t in toks]


_CLAUSE_END = {",", ";", ":", ".", "(", ")", "but", "whereas", "while", "although", "however", "and"}


def strength_views(text: str) -> tuple[str, str]:
    """Two token views of a claim (see ``_strength_views``), shared within ``shared_analysis()``."""
    return _shared("views", _strength_views, text)


def _strength_views(text: str) -> tuple[str, str]:
    """Two token views of a claim: words marked by the cue that governs them, and cue categories.

    The *marked* view prefixes words in the scope of a negation (``neg_``) or of a conditional
    modal (``mod_``) until the clause ends; the *abstract* view replaces cue words by their category
    (CORR, MODAL, CAN, CAUSE, NEG, ...) and other words by ``w``, so that word order patterns such as
    "MODAL CAUSE" or "NEG CORR" are learnt across vocabularies; it also appends pairwise summary
    tokens (a modal governing a causal verb, "can" + causal verb, a negated relation, ...).
    """
    toks = _tokens(text)
    marked, abstract = [], []
    scope_neg = scope_mod = 0
    cats = []
    for t in toks:
        cat = _CUE_OF.get(t)
        cats.append(cat)
        if t in _CLAUSE_END:
            scope_neg = scope_mod = 0
        prefix = ("neg_" if scope_neg else "") + ("mod_" if scope_mod else "")
        marked.append(prefix + t)
        abstract.append(cat if cat else (t if t in _CLAUSE_END or t in ("?", "0num", "%", "\"", "than") else "w"))
        if cat == "NEG":
            scope_neg = 6
        elif scope_neg:
            scope_neg -= 1
        if cat == "MODAL":
            scope_mod = 6
        elif scope_mod:
            scope_mod -= 1
    # summary tokens: which relation the sentence states and what modifies it
    extra = []
    n = len(toks)
    pos = {c: [i for i, k in enumerate(cats) if k == c] for c in ("CORR", "CAUSE", "MODAL", "CAN", "NEG", "SHOW")}

    def near(a, b, before=5, after=0):  # a token of category b within `before` tokens before (or `after` after) an a
        return any(any(-before <= j - i < 0 or 0 < j - i <= after for j in pos[b]) for i in pos[a])

    if pos["CORR"]:
        extra.append("has_corr")
    if pos["CAUSE"]:
        extra.append("has_cause")
    if not pos["CORR"] and not pos["CAUSE"]:
        extra.append("no_relation_cue")
    if near("CAUSE", "MODAL", before=5):
        extra.append("modal_cause")
    if near("CAUSE", "MODAL", before=0, after=4):
        extra.append("cause_then_modal")
    if near("CORR", "MODAL", before=5):
        extra.append("modal_corr")
    if near("CAUSE", "CAN", before=4):
        extra.append("can_cause")
    if near("CAUSE", "NEG", before=4):
        extra.append("neg_cause")
    if near("CORR", "NEG", before=4):
        extra.append("neg_corr")
    if pos["CAUSE"] and not pos["MODAL"] and not pos["CORR"]:
        extra.append("bare_cause")
    if pos["CORR"] and not pos["MODAL"] and not pos["CAUSE"]:
        extra.append("bare_corr")
    if pos["MODAL"] and not pos["CAUSE"] and not pos["CORR"]:
        extra.append("bare_modal")
    if toks and toks[-1] not in (".", "?", "!", "\""):
        extra.append("no_final_stop")  # headlines
    extra.append("len%d" % min(n // 8, 6))
    for c in ("CORR", "CAUSE", "MODAL", "CAN"):
        if pos[c]:
            extra.append("first_%s_%d" % (c, min(3, 4 * pos[c][0] // max(n, 1))))
    return " ".join(marked), " ".join(abstract + extra)


class StrengthText(BaseEstimator, TransformerMixin):
    """Claim text -> one token view per claim (``view`` = "marked" or "abstract"; see strength_views)."""

    def __init__(self, view: str = "marked"):
        self.view = view

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        k = 0 if self.view == "marked" else 1
        texts = X["text"].tolist() if hasattr(X, "columns") else list(X)
        return [strength_views(t)[k] for t in texts]


_VOCAB_SEP = "\n"


class CompactTfidf(TfidfVectorizer):
    """TfidfVectorizer that saves small and fast: no ``stop_words_`` (the pruned terms, often millions
    of n-grams) and the vocabulary stored as one newline-joined string instead of a dict."""

    def fit(self, raw_documents, y=None):
        super().fit(raw_documents, y)
        self._compact()
        return self

    def fit_transform(self, raw_documents, y=None):
        X = super().fit_transform(raw_documents, y)
        self._compact()
        return X

    def build_analyzer(self):
        """The usual analyzer; within ``shared_analysis()``, vectorizers with the same analysis
        settings share their results (only the vocabulary lookup differs between them)."""
        analyze = super().build_analyzer()
        if callable(self.analyzer) or self.preprocessor is not None or self.tokenizer is not None:
            return analyze
        key = (self.analyzer, tuple(self.ngram_range), self.lowercase, self.token_pattern, self.strip_accents,
               repr(self.stop_words), self.input, self.encoding, self.decode_error)
        return lambda doc: _shared(key, analyze, doc)

    def transform(self, raw_documents):
        """As TfidfVectorizer.transform, with the counting done by ``Counter`` (C) instead of
        scikit-learn's per-n-gram Python loop; the same matrix, several times faster."""
        import operator
        from collections import Counter

        import scipy.sparse as sp

        if isinstance(raw_documents, str):
            raise ValueError("Iterable over raw text documents expected, string object received.")
        if not hasattr(self, "vocabulary_"):
            return super().transform(raw_documents)  # scikit-learn's own "not fitted" error
        lookup, analyze = self.vocabulary_.get, self.build_analyzer()
        known = functools.partial(operator.is_not, None)
        indptr, indices, values = [0], [], []
        for doc in raw_documents:
            counts = Counter(filter(known, map(lookup, analyze(doc))))
            columns = sorted(counts)
            indices.extend(columns)
            values.extend(map(counts.__getitem__, columns))
            indptr.append(len(indices))
        X = sp.csr_matrix(
            (np.asarray(values, dtype=self.dtype), np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int32)),
            shape=(len(indptr) - 1, len(self.vocabulary_)), dtype=self.dtype,
        )
        if self.binary:
            X.data.fill(1)
        return self._tfidf.transform(X, copy=False)

    def _compact(self):
        if hasattr(self, "stop_words_"):
            del self.stop_words_

    def __getstate__(self):
        state = dict(super().__getstate__())  # a copy: never change the fitted object itself
        state.pop("stop_words_", None)
        vocab = state.get("vocabulary_")
        if isinstance(vocab, dict) and not any(_VOCAB_SEP in t for t in vocab):
            terms = sorted(vocab, key=vocab.get)
            if [vocab[t] for t in terms] == list(range(len(terms))):
                state.pop("vocabulary_")
                state["_vocabulary_terms"] = _VOCAB_SEP.join(terms)
                state["_vocabulary_size"] = len(terms)
        return state

    def __setstate__(self, state):
        state = dict(state)
        terms = state.pop("_vocabulary_terms", None)
        size = state.pop("_vocabulary_size", None)
        super().__setstate__(state)
        if terms is not None:
            terms = terms.split(_VOCAB_SEP) if size else []
            self.vocabulary_ = {t: i for i, t in enumerate(terms)}


# every class of this module a saved model may hold: the skops ``trusted`` list
CUSTOM_CLASSES = [
    f"pipeline.features.{name}"
    for name in ("ClaimFrame", "CueFeatures", "TextColumn", "DesignCross", "StrengthText", "CompactTfidf")
]
