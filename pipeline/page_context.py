"""The claim read in its page: what kind of statement a claim is, what evidence it names, and what
the page says about the treatment and itself (CODEBOOK.md sections 2, 3 and 6).

``claimcheck_context`` (a spaCy component, after ``claimcheck_claims``) runs the token patterns of
``PATTERNS`` once over the Doc (``TokenPatterns``: token-sequence patterns in a small word syntax,
compiled to regular expressions over the Doc's token stream) and reads the dependency parse where
there is one (the cheap pipeline has none: then the rules read word order only). It sets, on
every span of ``doc.spans["claims"]``:

- ``span._.cc_statement_kind``: finding (reports a result, effect or relation), background
  (definition, settled fact, mechanism of disease, epidemiology stated plainly), procedure (what a
  procedure or treatment involves: steps, duration, cost, availability; also what a study did),
  evidence_state (the state of the evidence: "evidence is limited", "more research is needed",
  "only two small trials", "a 2019 review found no benefit"), aim ("aims to", "is designed to"),
  selling (assurances about a provider or product, belittling standard care to sell), belief (a
  belief attributed to others: "some believe", "advocates say");
- ``span._.cc_evidence_basis``: named (a named, specific source for this claim: a named trial,
  journal, regulator, registry or institution, a year or a sample size with a design), scoped (one
  study's result scoped to that study: "In one trial, women who took X ..."), vague ("studies
  show", "experts say", "early studies", "some reports"), none;
- ``span._.cc_evidence_cue``: the words that decided the basis ("" for none).

The claim is read with its list lead-in; a claim that points back to a study ("the trial", "the
researchers") also takes a named or scoped source from its context sentence.

Page level (``page_signals(text)``, regular expressions over the whole article text, so the
selective first pass, which parses regions, and long articles cut in pieces give the same values;
the Doc gives them as ``doc._.cc_treatment_status``, ``doc._.cc_register``,
``doc._.cc_register_cues``, computed when read):

- ``treatment_status``: experimental (the page calls the treatment experimental, investigational,
  unproven, not approved, off-label, or sells it outside mainstream care: a selling page about
  supplements, remedies, extracts, stem cells, ...), new (new, emerging,
  novel, cutting-edge, innovative, breakthrough), established (approved, standard, first-line,
  long-used), unknown; with several, experimental > new > established;
- ``register``: selling (prices, calls to action, "our clinic", "we offer", discounts) or neutral;
  ``register_cues``: the distinct cue names found, sorted, at most 8.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from typing import NamedTuple

from spacy.language import Language
from spacy.tokens import Doc, Span

STATEMENT_KINDS = ("finding", "background", "procedure", "evidence_state", "aim", "selling", "belief")
EVIDENCE_BASES = ("named", "scoped", "vague", "none")
TREATMENT_STATUSES = ("experimental", "new", "established", "unknown")
REGISTERS = ("selling", "neutral")
MAX_REGISTER_CUES = 8

SPAN_EXTENSIONS = ("cc_statement_kind", "cc_evidence_basis", "cc_evidence_cue")
DOC_EXTENSIONS = ("treatment_status", "register", "register_cues")


def _doc_getter(field: str):
    def get(doc: Doc):
        value = page_signals(doc.text)[field]
        return list(value) if isinstance(value, list) else value
    return get


def ensure_extensions() -> None:
    """Register the Span extensions (values set by the component) and the Doc extensions
    ``doc._.cc_treatment_status``, ``cc_register``, ``cc_register_cues`` (getters: ``page_signals``
    of the Doc's text, computed when read) (idempotent)."""
    for name in SPAN_EXTENSIONS:
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)
    for field in DOC_EXTENSIONS:
        if not Doc.has_extension(f"cc_{field}"):
            Doc.set_extension(f"cc_{field}", getter=_doc_getter(field))


# --------------------------------------------------------------------------- page level
def _rx(*parts: str) -> re.Pattern:
    """Alternatives, matched against the lower-cased text."""
    return re.compile("|".join(parts))


_TREATMENT = (r"(?:treatments?|therap(?:y|ies)|approach(?:es)?|options?|procedures?|drugs?|medicines?|"
              r"medications?|techniques?|technolog(?:y|ies)|interventions?|injections?|infusions?|"
              r"protocols?|solutions?|method|class of (?:drugs?|medicines?)|weapon|vaccines?|devices?|"
              r"implants?|pills?|jabs?|remed(?:y|ies)|tools?|field|frontier|science|medicine)")
