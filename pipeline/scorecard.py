"""Source scorecard: label shares, strength against the reference, and a HealthNewsReview-style checklist.

The checklist follows the criteria HealthNewsReview.org used to review health news and press
releases. Each item is a rule over the article's clean text (cue lexicons and regular
expressions) that returns the text spans satisfying it, so a reader can check why:

=============== ==================================================================================
item            satisfied when the article ...
=============== ==================================================================================
benefits        quantifies a benefit: a number (share, change, relative effect, measured amount)
                in a sentence about an outcome improving
harms           mentions harms: side effects, adverse events, risks or safety of the intervention
costs           mentions what the intervention costs (price, insurance, affordability)
evidence        states the study design and a limitation of the evidence (small, preliminary,
                observational, animal, needs confirming)
independent     quotes a source not involved in the study
alternatives    compares with existing options (standard care, current treatments, placebo)
availability    says whether or when the intervention is available (approved, on sale, in trials)
novelty         places the finding against earlier work (previous studies, already used, first)
funding         names who funded the work or discloses conflicts of interest
sensational     uses no sensational language (breakthrough, miracle, cure, game changer ...)
=============== ==================================================================================

``sensational`` is the only item satisfied by an *absence*; its spans are the offending words.
``benchmarks/checklist.py`` measures every item against the expert reviews of press releases in
``fakehealth/release_reviews.jsonl``.
"""

from __future__ import annotations

import re

ITEMS = ("benefits", "harms", "costs", "evidence", "independent", "alternatives", "availability", "novelty",
         "funding", "sensational")
TITLES = {
    "benefits": "Benefits quantified",
    "harms": "Harms mentioned",
    "costs": "Costs mentioned",
    "evidence": "Study design and its limits stated",
    "independent": "Independent source quoted",
    "alternatives": "Alternatives compared",
    "availability": "Availability stated",
    "novelty": "Novelty put in context",
    "funding": "Funding or conflicts disclosed",
    "sensational": "No sensational language",
}
MAX_SPANS = 3

_SENT = re.compile(r"[^\n]+?(?:[.!?]+[\"'”’)]*(?=\s|$)|(?=\n)|$)")


def _rx(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.I)


_HARMS = _rx(
    r"\bside[- ]effects?\b|\badverse (?:events?|effects?|reactions?|outcomes?)\b|\bharms?\b|\bharmful effects?\b"
    r"|\btoxicit(?:y|ies)\b|\bcomplications?\b|\b(?:risks?|dangers?) (?:of|from|associated with|include)\b"
    r"|\bbleeding\b|\bnausea\b|\bvomiting\b|\bheadaches?\b|\bdizziness\b|\bfatigue\b|\bdiarrh?oea\b|\brash(?:es)?\b"
    r"|\binfections?\b|\ballergic reactions?\b|\bdrawbacks?\b|\bdownsides?\b|\bfalse[- ]positives?\b"
    r"|\boverdiagnosis\b|\bovertreatment\b|\bdropped out\b|\bdiscontinued\b|\bwithdr[ae]w\b|\bsafety concerns?\b"
    r"|\bcontraindicat\w+")
# a harm is *discussed* when its sentence quantifies or lists it, or says it occurred / did not
_HARM_DETAIL = _rx(
    r"\d|\bsuch as\b|\binclud(?:e|ed|ing)\b|\b(?:were|was) (?:reported|seen|observed|common|rare|mild|serious|"
    r"similar)\b|\boccurr?(?:ed|ing)?\b|\bexperienced\b|\bdeveloped\b|\bsuffered\b|\bno (?:serious|major|significant|"
    r"severe)\b|\b(?:mild|moderate|serious|severe|rare|common|minor)\b|\bcaused\b|\bcan cause\b|\bmay cause\b")
