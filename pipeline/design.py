"""Study design from wording: observational, experimental, animal, review or unknown.

The codebook judges a claim's certainty against the design behind it, so every claim gets the
design the article describes for it. Detection is by wording only (regular expressions):

- ``detect_design(text)``: the design one passage states, with the words that say so;
- ``article_designs(text)``: every design mention in an article, one per sentence, with offsets;
- ``design_for_claim(mentions, start, end)``: the design of a claim = the closest explicit
  mention at or before the claim (a mention inside the claim counts), else the article's most
  frequent design, else "unknown".

Precedence inside one passage: animal/lab wording wins ("a randomised trial in mice" is animal
evidence), then review ("a meta-analysis of cohort studies"), then experimental, then
observational. A review that pools trials ("pooled data from 25 clinical trials", with no
observational wording in the sentence) is experimental evidence and reported as such. Weak hints
("linked", "more likely", "data from", "a study of 5,000 women", a bare "trial") only decide when
nothing explicit is there. An explicit mention that cites earlier work ("previous studies in mice",
"in line with studies in animal models", "other trials have shown") counts as a weak hint only, and
so does observational wording about data in a sentence that also speaks of a trial.

The design only comes from a specific description of a study (CODEBOOK.md 6.2, 6.3): a mention
that describes no study gives no design at all, not even a weak hint: trials said to be scarce,
limited or lacking ("controlled trials are still scarce", "few randomised trials exist", "only two
small trials"), a negated mention ("no controlled trials have been done", "never tested in a
randomised trial"), a vague plural mention ("early studies", "small trials", "some trials"), and
trials still to come ("larger trials are needed", "calls for more trials", "trials are under way").

``pool_story_designs(claims)``: claims of unknown design take their story's most frequent design.
"""

from __future__ import annotations

import re
from collections import Counter

DESIGN_ORDER = ("animal", "review", "experimental", "observational")

_PEOPLE = (r"(?:people|adults|patients|participants|women|men|children|individuals|volunteers|"
           r"nurses|doctors|veterans|residents|americans|britons|pregnancies|mothers|babies|infants|"
           r"smokers|users|twins|workers|employees|students|subjects|respondents|pensioners|teenagers|teens|"
           r"adolescents|girls|boys|pupils|parents|fathers|couples|families|drinkers|vapers|survivors|births)")
_COUNT = r"(?:\d[\d,.]*(?:\s(?:million|thousand))?|more than \d[\d,.]*|over \d[\d,.]*|nearly \d[\d,.]*|about \d[\d,.]*|almost \d[\d,.]*|[a-z]+(?:\s(?:million|thousand|hundred))?)"

# a number of people: "55,000", "more than 2 million", "ten thousand" (not any word, unlike _COUNT)
_NUMBER = (r"(?:(?:more than|over|nearly|about|almost|around|some|up to|at least) )?(?:\d[\d,.]*|two|three|four|"
           r"five|six|seven|eight|nine|ten|twelve|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
           r"hundreds|thousands|millions|a (?:hundred|thousand|million)|half a million)"
           r"(?:\s(?:hundred|thousand|million))?(?:\s(?:thousand|million))?")
_STUDY_COUNT = (r"(?:\d[\d,]*|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\w+teen|twenty|thirty|"
                r"forty|fifty|sixty|seventy|eighty|ninety|a hundred|hundreds of|dozens of|several|multiple|"
                r"a number of|more than \d[\d,]*|over \d[\d,]*|nearly \d[\d,]*|about \d[\d,]*|almost \d[\d,]*)")
_STUDY_KIND = (r"(?:separate|previous|published|earlier|existing|different|independent|international|large|"
               r"small|randomi[sz]ed|clinical|controlled|placebo-controlled|observational|cohort|prospective|"
               r"human|major|high-quality|other)")

