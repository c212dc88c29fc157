"""Stable train/dev splits by study: a study's side never changes as data grows."""

from __future__ import annotations

import hashlib

DEV_CORPORA = {"insciout:trial_data"}  # whole corpora kept for development figures
TRAIN_CORPORA = {"user"}  # never held out (the InSciOut before-after studies are split by hash like the rest:
# their held-out share teaches the verdict model the research-news register)


def study_bucket(study: str) -> int:
    """0-99, from a hash of the study id (not Python's salted hash)."""
    return int(hashlib.sha1(str(study).encode("utf-8")).hexdigest()[:8], 16) % 100


def split_of(study: str, corpus: str, dev_percent: int) -> str:
    """'dev' or 'train' for a row of this study and corpus."""
    if corpus in DEV_CORPORA:
        return "dev"
    if corpus in TRAIN_CORPORA:
        return "train"
    return "dev" if study_bucket(study) < dev_percent else "train"


def add_split(df, dev_percent: int):
    """The frame with a ``split`` column."""
    df = df.copy()
    df["split"] = [split_of(s, c, dev_percent) for s, c in zip(df["study"], df["corpus"])]
    return df
