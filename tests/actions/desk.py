"""Whole conversations through the gateway's web chat, the way a person types them, with what
the ERP holds afterwards.

Every turn is checked for what must never happen, whatever the test is about: a field path,
a validator's sentence or an error code shown to the user, and the same re-prompt twice in a
row (a reply identical to the previous turn's, buttons and all).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.product import RunningErp

PROGRAMMERS_WORDS = re.compile(
    r"body\.|\blines\.\d|Input should|Field required|validation error|Traceback"
    r"|\b[A-Z]+_[A-Z_]{4,}\b|\{[a-z_]+\}",
)
NUMBER = re.compile(r"SO-\d{4}-\d{5}")


@dataclass
class Chat:
    """One browser's web chat: a session cookie, and what the bot said last."""

    gateway: str
    client: httpx.Client = field(init=False)
    last: list[dict[str, Any]] = field(default_factory=list)
    transcript: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.client = httpx.Client(
            base_url=self.gateway, headers={"Origin": self.gateway}, timeout=60
        )
        self.client.post("/chat/session", json={}).raise_for_status()

    def send(self, body: dict[str, str]) -> str:
        answer = self.client.post("/chat/messages", json=body)
        answer.raise_for_status()
        replies: list[dict[str, Any]] = answer.json()["replies"]
        said = "\n".join(str(r.get("text") or "") for r in replies)
        self.transcript += [f"you: {body.get('text', body.get('payload'))}", f"bot: {said}"]
        where = "\n".join(self.transcript[-6:])
        assert not PROGRAMMERS_WORDS.search(said), f"programmer's words shown:\n{where}"
        assert replies, f"no answer:\n{where}"
        if self.last and is_question(self.last[-1]):
            assert replies != self.last, f"the same re-prompt twice in a row:\n{where}"
        self.last = replies
        return said

    def say(self, text: str, *expected: str) -> str:
        """Type `text`; the reply must contain each of `expected` (case-insensitive)."""
        said = self.send({"text": text})
        for words in expected:
            assert words.lower() in said.lower(), (
                f"{text!r} was answered {said!r}, not with {words!r}\n" + self.history()
            )
        return said

    def buttons(self) -> list[dict[str, str]]:
        return [b for r in self.last for b in r.get("buttons") or []]

    def press(self, title: str, *expected: str) -> str:
        """Press the offered button whose title contains `title`."""
        button = next((b for b in self.buttons() if title.lower() in b["title"].lower()), None)
        assert button is not None, f"no button {title!r} in {self.buttons()}\n" + self.history()
        said = self.send({"payload": button["payload"]})
        for words in expected:
            assert words.lower() in said.lower(), f"[{title}] was answered {said!r}"
        return said

    def history(self) -> str:
        return "\n".join(self.transcript[-12:])


def is_question(reply: dict[str, Any]) -> bool:
    return str(reply.get("text") or "").rstrip().endswith("?") or bool(reply.get("buttons"))


@dataclass(frozen=True)
class Desk:
    """The order desk: the gateway in front of Rasa, and the ERP behind."""

    gateway: str
    erp: RunningErp

    def chat(self, customer: str | None = None, staff: str | None = None) -> Chat:
        chat = Chat(self.gateway)
        code = self.erp.link_code(customer_code=customer, principal_name=staff)
        chat.say(f"link {code}", "now linked")
        return chat

    def orders(self, customer: str, status: str | None = None) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"customer_code": customer, "limit": 100}
        if status:
            params["status"] = status
        with self.erp.as_manager() as manager:
            found: list[dict[str, Any]] = manager.get("/orders", params=params).json()["items"]
        return found

    def order(self, number: str) -> dict[str, Any]:
        with self.erp.as_manager() as manager:
            found: dict[str, Any] = manager.get(f"/orders/{number}").json()
        return found

    def live(self, customer: str) -> set[str]:
        """The customer's orders that stand: neither a draft nor cancelled."""
        return {
            o["number"] for o in self.orders(customer) if o["status"] not in ("draft", "cancelled")
        }

    def lines(self, number: str) -> list[tuple[str, int]]:
        return sorted((line["sku"], line["quantity"]) for line in self.order(number)["lines"])


def placed(said: str) -> str:
    """The order number a reply confirms."""
    found = NUMBER.search(said)
    assert found is not None, said
    return found.group()