# (design, strong?, pattern); within one strength tier the DESIGN_ORDER decides
_RULES: list[tuple[str, bool, re.Pattern]] = [
    ("animal", True, re.compile(
        r"\b(?:(?:in|of|on|with|using)\s(?:\w+\s){0,2}?)?(?:mice|mouse models?|rats|rodents?|"
        r"monkeys|macaques|primates|zebrafish|fruit flies|nematodes|piglets|pigs|hamsters|"
        r"guinea pigs|ferrets)\b"
        r"|\banimal (?:stud(?:y|ies)|models?|experiments?|research|trials?|tests?|testing|data)\b"
        r"|\bin animals\b|\bin vitro\b|\b(?:petri|lab(?:oratory)?|culture) dish(?:es)?\b"
        r"|\btest[- ]tubes?\b|\bcell cultures?\b|\bcultured (?:human )?cells\b|\borganoids?\b"
        r"|\blab[- ]grown\b|\b(?:lab|laboratory) tests on cells\b|\bcells (?:[\w-]+ ){0,3}?in (?:the |a )?lab(?:oratory)?\b"
        r"|\bcell lines?\b|\bcells (?:were |are )?(?:grown|cultured|exposed|treated) (?:in|with|to)\b"
        r"|\b(?:tested|experiments?|studies) (?:on|in|with) (?:\w+ )?(?:cancer |tumou?r |stem |brain |skin |immune )?cells\b",
        re.I)),
    ("review", True, re.compile(
        r"\bmeta[- ]?analy(?:sis|ses|zed|sed)\b|\bsystematic(?:ally)? review(?:ed|s)?\b"
        r"|\bumbrella review\b|\bcochrane review\b|\bpooled (?:analysis|data|results)\b"
        r"|\b(?:review|analysis|re-?analysis) of (?:the )?(?:results of )?(?:\d[\d,]*|[a-z]+) "
        r"(?:\w+ )?(?:previous |published |earlier |existing )?(?:studies|trials|papers|reports)\b"
        r"|\b(?:reviewed|analy[sz]ed|pooled|combined) (?:the )?(?:results|data|findings) (?:of|from) "
        r"(?:\d[\d,]*|[a-z]+) (?:\w+ )?(?:studies|trials)\b"
        # data, people or results gathered from a counted set of studies: "data from 11,000 people
        # in 25 trials", "putting together information from 14 studies"
        rf"|\b(?:from|of|in|across|combining|pooling) {_STUDY_COUNT} (?:{_STUDY_KIND} ){{0,3}}(?:studies|trials|papers)\b"
        r"(?! (?:are|is|will be|would be) (?:needed|required|under ?way|planned))",
        re.I)),
    ("experimental", True, re.compile(
        r"\b(?:double|single|triple)[- ]blind(?:ed)?\b(?: (?:randomi[sz]ed|placebo[- ]controlled|controlled|clinical|trial|study)){0,3}"
        r"|\brandomi[sz]ed\b(?: (?:controlled|clinical|placebo[- ]controlled|double[- ]blind|crossover|trial|study|studies|trials)){0,3}"
        r"|\brandomly (?:assigned|allocated|split|divided|selected to receive)\b"
        r"|\bplacebo(?:[- ]controlled)?\b(?! effects?\b|[- ]like\b)(?: (?:trial|study|group|pill))?"
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
        r"|\bdata (?:from|on) (?:\d[\d,.]*|more than|over|nearly|about|almost)\b"
        r"|\bpopulation (?:stud(?:y|ies)|data|survey)\b|\b(?:national|nationwide|routine|insurance) data\b"
        # e.g. "analysed the records of 5,000 patients", "looked at the use of a medicine by
        # 20,000 adults", "examined the diets of 2,000 women"
        r"|\b(?:analy[sz]ed|examined|looked at|studied|assessed|reviewed|used|drew on) (?:the )?(?:\w+ )?"
        r"(?:data|records|information|statistics|figures|responses|answers|lifestyles?|habits|diets?|use|"
        r"effects?|outcomes|histories|prescriptions?|health|samples)\b(?: [\w,'’-]+){0,8}? "
        rf"(?:of|from|for|on|by|among|in|to|involving) {_NUMBER} (?:[\w-]+ ){{0,3}}?{_PEOPLE}\b",
        re.I)),
    # a lab study or experiment may test people (psychology) or cells: an experiment, weakly
    ("experimental", False, re.compile(
        r"\btrials?\b|\b(?:lab|laboratory) (?:stud(?:y|ies)|experiments?|tests?)\b|\bin the lab(?:oratory)?\b", re.I)),
    ("observational", False, re.compile(
        r"\blinked (?:to|with)\b|\bassociated with\b|\bassociation between\b|\bdata from\b|\btracked\b"
        r"|\bfollowed\b(?= .{0,40}\b(?:for|over) (?:\d+|[a-z]+) (?:years|decades|months)\b)"
        # "a study of 55,000 Danes", "compared people who ...", "those who ate more ... were less likely"
        rf"|\b(?:study|studies|analysis|research) (?:of|on|involving|among|in) {_NUMBER} (?:[\w-]+ ){{0,3}}?"
        rf"(?:{_PEOPLE}|(?-i:[A-Z][a-z]+s))\b"
        r"|\bcompared (?:the )?(?:\w+ )?(?:people|those|women|men|children|adults|patients|participants|"
        r"individuals|groups?) (?:who|with|without)\b"
        r"|\b(?:more|less) likely\b|\b(?:higher|lower|greater|increased|reduced) (?:\w+ )?risk\b",
        re.I)),
]


