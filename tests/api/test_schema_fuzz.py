"""Property-based run over the OpenAPI schema: whatever the input, never a server error.

The schema is read once from an app on a throwaway database; each test points the same ASGI
entry at an app on that test's database (SQLite or PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from sqlalchemy import Engine
from starlette.types import ASGIApp, Receive, Scope, Send

from erp_backend.api.app import create_app
from erp_backend.db.engine import make_engine
from tests.world import World


class SwitchableApp:
    def __init__(self, target: ASGIApp) -> None:
        self.target = target

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.target(scope, receive, send)


entry = SwitchableApp(create_app(make_engine("sqlite://")))
schema = schemathesis.openapi.from_asgi("/openapi.json", entry)


@pytest.fixture
def app_on_test_database(engine: Engine, world: World) -> Iterator[None]:
    previous = entry.target
    entry.target = create_app(engine)
    yield
    entry.target = previous


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error(case: Any, world: World, app_on_test_database: None) -> None:
    # As a manager most operations get past authorisation and reach the services. Only the
    # service principal may send X-Chat-Identity (tests/api/test_identity_api.py covers it);
    # random values would turn nearly every case into a 403 that never reaches a service.
    (case.headers or {}).pop("X-Chat-Identity", None)
    response = case.call(headers=world.headers("manager"))
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text}"
    if response.status_code >= 400:
        assert set(response.json()) == {"code", "message", "details"}, response.text
