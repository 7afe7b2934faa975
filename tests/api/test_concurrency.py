"""Many clients at once against a real server process, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from erp_backend.db.engine import unit_of_work
from erp_backend.db.models import Order, Product, ReplenishmentRequest, Stock
from tests.live_server import serving
from tests.world import World, build_world


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> World:
    return build_world(sessions)


@pytest.fixture
def erp(engine: Engine, database_url: str, world: World) -> Iterator[str]:
    with serving(database_url) as base:
        yield base


def all_at_once(count: int, call: Callable[[int], Any]) -> list[Any]:
    """Run `call(i)` in `count` threads released together by a barrier."""
    barrier = threading.Barrier(count)

    def run(index: int) -> Any:
        barrier.wait()
        return call(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def test_24_submits_for_10_units_never_oversell(
    erp: str, world: World, sessions: sessionmaker[Session]
) -> None:
    with httpx.Client(base_url=erp, headers=world.headers("rep"), timeout=60) as client:
        numbers = []
        for index in range(24):
            # half the orders name the contested item first, half second: the fixed lock
            # order must keep multi-line reservations free of deadlocks
            lines = [{"sku": "WIDGET", "quantity": 1}, {"sku": "BOLT-M8", "quantity": 1}]
            body = {"customer_code": "CUST-A", "lines": lines[:: 1 if index % 2 else -1]}
            response = client.post("/api/v1/orders", json=body)
            assert response.status_code == 201
            numbers.append(response.json()["number"])

        def submit(index: int) -> tuple[int, str]:
            with httpx.Client(base_url=erp, headers=world.headers("rep"), timeout=60) as own:
                response = own.post(f"/api/v1/orders/{numbers[index]}/submit")
                return response.status_code, response.json().get("status", "")

        results = all_at_once(24, submit)
    assert {status for status, _ in results} == {200}
    assert Counter(state for _, state in results) == {"confirmed": 10, "awaiting_stock": 14}
    with unit_of_work(sessions) as session:
        widget = session.execute(
            select(Stock.on_hand, Stock.reserved).join(Product).where(Product.sku == "WIDGET")
        ).one()
        assert tuple(widget) == (10, 10)
        bolts = session.execute(
            select(Stock.reserved).join(Product).where(Product.sku == "BOLT-M8")
        ).scalar_one()
        assert bolts == 10  # only the confirmed orders hold bolts: all lines or none
        statuses = Counter(session.scalars(select(Order.status)))
        assert statuses == {"confirmed": 10, "awaiting_stock": 14}
        request = session.scalars(select(ReplenishmentRequest)).unique().one()
        assert (request.product.sku, request.quantity) == ("WIDGET", 14)


def test_one_key_sent_concurrently_creates_one_order(
    erp: str, world: World, sessions: sessionmaker[Session]
) -> None:
    body = {"customer_code": "CUST-A", "lines": [{"sku": "BOLT-M8", "quantity": 3}]}

    def create(_index: int) -> tuple[int, str]:
        headers = world.headers("rep", **{"Idempotency-Key": "same-for-all"})
        with httpx.Client(base_url=erp, headers=headers, timeout=60) as client:
            response = client.post("/api/v1/orders", json=body)
            return response.status_code, response.json()["number"]

    results = all_at_once(8, create)
    assert {status for status, _ in results} == {201}
    assert len({number for _, number in results}) == 1
    with unit_of_work(sessions) as session:
        assert len(session.scalars(select(Order.id)).all()) == 1


def test_a_receipt_racing_submits_keeps_stock_consistent(
    erp: str, world: World, sessions: sessionmaker[Session]
) -> None:
    """Submits for an item with no stock race a receipt of 5: whatever the interleaving,
    exactly 5 orders end up confirmed and the rest wait."""
    with httpx.Client(base_url=erp, headers=world.headers("rep"), timeout=60) as client:
        numbers = [
            client.post(
                "/api/v1/orders",
                json={"customer_code": "CUST-A", "lines": [{"sku": "GADGET", "quantity": 1}]},
            ).json()["number"]
            for _ in range(12)
        ]

    def act(index: int) -> int:
        with httpx.Client(base_url=erp, timeout=60) as own:
            if index == 12:
                response = own.post(
                    "/api/v1/stock/receipts",
                    json={"sku": "GADGET", "quantity": 5},
                    headers=world.headers("warehouse"),
                )
            else:
                response = own.post(
                    f"/api/v1/orders/{numbers[index]}/submit", headers=world.headers("rep")
                )
            return response.status_code

    assert set(all_at_once(13, act)) <= {200, 201}
    with unit_of_work(sessions) as session:
        statuses = Counter(session.scalars(select(Order.status)))
        assert statuses == {"confirmed": 5, "awaiting_stock": 7}
        gadget = session.execute(
            select(Stock.on_hand, Stock.reserved).join(Product).where(Product.sku == "GADGET")
        ).one()
        assert tuple(gadget) == (5, 5)


def test_two_managers_creating_the_same_product_at_once(erp: str, world: World) -> None:
    body = {"sku": "RACE-1", "name": "Raced", "unit_price": "1.00"}

    def create(_index: int) -> tuple[int, str]:
        with httpx.Client(base_url=erp, headers=world.headers("manager"), timeout=60) as client:
            response = client.post("/api/v1/products", json=body)
            return response.status_code, response.json().get("code", "")

    results = sorted(all_at_once(6, create))
    assert results[0] == (201, "")
    assert all(result == (409, "ALREADY_EXISTS") for result in results[1:])


def test_concurrent_submits_cannot_both_use_the_last_credit(erp: str, world: World) -> None:
    """CUST-B may owe 100.00. Two orders of 70.00 and 40.00 submitted at the same moment:
    one is confirmed, the other is held for credit — never both confirmed."""
    with httpx.Client(base_url=erp, headers=world.headers("rep"), timeout=60) as client:
        numbers = [
            client.post(
                "/api/v1/orders",
                json={"customer_code": "CUST-B", "lines": [{"sku": "BOLT-M8", "quantity": qty}]},
            ).json()["number"]
            for qty in (500, 286)  # 70.00 and 40.04
        ]

    def submit(index: int) -> str:
        with httpx.Client(base_url=erp, headers=world.headers("rep"), timeout=60) as own:
            status: str = own.post(f"/api/v1/orders/{numbers[index]}/submit").json()["status"]
            return status

    assert sorted(all_at_once(2, submit)) == ["confirmed", "pending_approval"]


def test_parallel_guesses_from_one_chat_all_count(erp: str, world: World) -> None:
    with httpx.Client(base_url=erp, timeout=60) as client:
        issued = client.post(
            "/api/v1/identity/link-codes",
            json={"customer_code": "CUST-A"},
            headers=world.headers("rep"),
        ).json()["code"]
    wrong = f"{(int(issued) + 1) % 1_000_000:06d}"
    headers = world.headers("service", **{"X-Chat-Identity": "web:guesser"})

    def guess(_index: int) -> str:
        with httpx.Client(base_url=erp, headers=headers, timeout=60) as own:
            code: str = own.post("/api/v1/identity/links", json={"code": wrong}).json()["code"]
            return code

    outcomes = Counter(all_at_once(8, guess))
    assert outcomes == {"LINK_CODE_INVALID": 5, "TOO_MANY_ATTEMPTS": 3}
    with httpx.Client(base_url=erp, headers=headers, timeout=60) as client:
        right = client.post("/api/v1/identity/links", json={"code": issued})
        assert right.status_code == 429  # locked out, even with the right code


def test_a_reader_following_the_feed_during_writes_misses_nothing(erp: str, world: World) -> None:
    """While many orders are submitted at once, a reader pages through /events with its
    cursor. Ids become visible in commit order, so it sees every event exactly once."""
    service = world.headers("service")
    with httpx.Client(base_url=erp, headers=world.headers("rep"), timeout=60) as client:
        numbers = [
            client.post(
                "/api/v1/orders",
                json={"customer_code": "CUST-A", "lines": [{"sku": "BOLT-M8", "quantity": 1}]},
            ).json()["number"]
            for _ in range(16)
        ]
    seen: list[int] = []
    done = threading.Event()

    def follow() -> None:
        cursor = "0"
        with httpx.Client(base_url=erp, headers=service, timeout=60) as reader:
            while True:
                finished = done.is_set()
                page = reader.get("/api/v1/events", params={"after": cursor}).json()
                seen.extend(event["id"] for event in page["items"])
                cursor = page["next_cursor"]
                if finished and not page["items"]:
                    return

    follower = threading.Thread(target=follow)
    follower.start()

    def submit(index: int) -> int:
        with httpx.Client(base_url=erp, headers=world.headers("rep"), timeout=60) as own:
            return own.post(f"/api/v1/orders/{numbers[index]}/submit").status_code

    try:
        assert set(all_at_once(16, submit)) == {200}
    finally:
        done.set()
        follower.join(timeout=60)
    with httpx.Client(base_url=erp, headers=service, timeout=60) as client:
        everything = [
            e["id"] for e in client.get("/api/v1/events", params={"limit": 500}).json()["items"]
        ]
    assert len(everything) == 16
    assert seen == everything  # in order, none skipped, none twice