_HARM_AS_BENEFIT = _rx(r"\b(?:reduc\w*|fewer|less|lower\w*|avoid\w*|minimi[sz]\w*|decreas\w*|without)\b[^.]{0,30}$")
_COSTS = _rx(
    r"(?:[$£€]\s?\d[\d,.]*(?:\s?(?:million|billion|k))?)|\b\d[\d,.]* (?:dollars|euros)\b"
    r"|\bcosts?\b|\bcostly\b|\bcost[- ](?:effective(?:ness)?|savings?|benefit)\b|\bprices?d?\b|\bexpensive\b"
    r"|\binexpensive\b|\baffordab(?:le|ility)\b|\bcheap(?:er|ly)?\b|\b(?:covered|paid for|reimbursed) by\b"
    r"|\binsurers?\b|\bout[- ]of[- ]pocket\b|\bco-?pays?\b|\bsav(?:e|es|ing|ings) (?:money|\$)")
_COST_BOILERPLATE = _rx(
    r"\bbudgets?\b|\bgrants?\b|\bfund(?:ed|ing)\b|\bforward[- ]looking\b|\buncertaint|\brevenue|\bemployer\b"
    r"|\bfiscal\b|\bstock\b|\bCOST Action\b|\bhealth ?care (?:costs?|spending)\b|\bburden\b|\bbillion\b")
_LIMITS = _rx(
    r"\blimitations?\b|\bsmall (?:study|trial|sample|number|group|pilot)\b|\bpreliminary\b|\bpilot (?:study|trial)\b"
    r"|\bcannot (?:prove|show|establish|determine)\b|\bdoes not (?:prove|establish)\b|\bcause and effect\b"
    r"|\bcausation\b|\bobservational\b|\b(?:larger|further|more|additional|future) (?:research|studies|trials|study|"
    r"trial)\b|\bneeds? to be (?:confirmed|replicated|validated)\b|\bcaveats?\b|\bcaution\w*\b|\bself[- ]reported\b"
    r"|\bconfound\w*\b|\bin mice\b|\banimal (?:study|studies|models?)\b")
_SAMPLE = _rx(
    r"\b\d[\d,]*\s(?:\w+\s){0,2}(?:people|adults|patients|participants|women|men|children|volunteers|subjects|"
    r"individuals|infants|students|veterans|mice|rats)\b")
_INDEPENDENT = _rx(
    r"\b(?:who|which) (?:was|were|is|are) not (?:involved|part of|associated|connected|affiliated)\b"
    r"|\bnot (?:involved|associated|affiliated) (?:in|with)\b|\bindependent (?:expert|researcher|scientist|"
    r"commentator|observer|review)\w*\b|\buninvolved\b|\bwho did not (?:take part|participate|work on)\b"
    r"|\bunaffiliated\b")
_ALTERNATIVES = _rx(
    r"\bthan (?:the )?(?:current|standard|existing|conventional|usual|traditional|other|available)\b"
    r"|\bstandard (?:of )?(?:care|treatments?|therap(?:y|ies)|approach|practice)\b"
    r"|\b(?:current|existing|conventional|traditional|other|available|approved) (?:treatments?|therap(?:y|ies)|"
    r"options?|drugs?|medications?|approaches|methods|tests|interventions|procedures)\b|\balternatives?\b"
    r"|\binstead of\b|\bcurrently (?:used|available|treated|the only)\b|\bfirst-line\b|\bgold standard\b"
    r"|\busual care\b|\bsuch as (?:surgery|chemotherapy|radiation|statins|insulin|metformin|aspirin)\b")
_AVAILABILITY = _rx(
    r"\b(?:not )?(?:yet )?(?:widely |commercially |currently |now |already )?available\b|\bavailability\b"
    r"|\bapproved\b|\bapproval\b|\bFDA\b|\bon the market\b|\bmarketed\b|\bprescri(?:bed|ption)\b"
    r"|\bover[- ]the[- ]counter\b|\byears? (?:away|before|from)\b|\bbefore (?:it|they|this) (?:can|could) be\b"
    r"|\bnot (?:yet )?ready\b|\bin development\b|\blaunch(?:ed)?\b|\bsold\b|\bcan be (?:bought|purchased|ordered)\b"
    r"|\bnext step\b|\bfurther (?:clinical )?trials?\b|\b(?:larger|future|phase (?:2|3|ii|iii)) (?:clinical )?trials?\b")
