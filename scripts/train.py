"""Train the assistant's model only when what it learns from changed.

Run in the Rasa environment: `.venv-rasa/bin/python scripts/train.py` prints the model's
path. The model is `models/<fingerprint>.tar.gz`, the fingerprint a SHA-256 of config.yml,
domain/, data/ and the pipeline's own components in nlu_components/ (paths and contents), and
`models/current.tar.gz` points at the latest.
The test suite and the run command call this, so one test run trains at most once, and not
at all when nothing changed since the last run on this machine.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "models"
INPUTS = ("config.yml", "domain", "data", "nlu_components")


def fingerprint(root: Path = ROOT) -> str:
    digest = hashlib.sha256()
    for name in INPUTS:
        path = root / name
        files = (
            sorted(p for p in path.rglob("*") if p.suffix in (".yml", ".py"))
            if path.is_dir()
            else [path]
        )
        for file in files:
            digest.update(str(file.relative_to(root)).encode() + b"\0")
            digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def trained_model(root: Path = ROOT) -> Path:
    """The model for the current config, domain and data; trained when missing."""
    name = fingerprint(root)
    model = MODELS / f"{name}.tar.gz"
    if not model.exists():
        MODELS.mkdir(exist_ok=True)
        started = time.monotonic()
        env = {
            **os.environ,
            "RASA_TELEMETRY_ENABLED": "false",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        }
        subprocess.run(  # noqa: S603 - our own rasa executable, fixed arguments
            [
                str(Path(sys.executable).parent / "rasa"),
                "train",
                "--config",
                "config.yml",
                "--domain",
                "domain",
                "--data",
                "data",
                "--out",
                str(MODELS),
                "--fixed-model-name",
                name,
            ],
            cwd=root,
            env=env,
            check=True,
            stdout=sys.stderr,
        )
        print(f"trained {model.name} in {time.monotonic() - started:.0f} s", file=sys.stderr)
    current = MODELS / "current.tar.gz"
    current.unlink(missing_ok=True)
    current.symlink_to(model.name)
    return model


if __name__ == "__main__":
    print(trained_model())
