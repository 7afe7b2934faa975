"""API keys: revoked and expired keys are refused at once; rotation keeps both keys working
through the grace period, then only the new one."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from erp_backend.db.engine import unit_of_work
from erp_backend.db.models import Principal
from erp_backend.domain.principals import Role
from erp_backend.services.identity import (
    create_api_key,
    ensure_principal,
    find_api_key,
    revoke_api_key,
    rotate_api_key,
)
from tests.api.conftest import MovableClock
from tests.world import World

ME = "/api/v1/identity/me"


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def refused(client: TestClient, secret: str) -> str:
    response = client.get(ME, headers=bearer(secret))
    assert response.status_code == 401, response.text
    assert response.json()["code"] == "UNAUTHENTICATED"
    message: str = response.json()["message"]
    return message


def works(client: TestClient, secret: str) -> bool:
    return client.get(ME, headers=bearer(secret)).status_code == 200


def test_a_revoked_key_is_refused_at_once(
    client: TestClient, world: World, sessions: sessionmaker[Session], clock: MovableClock
) -> None:
    assert works(client, world.keys["rep"])
    with unit_of_work(sessions) as session:
        assert revoke_api_key(session, find_api_key(session, world.keys["rep"]), clock())
    # the same client, the same app: nothing remembered the key
    assert "revoked" in refused(client, world.keys["rep"])
    assert works(client, world.keys["manager"])  # other keys are untouched
    with unit_of_work(sessions) as session:  # revoking twice changes nothing
        assert not revoke_api_key(session, find_api_key(session, world.keys["rep"]), clock())


def test_a_key_works_until_it_expires(
    client: TestClient, sessions: sessionmaker[Session], clock: MovableClock
) -> None:
    with unit_of_work(sessions) as session:
        principal = ensure_principal(session, "temp", Role.MANAGER, clock())
        secret = create_api_key(session, principal, clock(), expires_at=clock() + timedelta(days=1))
    assert works(client, secret)
    clock.advance(timedelta(days=1) - timedelta(seconds=1))
    assert works(client, secret)
    clock.advance(timedelta(seconds=1))
    assert "expired" in refused(client, secret)
    # and for writes too, not only reads
    response = client.post(
        "/api/v1/identity/link-codes", json={"customer_code": "CUST-A"}, headers=bearer(secret)
    )
    assert response.status_code == 401


def test_rotation_keeps_both_keys_through_the_grace_period(
    client: TestClient, world: World, sessions: sessionmaker[Session], clock: MovableClock
) -> None:
    old = world.keys["service"]
    with unit_of_work(sessions) as session:
        new = rotate_api_key(
            session, find_api_key(session, old), clock(), grace=timedelta(hours=24)
        ).secret
    assert new != old
    assert works(client, old)
    assert works(client, new)
    me = client.get(ME, headers=bearer(new)).json()
    assert (me["name"], me["role"]) == ("service", "service")  # the same principal
    clock.advance(timedelta(hours=23, minutes=59))
    assert works(client, old)
    clock.advance(timedelta(minutes=1))
    assert "expired" in refused(client, old)
    assert works(client, new)


def test_a_principal_holds_several_keys(
    client: TestClient, world: World, sessions: sessionmaker[Session], clock: MovableClock
) -> None:
    with unit_of_work(sessions) as session:
        principal = ensure_principal(session, "manager", Role.MANAGER, clock())
        second = create_api_key(session, principal, clock())
        assert session.get(Principal, principal.id) is principal
    assert works(client, world.keys["manager"])
    assert works(client, second)
