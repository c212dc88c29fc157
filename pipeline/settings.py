"""Parameters: built-in defaults, overridden by params.yaml, then by env vars and flags."""

from __future__ import annotations

import copy
import os
from pathlib import Path

from pipeline.errors import ClaimcheckError

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATA_DIR_ENV = "CLAIMCHECK_DATA_DIR"
MODEL_ENV = "CLAIMCHECK_MODEL"
PARAMS_ENV = "CLAIMCHECK_PARAMS"

DEFAULTS: dict = {
    "data_dir": "../shared/datasets",
    "ingest": {"max_bytes": 20_000_000, "max_chars": 1_000_000, "fetch_timeout": 20, "fetch_deadline": 30,
               "fetch_max_bytes": 10_000_000},
    "extract": {"min_words": 4, "max_words": 120},
    "train": {
        "model": "models/claimcheck.skops",
        "seed": 13,
        "dev_percent": 20,
        "vocab_size": 20000,
        "strength_vocab_size": 40000,
        "C": 4.0,
        "strength_C": 10.0,
        "strength_insciout_weight": 0.5,
        "user_label_weight": 5.0,
        "encoder": "models/strength-encoder.skops",
        "encoder_weight": 0.5,
        "verdict_C": 0.15,
        "web_weight": 1.0,
        "corpus_weight": 1.0,
        "verdict_folds": 5,
        "embedding_scale": 0.5,
        "context_words": False,
        "balanced": False,
        "medium_confidence_weight": 0.7,
        "low_confidence_weight": 0.3,
        "words_scale": 3.0,
    },
    "finetune": {
        "out": "models/strength-encoder.skops",
        "corpora": ["yu:pubmed", "yu:eureka"],
        "rank": 16,
        "alpha": 32.0,
        "epochs": 4,
        "learning_rate": 0.0005,
        "batch_size": 32,
        "seed": 0,
    },
    "evaluate": {"metrics": "metrics/metrics.json", "plots_dir": "metrics"},
    "classify": {"abstain_threshold": 0.55, "rule_weight": 0.6, "encoder": True},
    "compare": {"align_threshold": 0.35, "story_threshold": 0.1, "story_designs": False},
}


def _merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in (over or {}).items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def params_path() -> Path | None:
    """The params.yaml in use: $CLAIMCHECK_PARAMS, ./params.yaml, or the project's own."""
    env = os.environ.get(PARAMS_ENV)
    if env:
        return Path(env)
    for candidate in (Path.cwd() / "params.yaml", PROJECT_DIR / "params.yaml"):
        if candidate.is_file():
            return candidate
    return None


def load_params(path: str | Path | None = None) -> dict:
    """Defaults merged with a params.yaml; adds ``_base`` (the folder relative paths start from)."""
    import yaml

    path = Path(path) if path else params_path()
    params = copy.deepcopy(DEFAULTS)
    base = PROJECT_DIR
    if path is not None:
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ClaimcheckError(f"{path}: cannot read parameters ({exc}); fix or remove the file") from exc
        if not isinstance(loaded, dict):
            raise ClaimcheckError(f"{path}: parameters must be a YAML mapping")
        params = _merge(params, loaded)
        base = path.resolve().parent
    params["_base"] = str(base)
    return params


def resolve(params: dict, value: str | Path) -> Path:
    """A path from params, relative to the params file's folder."""
    p = Path(value).expanduser()
    return p if p.is_absolute() else Path(params["_base"]) / p


def _chosen(flag, env_name: str, params: dict | None, key: tuple[str, ...]) -> Path:
    """A path from the flag, else the environment variable, else params.yaml (relative to it)."""
    if flag:
        return Path(flag).expanduser()
    env = os.environ.get(env_name)
    if env:
        return Path(env).expanduser()
    params = params or load_params()
    value = params
    for k in key:
        value = value[k]
    return resolve(params, value)


def data_dir(flag: str | Path | None = None, params: dict | None = None) -> Path:
    """The corpora folder: --data-dir, then $CLAIMCHECK_DATA_DIR, then params.yaml, then ../shared/datasets."""
    return _chosen(flag, DATA_DIR_ENV, params, ("data_dir",))


def model_path(flag: str | Path | None = None, params: dict | None = None) -> Path:
    """The model file: --model, then $CLAIMCHECK_MODEL, then params.yaml train.model."""
    return _chosen(flag, MODEL_ENV, params, ("train", "model"))