def _rank(design: str, strong: bool) -> tuple[int, int]:
    return (0 if strong else 1, DESIGN_ORDER.index(design))


# background: earlier work cited for context, not the study reported ("previous studies in mice
# have shown", "in accordance with studies in animal models", "other trials have found")
_BACKGROUND = re.compile(
    r"\b(?:previous(?:ly)?|earlier(?! (?:this|in|today|on|last))|prior|existing|"
    r"in (?:accordance|line|keeping) with|consistent with|building on|"
    r"other (?:[\w-]+ )?(?:studies|research|trials|work|experiments|teams|researchers|scientists))\b"
    r"(?:\s+[\w-]+){0,4}?\s*$"
    r"|\b(?:ha(?:ve|s|d) (?:already |previously |long |also )?(?:been )?(?:shown|suggested|found|linked|"
    r"demonstrated|reported)|is already known|was already known)\b",
    re.I)
_TRIAL_WORDS = re.compile(r"\b(?:trials?|randomi[sz]\w+|placebo)\b", re.I)
_OBSERVATIONAL_WORDS = re.compile(r"\b(?:observational|cohort|case[- ]control|cross[- ]sectional|"
                                  r"epidemiolog\w+|surveys?|population[- ]based)\b", re.I)


# Mentions that describe no study (CODEBOOK.md 6.2, 6.3): the design never comes from them.
_ADJ = (r"(?:(?:large|larger|small|smaller|randomi[sz]ed|controlled|clinical|placebo-controlled|double-blind|"
        r"good|high-quality|well-designed|well-controlled|proper|published|human|reliable|rigorous|long-term|"
        r"such|big|bigger|major|independent|formal|robust|quality|solid|real|adequate|properly|"
        r"conducted|convincing|strong|definitive|randomly|the|a|an)\s+)")
_STUDY_NOUN = re.compile(r"\b(?:trials?|stud(?:y|ies)|research|experiments?|evidence|data|RCTs?|reviews?|"
                         r"analys[ie]s|surveys?|cohorts?)\b", re.I)
# negated or scarce: "no controlled trials", "few randomised trials", "only two small trials", "lack of trials"
_NONE_BEFORE = re.compile(
    r"\b(?:no|not|never|without|nor|any|few|fewer|little|lack(?:s|ing)? of|absence of|shortage of|"
    r"(?:only|just) (?:a few|a handful of|a couple of|one|two|three|four|five|\d+)|a handful of|hardly any|"
    r"too few|not enough|not many|not a single)\s+" + _ADJ + "{0,3}$"
    # "has never been tested in a randomised trial", "not backed by clinical trials"
    r"|\b(?:not|never|n't)\s+(?:yet\s+)?(?:been\s+)?(?:tested|studied|evaluated|examined|assessed|proven|"
    r"shown|confirmed|backed|supported)\s+(?:in|by|with|through)\s+(?:any\s+)?" + _ADJ + "{0,3}$", re.I)
# plural mentions with nothing specific: "early studies", "small trials", "some trials", "other studies";
# and the trials still to come: "larger trials", "more studies", "future trials"
_VAGUE_BEFORE = re.compile(
    r"\b(?:some|several|many|various|numerous|early|earlier|initial|preliminary|small|smaller|limited|"
    r"a few|other|more|larger|bigger|longer|further|additional|future|better|well-designed|high-quality|"
    r"rigorous|proper|definitive)\s+" + _ADJ + "{0,2}$", re.I)
_PLURAL_END = re.compile(r"(?:trials|studies|experiments|RCTs|data|research|evidence|reviews|analyses|surveys)$", re.I)
_SPECIFIC_AFTER = re.compile(r"^\s*(?:of|in|on|involving|with|among|including|led|published|from|by|at)\s+"
                             r"(?:about |around |more than |over |nearly |almost |some )?(?:\d|[A-Z])", re.I)
# the state of those mentions: "are still scarce", "are needed", "have not been done", "are under way"
_STATE_AFTER = re.compile(
    r"^\s*(?:(?:are|is|remain|remains|have been|has been|were|was|will be|would be)\s+)?(?:still\s+|so far\s+|"
    r"currently\s+|also\s+|urgently\s+|badly\s+)?(?:scarce|lacking|limited|few|rare|sparse|thin|missing|"
    r"needed|required|necessary|warranted|called for|under ?way|planned|ongoing|in progress|yet to|"
    r"not (?:yet )?(?:been )?(?:done|conducted|carried out|performed|published|available|completed|run)|"
    r"(?:do|does) not exist|exist\b)", re.I)
