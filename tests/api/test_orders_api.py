"""Orders over HTTP: roles, visibility, idempotency and bad input."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.world import World

ORDER = {"customer_code": "CUST-A", "lines": [{"sku": "BOLT-M8", "quantity": 40}]}


def create(client: TestClient, world: World, who: str = "rep", **headers: str) -> dict[str, Any]:
    body = ORDER if who != "CUST-A" else {"lines": ORDER["lines"]}
    response = client.post("/api/v1/orders", json=body, headers=world.headers(who, **headers))
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def test_create_answers_the_contract_shape(client: TestClient, world: World) -> None:
    order = create(client, world)
    assert order["number"].startswith("SO-")
    assert order["status"] == "draft"
    assert order["lines"] == [
        {
            "line_no": 1,
            "sku": "BOLT-M8",
            "name": "BOLT-M8 test item",
            "name_zh": "",  # the product's Chinese name ("" when it has none)
            "quantity": 40,
            "unit_price": "0.14",
            "discount_pct": "0.00",
            "line_total": "5.60",
        }
    ]
    assert order["total"] == "5.60"
    assert order["allowed_actions"] == ["edit", "submit", "cancel"]


def test_full_path_submit_then_read_timeline(client: TestClient, world: World) -> None:
    number = create(client, world)["number"]
    submitted = client.post(f"/api/v1/orders/{number}/submit", headers=world.headers("rep"))
    assert submitted.json()["status"] == "confirmed"
    product = client.get("/api/v1/products/BOLT-M8", headers=world.headers("rep")).json()
    assert (product["on_hand"], product["reserved"], product["available"]) == (1000, 40, 960)
    events = client.get(f"/api/v1/orders/{number}/events", headers=world.headers("CUST-A"))
    assert [e["kind"] for e in events.json()["items"]] == ["created", "submitted", "confirmed"]
    assert all(e["actor_role"] == "sales_rep" for e in events.json()["items"])


@pytest.mark.parametrize(
    ("who", "action", "status"),
    [
        ("CUST-A", "approve", 403),
        ("rep", "approve", 403),
        ("warehouse", "approve", 403),
        ("finance", "approve", 200),
        ("manager", "approve", 200),
        ("admin", "approve", 200),
    ],
)
def test_only_finance_and_managers_approve(
    client: TestClient, world: World, who: str, action: str, status: int
) -> None:
    body = {**ORDER, "lines": [{"sku": "BOLT-M8", "quantity": 10, "discount_pct": "50"}]}
    number = client.post("/api/v1/orders", json=body, headers=world.headers("rep")).json()["number"]
    held = client.post(f"/api/v1/orders/{number}/submit", headers=world.headers("rep")).json()
    assert held["status"] == "pending_approval"
    response = client.post(f"/api/v1/orders/{number}/{action}", headers=world.headers(who))
    assert response.status_code == status
    if status == 403:
        assert response.json()["code"] == "FORBIDDEN"
    else:
        assert response.json()["status"] == "confirmed"


def test_reject_needs_a_reason_and_returns_the_order_to_draft(
    client: TestClient, world: World
) -> None:
    body = {**ORDER, "lines": [{"sku": "BOLT-M8", "quantity": 10, "discount_pct": "50"}]}
    number = client.post("/api/v1/orders", json=body, headers=world.headers("rep")).json()["number"]
    client.post(f"/api/v1/orders/{number}/submit", headers=world.headers("rep"))
    no_reason = client.post(f"/api/v1/orders/{number}/reject", headers=world.headers("finance"))
    assert no_reason.status_code == 422
    rejected = client.post(
        f"/api/v1/orders/{number}/reject",
        json={"reason": "discount too deep"},
        headers=world.headers("finance"),
    )
    assert rejected.json()["status"] == "draft"
    assert rejected.json()["rejection_reason"] == "discount too deep"
    edited = client.patch(
        f"/api/v1/orders/{number}",
        json={"lines": [{"sku": "BOLT-M8", "quantity": 10, "discount_pct": "5"}]},
        headers=world.headers("rep"),
    )
    assert edited.status_code == 200
    assert edited.json()["total"] == "1.33"


def test_another_customers_order_is_not_found(client: TestClient, world: World) -> None:
    number = create(client, world, who="CUST-A")["number"]
    for path in (f"/api/v1/orders/{number}", f"/api/v1/orders/{number}/events"):
        response = client.get(path, headers=world.headers("CUST-B"))
        assert response.status_code == 404
        assert response.json()["code"] == "NOT_FOUND"
    for action in ("submit", "cancel"):
        response = client.post(f"/api/v1/orders/{number}/{action}", headers=world.headers("CUST-B"))
        assert response.status_code == 404
    listed = client.get("/api/v1/orders", headers=world.headers("CUST-B")).json()
    assert listed["items"] == []
    assert (
        client.get(f"/api/v1/orders/{number}", headers=world.headers("CUST-A")).status_code == 200
    )
    assert (
        client.get("/api/v1/customers/CUST-A", headers=world.headers("CUST-B")).status_code == 404
    )


def test_list_filters_and_cursor_pagination(client: TestClient, world: World) -> None:
    numbers = [create(client, world)["number"] for _ in range(5)]
    client.post(f"/api/v1/orders/{numbers[0]}/submit", headers=world.headers("rep"))
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/orders", params=params, headers=world.headers("rep")).json()
        seen += [order["number"] for order in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(numbers))
    confirmed = client.get(
        "/api/v1/orders", params={"status": "confirmed"}, headers=world.headers("rep")
    ).json()
    assert [o["number"] for o in confirmed["items"]] == [numbers[0]]
    other = client.get(
        "/api/v1/orders", params={"customer_code": "CUST-B"}, headers=world.headers("rep")
    ).json()
    assert other["items"] == []


def test_same_key_same_body_replays_the_first_response(client: TestClient, world: World) -> None:
    first = client.post(
        "/api/v1/orders", json=ORDER, headers=world.headers("rep", **{"Idempotency-Key": "a-1"})
    )
    again = client.post(
        "/api/v1/orders", json=ORDER, headers=world.headers("rep", **{"Idempotency-Key": "a-1"})
    )
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    listed = client.get("/api/v1/orders", headers=world.headers("rep")).json()
    assert len(listed["items"]) == 1


def test_same_key_other_body_is_refused(client: TestClient, world: World) -> None:
    headers = world.headers("rep", **{"Idempotency-Key": "a-2"})
    client.post("/api/v1/orders", json=ORDER, headers=headers)
    other = {**ORDER, "lines": [{"sku": "BOLT-M8", "quantity": 41}]}
    response = client.post("/api/v1/orders", json=other, headers=headers)
    assert response.status_code == 422
    assert response.json()["code"] == "IDEMPOTENCY_KEY_REUSED"


def test_keys_are_scoped_per_principal(client: TestClient, world: World) -> None:
    a = client.post(
        "/api/v1/orders", json=ORDER, headers=world.headers("rep", **{"Idempotency-Key": "k"})
    )
    b = client.post(
        "/api/v1/orders", json=ORDER, headers=world.headers("manager", **{"Idempotency-Key": "k"})
    )
    assert a.json()["number"] != b.json()["number"]


def test_actions_replay_too(client: TestClient, world: World) -> None:
    number = create(client, world)["number"]
    headers = world.headers("rep", **{"Idempotency-Key": "submit-1"})
    first = client.post(f"/api/v1/orders/{number}/submit", headers=headers)
    second = client.post(f"/api/v1/orders/{number}/submit", headers=headers)
    assert first.status_code == second.status_code == 200
    assert second.headers.get("Idempotent-Replayed") == "true"
    unkeyed = client.post(f"/api/v1/orders/{number}/submit", headers=world.headers("rep"))
    assert unkeyed.json()["code"] == "INVALID_TRANSITION"
    product = client.get("/api/v1/products/BOLT-M8", headers=world.headers("rep")).json()
    assert product["reserved"] == 40  # reserved once


def test_refused_requests_are_not_stored_under_the_key(client: TestClient, world: World) -> None:
    headers = world.headers("rep", **{"Idempotency-Key": "retry-me"})
    bad = {**ORDER, "customer_code": "CUST-NONE"}
    assert client.post("/api/v1/orders", json=bad, headers=headers).status_code == 422
    # Had the refusal been stored, a corrected body under the same key would be a reuse.
    assert client.post("/api/v1/orders", json=ORDER, headers=headers).status_code == 201


def with_line(**fields: Any) -> dict[str, Any]:
    return {"customer_code": "CUST-A", "lines": [{"sku": "BOLT-M8", "quantity": 1, **fields}]}


def with_order(**fields: Any) -> dict[str, Any]:
    return {**with_line(), **fields}


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"customer_code": "CUST-A", "lines": []}, "VALIDATION_ERROR"),
        (with_line(quantity=-1), "VALIDATION_ERROR"),
        (with_line(quantity=0), "VALIDATION_ERROR"),
        (with_line(quantity=10**30), "VALIDATION_ERROR"),
        (with_line(quantity=1.5), "VALIDATION_ERROR"),
        (with_line(quantity="ten"), "VALIDATION_ERROR"),
        (with_line(quantity=True), "VALIDATION_ERROR"),
        (with_line(discount_pct="101"), "VALIDATION_ERROR"),
        (with_line(discount_pct="NaN"), "VALIDATION_ERROR"),
        (with_line(discount_pct="-1"), "VALIDATION_ERROR"),
        (with_line(sku="NO-SUCH"), "UNKNOWN_PRODUCT"),
        (with_order(customer_code="CUST-ZZZ"), "UNKNOWN_CUSTOMER"),
        (with_order(colour="red"), "VALIDATION_ERROR"),
        (with_order(requested_delivery_date="2001-01-01"), "VALIDATION_ERROR"),
        (with_order(requested_delivery_date="next friday"), "VALIDATION_ERROR"),
        (with_order(shipping_address="a\u0000b"), "VALIDATION_ERROR"),
        ({"customer_code": "CUST-A", "lines": "BOLT-M8"}, "VALIDATION_ERROR"),
        ([1, 2, 3], "VALIDATION_ERROR"),
    ],
)
def test_bad_input_is_a_clear_4xx_and_writes_nothing(
    client: TestClient, world: World, body: Any, code: str
) -> None:
    response = client.post("/api/v1/orders", json=body, headers=world.headers("rep"))
    assert 400 <= response.status_code < 500
    assert response.json()["code"] == code
    assert response.json()["message"]
    assert client.get("/api/v1/orders", headers=world.headers("rep")).json()["items"] == []


def test_malformed_json_is_a_validation_error(client: TestClient, world: World) -> None:
    response = client.post(
        "/api/v1/orders",
        content=b'{"customer_code": "CUST-A", "lines": [',
        headers=world.headers("rep", **{"Content-Type": "application/json"}),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "VALIDATION_ERROR"


def test_huge_order_total_is_refused_not_overflowed(client: TestClient, world: World) -> None:
    client.post(
        "/api/v1/products",
        json={"sku": "YACHT", "name": "Yacht", "unit_price": "9999999999.99"},
        headers=world.headers("manager"),
    )
    body = {"customer_code": "CUST-A", "lines": [{"sku": "YACHT", "quantity": 2}]}
    response = client.post("/api/v1/orders", json=body, headers=world.headers("rep"))
    assert response.status_code == 422
    assert response.json()["code"] == "VALIDATION_ERROR"


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({}, 401, "UNAUTHENTICATED"),
        ({"Authorization": "Bearer erp_wrong"}, 401, "UNAUTHENTICATED"),
        ({"Authorization": "Basic abc"}, 401, "UNAUTHENTICATED"),
    ],
)
def test_authentication_is_required(
    client: TestClient, headers: dict[str, str], status: int, code: str
) -> None:
    response = client.get("/api/v1/products", headers=headers)
    assert (response.status_code, response.json()["code"]) == (status, code)


def test_unknown_route_and_method_answer_the_error_shape(client: TestClient, world: World) -> None:
    missing = client.get("/api/v1/nowhere", headers=world.headers("rep"))
    assert (missing.status_code, missing.json()["code"]) == (404, "NOT_FOUND")
    wrong = client.delete("/api/v1/orders", headers=world.headers("rep"))
    assert wrong.status_code == 405
    assert set(wrong.json()) == {"code", "message", "details"}


def test_reads_do_not_queue_behind_a_writer(
    client: TestClient, world: World, sessions: Any
) -> None:
    """A write transaction is open (and holds SQLite's write lock); reading still answers."""
    import threading

    from sqlalchemy import text

    writer = sessions()
    writer.begin()
    writer.execute(text("UPDATE stock SET on_hand = on_hand WHERE product_id = 1"))
    answers: list[int] = []
    reader = threading.Thread(
        target=lambda: answers.append(
            client.get("/api/v1/products/BOLT-M8", headers=world.headers("rep")).status_code
        )
    )
    try:
        reader.start()
        reader.join(timeout=10)  # the write lock's busy timeout is 30 s
        assert answers == [200]
    finally:
        writer.rollback()
        writer.close()
        reader.join()
