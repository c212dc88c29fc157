"""Which sentences are health claims, and of which type (codebook section 1).

Pure functions on strings and spaCy Spans, so each rule is unit-testable; the
``claimcheck_claims`` component (pipeline.components) runs them over a whole Doc.

A sentence (or a list item read with its lead-in) is a claim when it
- is not page furniture: heading, question, byline, navigation, boilerplate, a sentence about
  the article itself, a call to action or pure advice with nothing to check;
- asserts something: it has a finite verb or a copula (from the tagger; tags VBD/VBZ/VBP/MD);
- is about health: a term of ``HEALTH_TERMS`` / ``HEALTH_ACRONYMS`` occurs in it, or it follows
  within ``RECENT_UNITS`` sentences one that mentions health (follow-ups such as "It cut the risk
  by a third."), unless the writer speaks of themselves.

A headline (the title-shaped first line of a text, or a metadata-only title) is a claim when it
states a finding (``states_finding``), not when it names a topic or a product or asks a question.

The functions only read token tags and dependencies when the Doc has them, so they also work
(less precisely) on a cheap pipeline without tagger or parser.
"""

from __future__ import annotations

import functools
import re

from pipeline.lexicon import CAUSAL
from pipeline.numbers import find_numbers

# --------------------------------------------------------------------------- health lexicon
# Written for this project: lower-case words and phrases; plural forms are added automatically.
HEALTH_TERMS: tuple[str, ...] = (
    # people and places of care
    "patient", "doctor", "physician", "nurse", "clinician", "surgeon", "cardiologist",
    "oncologist", "neurologist", "psychiatrist", "psychologist", "pharmacist", "dentist", "midwife",
    "gp", "hospital", "clinic", "health", "healthcare", "health care", "medical", "medicine",
    "clinical", "public health", "mental health",
    # interventions
    "drug", "medication", "medicine", "pill", "tablet", "capsule", "dose", "dosage", "prescription",
    "prescribed", "treatment", "treated", "treating", "therapy", "therapies", "surgery", "surgical",
    "operation", "transplant", "vaccine", "vaccinated", "vaccination", "immunisation",
    "immunization", "jab", "booster shot", "flu shot", "antibiotic", "antiviral",
    "antidepressant", "painkiller", "opioid", "statin", "aspirin", "insulin", "chemotherapy",
    "radiotherapy", "radiation therapy", "immunotherapy", "gene therapy", "stem cell",
    "supplement", "vitamin", "probiotic", "placebo", "injection", "infusion", "inhaler",
    "screening", "mammogram", "colonoscopy", "scan", "mri", "biopsy", "blood test", "diagnosis",
    "diagnosed", "diagnostic", "rehabilitation", "physiotherapy", "psychotherapy", "counselling",
    "counseling", "cognitive behavioural therapy", "acupuncture", "homeopathy",
    # research
    "trial", "clinical trial", "study", "cohort", "participant", "volunteer", "meta-analysis",
    "researcher", "epidemiologist", "intervention", "control group", "placebo group",
    "therapist", "efficacy", "effective", "ineffective", "benefit", "beneficial", "outcome",
    # outcomes and risks
    "disease", "illness", "disorder", "syndrome", "condition", "symptom", "side effect",
    "adverse event", "complication", "risk", "mortality", "morbidity", "death", "died", "die",
    "dying", "deaths", "fatal", "survival", "survive", "survived", "life expectancy", "lifespan",
    "recovery", "remission", "relapse", "hospitalisation", "hospitalization", "admission",
    "pain", "fatigue", "sleep", "insomnia", "inflammation", "infection", "infected", "immune",
    "immunity", "overdose", "addiction", "disability", "frailty", "fracture", "injury",
    "wellbeing", "well-being", "quality of life", "suicide", "suicidal", "self-harm", "mental",
    "psychological", "psychiatric", "stress", "loneliness", "ageing", "aging", "older adults",
    "disabled", "longevity", "healthy", "unhealthy", "illnesses", "sick", "ill", "evidence",
    "improvement", "contraceptive", "contraception", "birth control", "condom", "dopamine",
    "serotonin", "sperm", "embryo", "foetus", "fetus", "newborn", "premature", "nicotine",
    "weight", "body weight", "waist", "usual care", "standard care", "fermented food", "mice",
    "rats", "lab mice",
    # conditions
    "cancer", "tumour", "tumor", "leukaemia", "leukemia", "lymphoma", "melanoma", "breast cancer",
    "prostate", "colorectal", "ovarian", "diabetes", "diabetic", "obesity", "obese", "overweight",
    "dementia", "alzheimer", "alzheimer's", "parkinson", "parkinson's", "stroke", "heart",
    "cardiac", "cardiovascular", "heart attack", "heart disease", "heart failure", "blood pressure",
    "hypertension", "cholesterol", "artery", "arteries", "blood", "blood sugar", "glucose",
    "kidney", "liver", "lung", "brain", "bone", "osteoporosis", "arthritis", "asthma", "allergy",
    "allergies", "eczema", "psoriasis", "migraine", "headache", "depression", "depressive",
    "anxiety", "schizophrenia", "bipolar", "autism", "adhd", "epilepsy", "seizure",
    "multiple sclerosis", "hiv", "aids", "hepatitis", "flu", "influenza", "covid", "covid-19",
    "coronavirus", "virus", "viral", "bacteria", "bacterial", "measles", "malaria",
    "tuberculosis", "pneumonia", "sepsis", "pregnancy", "pregnant", "miscarriage", "preterm",
    "birth weight", "fertility", "infertility", "ivf", "menopause", "concussion", "skin",
    "gut", "microbiome", "cognitive", "cognition", "memory loss", "vision", "hearing loss",
    "chronic", "acute", "pandemic", "epidemic", "outbreak",
    # biology (mechanism claims)
    "gene", "genetic", "dna", "protein", "cell", "receptor", "enzyme", "hormone", "oestrogen",
    "estrogen", "testosterone", "antibody", "antibodies", "neuron", "molecule", "metabolism",
    "biomarker", "mutation",
    # lifestyle exposures common in health news
    "diet", "dietary", "nutrition", "calorie", "exercise", "physical activity", "smoking",
    "smoker", "alcohol", "obesity", "weight loss", "bmi", "caffeine", "coffee", "sugar", "salt",
    "sodium", "red meat", "processed meat", "fibre", "fiber", "vegetables", "fruit", "omega-3",
    "fish oil", "e-cigarette", "vaping", "cigarette", "tobacco", "alcoholic", "drinker", "drunk",
    "binge drinking", "heavy drinking", "air pollution", "pollution",
    # infections, pregnancy, senses and teeth
    "stillbirth", "stillborn", "birth defect", "food poisoning", "poisoning", "salmonella",
    "listeria", "e. coli", "gonorrhoea", "gonorrhea", "chlamydia", "syphilis",
    "sexually transmitted", "dental", "tooth", "teeth", "blindness", "deafness", "eating disorder",
    "conceive", "conceiving", "conception", "live longer", "lived longer", "longer life", "longer lives",
    # body, skin, hair and complaints that health web pages sell remedies for
    "body", "hair", "hair loss", "baldness", "scalp", "wrinkle", "acne", "spots", "rash", "itch", "itching",
    "gum", "gums", "teething", "tinnitus", "bloating", "constipation", "diarrhoea", "diarrhea",
    "nausea", "muscle", "joint", "joints", "bladder", "pelvic floor", "libido", "erectile", "menstrual",
    "period pain", "hot flash", "toxin", "toxins", "detox", "remedy", "remedies", "cure", "cured",
    "heal", "heals", "healing", "clinically", "inflammatory", "anti-inflammatory", "nutrient",
    "allergen", "pollen", "radiation", "sunburn", "sunscreen", "spf", "uv", "iq", "bmi",
    # units
    "mmhg", "mg/dl", "mmol/l", "mg",
)
# case-sensitive acronyms (would collide with ordinary words in lower case)
HEALTH_ACRONYMS: tuple[str, ...] = (
    "FDA", "NHS", "CDC", "WHO", "NICE", "NIH", "EMA", "MHRA", "HIV", "AIDS", "COPD", "ADHD", "MRI",
    "IVF", "GP", "GPs", "BMI", "DNA", "RNA", "COVID", "ICU", "A&E", "ER", "PTSD", "IBS", "CT",
    "LDL", "HDL", "HPV", "RSV", "MS", "ALS", "CBT", "STI", "STIs", "STD", "STDs",
)

