"""Model files: the label Pipeline, the strength model (a Pipeline, or ``encoder.StrengthBlend`` of a
Pipeline and the fine-tuned encoder's adapter arrays) and a card, saved with skops.

Loading never unpickles: skops rebuilds only types on the trusted list below (its own defaults
for scikit-learn, numpy and scipy, plus ``TRUSTED_TYPES``); any other type in a file is refused.
"""

from __future__ import annotations

import functools
import os
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ModelError

# Beyond skops' own defaults (scikit-learn, numpy, scipy), the only types a model file may hold.
TRUSTED_TYPES = (
    "pipeline.encoder.StrengthBlend",
    "pipeline.encoder.StrengthEncoder",
    "pipeline.features.ClaimFrame",
    "pipeline.features.CompactTfidf",
    "pipeline.features.CueFeatures",
    "pipeline.features.DesignCross",
    "pipeline.features.StrengthText",
    "pipeline.features.TextColumn",
    "pipeline.verdict.estimator.VerdictModel",
)
FORMAT = "claimcheck-model/1"


@dataclass
class ClaimModel:
    """A loaded model: the corpus ``label`` Pipeline, the ``strength`` model, the ``verdict`` model
    that reads both with the claim's page (None in files written before it) and the model card."""

    label: object
    strength: object
    card: dict
    path: str = ""
    verdict: object = None

    @property
    def classes(self) -> list[str]:
        return [str(c) for c in self.label.classes_]

    def scoring(self, params: dict | None = None) -> "ClaimModel":
        """This model as ``params`` ask to score with: without the strength encoder (the lexical
        strength model alone, about 10 ms a claim less) when ``classify.encoder`` is false."""
        use = ((params or {}).get("classify") or {}).get("encoder", True)
        if use or not hasattr(self.strength, "lexical"):
            return self
        return ClaimModel(label=self.label, strength=self.strength.lexical, card=self.card, path=self.path,
                          verdict=self.verdict)


def _sklearn_version() -> str:
    import sklearn

    return sklearn.__version__


def _minor(version: str) -> str:
    return ".".join(str(version).split(".")[:2])


def save_model(model: ClaimModel, path: str | Path) -> Path:
    """Write the model file (skops) atomically, and its card as JSON beside it."""
    from pipeline.torchless import skops_io

    sio = skops_io()

    from pipeline.atomic import atomic_open, write_json

    path = Path(path)
    card = dict(model.card, format=FORMAT)
    _plain_vocabularies((model.label, model.strength, model.verdict))
    with atomic_open(path, "wb") as fh:
        blob = {"label": model.label, "strength": model.strength, "card": card}
        if model.verdict is not None:
            blob["verdict"] = model.verdict
        fh.write(sio.dumps(blob, compression=zipfile.ZIP_DEFLATED))
    write_json(card_path(path), card)
    return path


def _plain_vocabularies(root) -> None:
    """Give every fitted text vectorizer a vocabulary of plain ``int`` values (in place).

    scikit-learn stores numpy integers there, and skops writes each numpy scalar as a file of its
    own: a model with 200,000 terms then has 200,000 files and takes many times longer to load."""
    from sklearn.feature_extraction.text import CountVectorizer

    seen, stack = set(), [root]
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, (str, bytes, int, float, bool)) or obj is None:
            continue
        seen.add(id(obj))
        if isinstance(obj, CountVectorizer) and isinstance(getattr(obj, "vocabulary_", None), dict):
            obj.vocabulary_ = {term: int(index) for term, index in obj.vocabulary_.items()}
        if isinstance(obj, dict):
            stack.extend(obj.values())
        elif isinstance(obj, (list, tuple)):
            stack.extend(obj)
        elif type(obj).__module__.split(".")[0] in ("sklearn", "pipeline"):
            stack.extend(vars(obj).values())


def card_path(path: str | Path) -> Path:
    """Where the human-readable model card of a model file lives."""
    path = Path(path)
    return path.with_name(path.stem + ".card.json")


