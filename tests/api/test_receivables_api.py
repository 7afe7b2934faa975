"""Fulfilment, invoices, receivables, returns and the event feed over HTTP: roles, 404s,
downloads, and the serve process's own overdue sweep."""

from __future__ import annotations

import csv
import io
import time
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from erp_backend.api.app import create_app
from tests.api.conftest import MovableClock
from tests.world import World


def shipped_order(client: TestClient, world: World, customer: str = "CUST-A") -> dict[str, Any]:
    body = {"customer_code": customer, "lines": [{"sku": "WIDGET", "quantity": 4}]}
    number = client.post("/api/v1/orders", json=body, headers=world.headers("rep")).json()["number"]
    assert (
        client.post(f"/api/v1/orders/{number}/submit", headers=world.headers("rep")).json()[
            "status"
        ]
        == "confirmed"
    )
    for step in ("pick", "pack"):
        response = client.post(
            f"/api/v1/orders/{number}/{step}", headers=world.headers("warehouse")
        )
        assert response.status_code == 200, response.text
    shipped = client.post(
        f"/api/v1/orders/{number}/ship",
        json={"carrier": "DHL Freight", "tracking_number": "JD0146000088"},
        headers=world.headers("warehouse"),
    )
    assert shipped.status_code == 200, shipped.text
    result: dict[str, Any] = shipped.json()
    return result


def invoice_of(client: TestClient, world: World, order_number: str) -> dict[str, Any]:
    page = client.get("/api/v1/invoices", headers=world.headers("finance")).json()
    (invoice,) = [i for i in page["items"] if i["order_number"] == order_number]
    return invoice  # type: ignore[no-any-return]


@pytest.mark.parametrize("who", ["rep", "finance", "CUST-A"])
def test_only_the_warehouse_moves_goods(client: TestClient, world: World, who: str) -> None:
    body = {"customer_code": "CUST-A", "lines": [{"sku": "WIDGET", "quantity": 1}]}
    number = client.post("/api/v1/orders", json=body, headers=world.headers("rep")).json()["number"]
    client.post(f"/api/v1/orders/{number}/submit", headers=world.headers("rep"))
    response = client.post(f"/api/v1/orders/{number}/pick", headers=world.headers(who))
    assert (response.status_code, response.json()["code"]) == (403, "FORBIDDEN")


def test_ship_needs_carrier_and_tracking(client: TestClient, world: World) -> None:
    body = {"customer_code": "CUST-A", "lines": [{"sku": "WIDGET", "quantity": 1}]}
    number = client.post("/api/v1/orders", json=body, headers=world.headers("rep")).json()["number"]
    client.post(f"/api/v1/orders/{number}/submit", headers=world.headers("rep"))
    for step in ("pick", "pack"):
        client.post(f"/api/v1/orders/{number}/{step}", headers=world.headers("warehouse"))
    for bad in ({}, {"carrier": "DPD"}, {"carrier": "", "tracking_number": "X1"}):
        response = client.post(
            f"/api/v1/orders/{number}/ship", json=bad, headers=world.headers("warehouse")
        )
        assert response.status_code == 422
    cancel = client.post(f"/api/v1/orders/{number}/cancel", headers=world.headers("rep"))
    assert (cancel.status_code, cancel.json()["code"]) == (409, "INVALID_TRANSITION")


def test_tracking_is_visible_to_rep_and_customer(client: TestClient, world: World) -> None:
    order = shipped_order(client, world)
    for who in ("rep", "CUST-A"):
        seen = client.get(f"/api/v1/orders/{order['number']}", headers=world.headers(who)).json()
        assert (seen["carrier"], seen["tracking_number"]) == ("DHL Freight", "JD0146000088")
        timeline = client.get(
            f"/api/v1/orders/{order['number']}/events", headers=world.headers(who)
        ).json()["items"]
        assert [e["kind"] for e in timeline][-3:] == ["picking", "packed", "shipped"]
        assert "DHL Freight" in timeline[-1]["note"]