# medical word shapes not in the list: arthritis, fibrosis, carcinoma, anaemia, cardiotoxicity...
_MEDICAL_WORD = re.compile(
    r"\b(?:[a-z]{3,}(?:itis|osis|oses|omas?|aemia|emia|toxicity|pathy|pathies|ectomy|ectomies|otomy|"
    r"plasty|scopy|therapy|therapies|ologist|ologists|iatric|iatrist|vascular|viral|virus|"
    r"vaccine|cillin|mycin|statin|olol|pril|sartan|mab|nib|zumab|ximab|azole|vir)|"
    r"(?:cardio|neuro|onco|immuno|gastro|derma|hepat|nephr|pulmon|endocrin|gyn|obstetr|paediatr|"
    r"pediatr|psych|patho|pharma)[a-z]+)\b", re.I)
_HEALTH_EXTRA = re.compile(r"\bhot flash(?:es)?\b|\bhot flush(?:es)?\b|\bsymptoms?\b", re.I)


def has_medical_word(text: str) -> bool:
    """A medical-looking word (by affix) that the compact term list lacks."""
    return _MEDICAL_WORD.search(text) is not None or _HEALTH_EXTRA.search(text) is not None


# a sentence without a health term can still be a claim this many sentences after one that has one
RECENT_UNITS = 2

# --------------------------------------------------------------------------- token level
FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"})
BULLETS = ("- ", "• ", "* ", "– ")
_FINAL_PUNCT = ".!?…"
_CLOSERS = "\"'”’)]»"

# imperative verbs of calls to action; never a claim, even with "you should" ("You should ask your GP.")
CTA_CORE = frozenset({
    "talk", "speak", "ask", "consult", "see", "contact", "call", "visit", "check", "seek", "discuss",
    "tell", "sign", "subscribe", "click", "follow", "share", "read", "email", "e-mail", "register",
    "join", "download", "donate", "watch", "listen", "learn", "find", "book", "like",
    "comment", "send", "scroll", "tap", "submit",
})

# advice verbs that never carry a claim after "should" ("should talk to their doctor")
_CONSULT_VERBS = frozenset({"talk", "speak", "ask", "consult", "discuss", "contact", "call", "seek", "tell"})
# a reported result: "no clear difference", "did not lose significantly more weight"
_RESULT = re.compile(
    r"\b(?:no|little|any|a|significant|clear|small|large|big|modest|marked|measurable) (?:\w+ )?"
    r"(?:difference|effect|benefit|change|improvement|reduction|increase|decline|drop|rise|gain)s?\b"
    r"|\bsignificant(?:ly)?\b|\bcompared (?:with|to)\b|\b(?:more|less|fewer|lower|higher|better|"
    r"worse) (?:\w+ )?than\b", re.I)

_FALLBACK_FINITE = re.compile(
    r"\b(is|are|was|were|has|have|had|does|do|did|may|might|can|could|will|would|should|must|"
    r"shall|'s|'re|'ve|\w+(?:ed|es|s))\b", re.I)

# --------------------------------------------------------------------------- furniture patterns
# reasons of non_claim_reason that make a whole list furniture when its lead-in has them
FURNITURE = frozenset({"byline", "boilerplate", "about_article", "call_to_action"})
_BYLINE = re.compile(
    r"^(?:(?:written|reported|reviewed|medically reviewed|fact[- ]checked|edited|words|interview|"
    r"compiled|produced)\s+by\b|by\s+(?-i:[A-Z])[\w.'’-]*(?:\s+(?:(?-i:[A-Z])[\w.'’-]*|de|van|von|"
    r"and|&)){0,5}\s*(?:$|[,|•·–-]|\bfor\b|\bin\b))"
    r"|^(?:photos?|photograph|image|picture|illustration|credit|source|video|graphic|caption|"
    r"pictured|above|below|top|main image|file photo)\s*(?::|by\b|credit\b|[-–|])"
    r"|^(?:published|updated|last updated|posted|first published|last reviewed|modified|"
    r"originally published)\b"
    r"|\b(?:getty images|shutterstock|istock|alamy|ap photo|afp via|reuters/|pa wire|"
    r"science photo library)\b",
    re.I)
_BOILERPLATE = re.compile(
    r"all rights reserved|©|\bcopyright\s+(?:©\s*)?\d{4}|\bcookies?\b.*\b(?:policy|consent|accept|"
    r"settings|use)\b|\bprivacy (?:policy|notice|settings)\b|\bterms (?:of (?:use|service)|and "
    r"conditions)\b|\bsponsored (?:content|by)\b|\baffiliate (?:links?|commission)\b"
    r"|\bskip to (?:main )?content\b|\bsign up (?:for|to) (?:our|the|my) (?:\w+ )?(?:newsletter|"
    r"email|alerts|updates)|\bsubscribe (?:to (?:our|the)|now|today|here|for)\b|\bnewsletter\b"
    r"|\bfollow us\b|\bshare (?:this|on|via)\b|\bclick here\b|\bread (?:more|next|the full|"
    r"the latest)\b|\brelated (?:articles?|stories|content|links|reading|topics)\b|\bmost "
    r"(?:popular|read|viewed|shared)\b|\bcomments?\s*\(\d+\)"
    r"|\b(?:leave|post|add|view|show) (?:a |all )?comments?\b|\bback to top\b|\bdownload (?:the|our) app\b"
    r"|\bembargo\w*|\bembedded link\b|\bmedia (?:contacts?|relations|advisory|inquiries)\b"
    r"|\bforward[- ]looking statements?\b|\brisks and uncertainties\b|\bsafe harbou?r\b"
    r"|\bsupport (?:our|independent) journalism\b|\bthis (?:content|story) is (?:supported|"
    r"funded|produced) by\b|\bwe (?:use|may earn|receive)\b.{0,40}\b(?:cookies|commission)\b",
    re.I)
