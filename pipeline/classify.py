"""Classify stage: add label, calibrated probabilities, strength and a needs-review flag to claims."""

from __future__ import annotations

from pipeline.records import LABELS

DECIMALS = 4


def _rounded(probs, names) -> dict:
    """Probabilities rounded for stable output, still summing to exactly 1."""
    values = [round(float(p), DECIMALS) for p in probs]
    top = max(range(len(values)), key=values.__getitem__)
    values[top] = round(values[top] + 1.0 - sum(values), DECIMALS)
    return {str(n): v for n, v in zip(names, values)}


def model_frame(claims: list[dict]):
    """The model's input for these claims: text, context and design."""
    import pandas as pd

    return pd.DataFrame(
        {
            "text": [c.get("text", "") or "" for c in claims],
            "context": [c.get("context", "") or "" for c in claims],
            "design": [c.get("design", "unknown") or "unknown" for c in claims],
        }
    )


def classify_claims(claims: list[dict], model, *, abstain_threshold: float = 0.5) -> list[dict]:
    """Return copies of the claims with label, proba, strength, strength_proba and abstain."""
    if not claims:
        return []
    frame = model_frame(claims)
    label_p = model.label.predict_proba(frame)
    strength_p = model.strength.predict_proba(frame)
    label_names = [str(c) for c in model.label.classes_]
    strength_names = [str(int(c)) for c in model.strength.classes_]
    out = []
    for claim, lp, sp in zip(claims, label_p, strength_p):
        proba = _rounded(lp, label_names)
        proba = {name: proba.get(name, 0.0) for name in LABELS}
        label = max(LABELS, key=lambda n: (proba[n], -LABELS.index(n)))
        sproba = _rounded(sp, strength_names)
        strength = int(max(sproba, key=lambda k: (sproba[k], -int(k))))
        out.append(
            dict(
                claim,
                label=label,
                proba=proba,
                strength=strength,
                strength_proba=sproba,
                abstain=proba[label] < abstain_threshold,
            )
        )
    return out
