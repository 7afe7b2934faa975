"""Broken object-level authorisation, tried on every route of the app.

Customer A has an order in every state that matters, an invoice with a payment, a return and
so a statement and a credit figure. Customer B — by its API key and by a chat linked to it
(service key + X-Chat-Identity) — calls every route with A's identifiers. The matrix below
classifies every route of the app; a route it does not know fails the test, so a new
endpoint cannot escape it.

- OWN: a record a customer may reach when it is theirs: B gets 404 NOT_FOUND, as for a record
  that does not exist (never 403, never 200 with A's data).
- ROLE: refused to every customer by role: B's answer is the same as for a record that does
  not exist (no existence oracle), never a success, and carries none of A's data.
- LIST: B's list holds only B's records, even when filtered by A's customer code.
- PUBLIC / SELF: the catalog and the caller's own identity: nothing of A's in the answer.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.world import World


class Kind(enum.Enum):
    OWN = "own"
    ROLE = "role"
    LIST = "list"
    PUBLIC = "public"
    SELF = "self"


V1 = "/api/v1"
# (method, path template) -> kind. Every route of the app, and nothing else.
MATRIX: dict[tuple[str, str], Kind] = {
    ("GET", "/openapi.json"): Kind.PUBLIC,
    ("GET", "/docs"): Kind.PUBLIC,
    ("GET", "/docs/oauth2-redirect"): Kind.PUBLIC,
    ("GET", "/redoc"): Kind.PUBLIC,
    ("GET", f"{V1}/health"): Kind.PUBLIC,
    ("GET", f"{V1}/products"): Kind.PUBLIC,
    ("GET", f"{V1}/products/{{sku}}"): Kind.PUBLIC,
    ("GET", f"{V1}/products/{{sku}}/forecast"): Kind.ROLE,
    ("POST", f"{V1}/products"): Kind.ROLE,
    ("PATCH", f"{V1}/products/{{sku}}"): Kind.ROLE,
    ("GET", f"{V1}/stock/{{sku}}"): Kind.PUBLIC,
    ("POST", f"{V1}/stock/receipts"): Kind.ROLE,
    ("GET", f"{V1}/replenishment-requests"): Kind.ROLE,
    ("GET", f"{V1}/replenishment/proposals"): Kind.ROLE,
    ("GET", f"{V1}/customers"): Kind.LIST,
    ("GET", f"{V1}/customers/{{code}}"): Kind.OWN,
    ("GET", f"{V1}/customers/{{code}}/credit"): Kind.OWN,
    ("GET", f"{V1}/customers/{{code}}/statement"): Kind.OWN,
    ("GET", f"{V1}/customers/{{code}}/statement.csv"): Kind.OWN,
    ("POST", f"{V1}/customers"): Kind.ROLE,
    ("PATCH", f"{V1}/customers/{{code}}"): Kind.ROLE,
    ("GET", f"{V1}/receivables/aging"): Kind.ROLE,
    ("POST", f"{V1}/orders"): Kind.ROLE,  # naming A's customer: refused as any other code
    ("GET", f"{V1}/orders"): Kind.LIST,
    ("GET", f"{V1}/orders/{{number}}"): Kind.OWN,
    ("GET", f"{V1}/orders/{{number}}/events"): Kind.OWN,
    ("PATCH", f"{V1}/orders/{{number}}"): Kind.OWN,
    ("POST", f"{V1}/orders/{{number}}/submit"): Kind.OWN,
    ("POST", f"{V1}/orders/{{number}}/cancel"): Kind.OWN,
    ("POST", f"{V1}/orders/{{number}}/approve"): Kind.ROLE,
    ("POST", f"{V1}/orders/{{number}}/reject"): Kind.ROLE,
    ("POST", f"{V1}/orders/{{number}}/pick"): Kind.ROLE,
    ("POST", f"{V1}/orders/{{number}}/pack"): Kind.ROLE,
    ("POST", f"{V1}/orders/{{number}}/ship"): Kind.ROLE,
    ("POST", f"{V1}/orders/{{number}}/deliver"): Kind.ROLE,
    ("GET", f"{V1}/invoices"): Kind.LIST,
    ("GET", f"{V1}/invoices/{{number}}"): Kind.OWN,
    ("GET", f"{V1}/invoices/{{number}}.csv"): Kind.OWN,
    ("POST", f"{V1}/invoices/{{number}}/payments"): Kind.ROLE,
    ("POST", f"{V1}/returns"): Kind.OWN,  # names A's order in its body
    ("GET", f"{V1}/returns"): Kind.LIST,
    ("GET", f"{V1}/returns/{{number}}"): Kind.OWN,
    ("POST", f"{V1}/returns/{{number}}/receive"): Kind.ROLE,
    ("POST", f"{V1}/identity/link-codes"): Kind.ROLE,
    ("POST", f"{V1}/identity/links"): Kind.SELF,
    ("GET", f"{V1}/identity/me"): Kind.SELF,
    ("GET", f"{V1}/events"): Kind.ROLE,
    ("GET", f"{V1}/reports/monthly-sales"): Kind.ROLE,
    ("GET", f"{V1}/reports/monthly-sales.png"): Kind.ROLE,
    ("GET", f"{V1}/reports/abc"): Kind.ROLE,
    ("GET", f"{V1}/reports/sales"): Kind.ROLE,
    ("GET", f"{V1}/reports/order-volume"): Kind.ROLE,
    ("GET", f"{V1}/reports/kpis"): Kind.ROLE,
    ("GET", f"{V1}/reports/low-stock"): Kind.ROLE,
    ("GET", "/metrics"): Kind.PUBLIC,
}


def app_routes(client: TestClient) -> set[tuple[str, str]]:
    """(method, path template) of every route the app serves, HEAD aside."""
    return {
        (method, path)
        for path, methods in flat_routes(client.app.routes)  # type: ignore[attr-defined]
        for method in methods
        if method != "HEAD"
    }


def flat_routes(routes: Iterable[Any]) -> Iterator[tuple[str, set[str]]]:
    # FastAPI >= 0.16x keeps an included router as one entry that lists its routes with
    # their full paths through `effective_route_contexts()`; older versions copy them flat.
    for route in routes:
        if hasattr(route, "effective_route_contexts"):
            yield from flat_routes(route.effective_route_contexts())
        elif isinstance(getattr(route, "path", None), str):
            yield route.path, set(getattr(route, "methods", None) or {"GET"})


@dataclass(frozen=True)
class RecordsOfA:
    delivered: str  # order: confirmed, picked, packed, shipped, delivered
    draft: str  # order still editable
    invoice: str
    rma: str

    def identifiers(self) -> list[str]:
        return [self.delivered, self.draft, self.invoice, self.rma, "CUST-A"]


@pytest.fixture
def records_of_a(client: TestClient, world: World) -> RecordsOfA:
    def post(who: str, path: str, body: Any = None) -> dict[str, Any]:
        response = client.post(V1 + path, json=body, headers=world.headers(who))
        assert response.status_code in (200, 201), response.text
        answer: dict[str, Any] = response.json()
        return answer

    order = {"customer_code": "CUST-A", "lines": [{"sku": "BOLT-M8", "quantity": 50}]}
    delivered = post("rep", "/orders", order)["number"]
    post("rep", f"/orders/{delivered}/submit")
    for step in ("pick", "pack"):
        post("warehouse", f"/orders/{delivered}/{step}")
    post("warehouse", f"/orders/{delivered}/ship", {"carrier": "DHL", "tracking_number": "T1"})
    post("warehouse", f"/orders/{delivered}/deliver")
    invoices = client.get(
        f"{V1}/invoices", params={"customer_code": "CUST-A"}, headers=world.headers("finance")
    ).json()["items"]
    invoice = invoices[0]["number"]
    post("finance", f"/invoices/{invoice}/payments", {"amount": "1.00"})
    rma = post(
        "CUST-A",
        "/returns",
        {"order_number": delivered, "lines": [{"sku": "BOLT-M8", "quantity": 2}], "reason": "bent"},
    )["number"]
    draft = post("rep", "/orders", order)["number"]
    return RecordsOfA(delivered, draft, invoice, rma)


def identities_of_b(client: TestClient, world: World) -> dict[str, dict[str, str]]:
    code = client.post(
        f"{V1}/identity/link-codes", json={"customer_code": "CUST-B"}, headers=world.headers("rep")
    ).json()["code"]
    chat = world.headers("service", **{"X-Chat-Identity": "telegram:424242"})
    linked = client.post(f"{V1}/identity/links", json={"code": code}, headers=chat)
    assert linked.json()["customer_code"] == "CUST-B"
    return {"api key": world.headers("CUST-B"), "linked chat": chat}


def body_for(method: str, template: str, a: RecordsOfA, order: str) -> Any:
    """A valid body for each route that takes one, naming A's records where it can."""
    lines = [{"sku": "BOLT-M8", "quantity": 1}]
    if template.endswith("/orders") and method == "POST":
        return {"customer_code": "CUST-A", "lines": lines}
    if template.endswith("/returns") and method == "POST":
        return {"order_number": order, "lines": lines, "reason": "mine now"}
    bodies: dict[str, Any] = {
        "/reject": {"reason": "no"},
        "/ship": {"carrier": "DHL", "tracking_number": "X"},
        "/payments": {"amount": "1.00"},
        "/link-codes": {"customer_code": "CUST-A"},
        "/links": {"code": "000000"},
        "/receipts": {"sku": "BOLT-M8", "quantity": 1},
        "/products": {"sku": "NEW-1", "name": "New", "unit_price": "1.00"},
        "/customers": {"code": "CUST-NEW", "name": "New", "credit_limit": "1"},
    }
    for ending, body in bodies.items():
        if template.endswith(ending):
            return body
    if method == "PATCH" and "/orders/" in template:
        return {"lines": lines}
    if method == "PATCH":
        return {"name": "Renamed"}
    return None