_STATUS_RULES = (
    ("experimental", _rx(
        r"\b(?:highly |still |largely |remains? |considered |is |are )?(?:experimental|investigational)\b"
        r"(?! (?:group|arm|studies|study|design|conditions|setting|models?|animals|mice|data))",
        r"\bunproven\b", r"\bunapproved\b", r"\boff[- ]label\b", r"\bunlicen[cs]ed\b", r"\bunregulated\b",
        r"\bnot (?:yet |been |currently )*(?:fda[- ])?(?:approved|licen[cs]ed|authori[sz]ed|cleared)\b",
        r"\b(?:has|have) not (?:yet |been )*(?:approved|licen[cs]ed|authori[sz]ed|cleared)\b",
        r"\b(?:fda|ema|mhra|regulators?) (?:has|have) (?:not|yet to) (?:approved?|licen[cs]ed?|cleared?)\b",
        r"\bno (?:fda[- ])?approved\b", r"\bnot (?:fda|ema)[- ]approved\b",
        r"\bnot (?:yet )?(?:available|offered) (?:on|through) the nhs\b",
        r"\bnot (?:usually )?covered by (?:most )?(?:insurance|insurers|medicare|medicaid)\b",
        r"\boutside (?:of )?(?:clinical trials|mainstream (?:medicine|care))\b",
        r"\bonly (?:available )?(?:with)?in (?:a )?clinical trials?\b",
        r"\bnot (?:yet )?(?:part of )?standard (?:care|treatment|practice)\b",
        r"\balternative (?:medicine|therap(?:y|ies)|treatments?)\b",
    )),
    ("new", _rx(
        rf"\b(?:new|newer|emerging|novel|cutting[- ]edge|innovative|breakthrough|pioneering|next[- ]generation|"
        rf"state[- ]of[- ]the[- ]art|latest|revolutionary|groundbreaking|ground-breaking|up-and-coming)"
        rf" (?:\w+[- ]){{0,2}}?{_TREATMENT}\b",
        r"\b(?:emerging|novel|cutting[- ]edge|innovative|breakthrough|pioneering)\b",
    )),
    ("established", _rx(
        r"\b(?<!not )(?<!n't )(?:fda|ema)[- ](?:approved|licen[cs]ed|cleared)\b",
        r"\b(?<!not )(?<!never )(?<!yet )(?:approved|licen[cs]ed) (?:by|for|in) ",
        r"\b(?:standard|usual|routine|conventional|mainstream) (?:of )?(?:care|treatment|therapy|practice)\b",
        r"\bfirst[- ]line\b", r"\bwell[- ]established\b", r"\blong[- ](?:used|established|standing)\b",
        r"\b(?:has|have) been (?:used|prescribed|given|available) (?:safely )?(?:for|since) (?:decades|years|"
        r"centuries|more than|over|many|\d)",
        r"\bwidely (?:used|prescribed|available|recommended)\b", r"\broutinely (?:used|prescribed|offered|given)\b",
        r"\b(?:available|offered|prescribed) on the nhs\b", r"\brecommended by (?:the )?(?:nice|who|cdc|nhs)\b",
    )),
)
# selling cues: (cue name, pattern); prices and calls to action are strong, provider talk weak
_STRONG_SELLING = (
    ("book a consultation", r"\bbook (?:a |an |your )?(?:free |initial |no-obligation )?"
                            r"(?:consultation|appointment|session|visit|call|assessment)\b"
                            r"|\bbook (?:now|today|online)\b"),
    ("call us", r"\bcall (?:us|our (?:clinic|team|office))\b|\bgive us a call\b"),
    ("schedule", r"\bschedule (?:a |an |your )(?:free |initial )?(?:consultation|appointment|visit|call|session)\b"
                 r"|\bschedule (?:now|today)\b"),
    ("contact our clinic", r"\bcontact (?:us|our (?:clinic|team|office|centre|center|specialists|sales team))\b"),
    ("discount", r"\bdiscounts?\b|\d+\s?% off\b|\bsave \d|\bspecial offer\b|\bpromo(?:tion)? code\b"
                 r"|\b(?:bulk|introductory|special) pric(?:e|es|ing)\b|\bfree samples?\b"),
    ("order now", r"\b(?:order|shop)\b[^.!?\n]{0,40}\b(?:today|now|online)\b"
                  r"|\bbuy\b[^.!?\n]{0,40}\b(?:today|now)\b|\badd to (?:cart|basket)\b"
                  r"|\bfree (?:shipping|delivery)\b|\bmoney[- ]back\b|\bsubscribe (?:and|&) save\b|\brisk[- ]free\b"),
    ("free consultation", r"\bfree (?:consultation|assessment|evaluation|trial offer)\b"),
    ("buy", r"(?m)^[ \t]*(?:- )?(?:buy|shop|order)\b(?! of\b)|\b(?:ships?|shipped|delivered) (?:free|to your door)\b"),
)
_WEAK_SELLING = (
    ("$", r"[$£€]\s?\d"),
    ("per session", r"\bper (?:session|treatment|visit|injection|infusion)\b"),
    ("our clinic", r"\bour (?:clinics?|cent(?:er|re)s?|practice|facility|facilities|office|locations?)\b"),
    ("our team", r"\bour (?:experienced |expert |dedicated |skilled |caring |friendly |qualified |medical )*"
                 r"(?:team|staff|doctors|physicians|specialists|practitioners|clinicians|providers|experts|nurses|"
                 r"pharmacists|therapists)\b"),
    ("affiliate links", r"\baffiliate links?\b|\bwe (?:may )?(?:receive|earn) (?:a )?commission\b"),
    ("we offer", r"\bwe (?:offer|provide|specialise|specialize|deliver|use only|tailor|customi[sz]e)\b"),
    ("our patients", r"\bour (?:patients|clients|customers)\b"),
    ("our products", r"\b[Oo]ur (?:products?|formulas?|supplements?|blend|protocols?|programs?|programmes?|"
                     r"treatments?|kits?|range|(?:quality )?(?:promise|guarantee))\b|\b[Oo]ur (?:[A-Z][\w-]+ ){1,3}"),
)
# (name, pattern, strong); matched against the lower-cased text, "our products" against the text
_SELLING = tuple((name, re.compile(p), True) for name, p in _STRONG_SELLING) + tuple(
    (name, re.compile(p), False) for name, p in _WEAK_SELLING)
# a word each cue needs (a cheap test before the regular expression)
_SELLING_WORDS = {
    "book a consultation": ("book",), "call us": ("call",), "schedule": ("schedule",),
    "contact our clinic": ("contact",),
    "discount": ("discount", "%", "save", "offer", "promo", "pric", "sample"),
    "order now": ("order", "shop", "buy", "add to", "free", "money", "subscribe", "risk"),
    "free consultation": ("free",), "buy": ("buy", "shop", "order", "ship", "deliver"),
    "$": ("$", "£", "€"), "per session": ("per ",), "our clinic": ("our",), "our team": ("our",),
    "affiliate links": ("affiliate", "commission"), "we offer": ("we ",), "our patients": ("our",),
    "our products": ("our",),
}
# what a selling page sells outside mainstream care: supplements, remedies, alternative clinics
_OUTSIDE_MAINSTREAM = re.compile(
    r"\b(?:supplements?|herbal|herbs?|extracts?|capsules?|gummies|tinctures?|essential oils?|homeopath\w*|"
    r"holistic|naturopath\w*|natural (?:remed(?:y|ies)|relief|support|way|sleep aid|alternative)|remed(?:y|ies)|"
    r"detox\w*|cleanse|stem cells?|regenerative|iv (?:therapy|drips?)|ozone|chelation|amber|crystals?|"
    r"superfoods?|blend|tonic|elixir|adaptogens?|cbd)\b")


@functools.lru_cache(maxsize=16)
def page_signals(text: str) -> dict:
    """Page-level fields of an article text: ``{"treatment_status", "register", "register_cues"}``."""
    text = text or ""
    status = "unknown"
    low = text.lower()
    for name, pattern in _STATUS_RULES:
        if pattern.search(low):
            status = name
            break
    cues, strong = set(), False
    for name, pattern, is_strong in _SELLING:
        if any(word in low for word in _SELLING_WORDS[name]) and pattern.search(
                text if name == "our products" else low):
            cues.add(name)
            strong = strong or is_strong
    selling = strong or len(cues) >= 2
    if selling and status != "experimental" and len(_OUTSIDE_MAINSTREAM.findall(low)) >= 3:
        status = "experimental"  # sold outside mainstream care
    return {"treatment_status": status, "register": "selling" if selling else "neutral",
            "register_cues": sorted(cues)[:MAX_REGISTER_CUES]}


