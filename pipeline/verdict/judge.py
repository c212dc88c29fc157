"""The only writer of a claim's verdict: label, proba, strength, strength_proba, abstain, reason,
rule, and (against a reference statement) relation."""

from __future__ import annotations

import numpy as np

from pipeline.records import LABELS

DECIMALS = 4


def _rounded(probs, names) -> dict:
    """Probabilities rounded for stable output, still summing to exactly 1."""
    values = [round(float(p), DECIMALS) for p in probs]
    top = max(range(len(values)), key=values.__getitem__)
    values[top] = round(values[top] + 1.0 - sum(values), DECIMALS)
    return {str(n): v for n, v in zip(names, values)}


def model_frame(claims: list[dict]):
    """The corpus label model's input for these claims: text, context and design."""
    import pandas as pd

    return pd.DataFrame(
        {
            "text": [c.get("text", "") or "" for c in claims],
            "context": [c.get("context", "") or "" for c in claims],
            "design": [c.get("design", "unknown") or "unknown" for c in claims],
        }
    )


def _strength(model, frame):
    """Strength probabilities and, when the strength encoder runs, its sentence vectors."""
    if hasattr(model.strength, "proba_and_embedding"):
        return model.strength.proba_and_embedding(frame)
    return model.strength.predict_proba(frame), None


def verdict_inputs(claims: list[dict], model) -> dict:
    """What the verdict model reads besides the claims: the corpus model's label probabilities
    (``base_p``, LABELS order), the strength probabilities and classes, and the encoder's vectors
    (``embedding``, None without the encoder)."""
    from pipeline.features import shared_analysis

    frame = model_frame(claims)
    with shared_analysis():
        raw = model.label.predict_proba(frame)
        strength_p, embedding = _strength(model, frame)
    names = [str(c) for c in model.label.classes_]
    base_p = np.column_stack([raw[:, names.index(n)] if n in names else np.zeros(len(frame)) for n in LABELS])
    return {"base_p": base_p, "strength_p": strength_p, "embedding": embedding,
            "strength_classes": [int(c) for c in model.strength.classes_]}


def judge(claims: list[dict], model, rule_weight: float = 0.6):
    """Label and strength probabilities of claim records.

    Returns (label probabilities n x 3 in LABELS order, strength probabilities, strength classes,
    per row the rules that fired {name: words}, and per row the rule that decided or None). With a
    verdict model (every model ``claimcheck train`` writes now) the rules are features of it; an
    older file without one applies them as fixed moves of ``rule_weight``."""
    from pipeline.verdict.estimator import verdict_frame
    from pipeline.verdict.rules import apply_rule, codebook_rule

    read = verdict_inputs(claims, model)
    base_p, strength_p, embedding = read["base_p"], read["strength_p"], read["embedding"]
    strength_classes = read["strength_classes"]
    verdict = getattr(model, "verdict", None)
    if verdict is not None:
        vf = verdict_frame(claims)
        z, use, hits = verdict.decision(vf, base_p=base_p, strength_p=strength_p, embedding=embedding)
        from scipy.special import softmax

        label_p = softmax(z / verdict.temperatures(vf, use)[:, None], axis=1)
        decided = []
        for i, hit in enumerate(hits):
            rule = overriding_rule(hit)
            if rule is not None:
                mixed = apply_rule(dict(zip(LABELS, label_p[i])), rule, rule_weight)
                label_p[i] = [mixed[n] for n in LABELS]
            decided.append(rule)
        return label_p, strength_p, strength_classes, hits, decided
    top = strength_p.argmax(axis=1)
    label_p = base_p.copy()
    decided = []
    for i, claim in enumerate(claims):
        rule = codebook_rule(claim.get("text", ""), claim.get("design") or "unknown",
                             strength_classes[top[i]], float(strength_p[i, top[i]]))
        if rule is not None:
            mixed = apply_rule(dict(zip(LABELS, label_p[i])), rule, rule_weight)
            label_p[i] = [mixed[n] for n in LABELS]
        decided.append(rule)
    return label_p, strength_p, strength_classes, [{} for _ in claims], decided


# Rules that decide over the verdict model: the codebook's tie-breaks 1 (a hedge does not rescue
# hype) and 3 (vague attribution of an impressive figure), which the written pages teach too weakly
# ("could be the cure" came out hedged). As hard overrides they change the out-of-fold macro-F1 by
# +0.002 (hype) and +0.001 (vague figure); every other rule measured worse as an override and is a
# feature only (README, "Figures").
OVERRIDES = ("hype", "vague_figure")


def overriding_rule(hits: dict) -> tuple[str, str] | None:
    """(label, why) of the first overriding rule among the rules that fired, else None."""
    for name in OVERRIDES:
        if name in hits:
            what = "hype" if name == "hype" else "figure with vague attribution"
            return "overstated", f"{what}: \u201c{hits[name]}\u201d"
    return None


def classify_claims(
    claims: list[dict], model, *, abstain_threshold: float = 0.5, rule_weight: float = 0.6
) -> list[dict]:
    """Return copies of the claims with label, proba, strength, strength_proba, abstain, reason and,
    when a codebook rule fired, ``rule`` (its name and words)."""
    from pipeline.verdict.reasons import reason

    if not claims:
        return []
    label_p, strength_p, strength_classes, hits, decided = judge(claims, model, rule_weight)
    strength_names = [str(c) for c in strength_classes]
    out = []
    for claim, lp, sp, hit, rule in zip(claims, label_p, strength_p, hits, decided):
        proba = _rounded(lp, LABELS)
        label = max(LABELS, key=lambda n: (proba[n], -LABELS.index(n)))
        sproba = _rounded(sp, strength_names)
        strength = int(max(sproba, key=lambda k: (sproba[k], -int(k))))
        record = dict(claim)
        record.pop("rule", None)
        record.update(
            label=label,
            proba=proba,
            strength=strength,
            strength_proba=sproba,
            abstain=proba[label] < abstain_threshold,
        )
        if rule is not None:
            record["rule"] = rule[1]
        elif hit:
            record["rule"] = "; ".join(f"{name}: \u201c{words}\u201d" for name, words in sorted(hit.items()))
        record["reason"] = reason(record, label, hit)
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
