"""A real ERP process for the actions' tests, started from the main environment.

These tests run in the Rasa environment (`.venv-rasa`), so they start the ERP the way the
product does, as its own process (`.venv/bin/erp-backend`), on a fresh seeded SQLite file.
`tests/live_server.py` needs only the standard library and httpx, so both environments use it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.live_server import free_port, process_serving, serving

ROOT = Path(__file__).resolve().parents[2]
ERP = ROOT / ".venv" / "bin" / "erp-backend"
RASA = Path(sys.executable).parent / "rasa"


@dataclass(frozen=True)
class RunningErp:
    url: str
    service_key: str
    rep_key: str
    manager_key: str

    def as_rep(self) -> httpx.Client:
        return self._as(self.rep_key)

    def as_manager(self) -> httpx.Client:
        return self._as(self.manager_key)

    def _as(self, key: str) -> httpx.Client:
        return httpx.Client(
            base_url=self.url + "/api/v1", headers={"Authorization": f"Bearer {key}"}, timeout=30
        )


@pytest.fixture(scope="session")
def erp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningErp]:
    folder = tmp_path_factory.mktemp("erp")
    env = {**os.environ, "ERP_DATABASE_URL": f"sqlite:///{folder / 'erp.db'}"}

    def cli(*args: str) -> str:
        return subprocess.run(
            [ERP, *args], env=env, check=True, capture_output=True, text=True
        ).stdout.strip()

    cli("migrate")
    cli("seed", "--demo")
    service_key = cli("create-key", "--role", "service", "--name", "rasa-actions")
    rep_key = cli("create-key", "--role", "sales_rep", "--name", "tom.becker")
    manager_key = cli("create-key", "--role", "manager", "--name", "maria.lopez")
    with serving(env["ERP_DATABASE_URL"], erp_command=[str(ERP)]) as url:
        yield RunningErp(url, service_key, rep_key, manager_key)


@dataclass(frozen=True)
class RunningAssistant:
    """Rasa and the action server, started as the product runs them, with a real ERP."""

    url: str
    erp: RunningErp

    def say(self, sender: str, text: str) -> list[dict[str, Any]]:
        """One user turn over Rasa's REST channel (what the gateway uses): the replies."""
        response = httpx.post(
            f"{self.url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            timeout=60,
        )
        response.raise_for_status()
        replies: list[dict[str, Any]] = response.json()
        return replies


@pytest.fixture(scope="session")
def model() -> Path:
    """The trained model: trained once, and only when config, domain or data changed."""
    log = ROOT / "test-artifacts" / "rasa-train.log"
    log.parent.mkdir(exist_ok=True)
    with log.open("w") as progress:
        trained = subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "train.py")],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=progress,
            text=True,
            check=False,
        )
    assert trained.returncode == 0, f"training failed; see {log}"
    return Path(trained.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="session")
def assistant(
    erp: RunningErp, model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningAssistant]:
    actions_port, rasa_port = free_port(), free_port()
    endpoints = tmp_path_factory.mktemp("rasa") / "endpoints.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n')
    env = {
        **os.environ,
        "ERP_URL": erp.url,
        "ERP_SERVICE_KEY": erp.service_key,
        "SANIC_HOST": "127.0.0.1",  # the action server's interface (rasa_sdk reads it)
        "RASA_TELEMETRY_ENABLED": "false",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    }
    actions = [str(RASA), "run", "actions", "--port", str(actions_port), "--actions", "actions"]
    rasa = [
        *(str(RASA), "run", "--enable-api", "--model", str(model)),
        *("--endpoints", str(endpoints), "--credentials", "credentials.yml"),
        *("--interface", "127.0.0.1", "--port", str(rasa_port)),
    ]
    actions_url = f"http://127.0.0.1:{actions_port}"
    rasa_url = f"http://127.0.0.1:{rasa_port}"
    with (
        process_serving("actions", actions, env, actions_url, "/health", timeout=90, cwd=str(ROOT)),
        process_serving("rasa", rasa, env, rasa_url, "/status", timeout=240, cwd=str(ROOT)),
    ):
        yield RunningAssistant(rasa_url, erp)
