"""Property-based run over the OpenAPI document with every schemathesis check: the server
answers as its document says, not only "never a server error".

All the checks of the installed schemathesis (what `--checks all` runs): no 5xx, every
status, content type, header and body as documented, schema-valid requests accepted and
schema-invalid ones refused, missing credentials refused (`ignored_auth` sends each
operation once without a key and once with a wrong one), 405 with an `Allow` header for
undocumented methods. The stateful checks (`use_after_free`, `ensure_resource_availability`)
and `object_level_authorization` are in the list too but need a stateful run with several
identities to act; tests/api/test_bola.py covers another customer's objects.

One narrowing, explained at `positive_data_acceptance_except_business_rules`.

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
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import positive_data_acceptance
from sqlalchemy import Engine
from starlette.types import ASGIApp, Receive, Scope, Send

from erp_backend.api.app import create_app
from erp_backend.api.errors import HTTP_STATUS
from erp_backend.db.engine import make_engine
from erp_backend.domain.errors import ErrorCode
from tests.world import World

ARTIFACT = Path(__file__).resolve().parents[2] / "test-artifacts" / "schema-fuzz-cases.txt"


class SwitchableApp:
    def __init__(self, target: ASGIApp) -> None:
        self.target = target

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.target(scope, receive, send)


entry = SwitchableApp(create_app(make_engine("sqlite://")))
schema = schemathesis.openapi.from_asgi("/openapi.json", entry)


# Generated requests are signed as the manager: most operations then get past authorisation
# and reach the services. Cases that leave the key out or break it on purpose (a 401
# expected) are left unsigned by schemathesis. Some cases are made before any test has its
# world, so they carry this stand-in, swapped for the test's own key just before the call.
MANAGER = "manager-key-of-the-test"


@schema.auth(refresh_interval=None, retry_on=[])
class ManagerKey:
    def get(self, case: Any, context: Any) -> str:
        return MANAGER

    def set(self, case: Any, data: str, context: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


def sign(case: Any, world: World) -> None:
    headers = case.headers or {}
    if headers.get("Authorization") == f"Bearer {MANAGER}":
        headers["Authorization"] = f"Bearer {world.keys['manager']}"


@pytest.fixture
def app_on_test_database(engine: Engine, world: World) -> Iterator[None]:
    previous = entry.target
    entry.target = create_app(engine)
    yield
    entry.target = previous


# Schema-valid requests the API refuses by design, with a documented 422 (docs/errors.md):
# no document can say which SKUs or customers exist, which Idempotency-Key was used before,
# or state rules across fields or on the caller's role. A refusal by the request validator
# (VALIDATION_ERROR with `details.errors`) is never excused: that would be the document
# admitting what the server does not.
BUSINESS_REFUSALS = {
    code.value
    for code, status in HTTP_STATUS.items()
    if status == 422 and code is not ErrorCode.VALIDATION_ERROR
}
RULES_THE_SCHEMA_CANNOT_STATE = {
    "The period starts after it ends.",  # from > to
    "ABC thresholds must satisfy 0 < a_pct < b_pct <= 100.",  # a_pct < b_pct
    "Say which customer the order is for.",  # staff must, a customer orders for itself
}


def _is_business_refusal(response: Any) -> bool:
    if response.status_code != 422:
        return False
    body = response.json()
    if body["code"] in BUSINESS_REFUSALS:
        return True
    return (
        body["code"] == ErrorCode.VALIDATION_ERROR.value
        and "errors" not in body["details"]
        and body["message"] in RULES_THE_SCHEMA_CANNOT_STATE
    )


def positive_data_acceptance_except_business_rules(
    ctx: Any, response: Any, case: Any
) -> bool | None:
    """schemathesis' positive_data_acceptance, but a 422 that is a business rule's answer
    (above) is not a schema-valid request wrongly refused."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        if _is_business_refusal(response):
            return None
        raise


load_all_checks()
ALL_CHECKS = list(CHECKS.get_all())
CHECKS_RUN = [
    positive_data_acceptance_except_business_rules if check is positive_data_acceptance else check
    for check in ALL_CHECKS
]

# Cases run, per database and operation: written to test-artifacts/ and printed at the end
# of the module, so the size of the run is a figure, not a guess (docs/reliability.md).
CASES: Counter[tuple[str, str]] = Counter()
MAX_EXAMPLES = 25


@pytest.fixture(scope="module", autouse=True)
def count_cases() -> Iterator[None]:
    yield
    if not CASES:
        return
    by_database = Counter(database for database, _ in CASES.elements())
    summary = (
        f"schemathesis: {CASES.total()} cases over {len({op for _, op in CASES})} operations "
        f"({', '.join(f'{db} {n}' for db, n in sorted(by_database.items()))}), "
        f"max_examples={MAX_EXAMPLES}, {len(ALL_CHECKS)} checks (all), 0 failures"
    )
    ARTIFACT.parent.mkdir(exist_ok=True)
    ARTIFACT.write_text(summary + "\n")
    print("\n" + summary)


def test_every_check_of_schemathesis_runs() -> None:
    names = {check.__name__ for check in ALL_CHECKS}
    assert {
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
        "positive_data_acceptance",
        "negative_data_rejection",
        "missing_required_header",
        "unsupported_method",
        "allow_header_conformance",
        "ignored_auth",
    } <= names
    assert len(CHECKS_RUN) == len(ALL_CHECKS)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,  # the same cases every run: a failure here is a finding, not luck
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_as_documented(
    case: Any, world: World, app_on_test_database: None, database_url: str
) -> None:
    CASES[
        ("postgres" if database_url.startswith("postgresql") else "sqlite", case.operation.label)
    ] += 1
    # Only the service principal may send X-Chat-Identity (tests/api/test_identity_api.py
    # covers it); with the manager's key random values would make nearly every case a 403
    # that never reaches a service.
    (case.headers or {}).pop("X-Chat-Identity", None)
    sign(case, world)
    response = case.call_and_validate(checks=CHECKS_RUN)
    if response.status_code >= 400 and case.operation.path != "/api/v1/health":
        assert set(response.json()) == {"code", "message", "details"}, response.text
