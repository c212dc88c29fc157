"""Numbers in claim text: percentages, word fractions, multiples, counts, units, money.

Pure regular expressions and word tables (no spaCy), so the function is cheap enough to run
on every claim. Each number is a dict ``{text, start_char, end_char, value, unit}``:

- ``value`` is a float (a fraction for "one in seven" = 0.1429, a factor for "doubled" = 2.0,
  the amount for "2,000 people") or None when the text gives no exact amount ("thousands of").
- ``unit`` is "%", "percentage points", "ratio" (x in y), "fraction" (half, a third), "times"
  (multiples), a currency symbol, a measurement unit ("mmHg", "mg", "weeks"), the counted noun
  ("people", "trials"), or None for a bare scaled amount ("1.5 million").

Bare numbers without any unit or counted noun (years, dates, "phase 3") are not reported.
"""

from __future__ import annotations

import re

_SMALL = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "a hundred": 100, "one hundred": 100, "hundred": 100, "a thousand": 1000, "one thousand": 1000,
    "a dozen": 12, "dozen": 12,
}
_SCALE = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
          "m": 1e6, "bn": 1e9, "k": 1e3}
_FRACTIONS = {
    "half": 0.5, "a half": 0.5, "one half": 0.5, "a third": 1 / 3, "one third": 1 / 3,
    "two thirds": 2 / 3, "a quarter": 0.25, "one quarter": 0.25, "three quarters": 0.75,
    "a fifth": 0.2, "one fifth": 0.2, "two fifths": 0.4, "a tenth": 0.1, "one tenth": 0.1,
}
_MULTIPLES = {
    "doubled": 2, "doubles": 2, "doubling": 2, "double": 2, "twice": 2, "tripled": 3, "triples": 3,
    "tripling": 3, "triple": 3, "thrice": 3, "quadrupled": 4, "quadruples": 4, "quadruple": 4,
    "halved": 0.5, "halves": 0.5, "halving": 0.5,
}
_DENOMS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "twenty": 20, "fifty": 50, "a hundred": 100, "one hundred": 100, "hundred": 100,
    "a thousand": 1000, "one thousand": 1000, "thousand": 1000,
}

_COUNT_NOUNS = (
    "people", "persons", "person", "adults", "patients", "participants", "subjects", "volunteers",
    "individuals", "women", "men", "children", "kids", "babies", "infants", "newborns", "teenagers",
    "teens", "adolescents", "girls", "boys", "students", "nurses", "doctors", "physicians",
    "veterans", "smokers", "drinkers", "users", "residents", "americans", "britons", "europeans",
    "mothers", "fathers", "parents", "pregnancies", "families", "twins", "couples", "workers",
    "employees", "respondents", "survivors", "mice", "rats", "animals", "monkeys", "dogs", "pigs",
    "deaths", "cases", "births", "hospitalisations", "hospitalizations", "admissions",
    "infections", "studies", "trials", "papers", "countries", "hospitals", "clinics", "doses",
    "points", "cancers", "tumours", "tumors", "strokes", "heart attacks", "events", "prescriptions",
    "operations", "procedures", "sessions", "cigarettes", "drinks", "servings", "portions",
    "cups", "glasses", "units", "pills", "tablets", "injections", "visits", "genes", "variants",
    "cells", "sites", "centres", "centers", "practices", "records", "samples", "years old",
)
_UNITS = (
    "mmhg", "mg/dl", "mmol/l", "mmol/mol", "mg/kg", "µg", "mcg", "mg", "kg", "g", "lbs", "lb",
    "ml", "litres", "liters", "litre", "liter", "cm", "mm", "km", "kilometres", "kilometers",
    "miles", "mile", "kcal", "calories", "iu", "mph", "bpm", "°c", "°f", "steps", "hours", "hour",
    "hrs", "minutes", "minute", "mins", "seconds", "days", "day", "weeks", "week", "months",
    "month", "years", "year", "decades", "grams", "gram", "kilograms", "kilos", "pounds",
    "stone", "ounces", "oz", "millilitres", "milliliters", "micrograms", "milligrams",
)

_WORDNUM = r"(?:a hundred|one hundred|a thousand|one thousand|a dozen|" + "|".join(
    sorted((k for k in _SMALL if " " not in k), key=len, reverse=True)) + r")"
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_APPROX = (r"(?:(?:more than|less than|fewer than|greater than|over|under|about|around|nearly|"
           r"almost|up to|at least|at most|roughly|approximately|some|just|only|an estimated|"
           r"estimated)\s+)?")