# every _BOILERPLATE alternative contains one of these (a cheap test before the regex)
_BOILER_KEYS = ("reserved", "©", "copyright", "cookie", "privacy", "terms ", "sponsor", "affiliate",
                "skip to", "sign up", "subscribe", "newsletter", "follow us", "share ", "click here",
                "read ", "related ", "most ", "comment", "back to top", " app", "journalism",
                "this content", "this story", "we use", "we may", "we receive", "embargo", "embedded",
                "media ", "forward", "uncertainties", "safe harbo")
# anchored furniture: "Advertisement", "12 comments", "About Harbour Clinic", "X is a charity ..."
_BOILERPLATE_START = re.compile(
    r"(?i:advertisement\b|\d+\s+(?:comments?|shares?|replies)\b)"
    r"|(?i:more (?:from|on|about|stories|news|coverage|reading)|related|see also|also (?:read|see)|"
    r"read also|recommended|trending|popular|latest|further reading|you (?:may|might) also like)\b[^.!?]*:$"
    r"|(?i:about (?:the )?(?:journal|study|company|author|authors|trial|charity|university)\s*:)"
    r"|(?i:about )(?:the )?[A-Z][\w&.-]*(?: (?:of |for |and )?[A-Z][\w&.-]*)*\s*:?\s*$"
    r"|(?!(?:We|It|This|That|These|Those|They|He|She|There|You|I|Our|Their|His|Her)\b)"
    r"[A-Z][\w&.-]*(?: [A-Z][\w&.-]*){0,6} (?:is|are) (?:a|an|the|one of the) (?i:(?:[\w-]+ ){0,5}"
    r"(?:association|society|organi[sz]ation|company|charity|foundation|institute|journal|"
    r"non-?profit|not-for-profit|network|membership|publisher|firm|agency|corporation|provider|leader|"
    r"partnership|trust|centre|center|university|college|school))\b")
_NAV_SEPARATOR = re.compile(r"\s[|›»>/•·]\s")
_NAVIGATION = re.compile(r"(?i:home|menu|search|log ?in|sign ?in|register|next|previous|back|more|"
                         r"share|print|email)$")
_ABOUT_ARTICLE = re.compile(
    r"\b(?:this|our) (?:article|story|post|piece|page|website|site|newsletter|podcast|video|"
    r"column|blog|feature|explainer|guide|episode|sheet|fact ?sheet|leaflet|booklet|section)\b"
    r"|^(?:editor'?s note|correction|clarification|update|updated|note|notes to editors)\s*:"
    # the article announcing its own content: "Here's an overview of the process:", "Here is what
    # you need to know.", "In this post I look at ...", "Below we explain ..."
    r"|^(?:so |and |but )?here(?:'s|’s| is| are| we)\b(?=.{0,60}$)|^(?:below|in what follows)\b"
    r"|\b(?:in this|this) (?:article|post|guide|piece|page|sheet|leaflet|section)\b"
    r"|\bwe(?:'ll|’ll| will)? (?:explain|look at|cover|review|explore|walk you through|answer|break down)\b"
    r"|\bread on\b"
    r"|\b(?:an )?(?:earlier|previous) version of this\b"
    r"|\bnot (?:a substitute for|intended (?:as|to be|to replace)) (?:professional )?(?:medical )?advice\b"
    r"|\bfor (?:general )?informational purposes\b|\bdoes not (?:provide|constitute) medical advice\b",
    re.I)
_CTA_START = re.compile(
    r"^(?:please |now |so |and |then )?(?:talk|speak|ask|consult|contact|call|visit|sign up|"
    r"subscribe|click|follow|share|download|join|register|learn more|find out|read|check out|"
    r"email|tell us|let us know|donate|watch|listen|see (?:your|a|the) (?:doctor|gp|pharmacist|"
    r"nurse|dentist)|get in touch|seek (?:medical )?(?:help|advice|care)|for more information|"
    r"for (?:a )?(?:full|more|further) (?:list|details|information)|to (?:learn|find out|read) more|if you (?:or someone|have (?:any )?(?:questions|concerns)|are "
    r"(?:worried|concerned)|think|need|notice|experience))\b",
    re.I)
# selling and booking anywhere in the sentence: "Try it risk-free for 30 days", "save 15% on your
# first order", "book a consultation with our team", "Our pharmacists are happy to help you choose"
_CTA_ANYWHERE = re.compile(
    r"\brisk[- ]free\b|\bsave \d+\s?(?:%|per ?cent)|\b(?:on|off) your first order\b"
    r"|\bbook (?:a|an|your) (?:\w+ ){0,2}(?:consultation|appointment|visit|call|session)\b"
    r"|^(?:browse|shop|order|buy|start your)\b|\border (?:a|an|your|yours|now|today)\b|\bin our (?:online )?(?:shop|store)\b"
    r"|\b(?:is|are) (?:always )?happy to (?:help|talk|advise|answer)\b"
    r"|\b(?:can|will) help you (?:stop|choose|decide)\b|\bwill help you find\b|^get (?:medical )?(?:help|advice)\b", re.I)
_QUESTION_END = re.compile(r"\?[\"'”’)\]]*\s*$")
_ADVICE = re.compile(r"\b(?:should|must|ought to|need to|needs to|it is important to|it's "
                     r"important to|make sure|recommend\w*|advis\w+)\b", re.I)
_CORRELATIONAL = re.compile(
    r"\b(?:associated with|association|linked (?:to|with)|link between|tied to|correlat\w+|"
    r"more likely|less likely|higher risk|lower risk|greater risk|higher rates?|lower rates?|"
    r"predict\w*|related to|risk factor)\b", re.I)
# lead-ins that end before their object: "Patients reported:", "Symptoms include the following:"
_VAGUE_END = frozenset({
    "following", "follows", "these", "this", "things", "reasons", "ways", "factors", "steps",
    "tips", "points", "questions", "details", "examples", "items", "areas", "options", "below",
    "here", "include", "includes", "including", "are", "were", "is", "was", "as", "like",
    "such", "said", "says", "say", "added", "explained", "wrote", "found", "reported", "showed",
    "habits", "ideas", "suggestions", "recommendations", "advice", "measures", "changes", "rules",
    "guidelines", "findings", "results", "benefits", "risks", "effects", "symptoms", "signs",
    "questions", "ones", "others", "people", "groups", "categories", "types", "kinds",
    "stages", "phases", "parts", "components", "elements",
})


# --------------------------------------------------------------------------- helpers on text
def strip_bullet(text: str) -> tuple[str, int]:
    """(item text, chars removed) for a list-item line; (text, 0) for anything else."""
    stripped = text.lstrip(" \t")
    for bullet in BULLETS:
        if stripped.startswith(bullet):
            cut = len(text) - len(stripped) + len(bullet)
            rest = text[cut:]
            inner = len(rest) - len(rest.lstrip(" \t"))
            return rest.lstrip(" \t"), cut + inner
    return text, 0


def is_list_line(line: str) -> bool:
    """True for a list-item line ("- " start; also "• ", "* ", "– ")."""
    return strip_bullet(line)[1] > 0


def final_punct(text: str) -> str:
    """The sentence's closing punctuation mark (quotes and brackets skipped), or ""."""
    t = text.rstrip().rstrip(_CLOSERS).rstrip()
    return t[-1] if t and t[-1] in _FINAL_PUNCT + ":;" else ""


