"""Imports that would pull in PyTorch for nothing, made without it.

``make test`` installs PyTorch (for ``claimcheck finetune``), and two libraries import it whenever it
is installed: thinc (spaCy's network library, for wrappers claimcheck never uses) and skops (which
lists scikit-learn's modules, among them its PyTorch array adapter). That costs about 1.5 s and
190 MB in every process that only scores. PyTorch is hidden while they are first imported;
importing it afterwards (fine-tuning) still works.
"""

from __future__ import annotations

import contextlib
import sys
import threading


class _NoTorch:
    """An import hook that makes ``import torch`` fail as if PyTorch were not installed (nothing
    goes into sys.modules, which other libraries inspect)."""

    def find_spec(self, name, path=None, target=None):
        if name == "torch" or name.startswith("torch."):
            raise ModuleNotFoundError(f"No module named {name!r} (hidden by claimcheck)", name=name)
        return None


_FINDER = _NoTorch()
_LOCK = threading.Lock()
_depth = 0  # threads inside torch_hidden (the model preload and the spaCy load overlap)


@contextlib.contextmanager
def torch_hidden():
    """While active, ``import torch`` raises ImportError (unless torch is already imported)."""
    global _depth
    with _LOCK:
        if _depth == 0 and "torch" not in sys.modules:
            sys.meta_path.insert(0, _FINDER)
        _depth += 1
    try:
        yield
    finally:
        with _LOCK:
            _depth -= 1
            if _depth == 0 and _FINDER in sys.meta_path:
                sys.meta_path.remove(_FINDER)


def skops_io():
    """The ``skops.io`` module, imported without PyTorch."""
    with torch_hidden():
        import skops.io

    return skops.io
