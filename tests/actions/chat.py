"""Talking to actions the way Rasa does: a tracker, a dispatcher, the project's domain."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.account import ActionLinkAccount
from actions.erp_client import ErpClient
from tests.product import RunningErp

ROOT = Path(__file__).resolve().parents[2]


def domain() -> dict[str, Any]:
    """The domain files merged as Rasa sends them to the action server."""
    merged: dict[str, Any] = {"responses": {}, "slots": {}, "forms": {}}
    for path in sorted((ROOT / "domain").glob("*.yml")):
        part = yaml.safe_load(path.read_text())
        for section in merged:
            merged[section].update(part.get(section) or {})
    return merged


def tracker(
    chat: str,
    text: str,
    entities: list[dict[str, Any]] | None = None,
    *,
    intent: str = "inform",
    slots: dict[str, Any] | None = None,
    form: str | None = None,
) -> Tracker:
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": entities or [],
        "message_id": uuid.uuid4().hex,
    }
    return Tracker(
        chat,
        dict(slots or {}),
        message,
        [],
        False,
        None,
        {"name": form} if form else {},
        "action_listen",
    )


def spans(text: str, **found: str) -> list[dict[str, Any]]:
    """Entities as Rasa reports them, with their place in the text: spans(t, sku="BOLT-M8")."""
    entities = []
    for name, value in found.items():
        entity: dict[str, Any] = {"entity": name, "value": value}
        if value in text:  # a button's payload sets entities that are not in its title
            start = text.index(value)
            entity |= {"start": start, "end": start + len(value)}
        entities.append(entity)
    return entities


def run(action: Action, chat: str, text: str, **entities: str) -> list[dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    asyncio.run(action.run(dispatcher, tracker(chat, text, spans(text, **entities)), domain()))
    messages: list[dict[str, Any]] = dispatcher.messages
    return messages


def run_on(action: Action, state: Tracker) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Run an action on a tracker: what it said, and the slots it set (name → value)."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, state, domain()))
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    return dispatcher.messages, slots


def answer(
    action: Action,
    chat: str,
    text: str,
    *,
    form_name: str,
    slots: dict[str, Any],
    intent: str = "inform",
    **entities: str,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The user answers a form's question with `text`: run the form's validation on it."""
    state = tracker(chat, text, spans(text, **entities), intent=intent, slots=slots, form=form_name)
    return run_on(action, state)


def linked_chat(erp: RunningErp, customer: str) -> str:
    chat = f"telegram:{uuid.uuid4().int % 10**9}"
    with erp.as_rep() as rep:
        code = rep.post("/identity/link-codes", json={"customer_code": customer}).json()["code"]
    messages = run(ActionLinkAccount(ErpClient(erp.url, erp.service_key)), chat, f"link {code}")
    assert messages[0]["response"] == "utter_linked"
    assert messages[0]["account"] == customer
    return chat


def staff_chat(erp: RunningErp, principal: str) -> str:
    chat = f"telegram:{uuid.uuid4().int % 10**9}"
    code = erp.link_code(principal_name=principal)
    run(ActionLinkAccount(ErpClient(erp.url, erp.service_key)), chat, f"link {code}")
    return chat
