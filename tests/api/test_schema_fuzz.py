"""Property-based run over the OpenAPI schema: whatever the input, never a server error.

The schema is read once from an app on a throwaway database; each test points the same ASGI
entry at an app on that test's database (SQLite or PostgreSQL)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from sqlalchemy import Engine
from starlette.types import ASGIApp, Receive, Scope, Send

from erp_backend.api.app import create_app
from erp_backend.db.engine import make_engine
from tests.world import World

ARTIFACT = Path(__file__).resolve().parents[2] / "test-artifacts" / "schema-fuzz-cases.txt"


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


# Cases run, per database and operation: written to test-artifacts/ and printed at the end
# of the module, so the size of the run is a figure, not a guess (docs/reliability.md).
CASES: Counter[tuple[str, str]] = Counter()
MAX_EXAMPLES = 60


@pytest.fixture(scope="module", autouse=True)
def count_cases() -> Iterator[None]:
    yield
    if not CASES:
        return
    by_database = Counter(database for database, _ in CASES.elements())
    summary = (
        f"schemathesis: {CASES.total()} cases over {len({op for _, op in CASES})} operations "
        f"({', '.join(f'{db} {n}' for db, n in sorted(by_database.items()))}), "
        f"max_examples={MAX_EXAMPLES}"
    )
    ARTIFACT.parent.mkdir(exist_ok=True)
    ARTIFACT.write_text(summary + "\n")
    print("\n" + summary)


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error(
    case: Any, world: World, app_on_test_database: None, database_url: str
) -> None:
    CASES[
        ("postgres" if database_url.startswith("postgresql") else "sqlite", case.operation.label)
    ] += 1
    # As a manager most operations get past authorisation and reach the services. Only the
    # service principal may send X-Chat-Identity (tests/api/test_identity_api.py covers it);
    # random values would turn nearly every case into a 403 that never reaches a service.
    (case.headers or {}).pop("X-Chat-Identity", None)
    response = case.call(headers=world.headers("manager"))
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text}"
    if response.status_code >= 400:
        assert set(response.json()) == {"code", "message", "details"}, response.text
