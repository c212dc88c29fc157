"""Comparable quantities in claims, and the number problems a health journalist would flag.

:func:`pipeline.numbers.find_numbers` finds the numbers and their units; this module reads the
words around each one and turns it into a comparable value of one *kind*:

========== ================================================= ==================================
kind       value                                             examples
========== ================================================= ==================================
share      a fraction of a group, 0-1                         "over 60% of adults", "six in ten",
                                                               "a third of patients"
relative   a factor against a comparison group (1 = no        "doubled the risk" 2.0, "a 20% lower
           change; 0.8 = 20% lower, 1.5 = 50% higher)         risk" 0.8, "3 times more likely" 3.0
change     an absolute change: ``start`` -> ``end`` shares;   "from 2% to 4%" (value 2.0,
           ``value`` is the factor end/start, ``points``      points 0.02)
           the difference
points     a difference in percentage points, as a fraction   "rose by 5 percentage points" 0.05
count      how many (``unit`` = the counted noun)             "4,200 adults", "35 deaths"
measure    an amount in a unit (``unit``)                     "5.1 mmHg", "30 minutes", "$1,200"
========== ================================================= ==================================

Each quantity also has a ``bound``: ``=`` (stated exactly), ``~`` ("about", "nearly"), ``>=``
("over", "at least") or ``<=`` ("under", "up to"); values are compared with it in mind.

Flags (``number_flags`` on a claim): ``relative_only`` (a relative change with no absolute
figure, such as a share or a "from A to B", in the claim or the sentence before it),
``no_denominator`` (a count of events or of people with an outcome, with no total or share
to read it against), and ``differs`` (set across sources by :func:`differing_numbers`: two
claims of one finding give different values of the same kind).

Pure regular expressions; cheap enough to run on every claim.
"""

from __future__ import annotations

import re

from pipeline.numbers import find_numbers

KINDS = ("share", "relative", "change", "points", "count", "measure")

_DOWN = (r"lower(?:ed|s|ing)?|less|fewer|reduc(?:e|es|ed|ing|tion|tions)|decreas(?:e|es|ed|ing)|"
         r"drop(?:s|ped|ping)?|declin(?:e|es|ed|ing)|fall(?:s|ing)?|fell|slower|smaller|cut(?:s|ting)?|"
         r"slash(?:es|ed|ing)?|shr[ai]nk(?:s|ing)?|down|lowering|decline|halv(?:e|ed|es|ing)")
_UP = (r"higher|more|greater|increas(?:e|es|ed|ing)|ris(?:e|es|ing|en)|rose|boost(?:s|ed|ing)?|"
       r"rais(?:e|es|ed|ing)|grew|grow(?:s|ing|th)?|faster|larger|bigger|extra|up|jump(?:s|ed)?|"
       r"soar(?:s|ed)?|improv(?:e|es|ed|ing|ement)|excess|elevated")
_AFTER_DOWN = re.compile(rf"^\s*(?:\w+\s+){{0,2}}?(?:{_DOWN})\b", re.I)
_AFTER_UP = re.compile(rf"^\s*(?:\w+\s+){{0,2}}?(?:{_UP})\b", re.I)
_BEFORE_DOWN = re.compile(rf"\b(?:{_DOWN})\b(?:\s+[\w'-]+){{0,6}}?\s+by\s+(?:(?:about|around|nearly|almost|"
                          rf"roughly|some|up to|over|more than|at least|as much as)\s+)?$", re.I)
_BEFORE_UP = re.compile(rf"\b(?:{_UP})\b(?:\s+[\w'-]+){{0,6}}?\s+by\s+(?:(?:about|around|nearly|almost|"
                        rf"roughly|some|up to|over|more than|at least|as much as)\s+)?$", re.I)
