"""actions/erp_client.py against a real ERP process: identities, rights, idempotency, and
what an unreachable ERP looks like to an action."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Coroutine
from typing import Any, TypeVar

import pytest

from actions.erp_client import ErpClient, ErpError, ErpUnavailable, new_idempotency_key
from tests.actions.conftest import RunningErp

T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


def client(erp: RunningErp) -> ErpClient:
    return ErpClient(erp.url, erp.service_key)


def linked_chat(erp: RunningErp, customer_code: str) -> str:
    """A new chat identity, linked to the customer's contact through a one-time code."""
    chat = f"telegram:{uuid.uuid4().int % 10**9}"
    with erp.as_rep() as rep:
        code = rep.post("/identity/link-codes", json={"customer_code": customer_code}).json()[
            "code"
        ]
    run(client(erp).link(chat, code))
    return chat


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