def is_question(text: str) -> bool:
    return _QUESTION_END.search(text) is not None


def is_title_case(text: str) -> bool:
    """Most content words capitalised ("New Pill Halves Heart Attack Risk")."""
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", text)]
    content = [w for w in words if w.lower() not in _SMALL_WORDS]
    if len(content) < 3:
        return False
    caps = sum(1 for w in content if w[0].isupper())
    return caps / len(content) >= 0.8


_SMALL_WORDS = frozenset("a an the and or but nor of in on at to for with by from as vs via into "
                         "over than per is are be its it".split())


def is_heading(text: str, *, whole_line: bool, max_words: int = 20) -> bool:
    """A heading: a line of its own without final punctuation that is short or in Title Case."""
    if not whole_line:
        return False
    if final_punct(text) in (".", "!", "?", "…", ":"):
        return False
    n = len(text.split())
    return n <= max_words or is_title_case(text)


_WH_START = re.compile(r"^\W*(?:what|how|why|who|whom|whose|when|where|which|whether)\b", re.I)


def reads_as_sentence(span, text: str | None = None) -> bool:
    """A statement with a subject and a finite verb ("Coffee drinkers may live longer"), not a
    label ("Side effects", "What the study found", "New Pill Halves Heart Attack Risk"). Needs the
    parse: without it every such line stays a heading."""
    text = (span.text if text is None else text).strip()
    if not _parsed(span) or _WH_START.match(text) or is_title_case(text):
        return False
    for token in span:
        if token.dep_ not in SUBJECT_DEPS:
            continue
        verb = token.head
        if verb.tag_ in FINITE_TAGS or any(
                c.dep_ in ("aux", "auxpass") and c.tag_ in FINITE_TAGS for c in verb.children):
            return True
    return False


def is_label(text: str) -> bool:
    """A short name in Title Case: a step, section or product named in a list ("Recovery &
    Monitoring", "Treatment Plan"), not a finding ("Reduced fatigue")."""
    text = text.strip()
    words = re.findall(r"[A-Za-z][\w'’-]*", text)
    if not 2 <= len(words) <= 5 or final_punct(text):
        return False
    content = [w for w in words if w.lower() not in _SMALL_WORDS]
    return bool(content) and all(w[0].isupper() for w in content)


def continues_list(line: str) -> bool:
    """A whole line that can be an item of a list set out as paragraphs without bullets, when it
    follows a lead-in ending with ":" or another such item ("Our clinicians prescribe it to people
    who:" / "Have a BMI of 30 or above"): no closing punctuation, not a wh-heading or a Title Case
    heading. Text only, so pipeline.firstpass can tell the same items apart before the parse."""
    line = line.strip()
    return (bool(line) and len(line) <= TITLE_MAX and not strip_bullet(line)[1]
            and final_punct(line) not in (".", "!", "?", "…", ":", ";")
            and _WH_START.match(line) is None and not is_title_case(line))


def is_byline(text: str) -> bool:
    return len(text.split()) <= 25 and _BYLINE.search(text.strip()) is not None


def is_boilerplate(text: str) -> bool:
    """Page furniture: rights, cookies, newsletters, sharing, comment counters, navigation,
    "About <organisation>" blurbs."""
    stripped = text.strip()
    if _BOILERPLATE_START.match(stripped) or _NAVIGATION.match(stripped):
        return True
    if len(_NAV_SEPARATOR.findall(stripped)) >= 2:
        return True
    low = stripped.lower()
    return any(k in low for k in _BOILER_KEYS) and _BOILERPLATE.search(stripped) is not None


def is_about_article(text: str) -> bool:
    return _ABOUT_ARTICLE.search(text) is not None


def has_number(text: str) -> bool:
    """A number worth checking (percentages, counts, fractions, units; not years or dates)."""
    return bool(find_numbers(text))


def has_advice(text: str) -> bool:
    return _ADVICE.search(text) is not None


def has_correlational(text: str) -> bool:
    return _CORRELATIONAL.search(text) is not None


def has_result(text: str) -> bool:
    """Wording of a reported result or comparison ("no clear difference", "more ... than")."""
    return _RESULT.search(text) is not None


# --------------------------------------------------------------------------- rules on spans
def _tagged(span) -> bool:
    return span.doc.has_annotation("TAG")


def _parsed(span) -> bool:
    return span.doc.has_annotation("DEP")


def has_assertion(span) -> bool:
    """A finite verb or copula (VBD/VBZ/VBP/MD); a word-level guess without a tagger."""
    if _tagged(span):
        return any(t.tag_ in FINITE_TAGS for t in span)
    return _FALLBACK_FINITE.search(span.text) is not None


def has_untensed_predicate(span) -> bool:
    """A base-form verb with a subject before it and no auxiliary: a present tense the tagger read
    as VB ("Our lozenges ease cold symptoms")."""
    if not _parsed(span):
        return False
    for t in span:
        if t.tag_ == "VB" and t.dep_ in ("ROOT", "conj") and not any(c.dep_ in ("aux", "auxpass") for c in t.children) \
                and any(c.dep_ in ("nsubj", "nsubjpass") and c.i < t.i for c in t.children):
            return True
    return False


def is_imperative(span) -> bool:
    """The main verb is a bare VB with no subject and no modal ("Talk to your doctor.")."""
    if not _tagged(span):
        return False
    if _parsed(span):
        root = span.root
        if root.tag_ not in ("VB", "VBP"):  # a subjectless VBP is a mis-tagged imperative
            return False
        for child in root.children:
            if child.dep_ in SUBJECT_DEPS:
                return False
            # a modal or a tensed auxiliary ("... does not mean") rules out an imperative
            if child.dep_ in ("aux", "auxpass") and child.tag_ in ("MD", "TO", "VBZ", "VBD", "VBP"):
                if not (child.tag_ == "VBP" and child.lower_ in ("do", "don't")):
                    return False
        return True
    first = next((t for t in span if not (t.is_punct or t.is_space)), None)
    return first is not None and first.tag_ == "VB"


def is_call_to_action(span, text: str | None = None) -> bool:
    """Calls to action and advice with nothing to check: "Talk to your doctor.",
    "Sign up for our newsletter", "You should ask your pharmacist."; ``text`` is the span's text
    when the caller has it (spaCy rebuilds ``span.text`` from the tokens)."""
    text = (span.text if text is None else text).strip().lstrip("\"'“‘(")
    if _CTA_START.search(text) or _CTA_ANYWHERE.search(text):
        return True
    if not _tagged(span):
        return False
    if _parsed(span):
        root = span.root
        if root.tag_.startswith("VB") and root.lower_ in CTA_CORE and is_imperative(span):
            return True
        # "People with migraine should talk to their doctor first.", "... should keep taking it
        # and discuss any changes with their doctor."
        if any(c.dep_ == "aux" and c.lower_ in ("should", "must") for c in root.children):
            verbs = [root]
            for verb in verbs:
                verbs.extend(c for c in verb.children if c.dep_ in ("conj", "xcomp") and c.tag_.startswith("VB"))
            return any(v.lower_ in _CONSULT_VERBS for v in verbs)
        return False
    return False


_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I’m|I've|I’ve|I'd|I’d|(?i:me|my|myself))\b")


