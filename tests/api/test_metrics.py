"""`GET /metrics` on the ERP, and the request id every answer carries."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from erp_backend.api.app import create_app
from tests.prometheus import Scrape, read
from tests.world import World

ORDER = {"customer_code": "CUST-A", "lines": [{"sku": "BOLT-M8", "quantity": 2}]}


def scrape(client: TestClient) -> Scrape:
    return read(client.get("/metrics"))


def test_the_counters_move_with_the_requests(client: TestClient, world: World) -> None:
    before = scrape(client)
    assert before.types == {
        "erp_http_requests_total": "counter",
        "erp_http_request_duration_seconds": "histogram",
        "erp_orders_created_total": "counter",
        "erp_orders_submitted_total": "counter",
        "erp_errors_total": "counter",
    }
    rep = world.headers("rep", **{"Idempotency-Key": "metrics-1"})
    number = client.post("/api/v1/orders", json=ORDER, headers=rep).json()["number"]
    assert client.post("/api/v1/orders", json=ORDER, headers=rep).status_code == 201  # replay
    assert client.post(f"/api/v1/orders/{number}/submit", headers=world.headers("rep")).is_success
    missing = client.get("/api/v1/orders/SO-2000-99999", headers=world.headers("rep"))
    assert missing.status_code == 404
    assert client.get("/api/v1/no/such/path").status_code == 404
    after = scrape(client)

    def moved(name: str, **labels: str) -> float:
        return after.value(name, **labels) - before.value(name, **labels)

    assert moved("erp_orders_created_total") == 1  # the replay is not a new order
    assert moved("erp_orders_submitted_total") == 1
    assert moved("erp_errors_total", code="NOT_FOUND") == 2
    requests = "erp_http_requests_total"
    assert moved(requests, method="POST", route="/api/v1/orders", status="201") == 2
    template = "/api/v1/orders/{number}"
    assert moved(requests, method="GET", route=template, status="404") == 1
    assert moved(requests, method="GET", route="<unmatched>", status="404") == 1
    durations = "erp_http_request_duration_seconds_count"
    assert moved(durations, method="GET", route=template) == 1
    # labels are templates and codes: no order number, customer or key leaks into them
    assert number not in client.get("/metrics").text
    assert "CUST-A" not in client.get("/metrics").text


def test_a_metrics_token_is_asked_for_when_set(engine: Engine, world: World) -> None:
    with TestClient(create_app(engine, metrics_token="scrape-me")) as client:
        assert client.get("/metrics").status_code == 401
        wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        read(client.get("/metrics", headers={"Authorization": "Bearer scrape-me"}))


def test_the_request_id_is_taken_when_safe_and_made_otherwise(
    client: TestClient, world: World
) -> None:
    given = client.get("/api/v1/health", headers={"X-Request-ID": "turn-42.abc_DEF:1"})
    assert given.headers["X-Request-ID"] == "turn-42.abc_DEF:1"
    for unsafe in ("has space", "x" * 65, 'quote"d', "new\\nline"):
        answered = client.get("/api/v1/health", headers={"X-Request-ID": unsafe})
        assert re.fullmatch(r"[0-9a-f]{32}", answered.headers["X-Request-ID"]), unsafe
    made = client.get("/api/v1/products", headers=world.headers("rep"))
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["X-Request-ID"])
    refused = client.get("/api/v1/orders/SO-2000-1", headers={"X-Request-ID": "r-1"})
    assert refused.headers["X-Request-ID"] == "r-1"  # error answers carry it too