_FILL = r"(?:(?!(?:in|out|of|to|and|or|per|every|a|an|the|than)\s)[A-Za-z][\w-]*\s){0,2}?"
_PCT = r"(?:%|\s?per\s?cent\b|\s?percent\b|\s?percentage points?\b|\s?pc\b)"


def _alts(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_MIXED_FRACTION = (r"a half|one half|a quarter|one quarter|three[- ]quarters|a third|one third|two[- ]thirds|"
                   r"a fifth|a tenth")

_PATTERNS: list[tuple[str, re.Pattern]] = [
    # a whole number and a fraction: "two and a half times", "3 and a half years", "one and a
    # quarter million people" (before "a half" on its own)
    ("mixed", re.compile(
        rf"\b({_WORDNUM}|{_NUM})\s+and\s+({_MIXED_FRACTION})(?:(?:\s|-)?(times|fold)\b"
        rf"|\s(million|billion|thousand)\b(?:\s{_FILL}({_alts(_COUNT_NOUNS)})\b)?"
        rf"|(?:\s|-)({_alts(_UNITS)})(?![\w/])|\s{_FILL}({_alts(_COUNT_NOUNS)})\b)?", re.I)),
    # "from 2 to 4 per cent", "2-4%": two numbers sharing one unit
    ("pct_range", re.compile(rf"(?<![\w.,])({_NUM})(\s*(?:to|-|–|and)\s*)({_NUM}){_PCT}", re.I)),
    ("pct", re.compile(rf"(?<![\w.,]){_APPROX}({_NUM}){_PCT}", re.I)),
    ("pct_word", re.compile(rf"\b{_APPROX}({_WORDNUM}){_PCT}", re.I)),
    ("ratio", re.compile(
        rf"\b({_WORDNUM}|{_NUM})\s+(?:in|out of)\s+(?:every\s+)?({_alts(_DENOMS)}|{_NUM})\b", re.I)),
    ("fraction", re.compile(
        r"\b(a half|one half|half|a third|one third|two[- ]thirds|a quarter|one quarter|"
        r"three[- ]quarters|a fifth|one fifth|two[- ]fifths|a tenth|one tenth)\b", re.I)),
    ("times", re.compile(rf"\b({_WORDNUM}|{_NUM})(?:\s|-)?(?:times|fold)\b", re.I)),
    ("multiple", re.compile(
        r"\b(doubled|doubles|doubling|double(?![- ](?:blind|check|digit))|twice|tripled|triples|"
        r"tripling|triple|thrice|quadrupled|quadruples|quadruple|halved|halves|halving)\b", re.I)),
    ("money", re.compile(
        rf"(?:US|A|C|NZ)?([$£€])\s?({_NUM})(?:\s?(million|billion|trillion|bn|m|k)\b)?", re.I)),
    ("money_word", re.compile(
        rf"(?<![\w.,])({_NUM})(?:\s(million|billion|thousand))?\s(dollars|euros|pounds sterling)\b", re.I)),
    ("bp", re.compile(r"(?<![\w.,])(\d{2,3})/(\d{2,3})\s?(mm\s?hg)\b", re.I)),
    ("unit", re.compile(
        rf"(?<![\w.,]){_APPROX}({_NUM})(?:\s?|-)({_alts(_UNITS)})(?![\w/])", re.I)),
    ("count", re.compile(
        rf"(?<![\w.,]){_APPROX}({_NUM})(?:\s(million|billion|thousand|hundred))?"
        rf"\s{_FILL}({_alts(_COUNT_NOUNS)})\b", re.I)),
    ("count_word", re.compile(
        rf"\b{_APPROX}({_WORDNUM})(?:\s(million|billion|thousand|hundred))?"
        rf"\s{_FILL}({_alts(_COUNT_NOUNS)})\b", re.I)),
    ("count_vague", re.compile(
        rf"\b(hundreds|thousands|tens of thousands|hundreds of thousands|millions|billions|dozens)"
        rf"\sof\s{_FILL}({_alts(_COUNT_NOUNS)})\b", re.I)),
    ("scaled", re.compile(rf"(?<![\w.,])({_NUM})\s(million|billion|trillion)\b", re.I)),
]
_PRIORITY = {name: i for i, (name, _) in enumerate(_PATTERNS)}


def _num(s: str) -> float | None:
    s = s.strip().lower()
    if s in _SMALL:
        return float(_SMALL[s])
    try:
        return float(s.replace(",", ""))
    except ValueError:
        return None


def _scaled(value: float | None, scale: str | None) -> float | None:
    if value is None or not scale:
        return value
    return value * _SCALE[scale.lower()]


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 6)


