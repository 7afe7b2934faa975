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


def test_a_handoff_is_started_once_and_ended_once(store: GatewayStore) -> None:
    assert store.handed_over_since("telegram:1") is None
    before = datetime.now(UTC)
    assert store.hand_over("telegram:1")
    assert not store.hand_over("telegram:1")  # already with a person
    since = store.handed_over_since("telegram:1")
    assert since is not None
    assert since >= before - timedelta(seconds=1)  # a time with its zone, on both databases
    store.touch_handoff("telegram:1")
    later = store.handed_over_since("telegram:1")
    assert later is not None
    assert later >= since
    store.staff_message(1042, "telegram:1")
    assert store.chat_of_staff_message(1042) == "telegram:1"
    assert store.chat_of_staff_message(1043) is None
    assert store.hand_back("telegram:1")
    assert not store.hand_back("telegram:1")
    assert store.handed_over_since("telegram:1") is None


def test_the_transcript_gives_a_chats_last_lines_in_order(store: GatewayStore) -> None:
    store.note("web:a", [("user", "hello"), ("bot", "Hi!")])
    store.note("web:b", [("user", "not a's")])
    store.note("web:a", [("user", "talk to a person"), ("bot", "Passing you on.")])
    store.note("web:a", [])
    assert store.last_lines("web:a", 3) == [
        ("bot", "Hi!"),
        ("user", "talk to a person"),
        ("bot", "Passing you on."),
    ]


def test_a_chats_language_is_remembered_and_changed(store: GatewayStore) -> None:
    assert store.language("web:lang") is None
    store.choose_language("web:lang", "zh", asked=False)
    assert store.language("web:lang") == ("zh", False)
    store.choose_language("web:lang", "en", asked=True)
    assert store.language("web:lang") == ("en", True)
    assert store.language("web:other") is None


def test_two_turns_choosing_a_new_chats_language_at_once_leave_one_row(
    store: GatewayStore,
) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda n: store.choose_language("web:race", "zh", n % 2 == 0), range(16)))
    chosen = store.language("web:race")
    assert chosen is not None
    assert chosen[0] == "zh"
