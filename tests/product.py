"""The product's processes, started as `make run` starts them, for tests in either environment.

Only the standard library and httpx are used here, so the Rasa environment's action tests and
the main environment's end-to-end tests share it: a seeded ERP, the trained model (trained
once per change of config/domain/data, scripts/train.py), and Rasa with its action server.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from rasa_gateway.signing import sign
from tests.live_server import free_port, process_serving, serving

ROOT = Path(__file__).resolve().parents[1]
ERP_CLI = ROOT / ".venv" / "bin" / "erp-backend"
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"


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

    def link_code(self, customer_code: str | None = None, principal_name: str | None = None) -> str:
        """A one-time code that links a chat to a customer's contact or to a staff member
        (what staff hand out)."""
        whom = {"customer_code": customer_code, "principal_name": principal_name}
        with self.as_manager() as manager:
            created = manager.post(
                "/identity/link-codes", json={key: value for key, value in whom.items() if value}
            )
            created.raise_for_status()
            code: str = created.json()["code"]
            return code

    def link(
        self, chat: str, customer_code: str | None = None, principal_name: str | None = None
    ) -> None:
        """Link a chat to a customer's contact or a staff member, as "link <code>" does."""
        linked = httpx.post(
            f"{self.url}/api/v1/identity/links",
            json={"code": self.link_code(customer_code, principal_name)},
            headers={"Authorization": f"Bearer {self.service_key}", "X-Chat-Identity": chat},
        )
        linked.raise_for_status()


@contextmanager
def seeded_erp(folder: Path) -> Iterator[RunningErp]:
    """`erp-backend serve` on a fresh SQLite file with the demo data and keys for the tests."""
    env = {**os.environ, "ERP_DATABASE_URL": f"sqlite:///{folder / 'erp.db'}"}

    def cli(*args: str) -> str:
        return subprocess.run(
            [ERP_CLI, *args], env=env, check=True, capture_output=True, text=True
        ).stdout.strip()

    cli("migrate")
    cli("seed", "--demo")
    service_key = cli("create-key", "--role", "service", "--name", "rasa-actions")
    rep_key = cli("create-key", "--role", "sales_rep", "--name", "tom.becker")
    manager_key = cli("create-key", "--role", "manager", "--name", "maria.lopez")
    with serving(env["ERP_DATABASE_URL"], erp_command=[str(ERP_CLI)]) as url:
        yield RunningErp(url, service_key, rep_key, manager_key)


def trained_model() -> Path:
    """The trained model: trained once, and only when config, domain or data changed."""
    log = ROOT / "test-artifacts" / "rasa-train.log"
    log.parent.mkdir(exist_ok=True)
    with log.open("w") as progress:
        trained = subprocess.run(
            [str(RASA_PYTHON), str(ROOT / "scripts" / "train.py")],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=progress,
            text=True,
            check=False,
        )
    if trained.returncode != 0:
        raise RuntimeError(f"training failed; see {log}")
    return Path(trained.stdout.strip().splitlines()[-1])


@dataclass(frozen=True)
class RunningAssistant:
    """Rasa and the action server, started as the product runs them, with a real ERP."""

    url: str
    erp: RunningErp

    def say(self, sender: str, text: str, language: str = "en") -> list[dict[str, Any]]:
        """One user turn over Rasa's gateway channel, signed as the gateway signs, in the
        language the gateway chose for it: the replies."""
        turn = {"sender": sender, "message": text, "metadata": {"language": language}}
        body = json.dumps(turn).encode()
        response = httpx.post(
            f"{self.url}/webhooks/gateway/webhook",
            content=body,
            headers={"Content-Type": "application/json", **sign(RASA_SECRET, body)},
            timeout=60,
        )
        response.raise_for_status()
        replies: list[dict[str, Any]] = response.json()
        return replies


# What the test gateways and Rasa servers share: Rasa takes only turns the gateway signed.
RASA_SECRET = "test-rasa-secret-" + "x" * 32
ACTION_TOKEN = "test-action-token-" + "z" * 32

RASA_ENV = {
    "SANIC_HOST": "127.0.0.1",  # the action server's interface (rasa_sdk reads it)
    "GATEWAY_RASA_SECRET": RASA_SECRET,  # credentials.yml: the gateway channel's secret
    "ACTION_SERVER_TOKEN": ACTION_TOKEN,  # what Rasa sends and the action server checks
    "RASA_TELEMETRY_ENABLED": "false",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
}


def rasa_command(model: Path, endpoints: Path, port: int, *more: str) -> list[str]:
    """`rasa run` as the product runs it, on loopback, with the HTTP API on (tests read it)."""
    return [
        *(str(RASA), "run", "--enable-api", "--model", str(model)),
        *("--endpoints", str(endpoints), "--credentials", "credentials.yml"),
        *("--interface", "127.0.0.1", "--port", str(port), *more),
    ]


@contextmanager
def running_actions(erp: RunningErp) -> Iterator[str]:
    """The action server (`rasa run actions` behind Rasa's token, as `make run` starts it)
    on loopback, talking to `erp`: its base URL."""
    port = free_port()
    env = {**os.environ, "ERP_URL": erp.url, "ERP_SERVICE_KEY": erp.service_key, **RASA_ENV}
    command = [str(RASA_PYTHON), "-m", "rasa_gateway.action_server"]
    command += ["--port", str(port), "--actions", "actions"]
    base = f"http://127.0.0.1:{port}"
    with process_serving("actions", command, env, base, "/health", timeout=90, cwd=str(ROOT)):
        yield base


@contextmanager
def running_assistant(erp: RunningErp, model: Path, folder: Path) -> Iterator[RunningAssistant]:
    """`rasa run actions` and `rasa run` on loopback, the action server talking to `erp`."""
    with running_actions(erp) as actions_url:
        endpoints = folder / "endpoints.yml"
        endpoints.write_text(
            f'action_endpoint:\n  url: "{actions_url}/webhook"\n'
            f"  headers:\n    X-Action-Token: {ACTION_TOKEN}\n"
        )
        port = free_port()
        rasa_url = f"http://127.0.0.1:{port}"
        env = {**os.environ, **RASA_ENV}
        command = rasa_command(model, endpoints, port)
        with process_serving("rasa", command, env, rasa_url, "/status", timeout=240, cwd=str(ROOT)):
            yield RunningAssistant(rasa_url, erp)


@contextmanager
def running_gateway(erp: RunningErp, rasa_url: str, folder: Path) -> Iterator[str]:
    """The gateway (`python -m bot`, main environment) in front of `rasa_url`, on loopback,
    with its own state file and limits no test reaches: its base URL."""
    port = free_port()
    env = {
        **os.environ,
        "ERP_URL": erp.url,
        "ERP_SERVICE_KEY": erp.service_key,
        "RASA_URL": rasa_url,
        "GATEWAY_PORT": str(port),
        "GATEWAY_SECRET": "test-gateway-secret-" + port.__str__(),
        "GATEWAY_RASA_SECRET": RASA_SECRET,
        "GATEWAY_DATABASE_URL": f"sqlite:///{folder / 'gateway.db'}",
        "GATEWAY_SESSIONS_PER_HOUR": "100000",
        "GATEWAY_MESSAGES_PER_MINUTE": "100000",
    }
    env.pop("TELEGRAM_BOT_TOKEN", None)
    base = f"http://127.0.0.1:{port}"
    command = [str(ROOT / ".venv" / "bin" / "python"), "-m", "bot"]
    with process_serving("gateway", command, env, base, "/health", timeout=60, cwd=str(ROOT)):
        yield base
