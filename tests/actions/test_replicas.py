"""Two Rasa servers serving one conversation (docs/deployment-local.md): both run with
deploy/endpoints.scaled.yml, so they share a tracker store (a PostgreSQL database made for this
test) and a lock store (Redis, keys under a prefix made for this test); the gateway spreads the
turns across them (RASA_URLS). One conversation places an order through the gateway, its
turns alternating between the servers; server A is stopped mid-form and started again, and the
order form carries on with what was said before, and the order is placed once."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from sqlalchemy.engine import make_url

from tests.databases import POSTGRES_SERVER, throwaway_postgres
from tests.live_server import Spawned, free_port, process_serving, spawned
from tests.product import (
    RASA_ENV,
    RASA_SECRET,
    ROOT,
    RunningErp,
    rasa_command,
    running_actions,
)

ENDPOINTS = ROOT / "deploy" / "endpoints.scaled.yml"
GATEWAY_PYTHON = ROOT / ".venv" / "bin" / "python"  # the gateway lives in the main environment
TOKEN = "replica-test-token"  # Rasa's HTTP API token, this test only
# This environment has SQLAlchemy 1.4 and psycopg2 (the main environment: 2.x and psycopg 3).
POSTGRES = make_url(POSTGRES_SERVER).set(drivername="postgresql+psycopg2")
REDIS_HOST, REDIS_PORT, REDIS_DB = "127.0.0.1", 6379, 1
NUMBER = re.compile(r"SO-\d{4}-\d{5}")
CUSTOMER = "CUST-0004"


@pytest.fixture
def tracker_database() -> Iterator[str]:
    with throwaway_postgres("rasa_trackers", str(POSTGRES)) as name:
        yield name


@pytest.fixture
def lock_prefix() -> Iterator[str]:
    """A Redis key prefix for this test's conversation locks; whatever is left is removed."""
    prefix = f"test{uuid.uuid4().hex[:12]}"  # letters and digits only, as Rasa requires
    yield prefix
    store = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB)
    for key in store.scan_iter(f"{prefix}:*"):
        store.delete(key)
    store.close()


@pytest.fixture
def actions(erp: RunningErp) -> Iterator[str]:
    with running_actions(erp) as url:
        yield url


def shared_state(actions_url: str, database: str, lock_prefix: str) -> dict[str, str]:
    """The environment deploy/endpoints.scaled.yml reads."""
    return {
        "ACTION_ENDPOINT_URL": f"{actions_url}/webhook",
        "TRACKER_STORE_HOST": str(POSTGRES.host),
        "TRACKER_STORE_PORT": str(POSTGRES.port or 5432),
        "TRACKER_STORE_DB": database,
        "TRACKER_STORE_USER": str(POSTGRES.username),
        "TRACKER_STORE_PASSWORD": POSTGRES.password or "",
        "TRACKER_STORE_LOGIN_DB": str(POSTGRES.database),
        "LOCK_STORE_HOST": REDIS_HOST,
        "LOCK_STORE_PORT": str(REDIS_PORT),
        "LOCK_STORE_DB": str(REDIS_DB),
        "LOCK_STORE_KEY_PREFIX": lock_prefix,
    }


class Replica:
    """One `rasa run` with the shared endpoints, on a fixed port, that can be stopped and
    started again; `--debug` so its log shows each conversation turn it took."""

    def __init__(self, name: str, model: Path, env: dict[str, str]) -> None:
        self.name, self.model, self.env = name, model, env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.logs: list[Path] = []  # one per start
        self._stack = ExitStack()
        self._server: Spawned | None = None

    def start(self) -> Replica:
        command = rasa_command(self.model, ENDPOINTS, self.port, "--auth-token", TOKEN, "--debug")
        self._server = self._stack.enter_context(
            spawned(self.name, command, self.env, cwd=str(ROOT))
        )
        self.logs.append(self._server.log)
        return self

    def wait(self) -> None:
        assert self._server is not None
        self._server.wait_until_serving(f"{self.url}/status?token={TOKEN}", timeout=300)

    def stop(self) -> None:
        """SIGTERM, as a supervisor stops it (SIGKILL only if it is still there after 10 s)."""
        self._stack.close()
        self._server = None

    def turns_taken(self, sender: str, start: int) -> int:
        """How many turns of `sender` the `start`-th run of this server took (its lock log)."""
        return self.logs[start].read_text().count(f"Issuing ticket for conversation '{sender}'")

    def tracker(self, sender: str) -> dict[str, Any]:
        response = httpx.get(
            f"{self.url}/conversations/{sender}/tracker", params={"token": TOKEN}, timeout=30
        )
        response.raise_for_status()
        tracker: dict[str, Any] = response.json()
        return tracker


