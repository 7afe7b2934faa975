"""Chat identities never reach a log line as they are: `web:<session id>` is what the gateway,
Rasa and the ERP know a chat by, so the gateway logs `telemetry.logs.chat_tag` of it (a keyed
hash, LOG_HASH_KEY) instead."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.app import create_gateway
from bot.settings import GatewaySettings
from telemetry import logs
from telemetry.logs import JsonFormatter, chat_tag, use_log_hash_key
from tests.bot.peers import RasaRest
from tests.live_server import free_port, server_process
from tests.product import RASA_SECRET

KEY = "test-log-hash-key"


@pytest.fixture(autouse=True)
def own_key() -> Iterator[None]:
    """Each test chooses its key; the process's key is put back afterwards."""
    kept = logs._log_hash_key
    yield
    logs._log_hash_key = kept


def expected_tag(key: str, identity: str) -> str:
    """What any process given `key` logs for `identity` (the gateway, the action server)."""
    digest = hmac.new(key.encode(), identity.encode(), hashlib.sha256).hexdigest()
    return f"{identity.partition(':')[0]}:{digest[:12]}"


def test_a_tag_keeps_the_channel_and_hides_the_rest() -> None:
    use_log_hash_key(KEY)
    tag = chat_tag("web:Zx81_session-id-0000")
    assert re.fullmatch(r"web:[0-9a-f]{12}", tag)
    assert tag == expected_tag(KEY, "web:Zx81_session-id-0000")
    assert tag == chat_tag("web:Zx81_session-id-0000")  # one chat, one tag
    assert tag != chat_tag("web:Zx81_session-id-0001")
    assert chat_tag("telegram:123456") == expected_tag(KEY, "telegram:123456")
    # no readable channel: the whole is hashed, and the tag says only "chat"
    assert re.fullmatch(r"chat:[0-9a-f]{12}", chat_tag("no channel here"))
    assert re.fullmatch(r"chat:[0-9a-f]{12}", chat_tag("Web Chat!:123"))
    assert chat_tag(None) == "none"


def test_the_key_decides_the_tag_and_a_process_without_one_draws_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_log_hash_key(KEY)
    keyed = chat_tag("telegram:42")
    use_log_hash_key("another key")
    assert chat_tag("telegram:42") != keyed  # a chat id cannot be guessed and checked
    monkeypatch.setenv("LOG_HASH_KEY", KEY)
    use_log_hash_key("")  # not set: LOG_HASH_KEY from the environment
    assert chat_tag("telegram:42") == keyed
    monkeypatch.delenv("LOG_HASH_KEY")
    use_log_hash_key("")  # neither: a random key of this process
    assert chat_tag("telegram:42") not in {keyed, expected_tag("", "telegram:42")}


def everything_in(record: logging.LogRecord) -> str:
    """A record as any handler could write it: message, arguments, `extra` fields,
    exception, and the JSON line."""
    seen = [record.getMessage(), repr(record.msg), repr(record.args), repr(vars(record))]
    return "\n".join([*seen, JsonFormatter().format(record)])


def test_a_turn_through_the_gateway_logs_the_chats_tag_never_its_session_id(
    rasa: RasaRest, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    use_log_hash_key(KEY)
    dead = f"http://127.0.0.1:{free_port()}"  # a Rasa server that is down, an ERP that is
    settings = GatewaySettings(
        rasa_urls=f"{dead},{rasa.url}",
        gateway_rasa_secret=RASA_SECRET,
        gateway_secret="test-gateway-secret",
        gateway_database_url=f"sqlite:///{tmp_path / 'gateway.db'}",
        erp_url=dead,
        erp_service_key="erp-key",
        telegram_bot_token="",
        staff_telegram_chat_id=None,
    )
    app = create_gateway(settings)

    async def chat() -> str:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://gw") as browser:
                started = await browser.post("/chat/session")
                identity: str = started.json()["identity"]
                said = await browser.post("/chat/messages", json={"text": "hello"})
                assert said.status_code == 200, said.text
                chart = await browser.get("/chat/charts/monthly-sales.png?year=2025")
                assert chart.status_code == 404  # the ERP is down: logged, with the chat
                return identity

    caplog.set_level(logging.DEBUG)
    identity = asyncio.run(chat())
    session_id = identity.removeprefix("web:")
    assert rasa.received == [(identity, "hello")]  # Rasa still gets the identity itself
    records = caplog.records
    assert records
    for record in records:
        assert session_id not in everything_in(record), record.getMessage()
    tag = expected_tag(KEY, identity)
    turn = next(record for record in records if record.getMessage() == "turn answered")
    assert turn.__dict__["chat"] == tag
    said = [record.getMessage() for record in records]
    assert any(f"unreachable for {tag}" in line for line in said), said
    assert any(f"monthly-sales for {tag}: ERP not reached" in line for line in said), said


def test_the_gateway_process_tags_chats_with_its_log_hash_key(
    rasa: RasaRest, tmp_path: Path
) -> None:
    """LOG_HASH_KEY reaches the gateway's log lines: the same tag as the action server, given
    the same key, writes for the chat."""
    port = free_port()
    env = {
        **os.environ,
        "RASA_URL": rasa.url,
        "GATEWAY_RASA_SECRET": RASA_SECRET,
        "GATEWAY_PORT": str(port),
        "GATEWAY_SECRET": "test-gateway-secret",
        "GATEWAY_DATABASE_URL": f"sqlite:///{tmp_path / 'gateway.db'}",
        "TELEGRAM_BOT_TOKEN": "",
        "LOG_FORMAT": "json",
        "LOG_HASH_KEY": KEY,
    }
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "gateway.log"
    command = [sys.executable, "-m", "bot"]
    with (
        server_process("gateway", command, env, base, "/health", log_path=str(log)),
        httpx.Client(base_url=base, timeout=30) as browser,
    ):
        assert browser.post("/chat/messages", json={"text": "hello"}).status_code == 200
        (identity, _) = rasa.received[0]
    written = log.read_text()
    lines: list[dict[str, Any]] = [json.loads(line) for line in written.splitlines() if line]
    assert identity.removeprefix("web:") not in written
    turn = next(line for line in lines if line["message"] == "turn answered")
    assert turn["chat"] == expected_tag(KEY, identity)
