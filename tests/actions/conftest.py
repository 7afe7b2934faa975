"""A real ERP process for the actions' tests, started from the main environment.

These tests run in the Rasa environment (`.venv-rasa`), so they start the ERP the way the
product does, as its own process (`.venv/bin/erp-backend`), on a fresh seeded SQLite file.
`tests/live_server.py` needs only the standard library and httpx, so both environments use it."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.live_server import serving

ROOT = Path(__file__).resolve().parents[2]
ERP = ROOT / ".venv" / "bin" / "erp-backend"


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
