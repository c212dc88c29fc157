"""Label encoder against the verdict model: out-of-fold macro-F1 on the written web pages.

Question: does fine-tuning the sentence encoder (all-MiniLM-L6-v2 + LoRA adapter, the
``StrengthEncoder`` of ``pipeline.encoder`` built by ``pipeline.finetune.make_encoder`` with the
``finetune`` params) directly on the three labels (hedged / supported / overstated) beat the
current verdict model on the webclaims pages?

Rows: the verdict model's rows (webclaims train and dev pages plus the corpora's held-out rows; no
test page), built anew (``--rows`` reads a pickle of them saved by an earlier run of yours). Folds: the verdict model's own,
``pipeline.verdict.training.fold_of(group, 5)`` by page or study. For each fold the label encoder
is fine-tuned on the training-fold rows (web rows only by default, ``--train all`` adds the corpus
rows at weight 1) and scores the held-out fold's web rows. Input variants:

- ``text``:   the claim text (its lead-in first when the text does not already start with it);
- ``fields``: the same, prefixed with the page-field tokens of the claim, e.g.
  ``[background] [vague] [experimental] [selling] [headline] `` (statement kind, evidence basis,
  treatment status, register, and ``[headline]`` for headlines).

Printed on web rows only: macro-F1 overall and per register for the encoder alone, the current
model (``out_of_fold(...)["full"]`` with verdict_C=0.15, corpus_weight=1.0, embedding_scale=0.5),
and the fixed half-and-half average of the encoder's probabilities and softmax(current logits).
Out-of-fold probabilities are saved as ``<out-dir>/oof_<variant>.npy`` (web rows, label order
hedged, supported, overstated; ``oof_web_index.npy`` gives their row numbers in the pickle) and
``oof_current_full.npy`` (logits, all rows; recomputed when the row count changes), with
``oof_web_meta.npz`` (row numbers, labels, folds, registers, groups of the web rows). Needs PyTorch.

    .venv/bin/python benchmarks/verdict_encoder.py [--variants text fields] [--train web|all]
        [--only-folds 0] [--epochs 1] [--budget-min 60] [--verbose] [--rows PATH] [--out-dir DIR]
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

REGISTERS = ("marketing", "blog", "patient-info", "news", "press-release")
FOLDS = 5
VARIANTS = ("text", "fields")
CURRENT_TRAIN = {"verdict_C": 0.15, "corpus_weight": 1.0, "embedding_scale": 0.5}


def claim_text(claim: dict) -> str:
    """The claim as a reader sees it: lead-in + text (the extracted text often already holds it)."""
    text = str(claim.get("text") or "")
    lead = str(claim.get("lead_in") or "").strip()
    if lead and not text.startswith(lead):
        text = f"{lead} {text}"
    return text


def field_tokens(claim: dict) -> str:
    """Page-field tokens of a claim ("[finding] [none] [unknown] [neutral] "); empty for corpus rows."""
    tokens = [f"[{claim[k]}]" for k in ("statement_kind", "evidence_basis", "treatment_status", "register")
              if claim.get(k)]
    if claim.get("headline") is True:
        tokens.append("[headline]")
    return " ".join(tokens) + " " if tokens else ""


def input_texts(claims: list[dict], variant: str) -> list[str]:
    if variant == "text":
        return [claim_text(c) for c in claims]
    if variant == "fields":
        return [field_tokens(c) + claim_text(c) for c in claims]
    raise ValueError(f"unknown variant {variant!r}")


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def current_oof(rows, feats, params: dict, cache: Path) -> np.ndarray:
    """The current verdict model's out-of-fold "full" logits (cached in ``cache``)."""
    from pipeline.verdict.training import out_of_fold

    if cache.is_file():
        z = np.load(cache)
        if z.shape == (len(rows), 3):
            return z
    params = {**params, "train": {**(params.get("train") or {}), **CURRENT_TRAIN}}
    t = time.perf_counter()
    z = out_of_fold(rows, feats, params, folds=FOLDS)["full"]
    print(f"# current model out-of-fold: {time.perf_counter() - t:.0f} s", flush=True)
    np.save(cache, z)
    return z


def encoder_oof(rows, y: np.ndarray, fold: np.ndarray, web: np.ndarray, variant: str, params: dict,
                train_on: str, only_folds, deadline: float,
                verbose: bool = False) -> tuple[np.ndarray, list[float], set[int]]:
    """Out-of-fold label probabilities of the web rows (NaN where a fold was not run), the
    fine-tuning times, and the folds done."""
    from pipeline.finetune import make_encoder

    texts = input_texts(rows.claims, variant)
    is_web = np.zeros(len(rows), bool)
    is_web[web] = True
    proba = np.full((len(web), 3), np.nan)
    pos = {int(i): j for j, i in enumerate(web)}
    times, done = [], set()
    for k in (only_folds if only_folds is not None else range(FOLDS)):
        if time.time() > deadline:
            print(f"[{variant}] time budget reached before fold {k}", flush=True)
            break
        train = np.flatnonzero((fold != k) & (is_web if train_on == "web" else True))
        test = np.flatnonzero((fold == k) & is_web)
        t = time.perf_counter()
        enc = make_encoder(params).fit([texts[i] for i in train], y[train],
                                       sample_weight=np.asarray(rows.weights, float)[train],
                                       log=(lambda line: print(f"[{variant}] {line}", flush=True)) if verbose else None)
        times.append(time.perf_counter() - t)
        p = enc.predict_proba([texts[i] for i in test])
        full = np.zeros((len(test), 3))
        full[:, enc.classes_] = p  # classes 0..2; a class missing from training stays at 0
        proba[[pos[int(i)] for i in test]] = full
        done.add(k)
        from sklearn.metrics import f1_score

        print(f"[{variant}] fold {k}: {len(train)} training rows, fine-tuning {times[-1]:.0f} s, "
              f"scoring {time.perf_counter() - t - times[-1]:.0f} s, macro-F1 "
              f"{f1_score(y[test], full.argmax(1), average='macro', labels=[0, 1, 2]):.3f}", flush=True)
    return proba, times, done