# --------------------------------------------------------------------------- claim level
# Patterns in a small word syntax, one element per token: words match tokens whatever their case;
# "(a|b c)" one of several (an alternative may hold several words); a trailing "?" makes an element
# optional; "#num" a number, "#count" a number in digits (or "hundreds", ...), "#year" a year,
# "#cap" a capitalised word not at a sentence start, "#acro" an all-capitals word, "#agency" a
# regulator or health agency (FDA, NICE, ...), "*" any one word (optional). A hyphen inside a word
# is its own token, as spaCy splits "high-quality".
_OTHERS = ("some|many|most|few|advocates|proponents|supporters|fans|believers|enthusiasts|practitioners|"
           "homeopaths|naturopaths|herbalists|followers|users|people|critics|sceptics|skeptics|"
           "influencers|celebrities|manufacturers|sellers|companies|makers|marketers|promoters|devotees")
_BELIEF_VERBS = ("believe|believes|believed|claim|claims|claimed|argue|argues|argued|insist|insists|swear|"
                 "swears|maintain|maintains|contend|contends|feel|think|thinks|credit|credits|tout|touts|touted|"
                 "promote|promotes|hail|hailed|call|called|say|says|said")
_PEOPLE = ("people|patients|participants|women|men|adults|children|volunteers|subjects|users|those|infants|babies|"
           "mothers|smokers|teens|teenagers|girls|boys|students|workers|individuals|seniors|veterans|nurses|"
           "doctors|residents|respondents|families|couples|pregnancies|cases|kids|athletes")
_STUDY = "study|trial|review|analysis|meta-analysis|survey|experiment|report|paper"
_STUDIES = "studies|trials|reviews|analyses|surveys|experiments|reports|papers|research|evidence|data"
_AGENCIES = ("fda|ema|mhra|nice|who|cdc|nhs|nih|niaid|nccih|aap|acog|ada|aha|asco|esc|cochrane|ftc|tga|"
             "usda|efsa|hhs|cms|nhlbi|nci|iarc|unicef|ecdc|ukhsa|phe")