_CALL_BEFORE = re.compile(r"\b(?:need|needs|needed|call|calls|calling|called|awaits?|awaiting|until|wait for|"
                          r"waiting for|plans? for|planned)\s+(?:for\s+)?(?:more\s+|further\s+|new\s+)?"
                          + _ADJ + "{0,3}$", re.I)


def _unspecific(text: str, start: int, end: int) -> bool:
    """The mention at [start, end) describes no study: negated or scarce ("no controlled trials",
    "few randomised trials exist", "trials are still scarce"), vague and plural ("early studies",
    "some trials"), or still to come ("larger trials are needed", "calls for more trials")."""
    while end < len(text) and text[end].isalnum():
        end += 1  # "randomized controlled trial" + "s"
    mention = text[start:end]
    before = text[max(0, start - 50):start]
    after = text[end:end + 60]
    # the words right after the mention's noun: "randomised" + " controlled trials are scarce"
    tail = re.match(r"(?:\s+(?:clinical|controlled|randomi[sz]ed|placebo-controlled|human|large|cohort|"
                    r"double-blind|trials?|stud(?:y|ies)|RCTs?))*", after)
    after = after[tail.end():] if tail else after
    if not _STUDY_NOUN.search(mention + (tail.group(0) if tail else "")):
        return _NONE_BEFORE.search(before) is not None and bool(re.search(r"(?:stud(?:y|ies)|trials?)\s*$", before))
    if _NONE_BEFORE.search(before):
        return True
    if _STATE_AFTER.match(after):
        return True
    if _CALL_BEFORE.search(before):
        return True
    plural = _PLURAL_END.search((mention + (tail.group(0) if tail else "")).rstrip()) is not None
    return plural and _VAGUE_BEFORE.search(before) is not None and not _SPECIFIC_AFTER.match(after)


def _is_background(text: str, start: int, end: int) -> bool:
    """The mention at [start, end) cites earlier work: a background marker in the words just
    before it, or a present-perfect report ("have shown") right after it."""
    before = text[max(0, start - 60):start]
    after = text[end:end + 50]
    if _BACKGROUND.search(before) is not None and not before.rstrip().endswith((",", ";")):
        return True
    m = _BACKGROUND.search(after)
    return m is not None and m.start() < 25 and m.group(0).lower().startswith(("have", "has", "had", "is", "was"))


def _matches(text: str) -> list[tuple[tuple[int, int], int, int, str, bool]]:
    found = []
    trial_words = None
    for design, strong, pattern in _RULES:
        for m in pattern.finditer(text):
            kind, explicit = design, strong
            if _unspecific(text, m.start(), m.end()):
                continue  # "trials are scarce", "early studies", "no trials", "larger trials are needed"
            if explicit and _is_background(text, m.start(), m.end()):
                explicit = False
            if kind == "observational" and explicit:
                if trial_words is None:
                    trial_words = _TRIAL_WORDS.search(text) is not None
                if trial_words and _OBSERVATIONAL_WORDS.search(m.group(0)) is None:
                    explicit = False  # "analysed data from 500 patients" in a sentence about a trial
            if kind == "review" and _TRIAL_WORDS.search(text) and not _OBSERVATIONAL_WORDS.search(text):
                kind = "experimental"  # a pooled analysis of (randomised) trials: experimental evidence
            found.append((_rank(kind, explicit), m.start(), m.end(), kind, explicit))
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


def pool_story_designs(claims, key: str = "story") -> list[dict]:
    """Claims of unknown design take the most frequent known design among the claims of their
    story (the articles reporting the same study), ties by DESIGN_ORDER; the evidence is that
    claim's evidence. Returns new dicts (the input is not changed); claims without a story keep
    their design. Meant to run before classification when stories are known."""
    claims = list(claims)
    counts: dict[str, Counter] = {}
    evidence: dict[tuple[str, str], str] = {}
    for c in claims:
        story, design = c.get(key), c.get("design")
        if story and design in DESIGN_ORDER:
            counts.setdefault(story, Counter())[design] += 1
            evidence.setdefault((story, design), c.get("design_evidence") or "")
    out = []
    for c in claims:
        story = c.get(key)
        if c.get("design", "unknown") == "unknown" and story in counts:
            design = min(counts[story], key=lambda d: (-counts[story][d], DESIGN_ORDER.index(d)))
            c = dict(c, design=design, design_evidence=evidence[(story, design)])
        out.append(c)
    return out
