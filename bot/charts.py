"""Charts and files in chat: the assistant names a chart or a file (a statement), the gateway
brings it in as a picture or a download.

An action cannot hand a picture through Rasa (its messages are JSON kept in the tracker), so
it sends `{"chart": {"name": "monthly-sales", "year": 2026}}`; the chart is drawn in the turn's
language (`language=zh` to the ERP for a Chinese turn, and in the page's image URL, so a picture
stays in the language it was shown in). The gateway fetches the PNG from
the ERP with its own service key *as the chat* (`X-Chat-Identity`), so the ERP decides who may
see the figures exactly as for the action's own call; a Telegram chat gets it as a photo, the
web page as an image URL on the gateway that does the same fetch for the page's session.
Only the charts listed here can be fetched: the gateway is not a way into the rest of the API.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

import httpx

from bot.i18n import DEFAULT, N_, known
from telemetry.logs import chat_tag

log = logging.getLogger(__name__)

# chart name -> the ERP path that draws it
CHARTS = {"monthly-sales": "/reports/monthly-sales.png"}
# file name -> the ERP path of the CSV (a customer's statement: the ERP decides who may have it)
FILES = {"statement": "/customers/{customer}/statement.csv"}
CUSTOMER_CODE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,31}$")
FILE_UNAVAILABLE = N_("The file could not be made just now; the figures above are current.")
MAX_FILE_BYTES = 5_000_000
UNAVAILABLE = N_("The chart could not be drawn just now; the figures above are current.")
MAX_PNG_BYTES = 5_000_000


@dataclass(frozen=True)
class Chart:
    name: str
    year: int
    language: str = DEFAULT  # the language of its words (bot/i18n.py LANGUAGES)

    @property
    def web_path(self) -> str:
        path = f"/chat/charts/{self.name}.png?year={self.year}"
        return path if self.language == DEFAULT else f"{path}&language={self.language}"


def chart_from(value: Any, language: str = DEFAULT) -> Chart | None:
    """The chart an assistant message asks for, in the turn's `language`; None for anything
    not a known chart."""
    if not isinstance(value, dict):
        return None
    name, year = value.get("name"), value.get("year")
    if name not in CHARTS or not isinstance(year, int) or not 2000 <= year <= 2100:
        return None
    return Chart(name, year, known(language))


@dataclass(frozen=True)
class File:
    """A file the assistant offers the chat: `{"file": {"name": "statement", "customer": …}}`."""

    name: str
    customer: str

    @property
    def filename(self) -> str:
        return f"{self.name}-{self.customer}.csv"

    @property
    def web_path(self) -> str:
        return f"/chat/files/{self.name}.csv?customer={self.customer}"


def file_from(value: Any) -> File | None:
    """The file an assistant message offers; None for anything not a known file."""
    if not isinstance(value, dict):
        return None
    name, customer = value.get("name"), value.get("customer")
    if name not in FILES or not isinstance(customer, str) or not CUSTOMER_CODE.match(customer):
        return None
    return File(name, customer)


class ChartSource:
    """Fetches chart PNGs and CSV files from the ERP for a chat. Without a service key there
    are none."""

    def __init__(self, erp_url: str, service_key: str, timeout_seconds: float = 15.0) -> None:
        self._key = service_key
        self._http = httpx.AsyncClient(
            base_url=erp_url.rstrip("/") + "/api/v1", timeout=timeout_seconds
        )

    async def close(self) -> None:
        await self._http.aclose()

    async def png(self, chat: str, chart: Chart) -> bytes | None:
        """The picture, or None when the ERP is unreachable or refuses (a customer asking for
        company figures is refused by the ERP, not here)."""
        if not self._key:
            log.warning("ERP_SERVICE_KEY is not set: no charts")
            return None
        try:
            response = await self._http.get(
                CHARTS[chart.name],
                params={"year": chart.year, "language": chart.language},
                headers={"Authorization": f"Bearer {self._key}", "X-Chat-Identity": chat},
            )
        except httpx.HTTPError as error:
            log.warning("chart %s for %s: ERP not reached (%r)", chart.name, chat_tag(chat), error)
            return None
        if (
            response.status_code != 200
            or response.headers.get("content-type") != "image/png"
            or len(response.content) > MAX_PNG_BYTES
        ):
            log.warning(
                "chart %s for %s: ERP answered %s", chart.name, chat_tag(chat), response.status_code
            )
            return None
        return response.content

    async def csv(self, chat: str, file: File) -> bytes | None:
        """The file's bytes, fetched as the chat (so the ERP refuses another's statement), or
        None when the ERP is unreachable or refuses."""
        if not self._key:
            return None
        try:
            response = await self._http.get(
                FILES[file.name].format(customer=file.customer),
                headers={"Authorization": f"Bearer {self._key}", "X-Chat-Identity": chat},
            )
        except httpx.HTTPError as error:
            log.warning("file %s for %s: ERP not reached (%r)", file.name, chat_tag(chat), error)
            return None
        kind = response.headers.get("content-type", "")
        if response.status_code != 200 or not kind.startswith("text/csv"):
            log.warning(
                "file %s for %s: ERP answered %s", file.name, chat_tag(chat), response.status_code
            )
            return None
        if len(response.content) > MAX_FILE_BYTES:
            return None
        return response.content
