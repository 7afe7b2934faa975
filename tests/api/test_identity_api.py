"""Chat identities: link codes, the service principal acting for a chat, lockout."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from erp_backend.domain.identity import (
    LINK_CODE_TTL,
    LINK_LOCKOUT,
    LINK_TOKEN_TTL,
    MAX_FAILED_LINK_ATTEMPTS,
    MAX_WRONG_CODES_GLOBAL,
    MAX_WRONG_GUESSES_PER_CODE,
    LinkAddresses,
)
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


# -- guessing bounded beyond one chat, and links that need no typing (docs/security.md) ----------


def guess(client: TestClient, world: World, chat_identity: str, code: str) -> str:
    answer = client.post(
        "/api/v1/identity/links", json={"code": code}, headers=chat(world, chat_identity)
    )
    return str(answer.json().get("code") if answer.status_code != 200 else "LINKED")


def wrong_code(right: str, n: int) -> str:
    candidate = f"{n:06d}"
    return candidate if candidate != right else f"{n + 500000:06d}"


def test_a_code_is_void_after_enough_wrong_guesses_from_anywhere(
    client: TestClient, world: World
) -> None:
    """Many chats (new cookies, new addresses) each guess a few times: however the guesses
    are spread, a live code sees at most MAX_WRONG_GUESSES_PER_CODE of them."""
    code = issue_code(client, world)
    for n in range(MAX_WRONG_GUESSES_PER_CODE):
        assert guess(client, world, f"web:guesser-{n}", wrong_code(code, n)) == (
            "LINK_CODE_INVALID"
        )
    assert guess(client, world, "web:the-customer", code) == "LINK_CODE_INVALID"


def test_a_code_survives_fewer_wrong_guesses(client: TestClient, world: World) -> None:
    code = issue_code(client, world)
    for n in range(MAX_WRONG_GUESSES_PER_CODE - 1):
        guess(client, world, f"web:typo-{n}", wrong_code(code, n))
    assert guess(client, world, "web:the-customer", code) == "LINKED"


def test_a_flood_of_wrong_codes_pauses_codes_for_everyone(
    client: TestClient, world: World, clock: MovableClock
) -> None:
    for n in range(MAX_WRONG_CODES_GLOBAL):
        guess(client, world, f"web:flood-{n // 4}", f"{900000 + n:06d}")
    code = issue_code(client, world)  # issued after the flood: it has seen no guess
    paused = client.post(
        "/api/v1/identity/links", json={"code": code}, headers=chat(world, "web:honest")
    )
    assert paused.status_code == 429
    assert paused.json()["code"] == "TOO_MANY_ATTEMPTS"
    clock.advance(LINK_LOCKOUT + timedelta(seconds=1))
    assert guess(client, world, "web:honest", code) == "LINKED"


def issue_link(client: TestClient, world: World) -> dict[str, str]:
    response = client.post(
        "/api/v1/identity/link-codes",
        json={"customer_code": "CUST-A"},
        headers=world.headers("rep"),
    )
    assert response.status_code == 201, response.text
    issued: dict[str, str] = response.json()
    return issued


def test_a_one_tap_link_links_once_and_is_too_long_to_guess(
    client: TestClient, world: World
) -> None:
    issued = issue_link(client, world)
    token = issued["token"]
    assert len(token) >= 32
    assert issued["telegram_link"] is None  # no bot configured for this app
    link = "/api/v1/identity/links"
    first = client.post(link, json={"token": token}, headers=chat(world, "telegram:77"))
    assert first.status_code == 200
    assert first.json()["customer_code"] == "CUST-A"
    again = client.post(link, json={"token": token}, headers=chat(world, "telegram:77"))
    assert again.status_code == 200  # a retry of the same chat
    other = client.post(link, json={"token": token}, headers=chat(world, "telegram:78"))
    assert (other.status_code, other.json()["code"]) == (422, "LINK_CODE_INVALID")
    # the code that came with it is used up too
    assert guess(client, world, "web:late", issued["code"]) == "LINK_CODE_INVALID"


def test_a_one_tap_link_lasts_longer_than_the_code(
    client: TestClient, world: World, clock: MovableClock
) -> None:
    issued = issue_link(client, world)
    clock.advance(LINK_CODE_TTL + timedelta(hours=1))
    assert guess(client, world, "web:phone", issued["code"]) == "LINK_CODE_INVALID"
    later = client.post(
        "/api/v1/identity/links", json={"token": issued["token"]}, headers=chat(world, "web:mail")
    )
    assert later.status_code == 200
    expired = issue_link(client, world)
    clock.advance(LINK_TOKEN_TTL + timedelta(seconds=1))
    refused = client.post(
        "/api/v1/identity/links", json={"token": expired["token"]}, headers=chat(world, "web:x")
    )
    assert refused.json()["code"] == "LINK_CODE_INVALID"


def test_one_tap_addresses_are_built_from_the_settings() -> None:
    addresses = LinkAddresses("https://chat.example.com/", "@acme_orders_bot")
    assert addresses.web("abc-DEF_123") == "https://chat.example.com/#link=abc-DEF_123"
    assert addresses.telegram("abc-DEF_123") == "https://t.me/acme_orders_bot?start=abc-DEF_123"
    assert LinkAddresses().web("x") is None


def test_staff_get_a_code_but_no_one_tap_link(client: TestClient, world: World) -> None:
    """A staff member's rights are not sent by e-mail for a week: the code only."""
    issued = client.post(
        "/api/v1/identity/link-codes",
        json={"principal_name": "rep"},
        headers=world.headers("manager"),
    )
    assert issued.status_code == 201, issued.text
    assert issued.json()["token"] is None
    assert issued.json()["web_link"] is None