def is_first_person(text: str) -> bool:
    """The writer speaking of themselves ("I", "my", "me")."""
    return _FIRST_PERSON.search(text) is not None


def has_stated_clause(span) -> bool:
    """A clause with its own subject and finite verb inside advice or a call to action, giving the
    reason: "Swap them for whole grains, which release their sugar slowly", "Check with your
    doctor first, because ginkgo can increase the risk of bleeding"."""
    if not _parsed(span):
        return False
    root = span.root
    for t in span:
        if t is root or t.dep_ not in SUBJECT_DEPS or t.head is root:
            continue
        verb = t.head
        if verb.tag_ in FINITE_TAGS or any(c.dep_ in ("aux", "auxpass") and c.tag_ in FINITE_TAGS for c in verb.children):
            if t.tag_ not in ("PRP",) or t.lower_ not in ("you", "we"):
                return True
    return False


def lead_in_asserts(span) -> bool:
    """A lead-in ending with ":" that is complete on its own (codebook rule 8): it must not end
    on a verb, preposition, determiner or a vague word ("Side effects included:",
    "Patients reported:", "Here are the main findings:")."""
    toks = [t for t in span if not (t.is_space or t.is_punct)]
    if len(toks) < 3:
        return False
    last = toks[-1]
    if last.lower_ in _VAGUE_END:
        return False
    if toks[0].lower_ in ("here", "these", "this", "they", "below"):
        return False
    if any(t.lower_ in ("these", "following", "follows", "below", "list", "lists", "listed") for t in toks):
        return False
    if _tagged(span):
        # "The study showed that eating fermented foods every day:" (the clause lacks its verb)
        finite = [i for i, t in enumerate(toks) if t.tag_ in FINITE_TAGS]
        if finite:
            tail = toks[finite[-1] + 1:]
            if any(t.lower_ in ("that", "whether", "how", "if") for t in tail):
                return False
    if _tagged(span) and (last.tag_.startswith("VB") or last.tag_ in ("IN", "TO", "DT", "MD", "WDT", "CC", "PRP", "RP")):
        return False
    return True


def non_claim_reason(span, *, whole_line: bool, is_item: bool = False, text: str | None = None) -> str | None:
    """Why this sentence (or list item) is page furniture rather than a possible claim, or None.

    Reasons: empty, question, heading, byline, boilerplate, about_article, call_to_action.
    ``whole_line``: the sentence is a line of its own; ``text``: the span's text if known.
    """
    text = (span.text if text is None else text).strip()
    if not any(ch.isalpha() for ch in text):
        return "empty"
    if is_question(text):
        return "question"
    if is_byline(text):
        return "byline"
    if is_boilerplate(text):
        return "boilerplate"
    if not is_item and is_heading(text, whole_line=whole_line):
        return "heading"
    if is_about_article(text):
        return "about_article"
    if is_call_to_action(span, text):
        return "call_to_action"
    return None


# --------------------------------------------------------------------------- claim type
# type patterns are written in lower case and matched against the lower-cased claim (about twice
# as fast as re.IGNORECASE)
_R = re.compile

_EVIDENCE_STRONG = _R(
    r"\b(?:only|just|few|no|not many|several|two|three|a handful of|a couple of|a few) (?:\w+ ){0,2}"
    r"(?:trials|studies|studied)\b(?! (?:show|showed|shown|found|find|suggest)\w*)"
    r"|\b(?:the |this |that |such |current |available |existing |scientific |clinical )?evidence "
    r"(?:is|was|remains|for|base|on|from|behind|so far|to date|has been)\b"
    r"|\b(?:limited|weak|strong|good|mixed|conflicting|little|no|insufficient|robust|growing|"
    r"high-quality|low-quality) evidence\b"
    r"|\b(?:more|further|larger|longer|additional|bigger) (?:\w+ )?(?:research|studies|trials|data)"
    r" (?:is|are|will be)? ?(?:needed|required|necessary|under ?way|planned)\b"
    r"|\b(?:has|have|had) (?:not )?(?:yet )?been (?:tested|studied|trialled|trialed|evaluated|"
    r"replicated|peer[- ]reviewed)\b|\bpeer[- ]review\w*\b|\bnot (?:yet )?(?:been )?published\b"
    r"|\b(?:studies|trials|research) (?:have|has) (?:been )?(?:tested|examined|looked|assessed|"
    r"evaluated|studied|focused|produced|yielded|reported mixed|been (?:small|limited|mixed))\b"
    r"|\b(?:results|findings|data) (?:are|were|have been|remain) (?:mixed|inconsistent|conflicting|"
    r"preliminary|limited|inconclusive|sparse|scarce|lacking|still emerging|emerging)\b"
    r"|\bneed(?:s)? to (?:study|studies|look at|research) more\b|\bmore (?:cases|studies|research|data) "
    r"(?:is |are )?needed\b"
    r"|\b(?:needs?|has|have) to be (?:replicated|duplicated|confirmed|repeated|verified|validated)\b"
    r"|\b(?:was|is|were|are) (?:a |an )?(?:small|tiny|short|pilot|preliminary|early|uncontrolled) "
    r"(?:\w+ )?(?:trials?|stud(?:y|ies))\b"
    r"|\b(?:not|n't|never|failed to) (?:reach|achieve) (?:statistical )?significance\b"
    r"|\bstatistically (?:in)?significant\b|\b(?:does not|doesn't|do not|don't|did not|didn't|"
    r"cannot|can't|can not) (?:prove|show|establish|demonstrate) (?:that|a|causation|cause)\b"
    r"|\bcorrelation (?:is not|isn't|does not (?:imply|mean)) caus\w+"
    r"|\b(?:did not|didn't|does not|doesn't|was not designed to|could not|cannot|can't|can not) "
    r"(?:measure|look at|test|assess|examine|show whether|tell whether|determine|include)\b"
    r"|\b(?:lasted|ran|followed \w+) (?:for )?only\b|\bonly (?:lasted|ran)\b"
    r"|\b(?:human|clinical|further|larger|more|new|bigger|longer|randomi[sz]ed) (?:\w+ )?(?:trials?|stud(?:y|ies)|"
    r"research) (?:would|will|are|is) (?:be |still )?(?:needed|required|necessary)\b"
    r"|\b(?:results|findings|effects|estimates) (?:varied|vary|differed|differ|were inconsistent)\b"
    r"|\b(?:design|methodological|study) (?:weakness|flaw|limitation|problem)s?\b|\blimitations?\b"
    r"|\bunder ?way\b|\bthe (?:study|trial) (?:was|is) (?:small|limited|short|observational|"
    r"funded|published|not designed)\b")
