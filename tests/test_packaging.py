"""A plain, non-editable `pip install .` into a new virtual environment carries the default model."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_plain_install_runs_check_from_any_directory(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run(pip + ["torch==2.13.0"], check=True)
    subprocess.run(pip + [str(ROOT)], check=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    article = elsewhere / "draft.txt"
    article.write_text('"These thugs are a disgrace," the mayor said. That month, the Russian "peacekeepers" left.',
                       encoding="utf-8")
    env = {"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([str(venv / "bin" / "framing"), "check", str(article), "--json"], cwd=elsewhere,
                         check=True, capture_output=True, text=True, env=env)
    data = json.loads(out.stdout)
    # the shipped model's sentence head and quotation-mark head (for voice) both travel with the package
    assert [(s["biased"], s["voice"]) for s in data["sentences"]] == [(True, "quoted"), (True, "writer")]
    installed = subprocess.run([str(venv / "bin" / "python"), "-c",
                                "import framing.modeling as m; print(m.default_model_dir())"],
                               cwd=elsewhere, check=True, capture_output=True, text=True).stdout.strip()
    assert "site-packages" in installed
