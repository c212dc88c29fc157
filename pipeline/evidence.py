"""Evidence: judge each claim against the original source of its story, or against the study design.

Within a story, the *reference* is the article that states the finding first-hand: an input given
with ``claimcheck run --reference FILE``, else a ``journal`` article, else a ``press_release``
(the first in input order). Every other claim is judged against its *aligned reference
statement* (the reference's claim in the same finding row, else the reference's most similar
claim at the alignment threshold):

- ``relation``: ``exaggerates`` / ``same`` / ``downplays``: the claim's strength (0-3) against
  the reference statement's (CODEBOOK.md section 4); ``relation_basis`` = ``reference``.
- ``strength_cap``: the strongest wording the study design carries, whatever the reference says
  (CODEBOOK.md: causal wording for observational data is overstated, "may" is hedged):
  observational 2 (conditional causal, "may lower"); animal or lab 2, or 3 when the claim or the
  sentence before it names the animals or cells ("cut tumour growth in mice"); experimental 3;
  review and unknown: no cap. The design is the reference statement's, else the design the
  article itself describes. ``exceeds_cap`` is true when a claim is stronger than that, even one
  faithful to (``same`` as) a reference that already overstated.

Claims with no reference statement (no reference in the story, the finding is not in it, or the
claim belongs to the reference) fall back to the design: the one their own article describes
(``claim["design"]``), else the reference article's, else the one most claims of the story
describe. ``relation_basis`` = ``design`` and ``relation`` = ``exaggerates`` above the cap,
``same`` within it; no relation for claims of strength 0 or when no design is known.
"""

from __future__ import annotations

FIELDS = ("reference_claim_id", "reference_strength", "reference_design", "strength_cap", "relation",
          "relation_basis", "exceeds_cap")
RELATIONS = {1: "exaggerates", 0: "same", -1: "downplays"}
DESIGN_CAP = {"observational": 2, "experimental": 3}
ANIMAL_CAP, ANIMAL_NAMED_CAP = 2, 3
REFERENCE_RANK = {"journal": 1, "press_release": 2}


def is_reference_article(article: dict) -> bool:
    """An article given with ``--reference`` (``meta.reference``)."""
    return bool((article.get("meta") or {}).get("reference"))


def reference_article(articles: list[dict]) -> dict | None:
    """The story's original source: ``--reference`` input, else journal, else press release; first in order."""
    ranked = []
    for i, a in enumerate(articles):
        rank = 0 if is_reference_article(a) else REFERENCE_RANK.get(a.get("kind") or "")
        if rank is not None:
            ranked.append((rank, i, a))
    return min(ranked, key=lambda r: r[:2])[2] if ranked else None


def _strength(claim: dict):
    s = claim.get("strength")
    return s if isinstance(s, int) and not isinstance(s, bool) else None


def strength_cap(design: str | None, claim_text: str = "") -> int | None:
    """The strongest claim strength a study of this design carries (None: no cap).
    ``claim_text``: the claim (and the sentence before it), to see whether it names the animals."""
    if design == "animal":
        from pipeline.design import detect_design

        return ANIMAL_NAMED_CAP if detect_design(claim_text)[0] == "animal" else ANIMAL_CAP
    return DESIGN_CAP.get(design or "")


def _cap_text(claim: dict) -> str:
    return f"{claim.get('context') or ''} {claim.get('text') or ''}"


def _design_of(claim: dict) -> str:
    d = str(claim.get("design") or "unknown")
    return d if d else "unknown"


def _clear(claim: dict) -> None:
    for f in FIELDS:
        claim[f] = None
    claim["exceeds_cap"] = False


def judge_by_design(claim: dict, fallback: str = "unknown") -> None:
    """Fallback: the claim against the design its article describes (else ``fallback``)."""
    s = _strength(claim)
    design = _design_of(claim)
    if design == "unknown":
        design = fallback or "unknown"
    cap = strength_cap(design, _cap_text(claim))
    claim["reference_design"] = design if design != "unknown" else None
    claim["strength_cap"] = cap
    if s is None or cap is None or s == 0:
        return
    claim["relation"] = "exaggerates" if s > cap else "same"
    claim["relation_basis"] = "design"
    claim["exceeds_cap"] = s > cap


def judge_against(claim: dict, ref: dict) -> None:
    """The claim against its aligned reference statement ``ref``."""
    s, rs = _strength(claim), _strength(ref)
    if s is None or rs is None:
        judge_by_design(claim)
        return
    design = _design_of(ref)
    if design == "unknown":
        design = _design_of(claim)
    cap = strength_cap(design, _cap_text(claim))
    claim.update(
        reference_claim_id=ref.get("claim_id"),
        reference_strength=rs,
        reference_design=design if design != "unknown" else None,
        strength_cap=cap,
        relation=RELATIONS[(s > rs) - (s < rs)],
        relation_basis="reference",
        exceeds_cap=cap is not None and s > cap,
    )


def judge_story(claims: list[dict], groups: list[list[int]], sim, articles: list[dict], threshold: float) -> dict | None:
    """Judge every claim of one story (in place). ``groups`` index into ``claims`` (the finding rows),
    ``sim`` is their pairwise similarity. Returns the reference article, or None."""
    ref_article = reference_article(articles)
    ref_id = ref_article.get("article_id") if ref_article else None
    is_ref = [ref_id is not None and c.get("article_id") == ref_id for c in claims]
    ref_in_group: dict[int, int] = {}
    for group in groups:
        refs = [i for i in group if is_ref[i]]
        for i in group:
            if refs:
                ref_in_group[i] = refs[0]
    ref_indices = [i for i, r in enumerate(is_ref) if r]
    fallback = _main_design([c for c, r in zip(claims, is_ref) if r]) or _main_design(claims)
    for i, claim in enumerate(claims):
        if _given_reference(claim):
            continue
        _clear(claim)
        if is_ref[i] or not ref_indices:
            judge_by_design(claim, fallback)
            continue
        j = ref_in_group.get(i)
        if j is None:
            best = max(ref_indices, key=lambda k: (float(sim[i, k]), -k))
            j = best if float(sim[i, best]) >= threshold else None
        if j is None:
            judge_by_design(claim, fallback)
        else:
            judge_against(claim, claims[j])
    return ref_article


def _main_design(claims: list[dict]) -> str:
    """The design most of these claims describe (ties: animal, review, experimental, observational)."""
    from collections import Counter

    from pipeline.design import DESIGN_ORDER

    counts = Counter(d for d in map(_design_of, claims) if d in DESIGN_ORDER)
    return min(counts, key=lambda d: (-counts[d], DESIGN_ORDER.index(d))) if counts else ""


def _given_reference(claim: dict) -> bool:
    """Bare claims classified with a ``reference`` statement already carry their relation: keep it."""
    if str(claim.get("reference") or "").strip() and claim.get("reference_strength") is not None:
        claim.setdefault("relation_basis", "reference")
        claim.setdefault("reference_claim_id", None)
        claim.setdefault("reference_design", None)
        cap = strength_cap(_design_of(claim), _cap_text(claim))
        claim.setdefault("strength_cap", cap)
        s = _strength(claim)
        claim.setdefault("exceeds_cap", cap is not None and s is not None and s > cap)
        return True
    return False
