"""Fitting the verdict model: its rows, their features from the corpus and strength models, grouped
cross-validation (by page or study) for out-of-fold predictions, and calibration on those."""

from __future__ import annotations

import hashlib

import numpy as np

from pipeline.records import LABELS
from pipeline.verdict.data import VerdictRows

# the keys of params["train"] the verdict model reads (defaults and comments: pipeline.settings / params.yaml)
VERDICT_KEYS = ("verdict_C", "web_weight", "corpus_weight", "verdict_folds", "embedding_scale", "context_words",
                "balanced", "medium_confidence_weight", "low_confidence_weight", "words_scale")


def settings(params: dict) -> dict:
    """The verdict model's settings: params.yaml's train section over the built-in defaults."""
    from pipeline.settings import DEFAULTS

    train = {**DEFAULTS["train"], **(params.get("train") or {})}
    return {k: train[k] for k in VERDICT_KEYS}


def inputs(claims: list[dict], model) -> dict:
    """What the verdict model reads besides the claims (``judge.verdict_inputs``)."""
    from pipeline.verdict.judge import verdict_inputs

    return verdict_inputs(claims, model)


def _subset(feats: dict, index) -> dict:
    out = dict(feats)
    for key in ("base_p", "strength_p", "embedding"):
        if out.get(key) is not None:
            out[key] = out[key][index]
    return out


def fit_verdict(rows: VerdictRows, feats: dict, params: dict):
    """A VerdictModel fitted on all of ``rows``."""
    from pipeline.verdict.estimator import VerdictModel, verdict_frame

    s = settings(params)
    model = VerdictModel(C=float(s["verdict_C"]), embedding_scale=float(s["embedding_scale"]),
                         context_words=bool(s["context_words"]), balanced=bool(s["balanced"]),
                         words_scale=float(s["words_scale"]),
                         seed=int((params.get("train") or {}).get("seed", 13)))
    model.fit(verdict_frame(rows.claims), rows.labels, base_p=feats["base_p"], strength_p=feats["strength_p"],
              strength_classes=feats["strength_classes"], embedding=feats.get("embedding"),
              sample_weight=np.asarray(rows.weights, dtype=float))
    return model


def fold_of(group: str, folds: int) -> int:
    """A group's fold, from a stable hash of its id."""
    return int(hashlib.sha1(f"fold:{group}".encode("utf-8")).hexdigest()[:8], 16) % folds


def out_of_fold(rows: VerdictRows, feats: dict, params: dict, folds: int | None = None) -> dict:
    """Out-of-fold logits of every row ({"fast": n x 3, "full": n x 3 or None}), folds grouped by
    page or study, so no page is scored by a model that saw it."""
    from pipeline.verdict.estimator import verdict_frame

    folds = int(folds or settings(params)["verdict_folds"])
    fold = np.array([fold_of(g, folds) for g in rows.groups])
    n = len(rows)
    out = {"fast": np.zeros((n, 3)), "full": np.zeros((n, 3)) if feats.get("embedding") is not None else None}
    for k in range(folds):
        test = np.flatnonzero(fold == k)
        train = np.flatnonzero(fold != k)
        if not len(test) or not len(train):
            continue
        model = fit_verdict(rows.take(train), _subset(feats, train), params)
        part = rows.take(test)
        sub = _subset(feats, test)
        out["fast"][test] = model.decision(verdict_frame(part.claims), base_p=sub["base_p"],
                                           strength_p=sub["strength_p"])[0]
        if out["full"] is not None:
            out["full"][test] = model.decision(verdict_frame(part.claims), base_p=sub["base_p"],
                                               strength_p=sub["strength_p"], embedding=sub["embedding"])[0]
    return out


def calibrate(model, rows: VerdictRows, oof: dict) -> dict:
    """Set the model's temperatures from out-of-fold logits, one for claims read in a page and one
    for bare sentences (each falls back to all rows when it has fewer than 50); returns them."""
    from pipeline.verdict.estimator import fit_temperature, no_page, verdict_frame

    bare = no_page(verdict_frame(rows.claims))
    y = np.asarray(rows.labels)
    out = {}
    for use, z in oof.items():
        if z is None:
            out[use] = {"page": 1.0, "bare": 1.0}
            continue
        every = fit_temperature(z, y)
        out[use] = {name: (fit_temperature(z[m], y[m]) if m.sum() >= 50 else every)
                    for name, m in (("page", ~bare), ("bare", bare))}
    model.temperature_ = out
    return out


def verdict_rows(df, data_dir, params: dict, *, nlp=None, log=None) -> VerdictRows:
    """The verdict model's rows: the webclaims train and dev pages (when the data directory has
    them), the corpora's held-out studies, and the user's labels."""
    from pathlib import Path

    from pipeline import webclaims
    from pipeline.verdict.data import corpus_heldout_rows, frame_rows, webclaims_rows

    s = settings(params)
    rows = VerdictRows()
    if (Path(data_dir) / webclaims.FOLDER).is_dir():
        rows.extend(webclaims_rows(data_dir, ("train", "dev"), nlp=nlp, params=params, weight=float(s["web_weight"]),
                                   confidence_weights={"medium": float(s["medium_confidence_weight"]),
                                                       "low": float(s["low_confidence_weight"])}))
        if log:
            log(f"webclaims: {len(rows)} labelled claims on the train and dev pages")
    rows.extend(corpus_heldout_rows(df, weight=float(s["corpus_weight"])))
    users = df[df["corpus"] == "user"]
    if len(users):
        rows.extend(frame_rows(users, weight=float(params["train"].get("user_label_weight", 5.0))))
    return rows
