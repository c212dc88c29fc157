"""Verdict figures on the written web pages (webclaims) and the InSciOut development studies.

The webclaims pages are split by a stable hash of the page id (``pipeline.webclaims.page_split``):
test about 25%, dev about 20%, train the rest. The model learns from train and dev only; every
choice (features, weights, C, the abstain threshold) is made on grouped cross-validation over
train + dev (``--cv``), and the test pages are scored once, for the figures the README reports.

Figures, for the model and for a plain baseline (TF-IDF word 1-2-grams + logistic regression,
trained on the same rows as the verdict model):

- claims found: share of gold claims (sentences, list items with their lead-in, headlines that
  state a finding) contained in an extracted claim; titles found; share of extracted claims that
  are not claims;
- label macro-F1 on found claims, overall and per register; accuracy on the claims the annotators
  mark as high confidence; expected calibration error; the abstain rate and the accuracy of the
  claims kept;
- headline label macro-F1;
- InSciOut development studies (news main statements): label macro-F1 with the coded design and
  with the design hidden, and ECE (``pipeline.evaluate``).

Run:  .venv/bin/python benchmarks/verdicts.py [--model PATH] [--data-dir DIR] [--split test|dev] [--cv]
      --cv: out-of-fold figures on train + dev (folds grouped by page), for making choices
      --split dev: the dev pages with a model that learnt from them: for debugging only, never a figure
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

LABELS = ("hedged", "supported", "overstated")
REGISTERS = ("marketing", "blog", "patient-info", "news", "press-release")


def baseline(train_texts, train_labels, weights=None):
    """TF-IDF word 1-2-grams + logistic regression: the plain baseline."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
                          LogisticRegression(C=4.0, max_iter=3000))
    model.fit(train_texts, train_labels, logisticregression__sample_weight=weights)
    return model


def with_overrides(proba, hits, weight: float):
    """Probabilities after the overriding codebook rules, as ``verdict.judge`` applies them."""
    from pipeline.verdict.judge import overriding_rule
    from pipeline.verdict.rules import apply_rule

    out = np.array(proba, dtype=float)
    for i, hit in enumerate(hits):
        rule = overriding_rule(hit)
        if rule is not None:
            mixed = apply_rule(dict(zip(LABELS, out[i])), rule, weight)
            out[i] = [mixed[k] for k in LABELS]
    return out


def scores(gold, pred, proba, registers, confidence, headline, abstain=None) -> dict:
    from sklearn.metrics import f1_score

    from pipeline.metrics import reliability

    gold, pred = np.asarray(gold), np.asarray(pred)
    out = {"n": len(gold), "macro_f1": f1_score(gold, pred, average="macro", labels=LABELS)}
    for r in REGISTERS:
        m = np.asarray(registers) == r
        out[r] = f1_score(gold[m], pred[m], average="macro", labels=LABELS) if m.any() else float("nan")
    hi = np.asarray(confidence) == "high"
    out["high_conf_acc"] = float((gold[hi] == pred[hi]).mean()) if hi.any() else float("nan")
    out["ece"] = reliability(list(gold), proba, list(LABELS))[0]
    h = np.asarray(headline, dtype=bool)
    out["headline_f1"] = f1_score(gold[h], pred[h], average="macro", labels=LABELS) if h.any() else float("nan")
    out["headline_n"] = int(h.sum())
    if abstain is not None:
        a = np.asarray(abstain, dtype=bool)
        out["abstain_rate"] = float(a.mean())
        out["kept_acc"] = float((gold[~a] == pred[~a]).mean()) if (~a).any() else float("nan")
    return out


