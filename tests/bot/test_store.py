"""What the gateway remembers, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from bot.store import BUTTONS_KEPT, GatewayStore, offered_buttons


@pytest.fixture
def store(gateway_database_url: str) -> Iterator[GatewayStore]:
    opened = GatewayStore(gateway_database_url)
    yield opened
    opened.close()


def test_a_button_is_known_by_its_chat_only(store: GatewayStore) -> None:
    token = store.offer("telegram:1", "Confirm", "/affirm")
    assert store.offer("telegram:1", "Confirm", "/affirm") == token  # offered again: same token
    assert len(token) <= 16
    assert store.offered_payload("telegram:1", token) == "/affirm"
    assert store.was_offered("telegram:1", "/affirm")
    assert store.offered_payload("telegram:2", token) is None
    assert not store.was_offered("telegram:2", "/affirm")
    assert store.offered_payload("telegram:1", "no-such-token") is None


def test_an_old_button_expires_and_is_forgotten(store: GatewayStore) -> None:
    token = store.offer("web:a", "Cancel", "/deny")
    with store.engine.begin() as connection:
        connection.execute(
            update(offered_buttons).values(
                offered_at=datetime.now(UTC) - BUTTONS_KEPT - timedelta(minutes=1)
            )
        )
    assert store.offered_payload("web:a", token) is None
    assert not store.was_offered("web:a", "/deny")
    store.forget_old()
    with store.engine.connect() as connection:
        assert connection.execute(offered_buttons.select()).first() is None


def test_an_update_is_first_seen_once_even_when_raced(store: GatewayStore) -> None:
    with ThreadPoolExecutor(8) as pool:
        firsts = list(pool.map(lambda _: store.first_time(77), range(8)))
    assert firsts.count(True) == 1
    assert store.first_time(78)


def test_the_cursor_moves_and_each_event_is_told_once_per_chat(store: GatewayStore) -> None:
    assert store.cursor("events") is None  # never read: the notifier starts at the end
    store.move_cursor("events", 0)
    assert store.cursor("events") == 0
    store.move_cursor("events", 41)
    store.move_cursor("events", 42)
    assert store.cursor("events") == 42
    assert store.claim(42, "telegram:1")
    assert not store.claim(42, "telegram:1")
    assert store.claim(42, "web:b")  # the same event to another chat
    store.release(42, "telegram:1")  # sending failed: the next pass tries again
    assert store.claim(42, "telegram:1")


def test_web_notices_are_kept_until_a_page_takes_them(store: GatewayStore) -> None:
    assert store.take_notices("web:a") == []
    store.keep_notice("web:a", '{"text": "first"}')
    store.keep_notice("web:b", '{"text": "for b"}')
    store.keep_notice("web:a", '{"text": "second"}')
    assert store.take_notices("web:a") == ['{"text": "first"}', '{"text": "second"}']
    assert store.take_notices("web:a") == []  # handed out once
    assert store.take_notices("web:b") == ['{"text": "for b"}']
