"""The gateway as its own process (`python -m bot`), with protocol peers for Rasa and Telegram."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.bot.peers import BotApi, RasaRest, served
from tests.databases import throwaway_postgres, url_of
from tests.live_server import free_port, process_serving
from tests.product import RASA_SECRET

TOKEN = "4242:test-token"
WEBHOOK_SECRET = "s3cret-webhook-token"
LONG_SKU = "BOLT-M8X120-A4-STAINLESS-DIN933-FULLTHREAD"


def script(sender: str, message: str) -> list[dict[str, Any]]:
    """What the stand-in assistant answers."""
    if message == "hello":
        return [{"text": "Hi! What can I do for you?"}]
    if message == "order please":
        return [
            {
                "text": "40 x BOLT-M8, total 12.00. Place it?",
                "buttons": [
                    {"title": "Confirm", "payload": "/affirm"},
                    {"title": "Cancel", "payload": "/deny"},
                    {"title": "Hex bolt, long", "payload": f'/inform{{"sku":"{LONG_SKU}"}}'},
                ],
            }
        ]
    if message == "talk to a person":
        return [
            {"text": "I'm passing you to a person on our team; they'll answer here shortly."},
            {"custom": {"handoff": True}},  # how Rasa's REST channel sends utter_handoff's flag
        ]
    if message == "/affirm":
        return [{"text": "Order SO-2026-00042 is confirmed."}]
    if message == "long please":
        paragraph = "Invoice line " + "x" * 90 + "\n"
        return [{"text": paragraph * 100}]  # about 10,000 characters
    if message == "sales chart":  # what action_sales_report sends after its figures
        year = datetime.now(UTC).year
        return [
            {"text": "November so far: 38 orders."},
            {"custom": {"chart": {"name": "monthly-sales", "year": year}}},
        ]
    if message == "销售图表":  # the same in a Chinese turn
        year = datetime.now(UTC).year
        return [
            {"text": "11月至今：38个订单。"},
            {"custom": {"chart": {"name": "monthly-sales", "year": year}}},
        ]
    if message == "my statement":  # what action_statement sends after its summary
        return [
            {"text": "Statement for Apex Steel Fabrication (CUST-0004)."},
            {"custom": {"file": {"name": "statement", "customer": "CUST-0004"}}},
        ]
    if message == "chart please":
        return [{"text": "This year's sales", "image": "http://127.0.0.1:9/chart.png"}]
    return [{"text": f"You said: {message}"}]


@pytest.fixture
def rasa() -> Iterator[RasaRest]:
    stand_in = RasaRest(script)
    with served(stand_in.app()) as url:
        stand_in.url = url
        yield stand_in


@pytest.fixture
def bot_api() -> Iterator[BotApi]:
    api = BotApi()
    with served(api.app(TOKEN)) as url:
        api.url = url
        yield api


@pytest.fixture(params=["sqlite", "postgres"])
def gateway_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'gateway.db'}"
        return
    with throwaway_postgres("gateway_test") as name:
        yield url_of(name)


Gateway = Callable[..., AbstractContextManager[str]]


@pytest.fixture
def gateway(tmp_path: Path) -> Gateway:
    """Start `python -m bot` with the given settings (environment names without prefix)."""

    @contextmanager
    def start(rasa_url: str, **settings: str) -> Iterator[str]:
        port = free_port()
        env = {
            **os.environ,
            "RASA_URL": rasa_url,
            "GATEWAY_PORT": str(port),
            "GATEWAY_SECRET": "test-gateway-secret",
            "GATEWAY_RASA_SECRET": RASA_SECRET,
            "GATEWAY_DATABASE_URL": f"sqlite:///{tmp_path / 'gateway.db'}",
            "TELEGRAM_BOT_TOKEN": "",
            **{name.upper(): value for name, value in settings.items()},
        }
        base = f"http://127.0.0.1:{port}"
        command = [sys.executable, "-m", "bot"]
        with process_serving("gateway", command, env, base, "/health") as url:
            yield url

    return start


def pushed(browser: httpx.Client) -> dict[str, Any]:
    """The first message the gateway pushes to this browser's page."""
    with browser.stream("GET", "/chat/events") as stream:
        lines = stream.iter_lines()
        for line in lines:
            if line == "event: reply":
                data = next(lines)
                assert data.startswith("data: ")
                message: dict[str, Any] = json.loads(data.removeprefix("data: "))
                return message
    raise AssertionError("the stream ended")