PATTERNS: dict[str, list[str]] = {
    "BELIEF": [
        f"({_OTHERS}) ({_BELIEF_VERBS}) (that|it|this|the|they)",
        f"(some|many|most|plenty of) * (people|experts|doctors|scientists|researchers|women|parents|users|"
        f"practitioners|patients|fans|proponents|advocates|supporters|customers|clients|physicians|sources|"
        f"groups|men|mothers) (have)? ({_BELIEF_VERBS}|report|worry|suggest|regard|described|hailed|dubbed)",
        "(is|are|was|were) (said|claimed|believed|thought|touted|promoted|reputed|rumoured|rumored) (to|by)",
        "it (is|has been|was) (claimed|said|argued|believed|thought|suggested)",
        "(so|as) the (logic|theory|thinking|story|argument) goes",
        "the (idea|theory|belief|claim|thinking|notion) (is|being|was) that",
        f"according to (its|their|some)? ({_OTHERS})",
        "(supposedly|allegedly|reportedly|purportedly)",
        "(advocates|proponents|supporters|fans|believers|champions) (of|say|claim|argue|believe|insist|point)",
        "(traditionally|folk) (believed|thought|said)",
        "(is|are|was|were) (widely|commonly|often|popularly)? believed",
        "(is|are|was|were|has been|have been) (often|widely|commonly|sometimes|increasingly|heavily|once)? "
        "(promoted|hailed|touted|marketed|billed|credited|regarded|seen|advertised|pitched) (as|by|with|for)",
        "(one|a|another|the) (popular|common|leading|prevailing|old|widespread)? (theory|idea|belief|view|notion) "
        "(is|holds|goes)",
        "(others|critics|sceptics|skeptics) (suggest|say|argue|believe|think|claim|worry|fear|warn)",
    ],
    "SELLING": [
        "our (experienced|expert|dedicated|skilled|caring|friendly|qualified|trained|certified|licensed|"
        "board - certified|highly|compassionate|specialist|world - class|leading|award - winning)",
        "our (team|staff|doctors|physicians|specialists|practitioners|clinicians|providers|experts|nurses|clinic|"
        "clinics|center|centre|facility|practice|patients|clients|customers|products|product|formula|blend|"
        "protocol|protocols|program|programme|treatments|treatment|therapy|therapies|services|approach|method|"
        "supplement|supplements|serum|device)",
        "we (offer|provide|use|ensure|guarantee|pride|specialise|specialize|deliver|tailor|customise|customize|"
        "only|always|never)",
        "(strict|rigorous|highest|high|exacting|stringent|careful) (medical|safety|quality|clinical|hygiene)? "
        "(standards|standard|protocols|supervision|guidelines|quality|oversight)",
        "(safe|sterile|clean|comfortable|relaxing|state - of - the - art|modern|accredited|licensed|certified) "
        "(,|and)? (sterile|safe|clinical|medical|comfortable)? (setting|environment|facility|facilities|clinic|"
        "laboratory|lab|surroundings)",
        "(pharmaceutical|medical|clinical|therapeutic|professional|premium|laboratory) -? (grade|quality)",
        "(only|merely|simply|just) (mask|masks|masking|treat|treats|manage|manages|cover|covers) (the)? symptoms",
        "(unlike|instead of) (conventional|traditional|standard|mainstream|western|regular)",
        "(conventional|traditional|standard|mainstream|western) (medicine|treatments|treatment|drugs|care|"
        "doctors|options|therapies) (only|merely|simply|just|fail|fails|cannot|can't|ignore|ignores)",
        "big pharma",
        "(doctors|they) (won't|don't|will not|do not) tell you",
        "(trusted|chosen|loved) by (thousands|millions|hundreds|over|more)",
        "(customers|clients|patients) (tell|rave|love)",
        "(money - back|satisfaction) (guarantee|guaranteed)",
        "(sustainably|ethically|carefully|responsibly) (sourced|made|produced|manufactured)",
        "(gmp|cgmp|iso) -? (certified|compliant|registered|facility)",
        "(made|manufactured|produced) in (a|an) (gmp|fda|certified|registered|accredited)",
        "(all - natural|100 % natural|chemical - free|toxin - free)",
        "(completely|totally|entirely|all|purely|more) natural",
        "the natural way to",
        "(perfect|ideal) for",
        "backed by (science|research|clinical|studies|data)",
        "(guaranteed|lab - tested|clinically - studied|clinically - dosed|pristine|ultra - pure)",
        "clinically (studied|dosed|tested)",
        "(highest|strictest|exacting|rigorous) (quality|purity|safety|production|manufacturing)? standards",
        "(safe|calm|supervised|relaxing|comfortable|sterile) (,)? (calm|safe|and)? (and)? (fully)? (supervised)? "
        "environment",
        "(rank|ranks|ranked) among the best",
        "best possible (start|care|results|outcome|chance)",
        "gentle on",
        "we (sell|make|supply|produce|stock)",
        "(do|does) nothing for",
        "(relies|rely|relying) on (synthetic|harsh|chemical|artificial)",
        "(synthetic|harsh|artificial) (hormones|chemicals|drugs|ingredients)",
        "(leave|ditch|quit|drop) (your|their|the)? (steroid|prescription|harsh) (creams|drugs|medications|pills)? "
        "behind",
    ],
    "AIM": [
        "(aims|aim|aimed|aiming|seeks|seek|sought|intends|intended|designed|meant|engineered|formulated) (to|at)",
        "the (aim|goal|purpose|objective|point) (of|is|was|here)",
        "in (an)? (attempt|effort|bid) to",
        "(hopes|hope|hoping) to",
        "(will|is|are) (test|testing|examine|examining|assess|assessing|explore|exploring|investigate|"
        "investigating) (whether|if|how)",
    ],
    "EVSTATE": [
        "(evidence|research|data|science|proof) (is|are|remains|remain|has been|have been|was|were)? (still)? "
        "(limited|weak|mixed|lacking|scarce|sparse|thin|inconclusive|insufficient|conflicting|inconsistent|"
        "unclear|preliminary|early|emerging|patchy|poor|low|modest|uncertain|ongoing|growing|strong|"
        "clear|solid|robust|consistent|contradictory|in its infancy)",
        "(limited|little|no|insufficient|some|growing|strong|good|high - quality|low - quality|weak|scant|scarce|"
        "mixed|conflicting|preliminary|emerging|moderate|solid|robust|reliable|convincing|clear|firm|"
        "conclusive|inconclusive|enough|sufficient|best) "
        "(scientific|clinical|high - quality|quality|good|direct|human|solid|strong|firm|real|reliable|published)? "
        "(evidence|proof|data)",
        "not (enough|much|sufficient) (good|strong|high - quality|scientific|clinical)? (evidence|research|data|proof)",
        "(more|further|additional|larger|bigger|longer|better|new) (and)? "
        "(larger|longer|better|rigorous|controlled|randomised|randomized|high - quality|well - designed|human|"
        "clinical)? (research|studies|trials|data|work|evidence|testing|investigation)",
        "(research|studies|trials|work|data|testing) (is|are|will be) (needed|required|necessary|under way|underway|"
        "ongoing|planned|warranted)",
        "(only|just|few|no|very few|a handful of|a few|a couple of|one|two|three) (small|large|good|high - quality|"
        "well - designed|randomised|randomized|controlled|clinical|human|rigorous|published|reliable|early|"
        "long - term)? (small|randomised|randomized|controlled|clinical|human|placebo - controlled)? "
        "(studies|trials|reviews|study|trial) (have|has|exist|exists|so far|to date|were|was|looked|tested|"
        "examined|found|show|showed|compared|support|back|of|in|on)",
        "(has|have|had) (not|never|yet to) (yet)? (been)? (be)? (well|properly|adequately|fully|thoroughly|"
        "rigorously|widely)? (studied|tested|proven|proved|established|evaluated|researched|confirmed|"
        "investigated|shown)",
        "(hasn't|haven't) (yet)? been (well|properly|adequately|fully|thoroughly|rigorously|widely)? (studied|"
        "tested|proven|established|evaluated|researched|confirmed|investigated|shown)",
        "not (been)? (well|properly|adequately|fully|thoroughly|rigorously|widely|yet)? (studied|tested|proven|"
        "established|evaluated|researched|confirmed|understood|known)",
        "it (is|remains|'s) (unclear|not clear|not known|unknown|uncertain|too early|premature) "
        "(whether|if|how|to)",
        "(remains|remain) to be (seen|proven|established|shown|determined)",
        "(results|findings|studies|trials|evidence) (are|have been|were|remain|is)? (mixed|conflicting|"
        "inconsistent|contradictory|inconclusive)",
        "(mixed|conflicting|inconsistent|contradictory|inconclusive|disappointing) (results|findings|evidence)",
        "(systematic|cochrane|umbrella) (review|reviews)",
        "(meta - analysis|meta - analyses)",
        "(review|reviews|analysis) of (#num|several|many|multiple|dozens) (randomised|randomized|controlled|"
        "clinical|published|human)? (trials|studies)",
        "(there is|there's|there are) (no|little|not|limited|some|growing|good|strong|weak|insufficient) (good|"
        "strong|convincing|reliable|solid|clear|high - quality|scientific|enough)? (evidence|proof|data|research|"
        "studies|trials)",
        "(still|currently) (being)? (studied|tested|investigated|researched|trialled|trialed|evaluated|explored)",
        "being (studied|tested|investigated|researched|trialled|trialed|evaluated)",
        "under (investigation|study)",
        "(research|science|field) is (still|in its|young|new)",
        "long - term (data|evidence|effects|safety|results) (are|is|remain|remains)? (still|not|unknown|lacking|"
        "unclear|limited|emerging)",
        "(scientific|medical|expert|clear|broad|general) consensus",
        "(little|nothing) (is)? known about",
        "too (few|early) (studies|trials|to)",
        "(is|are|remains|remain) (still|also|hotly|widely)? (limited|debated|disputed|contested|controversial|"
        "unsettled|unproven|unknown|uncertain)",
        "(far|much|even) less (is)? (known|clear|certain)",
        "(are|is) (less|far less|not yet|not) (clear|certain|known)",
        "(is|are) (also|now|still)? (investigating|studying|testing|exploring|examining) (whether|if|how)",
        "(is|are) (needed|required) to (know|confirm|find|establish|determine|show|see|tell|prove)",
        "(follow - up|longer follow - up|more data|more work) (is|are) needed",
        "(to|will) find out (whether|how|if)",
        "(firm|definite|definitive|firmer|strong) conclusions",
        "(the|most|many) (of the)? (trials|studies) were (small|short|poor|low|of)",
        "(authors|researchers|scientists) (acknowledge|acknowledged|caution|cautioned|note|noted|warn|warned|"
        "admit|admitted) that",
        "(still|remains|remain|is|are|largely|highly|considered) (experimental|investigational|unproven)",
        "(not|yet to be) (yet)? (fda - approved|approved|licensed|proven)",
    ],
    "PROCEDURE": [
        "(takes|take|lasts|last|lasting|taking) (about|around|roughly|approximately|between|up to|less than|"
        "under|only|just)? (#num|a|an|one|two|three|several|few) (to #num)? (minutes|minute|hours|hour|days|day|"
        "weeks|week|months|month|sessions|session|visits|treatments)",
        "(costs|cost|priced|price|prices|fee|fees|costing)",
        "(covered|reimbursed|paid) by (insurance|medicare|medicaid|the nhs|most insurers|insurers)",
        "(is|are|can be|will be|must be|should be|may be) (given|injected|taken|applied|administered|delivered|"
        "performed|done|carried|inserted|placed|infused|prescribed|sold|bought|worn|swallowed|dissolved|"
        "available|offered|repeated)",
        "(involves|involve|involved|requires|require|consists)",
        "(during|after|before) (the|each|a|your) (procedure|treatment|session|appointment|infusion|injection|visit|"
        "surgery|operation)",
        "(once|twice|three times) (a|per|every) (day|week|month|year)",
        "every (#num|two|three|four|six|few|other)? (days|day|weeks|week|months|month|hours|years)",
        "(available|sold) (on|over|in|at|from|without|by|as|online)",
        "(under|with) (local|general) (anaesthetic|anesthetic|anaesthesia|anesthesia)",
        "(your|a|the) (doctor|gp|nurse|pharmacist|surgeon|specialist|dentist) (will|can|may|might|should)",
        "you (will|can|may|might|should|need|must)",
        "(were|was) (randomly|given|assigned|asked|recruited|followed|tracked|enrolled|divided|split)",
        "(enrolled|recruited|followed|tracked|surveyed|interviewed) (#num|more|over|nearly|about|"
        "almost|some|the|them|participants|patients|people|adults|women|men|children|volunteers)",
    ],
    "RESULT": [
        "(found|finds|showed|shown|shows|demonstrated|demonstrates|reported|observed|revealed|"
        "reveals|concluded|suggests|suggested|indicated|indicates|confirmed|linked|tied|associated|correlated)",
        "(compared|relative) (with|to)",
        "than (those|people|patients|participants|women|men|children|adults|placebo|a placebo|controls|non - users|"
        "before|usual|standard)",
        "(more|less|fewer|greater|lower|higher) (likely|risk|rates|chance|odds)",
        "(#num) (%|percent|per cent|times|fold)",
        "(reduced|lowered|improved|increased|cut|halved|doubled|boosted|raised|decreased|slowed|prevented|"
        "reversed|eased|relieved|shrank|extended|lost|gained|dropped|fell|rose)",
        "(effective|ineffective|efficacy|beneficial|works|worked|helps|helped|improves|reduces|"
        "lowers|prevents|protects|boosts|cures|heals|treats|reverses|relieves|eases|fights|strengthens|repairs|"
        "restores|supports|promotes|enhances|regenerates|rejuvenates|stimulates|detoxifies|balances|burns|"
        "speeds|accelerates|outperforms)",
        "(no|little) (difference|effect|benefit|improvement|link|association)",
        "(see|sees|saw|notice|notices|noticed|feel|feels|felt|get|gets|achieve|achieves) (visible|real|noticeable|"
        "dramatic|lasting|fast|great|amazing|the|a|results|difference|improvement|benefits) (results|difference|"
        "improvement|benefits|change)?",
        "(safe|safely|well tolerated|well - tolerated)",
    ],
    "DEFINE": [
        "(is|are) (a|an) (type|form|kind|class|group|condition|disease|disorder|term|name|way|hormone|"
        "protein|substance|chemical|compound|mineral|vitamin|nutrient|infection|virus|bacterium|part|process|"
        "procedure|treatment|medicine|drug|gland|organ|common|rare|serious|chronic|leading|major)",
        "(refers|refer|referred) to",
        "(is|are) (defined|known|called|characterised|characterized|classified|caused|made|produced|"
        "common|rare|normal|usually|often|typically|generally|mostly)",
        "(occurs|occur|happens|happen|develops|develop|arises) (when|if|in|because|after|as)",
        "(affects|affect) (about|around|roughly|up to|more than|over|nearly|#num|one|millions|many|most|some)",
        "(symptoms|signs|causes|complications|types|forms) (of|include|can|may|are)",
        "(each|every) year",
        "(is|are) (one of|among) the",
    ],
    # evidence basis
    "NAMED": [
        "(published|reported|appearing|appeared|presented) (in|at|to) (the)? (#cap|#acro|journal)",
        "(journal|lancet|jama|bmj|nejm)",
        "new england journal",
        "#agency",
        "food and drug administration",
        f"(#year) (systematic|cochrane|large|small|randomised|randomized|clinical|controlled|national|new|major)? "
        f"({_STUDY}|{_STUDIES}|guidelines|guidance|statement|audit|census)",
        f"in #year ,? (a|the)? (systematic|cochrane|large|small|randomised|randomized|clinical|controlled)? "
        f"({_STUDY})",
        "#acro (-)? (#num)? (trial|study|studies|trials|programme|program|cohort|registry|survey)",
        "#cap (trial|study|cohort|registry|survey|review|biobank)",
        "(university|institute|college|hospital|foundation|society|association|academy|"
        "council|agency|ministry|department) (of|for) #cap",
        "#cap (university|institute|hospital|foundation|society|association|academy|college|council|agency|"
        "clinic|school)",
    ],
    "SAMPLE": [
        f"(of|in|involving|with|among|including|enrolled|recruited|followed|tracked|studied|tested|gave|gave) "
        f"(more than|over|nearly|about|almost|around|some|roughly|just over|just under)? #count (#num)? (*)? (*)? "
        f"({_PEOPLE}|studies|trials)",
        f"#count ({_PEOPLE}) (took part|participated|were enrolled|were randomly|were given|were assigned|"
        f"were followed)",
    ],
    "SCOPED": [
        f"(in|from) (one|a|an|the|this|that) (small|large|recent|new|single|earlier|later|early|short|"
        f"randomised|randomized|controlled|clinical|pilot|observational|placebo - controlled|double - blind)? "
        f"(small|randomised|randomized|controlled|clinical|pilot|placebo - controlled)? ({_STUDY}|experiment|test)",
        f"(one|a|an|this|that|the) (small|large|recent|new|single|earlier|pilot|randomised|randomized|controlled|"
        f"clinical|observational)? (small|randomised|randomized|controlled|clinical|pilot)? ({_STUDY}) "
        f"(found|showed|reported|concluded|observed|suggested|revealed|looked|tested|followed|compared|of|"
        f"involving|published|led)",
        f"({_PEOPLE}) (who|that) (took|received|used|were given|got|ate|drank|wore|had|did|followed|underwent|"
        f"completed|tried|were treated)",
        f"(those|people|patients|participants|women|men|volunteers) (on|in|taking|given|receiving|using) (the)? "
        f"(placebo|drug|supplement|treatment|group|arm|active|dummy|real|medication|vaccine|intervention)",
        "(than|versus|vs|vs.) (a|the|those on|those given|those taking)? (placebo|dummy|sham|control)",
        "(placebo|control|treatment|comparison) (group|groups|arm)",
        "the (researchers|scientists|authors|investigators|team) (found|reported|noted|observed|"
        "concluded|saw|showed|measured)",
        "(in|during) the (trial|study|experiment)",
        f"(in|from) (either|both|each|a set of|the two|the three) ({_STUDY}|studies|trials)",
        f"(a|an|one) * * * ({_STUDY}) (found|showed|reported|concluded|observed|suggested)",
        f"(a|an|one) (small|large|recent|new|pilot|randomised|randomized|controlled|clinical)? ({_STUDY}) "
        f"(in|of|among|involving|with) * * * * (found|showed|reported|suggested|concluded)",
        "(in|of) (lab|laboratory|young|old|older|obese|germ - free)? (mice|rats|animals|monkeys|rodents|dogs|pigs|"
        "worms|flies|zebrafish|cells)",
        "(mice|rats|animals|monkeys|rodents) (given|raised|treated|fed|that|which|with|without|exposed|bred|"
        "engineered|lacking)",
    ],
    "VAGUE": [
        f"({_STUDIES}|science|experts|scientists|doctors|researchers|specialists|physicians) "
        "(has|have)? (shown|show|shows|suggest|suggests|suggested|indicate|indicates|found|find|finds|confirm|"
        "confirms|confirmed|prove|proves|proved|proven|demonstrate|demonstrates|demonstrated|say|says|agree|"
        "agrees|believe|believes|support|supports|point|points|link|links|linked|reveal|reveals|revealed|"
        "report|reports|reported|recommend|recommends|note|warn|warns)",
        f"(some|many|several|numerous|multiple|various|other|most|countless|early|earlier|preliminary|small|"
        f"recent|new|emerging|growing|initial|limited|existing|previous|clinical|scientific|independent) "
        f"(small|early|clinical|scientific|human|animal|lab|laboratory|preliminary|recent)? (studies|trials|reports|"
        f"research|evidence|data|experts|scientists|doctors|researchers|reviews|findings|results|papers)",
        "(a|the) (growing|large|increasing|substantial|strong|solid|wealth|mountain|body) (body|number|amount)? of "
        "(research|evidence|studies|data|science)",
        "(clinically|scientifically|medically|research|science|evidence|clinical) -? (proven|backed|based|tested|"
        "validated|shown|supported)",
        "(according to|per) (research|studies|experts|science|scientists|doctors|the research|the science|"
        "the evidence|the experts|some|many)",
        "(it is|it's|it has been) (known|shown|proven|established|well known|well - known|widely known|documented)",
        "(is|are|has been|have been) (shown|proven|found|known|documented|reported) to",
        "(anecdotal|anecdotally)",
        "(lab|laboratory|animal|test - tube|cell) (studies|research|tests|experiments|work)",
    ],
}
_DESIGN_WORD = re.compile(r"\b(?:trials?|stud(?:y|ies)|review|survey|cohort|randomi[sz]ed|placebo|"
                          r"meta-analys[ie]s|analysis|registry|experiment)\b", re.I)