_NOVELTY = _rx(
    r"\bprevious(?:ly)? (?:research|studies|study|work|trials?|findings|reports?|shown|found|reported|thought)\b"
    r"|\bearlier (?:research|studies|study|work|trials?|findings)\b|\bprior (?:research|studies|study|work|trials?)\b"
    r"|\bother (?:research|studies|trials|researchers)\b|\bpast (?:research|studies)\b|\bbuilds? on\b"
    r"|\bconfirms?\b|\bconsistent with\b|\bin line with\b|\bhas (?:long )?been (?:known|used|shown|studied|"
    r"approved|linked)\b|\bhave (?:long )?been (?:known|used|shown|studied|linked)\b|\balready (?:known|used|approved|"
    r"available|shown)\b|\bfor (?:decades|years)\b|\bunlike (?:previous|earlier|other|existing)\b|\bknown to\b"
    r"|\blong been\b|\bsince (?:the )?\d{4}\b|\bfirst (?:time|study|to)\b|\bthe first\b|\bnovel\b")
_FUNDING = _rx(
    r"\bfund(?:ed|ing|s)?\b|\bgrants?\b|\bsupported (?:in part )?by\b|\bsponsor(?:ed|s|ship)?\b|\bfinanced\b"
    r"|\bconflicts? of interest\b|\bcompeting interests?\b|\bdisclos(?:e|ed|ure|ures)\b|\bconsult(?:ant|ing|s)? "
    r"(?:for|to)\b|\b(?:holds?|has|have) (?:a )?(?:patent|stock|shares|equity|financial (?:interest|stake))\b"
    r"|\bemployees? of\b|\bNational Institutes? of Health\b|\bNIH\b|\bNational Science Foundation\b|\bWellcome\b"
    r"|\bfoundation\b(?= .{0,40}\b(?:fund|support|grant))")
_SENSATIONAL = _rx(
    r"\bbreakthroughs?\b|\bbreakthough\b|\bmiracles?\b|\bmiraculous\b|\bcures?\b|\bcured\b|\bgame[- ]?chang(?:er|ers|ing)\b"
    r"|\brevolution(?:ary|ize|ise|izes|ises|ized|ised|izing|ising)?\b|\bgroundbreaking\b|\bground-breaking\b"
    r"|\bpath-?breaking\b|\bparadigm[- ]shift\w*\b|\bholy grail\b|\bmagic bullet\b|\bwonder (?:drug|pill)\b"
    r"|\bsuperfoods?\b|\bdramatic(?:ally)?\b|\bremarkabl[ey]\b|\bastonishing\b|\bastounding\b|\bstunning\b"
    r"|\bincredibl[ey]\b|\bunprecedented\b|\bspectacular\b|\bamazing\b|\bextraordinar(?:y|ily)\b"
    r"|\bhuge (?:step|leap|advance)\b|\bmajor (?:advance|step forward|leap)\b|\bgiant leap\b|\bhistoric\b"
    r"|\blandmark\b|\bblockbuster\b|\blife[- ](?:changing|saving)\b|\bnew hope\b|\bhope for (?:millions|patients)\b"
    r"|\btransform(?:ative|ational)\b|\b(?:the )?future of (?:medicine|treatment)\b|\bproven\b|\bproof\b"
    r"|\bguarantee[sd]?\b|\bdefinitive(?:ly)?\b|\bslash(?:es|ed)?\b|\bexciting\b|\bgreatly\b|\bsignificant (?:advance|step)\b")


