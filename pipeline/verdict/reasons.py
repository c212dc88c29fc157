"""A reason in words for every verdict: the deciding evidence and cue, so a reader can disagree."""

from __future__ import annotations

import re

_HEDGE = re.compile(r"(?<![\w-])(?:may|might|could|possibly|perhaps|suggests?|appears? to|seems? to|is thought to|"
                    r"are thought to|is believed to|potential(?:ly)?|promising|likely|unclear|uncertain)(?![\w-])",
                    re.I)
_CORR = re.compile(r"(?<![\w-])(?:associated with|linked (?:to|with)|tied to|correlated with|more likely|less likely|"
                   r"higher (?:risk|rates?)|lower (?:risk|rates?)|predicts?)(?![\w-])", re.I)
_CAUSAL = re.compile(r"(?<![\w-])(?:cuts?|causes?|caused|reduces?|reduced|prevents?|prevented|improves?|improved|"
                     r"boosts?|lowers?|lowered|raises?|increases?|treats?|cures?|reverses?|repairs?|heals?|"
                     r"protects?|eliminates?|stops?|restores?|regenerates?|works?|is safe|are safe|safely|"
                     r"no side effects|helps?)(?![\w-])", re.I)
_VAGUE = re.compile(r"(?<![\w-])(?:studies (?:show|suggest|have shown|report)|research (?:shows|suggests|has shown)|"
                    r"experts? (?:say|agree|believe)|scientists say|doctors say|some studies|early studies|"
                    r"many (?:patients|people) report|reports suggest|evidence shows)(?![\w-])", re.I)


def _quote(text: str, limit: int = 40) -> str:
    text = " ".join(str(text).split())
    return "\u2018" + (text if len(text) <= limit else text[:limit - 1] + "\u2026") + "\u2019"


def _first(pattern: re.Pattern, text: str) -> str | None:
    hit = pattern.search(text or "")
    return hit.group(0) if hit else None


def reason(claim: dict, label: str, hits: dict) -> str:
    """Why this claim got this label, in a short phrase naming the deciding cue."""
    text = claim.get("text", "")
    design = claim.get("design") or "unknown"
    kind = claim.get("statement_kind") or ""
    basis = claim.get("evidence_basis") or ""
    status = claim.get("treatment_status") or ""
    cue = claim.get("evidence_cue") or ""
    headline = "headline: " if claim.get("headline") else ""
    causal = _first(_CAUSAL, text)
    if label == "overstated":
        if "hype" in hits:
            why = f"hype wording ({_quote(hits['hype'])})"
        elif "blanket_safety" in hits:
            why = f"blanket safety claim ({_quote(hits['blanket_safety'])}) with no named trial or regulator"
        elif "vague_figure" in hits:
            why = f"impressive figure with vague attribution ({_quote(hits['vague_figure'])})"
        elif "animal" in hits:
            why = "an animal or lab result stated as if shown in people"
        elif kind == "selling":
            why = "selling assurance with no named standard or regulator"
        elif basis == "vague" and re.search(r"\d", text):
            why = f"figure with vague attribution ({_quote(cue or _first(_VAGUE, text) or 'no named source')})"
        elif design == "observational" and causal:
            why = f"causal wording ({_quote(causal)}) for an observational study"
        elif status in ("experimental", "new") and causal:
            why = f"categorical claim ({_quote(causal)}) about a treatment the page calls {status}"
        elif basis == "vague":
            why = f"vague attribution ({_quote(cue or 'some studies')}) for a categorical claim"
        elif causal:
            why = f"causal wording ({_quote(causal)}) with no study behind it"
        else:
            why = "more certainty or benefit than the evidence given carries"
    elif label == "hedged":
        if "limits" in hits or "evidence_limits" in hits:
            why = f"states a limit of the evidence ({_quote(hits.get('limits') or hits['evidence_limits'])})"
        elif kind == "evidence_state":
            why = "says the evidence is incomplete"
        elif kind == "belief":
            why = "reports a belief without endorsing it"
        elif _first(_HEDGE, text):
            why = f"tentative wording ({_quote(_first(_HEDGE, text))})"
        else:
            why = "signals uncertainty about the effect"
    else:
        if kind in ("background", "procedure", "aim") and basis != "scoped":
            why = {"background": "background fact stated plainly", "procedure": "describes a procedure or its practicalities",
                   "aim": "says what a treatment or study is for"}[kind]
        elif kind == "evidence_state":
            why = "a verdict on the evidence" + (f" from a named source ({_quote(cue)})" if cue else "")
        elif basis in ("named", "scoped") and cue:
            why = f"finding with its own source ({_quote(cue)})"
        elif _first(_CORR, text):
            why = f"correlational wording ({_quote(_first(_CORR, text))})"
        elif design == "experimental" and causal:
            why = f"causal wording ({_quote(causal)}) backed by a trial"
        elif not causal:
            why = "states a fact with no stronger wording than it needs"
        else:
            why = "wording no stronger than its evidence"
    return headline + why