_RISKISH = re.compile(r"^\s*(?:\w+\s+){0,2}?(?:risk|chance|odds|likel(?:y|ihood)|rate|incidence|hazard)\b", re.I)
_SHARE_AFTER = re.compile(r"^\s*(?:of|among|in)\b", re.I)
_SHARE_BEFORE = re.compile(r"\b(?:in|of|among|for)\s+$", re.I)
_FROM = re.compile(r"\bfrom\s+(?:about\s+|around\s+|nearly\s+)?$", re.I)
_TO = re.compile(r"^\s*(?:to|down to|up to)\s+$", re.I)

_BOUND_WORDS = (
    (r"more than|over|at least|greater than|upwards of|in excess of|as many as|as much as", ">="),
    (r"less than|fewer than|under|up to|at most|no more than|below", "<="),
    (r"about|around|nearly|almost|roughly|approximately|some|an estimated|estimated|close to|just over|"
     r"just under|circa", "~"),
)
_BOUNDS = tuple((re.compile(rf"\b(?:{w})\s*$", re.I), re.compile(rf"^\s*(?:{w})\b", re.I), b) for w, b in _BOUND_WORDS)

_EVENT_NOUNS = frozenset((
    "deaths", "cases", "births", "hospitalisations", "hospitalizations", "admissions", "infections",
    "cancers", "tumours", "tumors", "strokes", "heart attacks", "events", "operations", "procedures",
))
_PEOPLE_NOUNS = frozenset((
    "people", "persons", "person", "adults", "patients", "participants", "subjects", "volunteers",
    "individuals", "women", "men", "children", "kids", "babies", "infants", "newborns", "teenagers",
    "teens", "adolescents", "girls", "boys", "students", "nurses", "doctors", "veterans", "smokers",
    "users", "residents", "mothers", "parents", "survivors",
))
_OUTCOME_AFTER = re.compile(
    r"^\s*(?:\w+\s+){0,3}?(?:died|die|developed|develop|got|suffered|had (?:a |an )?(?:stroke|heart attack|"
    r"relapse|seizure|side effects?|complications?)|were (?:diagnosed|cured|hospitali[sz]ed|admitted|infected)|"
    r"recovered|improved|relapsed|experienced)\b", re.I)
_DENOMINATOR = re.compile(
    r"\b(?:out of|of (?:the |all |those |these )?\d[\d,]*|of (?:the |all )?(?:\w+ ){0,2}(?:participants|patients|"
    r"people|adults|women|men|children|volunteers)|per (?:\d[\d,]*|hundred|thousand|million|100|1,000)|in every|"
    r"among (?:the |all )?\d[\d,]*|compared with \d[\d,]*|versus \d[\d,]*|vs\.? \d[\d,]*)\b|%|\bper ?cent\b", re.I)
_SAMPLE_BEFORE = re.compile(  # "a study of", "followed", "recruited": the count is the sample, not an outcome
    r"(?:\b(?:study|trial|survey|analysis|sample|review|cohort|group|data|records)\s+(?:of|in|with|among|involving|"
    r"including|from|on)|\b(?:recruited|enrolled|involving|involved|followed|tracked|surveyed|studied|examined|"
    r"analy[sz]ed|included|including|among|of|interviewed|randomi[sz]ed|assigned))\s+(?:[\w,-]+\s+){0,2}$", re.I)


def _bound(before: str, own: str) -> str:
    """``>=``, ``<=``, ``~`` or ``=`` from a qualifier just before the number or at the start of its text."""
    for at_end, at_start, bound in _BOUNDS:
        if at_end.search(before) or at_start.search(own):
            return bound
    return "="


def _pct_value(number: dict) -> float | None:
    v = number.get("value")
    return None if v is None else float(v) / 100.0


