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


RELATIONS = {1: "exaggerates", 0: "same", -1: "downplays"}


def read_claims(path) -> list[dict]:
    """Claims from extract's JSONL, or bare claims in CSV / JSONL with a ``text`` column
    (optional id, context, design, reference). Raises InputError naming every bad line."""
    import csv
    import json
    from pathlib import Path

    from pipeline.errors import InputError

    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot read ({exc})") from exc
    rows, bad = [], []
    if path.suffix.lower() == ".csv":
        for line, rec in enumerate(csv.DictReader(raw.splitlines()), start=2):
            rows.append((line, rec))
    else:
        for line, text in enumerate(raw.splitlines(), start=1):
            if not text.strip():
                continue
            try:
                rows.append((line, json.loads(text)))
            except json.JSONDecodeError as exc:
                bad.append(f"line {line}: broken JSON ({exc.msg})")
    claims = []
    for line, rec in rows:
        if not isinstance(rec, dict) or not str(rec.get("text") or "").strip():
            bad.append(f"line {line}: no `text`")
            continue
        claims.append({k: v for k, v in rec.items() if v is not None})
    if bad:
        raise InputError(path, "; ".join(bad[:20]) + (f"; and {len(bad) - 20} more" if len(bad) > 20 else ""))
    return claims


def add_reference_relation(claims: list[dict], model) -> list[dict]:
    """For claims with a ``reference`` statement: its strength and the claim's relation to it."""
    with_ref = [c for c in claims if str(c.get("reference") or "").strip()]
    if not with_ref:
        return claims
    frame = model_frame([{"text": c["reference"]} for c in with_ref])
    ref_strength = model.strength.predict(frame)
    for claim, rs in zip(with_ref, ref_strength):
        claim["reference_strength"] = int(rs)
        diff = (claim["strength"] > rs) - (claim["strength"] < rs)
        claim["relation"] = RELATIONS[diff]
    return claims