def table(name_to_proba: dict, y: np.ndarray, register: np.ndarray, mask: np.ndarray) -> None:
    from sklearn.metrics import f1_score

    cols = ["all", *REGISTERS]
    print(f"{'':28s}" + "".join(f"{c:>14s}" for c in cols))
    counts = [int(mask.sum())] + [int((mask & (register == r)).sum()) for r in REGISTERS]
    print(f"{'(rows)':28s}" + "".join(f"{n:>14d}" for n in counts))
    for name, p in name_to_proba.items():
        cells = []
        for c in cols:
            m = mask if c == "all" else mask & (register == c)
            cells.append(f1_score(y[m], p[m].argmax(1), average="macro", labels=[0, 1, 2]) if m.any() else np.nan)
        print(f"{name:28s}" + "".join(f"{v:>14.3f}" for v in cells))


def build_rows(params: dict, data_dir, model_file):
    """The verdict model's training rows (webclaims train + dev, corpus held-out) and their features."""
    from pipeline.model import load_model
    from pipeline.settings import data_dir as resolve_data
    from pipeline.settings import model_path as resolve_model
    from pipeline.train import training_frame
    from pipeline.verdict import training

    data = resolve_data(data_dir, params)
    model = load_model(resolve_model(model_file, params))
    rows = training.verdict_rows(training_frame(data, params), data, params)
    return rows, training.inputs(rows.claims, model)


def main(argv=None) -> int:
    from pipeline import settings
    from pipeline.records import LABELS
    from pipeline.verdict.training import fold_of

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", help="a pickle of (VerdictRows, feats) written by an earlier run of yours "
                    "(default: build the rows anew, about a minute)")
    ap.add_argument("--model", help="model file whose corpus and strength models give the features "
                    "(default: params.yaml train.model)")
    ap.add_argument("--data-dir", help="folder of the shared datasets")
    ap.add_argument("--out-dir", default="benchmarks/out/verdict_encoder", help="where the out-of-fold arrays go")
    ap.add_argument("--variants", nargs="+", choices=VARIANTS, default=list(VARIANTS))
    ap.add_argument("--train", choices=["web", "all"], default="web",
                    help="fine-tune on the training folds' web rows only, or on web + corpus rows (weight 1)")
    ap.add_argument("--only-folds", type=int, nargs="+", help="run these folds only (sanity runs)")
    ap.add_argument("--epochs", type=int, help="override finetune.epochs (sanity runs)")
    ap.add_argument("--verbose", action="store_true", help="print the fine-tuning's progress")
    ap.add_argument("--budget-min", type=float, default=60.0, help="start no fine-tune after this many minutes")
    args = ap.parse_args(argv)
    deadline = time.time() + 60 * args.budget_min

    params = settings.load_params()
    params["finetune"] = {**params["finetune"], "seed": 0}
    if args.epochs:
        params["finetune"]["epochs"] = args.epochs
    if args.rows:
        with open(args.rows, "rb") as fh:
            rows, feats = pickle.load(fh)
    else:
        rows, feats = build_rows(params, args.data_dir, args.model)
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)

    y = np.array([LABELS.index(label) for label in rows.labels])
    fold = np.array([fold_of(g, FOLDS) for g in rows.groups])
    web = np.flatnonzero([o.startswith("webclaims:") for o in rows.origin])
    register = np.array([rows.origin[i].split(":", 1)[1] for i in web])
    np.save(out / "oof_web_index.npy", web)
    # the rows file may be rewritten while this runs: keep what the arrays refer to beside them
    np.savez(out / "oof_web_meta.npz", index=web, label=y[web], fold=fold[web], register=register,
             group=np.array([rows.groups[i] for i in web]))
    print(f"# {len(rows)} rows, {len(web)} web rows on {len({rows.groups[i] for i in web})} pages; "
          f"encoder: {params['finetune']['epochs']} epochs, rank {params['finetune']['rank']}, "
          f"train on {args.train} rows", flush=True)

    current = softmax(current_oof(rows, feats, params, out / "oof_current_full.npy")[web])
    results, times = {}, []
    for variant in args.variants:
        proba, t, done = encoder_oof(rows, y, fold, web, variant, params, args.train, args.only_folds, deadline,
                                        args.verbose)
        times += t
        if not done:
            continue
        suffix = (f"_e{args.epochs}" if args.epochs else "") + (
            "_f" + "".join(map(str, sorted(done))) if args.only_folds is not None else "")
        np.save(out / f"oof_{variant}_{args.train}{suffix}.npy", proba)
        results[variant] = (proba, done)

    yw = y[web]
    for variant, (proba, done) in results.items():
        mask = np.isin(fold[web], sorted(done))
        print(f"\n## variant {variant!r}: web rows of folds {sorted(done)}, macro-F1")
        table({f"encoder ({variant})": np.nan_to_num(proba), "current model (full)": current,
               "half-and-half average": 0.5 * np.nan_to_num(proba) + 0.5 * current}, yw, register, mask)
    if times:
        print(f"\n# fine-tuning: {np.mean(times):.0f} s on average over {len(times)} runs "
              f"(min {min(times):.0f}, max {max(times):.0f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
