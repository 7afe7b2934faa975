"""Products, customers, credit and stock over HTTP."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from erp_backend.api.app import create_app
from tests.api.conftest import MovableClock
from tests.world import World


def test_managers_maintain_the_catalog(client: TestClient, world: World) -> None:
    body = {"sku": "hinge-75", "name": "Butt hinge 75 mm", "unit_price": "2.30", "reorder_point": 5}
    created = client.post("/api/v1/products", json=body, headers=world.headers("manager"))
    assert created.status_code == 201
    assert created.json()["sku"] == "HINGE-75"
    assert (created.json()["on_hand"], created.json()["available"]) == (0, 0)
    again = client.post("/api/v1/products", json=body, headers=world.headers("admin"))
    assert (again.status_code, again.json()["code"]) == (409, "ALREADY_EXISTS")
    patched = client.patch(
        "/api/v1/products/HINGE-75", json={"unit_price": "2.45"}, headers=world.headers("manager")
    )
    assert patched.json()["unit_price"] == "2.45"
    assert patched.json()["reorder_point"] == 5  # untouched fields stay
    for who in ("rep", "finance", "warehouse", "CUST-A"):
        denied = client.post("/api/v1/products", json=body, headers=world.headers(who))
        assert (denied.status_code, denied.json()["code"]) == (403, "FORBIDDEN")


def test_catalog_search_and_inactive_products(client: TestClient, world: World) -> None:
    found = client.get("/api/v1/products", params={"q": "bolt"}, headers=world.headers("CUST-A"))
    assert [p["sku"] for p in found.json()["items"]] == ["BOLT-M8"]
    everything = client.get("/api/v1/products", headers=world.headers("rep")).json()["items"]
    assert "OLD-ITEM" not in {p["sku"] for p in everything}  # not sold any more
    wildcard = client.get("/api/v1/products", params={"q": "%"}, headers=world.headers("rep"))
    assert wildcard.json()["items"] == []  # LIKE wildcards are matched literally


def test_products_are_ranked_for_words(client: TestClient, world: World) -> None:
    manager = world.headers("manager")
    for sku, name, terms in [
        ("HB-M12", "Hex bolt M12x60 zinc plated", ""),
        ("HB-M12-SS", "Hex bolt M12x60 stainless A2", ""),
        ("PLUG-8", "Nylon wall plug 8 mm", "rawlplug"),
    ]:
        body = {"sku": sku, "name": name, "unit_price": "0.10", "search_terms": terms}
        assert client.post("/api/v1/products", json=body, headers=manager).status_code == 201

    def first(q: str) -> dict[str, object]:
        items = client.get("/api/v1/products", params={"q": q}, headers=world.headers("CUST-A"))
        found: dict[str, object] = items.json()["items"][0]
        return found

    bolts = first("m12 bolts")
    assert (bolts["sku"], bolts["match"]) == ("HB-M12", "full")  # stainless only when said
    assert first("stainless bolts m12")["sku"] == "HB-M12-SS"
    assert first("rawlplugs")["sku"] == "PLUG-8"  # a search term, plural
    assert first("wal plugs 8mm")["sku"] == "PLUG-8"  # a typo
    assert first("cat6 cable bolts")["match"] == "partial"
    # search terms are edited like the rest, and searched at once
    client.patch("/api/v1/products/HB-M12-SS", json={"search_terms": "a2 bolt"}, headers=manager)
    assert first("a2 bolt")["sku"] == "HB-M12-SS"
    client.patch("/api/v1/products/PLUG-8", json={"active": False}, headers=manager)
    plugs = client.get("/api/v1/products", params={"q": "rawlplug"}, headers=manager)
    assert "PLUG-8" not in {p["sku"] for p in plugs.json()["items"]}


def test_customers_by_name(client: TestClient, world: World) -> None:
    body = {"code": "cust-bk", "name": "Baker & Sons Construction", "credit_limit": "100.00"}
    client.post("/api/v1/customers", json=body, headers=world.headers("manager"))
    found = client.get(
        "/api/v1/customers", params={"q": "bakers and son"}, headers=world.headers("rep")
    ).json()["items"]
    assert (found[0]["code"], found[0]["match"]) == ("CUST-BK", "full")
    # a customer finds only itself, whatever it asks
    own = client.get("/api/v1/customers", params={"q": "baker"}, headers=world.headers("CUST-A"))
    assert {c["code"] for c in own.json()["items"]} <= {"CUST-A"}
    listed = client.get("/api/v1/customers", headers=world.headers("CUST-A")).json()["items"]
    assert [c["code"] for c in listed] == ["CUST-A"]


def test_customers_and_credit(client: TestClient, world: World) -> None:
    body = {"code": "cust-new", "name": "New Ltd", "credit_limit": "2500.00"}
    created = client.post("/api/v1/customers", json=body, headers=world.headers("manager"))
    assert created.status_code == 201
    assert created.json()["code"] == "CUST-NEW"
    assert created.json()["payment_terms_days"] == 30
    duplicate = client.post("/api/v1/customers", json=body, headers=world.headers("manager"))
    assert duplicate.json()["code"] == "ALREADY_EXISTS"
    order = client.post(
        "/api/v1/orders",
        json={"customer_code": "CUST-NEW", "lines": [{"sku": "WIDGET", "quantity": 4}]},
        headers=world.headers("rep"),
    ).json()
    client.post(f"/api/v1/orders/{order['number']}/submit", headers=world.headers("rep"))
    credit = client.get("/api/v1/customers/CUST-NEW/credit", headers=world.headers("rep")).json()
    assert credit == {
        "currency": "GBP",
        "customer_code": "CUST-NEW",
        "credit_limit": "2500.00",
        "exposure": "4.00",
        "available": "2496.00",
    }
    deactivated = client.patch(
        "/api/v1/customers/CUST-NEW", json={"active": False}, headers=world.headers("manager")
    )
    assert deactivated.json()["active"] is False
    refused = client.post(
        "/api/v1/orders",
        json={"customer_code": "CUST-NEW", "lines": [{"sku": "WIDGET", "quantity": 1}]},
        headers=world.headers("rep"),
    )
    assert (refused.status_code, refused.json()["code"]) == (409, "CUSTOMER_INACTIVE")


@pytest.mark.parametrize(("who", "status"), [("warehouse", 201), ("manager", 201), ("rep", 403)])
def test_stock_receipts_by_warehouse(
    client: TestClient, world: World, who: str, status: int
) -> None:
    response = client.post(
        "/api/v1/stock/receipts", json={"sku": "GADGET", "quantity": 7}, headers=world.headers(who)
    )
    assert response.status_code == status
    level = client.get("/api/v1/stock/GADGET", headers=world.headers("rep")).json()
    assert level["on_hand"] == (7 if status == 201 else 0)


def test_waiting_orders_and_replenishment_over_http(client: TestClient, world: World) -> None:
    order = client.post(
        "/api/v1/orders",
        json={"customer_code": "CUST-A", "lines": [{"sku": "GADGET", "quantity": 4}]},
        headers=world.headers("rep"),
    ).json()
    waiting = client.post(f"/api/v1/orders/{order['number']}/submit", headers=world.headers("rep"))
    assert waiting.json()["status"] == "awaiting_stock"
    requests = client.get(
        "/api/v1/replenishment-requests",
        params={"status": "open"},
        headers=world.headers("warehouse"),
    ).json()["items"]
    assert [(r["sku"], r["quantity"]) for r in requests] == [("GADGET", 4)]
    receipt = client.post(
        "/api/v1/stock/receipts",
        json={"sku": "gadget", "quantity": 10},
        headers=world.headers("warehouse", **{"Idempotency-Key": "grn-1"}),
    ).json()
    assert receipt["confirmed_orders"] == [order["number"]]
    assert receipt["stock"] == {"sku": "GADGET", "on_hand": 10, "reserved": 4, "available": 6}
    replay = client.post(
        "/api/v1/stock/receipts",
        json={"sku": "gadget", "quantity": 10},
        headers=world.headers("warehouse", **{"Idempotency-Key": "grn-1"}),
    )
    assert replay.json() == receipt  # a retried receipt books the goods once
    assert client.get("/api/v1/stock/GADGET", headers=world.headers("rep")).json()["on_hand"] == 10
    closed = client.get(
        "/api/v1/replenishment-requests",
        params={"status": "fulfilled"},
        headers=world.headers("warehouse"),
    ).json()["items"]
    assert len(closed) == 1
    assert (
        client.get("/api/v1/replenishment-requests", headers=world.headers("CUST-A")).status_code
        == 403
    )


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/customers/CUST-A", {"name": None}),
        ("/api/v1/customers/CUST-A", {"credit_limit": None}),
        ("/api/v1/products/BOLT-M8", {"unit_price": None}),
        ("/api/v1/products/BOLT-M8", {"active": None}),
    ],
)
def test_null_for_a_required_field_is_refused(
    client: TestClient, world: World, path: str, body: dict[str, None]
) -> None:
    response = client.patch(path, json=body, headers=world.headers("manager"))
    assert (response.status_code, response.json()["code"]) == (422, "VALIDATION_ERROR")
    assert client.get(path, headers=world.headers("manager")).status_code == 200


def test_null_clears_an_optional_field(client: TestClient, world: World) -> None:
    response = client.patch(
        "/api/v1/customers/CUST-A", json={"email": None}, headers=world.headers("manager")
    )
    assert response.status_code == 200
    assert response.json()["email"] is None
    assert response.json()["name"] == "CUST-A Ltd"


def test_the_business_currency_is_stored_and_said(
    engine: Engine, world: World, clock: MovableClock
) -> None:
    """A business in euros (ERP_CURRENCY=EUR): what is written from then on is in euros."""
    app = create_app(engine, clock=clock, currency="eur")
    try:
        with TestClient(app) as euros:
            body = {"sku": "EU-1", "name": "Euro widget", "unit_price": "2.00"}
            made = euros.post("/api/v1/products", json=body, headers=world.headers("manager"))
            assert made.json()["currency"] == "EUR"
            order = euros.post(
                "/api/v1/orders",
                json={"customer_code": "CUST-A", "lines": [{"sku": "EU-1", "quantity": 3}]},
                headers=world.headers("rep"),
            ).json()
            assert (order["currency"], order["total"]) == ("EUR", "6.00")
            credit = euros.get("/api/v1/customers/CUST-A/credit", headers=world.headers("rep"))
            assert credit.json()["currency"] == "EUR"
    finally:
        create_app(engine, clock=clock)  # back to the default for the other tests
    with pytest.raises(ValueError, match="ISO 4217"):
        create_app(engine, currency="pounds")


def test_chinese_names_are_kept_answered_and_searched(client: TestClient, world: World) -> None:
    manager = world.headers("manager")
    for sku, name, name_zh in [
        ("HB-M8", "Hex bolt M8x40 zinc plated", "六角螺栓 M8×40 镀锌"),
        ("HB-M8-SS", "Hex bolt M8x40 stainless A2", "不锈钢六角螺栓 M8×40 A2"),
        ("TIE-300", "Cable ties 300 mm black, bag of 100", " 尼龙扎带 300mm 黑色（100根/袋） "),
    ]:
        body = {"sku": sku, "name": name, "name_zh": name_zh, "unit_price": "0.10"}
        created = client.post("/api/v1/products", json=body, headers=manager)
        assert created.status_code == 201
        assert created.json()["name_zh"] == name_zh.strip()
    plain = client.post(
        "/api/v1/products",
        json={"sku": "PLAIN", "name": "Plain", "unit_price": "1"},
        headers=manager,
    )
    assert plain.json()["name_zh"] == ""  # none unless given
    read = client.get("/api/v1/products/TIE-300", headers=world.headers("CUST-A")).json()
    assert read["name_zh"] == "尼龙扎带 300mm 黑色（100根/袋）"

    def first(q: str) -> dict[str, object]:
        items = client.get("/api/v1/products", params={"q": q}, headers=world.headers("CUST-A"))
        found: dict[str, object] = items.json()["items"][0]
        return found

    assert (first("m8螺栓")["sku"], first("m8螺栓")["match"]) == ("HB-M8", "full")
    assert first("不锈钢螺栓")["sku"] == "HB-M8-SS"
    assert first("我要扎带")["sku"] == "TIE-300"
    patched = client.patch("/api/v1/products/PLAIN", json={"name_zh": "普通件"}, headers=manager)
    assert patched.json()["name_zh"] == "普通件"
    assert first("普通件")["sku"] == "PLAIN"  # searched at once
    cleared = client.patch("/api/v1/products/PLAIN", json={"name_zh": ""}, headers=manager)
    assert (cleared.json()["name_zh"], cleared.json()["name"]) == ("", "Plain")
    refused = client.patch("/api/v1/products/PLAIN", json={"name_zh": None}, headers=manager)
    assert (refused.status_code, refused.json()["code"]) == (422, "VALIDATION_ERROR")
    too_long = client.patch("/api/v1/products/PLAIN", json={"name_zh": "螺" * 201}, headers=manager)
    assert too_long.status_code == 422


def test_customers_carry_a_chinese_name(client: TestClient, world: World) -> None:
    manager = world.headers("manager")
    body = {
        "code": "cust-hd",
        "name": "Huada Trading Ltd",
        "name_zh": "华达五金贸易有限公司",
        "credit_limit": "5000.00",
    }
    created = client.post("/api/v1/customers", json=body, headers=manager)
    assert (created.status_code, created.json()["name_zh"]) == (201, "华达五金贸易有限公司")
    read = client.get("/api/v1/customers/CUST-HD", headers=world.headers("rep")).json()
    assert (read["name"], read["name_zh"]) == ("Huada Trading Ltd", "华达五金贸易有限公司")
    found = client.get("/api/v1/customers", params={"q": "华达五金"}, headers=manager).json()
    assert (found["items"][0]["code"], found["items"][0]["match"]) == ("CUST-HD", "full")
    assert client.get("/api/v1/customers/CUST-A", headers=manager).json()["name_zh"] == ""
    patched = client.patch("/api/v1/customers/CUST-A", json={"name_zh": "甲公司"}, headers=manager)
    assert patched.json()["name_zh"] == "甲公司"
    listed = client.get("/api/v1/customers", headers=manager).json()["items"]
    assert {c["code"]: c["name_zh"] for c in listed}["CUST-A"] == "甲公司"
    refused = client.patch("/api/v1/customers/CUST-A", json={"name_zh": None}, headers=manager)
    assert refused.status_code == 422
