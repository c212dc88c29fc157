"""schema.org ClaimReview export: one review per claim, as JSON-LD (``DIR/claimreview.jsonld``).

The file is one JSON-LD document: ``{"@context": "https://schema.org", "@graph": [ClaimReview, ...]}``
in claim order (article order, then position in the article). Each ClaimReview has:

- ``claimReviewed``: the claim's text;
- ``reviewRating``: a ``Rating`` whose ``alternateName`` is the label (hedged / supported /
  overstated) and whose ``ratingExplanation`` says why in one or two sentences (strength, cue
  words, comparison with the original source or the study design, number problems);
  ``ratingValue`` is the claim strength 0-3 (``worstRating`` 0, ``bestRating`` 3);
- ``itemReviewed``: a ``Claim`` whose ``appearance`` is the article (``url``: its http(s) URL,
  else its input path as the report shows it; ``headline``, ``publisher``, ``datePublished``);
- ``author``: ``{"@type": "Organization", "name": "claimcheck"}``;
- ``datePublished``: the article's publication date when known (claimcheck adds no timestamps,
  so the same input gives the same bytes);
- ``url``: ``articles/<page>.html#c-<claim_id>`` in the report, ``identifier``: the claim id.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.records import LABELS

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")


def iso_date(value) -> str:
    """An ISO 8601 date (or date-time) from the article's ``published``, else ""."""
    value = str(value or "").strip()
    if _DATE.match(value):
        return value.replace(" ", "T")
    m = re.match(r"^(\d{4}-\d{2}-\d{2})", value)
    if m:
        return m.group(1)
    try:
        number = float(value)
    except ValueError:
        return ""
    if 0 < number < 1e11:  # a Unix timestamp, as some corpora store it
        from datetime import datetime, timezone

        return datetime.fromtimestamp(number, tz=timezone.utc).date().isoformat()
    return ""


def explanation(claim: dict, ref_names: dict | None = None) -> str:
    """One or two plain sentences on why the claim got its label."""
    label = claim.get("label") if claim.get("label") in LABELS else "unlabelled"
    strength = claim.get("strength")
    names = ("no relationship stated", "correlational", "conditional causal", "direct causal")
    parts = []
    lead = {"hedged": "Hedged: the claim signals uncertainty or limits its reach",
            "supported": "Supported: the wording is no stronger than its evidence carries",
            "overstated": "Overstated: the claim asserts more than its evidence carries",
            "unlabelled": "Not labelled"}[label]
    if isinstance(strength, int) and 0 <= strength <= 3:
        lead += f" (strength {strength}, {names[strength]})"
    parts.append(lead + ".")
    cues = [c for c in claim.get("cues") or []
            if isinstance(c, dict) and c.get("label") in ("hedge", "booster", "causal")]
    if cues:
        words = []
        for c in cues:
            w = f"“{c.get('text')}” ({c.get('label')})"
            if w not in words:
                words.append(w)
        parts.append("Cue words: " + ", ".join(words[:5]) + ".")
    relation, basis = claim.get("relation"), claim.get("relation_basis")
    design = {"observational": "an observational study", "experimental": "an experimental study",
              "animal": "animal or lab research", "review": "a review"}.get(claim.get("reference_design") or "",
                                                                           "the study")
    if basis == "reference" and relation:
        ref = (ref_names or {}).get(claim.get("reference_claim_id")) or "the original source"
        word = {"exaggerates": "Stronger than", "same": "As strong as", "downplays": "Weaker than"}.get(relation, "")
        if word:
            parts.append(f"{word} {ref} (strength {strength} vs {claim.get('reference_strength')}).")
    if claim.get("exceeds_cap") is True and isinstance(claim.get("strength_cap"), int):
        parts.append(f"Worded more strongly than {design} carries (at most {claim['strength_cap']}).")
    for f in claim.get("number_flags") or []:
        if isinstance(f, dict) and f.get("message"):
            parts.append(f"Numbers: {f['message']}.")
            break
    if claim.get("abstain"):
        parts.append("The model is unsure: needs review.")
    return " ".join(parts)


def claim_reviews(claims: list[dict], articles: list[dict]) -> dict:
    """The JSON-LD document (a dict) for these claims."""
    from pipeline.report import REFERENCE_NAMES, _page_names, display_path, safe_url

    by_id = {a.get("article_id"): a for a in articles}
    ids = [str(a.get("article_id")) for a in articles]
    ids += sorted({str(c.get("article_id")) for c in claims} - set(ids))
    pages = _page_names(ids)
    ref_names = {}
    for c in claims:
        if c.get("reference_claim_id"):
            ref_names.setdefault(c["reference_claim_id"], None)
    for c in claims:
        if c.get("claim_id") in ref_names:
            a = by_id.get(c.get("article_id")) or {}
            kind = "reference" if (a.get("meta") or {}).get("reference") else \
                REFERENCE_NAMES.get(c.get("kind") or a.get("kind") or "", "original source")
            ref_names[c["claim_id"]] = f"the {kind} ({c.get('source') or a.get('source') or 'unknown source'})"
    order = {aid: i for i, aid in enumerate(ids)}

    def key(c):
        si, sc = c.get("sentence_index"), c.get("start_char")
        return (order.get(str(c.get("article_id")), len(order)), si if isinstance(si, int) else 1 << 30,
                sc if isinstance(sc, int) else 1 << 30, str(c.get("claim_id") or ""))

    graph = []
    for c in sorted(claims, key=key):
        a = by_id.get(c.get("article_id")) or {}
        url = safe_url(c.get("url") or a.get("url"))
        appearance = {"@type": "CreativeWork", "url": url or display_path(c.get("path") or a.get("path"))}
        title = c.get("title") or a.get("title")
        if title:
            appearance["headline"] = str(title)
        source = c.get("source") or a.get("source")
        if source:
            appearance["publisher"] = {"@type": "Organization", "name": str(source)}
        date = iso_date(a.get("published") or c.get("published"))
        if date:
            appearance["datePublished"] = date
        label = c.get("label") if c.get("label") in LABELS else "unlabelled"
        rating = {"@type": "Rating", "alternateName": label, "ratingExplanation": explanation(c, ref_names)}
        if isinstance(c.get("strength"), int) and not isinstance(c.get("strength"), bool):
            rating.update(ratingValue=c["strength"], worstRating=0, bestRating=3)
        cid = str(c.get("claim_id") or "")
        review = {
            "@type": "ClaimReview",
            "identifier": cid,
            "url": f"articles/{pages[str(c.get('article_id'))]}#c-{cid}",
            "claimReviewed": str(c.get("text") or ""),
            "reviewRating": rating,
            "itemReviewed": {"@type": "Claim", "appearance": appearance},
            "author": {"@type": "Organization", "name": "claimcheck"},
        }
        if date:
            review["datePublished"] = date
        graph.append(review)
    return {"@context": "https://schema.org", "@graph": graph}


def write_claimreview(path: str | Path, claims: list[dict], articles: list[dict]) -> Path:
    """Write the ClaimReview JSON-LD file (deterministic: sorted keys, stable order; one review a
    line, which keeps it readable and lets Python's fast JSON encoder write it)."""
    from pipeline.atomic import dumps, write_text

    doc = claim_reviews(claims, articles)
    graph = ",\n".join(dumps(review) for review in doc["@graph"])
    write_text(Path(path), f'{{"@context": {dumps(doc["@context"])}, "@graph": [\n{graph}\n]}}\n')
    return Path(path)
