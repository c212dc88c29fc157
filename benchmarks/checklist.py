"""How well the rule-based checklist (pipeline/scorecard.py) agrees with HealthNewsReview.org's experts.

Data: fakehealth/release_reviews.jsonl (one expert review per press release: Satisfactory / Not
Satisfactory / Not Applicable per criterion) joined to the press releases in fakehealth/articles.jsonl
(``news_id`` of a review = ``id`` of a ``press_release`` article). Not Applicable answers are left out.

For each criterion the item is *predicted satisfied* when the rule finds a span (for sensational
language: when it finds none) and compared with the expert's Satisfactory. Printed per criterion:
n, the share the experts found satisfied, precision / recall / F1 of "satisfied", macro-F1 over
satisfied and not satisfied, and the macro-F1 of always answering the majority answer. Reviews
are split by the parity of their number: the even half ("dev") was read while writing the rules,
the odd half ("test") was not; both are printed.

Run:  .venv/bin/python benchmarks/checklist.py [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# criterion question -> checklist item (criteria the checklist has no item for are not scored)
QUESTIONS = {
    "costs": "costs",
    "quantify the benefits": "benefits",
    "harms": "harms",
    "quality of the evidence": "evidence",
    "alternatives": "alternatives",
    "availability": "availability",
    "novelty": "novelty",
    "funding sources": "funding",
    "sensational language": "sensational",
}


def item_of(question: str) -> str | None:
    q = question.lower()
    for key, item in QUESTIONS.items():
        if key in q:
            return item
    return None


def load(data_dir: Path):
    """[(review number, text, {item: True/False})] for every review joined to its press release."""
    releases = {}
    with open(data_dir / "fakehealth" / "articles.jsonl", encoding="utf-8") as fh:
        for line in fh:
            a = json.loads(line)
            if a.get("kind") == "press_release":
                releases[a["id"]] = a
    rows = []
    with open(data_dir / "fakehealth" / "release_reviews.jsonl", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            article = releases.get(r["news_id"])
            if article is None:
                continue
            gold = {}
            for c in r["criteria"]:
                item = item_of(c["question"])
                if item and c["answer"] in ("Satisfactory", "Not Satisfactory"):
                    gold[item] = c["answer"] == "Satisfactory"
            number = int("".join(ch for ch in r["news_id"] if ch.isdigit()) or 0)
            text = "\n\n".join(x for x in (article.get("title") or "", article.get("text") or "") if x)
            rows.append((number, text, gold))
    return rows


def f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def scores(pairs: list[tuple[bool, bool]]) -> dict:
    tp = sum(g and p for g, p in pairs)
    fp = sum(p and not g for g, p in pairs)
    fn = sum(g and not p for g, p in pairs)
    tn = len(pairs) - tp - fp - fn
    p, r, f = f1(tp, fp, fn)
    _, _, f_neg = f1(tn, fn, fp)
    pos = sum(g for g, _ in pairs)
    majority = pos >= len(pairs) - pos
    base_pos = f1(pos, len(pairs) - pos, 0)[2] if majority else 0.0
    base_neg = 0.0 if majority else f1(len(pairs) - pos, pos, 0)[2]
    return {"n": len(pairs), "satisfied": pos / len(pairs) if pairs else 0.0, "precision": p, "recall": r,
            "f1": f, "macro_f1": (f + f_neg) / 2, "majority_macro_f1": (base_pos + base_neg) / 2}


def evaluate(rows) -> dict[str, dict[str, dict]]:
    from pipeline.scorecard import ITEMS, checklist

    results = {name: {} for name in ("dev", "test", "all")}
    preds = [(number, checklist(text), gold) for number, text, gold in rows]
    for item in ITEMS:
        pairs = {"dev": [], "test": [], "all": []}
        for number, pred, gold in preds:
            if item not in gold:
                continue
            pair = (gold[item], pred[item]["ok"])
            pairs["all"].append(pair)
            pairs["dev" if number % 2 == 0 else "test"].append(pair)
        for name, ps in pairs.items():
            if ps:
                results[name][item] = scores(ps)
    return results


def main(argv=None) -> int:
    from pipeline.settings import data_dir as resolve_data

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="Folder of the shared datasets.")
    args = parser.parse_args(argv)
    rows = load(resolve_data(args.data_dir))
    results = evaluate(rows)
    print(f"{len(rows)} expert reviews of press releases (fakehealth); F1 of 'satisfied'")
    for name in ("test", "dev", "all"):
        print(f"\n{name}:")
        print(f"  {'criterion':<13}{'n':>5}{'sat.':>7}{'P':>7}{'R':>7}{'F1':>7}{'macroF1':>9}{'majority':>10}")
        for item, s in results[name].items():
            print(f"  {item:<13}{s['n']:>5}{s['satisfied']:>7.2f}{s['precision']:>7.2f}{s['recall']:>7.2f}"
                  f"{s['f1']:>7.2f}{s['macro_f1']:>9.2f}{s['majority_macro_f1']:>10.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