_NUMBER_WORDS = ("one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|"
                 "fifty|hundred|thousand|million|dozen")
# word classes, as regular expressions on one token of the token stream (see TokenPatterns)
_CLASSES = {
    "#num": rf"(?:\d[\d,.]*|{_NUMBER_WORDS})",
    "#year": r"(?:19[5-9]\d|20[0-4]\d)",
    "#count": r"(?:\d[\d,.]*|hundreds|thousands|millions|dozens)",
    "#cap": r"(?-i:[A-Z][a-z][\w'’.-]*)",  # a capitalised word, not at a sentence start
    "#acro": r"(?-i:[A-Z][A-Z0-9]{1,11})",
    "#agency": r"(?-i:" + _AGENCIES.upper() + ")",
    "*": r"[^ §¶]+",
}


def _elements(phrase: str) -> list[tuple[list[list[str]], bool]]:
    """A phrase as elements: (alternatives, optional); an alternative is a list of words."""
    phrase = re.sub(r"(?<=[a-z0-9])-(?=[a-z])", " - ", phrase)  # spaCy splits "high-quality"
    out, depth, buf = [], 0, ""
    for ch in phrase + " ":
        if ch == " " and depth == 0:
            if buf:
                optional = buf.endswith("?") and len(buf) > 1
                word = buf[:-1] if optional else buf
                if word.startswith("(") and word.endswith(")"):
                    alts = [a.split() for a in word[1:-1].split("|")]
                else:
                    alts = [[word]]
                out.append((alts, optional or word == "*"))
            buf = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        buf += ch
    return out