def quantities(text: str, numbers: list[dict] | None = None, *, offset: int = 0) -> list[dict]:
    """Comparable quantities in ``text``.

    ``numbers`` are ``find_numbers`` results for ``text`` (their offsets minus ``offset`` index
    into ``text``); found afresh when None. Returns ``[{text, kind, value, unit, bound, start_char,
    end_char}]`` (plus ``start``/``end`` shares and ``points`` for a change), in text order.
    """
    if numbers is None:
        numbers = find_numbers(text or "")
        offset = 0
    nums = []
    for n in numbers:
        s, e = n.get("start_char"), n.get("end_char")
        if not (isinstance(s, int) and isinstance(e, int)):
            continue
        s, e = s - offset, e - offset
        if 0 <= s < e <= len(text):
            nums.append(dict(n, _s=s, _e=e))
    nums.sort(key=lambda n: n["_s"])
    out: list[dict] = []
    used: set[int] = set()
    for i, n in enumerate(nums):
        if i in used:
            continue
        s, e, unit = n["_s"], n["_e"], n.get("unit")
        before, after = text[max(0, s - 80):s], text[e:e + 60]
        q = {"text": n.get("text") or text[s:e], "start_char": s + offset, "end_char": e + offset,
             "unit": None, "bound": _bound(before, n.get("text") or "")}
        share = _share_value(n)
        # "from 2% to 4%", "from 2 in 100 to 1 in 100"
        if share is not None and i + 1 < len(nums) and _FROM.search(before):
            m = nums[i + 1]
            other = _share_value(m)
            if other is not None and _TO.match(text[e:m["_s"]]) and (unit in ("%", "ratio") or m.get("unit") == unit):
                q.update(text=text[s:m["_e"]], end_char=m["_e"] + offset, kind="change", start=share, end=other,
                         value=_ratio(other, share), points=round(other - share, 6))
                used.add(i + 1)
                out.append(q)
                continue
        if unit == "percentage points":
            q.update(kind="points", value=_pct_value(n))
        elif unit == "times":
            q.update(kind="relative", value=_times_value(n, after))
        elif unit == "%":
            p = _pct_value(n)
            direction = _direction(before, after)
            if direction and p is not None:
                q.update(kind="relative", value=round(1 - p if direction < 0 else 1 + p, 6))
            elif _SHARE_AFTER.match(after) or _SHARE_BEFORE.search(before) or not _RISKISH.match(after):
                q.update(kind="share", value=p)
            else:
                q.update(kind="relative", value=None)  # "a 20% risk": direction unknown
        elif unit in ("ratio", "fraction"):
            q.update(kind="share", value=n.get("value"))
        elif unit and (unit in _EVENT_NOUNS or unit in _PEOPLE_NOUNS or re.fullmatch(r"[a-z ]+", unit)
                       and unit not in _MEASURE_WORDS):
            q.update(kind="count", value=n.get("value"), unit=unit)
        else:
            q.update(kind="measure", value=n.get("value"), unit=unit)
        out.append(q)
    return out


_MEASURE_WORDS = frozenset((
    "litres", "liters", "litre", "liter", "kilometres", "kilometers", "miles", "mile", "calories", "steps",
    "hours", "hour", "hrs", "minutes", "minute", "mins", "seconds", "days", "day", "weeks", "week", "months",
    "month", "years", "year", "decades", "grams", "gram", "kilograms", "kilos", "pounds", "stone", "ounces",
    "millilitres", "milliliters", "micrograms", "milligrams", "points", "years old",
))


def _share_value(number: dict) -> float | None:
    unit, value = number.get("unit"), number.get("value")
    if value is None:
        return None
    if unit == "%":
        return float(value) / 100.0
    if unit in ("ratio", "fraction"):
        return float(value)
    return None


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 6) if b else None


def _direction(before: str, after: str) -> int:
    """-1 for a decrease ("20% lower", "cut by 20%"), +1 for an increase, 0 when not a change."""
    if _AFTER_DOWN.match(after):
        return -1
    if _AFTER_UP.match(after):
        return 1
    if _BEFORE_DOWN.search(before):
        return -1
    if _BEFORE_UP.search(before):
        return 1
    return 0


