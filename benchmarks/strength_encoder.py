"""Strength 0-3 with the fine-tuned encoder: Yu et al. sentences, k-fold grouped by PMID.

For each fold (the same GroupKFold splits as benchmarks/quality.py): the lexical strength model
(Yu training rows + InSciOut, as quality.py), the encoder fine-tuned with ``claimcheck finetune``'s
code and params on the fold's Yu training rows, and their blend at ``train.encoder_weight``.
Prints macro-F1 of each, the blend at other weights (for information: the weight was set before
this ran), and the encoder's scoring speed. Then the exaggeration relation on Wright & Augenstein's
100 pairs as benchmarks/quality.py scores it, with the blend: the lexical model and the encoder
learn from no row of the pairs' studies and none of their 200 sentences. Needs PyTorch; about 6
minutes a fine-tuning on 2 cores (6 in all).

    .venv/bin/python benchmarks/strength_encoder.py [--folds 5] [--part cv|exaggeration|all] [--save probas.npz]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TEXT_COLS = ["text", "context", "design"]


def main(argv=None) -> int:
    from pipeline import settings
    from pipeline.corpora import load_corpora
    from quality import with_causal_code

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--save", help="write the out-of-fold probabilities (npz) here")
    ap.add_argument("--part", choices=["cv", "exaggeration", "all"], default="all")
    args = ap.parse_args(argv)
    params = settings.load_params()
    data_dir = settings.data_dir(args.data_dir, params)
    df = with_causal_code(load_corpora(data_dir), data_dir)
    if args.part in ("cv", "all"):
        cross_validation(df, params, args.folds, args.save, data_dir)
    if args.part in ("exaggeration", "all"):
        exaggeration(df, params, data_dir)
    return 0


def cross_validation(df, params, folds: int, save, data_dir) -> None:
    import pandas as pd
    from sklearn.metrics import confusion_matrix, f1_score
    from sklearn.model_selection import GroupKFold

    from pipeline.estimators import make_strength_model, strength_training_rows
    from pipeline.finetune import make_encoder

    yu = df[df["corpus"].isin(["yu:pubmed", "yu:eureka"])].reset_index(drop=True)
    extra = df[df["corpus"].astype(str).str.startswith("insciout") & df["strength"].notna()]
    y = yu["strength"].astype(int).to_numpy()
    lexical, encoded = np.zeros((len(yu), 4)), np.zeros((len(yu), 4))
    fit_s, score_s = [], []
    print(f"# strength encoder, {folds}-fold by PMID on {len(yu)} Yu et al. sentences (data: {data_dir})")
    for k, (trn, tst) in enumerate(GroupKFold(folds).split(yu, groups=yu["study"])):
        train = pd.concat([yu.iloc[trn], extra], ignore_index=True)
        rows, w = strength_training_rows(train, params)
        lex = make_strength_model(params).fit(rows[TEXT_COLS], rows["strength"].astype(int), clf__sample_weight=w)
        lexical[tst] = lex.predict_proba(yu.iloc[tst][TEXT_COLS])
        own, own_w = strength_training_rows(yu.iloc[trn], params)
        t = time.perf_counter()
        enc = make_encoder(params).fit(own["text"].astype(str).tolist(), own["strength"].astype(int), sample_weight=own_w)
        fit_s.append(time.perf_counter() - t)
        t = time.perf_counter()
        encoded[tst] = enc.predict_proba(yu.iloc[tst]["text"].astype(str).tolist())
        score_s.append((time.perf_counter() - t) / len(tst))
        print(f"fold {k}: lexical {f1_score(y[tst], lexical[tst].argmax(1), average='macro'):.3f}, encoder "
              f"{f1_score(y[tst], encoded[tst].argmax(1), average='macro'):.3f}; fine-tuning {fit_s[-1]:.0f} s, "
              f"scoring {1000 * score_s[-1]:.1f} ms/sentence", flush=True)
    weight = float(params["train"]["encoder_weight"])
    blend = (1 - weight) * lexical + weight * encoded
    if save:
        np.savez(save, lexical=lexical, encoder=encoded, y=y)

    def f1(p, mask=slice(None)):
        return f1_score(y[mask], p[mask].argmax(1), average="macro")

    print(f"\n{'':28s}{'lexical':>9s}{'encoder':>9s}{'blend':>9s}  (blend: encoder weight {weight})")
    print(f"{'macro-F1':28s}{f1(lexical):9.3f}{f1(encoded):9.3f}{f1(blend):9.3f}")
    for corpus in ("yu:pubmed", "yu:eureka"):
        m = (yu["corpus"] == corpus).to_numpy()
        print(f"{'  macro-F1 ' + corpus:28s}{f1(lexical, m):9.3f}{f1(encoded, m):9.3f}{f1(blend, m):9.3f}")
    print("per-class F1 (0,1,2,3), blend:", np.round(f1_score(y, blend.argmax(1), average=None), 3).tolist())
    print("confusion (rows true 0-3, columns predicted), blend:")
    print(confusion_matrix(y, blend.argmax(1)))
    print("blend at other encoder weights:",
          ", ".join(f"{a:.1f}: {f1((1 - a) * lexical + a * encoded):.3f}" for a in np.arange(0.0, 1.01, 0.1)))
    print(f"fine-tuning: {np.mean(fit_s):.0f} s a fold; scoring: {1000 * np.mean(score_s):.1f} ms a sentence")
    print("target macro-F1 >= 0.85:", "MET" if f1(blend) >= 0.85 else "not met")


def exaggeration(df, params, data_dir) -> None:
    from sklearn.metrics import f1_score

    from pipeline.estimators import compare_strengths, make_strength_model, strength_training_rows
    from pipeline.finetune import make_encoder
    from quality import exaggeration_split

    pairs, train, n_excluded = exaggeration_split(df, data_dir)
    rows, w = strength_training_rows(train, params)
    lex = make_strength_model(params).fit(rows[TEXT_COLS], rows["strength"].astype(int), clf__sample_weight=w)
    own, own_w = strength_training_rows(train[train["corpus"].isin(params["finetune"]["corpora"])], params)
    enc = make_encoder(params).fit(own["text"].astype(str).tolist(), own["strength"].astype(int), sample_weight=own_w)
    texts = pairs["press_release_conclusion"].tolist() + pairs["abstract_conclusion"].tolist()
    import pandas as pd

    frame = pd.DataFrame({"text": texts, "context": "", "design": "unknown"})
    n, weight = len(pairs), float(params["train"]["encoder_weight"])
    gold = pairs["exaggeration_label"].to_numpy()
    y = np.r_[pairs["press_release_strength"].to_numpy(), pairs["abstract_strength"].to_numpy()]
    lexical, encoded = lex.predict_proba(frame), enc.predict_proba(texts)
    print(f"\n## Exaggeration, Wright & Augenstein pairs ({n}; trained without {n_excluded} rows of their studies "
          f"and sentences)")
    print(f"{'':34s}{'lexical':>9s}{'encoder':>9s}{'blend':>9s}")
    probas = {"lexical": lexical, "encoder": encoded, "blend": (1 - weight) * lexical + weight * encoded}
    labels = ["exaggerates", "same", "downplays"]
    rel = {k: compare_strengths(p[:n], p[n:], lex.classes_)[0] for k, p in probas.items()}
    print(f"{'relation macro-F1':34s}" + "".join(f"{f1_score(gold, r, average='macro', labels=labels):9.3f}"
                                                  for r in rel.values()))
    print(f"{'strength macro-F1 (200 sentences)':34s}" + "".join(
        f"{f1_score(y, np.asarray(lex.classes_)[p.argmax(1)], average='macro'):9.3f}" for p in probas.values()))
    f_rel = f1_score(gold, rel["blend"], average="macro", labels=labels)
    print("target relation macro-F1 >= 0.60 (blend):", "MET" if f_rel >= 0.60 else "not met")


if __name__ == "__main__":
    raise SystemExit(main())