def fill(template: str, a: RecordsOfA, *, real: bool) -> tuple[str, str]:
    """The path with A's identifiers (or ones that exist nowhere), and the order it names."""
    mutates = any(template.endswith(s) for s in ("submit", "cancel", "{number}"))
    order = a.draft if mutates and "/orders/" in template else a.delivered
    if not real:
        order = "SO-2000-99999"
    values = {
        "code": "CUST-A" if real else "CUST-NONE",
        "sku": "BOLT-M8",
        "number": (
            order
            if "/orders/" in template
            else (a.invoice if real else "INV-2000-99999")
            if "/invoices/" in template
            else (a.rma if real else "RMA-2000-99999")
        ),
    }
    path = re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], template)
    return path, order


def call(
    client: TestClient,
    method: str,
    template: str,
    a: RecordsOfA,
    headers: dict[str, str],
    *,
    real: bool,
) -> tuple[Any, str]:
    """The answer, and what the request itself said (an error may echo that back)."""
    path, order = fill(template, a, real=real)
    body = body_for(method, template, a, order)
    if template.endswith("/returns") and method == "POST" and not real:
        body["order_number"] = "SO-2000-99999"
    response = client.request(method, path, json=body, headers=headers)
    return response, path + json.dumps(body)


def test_the_matrix_classifies_every_route(client: TestClient) -> None:
    routes = app_routes(client)
    unclassified = routes - MATRIX.keys()
    assert not unclassified, f"classify these routes in the BOLA matrix: {sorted(unclassified)}"
    stale = MATRIX.keys() - routes
    assert not stale, f"these routes are gone: {sorted(stale)}"