_SAFETY = _R(
    r"\bside[- ]effects?\b|\badverse (?:events?|effects?|reactions?|outcomes?)\b|\bharms?\b|"
    r"\bharmful\b|\bunsafe\b|\bsafe(?:ty|ly|r|st)?\b|\btoxic(?:ity)?\b|\bbleed(?:ing|s)?\b|"
    r"\bhaemorrhag\w*|\bhemorrhag\w*|\bcomplications?\b|\btolera(?:ted|bility|ble)\b|"
    r"\boverdos\w+|\ballergic reactions?\b|\banaphyla\w+|\bdrug interactions?\b|"
    r"\binteract(?:s|ed)? (?:badly )?with (?:other |some |certain )?(?:drugs|medications|medicines|alcohol)\b|"
    r"\b(?:risks?|dangers?) of (?:the )?(?:drug|treatment|procedure|surgery|vaccine|therapy|"
    r"medication|pill|operation|supplement)\b|\bdangerous\b|\bwarning\b|\bblack box\b|"
    r"\brecall(?:ed)?\b|\bwithdrawn from the market\b|\bnausea\b|\bdizziness\b|\bdrowsiness\b|"
    r"\brash(?:es)?\b|\baddictive\b|\bdependence\b|\bwithdrawal symptoms\b")
_PRACTICAL_STRONG = _R(
    r"\bcosts?\b|\bcosting\b|\bprice[sd]?\b|\bpricing\b|\bexpensive\b|\bcheap(?:er)?\b|"
    r"\baffordab\w+|\bafford\b|\binsur(?:ed|ance|ers?|e)\b|\bcovered by\b|\breimburs\w+|"
    r"[$£€]\s?\d|\b\d[\d,.]* (?:dollars|pounds|euros)\b|\bout[- ]of[- ]pocket\b|\bco-?pay\w*|"
    r"\bfree of charge\b")
_PREVALENCE = _R(
    r"\baffect(?:s|ed|ing)? (?:about |around |roughly |nearly |almost |some |an estimated |more than |"
    r"over |up to |at least )?(?:\d|one|two|three|four|five|six|seven|eight|nine|ten|half|a third|"
    r"a quarter|millions|thousands|hundreds|many|most)\b"
    r"|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|\d+) in (?:every )?(?:\w+ )?"
    r"(?:two|three|four|five|six|seven|eight|nine|ten|twenty|fifty|a hundred|hundred|a thousand|"
    r"\d[\d,]*)\b"
    r"|\bpreval\w+|\bincidence\b|\b(?:diagnosed|affected|infected) (?:each|every|per|a) (?:year|day)\b"
    r"|\b(?:most|more|less|very|fairly|relatively|increasingly) (?:common|rare|widespread)\b"
    r"|\bleading cause\b|\bcommonest\b|\bbiggest killer\b|\b(?:million|billion|thousand) "
    r"(?:people|adults|children|women|men|americans|britons|cases|deaths)\b"
    r"|\b\d[\d.,]*\s?(?:%|per ?cent|percent) of (?:all |the )?(?:\w+ ){0,2}(?:adults|people|women|men|"
    r"children|americans|britons|the population|population|those aged|over-\d+s)\b(?: \w+){0,5}? "
    r"(?:have|has|had|are|is|were|was|live|lives|suffer|suffers|develop|develops|get|gets|experience|"
    r"report|carry|carries|will (?:develop|get|have))\b"
    r"|\b(?:cases|rates?) (?:of \w+ )?(?:have|has) (?:risen|fallen|increased|decreased|doubled|"
    r"tripled|dropped|climbed)\b|\b(?:live|living) with\b|\bsuffer(?:s)? from\b")
_ELIGIBILITY = _R(
    r"\beligib\w+|\bqualif(?:y|ies|ied)\b|\boffered (?:only )?to\b|\bonly (?:be )?(?:offered|given|"
    r"available|prescribed|approved|suitable) (?:to|for|in)\b|\bonly (?:for|to) (?:patients|people|"
    r"those|women|men|adults|children)\b|\b(?:approved|licensed|indicated|recommended|reserved|"
    r"suitable|unsuitable|cleared|authori[sz]ed) (?:only )?(?:for|to treat|in|by the)\b|"
    r"\bcandidates? for\b|\bcriteria\b|\b(?:should|must|can) (?:not |only )?(?:be )?(?:get|receive|"
    r"given|offered|screened|vaccinated|prescribed|treated|tested|take|avoid)\b|\bguidelines? "
    r"(?:recommend|say|advise|suggest)\w*\b|\bnot (?:recommended|suitable|approved) for\b"
    r"|\bwho (?:have|has|had) (?:already )?(?:failed|not responded|tried)\b")
_MECHANISM = _R(
    r"\breceptors?\b|\bgenes?\b|\bgenetic(?:ally)?\b|\bproteins?\b|\bcell\b(?<!cancer cell)(?<!tumour cell)"
    r"(?<!tumor cell)(?<!stem cell)|\bcells\b(?<!cancer cells)(?<!tumour cells)(?<!tumor cells)"
    r"(?<!stem cells)|\bpathways?\b|\bblock(?:s|ed|ing)?\b|\binhibit\w*|"
    r"\benzymes?\b|\bmolecul\w+|\bhormones?\b|\bantibod\w+|\bneurons?\b|\bmechanism\w*|"
    r"\bworks by\b|\bby (?:blocking|targeting|activating|inhibiting|suppressing|"
    r"stimulating|triggering|binding)\b|\bbinds?\b|\bsignal(?:s|ling|ing)\b|\bmutations?\b|"
    r"\bdna\b|\bimmune (?:system|response|cells)\b|\bbrain (?:region|area|cells|chemical)s?\b|"
    r"\bneurotransmitter\w*|\bmetaboli[sz]\w+|\bactivat(?:es|ed|ing)\b|\btrigger(?:s|ed)?\b|"
    r"\bcaused by\b|\bthe cause of\b|\bis thought to involve\b")
_PRACTICAL_WEAK = _R(
    r"\bavailab\w+|\bsessions?\b|\bappointments?\b|\bwaiting (?:list|times?)\b"
    r"|\b(?:\d+|an?|one|two|three|four|five|six|a few|several)[- ](?:minute|hour)s? (?:session|appointment|"
    r"procedure|visit|treatment|infusion|operation|course|class|programme|program)s?\b"
    r"|\bover[- ]the[- ]counter\b|\bprescription[- ]only\b|\bwithout a prescription\b"
    r"|\b(?:taken|given|used|applied|injected|administered|dosed) (?:once|twice|three times|every \w+) "
    r"(?:a|per|every)? ?(?:day|week|month|hours)\b|\b(?:is|are) (?:given|taken|injected|administered|infused|"
    r"delivered|performed|done|carried out) (?:as|by|via|through|under|once|twice|every|in)\b"
    r"|\b(?:takes?|lasts?) (?:about |around |up to )?(?:\d+|a few|several|an?) (?:minutes?|hours?|"
    r"days?|weeks?|months?)\b|\bcourse of\b|\bclinics?\b"
    r"|\bsold\b|\bon sale\b|\bsupermarkets?\b|\bpharmac(?:y|ies)\b|\bchemists?\b|\bonline\b|\bin stores?\b")
_EVIDENCE_WEAK = _R(r"\bevidence\b|\bstudies have\b|\btrials have\b|\bresearch (?:has|is|remains)\b")

TYPE_RULES: tuple[tuple[str, re.Pattern], ...] = (
    ("evidence", _EVIDENCE_STRONG),
    ("safety", _SAFETY),
    ("practical", _PRACTICAL_STRONG),
    ("prevalence", _PREVALENCE),
    ("eligibility", _ELIGIBILITY),
    ("mechanism", _MECHANISM),
    ("practical", _PRACTICAL_WEAK),
    ("evidence", _EVIDENCE_WEAK),
)


