"""Only the gateway speaks for a chat: Rasa, as `make run` starts it (credentials.yml), takes a
turn only when the gateway signed it (rasa_gateway/), so a process that can reach Rasa cannot
act as a linked chat by naming its `sender`, nor press a button the gateway never offered."""

from __future__ import annotations

import json

import httpx
import pytest

from rasa_gateway.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from tests.product import ACTION_TOKEN, RASA_SECRET, RunningAssistant, running_actions

CHAT = "web:gateway-channel-victim"


@pytest.fixture(scope="module")
def linked(assistant: RunningAssistant) -> str:
    assistant.erp.link(CHAT, customer_code="CUST-0011")
    return CHAT


def post(assistant: RunningAssistant, body: bytes, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(
        f"{assistant.url}/webhooks/gateway/webhook",
        content=body,
        headers={"Content-Type": "application/json", **headers},
        timeout=60,
    )


def turn(message: str, sender: str = CHAT) -> bytes:
    return json.dumps({"sender": sender, "message": message}).encode()


def test_the_open_rest_channel_is_not_offered(assistant: RunningAssistant, linked: str) -> None:
    forged = httpx.post(
        f"{assistant.url}/webhooks/rest/webhook",
        json={"sender": linked, "message": "/list_my_orders"},
        timeout=60,
    )
    assert forged.status_code == 404


def test_an_unsigned_turn_is_refused(assistant: RunningAssistant, linked: str) -> None:
    refused = post(assistant, turn("my orders"), {})
    assert refused.status_code == 401
    assert "SO-" not in refused.text


def test_a_turn_signed_with_another_secret_is_refused(
    assistant: RunningAssistant, linked: str
) -> None:
    body = turn("/list_my_orders")
    refused = post(assistant, body, sign("another-secret-" + "y" * 32, body))
    assert refused.status_code == 401


def test_a_signed_turn_with_another_sender_is_refused(
    assistant: RunningAssistant, linked: str
) -> None:
    """The signature covers the body: the gateway's signature on one chat's turn does not
    carry over to another chat's."""
    headers = sign(RASA_SECRET, turn("my orders", sender="web:the-attackers-own-chat"))
    refused = post(assistant, turn("my orders"), headers)
    assert refused.status_code == 401


def test_a_replayed_or_stale_turn_is_refused(assistant: RunningAssistant, linked: str) -> None:
    body = turn("hello")
    headers = sign(RASA_SECRET, body)
    first = post(assistant, body, headers)
    assert first.status_code == 200
    assert first.json(), "the signed turn is answered"
    assert post(assistant, body, headers).status_code == 401  # the same request again
    old = sign(RASA_SECRET, body, now=float(int(headers[TIMESTAMP_HEADER]) - 600))
    assert post(assistant, body, old).status_code == 401
    assert headers[SIGNATURE_HEADER].startswith("v1=")


def test_a_turn_the_gateway_signed_is_answered(assistant: RunningAssistant, linked: str) -> None:
    replies = assistant.say(linked, "show my orders")
    assert any("SO-" in (reply.get("text") or "") for reply in replies), replies


# -- the action server answers Rasa only ----------------------------------------------------------


def action_call(sender: str) -> dict[str, object]:
    """What Rasa sends to run an action: the tracker names the chat the action acts for."""
    return {
        "next_action": "action_list_my_orders",
        "sender_id": sender,
        "tracker": {
            "sender_id": sender,
            "slots": {},
            "latest_message": {"text": "my orders", "intent": {"name": "list_my_orders"}},
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
        "domain": {},
        "version": "3.6.21",
    }


def test_the_action_server_refuses_calls_without_rasas_token(
    assistant: RunningAssistant, linked: str
) -> None:
    with running_actions(assistant.erp) as actions_url:
        assert httpx.get(f"{actions_url}/health").status_code == 200
        for headers in ({}, {"X-Action-Token": "guess-" + "x" * 40}):
            refused = httpx.post(
                f"{actions_url}/webhook", json=action_call(linked), headers=headers, timeout=30
            )
            assert refused.status_code == 401
            assert "SO-" not in refused.text
        # the token Rasa sends (endpoints.yml): the same call is run
        run = httpx.post(
            f"{actions_url}/webhook",
            json=action_call(linked),
            headers={"X-Action-Token": ACTION_TOKEN},
            timeout=30,
        )
        assert run.status_code == 200
        assert "SO-" in run.text
