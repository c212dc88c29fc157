"""Codebook rules the corpora cannot teach a model: hype, vague figures, animal results and limits.

The trained model judges certainty against the study design; these rules add the codebook's explicit
cases (CODEBOOK.md §2-3) that rarely occur in the training corpora. A rule that fires moves
``weight`` of the probability mass to its label, so probabilities still sum to 1, and says why.
"""

from __future__ import annotations

import re

_W = r"(?<![\w-])"
_E = r"(?![\w-])"

# Tie-break 1: a hedge attached to an inflated claim does not rescue it.
HYPE = re.compile(
    _W + r"(?:(?<!no )(?<!not a )(?<!not )cure[sd]?|miracle|breakthrough|game[- ]changer|revolutionar\w*|"
    r"revolutioni[sz]e\w*|guarantee[sd]?|proven to|zero side effects|no side effects|works for everyone|"
    r"wonder drug|magic bullet|melt(?:s|ed|ing)?[- ]away|plummet\w*|once and for all|holy grail|"
    r"redefine the future)" + _E,
    re.IGNORECASE,
)
# Rule 3 + "studies show 70% of patients are cured": impressive figures with vague attribution.
VAGUE_FIGURE = re.compile(
    _W + r"(?:experts?|scientists|studies|research|doctors|nutritionists|specialists)\s+"
    r"(?:say|says|show|shows|believe|suggest|claim|agree)" + _E + r"[^.]*?"
    r"(?:\d+\s*(?:%|per ?cent)|\d+ (?:out of|in) \d+|(?:one|two|three|four|five|six|seven|eight|nine) in (?:ten|five|four|three))",
    re.IGNORECASE,
)
# Tie-break 5: statements of limits about the evidence are hedged.
LIMITS = re.compile(
    _W + r"(?:under ?way|(?:is|are|will be|would be) needed|not yet|remains? (?:unclear|to be seen)|too early|"
    r"did not (?:measure|test|look at|include)|lasted only|only (?:\d+|a few|twelve|six|three) (?:weeks|months)|"
    r"varied widely|mixed results|results (?:were|are) mixed|limited evidence|evidence (?:is|was|remains) limited|"
    r"small (?:study|trial|sample)|may not apply|cannot (?:show|tell|prove)|can't (?:show|tell|prove)|"
    r"(?:further|more) (?:research|studies|trials)|larger (?:trials|studies)|preliminary|still experimental|"
    r"(?:is|are) (?:thought|believed) to|not (?:been )?tested in (?:people|humans))" + _E,
    re.IGNORECASE,
)
# 6.2: blanket safety about any treatment is overstated unless a named trial, regulator or review backs it
BLANKET_SAFETY = re.compile(
    _W + r"(?:(?:is|are|completely|totally|perfectly|100%) safe|safe (?:and|for) (?:everyone|all|effective)|safely|"
    r"no (?:known )?(?:risks?|side[- ]effects|downtime|harm)|risk[- ]free|side[- ]effect[- ]free|gentle enough|"
    r"without (?:any )?(?:risks?|side[- ]effects))" + _E,
    re.IGNORECASE,
)
# 6.3 / tie-break 5: the state of the evidence, in the wordings web pages use
EVIDENCE_LIMITS = re.compile(
    _W + r"(?:results? (?:can |may )?vary|vary (?:widely|from person to person)|long-term (?:data|effects|safety|evidence)"
    r"(?: (?:are|is|remain))? (?:still )?(?:emerging|unknown|unclear|limited|lacking)|(?:is|are|remains?) (?:still )?"
    r"(?:unclear|uncertain|unknown|under investigation|being studied|not (?:yet )?(?:established|proven|known))|"
    r"(?:little|limited|scarce|insufficient|not enough|no good|weak|mixed|conflicting) (?:\w+ )?(?:evidence|research|data|studies)|"
    r"questions remain|(?:trials|studies|research) (?:are|is) (?:still )?(?:limited|scarce|few|lacking|ongoing|under ?way))" + _E,
    re.IGNORECASE,
)
ANIMAL_WORDS = re.compile(
    _W + r"(?:mice|mouse|rats?|rodents?|animals?|monkeys?|pigs?|zebrafish|flies|worms|cells?|lab|dish)" + _E,
    re.IGNORECASE,
)


# The strength model's probability of "direct causal" above which its reading is taken as settled.
CONFIDENT_CAUSAL = 0.7


def codebook_rule(text: str, design: str = "unknown", strength: int | None = None,
                  strength_p: float | None = None) -> tuple[str, str] | None:
    """(label, why) when a codebook rule decides this claim, else None. Order: hype, vague figure,
    animal result stated about people, limits, causal wording for an observational study.
    ``strength_p``: the strength model's probability of ``strength`` (None: taken as certain)."""
    hype = HYPE.search(text)
    if hype:
        return "overstated", f"hype: \u201c{hype.group(0)}\u201d"
    vague = VAGUE_FIGURE.search(text)
    if vague:
        return "overstated", f"figure with vague attribution: \u201c{vague.group(0)}\u201d"
    if design == "animal" and (strength or 0) >= 1 and not ANIMAL_WORDS.search(text):
        return "overstated", "animal or lab result stated without saying so"
    limits = LIMITS.search(text)
    if limits:
        return "hedged", f"states a limit of the evidence: \u201c{limits.group(0)}\u201d"
    # the label model alone sometimes keeps "supported" for a clearly causal claim when a reporting
    # verb ("research suggests") softens the sentence; the codebook calls it overstated
    if design == "observational" and strength == 3 and (strength_p is None or strength_p >= CONFIDENT_CAUSAL):
        return "overstated", "causal wording for an observational study"
    return None


RULE_NAMES = ("hype", "vague_figure", "animal", "limits", "obs_causal", "blanket_safety", "evidence_limits")


def fired_rules(text: str, design: str = "unknown", strength: int | None = None,
                strength_p: float | None = None) -> dict[str, str]:
    """Every rule that fires on this claim: name -> the words that made it fire. The verdict model
    takes them as features (the data decides how much each one counts)."""
    out = {}
    for name, pattern in (("hype", HYPE), ("vague_figure", VAGUE_FIGURE), ("limits", LIMITS),
                          ("blanket_safety", BLANKET_SAFETY), ("evidence_limits", EVIDENCE_LIMITS)):
        hit = pattern.search(text)
        if hit:
            out[name] = hit.group(0)
    if design == "animal" and (strength or 0) >= 1 and not ANIMAL_WORDS.search(text):
        out["animal"] = "an animal or lab study"
    if design == "observational" and strength == 3 and (strength_p is None or strength_p >= CONFIDENT_CAUSAL):
        out["obs_causal"] = "direct causal wording"
    return out


def apply_rule(proba: dict, rule: tuple[str, str] | None, weight: float) -> dict:
    """Move ``weight`` of the probability mass to the rule's label (no rule: unchanged)."""
    if rule is None:
        return proba
    label = rule[0]
    return {k: (1 - weight) * v + (weight if k == label else 0.0) for k, v in proba.items()}