def _times_value(number: dict, after: str) -> float | None:
    """"3 times more likely" = 3.0; "3 times less likely" = 1/3; "doubled" = 2.0."""
    v = number.get("value")
    if v is None:
        return None
    if re.match(r"^\s*(?:less|lower|fewer|smaller)\b", after, re.I) and v > 1:
        return round(1 / float(v), 6)
    return float(v)


# ---------------------------------------------------------------- flags

_ABSOLUTE_KINDS = ("share", "change", "points")


def claim_quantities(claim: dict) -> list[dict]:
    """The quantities in the claim's text (offsets into ``claim["text"]``)."""
    return quantities(str(claim.get("text") or ""))


def number_flags(claim: dict, quants: list[dict] | None = None) -> list[dict]:
    """Flags on one claim: ``[{flag, text, message}]`` (``relative_only``, ``no_denominator``)."""
    text = claim.get("text") or ""
    quants = claim_quantities(claim) if quants is None else quants
    flags = []
    relative = [q for q in quants if q["kind"] == "relative"]
    if relative and not any(q["kind"] in _ABSOLUTE_KINDS for q in quants):
        context = claim.get("context") or ""
        if not any(q["kind"] in _ABSOLUTE_KINDS for q in quantities(context)):
            q = relative[0]
            risk = re.search(r"\b(?:risk|chance|odds|likel(?:y|ihood)|hazard|rates?)\b", text, re.I)
            flags.append({
                "flag": "relative_only", "text": q["text"],
                "message": ("relative risk without the absolute risk" if risk else
                            "relative change without absolute numbers") + f" (“{q['text']}” of what?)",
            })
    has_denominator = bool(_DENOMINATOR.search(text)) or any(q["kind"] in _ABSOLUTE_KINDS for q in quants)
    if not has_denominator:
        for q in quants:
            if q["kind"] != "count" or q.get("value") is None:
                continue
            s = q["start_char"]
            before = text[max(0, s - 60):s]
            after = text[q["end_char"]:q["end_char"] + 60]
            unit = q.get("unit") or ""
            if unit in _EVENT_NOUNS and not _SAMPLE_BEFORE.search(before):
                flags.append({"flag": "no_denominator", "text": q["text"],
                              "message": f"“{q['text']}” without a total to read it against"})
                break
            if unit in _PEOPLE_NOUNS and _OUTCOME_AFTER.match(after) and not _SAMPLE_BEFORE.search(before):
                flags.append({"flag": "no_denominator", "text": q["text"],
                              "message": f"“{q['text']}” without saying out of how many"})
                break
    return flags


def annotate(claims: list[dict], *, reuse: bool = False) -> list[dict]:
    """Add ``quantities`` and ``number_flags`` to each claim (in place); returns the claims.

    ``reuse``: a claim that already has them (annotated where it was classified, or read back from
    claims.jsonl) keeps them, less the flags a comparison across sources adds, when its quantities
    still point into its text."""
    for claim in claims:
        if reuse and _annotated(claim):
            claim["number_flags"] = [f for f in claim["number_flags"] if f.get("flag") not in CROSS_SOURCE_FLAGS]
            continue
        quants = claim_quantities(claim)
        claim["quantities"] = [{k: v for k, v in q.items()} for q in quants]
        claim["number_flags"] = number_flags(claim, quants)
    return claims


CROSS_SOURCE_FLAGS = ("differs",)  # added by pipeline.compare, not by number_flags


def _annotated(claim: dict) -> bool:
    quants, flags, text = claim.get("quantities"), claim.get("number_flags"), claim.get("text")
    if not (isinstance(quants, list) and isinstance(flags, list) and isinstance(text, str)):
        return False
    try:
        return all(text[q["start_char"]:q["end_char"]] == q["text"] for q in quants) and \
            all(isinstance(f, dict) for f in flags)
    except (KeyError, TypeError):
        return False


# ---------------------------------------------------------------- across sources

