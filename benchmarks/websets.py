"""What the web-register corpora (MISSCI, HealthFC, COVID-19 rumours) add to the verdict model.

Run:  .venv/bin/python benchmarks/websets.py [SET=WEIGHT ...]   (default: each set at 0.3; about
      5 minutes a variant on 2 cores) -- out-of-fold macro-F1 on the webclaims train + dev claims
      only (folds grouped by page, as ``benchmarks/verdicts.py --cv``), with and without the set's rows
      added to the training folds. The committed model does not use them: none helped beyond noise
      (README, "Figures").

These sets were not annotated with this project's codebook; each loader turns the set's own
annotation into codebook labels (CODEBOOK.md sections 2, 3, 5, 6) with a deliberately simple,
documented mapping, and drops what the mapping cannot decide. The result is noisy extra signal
for the verdict model, meant to be added at a low sample weight. Each loader returns
``pipeline.verdict.data.VerdictRows`` with bare claim records (``text``; ``context`` "";
``design`` "unknown"), a group id per source claim or article (``"<set>:<id>"``) so grouped
cross-validation never splits one source, ``origin`` = the set's name, ``confidence`` "" and the
given sample ``weight``.

Read the data from the shared datasets folder; never copy it into the repository.
Cite: Glockner et al. 2024 (MISSCI); Vladika et al. 2024 (HealthFC); Cheng et al. 2021
(COVID-19 rumour dataset).
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.verdict.data import VerdictRows

# Epistemic hedges (codebook 2, "hedged" cues).
HEDGE = re.compile(
    r"\b(may|might|could|possibly|probably|likely|unlikely|perhaps|suggests?|suggested|"
    r"appears?|appeared|seems?|seemed|is thought|are thought|believed?|indicates?|indicated|tends? to|"
    r"potentially|presumably|apparently|it is possible that)\b", re.I)
# Statements of limits about the evidence (codebook 3.5, 6.3).
LIMITATION = re.compile(
    r"(\blimited\b|insufficient|not sufficient|not enough|too (few|small|little|poor|inconclusive)|"
    r"\bunclear\b|not (yet )?clear|uncertain|contradict|inconclusive|conflicting|\bmixed\b|preliminary|"
    r"not (yet |been |sufficiently |well |adequately )*(researched|investigated|studied|examined|explored|"
    r"established|proven|shown|supported|substantiated)|"
    r"\bno (\w+[ -]){0,2}(studies|study|research|data|trials?)\b|\bno (reliable|firm|clear|definite|definitive|conclusive) "
    r"(statement|conclusion|answer)|(did not|could not|cannot|can't) find (any )?(\w+[ -]){0,2}(studies|study|"
    r"research|evidence|data|trials?)\b|\b(only|just) (one|two|three|a few|few|a single) (\w+[ -]){0,2}(stud|trial)|"
    r"\black(ing|s)?\b|(research|studies|study|evidence) (is|are) (still )?(missing|lacking)|"
    r"(would be|is|are) (still )?needed|cannot be (answered|assessed|said|judged|determined)|cannot make a (definite|clear|reliable)|"
    r"methodological|poor(ly)? (quality|conducted|done|designed)|\bsmall (stud|trial)|anything but certain|"
    r"questionable|neither .{0,40} nor against|little significance|cannot be ruled out|not possible to)",
    re.I)
# Boosters / hype (codebook 2, "overstated").
BOOSTER = re.compile(r"\b(proven|proves?|cure[sd]?|miracle|breakthrough|guaranteed?|revolutionary|"
                     r"game[- ]changer)\b", re.I)
# Something a reader could check about health (codebook 1); used to keep the rumour set on topic.
HEALTH = re.compile(
    r"\b(cure[sd]?|curing|treat(s|ed|ment|ments)?|prevent(s|ed|ion)?|protect(s|ed|ion)?|vaccines?|"
    r"vaccinat\w*|immun\w*|infect\w*|symptoms?|spread(s|ing)?|transmi\w*|contagious|virus(es)?|"
    r"antibod\w*|drugs?|medicines?|medication|chloroquine|hydroxychloroquine|disease|deaths?|died|die|"
    r"dies|fatal\w*|mortality|cases|patients?|hospital\w*|kill(s|ed)?|risk|lungs?|fever|cough|masks?|"
    r"garlic|vitamin\w*|sanitizers?|bleach|alcohol|heat|temperature)\b", re.I)
# Efficacy or safety asserted about an intervention or exposure (what a categorical false rumour overstates).
EFFICACY = re.compile(
    r"\b(cure[sd]?|curing|treat(s|ed|ment)?|prevent(s|ed|ion)?|protect(s|ed|ion)?|kill(s|ed)?|immune|immunity|"
    r"stops?|effective|ineffective|safe|harmless|remed(y|ies)|heal(s|ed)?|fights?|destroys?|eliminates?|"
    r"boosts?|causes?|caused)\b", re.I)
# Reported speech ("Video claims ...", "Says ...", "Photo shows ..."): the rumour reports someone else's claim.
REPORTED = re.compile(r"^((this|these|the|a) )?(says|claims?|videos?|photos?|images?|pictures?|posts?|tweets?|"
                      r"messages?|audio|screenshots?)\b|"
                      r"\b(claims?|claimed|says|said) that\b", re.I)
# A first-person post is an opinion or a diary entry, not a checkable claim.
FIRST_PERSON = re.compile(r"\b(I|I'm|I've|me|my|we|us|our|let's)\b|\b(i|im)\b")
_SENTENCE = re.compile(r"(?<=[.!?])[\s,]+(?=[A-Z\"(])|(?<=\.),(?=[A-Z])")
_SPACE = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _SPACE.sub(" ", str(text)).strip()


def _key(text: str) -> str:
    return hashlib.sha1(_norm(text).lower().encode("utf-8")).hexdigest()[:12]


def _words(text: str) -> int:
    return len(text.split())


def _finding_label(text: str) -> str:
    """A finding stated by an expert or a study: hedged when it hedges or states limits, else supported."""
    return "hedged" if HEDGE.search(text) or LIMITATION.search(text) else "supported"


def _rows(items, origin: str, weight: float) -> VerdictRows:
    """``items``: (text, label, group). Duplicate texts (same normalised text) keep their first
    occurrence; a text seen with two different labels is dropped."""
    seen: dict[str, tuple[str, str, str]] = {}
    clash: set[str] = set()
    for text, label, group in items:
        text = _norm(text)
        k = text.lower()
        if k in seen:
            if seen[k][1] != label:
                clash.add(k)
            continue
        seen[k] = (text, label, group)
    rows = VerdictRows()
    for k, (text, label, group) in seen.items():
        if k in clash:
            continue
        rows.claims.append({"text": text, "context": "", "design": "unknown"})
        rows.labels.append(label)
        rows.groups.append(f"{origin}:{group}")
        rows.origin.append(origin)
        rows.confidence.append("")
        rows.weights.append(float(weight))
    return rows


# Fact-check categories of HealthFeedback that mean the claim asserts more than its evidence carries.
OVERCLAIM_CATEGORIES = ("overstates", "inadequate support", "unsupported", "lacks support", "misrepresents source",
                        "exaggeration")


def missci_rows(data_dir, weight: float = 1.0, fc_articles: bool = True) -> VerdictRows:
    """MISSCI (``missci/{dev,test}.missci.jsonl``, ``missci/fc_articles.csv``).

    - ``argument.claim`` (a web claim that, per the fact-checkers, misrepresents a cited study)
      -> **overstated**: the claim asserts more certainty or generality than the study carries
      (codebook 2; a hedge on it does not rescue it, tie-break 1).
    - ``argument.accurate_premise_p0.premise`` (what the study actually found, written as one study's
      finding) -> **supported** (a result scoped to its study, 6.2), or **hedged** when it carries a
      hedge or limitation cue (2, 6.3).
    - with ``fc_articles``: the HealthFeedback claims of ``fc_articles.csv`` not already covered by a
      MISSCI argument whose categories say the claim overreaches its evidence ("Overstates
      scientific confidence", "Inadequate support", "Unsupported", "Misrepresents source",
      "Exaggeration") -> **overstated**, using ``claim_short`` (one sentence); questions dropped.
      Plainly false claims without such a category are not used (false is not overstated).

    Group: the fact-check article id, so an argument's claim, its accurate premise and the
    article's other rows stay in one fold.
    """
    import pandas as pd

    folder = Path(data_dir) / "missci"
    items = []
    covered = set()
    for name in ("dev.missci.jsonl", "test.missci.jsonl"):
        path = folder / name
        if not path.exists():
            continue
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                arg = json.loads(line)
                group = str(arg.get("meta", {}).get("fc_article_id") or arg["id"])
                covered.add(group)
                claim = _norm(arg["argument"]["claim"])
                if claim:
                    items.append((claim, "overstated", group))
                p0 = _norm((arg["argument"].get("accurate_premise_p0") or {}).get("premise") or "")
                if p0:
                    items.append((p0, _finding_label(p0), group))
    fc_path = folder / "fc_articles.csv"
    if fc_articles and fc_path.exists():
        fc = pd.read_csv(fc_path)
        for fc_id, short, cats in zip(fc["fc_id"], fc["claim_short"], fc["categories"]):
            if str(fc_id) in covered or not isinstance(short, str):
                continue
            try:
                categories = " ".join(json.loads(cats)).lower()
            except (TypeError, ValueError):
                categories = str(cats).lower()
            text = _norm(short)
            if not any(c in categories for c in OVERCLAIM_CATEGORIES) or text.endswith("?") or _words(text) < 4:
                continue
            items.append((text, "overstated", str(fc_id)))
    return _rows(items, "missci", weight)


def healthfc_rows(data_dir, weight: float = 1.0) -> VerdictRows:
    """HealthFC (``healthfc/Datensatz.csv``): the sentences of each expert evidence summary
    (``en_explanation``, Medizin Transparent's verdict on the evidence for a media claim).

    - a sentence that states limits of the evidence ("not sufficiently researched", "unclear",
      "contradictory", "small studies", "only one study", "no studies", "we did not find studies",
      "methodological flaws", "more research needed") or hedges
      ("probably", "may", "suggest", "appears") -> **hedged** (codebook 6.3, 3.5, 2);
    - any other sentence of at least six words -> **supported**: a firm verdict on the evidence
      from a named expert review (6.3), e.g. "According to current studies, X does not improve Y
      more than a placebo", "There is no good evidence that X works"; sentences with a booster word
      are dropped.

    The verdict column is not used: the claims it judges (``en_claim``) are almost all questions,
    which are not claims (codebook 1), and a refuted question says nothing about the wording.
    Group: the article URL.
    """
    import pandas as pd

    df = pd.read_csv(Path(data_dir) / "healthfc" / "Datensatz.csv")
    items = []
    for url, explanation in zip(df["url"], df["en_explanation"]):
        if not isinstance(explanation, str):
            continue
        group = str(url).rstrip("/").rsplit("/", 1)[-1] or _key(explanation)
        for sentence in _SENTENCE.split(_norm(explanation)):
            sentence = sentence.strip(" ,")
            if _words(sentence) < 6 or sentence.endswith("?"):
                continue
            label = _finding_label(sentence)
            if label == "supported" and BOOSTER.search(sentence):
                continue
            items.append((sentence, label, group))
    return _rows(items, "healthfc", weight)


def covid_rumor_rows(data_dir, weight: float = 1.0) -> VerdictRows:
    """COVID-19 rumours (``covid-rumor/en_dup.csv``; label T true, F false, U unverified).

    Only short, sentence-like rows about health are used (5-50 words, a health word, no URL, @ or
    #, not a question, not first person, not reported speech such as "Video claims ..." or
    "Says ..."). Then:

    - F with an efficacy or safety word (cures, prevents, protects, kills, immune, safe, causes ...)
      and no hedge or limitation cue (a categorical statement: "X cures COVID-19", "lemon juice
      protects you") -> **overstated**: categorical efficacy or safety beyond its evidence
      (codebook 2, 6.2, 6.3); other false rumours (events, politics) are dropped: false is not
      overstated;
    - T with no hedge -> **supported** (background fact or reported figure, 6.1);
    - T with a hedge or limitation cue -> **hedged** (6.6);
    - F with a hedge (tie-break 1 vs 2 cannot be settled without the evidence) and every U -> dropped.

    Group: a hash of the normalised text (the set has no ids; repeated rumours share a group).
    """
    import pandas as pd

    df = pd.read_csv(Path(data_dir) / "covid-rumor" / "en_dup.csv")
    items = []
    for label, content in zip(df["label"], df["content"]):
        if not isinstance(content, str):
            continue
        text = _norm(content)
        if (not 5 <= _words(text) <= 50 or FIRST_PERSON.search(text) or re.search(r"https?:|www\.|[@#]", text) or text.endswith("?")
                or not HEALTH.search(text) or REPORTED.search(text)):
            continue
        hedged = bool(HEDGE.search(text) or LIMITATION.search(text))
        if label == "F" and not hedged and EFFICACY.search(text):
            items.append((text, "overstated", _key(text)))
        elif label == "T":
            items.append((text, "hedged" if hedged else "supported", _key(text)))
    return _rows(items, "covid-rumor", weight)


LOADERS = {"missci": missci_rows, "healthfc": healthfc_rows, "covid-rumor": covid_rumor_rows}
REGISTERS = ("marketing", "blog", "patient-info", "news", "press-release")


def main(argv=None) -> int:
    import argparse

    import numpy as np
    from sklearn.metrics import f1_score

    from pipeline.model import load_model
    from pipeline.records import LABELS
    from pipeline.settings import data_dir as resolve_data
    from pipeline.settings import load_params, model_path
    from pipeline.train import training_frame
    from pipeline.verdict import training

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("variants", nargs="*", default=["missci=0.3", "healthfc=0.3", "covid-rumor=0.3"])
    ap.add_argument("--data-dir")
    args = ap.parse_args(argv)
    params = load_params()
    data = resolve_data(args.data_dir, params)
    model = load_model(model_path(None, params))
    rows = training.verdict_rows(training_frame(data, params), data, params)
    feats = training.inputs(rows.claims, model)
    n = len(rows)
    web = np.array([o.startswith("webclaims") for o in rows.origin])

    def score(extra=None):
        all_rows, all_feats = rows, feats
        if extra is not None:
            more, more_feats = extra
            all_rows = VerdictRows().extend(rows).extend(more)
            all_feats = dict(feats, **{k: np.concatenate([feats[k], more_feats[k]]) for k in
                                       ("base_p", "strength_p", "embedding") if feats.get(k) is not None})
        oof = training.out_of_fold(all_rows, all_feats, params)
        y = np.array(rows.labels)
        out = {}
        for use, z in oof.items():
            if z is None:
                continue
            pred = np.array(LABELS)[z[:n].argmax(1)]
            cells = [f1_score(y[web], pred[web], average="macro")]
            for r in REGISTERS:
                m = np.array([o == "webclaims:" + r for o in rows.origin])
                cells.append(f1_score(y[m], pred[m], average="macro"))
            out[use] = cells
        return out

    print(f"{'variant':22s}{'use':>6s}{'web':>8s}" + "".join(f"{r[:8]:>10s}" for r in REGISTERS))
    for name, result in [("none", score())] + [
            (v, score((lambda r: (r, training.inputs(r.claims, model)))(
                LOADERS[v.split("=")[0]](data, weight=float(v.split("=")[1]))))) for v in args.variants]:
        for use, cells in result.items():
            print(f"{name:22s}{use:>6s}" + f"{cells[0]:8.3f}" + "".join(f"{c:10.3f}" for c in cells[1:]), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