def _spans(pattern: re.Pattern, text: str, limit: int = MAX_SPANS) -> list[dict]:
    out = []
    for m in pattern.finditer(text):
        out.append({"start_char": m.start(), "end_char": m.end(), "text": m.group()})
        if len(out) >= limit:
            break
    return out


def _sentence_spans(pattern: re.Pattern, text: str, keep, limit: int = MAX_SPANS) -> list[dict]:
    """The first match of ``pattern`` in each sentence that passes ``keep(sentence, match)``."""
    out = []
    for s, e in _sentences(text):
        sentence = text[s:e]
        for m in pattern.finditer(sentence):
            if keep(sentence, m):
                out.append({"start_char": s + m.start(), "end_char": s + m.end(), "text": m.group()})
                break
        if len(out) >= limit:
            break
    return out


def _harm_ok(sentence: str, m: re.Match) -> bool:
    if _HARM_AS_BENEFIT.search(sentence[: m.start()]):
        return False  # "fewer side effects than ...": a benefit claim, not a discussion of harms
    return bool(_HARM_DETAIL.search(sentence))


def _sentences(text: str):
    for m in _SENT.finditer(text):
        if m.group().strip():
            yield m.start(), m.end()


_COMPARISON = _rx(
    r"\bcompared (?:with|to)\b|\bthan\b|\bversus\b|\bvs\.?\s|\bplacebo\b|\bcontrol group\b|\busual care\b"
    r"|\bfrom\b[^.]{0,40}\bto\b|\b(?:reduc|lower|improv|increas|decreas|cut|prevent|slow|boost|extend|shrank|shrink"
    r"|reliev|eas|halv|doubl|respond|remission|surviv|recover|benefit)\w*")
_BACKGROUND = _rx(
    r"\b(?:affects?|afflicts?|suffer from|are diagnosed|is diagnosed|every year|each year|annually|worldwide|"
    r"in the (?:United States|U\.S\.|US|UK|world)|nationwide|prevalence|leading cause|most common)\b")


def _benefit_spans(text: str, limit: int = MAX_SPANS) -> list[dict]:
    """Benefits stated in numbers: a share, a change from A to B, percentage points, or a measured
    amount, in a sentence that compares or states a change (not background such as prevalence)."""
    from pipeline.quantities import quantities

    out = []
    for s, e in _sentences(text):
        sentence = text[s:e]
        if not _COMPARISON.search(sentence) or _BACKGROUND.search(sentence):
            continue
        for q in quantities(sentence):
            if q["kind"] in ("share", "change", "points") or (
                    q["kind"] == "measure" and q.get("unit") not in _TIME_UNITS and q.get("unit")):
                out.append({"start_char": s + q["start_char"], "end_char": s + q["end_char"],
                            "text": text[s + q["start_char"]:s + q["end_char"]]})
                break
        if len(out) >= limit:
            break
    return out


_TIME_UNITS = frozenset(("hours", "hour", "hrs", "minutes", "minute", "mins", "seconds", "days", "day", "weeks",
                         "week", "months", "month", "years", "year", "decades", "years old"))


def _design_and_limit_spans(text: str, limit: int = MAX_SPANS) -> list[dict]:
    """The design named explicitly, the sample size and a limitation: all three, or nothing."""
    from pipeline.design import article_design_mentions

    limits = _spans(_LIMITS, text, 1)
    sample = _spans(_SAMPLE, text, 1) if limits else []
    if not (limits and sample):  # the design search costs most: only when it can matter
        return []
    designs = [m for m in article_design_mentions(text) if m[4]]  # explicit mentions only
    if not designs:
        return []
    s, e, _, evidence, _ = designs[0]
    return [{"start_char": s, "end_char": e, "text": evidence}] + sample + limits