def _close(a: dict, b: dict) -> bool:
    """Whether two quantities of one kind can state the same value, given their bounds."""
    va, vb = a.get("value"), b.get("value")
    if va is None or vb is None:
        return True  # vague ("a 20% risk", "thousands of"): nothing to contradict
    if a["kind"] == "change":
        return _close({"kind": "share", "value": a.get("start"), "bound": a["bound"]},
                      {"kind": "share", "value": b.get("start"), "bound": b["bound"]}) and \
            _close({"kind": "share", "value": a.get("end"), "bound": a["bound"]},
                   {"kind": "share", "value": b.get("end"), "bound": b["bound"]})
    va, vb = float(va), float(vb)
    tol = 0.015 if a["kind"] in ("share", "points") else 0.0
    rel = 0.1 if "~" in (a["bound"], b["bound"]) else 0.03
    if abs(va - vb) <= max(tol, rel * max(abs(va), abs(vb))):
        return True
    for x, y in ((a, b), (b, a)):  # "over 4,000" is consistent with 4,200
        lo = float(x["value"])
        other = float(y["value"])
        if x["bound"] == ">=" and other >= lo * (1 - rel) and y["bound"] != "<=":
            return True
        if x["bound"] == "<=" and other <= lo * (1 + rel) and y["bound"] != ">=":
            return True
    return False


def _comparable(a: dict, b: dict) -> bool:
    if a["kind"] != b["kind"]:
        return False
    if a["kind"] in ("count", "measure"):
        return _unit_key(a.get("unit")) == _unit_key(b.get("unit"))
    if a["kind"] == "relative":
        # an increase and a decrease are different statements, not different numbers
        va, vb = a.get("value"), b.get("value")
        return va is not None and vb is not None and (va >= 1) == (vb >= 1)
    return True


_UNIT_ALIASES = {"hour": "hours", "hrs": "hours", "minute": "minutes", "mins": "minutes", "day": "days",
                 "week": "weeks", "month": "months", "year": "years", "mile": "miles", "litre": "litres",
                 "liter": "litres", "liters": "litres", "person": "people", "persons": "people",
                 "individuals": "people"}


def _unit_key(unit) -> str:
    unit = str(unit or "").lower()
    return _UNIT_ALIASES.get(unit, unit)


def differing_numbers(claims: list[dict]) -> list[dict]:
    """Numbers of one kind that differ between claims stating the same finding.

    ``claims`` are one aligned group (one finding, several sources), each with ``quantities``.
    Returns ``[{kind, unit, values: [{claim_id, source, text}]}]``: for each kind (and unit) that
    two or more claims quantify, when some pair of claims shares no consistent value.
    """
    by_key: dict[tuple, list[tuple[dict, list[dict]]]] = {}
    for claim in claims:
        quants = claim.get("quantities")
        if quants is None:
            quants = claim_quantities(claim)
        seen: dict[tuple, list[dict]] = {}
        for q in quants:
            if q.get("value") is None:
                continue
            if q["kind"] == "relative":
                key = ("relative", "down" if q["value"] < 1 else "up")
            elif q["kind"] in ("count", "measure"):
                key = (q["kind"], _unit_key(q.get("unit")))
            else:
                key = (q["kind"], "")
            seen.setdefault(key, []).append(q)
        for key, qs in seen.items():
            by_key.setdefault(key, []).append((claim, qs))
    out = []
    for key, items in by_key.items():
        if len(items) < 2:
            continue
        differs = False
        for i in range(len(items)):
            for j in range(i + 1, len(items)):
                qa, qb = items[i][1], items[j][1]
                if not any(_comparable(x, y) and _close(x, y) for x in qa for y in qb):
                    differs = True
        if differs:
            out.append({
                "kind": key[0], "unit": key[1],
                "values": [{"claim_id": c.get("claim_id"), "source": c.get("source") or "",
                            "text": ", ".join(q["text"] for q in qs)} for c, qs in items],
            })
    return out
