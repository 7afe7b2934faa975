"""One request id follows a turn: gateway → Rasa (REST channel metadata) → action → ERP.

The gateway and the ERP run as their own processes with JSON logs; Rasa is the stand-in of
tests/bot/peers.py (it records the metadata it was sent); the action's part is played by the
actions' ERP client inside the turn's request scope, as actions/base.py runs it (the step
from the tracker's metadata to that scope is tested in tests/actions/test_erp_client.py).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from actions.erp_client import ErpClient
from erp_backend.db.engine import make_engine, make_session_factory
from erp_backend.db.migrate import upgrade
from telemetry.logs import request_scope
from tests.bot.peers import RasaRest
from tests.live_server import free_port, server_process
from tests.product import RASA_SECRET
from tests.world import World, build_world

ERP_LOG = "erp.log"
GATEWAY_LOG = "gateway.log"


def json_lines(path: Path) -> list[dict[str, Any]]:
    """The log's JSON objects; any line that is not one fails the test."""
    lines = []
    for line in path.read_text().splitlines():
        if line.strip():
            parsed = json.loads(line)
            assert {"time", "level", "logger", "message", "request_id"} <= parsed.keys(), line
            lines.append(parsed)
    return lines


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    """A small business in a fresh SQLite file (the request id does not depend on the
    database; the crash and BOLA tests cover both)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'erp.db'}")
    upgrade(engine)
    yield build_world(make_session_factory(engine))
    engine.dispose()


@pytest.fixture
def erp(world: World, tmp_path: Path) -> Iterator[str]:
    database_url = f"sqlite:///{tmp_path / 'erp.db'}"
    port = free_port()
    env = {**os.environ, "ERP_DATABASE_URL": database_url, "LOG_FORMAT": "json"}
    command = [sys.executable, "-m", "erp_backend", "serve", "--port", str(port)]
    base = f"http://127.0.0.1:{port}"
    log = str(tmp_path / ERP_LOG)
    with server_process("ERP", command, env, base, "/api/v1/health", log_path=log):
        yield base


@pytest.fixture
def gateway(rasa: RasaRest, tmp_path: Path) -> Iterator[str]:
    port = free_port()
    env = {
        **os.environ,
        "RASA_URL": rasa.url,
        "GATEWAY_PORT": str(port),
        "GATEWAY_SECRET": "test-gateway-secret",
        "GATEWAY_RASA_SECRET": RASA_SECRET,
        "GATEWAY_DATABASE_URL": f"sqlite:///{tmp_path / 'gateway.db'}",
        "TELEGRAM_BOT_TOKEN": "",
        "LOG_FORMAT": "json",
    }
    command = [sys.executable, "-m", "bot"]
    base = f"http://127.0.0.1:{port}"
    log = str(tmp_path / GATEWAY_LOG)
    with server_process("gateway", command, env, base, "/health", log_path=log):
        yield base


def with_id(lines: list[dict[str, Any]], request_id: str) -> list[dict[str, Any]]:
    return [line for line in lines if line["request_id"] == request_id]


def eventually(check: Any, timeout: float = 5) -> Any:
    """Log lines are written as the request ends: wait a moment for them."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return check()
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def test_one_request_id_follows_a_turn_through_every_process(
    erp: str, gateway: str, rasa: RasaRest, world: World, tmp_path: Path
) -> None:
    with httpx.Client(base_url=gateway, timeout=30) as browser:
        answered = browser.post("/chat/messages", json={"text": "hello"})
        assert answered.status_code == 200
    request_id = answered.headers["X-Request-ID"]
    # Rasa got the turn's id in the REST channel's metadata (beside the turn's language)
    assert rasa.metadata == [{"request_id": request_id, "language": "en"}]

    # the action's part: inside the turn's scope its ERP calls carry the id
    async def action_calls_the_erp() -> Any:
        with request_scope(rasa.metadata[0]["request_id"]):
            client = ErpClient(erp, world.keys["service"])
            return await client.products("web:turn-test", "bolt")

    assert asyncio.run(action_calls_the_erp())

    def gateway_lines() -> list[dict[str, Any]]:
        lines = with_id(json_lines(tmp_path / GATEWAY_LOG), request_id)
        assert {line["message"] for line in lines} >= {"request", "turn answered"}
        return lines

    gateway_said = eventually(gateway_lines)
    access = next(line for line in gateway_said if line["message"] == "request")
    assert (access["route"], access["status"]) == ("/chat/messages", 200)

    def erp_lines() -> list[dict[str, Any]]:
        lines = with_id(json_lines(tmp_path / ERP_LOG), request_id)
        assert lines
        return lines

    (erp_said,) = eventually(erp_lines)  # one request, one line
    assert (erp_said["logger"], erp_said["route"], erp_said["status"]) == (
        "erp_backend.http",
        "/api/v1/products",
        200,
    )


def test_the_gateway_keeps_a_callers_safe_request_id_and_replaces_an_unsafe_one(
    gateway: str, rasa: RasaRest
) -> None:
    with httpx.Client(base_url=gateway, timeout=30) as browser:
        kept = browser.post(
            "/chat/messages", json={"text": "hello"}, headers={"X-Request-ID": "edge-7f3a"}
        )
        replaced = browser.post(
            "/chat/messages", json={"text": "hello"}, headers={"X-Request-ID": "bad id\\r\\n"}
        )
    assert kept.headers["X-Request-ID"] == "edge-7f3a"
    assert replaced.headers["X-Request-ID"] != "bad id\\r\\n"
    assert rasa.metadata == [
        {"request_id": "edge-7f3a", "language": "en"},
        {"request_id": replaced.headers["X-Request-ID"], "language": "en"},
    ]
