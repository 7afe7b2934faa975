"""actions/erp_client.py against a real ERP process: identities, rights, idempotency, and
what an unreachable ERP looks like to an action."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Coroutine
from typing import Any, TypeVar

import httpx
import pytest

from actions.catalog import ActionStockAndPrice
from actions.erp_client import ErpClient, ErpError, ErpUnavailable, new_idempotency_key
from tests.actions.chat import linked_chat, run_on, spans, tracker
from tests.product import RunningErp

T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


def client(erp: RunningErp) -> ErpClient:
    return ErpClient(erp.url, erp.service_key)


def test_an_unlinked_chat_is_anonymous(erp: RunningErp) -> None:
    chat = f"web:{uuid.uuid4().hex}"
    me = run(client(erp).me(chat))
    assert (me["role"], me["linked"]) == ("anonymous", False)
    with pytest.raises(ErpError) as raised:
        run(client(erp).my_orders(chat))
    assert raised.value.code == "IDENTITY_NOT_LINKED"
    assert run(client(erp).products(chat, "bolt"))  # the catalog is open to everyone


def test_a_linked_customer_orders_and_reads_their_own(erp: RunningErp) -> None:
    chat = linked_chat(erp, "CUST-0005")
    me = run(client(erp).me(chat))
    assert (me["role"], me["customer_code"]) == ("customer", "CUST-0005")
    order = {"lines": [{"sku": "WASHER-8", "quantity": 200}], "channel": "telegram"}
    key = new_idempotency_key()
    first = run(client(erp).create_order(chat, order, key))
    retried = run(client(erp).create_order(chat, order, key))  # the user's retry: no twin
    assert retried["number"] == first["number"]
    assert first["customer_code"] == "CUST-0005"
    submitted = run(
        client(erp).order_action(chat, first["number"], "submit", new_idempotency_key())
    )
    assert submitted["status"] in {"confirmed", "pending_approval", "awaiting_stock"}
    seen = run(client(erp).order(chat, first["number"]))
    assert seen["status"] == submitted["status"]
    timeline = run(client(erp).order_events(chat, first["number"]))
    assert timeline[0]["kind"] == "created"


def test_another_customers_order_does_not_exist(erp: RunningErp) -> None:
    owner = linked_chat(erp, "CUST-0002")
    stranger = linked_chat(erp, "CUST-0003")
    number = run(client(erp).my_orders(owner, limit=1))[0]["number"]
    with pytest.raises(ErpError) as raised:
        run(client(erp).order(stranger, number))
    assert (raised.value.status, raised.value.code) == (404, "NOT_FOUND")


def test_refusals_carry_the_erp_code(erp: RunningErp) -> None:
    chat = linked_chat(erp, "CUST-0005")
    with pytest.raises(ErpError) as raised:
        run(
            client(erp).create_order(
                chat, {"lines": [{"sku": "NO-SUCH-THING", "quantity": 1}]}, new_idempotency_key()
            )
        )
    assert raised.value.code == "UNKNOWN_PRODUCT"
    assert raised.value.details["skus"] == ["NO-SUCH-THING"]
    with pytest.raises(ErpError) as raised:
        run(client(erp).link(f"web:{uuid.uuid4().hex}", "000000"))
    assert raised.value.code == "LINK_CODE_INVALID"


def test_an_unreachable_erp_is_unavailable_quickly() -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(ErpUnavailable):
        run(ErpClient(f"http://127.0.0.1:{port}", "erp_key").me("telegram:1"))
    assert time.monotonic() - started < 10  # never left hanging on Rasa's own timeout


def test_a_slow_erp_is_unavailable_and_a_keyed_retry_carries_the_same_key() -> None:
    """An ERP that accepts the connection and never answers (slower than the timeout): the
    action hears "unavailable" in bounded time; a change with an Idempotency-Key is retried
    once with the same key (so the ERP replays instead of acting twice); an unkeyed change
    is never retried."""
    import socket
    import threading

    import httpx

    requests: list[bytes] = []
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            held.append(connection)  # read the request, never answer
            requests.append(connection.recv(65536))

    threading.Thread(target=accept, daemon=True).start()
    slow = ErpClient(
        f"http://127.0.0.1:{server.getsockname()[1]}", "erp_key", timeout=httpx.Timeout(0.5)
    )
    try:
        started = time.monotonic()
        with pytest.raises(ErpUnavailable):
            run(slow.create_order("telegram:1", {"lines": []}, "key-123"))
        assert time.monotonic() - started < 5
        keys = [r for r in requests if b"idempotency-key: key-123" in r.lower()]
        assert len(keys) == 2
        requests.clear()
        with pytest.raises(ErpUnavailable):
            run(slow.link("telegram:1", "123456"))
        assert len(requests) == 1
    finally:
        server.close()
        for connection in held:
            connection.close()


class RecordingTransport(httpx.AsyncBaseTransport):
    """The real network, remembering the headers of every request sent through it."""

    def __init__(self) -> None:
        self.real = httpx.AsyncHTTPTransport()
        self.sent: list[httpx.Headers] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request.headers)
        return await self.real.handle_async_request(request)


def test_the_turns_request_id_goes_to_the_erp(erp: RunningErp) -> None:
    """The gateway puts the turn's request id in the REST channel's metadata; Rasa keeps it
    on the tracker's latest message; the action sends it on to the ERP as X-Request-ID."""

    def ids_sent(metadata: dict[str, str] | None) -> set[str]:
        recording = RecordingTransport()  # one per run: a pool lives on one event loop
        action = ActionStockAndPrice(ErpClient(erp.url, erp.service_key, transport=recording))
        text = "price of BOLT-M8"
        state = tracker("web:rid-test", text, spans(text, sku="BOLT-M8"))
        if metadata is not None:
            state.latest_message["metadata"] = metadata
        run_on(action, state)
        assert recording.sent
        return {headers["X-Request-ID"] for headers in recording.sent}

    assert ids_sent({"request_id": "turn-0042"}) == {"turn-0042"}
    made = ids_sent(None)  # no metadata (an older gateway): one id made for the whole action
    assert len(made) == 1
    assert made != {"turn-0042"}
