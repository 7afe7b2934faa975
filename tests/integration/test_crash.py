"""kill -9 the ERP while 8 clients place orders, restart it, and check that nothing is half
written, that nothing acknowledged is lost, and that retries with the same Idempotency-Key
make exactly one order each. A real `erp-backend serve` process, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import random
import signal
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from erp_backend.db import repositories as repo
from erp_backend.db.engine import unit_of_work
from erp_backend.db.models import Order, OrderEvent
from tests.live_server import free_port, server_process
from tests.world import World, build_world

CLIENTS = 8
KILL_AFTER_ACKS = 60  # acknowledged answers before the kill: enough to be mid-load
# What may follow an acknowledged status when nothing but create and submit runs.
LATER = {
    "draft": {"draft", "pending_approval", "awaiting_stock", "confirmed"},
    "pending_approval": {"pending_approval"},
    "awaiting_stock": {"awaiting_stock"},
    "confirmed": {"confirmed"},
}
# Small orders that mostly fit, and WIDGET (10 on hand) running out: both submit paths.
SKUS = ["BOLT-M8", "NUT-M10", "WIDGET"]


@dataclass
class Request:
    """One request a client sends, kept so that it can be sent again unchanged."""

    path: str
    body: dict[str, Any] | None
    key: str = field(default_factory=lambda: uuid.uuid4().hex)


@dataclass
class Client:
    """Creates and submits orders until the server stops answering."""

    base: str
    headers: dict[str, str]
    rng: random.Random
    acknowledged: dict[str, str] = field(default_factory=dict)  # number -> status answered
    numbers_by_key: dict[str, str] = field(default_factory=dict)  # create key -> its order
    in_flight: Request | None = None  # the request the server never answered
    replayed: int = 0  # answers that were replays (a request done before the kill)

    def place_orders(self, stop: threading.Event) -> None:
        with httpx.Client(base_url=self.base, headers=self.headers, timeout=30) as http:
            while not stop.is_set():
                lines = [
                    {"sku": sku, "quantity": self.rng.randint(1, 3)}
                    for sku in self.rng.sample(SKUS, self.rng.randint(1, 2))
                ]
                create = Request("/api/v1/orders", {"customer_code": "CUST-A", "lines": lines})
                if not self.carry(http, create):
                    return
                submit = Request(f"/api/v1/orders/{self.numbers_by_key[create.key]}/submit", None)
                if not self.carry(http, submit):
                    return

    def carry(self, http: httpx.Client, request: Request) -> bool:
        """Send one request; False (and the request kept in flight) when the server is gone."""
        self.in_flight = request
        try:
            response = send(http, request)
        except httpx.TransportError:
            return False
        self.record(request, response)
        self.in_flight = None
        return True

    def record(self, request: Request, response: httpx.Response) -> None:
        assert response.status_code in (200, 201), response.text
        answer = response.json()
        self.replayed += response.headers.get("Idempotent-Replayed") == "true"
        self.acknowledged[answer["number"]] = answer["status"]
        if request.body is not None:
            self.numbers_by_key[request.key] = answer["number"]

    def retry(self) -> None:
        """After the restart: the request that got no answer, again with its key; a create
        is then submitted, as the client would have gone on to do."""
        request = self.in_flight
        if request is None:
            return
        with httpx.Client(base_url=self.base, headers=self.headers, timeout=30) as http:
            assert self.carry(http, request)
            if request.body is not None:
                number = self.numbers_by_key[request.key]
                assert self.carry(http, Request(f"/api/v1/orders/{number}/submit", None))


def send(http: httpx.Client, request: Request) -> httpx.Response:
    return http.post(request.path, json=request.body, headers={"Idempotency-Key": request.key})


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> World:
    return build_world(sessions)


@pytest.fixture
def erp_command(engine: Engine, database_url: str, tmp_path: Path) -> dict[str, Any]:
    """How to start the ERP on the test's database; both starts use the same port."""
    port = free_port()
    return {
        "what": "ERP",
        "command": [sys.executable, "-m", "erp_backend", "serve", "--port", str(port)],
        "env": {**os.environ, "ERP_DATABASE_URL": database_url},
        "base": f"http://127.0.0.1:{port}",
        "health_path": "/api/v1/health",
        "log_path": str(tmp_path / "erp.log"),
    }


def test_kill_9_mid_load_loses_nothing_acknowledged_and_half_writes_nothing(
    erp_command: dict[str, Any], world: World, sessions: sessionmaker[Session]
) -> None:
    base = erp_command["base"]
    clients = [Client(base, world.headers("rep"), random.Random(seed)) for seed in range(CLIENTS)]
    stop = threading.Event()
    with server_process(**erp_command) as erp:
        threads = [threading.Thread(target=c.place_orders, args=(stop,)) for c in clients]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 120
        while sum(len(c.acknowledged) for c in clients) < KILL_AFTER_ACKS:
            assert time.monotonic() < deadline, "the clients made no progress"
            time.sleep(0.01)
        erp.send_signal(signal.SIGKILL)
        erp.wait()
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    before_kill = {number: s for c in clients for number, s in c.acknowledged.items()}
    in_flight = sum(c.in_flight is not None for c in clients)

    with server_process(**erp_command):
        for client in clients:
            client.retry()

    orders = check_nothing_half_written(sessions)
    for number, status in before_kill.items():
        assert number in orders, f"{number} was acknowledged as {status} and is gone"
        assert orders[number] in LATER[status], (number, status, orders[number])
    # one order per create key: a retried create replayed its first answer or ran once
    created = [number for c in clients for number in c.numbers_by_key.values()]
    assert len(created) == len(set(created)) == len(orders)
    assert set(created) == set(orders)
    print(
        f"{len(before_kill)} orders acknowledged before the kill, {in_flight} requests in "
        f"flight ({sum(c.replayed for c in clients)} had been done: replayed), "
        f"{len(orders)} orders after the restart and the retries"
    )


def check_nothing_half_written(sessions: sessionmaker[Session]) -> dict[str, str]:
    """Every order whole (lines, total, timeline up to its status) and every reservation
    backed by a reserving order. Answers number -> status."""
    with unit_of_work(sessions) as session:
        orders = {o.number: o for o in session.scalars(select(Order)).unique()}
        for order in orders.values():
            assert order.lines, f"{order.number} has no lines"
            assert order.total == sum((line.line_total for line in order.lines), Decimal(0))
            kinds_and_states = session.execute(
                select(OrderEvent.kind, OrderEvent.status)
                .where(OrderEvent.order_id == order.id)
                .order_by(OrderEvent.id)
            ).all()
            assert kinds_and_states, f"{order.number} has no timeline"
            assert kinds_and_states[-1][1] == order.status, (order.number, kinds_and_states)
        out_of_step = repo.reservations_out_of_step(session)
        assert out_of_step == [], f"reservations out of step for product ids {out_of_step}"
        return {number: order.status for number, order in orders.items()}
