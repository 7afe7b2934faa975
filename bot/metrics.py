"""What the gateway counts, and `GET /metrics` (Prometheus text format).

One set of counters per gateway process (module level: the handlers that count — Telegram's,
the notifier's, the assistant's — live as long as the process). The gateway faces the
internet, so `/metrics` answers only a loopback client (a scraper on the host, or a local
reverse proxy that forwards the real client address) unless GATEWAY_METRICS_TOKEN is set, in
which case it asks for `Authorization: Bearer <token>` from anyone.
"""

from __future__ import annotations

import hmac
import ipaddress

from fastapi import FastAPI, Request, Response

from telemetry.http import HttpMetrics
from telemetry.metrics import CONTENT_TYPE, Registry


class GatewayMetrics:
    def __init__(self) -> None:
        self.registry = Registry()
        self.http = HttpMetrics(self.registry, "gateway")
        self.turns = self.registry.counter(
            "gateway_turns_total", "Chat turns sent to the assistant, by channel.", ("channel",)
        )
        self.rasa_failures = self.registry.counter(
            "gateway_rasa_failures_total",
            "Turns the assistant did not answer: unreachable, or no usable answer.",
            ("kind",),
        )
        self.telegram_sends = self.registry.counter(
            "gateway_telegram_sends_total",
            "Messages and photos sent to Telegram, by outcome (ok, error).",
            ("outcome",),
        )
        self.notices_told = self.registry.counter(
            "gateway_notices_told_total", "ERP events told to a chat, by event type.", ("type",)
        )


METRICS = GatewayMetrics()


def _from_loopback(request: Request) -> bool:
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def add_metrics_route(app: FastAPI, token: str) -> None:
    @app.get("/metrics", include_in_schema=False)
    async def scrape(request: Request) -> Response:
        if token:
            given = request.headers.get("authorization", "")
            if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
                return Response(status_code=401, headers={"WWW-Authenticate": "Bearer"})
        elif not _from_loopback(request):
            return Response(status_code=404)
        return Response(METRICS.registry.exposition(), media_type=CONTENT_TYPE)