_WEAK_RULES = frozenset({id(_PRACTICAL_WEAK), id(_EVIDENCE_WEAK)})
_CAUSAL_WORDS = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in sorted(CAUSAL, key=len, reverse=True))
                           + r")\b")


def claim_type(text: str, *, causal: bool | None = None) -> str:
    """The claim's type by keyword rules, first match wins in this order: evidence (explicit
    statements about the evidence), safety, practical (money), prevalence, eligibility,
    mechanism, practical (availability, time, procedure), evidence (weak), else efficacy.

    The two weak rules are skipped when the claim has a causal cue ("a 15-minute walk lowered
    blood sugar" is efficacy); ``causal`` None means: look for causal words in ``text``."""
    low = text.lower()
    for name, pattern in TYPE_RULES:
        if id(pattern) in _WEAK_RULES:
            if causal is None:
                causal = _CAUSAL_WORDS.search(low) is not None
            if causal:
                continue
        if pattern.search(low):
            return name
    return "efficacy"


def plural_forms(term: str) -> tuple[str, ...]:
    """The term and a simple English plural of its last word."""
    if not term or not term[-1].isalpha() or term.endswith("s"):
        return (term,)
    if term.endswith("y") and term[-2:-1] not in "aeiou":
        return (term, term[:-1] + "ies")
    if term.endswith(("sh", "ch", "x", "z")):
        return (term, term + "es")
    return (term, term + "s")


# --------------------------------------------------------------------------- glued furniture
# Pages flattened without line breaks glue share buttons, comment counters and date stamps to the
# headline and the first sentence ("12 Comments Jo Bloggs 24 MARCH 2017 • 12:57PM A blood test
# ..."). These fragments are cut out and the pieces around them judged one by one.
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DAY_NAME = r"(?:mon|tue|tues|wed|wednes|thu|thur|thurs|fri|sat|satur|sun)(?:day)?\.?,?"
_DATE = (rf"(?:{_DAY_NAME}\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"
         rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}/\d{{1,2}}/\d{{4}})")
_CLOCK = (r"\d{1,2}[:.]\d{2}\s?(?:[ap]\.?m\.?\b)?(?:\s?(?:gmt|bst|est|edt|pst|pdt|cst|cdt|cet|cest|ist|utc|et)\b)?"
          r"(?:,?\s+" + _DAY_NAME + r"(?=\s))?")
_STAMP_WORD = r"(?:updated|published|posted|last updated|first published|modified)\s*:?\s*"
_SEP = r"[\s,•·|–-]*"
_GLUED_STAMP = re.compile(
    # date and time stamps: "UPDATED: 16:24, 6 April 2016", "24 MARCH 2017 • 12:57PM", "8:27 am"
    rf"(?:{_STAMP_WORD})?(?:{_DATE}{_SEP})?\d{{1,2}}[:.]\d{{2}}(?::\d{{2}})?\s?[ap]\.?m\.?\b"
    r"(?:\s?(?:gmt|bst|est|edt|pst|pdt|cst|cdt|cet|cest|ist|utc|et)\b)?"
    rf"(?:,?\s+{_DAY_NAME}(?=\s))?(?:{_SEP}{_DATE})?"
    rf"|(?:{_STAMP_WORD})?(?:{_DATE}{_SEP})?\d{{1,2}}:\d{{2}}{_SEP}{_DATE}"
    rf"|{_STAMP_WORD}{_DATE}(?:{_SEP}{_CLOCK})?",
    re.I)
# a stamp is looked for only around a clock time or a stamp word (the regex is slow on long texts)
_STAMP_ANCHOR = re.compile(r"\d[:.]\d\d|updated|published|posted|modified", re.I)
_GLUED_OTHER = re.compile(
    # share buttons and comment counters
    r"\b(?:click|tap) to (?:share|email|e-mail|follow|print|tweet|comment|save)\b(?: (?:on|via) \w+"
    r"| this(?: (?:article|story|page))?(?: to a friend)?)?(?:\s*\(opens in (?:a )?new (?:window|tab)\))?"
    r"|\(opens in (?:a )?new (?:window|tab)\)"
    r"|\b\d[\d,.]*k?\s*w?\s+comments?\b|\bcomments?\s*\(\d+\)"
    r"|\bthis (?:article|story|page) is (?:more than |over )?(?:\d+|an?|one|two|three|four|five|six)"
    r" (?:days?|weeks?|months?|years?) old\b"
    r"|\bsave (?:for later|this (?:article|story))\b|(?-i:\b(?:Shares?|SHARES?)\s+\d[\d,.]*k?\b)"
    r"|\bread more (?:on|about)\s*[:»]?\s*\S+"
    # a byline in capitals before the first sentence: "BY JANE DOE People who ..."
    r"|(?-i:\b(?:BY|By)\s+[A-Z][A-Z'’.-]+(?:\s+[A-Z][A-Z'’.-]+){1,2}(?:\s+FOR\s+(?:THE\s+)?[A-Z][A-Z'’.-]+"
    r"(?:\s+[A-Z][A-Z'’.-]+){0,3})?(?=\s+[A-Z][a-z]|\s*$))"
    r"|(?-i:\b(?:By|BY)\s+[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){0,2}\s+(?:For|FOR)\s+(?:[Tt]he\s+)?[A-Z][\w'’.-]+"
    r"(?:\s+[A-Z][\w'’.-]+){0,2}(?=\s+[A-Z]|\s*$))",
    re.I)
# every _GLUED_OTHER alternative needs one of these (cheap tests before the regex)
_GLUED_KEYS = ("click", "tap to", "opens in", "comment", " old", "save ", "share", "read more")


def glued_pieces(text: str) -> list[tuple[int, int, bool]] | None:
    """Pieces of a sentence that has page furniture glued into it without punctuation:
    ``[(start, end, is_furniture), ...]`` covering the text (whitespace at the cuts left out),
    or None when the sentence holds no such fragment."""
    found = []
    for anchor in _STAMP_ANCHOR.finditer(text):
        lo, hi = max(0, anchor.start() - 70), min(len(text), anchor.end() + 70)
        found.extend((m.start(), m.end()) for m in _GLUED_STAMP.finditer(text, lo, hi)
                     if m.start() <= anchor.end() and anchor.start() < m.end())
    low = text.lower()
    if any(k in low for k in _GLUED_KEYS) or "BY " in text or "By " in text:
        found.extend((m.start(), m.end()) for m in _GLUED_OTHER.finditer(text))
    if not found:
        return None
    cuts: list[tuple[int, int]] = []
    for s, e in sorted(found, key=lambda c: (c[0], -c[1])):
        if e <= s or (cuts and s < cuts[-1][1]):
            continue  # empty, or overlaps an earlier fragment
        cuts.append((s, e))
    pieces: list[tuple[int, int, bool]] = []
    pos = 0
    for s, e in cuts:
        if s > pos:
            pieces.append((pos, s, False))
        pieces.append((s, e, True))
        pos = e
    if pos < len(text):
        pieces.append((pos, len(text), False))
    out = []
    for s, e, furniture in pieces:
        piece = text[s:e]
        lead, trail = len(piece) - len(piece.lstrip()), len(piece) - len(piece.rstrip())
        if e - trail > s + lead:
            out.append((s + lead, e - trail, furniture))
    # a piece of text between two fragments with no letters (" | ") joins the furniture
    return [p for p in out if p[2] or any(ch.isalpha() for ch in text[p[0]:p[1]])]


