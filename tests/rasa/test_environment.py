"""The Rasa environment is the one the lock describes, and Rasa starts without telemetry."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"


def locked_versions() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements" / "rasa.lock").read_text().splitlines():
        if "==" in line and not line.startswith(("#", " ")):
            name, version = line.split("==")
            pins[name.strip().lower()] = version.strip()
    return pins


def test_installed_versions_are_the_locked_ones() -> None:
    script = (
        "import importlib.metadata as m\n"
        "for name in ('rasa', 'rasa-sdk', 'tensorflow', 'numpy', 'httpx', 'dateparser'):\n"
        "    print(name, m.version(name))\n"
    )
    output = subprocess.run(
        [RASA_PYTHON, "-c", script], check=True, capture_output=True, text=True
    ).stdout
    installed = dict(line.split() for line in output.splitlines())
    pins = locked_versions()
    assert installed["rasa"] == "3.6.21"
    for name, version in installed.items():
        assert pins[name] == version, name


def test_rasa_runs_with_telemetry_off() -> None:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    result = subprocess.run(
        [ROOT / ".venv-rasa" / "bin" / "rasa", "telemetry", "--help"],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    import_check = subprocess.run(
        [
            RASA_PYTHON,
            "-c",
            "from rasa.telemetry import is_telemetry_enabled; print(is_telemetry_enabled())",
        ],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert import_check.stdout.strip().splitlines()[-1] == "False"
