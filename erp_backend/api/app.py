"""The FastAPI application."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from sqlalchemy import Engine

from erp_backend.api.context import Clock, system_clock
from erp_backend.api.errors import install_error_handlers
from erp_backend.api.metrics import ErpMetrics, add_metrics_route
from erp_backend.api.openapi import install_openapi
from erp_backend.api.routes import (
    customers,
    events,
    health,
    identity,
    invoices,
    orders,
    products,
    receivables,
    reports,
    returns,
    stock,
)
from erp_backend.api.sweeper import periodic_sweep
from erp_backend.db.engine import make_session_factory
from erp_backend.domain.identity import LinkAddresses
from erp_backend.domain.money import DEFAULT_CURRENCY, set_business_currency
from erp_backend.domain.replenishment import ReplenishmentPolicy
from telemetry.http import HttpTelemetry

API_PREFIX = "/api/v1"


def create_app(
    engine: Engine,
    *,
    clock: Clock = system_clock,
    sweep_every_seconds: float | None = None,
    replenishment: ReplenishmentPolicy | None = None,
    metrics_token: str = "",
    currency: str = DEFAULT_CURRENCY,
    link_addresses: LinkAddresses | None = None,
) -> FastAPI:
    """The API on `engine`. With `sweep_every_seconds`, the process also runs the periodic
    sweep (overdue invoices, expired idempotency keys) while it serves. `GET /metrics` asks
    for `metrics_token` as a bearer token when one is given."""
    app = FastAPI(
        lifespan=periodic_sweep(sweep_every_seconds) if sweep_every_seconds else None,
        title="Sales Order ERP",
        version="1.0.0",
        description=(
            "System of record for the sales-order assistant: catalog, customers, orders, "
            "stock. Authenticate with `Authorization: Bearer <api key>`. Errors are "
            '`{"code", "message", "details"}` with stable codes.'
        ),
    )
    set_business_currency(currency)
    app.state.engine = engine
    app.state.sessions = make_session_factory(engine)
    app.state.read_sessions = make_session_factory(engine, read_only=True)
    app.state.clock = clock
    app.state.replenishment = replenishment or ReplenishmentPolicy()
    app.state.link_addresses = link_addresses or LinkAddresses()
    app.state.metrics = metrics = ErpMetrics()
    app.add_middleware(
        HttpTelemetry,
        metrics=metrics.http,
        logger="erp_backend.http",
        quiet_routes={f"{API_PREFIX}/health", f"{API_PREFIX}/events", "/metrics"},
        after_response=metrics.after_response,
    )
    install_error_handlers(app)
    add_metrics_route(app, metrics, metrics_token)
    api = APIRouter(prefix=API_PREFIX)
    modules = (
        health,
        products,
        customers,
        receivables,
        orders,
        stock,
        invoices,
        returns,
        identity,
        events,
        reports,
    )
    for module in modules:
        api.include_router(module.router)
    app.include_router(api)
    install_openapi(app)
    return app
