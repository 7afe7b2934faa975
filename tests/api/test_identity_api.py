"""Chat identities: link codes, the service principal acting for a chat, lockout."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from erp_backend.domain.identity import LINK_CODE_TTL, MAX_FAILED_LINK_ATTEMPTS
from tests.api.conftest import MovableClock
from tests.world import World


def chat(world: World, identity: str) -> dict[str, str]:
    return world.headers("service", **{"X-Chat-Identity": identity})


def issue_code(client: TestClient, world: World, who: str = "rep", **body: str) -> str:
    response = client.post(
        "/api/v1/identity/link-codes",
        json=body or {"customer_code": "CUST-A"},
        headers=world.headers(who),
    )
    assert response.status_code == 201, response.text
    code: str = response.json()["code"]
    assert len(code) == 6
    assert code.isdigit()
    return code


def test_unlinked_chat_sees_the_catalog_only(client: TestClient, world: World) -> None:
    headers = chat(world, "telegram:1001")
    assert client.get("/api/v1/products", headers=headers).status_code == 200
    for path in ("/api/v1/orders", "/api/v1/customers/CUST-A"):
        response = client.get(path, headers=headers)
        assert response.status_code == 403
        assert response.json()["code"] == "IDENTITY_NOT_LINKED"
    me = client.get("/api/v1/identity/me", headers=headers).json()
    assert (me["role"], me["linked"]) == ("anonymous", False)


def test_linked_chat_acts_as_the_customer(client: TestClient, world: World) -> None:
    code = issue_code(client, world)
    headers = chat(world, "telegram:1001")
    linked = client.post("/api/v1/identity/links", json={"code": code}, headers=headers)
    assert linked.status_code == 200
    assert linked.json()["customer_code"] == "CUST-A"
    order = client.post(
        "/api/v1/orders", json={"lines": [{"sku": "BOLT-M8", "quantity": 5}]}, headers=headers
    )
    assert order.status_code == 201
    assert order.json()["customer_code"] == "CUST-A"
    assert order.json()["channel"] == "telegram"
    # the customer's own key sees the chat's order; another customer does not
    number = order.json()["number"]
    assert (
        client.get(f"/api/v1/orders/{number}", headers=world.headers("CUST-A")).status_code == 200
    )
    assert (
        client.get(f"/api/v1/orders/{number}", headers=world.headers("CUST-B")).status_code == 404
    )


def test_a_code_works_once(client: TestClient, world: World) -> None:
    code = issue_code(client, world)
    first = client.post("/api/v1/identity/links", json={"code": code}, headers=chat(world, "web:a"))
    retry = client.post("/api/v1/identity/links", json={"code": code}, headers=chat(world, "web:a"))
    other = client.post("/api/v1/identity/links", json={"code": code}, headers=chat(world, "web:b"))
    assert first.status_code == retry.status_code == 200  # the same chat retrying is fine
    assert (other.status_code, other.json()["code"]) == (422, "LINK_CODE_INVALID")


def test_a_code_expires(client: TestClient, world: World, clock: MovableClock) -> None:
    code = issue_code(client, world)
    clock.advance(LINK_CODE_TTL + timedelta(seconds=1))
    response = client.post(
        "/api/v1/identity/links", json={"code": code}, headers=chat(world, "web:a")
    )
    assert response.json()["code"] == "LINK_CODE_INVALID"


def test_guessing_locks_the_chat_out(client: TestClient, world: World, clock: MovableClock) -> None:
    code = issue_code(client, world)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    headers = chat(world, "telegram:666")
    for _ in range(MAX_FAILED_LINK_ATTEMPTS):
        response = client.post("/api/v1/identity/links", json={"code": wrong}, headers=headers)
        assert response.json()["code"] == "LINK_CODE_INVALID"
    locked = client.post("/api/v1/identity/links", json={"code": code}, headers=headers)
    assert (locked.status_code, locked.json()["code"]) == (429, "TOO_MANY_ATTEMPTS")
    assert int(locked.headers["Retry-After"]) > 0
    # the right code still works for another chat, and for this one after the lockout
    clock.advance(timedelta(minutes=16))
    later = client.post("/api/v1/identity/links", json={"code": code}, headers=headers)
    assert later.status_code == 200


def test_staff_can_be_linked_and_act_with_their_role(client: TestClient, world: World) -> None:
    code = issue_code(client, world, who="manager", principal_name="finance")
    headers = chat(world, "telegram:42")
    client.post("/api/v1/identity/links", json={"code": code}, headers=headers)
    assert client.get("/api/v1/identity/me", headers=headers).json()["role"] == "finance"
    assert client.get("/api/v1/orders", headers=headers).status_code == 200


def test_reps_issue_codes_for_customers_only(client: TestClient, world: World) -> None:
    response = client.post(
        "/api/v1/identity/link-codes",
        json={"principal_name": "manager"},
        headers=world.headers("rep"),
    )
    assert response.json()["code"] == "FORBIDDEN"
    by_customer = client.post(
        "/api/v1/identity/link-codes",
        json={"customer_code": "CUST-A"},
        headers=world.headers("CUST-A"),
    )
    assert by_customer.json()["code"] == "FORBIDDEN"


@pytest.mark.parametrize("who", ["rep", "CUST-A", "manager"])
def test_only_the_service_may_speak_for_a_chat(client: TestClient, world: World, who: str) -> None:
    response = client.get(
        "/api/v1/products", headers=world.headers(who, **{"X-Chat-Identity": "telegram:1"})
    )
    assert (response.status_code, response.json()["code"]) == (403, "FORBIDDEN")


def test_malformed_chat_identity_is_a_validation_error(client: TestClient, world: World) -> None:
    response = client.get("/api/v1/products", headers=chat(world, "no colon here"))
    assert (response.status_code, response.json()["code"]) == (422, "VALIDATION_ERROR")
