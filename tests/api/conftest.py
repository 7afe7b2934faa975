from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from erp_backend.api.app import create_app
from tests.world import World, build_world


class MovableClock:
    """A clock the tests can move forward (link-code expiry, lockouts)."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> World:
    return build_world(sessions)


@pytest.fixture
def client(engine: Engine, world: World, clock: MovableClock) -> Iterator[TestClient]:
    with TestClient(create_app(engine, clock=clock), raise_server_exceptions=False) as client:
        yield client
