"""Cue words of the codebook, written for this project (lower-case; phrases allowed).

Extraction marks them as spans (``doc.spans["cues"]``); the model turns them into features.
"""

HEDGES = (
    # epistemic modals and conditional causal wording
    "may", "might", "could", "possibly", "perhaps", "potentially", "probably", "likely", "unlikely",
    "possible", "plausible", "presumably", "apparently", "seemingly", "arguably",
    # tentative verbs
    "suggest", "suggests", "suggested", "suggesting", "appear", "appears", "appeared", "seem", "seems",
    "seemed", "indicate", "indicates", "indicated", "hint", "hints", "hinted", "point to", "points to",
    "is thought to", "are thought to", "is believed to", "are believed to", "is considered",
    "speculate", "hypothesise", "hypothesize", "hope", "hopes", "hoped",
    # limits of reach and of the evidence
    "preliminary", "early-stage", "early stage", "tentative", "not yet", "not yet established",
    "still experimental", "experimental", "evidence is limited", "limited evidence", "more research",
    "further research", "more studies", "further studies", "larger trials", "larger studies",
    "results are mixed", "mixed results", "uncertain", "unclear", "remains to be seen", "still emerging",
    "under way", "underway", "not clear", "too early", "small study", "some patients", "in some",
    "aims to", "aim to", "has the potential", "have the potential", "promising",
)

BOOSTERS = (
    # hype and certainty boosters
    "proven", "proves", "prove", "cure", "cures", "cured", "breakthrough", "miracle", "game-changer",
    "game changer", "revolutionary", "revolutionise", "revolutionize", "guaranteed", "guarantee",
    "definitely", "definitive", "conclusively", "undoubtedly", "clearly", "certainly", "always",
    "never", "completely", "totally", "dramatically", "dramatic", "remarkable", "astonishing",
    "stunning", "incredible", "amazing", "groundbreaking", "ground-breaking", "landmark",
    "wonder drug", "magic bullet", "redefine", "transform", "transforms", "at its root",
    "once and for all", "100%", "safe and effective", "is safe", "are safe", "no side effects",
    "the answer", "holy grail", "superfood", "confirms", "confirmed", "established",
)

ATTRIBUTION = (
    "according to", "said", "says", "say", "told", "reported", "reports", "report", "published in",
    "researchers found", "scientists found", "study found", "study shows", "studies show",
    "research shows", "experts say", "experts believe", "scientists say", "researchers say",
    "the authors", "the researchers", "the team", "led by", "wrote", "write", "concluded",
    "in the journal", "lead author", "co-author", "spokesperson", "spokesman", "spokeswoman",
)

VAGUE_ATTRIBUTION = (
    "studies show", "studies have shown", "research shows", "research has shown", "experts say",
    "experts believe", "scientists say", "some studies", "many studies", "studies suggest",
    "it is known", "doctors say", "science says", "evidence shows",
)

CAUSAL = (
    "cause", "causes", "caused", "causing", "reduce", "reduces", "reduced", "reducing", "cut", "cuts",
    "lower", "lowers", "lowered", "lowering", "raise", "raises", "raised", "increase", "increases",
    "increased", "boost", "boosts", "boosted", "prevent", "prevents", "prevented", "protect",
    "protects", "protected", "improve", "improves", "improved", "treat", "treats", "reverse",
    "reverses", "reversed", "halt", "halts", "stop", "stops", "slash", "slashes", "trigger",
    "triggers", "lead to", "leads to", "led to", "result in", "results in", "make", "makes",
    "help", "helps", "helped", "fight", "fights", "beat", "beats", "kill", "kills", "block",
    "blocks", "damage", "damages", "drive", "drives", "halve", "halves", "double", "doubles",
    "ease", "eases", "relieve", "relieves", "restore", "restores", "heal", "heals", "ward off",
)

CORRELATIONAL = (
    "associated with", "association", "associations", "linked to", "linked with", "link between",
    "tied to", "connected to", "correlated", "correlation", "correlates", "more likely", "less likely",
    "higher risk", "lower risk", "greater risk", "higher rates", "lower rates", "predicts",
    "predicted", "predictor", "related to", "relationship between", "risk factor",
)

ANIMAL = (
    "mice", "mouse", "rats", "rat", "rodent", "rodents", "animal", "animals", "monkeys", "primates",
    "pigs", "zebrafish", "fruit flies", "worms", "in vitro", "cell culture", "cells in a dish",
    "lab dish", "petri dish", "laboratory study", "test tube", "organoids", "yeast",
)

ADVICE = (
    "should", "must", "need to", "needs to", "recommend", "recommends", "recommended", "advise",
    "advised", "advises", "so you should", "it is important to", "try to",
)

NEGATION = ("not", "no", "n't", "never", "none", "neither", "nor", "without")

CUE_SETS = {
    "hedge": HEDGES,
    "booster": BOOSTERS,
    "attribution": ATTRIBUTION,
    "causal": CAUSAL,
}
