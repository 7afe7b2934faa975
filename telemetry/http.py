"""ASGI middleware of the ERP and the gateway: request id, access log line, HTTP metrics.

Pure ASGI (no BaseHTTPMiddleware) so that it costs microseconds per request. Per request:
- the request id is the caller's `X-Request-ID` when acceptable (telemetry.logs), else a new
  one; every log line written while serving it carries it, and the response echoes it;
- one log line `request` with method, route template, path, status and duration (quiet
  routes — health checks, scrapes, the polled event feed — only when they fail);
- `<prefix>_http_requests_total{method,route,status}` and
  `<prefix>_http_request_duration_seconds{method,route}`. The route is the template
  (`/api/v1/orders/{number}`), never the raw path, so that numbers do not become labels.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Collection, MutableMapping
from typing import Any

from telemetry.logs import REQUEST_ID_HEADER, accepted_request_id, request_scope
from telemetry.metrics import Registry

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
# Called after each response: method, route template, status, response headers (lower case).
AfterResponse = Callable[[str, str, int, dict[str, str]], None]

UNMATCHED = "<unmatched>"  # any path no route serves: one label, whatever was asked


class HttpMetrics:
    def __init__(self, registry: Registry, prefix: str) -> None:
        self.requests = registry.counter(
            f"{prefix}_http_requests_total",
            "HTTP requests answered, by method, route template and status.",
            ("method", "route", "status"),
        )
        self.durations = registry.histogram(
            f"{prefix}_http_request_duration_seconds",
            "Time to answer an HTTP request, by method and route template.",
            ("method", "route"),
        )


def route_template(scope: Scope) -> str:
    """The full template of the route that served the request. `scope["route"]` is the
    route as its own router declared it (`/orders/{number}`); the prefixes of the routers
    that include it are what the requested path has in front of the rendered route."""
    template = getattr(scope.get("route"), "path_format", None)
    if not isinstance(template, str):
        return UNMATCHED
    path = str(scope.get("path", ""))
    try:
        rendered = template.format(**scope.get("path_params", {}))
    except (KeyError, IndexError, ValueError):
        return template
    if rendered and path.endswith(rendered):
        return path[: len(path) - len(rendered)] + template
    return template


class HttpTelemetry:
    def __init__(
        self,
        app: ASGIApp,
        *,
        metrics: HttpMetrics,
        logger: str,
        quiet_routes: Collection[str] = (),
        after_response: AfterResponse | None = None,
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.log = logging.getLogger(logger)
        self.quiet_routes = frozenset(quiet_routes)
        self.after_response = after_response

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next(
            (
                value.decode("latin-1")
                for name, value in scope.get("headers", ())
                if name == b"x-request-id"
            ),
            None,
        )
        request_id = accepted_request_id(given)
        status = 500  # what the client gets if the app fails before answering
        response_headers: dict[str, str] = {}

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = list(message.get("headers", ()))
                response_headers.update(
                    (name.decode("latin-1").lower(), value.decode("latin-1"))
                    for name, value in headers
                )
                headers.append((REQUEST_ID_HEADER.lower().encode(), request_id.encode()))
                message["headers"] = headers
            await send(message)

        started = time.perf_counter()
        with request_scope(request_id):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                self._account(scope, status, time.perf_counter() - started, response_headers)

    def _account(
        self, scope: Scope, status: int, seconds: float, response_headers: dict[str, str]
    ) -> None:
        method, route = str(scope["method"]), route_template(scope)
        self.metrics.requests.inc(method, route, str(status))
        self.metrics.durations.observe(seconds, method, route)
        if self.after_response is not None:
            self.after_response(method, route, status, response_headers)
        if route in self.quiet_routes and status < 400:
            return
        level = logging.ERROR if status >= 500 else logging.INFO
        self.log.log(
            level,
            "request",
            extra={
                "method": method,
                "route": route,
                "path": scope.get("path", ""),
                "status": status,
                "duration_ms": round(seconds * 1000, 1),
            },
        )
