"""Sales figures, top customers and low stock in chat, against the seeded ERP process."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from actions.analytics import ActionSalesReport, ActionTopCustomers
from actions.erp_client import ErpClient
from actions.formatting import money
from actions.reports import ActionLowStock, growth_words
from tests.actions.chat import linked_chat, run, staff_chat
from tests.product import RunningErp


def test_sales_this_month_and_the_year_with_its_chart(erp: RunningErp) -> None:
    rep = staff_chat(erp, "tom.becker")
    said, chart = run(ActionSalesReport(ErpClient(erp.url, erp.service_key)), rep, "sales?")
    assert said["response"] == "utter_sales_report"
    today = datetime.now(UTC).date()
    assert said["month"] == f"{today:%B} so far"
    with erp.as_rep() as http:
        report = http.get("/reports/monthly-sales").json()
    month = report["months"][-1]
    assert (said["month_orders"], said["month_revenue"]) == (
        month["orders"],
        money(month["revenue"], report["currency"]),
    )
    if month["growth_vs_last_year_pct"] is not None:
        assert said["month_growth"] == growth_words(
            month["growth_vs_last_year_pct"], f"{today:%B} last year"
        )
    else:  # the seeded history is younger than a year: the same days of the month before
        with erp.as_rep() as http:
            like = http.get(
                "/reports/sales", params={"from": f"{today:%Y-%m-01}", "to": today.isoformat()}
            ).json()
        assert like["growth_vs_previous_pct"] is not None
        assert said["month_growth"].startswith(", ")
        assert (
            f"{abs(float(like['growth_vs_previous_pct'])):.1f} % on the period before"
            in (said["month_growth"])
        )
    assert (said["year"], said["year_orders"], said["year_revenue"]) == (
        today.year,
        report["orders"],
        money(report["revenue"], report["currency"]),
    )
    assert chart["custom"] == {"chart": {"name": "monthly-sales", "year": today.year}}


def test_top_customers_for_a_manager(erp: RunningErp) -> None:
    manager = staff_chat(erp, "maria.lopez")
    (said,) = run(ActionTopCustomers(ErpClient(erp.url, erp.service_key)), manager, "top customers")
    assert said["response"] == "utter_top_customers"
    lines = said["customers"].splitlines()
    assert [line.split(".")[0] for line in lines] == ["1", "2", "3", "4", "5"]
    # The seed weights orders towards the first customers, so they lead the ranking.
    assert "CUST-0001" in said["customers"]
    assert int(said["a_count"]) >= 1
    assert said["period"] == "the last 365 days"


def test_top_customers_of_a_year_named(erp: RunningErp) -> None:
    manager = staff_chat(erp, "maria.lopez")
    year = datetime.now(UTC).year - 1
    client = ErpClient(erp.url, erp.service_key)
    (said,) = run(ActionTopCustomers(client), manager, f"biggest customers in {year}")
    assert said["period"] == str(year)
    with erp.as_manager() as http:
        abc = http.get(
            "/reports/abc",
            params={"by": "customer", "from": f"{year}-01-01", "to": f"{year}-12-31"},
        ).json()
    first = abc["items"][0]
    assert said["customers"].splitlines()[0] == (
        f"1. {first['key']} {first['name']}: {money(first['revenue'], abc['currency'])}"
        f" ({first['share_pct']} %)"
    )


def test_what_is_running_low(erp: RunningErp) -> None:
    warehouse = staff_chat(erp, "omar.haddad")
    (said,) = run(ActionLowStock(ErpClient(erp.url, erp.service_key)), warehouse, "running low?")
    assert said["response"] == "utter_low_stock"
    # SCREW-SELF-4X25 is seeded with nothing on hand: nothing available comes first.
    lines = said["products"].splitlines()
    assert ": 0 available, reorder point " in lines[0]
    assert any(line.startswith("• SCREW-SELF-4X25 ") for line in lines)
    assert int(said["count"]) >= 3


@pytest.mark.parametrize(
    "action", [ActionSalesReport, ActionTopCustomers, ActionLowStock], ids=lambda a: a.__name__
)
def test_customers_are_told_politely_what_they_can_ask(erp: RunningErp, action: type) -> None:
    customer = linked_chat(erp, "CUST-0003")
    said = run(action(ErpClient(erp.url, erp.service_key)), customer, "sales this month")
    assert [m["response"] for m in said] == ["utter_reports_for_staff"]
    down = run(action(ErpClient("http://127.0.0.1:9", erp.service_key)), customer, "sales")
    assert [m["response"] for m in down] == ["utter_erp_unavailable"]


def test_growth_words() -> None:
    assert growth_words("8.1", "last year") == ", up 8.1 % on last year"
    assert growth_words("-3.0", "March last year") == ", down 3.0 % on March last year"
    assert growth_words("0.0", "last year") == ", level with last year"
    assert growth_words(None, "last year") == ""
