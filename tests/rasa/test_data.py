"""The assistant's domain and training data are consistent (`rasa data validate`)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_rasa_data_validate_finds_no_errors() -> None:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
    result = subprocess.run(
        [
            ROOT / ".venv-rasa" / "bin" / "rasa",
            "data",
            "validate",
            "--domain",
            "domain",
            "--data",
            "data",
            "--config",
            "config.yml",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    # The same sentence must never be taught as two intents.
    assert "labeled with multiple different intents" not in result.stdout + result.stderr


def test_lookup_tables_name_every_seeded_sku() -> None:
    from erp_backend.services.seed_data import PRODUCTS

    lookups = (ROOT / "data" / "nlu" / "lookups" / "catalog.yml").read_text()
    for sku, *_ in PRODUCTS:
        assert f"    - {sku}\n" in lookups, sku