def test_invoices_are_private_to_their_customer(client: TestClient, world: World) -> None:
    order = shipped_order(client, world)
    invoice = invoice_of(client, world, order["number"])
    assert (invoice["status"], invoice["total"], invoice["balance"]) == ("unpaid", "4.00", "4.00")
    own = client.get(f"/api/v1/invoices/{invoice['number']}", headers=world.headers("CUST-A"))
    assert own.status_code == 200
    assert own.json()["lines"][0]["sku"] == "WIDGET"
    foreign = client.get(f"/api/v1/invoices/{invoice['number']}", headers=world.headers("CUST-B"))
    assert (foreign.status_code, foreign.json()["code"]) == (404, "NOT_FOUND")
    assert client.get("/api/v1/invoices", headers=world.headers("CUST-B")).json()["items"] == []
    listed = client.get("/api/v1/invoices", params={"open": True}, headers=world.headers("CUST-A"))
    assert [i["number"] for i in listed.json()["items"]] == [invoice["number"]]
    anonymous = client.get(
        "/api/v1/invoices", headers=world.headers("service", **{"X-Chat-Identity": "telegram:9"})
    )
    assert anonymous.json()["code"] == "IDENTITY_NOT_LINKED"


def test_payments_by_finance_partial_full_and_never_more(client: TestClient, world: World) -> None:
    invoice = invoice_of(client, world, shipped_order(client, world)["number"])
    path = f"/api/v1/invoices/{invoice['number']}/payments"
    denied = client.post(path, json={"amount": "1.00"}, headers=world.headers("rep"))
    assert denied.status_code == 403
    part = client.post(
        path, json={"amount": "1.50", "reference": "BACS 1"}, headers=world.headers("finance")
    )
    assert part.status_code == 201
    assert (part.json()["invoice"]["status"], part.json()["invoice"]["balance"]) == (
        "partially_paid",
        "2.50",
    )
    too_much = client.post(path, json={"amount": "2.51"}, headers=world.headers("finance"))
    assert (too_much.status_code, too_much.json()["code"]) == (422, "OVERPAYMENT")
    assert too_much.json()["details"]["balance"] == "2.50"
    for bad in ({"amount": "0"}, {"amount": "-1"}, {"amount": "1.001"}, {"amount": "abc"}):
        assert client.post(path, json=bad, headers=world.headers("finance")).status_code == 422
    rest = client.post(path, json={"amount": "2.50"}, headers=world.headers("finance"))
    assert rest.json()["invoice"]["status"] == "paid"


def test_aging_and_statement_roles(client: TestClient, world: World, clock: MovableClock) -> None:
    invoice = invoice_of(client, world, shipped_order(client, world, "CUST-B")["number"])
    clock.advance(timedelta(days=14 + 45))  # CUST-B has 14-day terms: 45 days overdue
    aging = client.get("/api/v1/receivables/aging", headers=world.headers("finance"))
    assert aging.status_code == 200
    (row,) = aging.json()["customers"]
    assert (row["customer_code"], row["days_31_60"], row["oldest_days_overdue"]) == (
        "CUST-B",
        "4.00",
        45,
    )
    assert aging.json()["totals"]["total"] == "4.00"
    late = client.get(
        "/api/v1/receivables/aging",
        params={"more_than_days_overdue": 60},
        headers=world.headers("manager"),
    )
    assert late.json()["customers"] == []
    for who in ("rep", "CUST-B", "warehouse"):
        assert (
            client.get("/api/v1/receivables/aging", headers=world.headers(who)).status_code == 403
        )
    own = client.get("/api/v1/customers/CUST-B/statement", headers=world.headers("CUST-B"))
    assert own.json()["closing_balance"] == "4.00"
    assert own.json()["entries"][0]["reference"] == invoice["number"]
    other = client.get("/api/v1/customers/CUST-B/statement", headers=world.headers("CUST-A"))
    assert other.status_code == 404
    overdue = client.get(
        "/api/v1/invoices", params={"status": "overdue"}, headers=world.headers("finance")
    )
    assert [i["days_overdue"] for i in overdue.json()["items"]] == [45]


