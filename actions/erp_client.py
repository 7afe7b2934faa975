"""The one HTTP client of the actions: the ERP's API, as the chat's linked principal.

Every call carries the action server's service key and the chat's identity
(`X-Chat-Identity: <channel>:<id>`, the Rasa sender id the gateway sets), so the ERP applies
that person's rights. Changes that a user confirmed carry an Idempotency-Key kept with the
conversation, so a retry after a timeout replays the first answer instead of acting twice.
Transport failures and timeouts become `ErpUnavailable`; refusals become `ErpError` with the
ERP's stable code.
"""

from __future__ import annotations

import functools
import os
import ssl
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from telemetry.logs import REQUEST_ID_HEADER, current_request_id

DEFAULT_URL = "http://127.0.0.1:8000"
API = "/api/v1"
# Connect fast or give up; the ERP answers in milliseconds when healthy, and a chat user
# should hear "temporarily unavailable" within seconds, not wait for Rasa's own timeout.
TIMEOUT = httpx.Timeout(5.0, connect=2.0)


class ErpUnavailable(Exception):
    """The ERP could not be reached or did not answer in time; nothing is known changed."""


@dataclass
class ErpError(Exception):
    """The ERP refused the request; `code` is one of docs/errors.md."""

    status: int
    code: str
    message: str
    details: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


@functools.cache
def tls_context() -> ssl.SSLContext:
    """One TLS context for all calls. httpx builds a new one for every client, loading the CA
    bundle each time (about 20 ms, five times what the ERP takes to answer on loopback), and a
    client per call keeps each call independent of the event loop it runs on."""
    return httpx.create_ssl_context()


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


def service_key_from_environment() -> str:
    """ERP_SERVICE_KEY, or the file ERP_SERVICE_KEY_FILE (default var/service.key)."""
    key = os.environ.get("ERP_SERVICE_KEY")
    if key:
        return key.strip()
    path = Path(os.environ.get("ERP_SERVICE_KEY_FILE", "var/service.key"))
    try:
        return path.read_text().strip()
    except OSError as error:
        raise ErpUnavailable(f"no service key: set ERP_SERVICE_KEY or create {path}") from error


