"""Reports over HTTP: who may read them, the JSON shapes, the chart, bad parameters."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from tests.api.conftest import MovableClock
from tests.world import World, place


@pytest.fixture
def sales(sessions: sessionmaker[Session], world: World, clock: MovableClock) -> None:
    """March 2026: 28.00 booked; April 2025: 14.00; the data starts in December 2024.
    Today is 15 April 2026."""
    place(sessions, world, [("WIDGET", 1)], at=datetime(2024, 12, 30, 9, tzinfo=UTC))
    place(sessions, world, [("BOLT-M8", 100)], at=datetime(2025, 4, 8, 9, tzinfo=UTC))
    place(sessions, world, [("BOLT-M8", 200)], at=datetime(2026, 3, 3, 9, tzinfo=UTC))
    clock.now = datetime(2026, 4, 15, 12, tzinfo=UTC)


@pytest.mark.usefixtures("sales")
def test_monthly_sales_as_json(client: TestClient, world: World) -> None:
    response = client.get("/api/v1/reports/monthly-sales?year=2026", headers=world.headers("rep"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert [m["label"] for m in body["months"]] == ["2026-01", "2026-02", "2026-03", "2026-04"]
    march, april = body["months"][2], body["months"][3]
    assert (march["orders"], march["revenue"], march["growth_vs_previous_month_pct"]) == (
        1,
        "28.00",
        None,
    )
    assert (april["revenue"], april["last_year_revenue"], april["complete"]) == (
        "0.00",
        "14.00",
        False,
    )
    assert (april["growth_vs_previous_month_pct"], april["growth_vs_last_year_pct"]) == (
        "-100.0",
        "-100.0",
    )
    assert (body["revenue"], body["through"], body["last_year_same_period_revenue"]) == (
        "28.00",
        "2026-04-15",
        "14.00",
    )
    assert body["data_since"] == "2024-12-30"
    default_year = client.get("/api/v1/reports/monthly-sales", headers=world.headers("finance"))
    assert default_year.json()["year"] == 2026


@pytest.mark.usefixtures("sales")
def test_monthly_sales_chart_is_a_png(client: TestClient, world: World) -> None:
    response = client.get(
        "/api/v1/reports/monthly-sales.png?year=2026", headers=world.headers("manager")
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(response.content) > 10_000  # axes, bars, labels: not an empty canvas
    last_year = client.get(
        "/api/v1/reports/monthly-sales.png?year=2025", headers=world.headers("manager")
    )
    assert last_year.content != response.content


@pytest.mark.usefixtures("sales")
def test_monthly_sales_chart_in_chinese_is_drawn_with_the_cjk_font(
    client: TestClient, world: World
) -> None:
    """`language=zh`: a PNG whose every character had a glyph (matplotlib warns "Glyph …
    missing from font(s)" for each Han character the fonts it was given lack, as it would with
    its default font alone); English is the default, and `en` is the same image as before."""
    manager = world.headers("manager")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        chinese = client.get(
            "/api/v1/reports/monthly-sales.png?year=2026&language=zh", headers=manager
        )
    assert chinese.status_code == 200, chinese.text
    assert chinese.headers["content-type"] == "image/png"
    assert chinese.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(chinese.content) > 10_000
    assert [str(w.message) for w in caught if "missing from font" in str(w.message)] == []

    default = client.get("/api/v1/reports/monthly-sales.png?year=2026", headers=manager)
    english = client.get("/api/v1/reports/monthly-sales.png?year=2026&language=en", headers=manager)
    assert english.status_code == 200, english.text
    assert english.content == default.content
    assert chinese.content != english.content


@pytest.mark.parametrize("language", ["fr", "ZH", "zh-CN", ""])
def test_a_chart_language_other_than_en_or_zh_is_a_validation_error(
    client: TestClient, world: World, language: str
) -> None:
    response = client.get(
        f"/api/v1/reports/monthly-sales.png?language={language}", headers=world.headers("manager")
    )
    assert (response.status_code, response.json()["code"]) == (422, "VALIDATION_ERROR")


@pytest.mark.usefixtures("sales")
def test_abc_and_kpis_over_http(client: TestClient, world: World) -> None:
    abc = client.get(
        "/api/v1/reports/abc?by=product&from=2026-01-01&to=2026-12-31&a_pct=70&b_pct=90",
        headers=world.headers("manager"),
    )
    assert abc.status_code == 200, abc.text
    body = abc.json()
    assert (body["a_pct"], body["b_pct"], body["total_revenue"]) == ("70", "90", "28.00")
    assert body["items"][0] | {"name": None} == {
        "key": "BOLT-M8",
        "name": None,
        "revenue": "28.00",
        "share_pct": "100.0",
        "cumulative_pct": "100.0",
        "abc_class": "A",
    }
    assert [(c["abc_class"], c["count"]) for c in body["classes"]] == [
        ("A", 1),
        ("B", 0),
        ("C", 3),
    ]
    customers = client.get("/api/v1/reports/abc?by=customer", headers=world.headers("rep"))
    assert [i["key"] for i in customers.json()["items"]] == ["CUST-A", "CUST-B", "CUST-X"]

    kpis = client.get(
        "/api/v1/reports/kpis?from=2026-03-01&to=2026-03-31", headers=world.headers("finance")
    )
    assert kpis.status_code == 200, kpis.text
    found = kpis.json()
    assert (found["orders"], found["submitted"], found["fill_rate_pct"]) == (1, 1, "100.0")
    assert found["cycle_time"]["created_to_confirmed"] == {
        "count": 1,
        "median_hours": 0.0,
        "p90_hours": 0.0,
    }
    assert found["on_time_delivery_pct"] is None


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/reports/monthly-sales",
        "/api/v1/reports/monthly-sales.png",
        "/api/v1/reports/abc",
        "/api/v1/reports/kpis",
    ],
)
@pytest.mark.parametrize(
    ("who", "status", "code"), [("CUST-A", 403, "FORBIDDEN"), ("warehouse", 403, "FORBIDDEN")]
)
def test_customers_and_the_warehouse_get_no_reports(
    client: TestClient, world: World, path: str, who: str, status: int, code: str
) -> None:
    response = client.get(path, headers=world.headers(who))
    assert (response.status_code, response.json()["code"]) == (status, code)


@pytest.mark.parametrize(
    "query",
    [
        "/api/v1/reports/abc?a_pct=95&b_pct=80",
        "/api/v1/reports/abc?a_pct=0",
        "/api/v1/reports/abc?by=region",
        "/api/v1/reports/abc?from=2026-05-01&to=2026-04-01",
        "/api/v1/reports/kpis?from=someday",
        "/api/v1/reports/monthly-sales?year=12026",
        "/api/v1/reports/monthly-sales.png?year=abc",
    ],
)
def test_bad_parameters_are_validation_errors(client: TestClient, world: World, query: str) -> None:
    response = client.get(query, headers=world.headers("manager"))
    assert (response.status_code, response.json()["code"]) == (422, "VALIDATION_ERROR")


def test_low_stock_lists_products_under_their_reorder_point(
    client: TestClient, world: World
) -> None:
    manager = world.headers("manager")
    for sku, point in (("WIDGET", 20), ("NUT-M10", 400), ("GADGET", 5)):
        change: dict[str, object] = {"reorder_point": point}
        if sku == "NUT-M10":
            change["name_zh"] = "六角螺母 M10 镀锌"
        patched = client.patch(f"/api/v1/products/{sku}", json=change, headers=manager)
        assert patched.status_code == 200, patched.text
    # Reserving 150 of 500 NUT-M10 leaves 350 available: under its point of 400 too.
    body = {"customer_code": "CUST-A", "lines": [{"sku": "NUT-M10", "quantity": 150}]}
    number = client.post("/api/v1/orders", json=body, headers=world.headers("rep")).json()["number"]
    assert (
        client.post(f"/api/v1/orders/{number}/submit", headers=world.headers("rep")).json()[
            "status"
        ]
        == "confirmed"
    )
    response = client.get("/api/v1/reports/low-stock", headers=world.headers("warehouse"))
    assert response.status_code == 200, response.text
    assert [
        (p["sku"], p["available"], p["reorder_point"], p["name_zh"])
        for p in response.json()["items"]
    ] == [
        ("GADGET", 0, 5, ""),
        ("WIDGET", 10, 20, ""),
        ("NUT-M10", 350, 400, "六角螺母 M10 镀锌"),  # the Chinese name for a Chinese chat
    ]
    refused = client.get("/api/v1/reports/low-stock", headers=world.headers("CUST-A"))
    assert (refused.status_code, refused.json()["code"]) == (403, "FORBIDDEN")


@pytest.mark.usefixtures("sales")
def test_sales_of_any_period_with_growth(
    client: TestClient, world: World, sessions: sessionmaker[Session]
) -> None:
    place(sessions, world, [("BOLT-M8", 100)], at=datetime(2026, 2, 10, 9, tzinfo=UTC))
    march = client.get(
        "/api/v1/reports/sales?from=2026-03-01&to=2026-03-31", headers=world.headers("finance")
    ).json()
    assert (march["orders"], march["revenue"]) == (1, "28.00")
    assert (march["previous_start"], march["previous_end"]) == ("2026-02-01", "2026-02-28")
    assert (march["previous_revenue"], march["growth_vs_previous_pct"]) == ("14.00", "100.0")
    assert (march["last_year_revenue"], march["growth_vs_last_year_pct"]) == ("0.00", None)
    # April 2025 against April 2024: before the first order, so no comparison
    april = client.get(
        "/api/v1/reports/sales?from=2025-04-01&to=2025-04-30", headers=world.headers("manager")
    ).json()
    assert (april["revenue"], april["last_year_revenue"]) == ("14.00", None)


@pytest.mark.usefixtures("sales")
def test_order_volume_of_a_period(client: TestClient, world: World) -> None:
    march = client.get(
        "/api/v1/reports/order-volume?from=2026-03-01&to=2026-03-31",
        headers=world.headers("manager"),
    ).json()
    assert (march["received"], march["shipped"], march["delivered"]) == (1, 0, 0)
    refused = client.get("/api/v1/reports/order-volume", headers=world.headers("CUST-A"))
    assert refused.status_code == 403