def untrusted_types(path: str | Path) -> list[str]:
    """Types a model file asks for that are on no trusted list."""
    from pipeline.torchless import skops_io

    sio = skops_io()

    return sorted(t for t in sio.get_untrusted_types(file=str(path)) if t not in TRUSTED_TYPES)


def audit_model(path: str | Path) -> dict:
    """What a model file contains, without running anything in it."""
    from pipeline.torchless import skops_io

    sio = skops_io()

    path = Path(path)
    if not path.is_file():
        raise ModelError(f"{path}: no such model file")
    try:
        asked = sorted(sio.get_untrusted_types(file=str(path)))
    except Exception as exc:  # skops raises many kinds on a corrupt zip
        raise ModelError(f"{path}: not a readable skops model file ({exc})") from exc
    return {
        "path": str(path),
        "bytes": path.stat().st_size,
        "non_default_types": asked,
        "untrusted_types": [t for t in asked if t not in TRUSTED_TYPES],
    }


@functools.lru_cache(maxsize=4)
def _load_cached(path: str, mtime: float) -> ClaimModel:
    from pipeline.torchless import skops_io

    sio = skops_io()
    from skops.io.exceptions import UntrustedTypesFoundException

    # One pass: skops refuses any type that is neither its default nor in TRUSTED_TYPES before it
    # builds anything; the audit (a second full read) runs only to word the refusal.
    try:
        obj = sio.load(path, trusted=list(TRUSTED_TYPES))
    except UntrustedTypesFoundException:
        report = audit_model(path)
        raise ModelError(
            f"{path}: refused: the file asks for types that are not trusted: "
            f"{', '.join(report['untrusted_types'])}. Only load model files you or claimcheck made."
        ) from None
    except Exception as exc:
        if not zipfile.is_zipfile(path):
            audit_model(path)  # raises "not a readable skops model file"
        raise ModelError(f"{path}: cannot load model ({exc}); retrain with `claimcheck train`") from exc
    if not isinstance(obj, dict) or not {"label", "strength", "card"} <= set(obj):
        raise ModelError(f"{path}: not a claimcheck model file (expected label, strength and card)")
    card = obj["card"]
    made_with = card.get("versions", {}).get("scikit-learn", "unknown")
    if _minor(made_with) != _minor(_sklearn_version()):
        raise ModelError(
            f"{path}: made with scikit-learn {made_with}, but {_sklearn_version()} is installed; "
            f"retrain with `claimcheck train --out {path}` or install scikit-learn=={made_with}"
        )
    return ClaimModel(label=obj["label"], strength=obj["strength"], card=card, path=path,
                      verdict=obj.get("verdict"))


def load_model(path: str | Path) -> ClaimModel:
    """Load a model file safely (cached per process while the file is unchanged)."""
    path = Path(path)
    if not path.is_file():
        raise ModelError(
            f"{path}: model file not found. Build it with `claimcheck train --out {path}` "
            "(or `dvc repro train`), or pass --model."
        )
    with _LOADING:  # a file loaded by two threads at once would be built twice
        return _load_cached(str(path), path.stat().st_mtime)


_LOADING = threading.Lock()


def preload_model(path: str | Path, *, low_priority: bool = False) -> threading.Thread:
    """Start loading a model file in a background thread (the first ``load_model`` of it then waits
    for this one instead of loading it again). Errors are left to that call to raise.
    ``low_priority``: the thread only takes CPU time the rest of the machine leaves (Linux)."""
    def load() -> None:
        if low_priority and hasattr(os, "setpriority"):
            try:
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)  # this thread only (Linux)
            except OSError:
                pass  # elsewhere the id may not be a thread's: load at normal priority
        try:
            load_model(path)
        except Exception:  # noqa: BLE001 -- raised again, to the user, by the caller's own load
            pass

    thread = threading.Thread(target=load, name="claimcheck-model-load", daemon=True)
    thread.start()
    return thread