# --------------------------------------------------------------------------- headlines
# A title states a finding (codebook section 1) when it has a predicate about health, not only a
# noun phrase: "Coffee cuts liver cancer risk", "Statins linked to lower dementia risk",
# "X: the breakthrough transforming weight loss", "The natural way to lower cholesterol".
TITLE_MAX = 200
# verbs of news about an activity, not a finding ("X announces results", "Y seeks volunteers")
_ACTIVITY_VERBS = frozenset(
    "announce announces announced seek seeks sought recruit recruits recruited launch launches launched "
    "unveil unveils unveiled open opens opened host hosts hosted invite invites invited welcome welcomes "
    "welcomed join joins joined publish publishes published release releases released want wants "
    "need needs explain explains explained answer answers deliver delivers delivered".split())
_WH_WORDS = frozenset("what how why when where who whom whose which whether".split())
# promise nouns whose complement is the outcome: "nature's answer to sore gums", "a way to beat
# allergies", "3 proven tools to rebuild your pelvic floor", "safe relief from hot flashes"
_PROMISE = re.compile(
    r"\b(?:answer|shortcut|cure|remedy|remedies|relief|solution|secret|key)s? (?:to|for|from)\b"
    r"|\b(?:way|ways|tool|tools|method|methods|trick|tricks|secret|secrets|key) to (?:help )?(?!know\b|"
    r"expect\b|use\b|choose\b|read\b|find\b|get\b|ask\b|talk\b)[a-z]+", re.I)


@functools.lru_cache(maxsize=1)
def _health_words() -> frozenset:
    return frozenset(form for term in HEALTH_TERMS if " " not in term for form in plural_forms(term))


def title_line_end(text: str) -> int | None:
    """End of the text's first line when it is shaped like a title (the headline of an article
    whose text opens with it): text from offset 0, not a list item, at most ``TITLE_MAX``
    characters, not ending in a full stop, "!", ":" or ";"; else None."""
    if not text or text[0].isspace():
        return None
    nl = text.find("\n")
    line = text[:len(text) if nl < 0 else nl].rstrip()
    if not line or len(line) > TITLE_MAX or strip_bullet(line)[1] or final_punct(line) in (".", "!", "…", ":", ";"):
        return None
    return len(line)


def _wh_ranges(tokens) -> list[bool]:
    """Per token: inside a wh-clause that names a topic ("What the research says", "Why it
    matters"), from the wh-word to the next colon or dash."""
    out, inside = [], False
    for t in tokens:
        if t.text in (":", "–", "—", "|") or (t.text == "-" and t.whitespace_ and t.i > 0 and t.doc[t.i - 1].whitespace_):
            inside = False
        elif t.lower_ in _WH_WORDS and t.tag_ in ("WRB", "WP", "WP$", "WDT", "") and not (
                t.lower_ in ("which", "who", "whose") and t.dep_ in ("nsubj", "nsubjpass", "poss") and t.head.dep_ == "relcl"):
            inside = True
        out.append(inside)
    return out


def states_finding(span, text: str | None = None) -> bool:
    """A title (or headline) that states a finding rather than a topic, a product name or a
    question: it has a predicate outside any wh-clause (a finite verb without a pronoun subject,
    a participle with a complement: "linked to", "tied with", a verb-ing modifying a noun with an
    object: "the breakthrough transforming weight loss"), or a promise noun with its outcome
    ("the natural way to lower cholesterol", "nature's answer to sore gums"). Imperatives ("Keep
    your memory sharp") and verbs of news about an activity ("X announces results") are not
    findings. Without a tagger: a causal or correlational word."""
    text = (span.text if text is None else text).strip()
    if "?" in text or not any(ch.isalpha() for ch in text):
        return False
    if _PROMISE.search(text):
        return True
    if not _tagged(span):
        return _CAUSAL_WORDS.search(text.lower()) is not None or has_correlational(text)
    tokens = list(span)
    wh = _wh_ranges(tokens)
    parsed = _parsed(span)
    for t, in_wh in zip(tokens, wh):
        if in_wh or not (t.tag_.startswith("VB") or t.tag_ == "MD"):
            continue
        low = t.lower_
        if low in _health_words():
            continue  # a condition read as a verb ("Type 2 diabetes reversal program")
        if t.tag_ in FINITE_TAGS and not (t.tag_ == "VBD" and t.dep_ == "acl"):  # "Statins linked to": a participle
            verb = t.head if t.dep_ in ("aux", "auxpass") and parsed else t
            if verb.lower_ in _ACTIVITY_VERBS or low in _ACTIVITY_VERBS:
                continue
            if parsed:
                head = verb
                while head.dep_ == "conj" and head.head is not head:
                    head = head.head  # "slows decline but brings risk": the subject of the first verb
                subjects = [c for c in head.children if c.dep_ in SUBJECT_DEPS]
                if any(s.tag_ in ("PRP", "EX") for s in subjects):
                    continue  # "It's time to ...", "They don't want you to hear"
                if not subjects and not (head.i > span.start and head.doc[head.i - 1].tag_.startswith("NN")
                                         and any(c.dep_ == "dobj" for c in head.children)):
                    continue  # a label ("Saw palmetto: ..."), unless a noun before it is its subject
                    # misread as a compound ("Study links fluoride exposure to ...")
            return True
        if not parsed:
            continue
        if t.tag_ in ("VBN", "VBD") and t.dep_ in ("ROOT", "acl", "conj", "relcl", "ccomp") and any(
                c.dep_ in ("prep", "agent", "dobj") for c in t.children) and low not in _ACTIVITY_VERBS:
            return True  # "linked to", "tied with", "approved for"
        if t.tag_ == "VBG" and any(c.dep_ == "dobj" for c in t.children) and (
                (t.dep_ in ("acl", "relcl") and span.start <= t.head.i < t.i
                 and not any(x.is_punct for x in t.doc[t.head.i + 1:t.i]))
                or (t.dep_ == "ROOT" and any(c.dep_ == "nsubj" and c.i < t.i for c in t.children))):
            return True  # "the breakthrough transforming weight loss" (a modifier, or read as a clause)
    return False


_CASE_WORD = re.compile(r"[A-Za-z][\w'’]*")


def sentence_case(text: str) -> str:
    """A Title Case headline in sentence case, so the tagger reads its verbs as verbs ("Vitamin D
    Pills Protect Against Colds" -> "Vitamin D pills protect against colds"): the first word of the
    text and of each part after a colon keep their case, and so do acronyms and single letters."""
    out, pos, first = [], 0, True
    for m in _CASE_WORD.finditer(text):
        word = m.group()
        gap = text[pos:m.start()]
        if ":" in gap or "?" in gap or "!" in gap:
            first = True
        out.append(gap)
        keep = first or len(word) == 1 or word.isupper() or any(ch.isupper() for ch in word[1:])
        out.append(word if keep or not word[0].isupper() else word[0].lower() + word[1:])
        first = False
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)
