"""Scoring processes do not import PyTorch (thinc and skops would, when it is installed), and
fine-tuning still can."""

import subprocess
import sys

import pytest


def test_spacy_and_model_load_without_importing_torch_which_stays_importable():
    pytest.importorskip("torch")  # only meaningful where PyTorch is installed (make test installs it)
    code = (
        "import sys\n"
        "from pipeline.nlp import load_nlp\n"
        "from pipeline.model import load_model\n"
        "load_nlp(); load_model('models/claimcheck.skops')\n"
        "print('torch' in sys.modules)\n"
        "import torch\n"
        "print(torch.tensor([1.0]).sum().item())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         cwd=__import__("pathlib").Path(__file__).resolve().parent.parent)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "1.0"]
