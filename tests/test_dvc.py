"""The DVC pipeline is valid and each stage calls a real claimcheck command."""

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def dvc(*args):
    exe = shutil.which("dvc") or str(Path(sys.executable).parent / "dvc")
    return subprocess.run([exe, *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_dvc_reads_the_pipeline():
    result = dvc("stage", "list")
    assert result.returncode == 0, result.stderr
    for stage in ("finetune", "train", "evaluate", "extract", "classify", "report"):
        assert stage in result.stdout


def test_stages_call_existing_commands_with_declared_params():
    from click.testing import CliRunner

    from pipeline.cli import main

    spec = yaml.safe_load((ROOT / "dvc.yaml").read_text())
    params = yaml.safe_load((ROOT / "params.yaml").read_text())
    for name, stage in spec["stages"].items():
        words = stage["cmd"].split()
        assert words[0] == "claimcheck", name
        assert CliRunner().invoke(main, [words[1], "--help"]).exit_code == 0, name
        for p in stage.get("params", []):
            assert p.split(".")[0] in params, (name, p)


def test_metrics_and_plots_are_declared():
    spec = yaml.safe_load((ROOT / "dvc.yaml").read_text())["stages"]["evaluate"]
    assert any("metrics.json" in next(iter(m)) for m in spec["metrics"])
    assert len(spec["plots"]) == 2
