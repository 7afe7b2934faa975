"""Turns spread across several Rasa servers (RASA_URLS): which server takes which turn, and
what happens when one is down or fails. Stand-in REST channels on loopback (tests/bot/peers.py);
the real replicas sharing a tracker store are tested in tests/actions/test_replicas.py."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from bot.assistant import NO_ANSWER, UNREACHABLE, Assistant, Turn
from bot.settings import GatewaySettings
from tests.bot.peers import RasaRest, served
from tests.live_server import free_port
from tests.product import RASA_SECRET

Script = Callable[[str, str], list[dict[str, Any]]]


def echo(sender: str, message: str) -> list[dict[str, Any]]:
    return [{"text": f"You said: {message}"}]


def broken(sender: str, message: str) -> list[dict[str, Any]]:
    raise RuntimeError("the model failed")  # the stand-in answers 500


@pytest.fixture
def replica_a() -> Iterator[RasaRest]:
    with served_stand_in(echo) as stand_in:
        yield stand_in


@pytest.fixture
def replica_b() -> Iterator[RasaRest]:
    with served_stand_in(echo) as stand_in:
        yield stand_in


@contextmanager
def served_stand_in(script: Script) -> Iterator[RasaRest]:
    stand_in = RasaRest(script)
    with served(stand_in.app()) as url:
        stand_in.url = url
        yield stand_in


def nobody() -> str:
    """A loopback address where nothing listens: the connection is refused."""
    return f"http://127.0.0.1:{free_port()}"


def turns(urls: list[str], *messages: str, timeout: float = 5.0) -> list[Turn]:
    async def talk() -> list[Turn]:
        assistant = Assistant(urls, timeout, RASA_SECRET)
        try:
            return [await assistant.tell("web:chat-1", message) for message in messages]
        finally:
            await assistant.close()

    return asyncio.run(talk())


def test_turns_go_to_the_servers_in_turn(replica_a: RasaRest, replica_b: RasaRest) -> None:
    told = turns([replica_a.url, replica_b.url], "one", "two", "three", "four", "five")
    assert [turn.replies[0].text for turn in told] == [
        f"You said: {word}" for word in ("one", "two", "three", "four", "five")
    ]
    assert replica_a.messages_from("web:chat-1") == ["one", "three", "five"]
    assert replica_b.messages_from("web:chat-1") == ["two", "four"]


def test_a_server_that_refuses_the_connection_is_skipped_within_the_turn(
    replica_b: RasaRest,
) -> None:
    told = turns([nobody(), replica_b.url], "one", "two", "three")
    assert all(turn.answered for turn in told)
    assert replica_b.messages_from("web:chat-1") == ["one", "two", "three"]


def test_no_server_reachable_is_said_plainly() -> None:
    (turn,) = turns([nobody(), nobody()], "place 40 BOLT-M8")
    assert not turn.answered
    assert [reply.text for reply in turn.replies] == [UNREACHABLE]


def test_a_failing_server_is_not_asked_again_elsewhere(replica_b: RasaRest) -> None:
    """Reached but failed (5xx): the turn may have run there, so it is not repeated on another
    server (an order could be placed twice); the user is told to check instead."""
    with served_stand_in(broken) as failing:
        (turn,) = turns([failing.url, replica_b.url], "/affirm")
    assert [reply.text for reply in turn.replies] == [NO_ANSWER]
    assert not turn.answered
    assert replica_b.received == []


def test_a_slow_server_is_not_asked_again_elsewhere(
    replica_a: RasaRest, replica_b: RasaRest
) -> None:
    replica_a.delay_seconds = 2
    (turn,) = turns([replica_a.url, replica_b.url], "/affirm", timeout=0.5)
    assert [reply.text for reply in turn.replies] == [NO_ANSWER]
    assert replica_a.messages_from("web:chat-1") == ["/affirm"]
    assert replica_b.received == []


def test_rasa_urls_lists_the_servers_and_rasa_url_still_works(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("RASA_URLS", raising=False)
    monkeypatch.setenv("RASA_URL", "http://10.0.0.5:5005")
    assert GatewaySettings().rasa_servers == ["http://10.0.0.5:5005"]
    monkeypatch.setenv("RASA_URLS", " http://127.0.0.1:5005, http://127.0.0.1:5006 ,")
    assert GatewaySettings().rasa_servers == ["http://127.0.0.1:5005", "http://127.0.0.1:5006"]