def _word(word: str) -> str:
    """One token: a class, or a word (case-insensitive); a token may carry the sentence-start mark."""
    if word in _CLASSES:
        return _CLASSES[word] if word == "#cap" else "\x01?" + _CLASSES[word]
    return "\x01?" + re.escape(word)


def phrase_regex(phrase: str) -> str:
    """The regular expression of one phrase over the token stream (tokens joined by single spaces,
    each followed by a space)."""
    parts = []
    for alts, optional in _elements(phrase):
        options = "|".join(" ".join(_word(w) for w in alt) + " " for alt in alts)
        parts.append(f"(?:{options})" + ("?" if optional else ""))
    return "(?<![^ ])" + "".join(parts)


def _first_words(phrase: str) -> set[str] | None:
    """The lower-cased words a match of the phrase can start with; None when it can start with any
    word (a class or a wildcard first)."""
    words: set[str] = set()
    for alts, optional in _elements(phrase):
        for alt in alts:
            if alt[0] in _CLASSES:
                return None
            words.add(alt[0].lower())
        if not optional:
            return words
    return None


class TokenPatterns:
    """The PATTERNS over a Doc's token stream, in one pass over the Doc: each token looks up the
    phrases that can start with it and tries only those (compiled regular expressions, anchored
    at the token). The same patterns as spaCy Matcher rules cost as much time as the parser; like
    this they cost a few percent of it.

    The stream holds every token's text, a space after each; white-space tokens become "¶",
    a "§" item separates sentences (no pattern crosses either), and a sentence's first token is
    marked with \x01 so that "#cap" never takes a capital that only starts a sentence."""

    def __init__(self, patterns: dict[str, list[str]] | None = None):
        patterns = PATTERNS if patterns is None else patterns
        self.by_word: dict[str, list[tuple[str, re.Pattern]]] = {}
        self.always: list[tuple[str, re.Pattern]] = []
        for key, phrases in patterns.items():
            for phrase in phrases:
                entry = (key, re.compile(phrase_regex(phrase), re.I))
                first = _first_words(phrase)
                if first is None:
                    self.always.append(entry)
                else:
                    for word in first:
                        self.by_word.setdefault(word, []).append(entry)

    def __call__(self, view: "_View") -> list[tuple[int, int, str]]:
        """(start token, end token, key) of every match of every phrase, sorted."""
        items, token_of, offsets, starts = [], [], [], []
        pos = 0
        for i, word in enumerate(view.words):
            if i > 0 and view.sent_start[i]:
                items.append("§ ")
                token_of.append(-1)
                offsets.append(pos)
                pos += 2
            mark = "\x01" if view.sent_start[i] or i == 0 else ""
            item = "¶" if view.space[i] else mark + word.replace(" ", "_")
            items.append(item + " ")
            token_of.append(i)
            offsets.append(pos)
            starts.append(pos)
            pos += len(item) + 1
        stream = "".join(items)
        out = set()
        always, by_word = self.always, self.by_word
        for i, start in enumerate(starts):
            candidates = by_word.get(view.lower[i])
            for group in (candidates or (), always):
                for key, regex in group:
                    m = regex.match(stream, start)
                    if m is None or m.end() == start:
                        continue
                    last = bisect_left(offsets, m.end()) - 1
                    out.add((i, token_of[last] + 1, key))
        return sorted(out)


