"""The Dask worker plugin of ``--engine dask`` (imported only when that engine is used: it needs
``distributed``).

It carries the model file's bytes to every worker (also to workers that join later); the worker
writes them to its local directory, checks the hash, loads the model the usual safe way and loads
spaCy, once. :func:`pipeline.engines.process_batch` then finds the model by its sha256.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from distributed.diagnostics.plugin import WorkerPlugin


class ModelPlugin(WorkerPlugin):
    """Load the model (from bytes sent once) and spaCy on each worker."""

    idempotent = True  # registering the same model twice is a no-op

    def __init__(self, data: bytes, sha256: str):
        self.data, self.sha256 = data, sha256

    def setup(self, worker=None):
        from pipeline import engines
        from pipeline.atomic import atomic_open
        from pipeline.model import load_model

        base = Path(getattr(worker, "local_directory", None) or os.getcwd())
        path = base / f"claimcheck-{self.sha256[:16]}.skops"
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != self.sha256:
            with atomic_open(path, "wb") as fh:
                fh.write(self.data)
        with engines.MODEL_LOCK:
            engines.MODELS[self.sha256] = load_model(path)
        with engines.NLP_LOCK:
            engines.load_nlp_once()

    def teardown(self, worker=None):
        from pipeline import engines

        engines.MODELS.pop(self.sha256, None)
