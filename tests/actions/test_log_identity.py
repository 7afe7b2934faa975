"""The action server's log lines name a chat by `telemetry.logs.chat_tag` (a keyed hash),
never by the sender id Rasa gives it (`web:<session id>`). Unit-level: no server started."""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ErpAction
from actions.erp_client import ErpClient, ErpUnavailable
from telemetry import logs
from telemetry.logs import JsonFormatter, use_log_hash_key
from tests.actions.chat import run_on, tracker

KEY = "test-log-hash-key"
SESSION_ID = "q7Xk2_secret-session-id-93"


class ActionNeedsTheErp(ErpAction):
    action_name = "action_needs_the_erp"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        raise ErpUnavailable("no ERP in this test")


@pytest.fixture
def action_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """The `actions` logger's records (it does not propagate: actions/__init__.py)."""
    kept = logs._log_hash_key
    logger = logging.getLogger("actions")
    level, disabled = logger.level, logging.root.manager.disable
    # whatever an earlier test or LOG_LEVEL left: tests/nlu turns INFO off for the whole process
    logger.setLevel(logging.INFO)
    logging.disable(logging.NOTSET)
    logger.addHandler(caplog.handler)
    try:
        yield caplog
    finally:
        logger.removeHandler(caplog.handler)
        logger.setLevel(level)
        logging.disable(disabled)
        logs._log_hash_key = kept


def test_an_actions_log_lines_carry_the_chats_tag_not_its_sender_id(
    action_log: pytest.LogCaptureFixture,
) -> None:
    use_log_hash_key(KEY)  # what LOG_HASH_KEY sets: the gateway's key
    sender = f"web:{SESSION_ID}"
    messages, _ = run_on(
        ActionNeedsTheErp(ErpClient("http://127.0.0.1:9", "key")), tracker(sender, "hi")
    )
    assert messages  # "temporarily unavailable"
    records = action_log.records
    assert [record.getMessage() for record in records] == ["action", "erp unavailable"]
    for record in records:
        written = JsonFormatter().format(record)
        assert SESSION_ID not in written + repr(vars(record)), written
    digest = hmac.new(KEY.encode(), sender.encode(), hashlib.sha256).hexdigest()
    assert records[0].__dict__["chat"] == f"web:{digest[:12]}"  # the gateway's tag for it
