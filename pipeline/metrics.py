"""Scores used by evaluate and the benchmarks: macro-F1, per-class P/R/F1, calibration."""

from __future__ import annotations

import numpy as np


def classification_scores(y_true, y_pred, labels) -> dict:
    """Macro-F1, accuracy and per-class precision / recall / F1 / support."""
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

    labels = list(labels)
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    return {
        "macro_f1": round(float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)), 4),
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 4),
        "n": int(len(y_true)),
        "per_class": {
            str(lab): {"precision": round(float(pi), 4), "recall": round(float(ri), 4), "f1": round(float(fi), 4),
                       "support": int(si)}
            for lab, pi, ri, fi, si in zip(labels, p, r, f, s)
        },
    }


def reliability(y_true, proba, classes, bins: int = 15) -> tuple[float, list[dict]]:
    """Expected calibration error of the top-class probability, and the reliability curve."""
    proba = np.asarray(proba, dtype=float)
    classes = np.asarray(classes)
    conf = proba.max(axis=1)
    correct = (classes[proba.argmax(axis=1)] == np.asarray(y_true)).astype(float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    idx = np.clip(np.digitize(conf, edges[1:-1], right=True), 0, bins - 1)
    ece, curve = 0.0, []
    for b in range(bins):
        mask = idx == b
        if not mask.any():
            continue
        c, a, n = float(conf[mask].mean()), float(correct[mask].mean()), int(mask.sum())
        ece += n / len(conf) * abs(c - a)
        curve.append({"bin": b, "confidence": round(c, 4), "accuracy": round(a, 4), "count": n})
    return round(ece, 4), curve


def confusion_rows(y_true, y_pred) -> list[dict]:
    """One row per example, the shape ``dvc plots`` wants for a confusion matrix."""
    return [{"actual": str(t), "predicted": str(p)} for t, p in zip(y_true, y_pred)]