def print_table(rows: dict) -> None:
    keys = ["n", "macro_f1", *REGISTERS, "high_conf_acc", "ece", "headline_f1", "headline_n", "abstain_rate", "kept_acc"]
    print(f"{'':24s}" + "".join(f"{k[:13]:>14s}" for k in keys))
    for name, s in rows.items():
        cells = []
        for k in keys:
            v = s.get(k, float("nan"))
            cells.append(f"{v:14d}" if isinstance(v, (int, np.integer)) else f"{v:14.3f}")
        print(f"{name:24s}" + "".join(cells))


def extraction_figures(stats: dict) -> None:
    tot = {k: sum(s[k] for s in stats.values()) for k in next(iter(stats.values()))}
    print(f"claims found: {tot['found']}/{tot['gold']} = {tot['found'] / max(tot['gold'], 1):.3f}   "
          f"titles stating a finding found: {tot['titles_found']}/{tot['titles']} = "
          f"{tot['titles_found'] / max(tot['titles'], 1):.3f}   not claims among extracted: "
          f"{tot['not_claims']}/{tot['extracted']} = {tot['not_claims'] / max(tot['extracted'], 1):.3f}")
    for r in REGISTERS:
        if r in stats:
            s = stats[r]
            print(f"  {r:14s} found {s['found'] / max(s['gold'], 1):.3f}  not claims "
                  f"{s['not_claims'] / max(s['extracted'], 1):.3f}")


def insciout_figures(model, data_dir: Path, params: dict) -> None:
    from pipeline.evaluate import evaluate

    metrics, _ = evaluate(model, data_dir, params)
    g, u = metrics["label_insciout_news_design_given"], metrics["label_insciout_news_design_unknown"]
    print(f"InSciOut dev studies, news main statements ({g['n']}): label macro-F1 design given "
          f"{g['macro_f1']:.3f} (ECE {g['ece']:.3f}); design hidden {u['macro_f1']:.3f}; "
          f"strength macro-F1 Yu dev {metrics['strength_yu_dev']['macro_f1']:.3f}")


def cross_validation(model, data_dir: Path, params: dict) -> None:
    """Out-of-fold figures on train + dev pages (folds grouped by page or study)."""
    from scipy.special import softmax

    from pipeline.train import training_frame
    from pipeline.verdict import training
    from pipeline.verdict.estimator import fit_temperature, rule_hits, verdict_frame

    df = training_frame(data_dir, params)
    rows = training.verdict_rows(df, data_dir, params)
    feats = training.inputs(rows.claims, model)
    oof = training.out_of_fold(rows, feats, params)
    hits = rule_hits(verdict_frame(rows.claims), feats["strength_p"], feats["strength_classes"])
    web = np.array([o.startswith("webclaims") for o in rows.origin])
    regs = [o.split(":", 1)[1] if o.startswith("webclaims") else "" for o in rows.origin]
    y = np.array(rows.labels)
    heads = [bool(c.get("headline")) for c in rows.claims]
    table = {}
    for use, z in oof.items():
        if z is None:
            continue
        t = fit_temperature(z, y)
        p = with_overrides(softmax(z / t, axis=1), hits, float(params["classify"]["rule_weight"]))
        pred = np.array(LABELS)[p.argmax(1)]
        table[f"verdict {use} (OOF)"] = scores(y[web], pred[web], p[web], np.array(regs)[web],
                                                np.array(rows.confidence)[web], np.array(heads)[web])
        top = p[web].max(1)
        right = pred[web] == y[web]
        print(f"{use}: temperature {t:.2f}; abstain threshold -> share flagged, accuracy of the rest: " + ", ".join(
            f"{th:.2f} -> {np.mean(top < th):.2f}, {right[top >= th].mean():.3f}"
            for th in (0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7)))
    # baseline, out of fold on the same folds
    folds = int(training.settings(params)["verdict_folds"])
    fold = np.array([training.fold_of(g, folds) for g in rows.groups])
    texts = np.array([c["text"] for c in rows.claims], dtype=object)
    bp = np.zeros((len(y), 3))
    for k in range(folds):
        te, tr = fold == k, fold != k
        b = baseline(list(texts[tr]), y[tr], np.asarray(rows.weights)[tr])
        bp[te] = b.predict_proba(list(texts[te]))[:, [list(b.classes_).index(c) for c in LABELS]]
    pred = np.array(LABELS)[bp.argmax(1)]
    table["baseline TF-IDF+LR (OOF)"] = scores(y[web], pred[web], bp[web], np.array(regs)[web],
                                                np.array(rows.confidence)[web], np.array(heads)[web])
    print(f"grouped {folds}-fold cross-validation on webclaims train + dev ({int(web.sum())} claims) "
          f"+ {int((~web).sum())} corpus rows")
    print_table(table)


