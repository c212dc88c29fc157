"""Study design from wording: observational, experimental, animal, review or unknown.

The codebook judges a claim's certainty against the design behind it, so every claim gets the
design the article describes for it. Detection is by wording only (regular expressions):

- ``detect_design(text)``: the design one passage states, with the words that say so;
- ``article_designs(text)``: every design mention in an article, one per sentence, with offsets;
- ``design_for_claim(mentions, start, end)``: the design of a claim = the closest explicit
  mention at or before the claim (a mention inside the claim counts), else the article's most
  frequent design, else "unknown".

Precedence inside one passage: animal/lab wording wins ("a randomised trial in mice" is animal
evidence), then review ("a meta-analysis of trials" is a review), then experimental, then
observational. Weak hints ("linked", "data from", a bare "trial", bare "cells") only decide when
nothing explicit is there.
"""

from __future__ import annotations

import re
from collections import Counter

DESIGN_ORDER = ("animal", "review", "experimental", "observational")

_PEOPLE = (r"(?:people|adults|patients|participants|women|men|children|individuals|volunteers|"
           r"nurses|doctors|veterans|residents|americans|britons|pregnancies|mothers|babies|infants|"
           r"smokers|users|twins|workers|employees|students|subjects|respondents)")
_COUNT = r"(?:\d[\d,.]*(?:\s(?:million|thousand))?|more than \d[\d,.]*|over \d[\d,.]*|nearly \d[\d,.]*|about \d[\d,.]*|almost \d[\d,.]*|[a-z]+(?:\s(?:million|thousand|hundred))?)"

# (design, strong?, pattern); within one strength tier the DESIGN_ORDER decides
_RULES: list[tuple[str, bool, re.Pattern]] = [
    ("animal", True, re.compile(
        r"\b(?:(?:in|of|on|with|using)\s(?:\w+\s){0,2}?)?(?:mice|mouse models?|rats|rodents?|"
        r"monkeys|macaques|primates|zebrafish|fruit flies|nematodes|piglets|pigs|hamsters|"
        r"guinea pigs|ferrets)\b"
        r"|\banimal (?:stud(?:y|ies)|models?|experiments?|research|trials?|tests?|testing|data)\b"
        r"|\bin animals\b|\bin vitro\b|\b(?:petri|lab(?:oratory)?|culture) dish(?:es)?\b"
        r"|\btest[- ]tubes?\b|\bcell cultures?\b|\bcultured (?:human )?cells\b|\borganoids?\b"
        r"|\blab[- ]grown\b|\bin the lab(?:oratory)?\b|\b(?:lab|laboratory) (?:stud(?:y|ies)|experiments?|tests on cells)\b",
        re.I)),
    ("review", True, re.compile(
        r"\bmeta[- ]?analy(?:sis|ses|zed|sed)\b|\bsystematic(?:ally)? review(?:ed|s)?\b"
        r"|\bumbrella review\b|\bcochrane review\b|\bpooled (?:analysis|data|results)\b"
        r"|\b(?:review|analysis|re-?analysis) of (?:the )?(?:results of )?(?:\d[\d,]*|[a-z]+) "
        r"(?:\w+ )?(?:previous |published |earlier |existing )?(?:studies|trials|papers|reports)\b"
        r"|\b(?:reviewed|analy[sz]ed|pooled|combined) (?:the )?(?:results|data|findings) (?:of|from) "
        r"(?:\d[\d,]*|[a-z]+) (?:\w+ )?(?:studies|trials)\b",
        re.I)),
    ("experimental", True, re.compile(
        r"\b(?:double|single|triple)[- ]blind(?:ed)?\b(?: (?:randomi[sz]ed|placebo[- ]controlled|controlled|clinical|trial|study)){0,3}"
        r"|\brandomi[sz]ed\b(?: (?:controlled|clinical|placebo[- ]controlled|double[- ]blind|crossover|trial|study|studies|trials)){0,3}"
        r"|\brandomly (?:assigned|allocated|split|divided|selected to receive)\b"
        r"|\bplacebo(?:[- ]controlled)?\b(?: (?:trial|study|group|pill))?"
        r"|\b(?:controlled|clinical|vaccine|drug) trials?\b|\bRCTs?\b"
        r"|\bphase (?:[123i]{1,3}|one|two|three)(?:/(?:[123i]{1,3}))?[ab]?(?: clinical)? (?:trial|study)\b"
        r"|\b(?:were|was) (?:randomly )?(?:assigned|allocated) to\b|\bcrossover (?:trial|study)\b"
        r"|\binterventional stud(?:y|ies)\b|\b(?:were|was) given either\b",
        re.I)),
    ("observational", True, re.compile(
        r"\bcohort(?: stud(?:y|ies))?\b|\bcase[- ]control(?: stud(?:y|ies))?\b"
        r"|\bcross[- ]sectional(?: stud(?:y|ies)| survey| analysis| data)?\b"
        r"|\bobservational(?: stud(?:y|ies)| research| data| analysis)?\b"
        r"|\b(?:online |national |nationwide |large |telephone )?surveys?(?:ed)?\b"
        r"|\bquestionnaires?\b|\bpopulation[- ]based\b|\bregistry\b|\bregistries\b|\bbiobank\b"
        r"|\bprospective(?:ly)? (?:stud(?:y|ies)|cohort|data)\b|\bretrospective(?: stud(?:y|ies)| analysis)?\b"
        r"|\blongitudinal(?: stud(?:y|ies))?\b|\bepidemiolog(?:ical|ic)(?: stud(?:y|ies)| data)?\b"
        r"|\b(?:medical|health|hospital|patient|electronic health|insurance|prescription|death) records\b"
        r"|\brecords of (?:\d[\d,.]*|more than|over|nearly|about|almost|[a-z]+)\b"
        rf"|\bfollowed (?:up )?(?:the health of )?{_COUNT} (?:\w+ ){{0,2}}?{_PEOPLE}\b"
        r"|\btracked (?:the )?(?:health|diets?|habits|weight|sleep|\d[\d,.]*|more than|over|nearly|about|almost)\b"
        r"|\bdata (?:from|on) (?:\d[\d,.]*|more than|over|nearly|about|almost)\b",
        re.I)),
    ("experimental", False, re.compile(r"\btrials?\b", re.I)),
    ("observational", False, re.compile(
        r"\blinked (?:to|with)\b|\bassociated with\b|\bassociation between\b|\bdata from\b|\btracked\b"
        r"|\bfollowed\b(?= .{0,40}\b(?:for|over) (?:\d+|[a-z]+) (?:years|decades|months)\b)",
        re.I)),
    ("animal", False, re.compile(r"\bcells\b", re.I)),
]


