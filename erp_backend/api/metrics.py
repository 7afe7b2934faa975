"""What the ERP counts, and `GET /metrics` (Prometheus text format, outside /api/v1).

Only counts and durations by route template and error code: no customer, order number or
amount ever becomes a label. Open by default (the ERP listens on loopback or an internal
network); with ERP_METRICS_TOKEN set, scrapes must send `Authorization: Bearer <token>`.
"""

from __future__ import annotations

import hmac

from fastapi import FastAPI, Request, Response

from telemetry.http import HttpMetrics
from telemetry.metrics import CONTENT_TYPE, Registry

ORDERS = "/api/v1/orders"
SUBMIT = "/api/v1/orders/{number}/submit"


class ErpMetrics:
    def __init__(self) -> None:
        self.registry = Registry()
        self.http = HttpMetrics(self.registry, "erp")
        self.orders_created = self.registry.counter(
            "erp_orders_created_total", "Orders created (a replayed Idempotency-Key not counted)."
        )
        self.orders_submitted = self.registry.counter(
            "erp_orders_submitted_total",
            "Orders submitted (a replayed Idempotency-Key not counted).",
        )
        self.errors = self.registry.counter(
            "erp_errors_total", "Error answers by their stable code (docs/errors.md).", ("code",)
        )

    def after_response(self, method: str, route: str, status: int, headers: dict[str, str]) -> None:
        if method != "POST" or headers.get("idempotent-replayed") == "true":
            return
        if route == ORDERS and status == 201:
            self.orders_created.inc()
        elif route == SUBMIT and status == 200:
            self.orders_submitted.inc()


def add_metrics_route(app: FastAPI, metrics: ErpMetrics, token: str) -> None:
    @app.get("/metrics", include_in_schema=False)
    def scrape(request: Request) -> Response:
        if token:
            given = request.headers.get("authorization", "")
            if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
                return Response(status_code=401, headers={"WWW-Authenticate": "Bearer"})
        return Response(metrics.registry.exposition(), media_type=CONTENT_TYPE)