def _found(name: str, m: re.Match) -> list[tuple[int, int, float | None, str | None]]:
    """(start, end, value, unit) items for one match of pattern ``name``."""
    if name == "pct_range":
        unit = "percentage points" if "point" in m.group(0).lower() else "%"
        return [(m.start(1), m.end(1), _num(m.group(1)), unit), (m.start(3), m.end(), _num(m.group(3)), unit)]
    if name in ("pct", "pct_word"):
        unit = "percentage points" if "point" in m.group(0).lower() else "%"
        return [(m.start(), m.end(), _num(m.group(1)), unit)]
    if name == "ratio":
        a = _num(m.group(1))
        b_text = m.group(2).lower()
        b = float(_DENOMS[b_text]) if b_text in _DENOMS else _num(b_text)
        value = a / b if a is not None and b else None
        return [(m.start(), m.end(), value, "ratio")]
    if name == "mixed":
        whole, part = _num(m.group(1)), _FRACTIONS.get(m.group(2).lower().replace("-", " "))
        value = whole + part if whole is not None and part is not None else None
        if m.group(3):
            return [(m.start(), m.end(), value, "times")]
        unit = m.group(5) or m.group(6) or m.group(7)
        unit = unit.lower() if unit else None
        unit = {"mmhg": "mmHg", "mg/dl": "mg/dL", "mmol/l": "mmol/L", "iu": "IU"}.get(unit, unit)
        return [(m.start(), m.end(), _scaled(value, m.group(4)), unit)]
    if name == "fraction":
        key = m.group(1).lower().replace("-", " ")
        return [(m.start(), m.end(), _FRACTIONS.get(key), "fraction")]
    if name == "times":
        return [(m.start(), m.end(), _num(m.group(1)), "times")]
    if name == "multiple":
        return [(m.start(), m.end(), float(_MULTIPLES[m.group(1).lower()]), "times")]
    if name == "money":
        return [(m.start(), m.end(), _scaled(_num(m.group(2)), m.group(3)), m.group(1))]
    if name == "money_word":
        unit = {"dollars": "$", "euros": "€"}.get(m.group(3).lower(), "£")
        return [(m.start(), m.end(), _scaled(_num(m.group(1)), m.group(2)), unit)]
    if name == "bp":
        return [(m.start(), m.end(), _num(m.group(1)), "mmHg")]
    if name == "unit":
        unit = m.group(2).lower()
        unit = {"mmhg": "mmHg", "mg/dl": "mg/dL", "mmol/l": "mmol/L", "iu": "IU"}.get(unit, unit)
        return [(m.start(), m.end(), _num(m.group(1)), unit)]
    if name in ("count", "count_word"):
        return [(m.start(), m.end(), _scaled(_num(m.group(1)), m.group(2)), m.group(3).lower())]
    if name == "count_vague":
        return [(m.start(), m.end(), None, m.group(2).lower())]
    if name == "scaled":
        return [(m.start(), m.end(), _scaled(_num(m.group(1)), m.group(2)), None)]
    raise AssertionError(name)  # pragma: no cover


def find_numbers(text: str, offset: int = 0) -> list[dict]:
    """Numbers in ``text`` with offsets shifted by ``offset``, sorted by position, never overlapping.

    Where two matches overlap, the earlier pattern wins (ranges, percentages, ratios, fractions,
    multiples, money, units, counts), then the longer match.
    """
    if not text or not _maybe_number(text):
        return []
    candidates: list[tuple[int, int, int, float | None, str | None]] = []
    for name, pattern in _PATTERNS:
        prio = _PRIORITY[name]
        for m in pattern.finditer(text):
            for start, end, value, unit in _found(name, m):
                candidates.append((start, end, prio, value, unit))
    # pattern priority first ("six in ten" before "ten doctors"), then the longer match
    candidates.sort(key=lambda c: (c[2], -(c[1] - c[0]), c[0]))
    taken: list[tuple[int, int]] = []
    kept = []
    for start, end, prio, value, unit in candidates:
        if any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        kept.append((start, end, value, unit))
    kept.sort()
    return [
        {"text": text[s:e], "start_char": s + offset, "end_char": e + offset, "value": _round(v), "unit": u}
        for s, e, v, u in kept
    ]


_QUICK = re.compile(
    r"\d|half|third|quarter|fifth|tenth|doubl|tripl|quadrupl|twice|thrice|halv|times|fold|"
    r"dozen|hundred|thousand|million|billion|\b(?:one|two|three|four|five|six|seven|eight|nine|ten)\b",
    re.I,
)


def _maybe_number(text: str) -> bool:
    return _QUICK.search(text) is not None