def say(browser: httpx.Client, **body: str) -> tuple[str, list[dict[str, Any]]]:
    """One turn through the gateway: the replies' text, and the buttons offered."""
    response = browser.post("/chat/messages", json=body)
    assert response.status_code == 200, response.text
    replies: list[dict[str, Any]] = response.json()["replies"]
    text = "\n".join(str(reply["text"]) for reply in replies)
    return text, [button for reply in replies for button in reply["buttons"]]


def press(buttons: list[dict[str, Any]], title: str) -> dict[str, str]:
    payload: str = next(button["payload"] for button in buttons if button["title"] == title)
    return {"payload": payload}


def order_numbers(erp: RunningErp) -> set[str]:
    """The customer's newest orders (newest first: any placed during the test are among them)."""
    with erp.as_manager() as manager:
        page = manager.get("/orders", params={"customer_code": CUSTOMER, "limit": 100}).json()
    return {order["number"] for order in page["items"]}


def test_one_conversation_alternates_between_replicas_and_survives_a_restart(
    erp: RunningErp,
    model: Path,
    actions: str,
    tracker_database: str,
    lock_prefix: str,
    tmp_path: Path,
) -> None:
    env = {**os.environ, **RASA_ENV, **shared_state(actions, tracker_database, lock_prefix)}
    a, b = Replica("rasa-a", model, env), Replica("rasa-b", model, env)
    gateway_port = free_port()
    gateway_env = {
        **os.environ,
        "RASA_URLS": f"{a.url},{b.url}",
        "ERP_URL": erp.url,
        "GATEWAY_PORT": str(gateway_port),
        "GATEWAY_SECRET": "test-secret",
        "GATEWAY_RASA_SECRET": RASA_SECRET,
        "GATEWAY_DATABASE_URL": f"sqlite:///{tmp_path / 'gateway.db'}",
        "TELEGRAM_BOT_TOKEN": "",
    }
    before = order_numbers(erp)
    with ExitStack() as stack:
        stack.callback(b.stop)
        stack.callback(a.stop)
        a.start()  # and B beside it: each takes about a minute to load the model
        b.start()
        a.wait()
        b.wait()
        gateway = stack.enter_context(
            process_serving(
                "gateway",
                [str(GATEWAY_PYTHON), "-m", "bot"],
                gateway_env,
                f"http://127.0.0.1:{gateway_port}",
                "/health",
            )
        )
        browser = stack.enter_context(httpx.Client(base_url=gateway, timeout=120))
        chat = browser.post("/chat/session").json()["identity"]
        erp.link(chat, customer_code=CUSTOMER)

        # turn 1 → A, turn 2 → B: the form starts on one server and goes on on the other
        text, _ = say(browser, text="I'd like to order 40 BOLT-M8")
        assert "When do you need it" in text
        text, buttons = say(browser, text="Friday")
        assert "usual address" in text

        a.stop()  # mid-form
        # turn 3 is A's: refused, so the gateway gives it to B within the same turn
        text, buttons = say(browser, **press(buttons, "Yes, the usual address"))
        assert "40 x BOLT-M8" in text  # the lines and date said before A stopped
        assert "Fri " in text
        number = NUMBER.search(text)
        assert number is not None
        # turn 4 → B
        text, buttons = say(browser, text="also 10 NUT-M10")
        assert "40 x BOLT-M8" in text
        assert "10 x NUT-M10" in text
        assert any(button["title"] == "Confirm" for button in buttons)

        a.start().wait()
        tracker = a.tracker(chat)  # what the restarted server reads from the shared store
        assert tracker["active_loop"]["name"] == "order_form"
        slots = tracker["slots"]
        assert slots["draft_number"] == number.group()
        assert slots["delivery_date"]
        assert slots["shipping_address"]
        assert [(line["sku"], line["quantity"]) for line in slots["order_lines"]] == [
            ("BOLT-M8", 40),
            ("NUT-M10", 10),
        ]

        # turn 5 → the restarted A: confirm what was put together on both servers
        text, _ = say(browser, **press(buttons, "Confirm"))
        assert f"Order {number.group()} is confirmed" in text

        with erp.as_manager() as manager:
            order = manager.get(f"/orders/{number.group()}").json()
        assert order["status"] == "confirmed"
        assert sorted((line["sku"], line["quantity"]) for line in order["lines"]) == [
            ("BOLT-M8", 40),
            ("NUT-M10", 10),
        ]
        assert order["requested_delivery_date"] == slots["delivery_date"]
        assert order_numbers(erp) - before == {number.group()}  # placed once

        # each server took the turns the gateway gave it: A 1 (before) + 1 (after the
        # restart), B 2 + the one A refused
        assert (a.turns_taken(chat, 0), b.turns_taken(chat, 0), a.turns_taken(chat, 1)) == (
            1,
            3,
            1,
        )
