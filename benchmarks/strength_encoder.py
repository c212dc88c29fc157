"""Strength 0-3 with the fine-tuned encoder: Yu et al. sentences, k-fold grouped by PMID.

For each fold (the same GroupKFold splits as benchmarks/quality.py): the lexical strength model
(Yu training rows + InSciOut, as quality.py), the encoder fine-tuned with ``claimcheck finetune``'s
code and params on the fold's Yu training rows, and their blend at ``train.encoder_weight``.
Prints macro-F1 of each, the blend at other weights (for information: the weight was set before
this ran), and the encoder's scoring speed. Needs PyTorch; about 6 minutes a fold on 2 cores.

    .venv/bin/python benchmarks/strength_encoder.py [--folds 5] [--save probas.npz]
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
    import pandas as pd
    from sklearn.metrics import confusion_matrix, f1_score
    from sklearn.model_selection import GroupKFold

    from pipeline import settings
    from pipeline.corpora import load_corpora
    from pipeline.estimators import make_strength_model, strength_training_rows
    from pipeline.finetune import make_encoder
    from quality import with_causal_code

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--save", help="write the out-of-fold probabilities (npz) here")
    args = ap.parse_args(argv)
    params = settings.load_params()
    data_dir = settings.data_dir(args.data_dir, params)
    df = with_causal_code(load_corpora(data_dir), data_dir)
    yu = df[df["corpus"].isin(["yu:pubmed", "yu:eureka"])].reset_index(drop=True)
    extra = df[df["corpus"].astype(str).str.startswith("insciout") & df["strength"].notna()]
    y = yu["strength"].astype(int).to_numpy()
    lexical, encoded = np.zeros((len(yu), 4)), np.zeros((len(yu), 4))
    fit_s, score_s = [], []
    print(f"# strength encoder, {args.folds}-fold by PMID on {len(yu)} Yu et al. sentences (data: {data_dir})")
    for k, (trn, tst) in enumerate(GroupKFold(args.folds).split(yu, groups=yu["study"])):
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
    if args.save:
        np.savez(args.save, lexical=lexical, encoder=encoded, y=y)

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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