class _View(NamedTuple):
    """A Doc's tokens as plain lists, read once (Token objects are slow to make)."""

    words: list
    lower: list
    space: list
    sent_start: list
    tag: list
    dep: list
    head: list
    idx: list


def _view(doc: Doc) -> _View:
    from spacy.attrs import DEP, HEAD, IDX, IS_SPACE, LOWER, ORTH, SENT_START, TAG

    strings = doc.vocab.strings
    arr = doc.to_array([ORTH, LOWER, IS_SPACE, TAG, DEP, IDX])  # hashes: uint64
    orth, lower, space, tag, dep, idx = (arr[:, k].tolist() for k in range(6))
    signed = doc.to_array([SENT_START, HEAD]).astype("int64")  # -1 and relative heads
    sent, head = signed[:, 0].tolist(), signed[:, 1].tolist()
    n = len(orth)
    return _View(
        [strings[o] for o in orth], [strings[o] for o in lower], [bool(x) for x in space], [x == 1 for x in sent],
        [strings[t] if t else "" for t in tag], [strings[d] if d else "" for d in dep],
        [i + h for i, h in zip(range(n), head)], idx)


_NEGATIONS = frozenset({"not", "no", "n't", "never", "without", "none"})
_BACKREF = re.compile(r"\b(?:the|this|that|these|its|their) (?:trial|study|review|research|researchers|"
                      r"scientists|authors|team|analysis|experiment|survey|findings|results|data|participants)\b"
                      r"|\b(?:participants|volunteers|researchers|they|those who|in it)\b", re.I)


class PageContext:
    """One pattern pass over the Doc; each claim reads the matches inside it (and its lead-in)."""

    def __init__(self, vocab):
        ensure_extensions()
        self.vocab = vocab
        self.patterns = TokenPatterns()

    def __call__(self, doc: Doc) -> Doc:
        claims = doc.spans["claims"] if "claims" in doc.spans else []
        if not len(claims):
            return doc
        view = _view(doc)
        matches = self.patterns(view)
        starts = [m[0] for m in matches]
        cues = sorted(doc.spans["cues"], key=lambda s: s.start) if "cues" in doc.spans else []
        cue_starts = [c.start for c in cues]
        tagged, parsed = doc.has_annotation("TAG"), doc.has_annotation("DEP")

        def inside(lo: int, hi: int) -> list[tuple[int, int, str]]:
            return [m for m in matches[bisect_left(starts, lo):bisect_left(starts, hi)] if m[1] <= hi]

        def tokens(chars) -> tuple[int, int]:
            lo = max(0, bisect_right(view.idx, chars[0]) - 1)
            return lo, max(lo + 1, bisect_left(view.idx, chars[1]))

        for claim in claims:
            own = (claim.start, claim.end)
            ranges = [own]
            lead = claim._.cc_lead_in
            if lead:
                ranges.insert(0, tokens(lead))
            found = [m for lo, hi in ranges for m in inside(lo, hi)]
            labels = {c.label_ for lo, hi in ranges
                      for c in cues[bisect_left(cue_starts, lo):bisect_left(cue_starts, hi)]}
            kind = _kind(view, own, claim.label_, found, labels, tagged, parsed)
            own_text = " ".join(" ".join(view.words[lo:hi]) for lo, hi in ranges)
            basis, cue = _basis(doc, view, found, own_text)
            if basis in ("none", "vague") and claim._.cc_context and _BACKREF.search(own_text):
                lo, hi = tokens(claim._.cc_context)
                cbasis, ccue = _basis(doc, view, inside(lo, hi), " ".join(view.words[lo:hi]))
                if cbasis in ("named", "scoped"):
                    basis, cue = cbasis, ccue
            claim._.cc_statement_kind = kind
            claim._.cc_evidence_basis = basis
            claim._.cc_evidence_cue = cue
        return doc


def _basis(doc: Doc, view: _View, found, text: str) -> tuple[str, str]:
    """named > scoped > vague > none, and the words that decided it."""
    designed = _DESIGN_WORD.search(text) is not None
    for keys, basis in ((("NAMED", "SAMPLE"), "named"), (("SCOPED",), "scoped"), (("VAGUE",), "vague")):
        hits = [m for m in found if m[2] in keys]
        if basis == "named":
            hits = [m for m in hits if (m[2] == "SAMPLE" and designed) or (m[2] == "NAMED" and _named_ok(doc, m))]
        elif basis == "scoped":
            hits = [m for m in hits if not (m[0] > 0 and view.lower[m[0] - 1] in _NEGATIONS)]
        else:  # "only two small trials" counts the studies: the state of the evidence, no vague source
            hits = [m for m in hits if not (m[0] > 0 and (view.lower[m[0] - 1] == "only"
                                                          or _NUMERAL.match(view.lower[m[0] - 1])))]
        if hits:
            start, end, _ = min(hits, key=lambda m: (m[0], -m[1]))
            return basis, doc[start:end].text
    return "none", ""


