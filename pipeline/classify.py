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


def judge(frame, model, rule_weight: float = 0.6):
    """Label and strength probabilities for a model frame, with the codebook rules applied.

    Returns (label probabilities n x 3 in LABELS order, strength probabilities, strength classes,
    the rule that fired per row or None)."""
    import numpy as np

    from pipeline.codebook_rules import apply_rule, codebook_rule
    from pipeline.features import shared_analysis

    with shared_analysis():
        raw = model.label.predict_proba(frame)
        strength_p = model.strength.predict_proba(frame)
    names = [str(c) for c in model.label.classes_]
    label_p = np.column_stack([raw[:, names.index(n)] if n in names else np.zeros(len(frame)) for n in LABELS])
    strength_classes = [int(c) for c in model.strength.classes_]
    top = strength_p.argmax(axis=1)
    strengths = [strength_classes[i] for i in top]
    rules = []
    for i, (text, design) in enumerate(zip(frame["text"], frame["design"])):
        rule = codebook_rule(text, design, strengths[i], float(strength_p[i, top[i]]))
        if rule is not None:
            mixed = apply_rule(dict(zip(LABELS, label_p[i])), rule, rule_weight)
            label_p[i] = [mixed[n] for n in LABELS]
        rules.append(rule)
    return label_p, strength_p, strength_classes, rules


def classify_claims(
    claims: list[dict], model, *, abstain_threshold: float = 0.5, rule_weight: float = 0.6
) -> list[dict]:
    """Return copies of the claims with label, proba, strength, strength_proba, abstain and, when a
    codebook rule decided the verdict, ``rule`` (why)."""
    if not claims:
        return []
    label_p, strength_p, strength_classes, rules = judge(model_frame(claims), model, rule_weight)
    strength_names = [str(c) for c in strength_classes]
    out = []
    for claim, lp, sp, rule in zip(claims, label_p, strength_p, rules):
        proba = _rounded(lp, LABELS)
        label = max(LABELS, key=lambda n: (proba[n], -LABELS.index(n)))
        sproba = _rounded(sp, strength_names)
        strength = int(max(sproba, key=lambda k: (sproba[k], -int(k))))
        record = dict(
            claim,
            label=label,
            proba=proba,
            strength=strength,
            strength_proba=sproba,
            abstain=proba[label] < abstain_threshold,
        )
        if rule is not None:
            record["rule"] = rule[1]
        out.append(record)
    return out


def rejudge_story_designs(claims: list[dict], model, *, abstain_threshold: float = 0.5,
                          rule_weight: float = 0.6) -> int:
    """Claims of unknown design take their story's most frequent design
    (``design.pool_story_designs``) and are labelled again with it, in place (``design_basis`` =
    "story"); returns how many changed. Needs ``story`` set (``pipeline.stories``)."""
    from pipeline.design import pool_story_designs

    pooled = pool_story_designs(claims)
    changed = [i for i, (c, p) in enumerate(zip(claims, pooled)) if p.get("design") != c.get("design")]
    if not changed:
        return 0
    relabelled = classify_claims([pooled[i] for i in changed], model, abstain_threshold=abstain_threshold,
                                 rule_weight=rule_weight)
    for i, new in zip(changed, relabelled):
        claims[i].pop("rule", None)  # the rule, if any, is the one that fires with the new design
        claims[i].update(new, design_basis="story")
    return len(changed)


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
    from pipeline.estimators import compare_strengths

    frame = model_frame([{"text": c["reference"]} for c in with_ref])
    ref_proba = model.strength.predict_proba(frame)
    classes = [int(c) for c in model.strength.classes_]
    claim_proba = [[c["strength_proba"][str(k)] for k in classes] for c in with_ref]
    relations, _ = compare_strengths(claim_proba, ref_proba, classes)
    for claim, rp, relation in zip(with_ref, ref_proba, relations):
        claim["reference_strength"] = classes[int(rp.argmax())]
        claim["relation"] = str(relation)
    return claims