def test_split(model, data_dir: Path, params: dict, split: str) -> None:
    from pipeline.train import training_frame
    from pipeline.verdict import training
    from pipeline.verdict.data import webclaims_rows
    from pipeline.verdict.judge import classify_claims

    stats: dict = {}
    rows = webclaims_rows(data_dir, (split,), params=params, stats=stats)
    print(f"webclaims {split} pages: {sum(1 for _ in set(rows.groups))} pages with claims")
    extraction_figures(stats)
    threshold = float(params["classify"]["abstain_threshold"])
    labelled = classify_claims(rows.claims, model, abstain_threshold=threshold)
    regs = [o.split(":", 1)[1] for o in rows.origin]
    heads = [bool(c.get("headline")) for c in rows.claims]
    proba = np.array([[c["proba"][k] for k in LABELS] for c in labelled])
    table = {"verdict (default)": scores(rows.labels, [c["label"] for c in labelled], proba, regs, rows.confidence,
                                         heads, [c["abstain"] for c in labelled])}
    fast = model.scoring({"classify": {"encoder": False}})
    labelled_fast = classify_claims(rows.claims, fast, abstain_threshold=threshold)
    proba_fast = np.array([[c["proba"][k] for k in LABELS] for c in labelled_fast])
    table["verdict --fast"] = scores(rows.labels, [c["label"] for c in labelled_fast], proba_fast, regs,
                                     rows.confidence, heads, [c["abstain"] for c in labelled_fast])
    train_rows = training.verdict_rows(training_frame(data_dir, params), data_dir, params)
    b = baseline([c["text"] for c in train_rows.claims], train_rows.labels, train_rows.weights)
    bp = b.predict_proba([c["text"] for c in rows.claims])[:, [list(b.classes_).index(c) for c in LABELS]]
    table["baseline TF-IDF+LR"] = scores(rows.labels, list(np.array(LABELS)[bp.argmax(1)]), bp, regs,
                                         rows.confidence, heads)
    print_table(table)
    print("gold labels:", dict(Counter(rows.labels)), " predicted:", dict(Counter(c["label"] for c in labelled)))
    reasons = Counter(c["reason"].split(" (")[0] for c in labelled)
    print("most common reasons:", "; ".join(f"{k} {v}" for k, v in reasons.most_common(8)))


def main(argv=None) -> int:
    from pipeline.model import load_model
    from pipeline.settings import data_dir as resolve_data
    from pipeline.settings import load_params, model_path

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", help="Model file (default: params.yaml train.model).")
    ap.add_argument("--data-dir", help="Folder of the shared datasets.")
    ap.add_argument("--split", choices=["test", "dev"], default="test")
    ap.add_argument("--cv", action="store_true", help="out-of-fold figures on train + dev instead")
    ap.add_argument("--no-insciout", action="store_true", help="skip the InSciOut figures")
    args = ap.parse_args(argv)
    params = load_params()
    data = resolve_data(args.data_dir, params)
    model = load_model(model_path(args.model, params))
    t = time.time()
    if args.cv:
        cross_validation(model, data, params)
    else:
        test_split(model, data, params, args.split)
    if not args.no_insciout:
        insciout_figures(model, data, params)
    print(f"({time.time() - t:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
