"""Train stage: build the label and strength models from the corpora and the user's own labels."""

from __future__ import annotations

import hashlib
import platform
import re
from pathlib import Path

from pipeline import corpora
from pipeline.errors import ModelError
from pipeline.model import ClaimModel, save_model

_SPACE = re.compile(r"\s+")


def _key(text: str) -> str:
    return _SPACE.sub(" ", str(text)).strip().lower()


def user_rows(label_rows: list[dict]):
    """The user's label rows as a training frame (corpus 'user')."""
    import pandas as pd

    from pipeline.features import normalise_design

    return pd.DataFrame(
        {
            "text": [r["text"] for r in label_rows],
            "context": [r.get("context", "") for r in label_rows],
            "design": [normalise_design(r.get("design")) for r in label_rows],
            "strength": pd.array([pd.NA] * len(label_rows), dtype="Int64"),
            "label": [r["label"] for r in label_rows],
            "study": ["user:" + hashlib.sha1(_key(r["text"]).encode()).hexdigest()[:12] for r in label_rows],
            "corpus": "user",
            "role": [r.get("source", "") for r in label_rows],
            "nonhuman_study": False,
        }
    )


def training_frame(data_dir: Path, params: dict, label_rows: list[dict] = ()):
    """Corpus rows (with a stable ``split``) plus user rows; user labels replace corpus labels of the same text."""
    import pandas as pd

    from pipeline.splits import add_split

    df = add_split(corpora.load_corpora(data_dir), params["train"]["dev_percent"])
    if label_rows:
        users = add_split(user_rows(list(label_rows)), 0)
        user_keys = set(users["text"].map(_key))
        clash = df["text"].map(_key).isin(user_keys)
        df.loc[clash, "label"] = None  # the user's verdict wins over the corpus mapping
        df = pd.concat([df, users], ignore_index=True)
    return df


def _weights(frame, params):
    import numpy as np

    w = np.ones(len(frame))
    w[(frame["corpus"] == "user").to_numpy()] = float(params["train"]["user_label_weight"])
    return w


def fit_models(df, params: dict) -> tuple[object, object]:
    """Fit the label and strength Pipelines on the ``train`` rows of a training frame."""
    from pipeline import estimators

    train = df[df["split"] == "train"]
    augment = getattr(estimators, "augment_unknown_design", None)
    labelled = train[train["label"].notna()]
    if augment is not None:
        labelled = augment(labelled)
    label_model = estimators.make_label_model(params)
    label_model.fit(
        labelled[["text", "context", "design"]], labelled["label"].astype(str),
        clf__sample_weight=_weights(labelled, params),
    )
    graded, strength_weights = estimators.strength_training_rows(train, params)
    strength_model = estimators.make_strength_model(params)
    strength_model.fit(
        graded[["text", "context", "design"]], graded["strength"].astype(int), clf__sample_weight=strength_weights
    )
    return label_model, with_encoder(strength_model, df, params)


def with_encoder(lexical, df, params: dict):
    """The lexical strength model blended with the fine-tuned encoder named by ``train.encoder``
    (unchanged when that is empty). ModelError if the encoder learnt from other strength rows."""
    from pipeline import settings
    from pipeline.encoder import StrengthBlend
    from pipeline.finetune import encoder_rows, fingerprint, load_encoder

    name = params["train"].get("encoder")
    if not name:
        return lexical
    path = settings.resolve(params, name)
    encoder, card = load_encoder(path)
    if card["fingerprint"] != fingerprint(*encoder_rows(df, params)):
        raise ModelError(
            f"{path} was fine-tuned on other strength rows than these corpora give (changed corpora, "
            "dev_percent or finetune params); rebuild it with `claimcheck finetune` (or `dvc repro`), "
            "or set train.encoder to '' in params.yaml")
    blend = StrengthBlend(lexical=lexical, encoder=encoder, encoder_weight=float(params["train"]["encoder_weight"]))
    blend.classes_ = lexical.classes_
    blend.card_ = {k: card[k] for k in ("base", "fingerprint", "rows", "params")}
    return blend


def model_card(df, params: dict, data_dir: Path, label_files=()) -> dict:
    """What went into a model: versions, classes, data hashes, params, row counts (no timestamps)."""
    import numpy
    import sklearn
    import skops

    from pipeline import __version__

    train = df[df["split"] == "train"]
    return {
        "versions": {
            "claimcheck": __version__,
            "scikit-learn": sklearn.__version__,
            "skops": skops.__version__,
            "numpy": numpy.__version__,
            "python": platform.python_version(),
        },
        "classes": {"label": ["hedged", "supported", "overstated"], "strength": [0, 1, 2, 3]},
        "training_data": {
            rel: corpora.file_sha256(Path(data_dir) / rel) for rel in corpora.CORPUS_FILES
        }
        | {f"labels:{Path(p).name}": corpora.file_sha256(Path(p)) for p in label_files},
        "rows": {
            "label": {str(k): int(v) for k, v in train[train["label"].notna()].groupby("corpus").size().items()},
            "strength": {
                str(k): int(v) for k, v in train[train["strength"].notna()].groupby("corpus").size().items()
            },
        },
        "split": "by study: InSciOut trial studies and a hashed share of other studies are held out",
        "params": params["train"],
    }


def train(data_dir: Path, out: Path, params: dict, label_files=(), log=None) -> ClaimModel:
    """Train both models and write the model file and its card to ``out``."""
    from pipeline.labels import read_label_files

    label_rows = read_label_files(label_files) if label_files else []
    df = training_frame(data_dir, params, label_rows)
    label_model, strength_model = fit_models(df, params)
    card = model_card(df, params, data_dir, label_files)
    if getattr(strength_model, "card_", None):
        card["strength_encoder"] = dict(strength_model.card_, weight=strength_model.encoder_weight)
    model = ClaimModel(label=label_model, strength=strength_model, card=card)
    model.verdict, card["verdict"] = fit_verdict_model(df, model, data_dir, params, log=log)
    save_model(model, out)
    return model


def fit_verdict_model(df, model: ClaimModel, data_dir: Path, params: dict, *, log=None):
    """The verdict model over ``model``'s corpus and strength models, calibrated on out-of-fold
    predictions; and what the card says of it."""
    from collections import Counter

    from pipeline.verdict import training

    rows = training.verdict_rows(df, data_dir, params, log=log)
    feats = training.inputs(rows.claims, model)
    verdict = training.fit_verdict(rows, feats, params)
    temperatures = training.calibrate(verdict, rows, training.out_of_fold(rows, feats, params))
    card = {
        "rows": {k: int(v) for k, v in sorted(Counter(o.split(":")[0] if o.startswith("webclaims") else o
                                                      for o in rows.origin).items())},
        "temperature": {k: {n: round(float(t), 4) for n, t in sorted(v.items())} for k, v in sorted(temperatures.items())},
        "encoder_vector": verdict.full_ is not None,
        "split": "webclaims pages by a hash of the page id: train and dev only (test is never read)",
    }
    return verdict, card