def _rank(design: str, strong: bool) -> tuple[int, int]:
    return (0 if strong else 1, DESIGN_ORDER.index(design))


def _matches(text: str) -> list[tuple[tuple[int, int], int, int, str, bool]]:
    found = []
    for design, strong, pattern in _RULES:
        for m in pattern.finditer(text):
            found.append((_rank(design, strong), m.start(), m.end(), design, strong))
    return found


def _best(text: str):
    """The winning (start, end, design, strong) in one passage, or None."""
    found = _matches(text)
    if not found:
        return None
    # best rank; within it the first mention in the text
    found.sort(key=lambda f: (f[0], f[1]))
    _, start, end, design, strong = found[0]
    return start, end, design, strong


def detect_design(text: str) -> tuple[str, str]:
    """(design, evidence) stated by one passage: design in observational, experimental,
    animal, review, unknown; evidence is the wording that says so ("" when unknown)."""
    best = _best(text or "")
    if best is None:
        return "unknown", ""
    start, end, design, _ = best
    return design, text[start:end]


_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+|\n+")


def _sentences(text: str):
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > start:
            yield start, m.start()
        start = m.end()
    if start < len(text):
        yield start, len(text)


def article_design_mentions(text: str) -> list[tuple[int, int, str, str, bool]]:
    """Like ``article_designs`` with a fifth field: True for an explicit (strong) mention."""
    out = []
    for s, e in _sentences(text or ""):
        best = _best(text[s:e])
        if best is not None:
            ms, me, design, strong = best
            out.append((s + ms, s + me, design, text[s + ms:s + me], strong))
    return out


def article_designs(text: str) -> list[tuple[int, int, str, str]]:
    """Design mentions in an article: (start, end, design, evidence), one per sentence that
    states a design (the sentence's winning mention), in text order."""
    return [(s, e, d, ev) for s, e, d, ev, _ in article_design_mentions(text)]


def article_design(mentions) -> tuple[str, str]:
    """The article's most frequent design (explicit mentions first); ties by DESIGN_ORDER."""
    for want_strong in (True, False):
        pool = [m for m in mentions if _strong(m) == want_strong]
        if pool:
            counts = Counter(m[2] for m in pool)
            design = min(counts, key=lambda d: (-counts[d], DESIGN_ORDER.index(d)))
            first = next(m for m in pool if m[2] == design)
            return design, first[3]
    return "unknown", ""


def _strong(mention) -> bool:
    return mention[4] if len(mention) > 4 else True


def design_for_claim(mentions, start: int, end: int) -> tuple[str, str]:
    """(design, evidence) for a claim at [start, end): the closest explicit mention that starts
    before the claim ends, else the closest weak one, else the article's most frequent design,
    else ("unknown", "").

    ``mentions`` come from ``article_design_mentions`` (or ``article_designs``: all explicit).
    """
    for want_strong in (True, False):
        before = [m for m in mentions if m[0] < end and _strong(m) == want_strong]
        if before:
            m = max(before, key=lambda m: m[0])
            return m[2], m[3]
    return article_design(mentions)
