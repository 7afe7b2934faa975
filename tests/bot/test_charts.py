"""Charts in chat: the assistant names a chart, the gateway fetches it from a real ERP as the
chat's own account and shows it (a Telegram photo; an image on the web page). Customers are
refused by the ERP and told so in words."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.charts import (
    FILE_UNAVAILABLE,
    UNAVAILABLE,
    Chart,
    ChartSource,
    File,
    chart_from,
    file_from,
)
from tests.bot.conftest import TOKEN, Gateway
from tests.bot.peers import BotApi, RasaRest, said_in_private, served
from tests.product import RunningErp, seeded_erp

MANAGER_CHAT, CUSTOMER_CHAT = 710001, 710002
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def erp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningErp]:
    with seeded_erp(tmp_path_factory.mktemp("erp")) as running:
        yield running


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"name": "monthly-sales", "year": 2026}, Chart("monthly-sales", 2026)),
        ({"name": "../orders", "year": 2026}, None),  # only the charts the gateway knows
        ({"name": "monthly-sales", "year": "2026"}, None),
        ({"name": "monthly-sales", "year": 1066}, None),
        ("monthly-sales", None),
        (None, None),
    ],
)
def test_only_known_charts_are_drawn(value: Any, expected: Chart | None) -> None:
    assert chart_from(value) == expected


@pytest.mark.parametrize(
    ("language", "expected", "web_path"),
    [
        ("en", "en", "/chat/charts/monthly-sales.png?year=2026"),  # as it always was
        ("zh", "zh", "/chat/charts/monthly-sales.png?year=2026&language=zh"),
        ("fr", "en", "/chat/charts/monthly-sales.png?year=2026"),  # a language it has not
    ],
)
def test_a_chart_is_drawn_in_the_turns_language(
    language: str, expected: str, web_path: str
) -> None:
    chart = chart_from({"name": "monthly-sales", "year": 2026}, language)
    assert chart == Chart("monthly-sales", 2026, expected)
    assert chart.web_path == web_path


def test_the_erp_is_asked_for_the_chart_in_its_language() -> None:
    """What Telegram's photo and the page's image are fetched with: `language` beside `year`."""
    asked: list[dict[str, str]] = []

    async def chart(request: Request) -> Response:
        asked.append(dict(request.query_params))
        return Response(PNG, media_type="image/png")

    erp = Starlette(routes=[Route("/api/v1/reports/monthly-sales.png", chart)])

    async def fetch(url: str) -> list[bytes | None]:
        source = ChartSource(url, "key")
        try:
            return [
                await source.png("telegram:1", Chart("monthly-sales", 2026, "zh")),
                await source.png("telegram:1", Chart("monthly-sales", 2026)),
            ]
        finally:
            await source.close()

    with served(erp) as url:
        assert asyncio.run(fetch(url)) == [PNG, PNG]
    assert asked == [{"year": "2026", "language": "zh"}, {"year": "2026", "language": "en"}]


def test_telegram_gets_the_chart_as_a_photo_and_a_customer_gets_words(
    erp: RunningErp, rasa: RasaRest, bot_api: BotApi, gateway: Gateway
) -> None:
    erp.link(f"telegram:{MANAGER_CHAT}", principal_name="maria.lopez")
    erp.link(f"telegram:{CUSTOMER_CHAT}", customer_code="CUST-0004")
    settings = {
        "telegram_bot_token": TOKEN,
        "telegram_api_url": f"{bot_api.url}/bot",
        "erp_url": erp.url,
        "erp_service_key": erp.service_key,
    }
    with gateway(rasa.url, **settings):
        bot_api.push(said_in_private(MANAGER_CHAT, "sales chart"))
        (photo,) = bot_api.wait_for("sendPhoto", chat_id=MANAGER_CHAT)
        assert photo["photo"] == "<file>"  # uploaded bytes, not a URL Telegram would fetch
        assert bot_api.texts_to(MANAGER_CHAT) == ["November so far: 38 orders."]
        bot_api.push(said_in_private(CUSTOMER_CHAT, "sales chart"))
        bot_api.wait_for("sendMessage", count=2, chat_id=CUSTOMER_CHAT)
        assert bot_api.texts_to(CUSTOMER_CHAT)[-1] == UNAVAILABLE
        assert not [p for p in bot_api.made("sendPhoto") if p["chat_id"] == str(CUSTOMER_CHAT)]


def test_the_web_page_shows_the_chart_its_account_may_see(
    erp: RunningErp, rasa: RasaRest, gateway: Gateway, tmp_path: Path
) -> None:
    year = datetime.now(UTC).year
    with (
        gateway(rasa.url, erp_url=erp.url, erp_service_key=erp.service_key) as url,
        httpx.Client(base_url=url, timeout=30) as manager,
        httpx.Client(base_url=url, timeout=30) as stranger,
    ):
        assert stranger.get(f"/chat/charts/monthly-sales.png?year={year}").status_code == 401
        identity = manager.post("/chat/session").json()["identity"]
        erp.link(identity, principal_name="maria.lopez")
        replies = manager.post("/chat/messages", json={"text": "sales chart"}).json()["replies"]
        assert [r["image_url"] for r in replies] == [
            None,
            f"/chat/charts/monthly-sales.png?year={year}",
        ]
        chart = manager.get(replies[1]["image_url"])
        assert chart.status_code == 200, chart.text
        assert chart.headers["content-type"] == "image/png"
        assert chart.content.startswith(PNG)

        stranger.get("/")  # an unlinked browser: the ERP shows it no figures
        refused = stranger.get(replies[1]["image_url"])
        assert (refused.status_code, refused.json()["code"]) == (404, "NOT_FOUND")
        unknown = manager.get(f"/chat/charts/orders.png?year={year}")
        assert unknown.status_code == 404
        bad_year = manager.get("/chat/charts/monthly-sales.png?year=soon")
        assert (bad_year.status_code, bad_year.json()["code"]) == (422, "VALIDATION_ERROR")
        french = manager.get(f"/chat/charts/monthly-sales.png?year={year}&language=fr")
        assert (french.status_code, french.json()["code"]) == (422, "VALIDATION_ERROR")

        # a Chinese turn: the chart in Chinese, and the English one stays as it was shown
        replies = manager.post("/chat/messages", json={"text": "销售图表"}).json()["replies"]
        assert [r["image_url"] for r in replies] == [
            None,
            f"/chat/charts/monthly-sales.png?year={year}&language=zh",
        ]
        chinese = manager.get(replies[1]["image_url"])
        assert chinese.status_code == 200, chinese.text
        assert chinese.headers["content-type"] == "image/png"
        assert chinese.content.startswith(PNG)
        assert chinese.content != chart.content
        assert manager.get(f"/chat/charts/monthly-sales.png?year={year}").content == chart.content


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"name": "statement", "customer": "CUST-0004"}, File("statement", "CUST-0004")),
        ({"name": "statement", "customer": "../orders"}, None),  # a code, nothing else
        ({"name": "invoices", "customer": "CUST-0004"}, None),  # only the files it knows
        ("statement", None),
    ],
)
def test_only_known_files_are_offered(value: Any, expected: File | None) -> None:
    assert file_from(value) == expected


def test_the_statement_as_a_file_for_its_own_account_only(
    erp: RunningErp, rasa: RasaRest, bot_api: BotApi, gateway: Gateway
) -> None:
    """The web page gets a download link the gateway serves as the chat; Telegram gets a
    document; another customer's chat asking for CUST-0004's statement gets words."""
    erp.link(f"telegram:{CUSTOMER_CHAT}", customer_code="CUST-0004")
    erp.link(f"telegram:{MANAGER_CHAT + 10}", customer_code="CUST-0005")
    settings = {
        "telegram_bot_token": TOKEN,
        "telegram_api_url": f"{bot_api.url}/bot",
        "erp_url": erp.url,
        "erp_service_key": erp.service_key,
    }
    with (
        gateway(rasa.url, **settings) as url,
        httpx.Client(base_url=url, timeout=30) as own,
        httpx.Client(base_url=url, timeout=30) as other,
    ):
        identity = own.post("/chat/session").json()["identity"]
        erp.link(identity, customer_code="CUST-0004")
        replies = own.post("/chat/messages", json={"text": "my statement"}).json()["replies"]
        link = replies[-1]["file"]
        assert link == {
            "url": "/chat/files/statement.csv?customer=CUST-0004",
            "name": "statement-CUST-0004.csv",
        }
        got = own.get(link["url"])
        assert got.status_code == 200, got.text
        assert got.headers["content-type"].startswith("text/csv")
        assert 'filename="statement-CUST-0004.csv"' in got.headers["content-disposition"]
        assert "CUST-0004" in got.content.decode("utf-8-sig")
        assert got.content.decode("utf-8-sig").splitlines()[2].split(",") == ["Currency", "GBP"]
        theirs = other.post("/chat/session").json()["identity"]
        erp.link(theirs, customer_code="CUST-0005")
        refused = other.get(link["url"])  # CUST-0005 asking for CUST-0004's statement
        assert (refused.status_code, refused.json()["code"]) == (404, "NOT_FOUND")

        bot_api.push(said_in_private(CUSTOMER_CHAT, "my statement"))
        (document,) = bot_api.wait_for("sendDocument", chat_id=CUSTOMER_CHAT)
        assert document["document"] == "<file>"  # uploaded bytes
        bot_api.push(said_in_private(MANAGER_CHAT + 10, "my statement"))  # CUST-0005's chat
        bot_api.wait_for("sendMessage", count=2, chat_id=MANAGER_CHAT + 10)
        assert bot_api.texts_to(MANAGER_CHAT + 10)[-1] == FILE_UNAVAILABLE