def test_downloads_open_in_a_spreadsheet(client: TestClient, world: World) -> None:
    invoice = invoice_of(client, world, shipped_order(client, world)["number"])
    response = client.get(
        f"/api/v1/invoices/{invoice['number']}.csv", headers=world.headers("CUST-A")
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert f'filename="{invoice["number"]}.csv"' in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert rows[0] == ["Invoice", invoice["number"]]
    assert ["WIDGET", "WIDGET test item", "4", "1.00", "0.00", "4.00"] in rows
    assert ["Currency", "GBP"] in rows  # every amount says its currency
    assert "Unit price (GBP)" in rows[rows.index(["Currency", "GBP"]) + 2]
    assert rows[-1][-2:] == ["Balance", "4.00"]
    statement = client.get(
        "/api/v1/customers/CUST-A/statement.csv", headers=world.headers("finance")
    )
    lines = list(csv.reader(io.StringIO(statement.text.lstrip("\ufeff"))))
    assert ["Currency", "GBP"] in lines
    assert lines[-1][-4:] == ["Closing balance", "", "", "4.00"]
    foreign = client.get(
        f"/api/v1/invoices/{invoice['number']}.csv", headers=world.headers("CUST-B")
    )
    assert foreign.status_code == 404


def test_downloads_keep_chinese_names_intact(client: TestClient, world: World) -> None:
    """UTF-8 with a BOM, so that Excel reads the Chinese of a name as Chinese and not as
    Windows-1252 (or GBK) mojibake; the names are those of the records, as stored."""
    manager = world.headers("manager")
    customer = {"name": "华达五金贸易有限公司", "name_zh": "华达五金"}
    client.patch("/api/v1/customers/CUST-A", json=customer, headers=manager)
    product = {"name": "尼龙扎带 300mm 黑色（100根/袋）"}
    client.patch("/api/v1/products/WIDGET", json=product, headers=manager)
    invoice = invoice_of(client, world, shipped_order(client, world)["number"])

    def download(path: str) -> list[list[str]]:
        body = client.get(path, headers=world.headers("finance")).content
        assert body.startswith(b"\xef\xbb\xbf")  # one BOM, then UTF-8
        return list(csv.reader(io.StringIO(body.decode("utf-8"))))

    rows = download(f"/api/v1/invoices/{invoice['number']}.csv")
    assert ["Customer", "CUST-A 华达五金贸易有限公司"] in rows
    assert ["WIDGET", "尼龙扎带 300mm 黑色（100根/袋）", "4", "1.00", "0.00", "4.00"] in rows
    lines = download("/api/v1/customers/CUST-A/statement.csv")
    assert lines[0] == ["\ufeffStatement", "CUST-A 华达五金贸易有限公司"]
    statement = client.get("/api/v1/customers/CUST-A/statement", headers=manager).json()
    assert statement["customer_name"] == "华达五金贸易有限公司"


def test_every_record_that_names_a_customer_gives_its_chinese_name(
    client: TestClient, world: World
) -> None:
    """Orders, invoices, the aging rows and statements carry `customer_name_zh` beside
    `customer_name`, so that a Chinese chat names the customer in Chinese ("" when none)."""
    manager = world.headers("manager")
    client.patch("/api/v1/customers/CUST-A", json={"name_zh": "华达五金"}, headers=manager)
    order = shipped_order(client, world)
    assert (order["customer_name"], order["customer_name_zh"]) == ("CUST-A Ltd", "华达五金")
    invoice = invoice_of(client, world, order["number"])
    assert invoice["customer_name_zh"] == "华达五金"
    (row,) = client.get("/api/v1/receivables/aging", headers=manager).json()["customers"]
    assert (row["customer_code"], row["customer_name_zh"]) == ("CUST-A", "华达五金")
    statement = client.get("/api/v1/customers/CUST-A/statement", headers=manager).json()
    assert statement["customer_name_zh"] == "华达五金"
    other = shipped_order(client, world, "CUST-B")
    assert other["customer_name_zh"] == ""  # no Chinese name: empty, never missing


def test_formula_like_text_is_neutralised_in_csv(client: TestClient, world: World) -> None:
    client.patch(
        "/api/v1/customers/CUST-A",
        json={"name": '=HYPERLINK("x")'},
        headers=world.headers("manager"),
    )
    invoice = invoice_of(client, world, shipped_order(client, world)["number"])
    text = client.get(
        f"/api/v1/invoices/{invoice['number']}.csv", headers=world.headers("finance")
    ).text
    assert "CUST-A =HYPERLINK" in text  # the cell starts with the code, not with =
    statement = client.get(
        "/api/v1/customers/CUST-A/statement.csv", headers=world.headers("finance")
    ).text
    assert ",=" not in statement


def test_returns_over_http(client: TestClient, world: World) -> None:
    order = shipped_order(client, world)
    number = order["number"]
    body = {
        "order_number": number,
        "lines": [{"sku": "WIDGET", "quantity": 1}],
        "reason": "cracked",
    }
    early = client.post("/api/v1/returns", json=body, headers=world.headers("CUST-A"))
    assert (early.status_code, early.json()["code"]) == (422, "RETURN_NOT_ALLOWED")
    client.post(f"/api/v1/orders/{number}/deliver", headers=world.headers("warehouse"))
    foreign = client.post("/api/v1/returns", json=body, headers=world.headers("CUST-B"))
    assert foreign.status_code == 404
    created = client.post("/api/v1/returns", json=body, headers=world.headers("CUST-A"))
    assert created.status_code == 201
    rma = created.json()["number"]
    assert (created.json()["status"], created.json()["credit_total"]) == ("requested", "1.00")
    assert client.get(f"/api/v1/returns/{rma}", headers=world.headers("CUST-B")).status_code == 404
    assert (
        client.post(f"/api/v1/returns/{rma}/receive", headers=world.headers("CUST-A")).status_code
        == 403
    )
    received = client.post(f"/api/v1/returns/{rma}/receive", headers=world.headers("warehouse"))
    assert received.status_code == 200
    assert received.json()["credit_note_number"].startswith("CN-")
    invoice = invoice_of(client, world, number)
    assert (invoice["credited"], invoice["balance"]) == ("1.00", "3.00")
    mine = client.get("/api/v1/returns", headers=world.headers("CUST-A")).json()["items"]
    assert [r["number"] for r in mine] == [rma]
    assert client.get("/api/v1/returns", headers=world.headers("CUST-B")).json()["items"] == []


def test_event_feed_for_the_gateway(client: TestClient, world: World) -> None:
    order = shipped_order(client, world)
    feed = client.get(
        "/api/v1/events", params={"after": 0, "limit": 2}, headers=world.headers("service")
    )
    assert feed.status_code == 200
    first = feed.json()
    assert [e["type"] for e in first["items"]] == ["order.confirmed", "order.shipped"]
    shipped = first["items"][1]["payload"]
    assert (shipped["order_number"], shipped["customer_code"], shipped["created_by"]) == (
        order["number"],
        "CUST-A",
        "rep",
    )
    assert shipped["tracking_number"] == "JD0146000088"
    rest = client.get(
        "/api/v1/events", params={"after": first["next_cursor"]}, headers=world.headers("service")
    ).json()
    assert [e["type"] for e in rest["items"]] == ["invoice.issued"]
    assert rest["next_cursor"] == str(rest["items"][-1]["id"])
    empty = client.get(
        "/api/v1/events", params={"after": rest["next_cursor"]}, headers=world.headers("service")
    )
    assert empty.json() == {"items": [], "next_cursor": rest["next_cursor"]}
    assert client.get("/api/v1/events", headers=world.headers("CUST-A")).status_code == 403


def test_the_serve_process_sweeps_overdue_invoices(
    engine: Engine, world: World, clock: MovableClock
) -> None:
    app = create_app(engine, clock=clock, sweep_every_seconds=0.05)
    with TestClient(app) as client:
        order = shipped_order(client, world, "CUST-B")
        clock.advance(timedelta(days=15))
        deadline = time.monotonic() + 10
        types: list[str] = []
        while "invoice.overdue" not in types and time.monotonic() < deadline:
            time.sleep(0.05)
            items = client.get("/api/v1/events", headers=world.headers("manager")).json()["items"]
            types = [e["type"] for e in items]
        assert types.count("invoice.overdue") == 1
        time.sleep(0.2)  # more sweeps run; the invoice is still announced once
        items = client.get("/api/v1/events", headers=world.headers("manager")).json()["items"]
        overdue = [e for e in items if e["type"] == "invoice.overdue"]
        assert len(overdue) == 1
        assert overdue[0]["payload"]["order_number"] == order["number"]


def test_csv_cells_that_would_run_as_formulas_are_quoted() -> None:
    from erp_backend.api.downloads import csv_response

    body = bytes(csv_response("x.csv", [("=1+1", "+A1", "-2", "@SUM(A1)", "safe", 3)]).body)
    assert body.decode().lstrip("\ufeff").strip() == "'=1+1,'+A1,'-2,'@SUM(A1),safe,3"
