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


def test_every_reply_and_action_the_actions_use_is_in_the_domain() -> None:
    import re

    import yaml

    domain: dict[str, set[str]] = {"responses": set(), "actions": set(), "forms": set()}
    for path in (ROOT / "domain").glob("*.yml"):
        part = yaml.safe_load(path.read_text())
        for section in domain:
            domain[section] |= set(part.get(section) or [])
    code = "\n".join(p.read_text() for p in (ROOT / "actions").glob("*.py"))
    # every reply named anywhere in the actions: response="…", a form's hint_response = "…",
    # the side-question table, the ways out
    responses = set(re.findall(r'"(utter_\w+)"', code))
    actions = set(re.findall(r'action_name = "(\w+)"', code))
    forms = set(re.findall(r'^    form = "(\w+)"', code, re.M))
    assert len(responses) > 40
    assert sorted(responses - domain["responses"]) == []
    assert sorted(actions - domain["actions"]) == []
    assert forms == domain["forms"]
    # every ask action a form has is declared, for a slot that form asks for
    asked = set(re.findall(r'"action_ask_(\w+)"', code)) | {
        f"{form}_target_order" for form in forms - {"order_form"}
    }
    assert {f"action_ask_{a}" for a in asked} <= domain["actions"]
