"""Words, not codes, and every role's question (issue 18), as whole conversations through the
gateway, Rasa and the action server, checked against what the ERP holds and reports: products
and customers named in words, the ERP's ranked search behind them (one match taken and shown,
a tie asked, nothing carried said), money in its currency, and the reports of each role with
the figures the ERP's own reports give."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.actions.desk import Desk, placed
from tests.actions.test_dialogue import next_weekday


def report(desk: Desk, path: str, **params: Any) -> dict[str, Any]:
    with desk.erp.as_manager() as manager:
        found: dict[str, Any] = manager.get(path, params=params).json()
    return found


def pounds(amount: str) -> str:
    """ "1234.5" as the replies write it: "£1,234.50", "-£100.08"."""
    value = float(amount)
    return f"{'-' if value < 0 else ''}£{abs(value):,.2f}"


# --- products by words -------------------------------------------------------------------


def test_a_customer_orders_by_the_names_people_use(desk: Desk) -> None:
    chat = desk.chat(customer="CUST-0005")
    friday = next_weekday(4)
    said = chat.say(
        "hi, can i get 300 m8 bolts and 200 8mm washers for next friday please",
        "usual address",
    )
    said = chat.say(
        "yes the usual one", "Here is order", "Hex bolt M8x40 zinc plated", "Flat washer 8 mm", "£"
    )
    assert f"{friday.day} {friday:%b}" in said or "Fri " in said  # "Fri 11 Dec": said back
    number = placed(said)
    chat.say("yes", "is confirmed")
    assert desk.lines(number) == [("BOLT-M8", 300), ("WASHER-8", 200)]
    order = desk.order(number)
    assert order["requested_delivery_date"] in {
        friday.isoformat(),
        (friday + timedelta(days=7)).isoformat(),  # "next friday" said on a Thursday
    }


def test_a_name_that_fits_two_sizes_is_asked_with_buttons(desk: Desk) -> None:
    chat = desk.chat(customer="CUST-0005")
    before = desk.live("CUST-0005")
    chat.say("i want 5 bags of zip ties", "Which one do you mean")
    titles = [b["title"] for b in chat.buttons()]
    assert any("CABLE-TIE-200" in t for t in titles)
    assert any("CABLE-TIE-300" in t for t in titles)
    chat.press("CABLE-TIE-300", "when do you need it")
    draft = placed(chat.say("asap, usual address", "5 x CABLE-TIE-300", "Here is order"))
    chat.say("no, forget it", "nothing was ordered")
    assert desk.order(draft)["status"] == "cancelled"  # the preview's draft is gone
    assert desk.live("CUST-0005") == before


def test_price_and_stock_by_name_and_what_we_do_not_carry(desk: Desk) -> None:
    chat = desk.chat(customer="CUST-0005")
    with desk.erp.as_manager() as manager:
        product = manager.get("/products/WASHER-8").json()
    chat.say("whats the price on 8mm washers", "WASHER-8", pounds(product["unit_price"]))
    said = chat.say("do you sell cat6 cable?", "don't stock")
    assert "CABLE-TIE" in said  # the closest thing we do have, offered


# --- customers by name, for staff --------------------------------------------------------


def test_a_rep_orders_for_a_customer_named_in_words(desk: Desk) -> None:
    chat = desk.chat(staff="tom.becker")
    chat.say("new order for baker and sons: 100 m10 nuts", "Baker & Sons Construction (CUST-0001)")
    number = placed(chat.say("asap, usual address", "Here is order", "NUT-M10"))
    chat.say("yes", number)
    order = desk.order(number)
    assert order["status"] != "draft"  # placed (confirmed, or held for Baker's credit)
    assert order["customer_code"] == "CUST-0001"
    assert desk.lines(number) == [("NUT-M10", 100)]


def test_their_balance_and_their_last_order_mean_the_customer_named(desk: Desk) -> None:
    chat = desk.chat(staff="sara.kim")
    with desk.erp.as_manager() as manager:
        credit = manager.get("/customers/CUST-0003/credit").json()
    chat.say("whats northfield joinery's balance?", "CUST-0003", pounds(credit["available"]))
    latest = next(
        o for o in desk.orders("CUST-0003") if o["status"] not in ("draft",)
    )  # newest first
    chat.say("and their last order?", latest["number"])
    said = chat.say("show me their open orders")
    others = {o["number"] for o in desk.orders("CUST-0001")}
    assert not others & set(said.split()), said  # Baker's orders are not Northfield's


# --- every role's question, with the ERP's figures ---------------------------------------


def test_finance_asks_who_owes_the_most(desk: Desk) -> None:
    aging = report(desk, "/receivables/aging")
    top = max(aging["customers"], key=lambda row: float(row["total"]))
    chat = desk.chat(staff="li.wang")
    said = chat.say(
        "who owes us the most?",
        pounds(aging["totals"]["total"]),
        f"1. {top['customer_code']}",
        pounds(top["total"]),
    )
    totals = aging["totals"]  # the aging buckets, as an aged-debt report has them
    assert f"current {pounds(totals['current'])}" in said
    assert f"31-60 {pounds(totals['days_31_60'])}" in said
    assert f"over 90 {pounds(totals['days_over_90'])}" in said


def test_a_statement_for_a_customer_named_in_words(desk: Desk) -> None:
    statement = report(desk, "/customers/CUST-0004/statement")
    chat = desk.chat(staff="li.wang")
    chat.say(
        "can i get the statement for apex steel",
        "Apex Steel Fabrication (CUST-0004)",
        pounds(statement["closing_balance"]),
    )
    (offered,) = [r["file"] for r in chat.last if r.get("file")]
    download = chat.client.get(offered["url"])  # the whole statement, as a file
    assert download.status_code == 200
    assert "Apex Steel Fabrication" in download.content.decode("utf-8-sig")


def test_a_manager_asks_for_a_named_month_with_growth(desk: Desk) -> None:
    today = date.today()
    year = today.year if today.month > 10 else today.year - 1
    october = report(desk, "/reports/sales", **{"from": f"{year}-10-01", "to": f"{year}-10-31"})
    chat = desk.chat(staff="maria.lopez")
    said = chat.say("how did we do in october?", f"October {year}", pounds(october["revenue"]))
    if october["growth_vs_previous_pct"] is not None:
        assert f"{abs(float(october['growth_vs_previous_pct']))} %" in said
        assert "the period before" in said


def test_a_manager_asks_how_many_orders_shipped_last_week(desk: Desk) -> None:
    today = date.today()
    monday = today - timedelta(days=today.weekday() + 7)
    volume = report(
        desk,
        "/reports/order-volume",
        **{"from": monday.isoformat(), "to": (monday + timedelta(days=6)).isoformat()},
    )
    chat = desk.chat(staff="maria.lopez")
    chat.say("how many orders did we ship last week", f"{volume['shipped']} shipped")


def test_kpis_best_sellers_and_a_forecast(desk: Desk) -> None:
    chat = desk.chat(staff="maria.lopez")
    chat.say("what's our order cycle time", "order to shipment", "on-time delivery")
    today = date.today()
    abc = report(
        desk,
        "/reports/abc",
        by="product",
        **{"from": date(today.year, 1, 1).isoformat(), "to": today.isoformat()},
    )
    chat.say("best selling products this year", f"1. {abc['items'][0]['key']}")
    chat.say("forecast demand for m8 bolts", "Forecast for BOLT-M8", "Available now")


def test_a_customer_asking_for_company_figures_is_told_kindly(desk: Desk) -> None:
    chat = desk.chat(customer="CUST-0005")
    chat.say("who owes you the most", "for our staff")


def test_a_rep_asking_for_what_finance_does_is_told_who_does_it(desk: Desk) -> None:
    chat = desk.chat(staff="tom.becker")
    for asked in ("which customers are more than 60 days overdue?", "who owes us the most"):
        said = chat.say(asked, "for finance and managers", "what does CUST-0012 owe?")
        assert "for our staff" not in said  # a rep is staff
    chat.say("what does CUST-0012 owe?", "Credit limit")  # and the hint works