def checklist(text: str) -> dict[str, dict]:
    """``{item: {"ok": bool, "spans": [{start_char, end_char, text}]}}`` for one article's text."""
    text = text or ""
    found = {
        "benefits": _benefit_spans(text),
        "harms": _sentence_spans(_HARMS, text, _harm_ok),
        "costs": _sentence_spans(_COSTS, text, lambda sentence, m: not _COST_BOILERPLATE.search(sentence)),
        "evidence": _design_and_limit_spans(text),
        "independent": _spans(_INDEPENDENT, text),
        "alternatives": _spans(_ALTERNATIVES, text),
        "availability": _spans(_AVAILABILITY, text),
        "novelty": _spans(_NOVELTY, text),
        "funding": _spans(_FUNDING, text),
    }
    out = {item: {"ok": bool(spans), "spans": spans} for item, spans in found.items()}
    hype = _spans(_SENSATIONAL, text)
    out["sensational"] = {"ok": not hype, "spans": hype}
    return {item: out[item] for item in ITEMS}


# ---------------------------------------------------------------- per source

def source_scorecards(story: dict) -> list[dict]:
    """One scorecard per source of a story (as built by :func:`pipeline.compare.compare_run`).

    Each: ``source``, ``kind``, ``n`` claims, ``counts``/``shares`` of the labels, ``relations``
    (exaggerates/same/downplays against the reference statement), ``mean_gap`` (mean strength
    minus reference strength, over claims with a reference statement), ``exceeds_cap`` (claims
    stronger than the design carries), ``is_reference`` and ``checklist`` (items over the source's
    articles in the story: satisfied when any article satisfies it, sensational when none uses it).
    """
    from pipeline.compare import source_name, source_table
    from pipeline.evidence import is_reference_article

    rows = source_table(story["claims"])
    ref = story.get("reference")
    texts: dict[str, list[dict]] = {}
    for a in story["articles"]:
        texts.setdefault(a.get("source") or a.get("title") or str(a.get("article_id")), []).append(a)
    names = [r["source"] for r in rows] + [n for n in texts if n not in {r["source"] for r in rows}]
    by_name = {r["source"]: r for r in rows}
    out = []
    for name in names:
        row = dict(by_name.get(name) or {"source": name, "kind": (texts[name][0].get("kind") or "other"), "n": 0,
                                         "articles": len(texts[name]), "counts": {}, "shares": {},
                                         "mean_strength": None, "abstain": 0})
        mine = [c for c in story["claims"] if source_name(c) == name]
        rel = {"exaggerates": 0, "same": 0, "downplays": 0}
        gaps = []
        for c in mine:
            if c.get("relation_basis") == "reference" and c.get("relation") in rel:
                rel[c["relation"]] += 1
                if isinstance(c.get("strength"), int) and isinstance(c.get("reference_strength"), int):
                    gaps.append(c["strength"] - c["reference_strength"])
        row["relations"] = rel
        row["n_compared"] = sum(rel.values())
        row["mean_gap"] = sum(gaps) / len(gaps) if gaps else None
        row["exceeds_cap"] = sum(bool(c.get("exceeds_cap")) for c in mine)
        row["is_reference"] = bool(ref) and any(a is ref for a in texts.get(name, [])) or any(
            is_reference_article(a) for a in texts.get(name, []))
        row["checklist"] = _merge_checklists([(a, checklist(a.get("text") or "")) for a in texts.get(name, [])
                                              if a.get("text")])
        out.append(row)
    return out


def _merge_checklists(items: list[tuple[dict, dict]]) -> dict | None:
    """Items of several articles of one source: any article satisfying (sensational: all free of it)."""
    if not items:
        return None
    merged = {}
    for item in ITEMS:
        spans = []
        for article, result in items:
            for span in result[item]["spans"]:
                spans.append(dict(span, article_id=article.get("article_id")))
        ok = all(r[item]["ok"] for _, r in items) if item == "sensational" else any(r[item]["ok"] for _, r in items)
        merged[item] = {"ok": ok, "spans": spans[:MAX_SPANS]}
    return merged