def _kind(view: _View, own: tuple[int, int], label: str, found, labels: set, tagged: bool, parsed: bool) -> str:
    """The statement kind of a claim (token range ``own``, claim type ``label``)."""
    keys = {m[2] for m in found}
    own_keys = {m[2] for m in found if own[0] <= m[0] < own[1]}
    if "BELIEF" in own_keys or (parsed and _belief_by_parse(view, own)):
        return "belief"
    if "SELLING" in own_keys or (parsed and _page_promotes_itself(view, own)):
        return "selling"
    if "AIM" in own_keys:
        return "aim"
    if "EVSTATE" in own_keys or (label == "evidence" and "RESULT" not in own_keys):
        return "evidence_state"
    result = "RESULT" in keys or "SCOPED" in keys or "causal" in labels
    if result and keys & {"SCOPED", "NAMED", "VAGUE"}:
        return "finding"  # a result reported from a study or source
    if label in ("practical", "eligibility") or ("PROCEDURE" in own_keys and "RESULT" not in own_keys):
        return "procedure"
    if "DEFINE" in own_keys and "causal" not in labels:
        return "background"
    effect = "RESULT" in own_keys or "causal" in labels or _effect_verb(view, own, tagged)
    if effect and (label != "prevalence" or "RESULT" in own_keys):
        return "finding"  # an effect or relation, stated by the page itself
    return "background"


_NUMERAL = re.compile(r"^(?:\d[\d,.]*|" + _NUMBER_WORDS + ")$")
# verbs of an effect on the body or a disease ("stimulates the liver", "corrects the imbalance")
_EFFECT_VERB = re.compile(
    r"^(?:support|stimulat|boost|improv|reduc|lower|rais|increas|prevent|protect|eas|reliev|cur(?:e|es|ed|ing)$|"
    r"heal|treat|revers|repair|restor|strengthen|enhanc|promot|burn|speed|accelerat|correct|balanc|detox|"
    r"cleans|rejuvenat|regenerat|sharpen|calm|sooth|fight|kill|shrink|shrank|slow|halt|cut|slash|tighten|"
    r"smooth|eras|eliminat|flush|expel|transform|work|help|deliver|benefit|combat|rebuild|nourish|hydrat|"
    r"brighten|firm|melt|trigger|caus|damag|harm|worsen|regulat|normali[sz]|optimi[sz]|unlock|activat|"
    r"inhibit|suppress|tackl|beat|outperform|shield|guard|ward|lift|clear|dissolv|fade|fad|"
    r"extend|lengthen|shorten|halv|doubl|tripl|alleviat|soften|plump|tone)")


def _effect_verb(view: _View, own: tuple[int, int], tagged: bool) -> bool:
    """A verb of effect in the claim (tagged as a verb when there are tags)."""
    for i in range(*own):
        if _EFFECT_VERB.match(view.lower[i]) and (view.tag[i].startswith("VB") if tagged else True):
            return True
    return False


def _named_ok(doc: Doc, m) -> bool:
    """A name: a proper noun not at a sentence start, a number, an acronym, or a journal."""
    span = doc[m[0]:m[1]]
    if any(t.is_title and not t.is_sent_start and t.tag_ in ("NNP", "NNPS") for t in span):
        return True
    if any(t.like_num or t.text.isupper() and len(t.text) > 1 for t in span):
        return True
    low = span.text.lower()
    return any(w in low for w in ("journal", "lancet", "jama", "bmj", "cochrane", "food and drug"))


_THINK_VERBS = frozenset({"believe", "believes", "believed", "think", "thinks", "thought", "argue", "argues",
                          "argued", "suspect", "suspects", "suspected", "worry", "worries", "worried", "claim",
                          "claims", "claimed", "insist", "insists", "contend", "contends", "maintain", "maintains",
                          "swear", "swears", "hail", "hails", "hailed", "tout", "touts", "touted", "regard",
                          "regards", "speculate", "speculated", "theorise", "theorize", "fear", "fears", "credit",
                          "credits", "expect", "expects"})
_GROUPS = frozenset({"researchers", "scientists", "experts", "doctors", "physicians", "people", "critics", "fans",
                     "makers", "producers", "sellers", "manufacturers", "analysts", "advocates", "proponents",
                     "supporters", "users", "customers", "clients", "parents", "practitioners", "homeopaths",
                     "herbalists", "naturopaths", "influencers", "groups", "sources", "believers", "enthusiasts",
                     "others", "some", "many", "most", "they", "campaigners", "activists", "specialists",
                     "clinicians", "companies", "marketers", "promoters", "sceptics", "skeptics", "followers"})


def _page_promotes_itself(view: _View, own: tuple[int, int]) -> bool:
    """The subject of the sentence is the page's own ("Our pregnancy rates rank among the best",
    "Our gentle titration plan keeps side effects to a minimum")."""
    for i in range(*own):
        if view.lower[i] == "our" and view.dep[i] == "poss":
            noun = view.head[i]
            if view.dep[noun] in ("nsubj", "nsubjpass") and view.dep[view.head[noun]] == "ROOT":
                return True
    return False


def _belief_by_parse(view: _View, own: tuple[int, int]) -> bool:
    """A belief verb whose subject is a group of others ("homeopaths believe", "researchers think",
    "supplement makers argue"); never the page itself (I, we, you)."""
    for i in range(*own):
        if view.dep[i] == "nsubj" and view.lower[i] in _GROUPS:
            verb = view.head[i]
            if view.lower[verb] in _THINK_VERBS and view.tag[verb].startswith("VB"):
                return True
    return False


# --------------------------------------------------------------------------- component
_INSTANCES: dict[int, tuple[object, PageContext]] = {}


def for_vocab(vocab) -> PageContext:
    """The component for a vocab (built once): for Docs processed without it."""
    got = _INSTANCES.get(id(vocab))
    if got is None or got[0] is not vocab:
        got = (vocab, PageContext(vocab))
        _INSTANCES[id(vocab)] = got
    return got[1]


def annotate(doc: Doc) -> Doc:
    """Run the context component on a Doc that has claims but did not go through it."""
    return for_vocab(doc.vocab)(doc)


@Language.factory("claimcheck_context")
def make_context(nlp: Language, name: str):
    ensure_extensions()
    return for_vocab(nlp.vocab)