class ErpClient:
    def __init__(
        self,
        base_url: str | None = None,
        service_key: str | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout = TIMEOUT,
    ) -> None:
        self.base_url = (base_url or os.environ.get("ERP_URL") or DEFAULT_URL).rstrip("/")
        self._service_key = service_key
        self._transport = transport
        self._timeout = timeout

    async def call(
        self,
        method: str,
        path: str,
        *,
        chat: str | None,
        json: Any = None,
        params: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> Any:
        """One request. Reads, and changes that carry an Idempotency-Key, are retried once
        after a transport failure (both are safe to repeat); other changes never are."""
        headers = {"Authorization": f"Bearer {self._service_key or service_key_from_environment()}"}
        request_id = current_request_id()
        if request_id:  # the turn's id (actions/base.py), so the ERP's log lines carry it
            headers[REQUEST_ID_HEADER] = request_id
        if chat:
            headers["X-Chat-Identity"] = chat
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        attempts = 2 if method == "GET" or idempotency_key else 1
        async with httpx.AsyncClient(
            base_url=self.base_url + API,
            timeout=self._timeout,
            transport=self._transport,
            verify=tls_context(),
        ) as http:
            for attempt in range(1, attempts + 1):
                try:
                    response = await http.request(
                        method, path, headers=headers, json=json, params=params
                    )
                    break
                except httpx.TransportError as error:
                    if attempt == attempts:
                        raise ErpUnavailable(str(error) or type(error).__name__) from error
        if response.status_code >= 500:
            raise ErpUnavailable(f"ERP answered {response.status_code}")
        body = _json(response)
        if response.status_code >= 400:
            raise ErpError(
                status=response.status_code,
                code=str(body.get("code", f"HTTP_{response.status_code}")),
                message=str(body.get("message", "")),
                details=body.get("details") or {},
            )
        return body

    # --- the calls the actions make -------------------------------------------------------

    async def me(self, chat: str) -> dict[str, Any]:
        return await self.call("GET", "/identity/me", chat=chat)  # type: ignore[no-any-return]

    async def link(self, chat: str, code: str) -> dict[str, Any]:
        return await self.call(  # type: ignore[no-any-return]
            "POST", "/identity/links", chat=chat, json={"code": code}
        )

    async def order(self, chat: str, number: str) -> dict[str, Any]:
        return await self.call("GET", f"/orders/{number}", chat=chat)  # type: ignore[no-any-return]

    async def order_events(self, chat: str, number: str) -> list[dict[str, Any]]:
        page = await self.call("GET", f"/orders/{number}/events", chat=chat)
        return page["items"]  # type: ignore[no-any-return]

    async def my_orders(
        self, chat: str, *, status: str | None = None, customer: str | None = None, limit: int = 5
    ) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"limit": limit}
        if status:
            params["status"] = status
        if customer:
            params["customer_code"] = customer
        page = await self.call("GET", "/orders", chat=chat, params=params)
        return page["items"]  # type: ignore[no-any-return]

    async def create_order(
        self, chat: str, order: dict[str, Any], idempotency_key: str
    ) -> dict[str, Any]:
        return await self.call(  # type: ignore[no-any-return]
            "POST", "/orders", chat=chat, json=order, idempotency_key=idempotency_key
        )

    async def order_action(
        self,
        chat: str,
        number: str,
        action: str,
        idempotency_key: str,
        body: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        return await self.call(  # type: ignore[no-any-return]
            "POST",
            f"/orders/{number}/{action}",
            chat=chat,
            json=body,
            idempotency_key=idempotency_key,
        )

    async def edit_order(
        self, chat: str, number: str, edit: dict[str, Any], idempotency_key: str
    ) -> dict[str, Any]:
        return await self.call(  # type: ignore[no-any-return]
            "PATCH", f"/orders/{number}", chat=chat, json=edit, idempotency_key=idempotency_key
        )

    async def customer(self, chat: str, code: str) -> dict[str, Any]:
        return await self.call("GET", f"/customers/{code}", chat=chat)  # type: ignore[no-any-return]

    async def product(self, chat: str, sku: str) -> dict[str, Any]:
        return await self.call("GET", f"/products/{sku}", chat=chat)  # type: ignore[no-any-return]

    async def request_return(
        self, chat: str, request: dict[str, Any], idempotency_key: str
    ) -> dict[str, Any]:
        return await self.call(  # type: ignore[no-any-return]
            "POST", "/returns", chat=chat, json=request, idempotency_key=idempotency_key
        )

    async def customers(self, chat: str, query: str, limit: int = 5) -> list[dict[str, Any]]:
        """Customers ranked for a name as people say it (staff; a customer finds itself)."""
        page = await self.call("GET", "/customers", chat=chat, params={"q": query, "limit": limit})
        return page["items"]  # type: ignore[no-any-return]

    async def products(self, chat: str, query: str, limit: int = 5) -> list[dict[str, Any]]:
        page = await self.call("GET", "/products", chat=chat, params={"q": query, "limit": limit})
        return page["items"]  # type: ignore[no-any-return]

    async def credit(self, chat: str, customer_code: str) -> dict[str, Any]:
        return await self.call(  # type: ignore[no-any-return]
            "GET", f"/customers/{customer_code}/credit", chat=chat
        )

    async def invoices(
        self, chat: str, *, status: str | None = None, open_only: bool = False
    ) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"limit": 10}
        if status:
            params["status"] = status
        if open_only:
            params["open"] = "true"
        page = await self.call("GET", "/invoices", chat=chat, params=params)
        return page["items"]  # type: ignore[no-any-return]

    async def aging(self, chat: str, more_than_days_overdue: int | None = None) -> dict[str, Any]:
        params = (
            {}
            if more_than_days_overdue is None
            else {"more_than_days_overdue": more_than_days_overdue}
        )
        return await self.call(  # type: ignore[no-any-return]
            "GET", "/receivables/aging", chat=chat, params=params
        )

    async def monthly_sales(self, chat: str, year: int | None = None) -> dict[str, Any]:
        params = {} if year is None else {"year": year}
        return await self.call(  # type: ignore[no-any-return]
            "GET", "/reports/monthly-sales", chat=chat, params=params
        )

    async def top_customers(self, chat: str) -> dict[str, Any]:
        return await self.call(  # type: ignore[no-any-return]
            "GET", "/reports/abc", chat=chat, params={"by": "customer"}
        )

    async def ranking(self, chat: str, by: str, start: date, end: date) -> dict[str, Any]:
        """Products or customers by revenue in a period (the ABC analysis)."""
        params = {"by": by, "from": start.isoformat(), "to": end.isoformat()}
        return await self.call("GET", "/reports/abc", chat=chat, params=params)  # type: ignore[no-any-return]

    async def period_report(self, chat: str, report: str, start: date, end: date) -> dict[str, Any]:
        """/reports/sales, /reports/order-volume or /reports/kpis for a period."""
        params = {"from": start.isoformat(), "to": end.isoformat()}
        return await self.call("GET", f"/reports/{report}", chat=chat, params=params)  # type: ignore[no-any-return]

    async def forecast(self, chat: str, sku: str, months: int = 3) -> dict[str, Any]:
        return await self.call(  # type: ignore[no-any-return]
            "GET", f"/products/{sku}/forecast", chat=chat, params={"months": months}
        )

    async def statement(self, chat: str, customer_code: str) -> dict[str, Any]:
        return await self.call(  # type: ignore[no-any-return]
            "GET", f"/customers/{customer_code}/statement", chat=chat
        )

    async def low_stock(self, chat: str) -> list[dict[str, Any]]:
        page = await self.call("GET", "/reports/low-stock", chat=chat)
        return page["items"]  # type: ignore[no-any-return]


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {"items": body}