def test_customer_b_reaches_nothing_of_customer_a(
    client: TestClient, world: World, records_of_a: RecordsOfA
) -> None:
    a = records_of_a
    tried = 0
    for who, headers in identities_of_b(client, world).items():
        for method, template in sorted(app_routes(client)):
            kind = MATRIX[(method, template)]
            response, sent = call(client, method, template, a, headers, real=True)
            where = f"{who}: {method} {template} -> {response.status_code} {response.text[:200]}"
            tried += 1
            if kind is Kind.OWN:
                assert response.status_code == 404, where
                assert response.json()["code"] == "NOT_FOUND", where
                continue
            if kind is Kind.ROLE:
                assert response.status_code >= 400, where
                if "{" in template or template.endswith(("/orders", "/returns")):
                    unknown, _ = call(client, method, template, a, headers, real=False)
                    assert (unknown.status_code, unknown.json()["code"]) == (
                        response.status_code,
                        response.json()["code"],
                    ), where
            if kind is Kind.LIST:
                assert response.status_code == 200, where
                filtered = client.get(template, params={"customer_code": "CUST-A"}, headers=headers)
                assert filtered.status_code in (200, 404), filtered.text
                leaked = [x for x in a.identifiers() if x in response.text + filtered.text]
                assert not leaked, where
            if template == "/openapi.json" or template.startswith(("/docs", "/redoc")):
                continue
            # nothing of A's but what the request itself named
            leaked = [x for x in a.identifiers() if x in response.text and x not in sent]
            assert not leaked, where
    assert tried == 2 * len(app_routes(client))
    # and nothing B tried changed A's records
    own = world.headers("CUST-A")
    assert client.get(f"{V1}/orders/{a.draft}", headers=own).json()["status"] == "draft"
    assert client.get(f"{V1}/orders/{a.delivered}", headers=own).json()["status"] == "delivered"
    assert client.get(f"{V1}/returns/{a.rma}", headers=own).json()["status"] == "requested"


def test_b_sees_its_own_records(client: TestClient, world: World, records_of_a: RecordsOfA) -> None:
    """The matrix's 404s are about ownership, not a broken route: B reaches its own."""
    created = client.post(
        f"{V1}/orders",
        json={"lines": [{"sku": "NUT-M10", "quantity": 1}]},
        headers=world.headers("CUST-B"),
    )
    assert created.status_code == 201, created.text
    number = created.json()["number"]
    for headers in identities_of_b(client, world).values():
        assert client.get(f"{V1}/orders/{number}", headers=headers).status_code == 200
        assert client.get(f"{V1}/customers/CUST-B/credit", headers=headers).status_code == 200
        listed = client.get(f"{V1}/orders", headers=headers).json()["items"]
        assert [o["number"] for o in listed] == [number]
