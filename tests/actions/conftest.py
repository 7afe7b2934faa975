"""A real ERP process for the actions' tests, started from the main environment.

These tests run in the Rasa environment (`.venv-rasa`), so they start the ERP the way the
product does, as its own process (`.venv/bin/erp-backend`), on a fresh seeded SQLite file."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


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
    port = _free_port()
    log = (folder / "erp.log").open("w")
    process = subprocess.Popen(
        [ERP, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the ERP did not start; see {folder / 'erp.log'}")
            time.sleep(0.1)
        yield RunningErp(url, service_key, rep_key, manager_key)
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
