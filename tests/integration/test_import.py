"""`erp-backend import`: CSV files into the database, all or nothing, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from erp_backend import cli
from erp_backend.api.downloads import invoice_rows
from erp_backend.api.presenters import invoice_detail_out
from erp_backend.db import repositories as repo
from erp_backend.db.engine import unit_of_work
from erp_backend.db.models import Customer, Invoice, OutboxEvent, Payment, Product, Stock
from erp_backend.domain.principals import Actor, Role
from erp_backend.services import catalog, invoicing, receivables
from erp_backend.services.importing import ImportReport, import_file
from erp_backend.services.importing.writing import PAID_BEFORE_IMPORT
from tests.world import NOW, World, build_world, place, stock

CUSTOMERS_CSV = (
    "code,name,credit_limit,payment_terms_days,active,shipping_address,email\n"
    'cust-101,Acme Ltd,2500.00,30,yes,"Acme Ltd, 1 Dock Road, Hull",ap@acme.example\n'
    "CUST-102,Brück GmbH,0,14,,,\n"
)


def run(
    sessions: sessionmaker[Session], kind: str, text: str | bytes, *, commit: bool = True
) -> ImportReport:
    data = text.encode() if isinstance(text, str) else text
    return import_file(sessions, kind, data, NOW, commit=commit)


def where(report: ImportReport) -> list[tuple[int, str]]:
    return [(p.line, p.column) for p in report.problems]


def count(sessions: sessionmaker[Session], model: type[Any]) -> int:
    with unit_of_work(sessions) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> World:
    return build_world(sessions, NOW)


def test_customers_land_with_their_values(sessions: sessionmaker[Session]) -> None:
    report = run(sessions, "customers", "\ufeff" + CUSTOMERS_CSV)  # Excel's BOM is fine
    assert report.problems == []
    assert report.summary() == "created 2 customers, updated 0 (already in the database)"
    with unit_of_work(sessions) as session:
        acme = repo.customer_by_code(session, "CUST-101")  # codes are upper-cased
        assert acme is not None
        assert (acme.name, acme.credit_limit, acme.payment_terms_days) == (
            "Acme Ltd",
            Decimal("2500.00"),
            30,
        )
        assert acme.shipping_address == "Acme Ltd, 1 Dock Road, Hull"
        assert acme.email == "ap@acme.example"
        bruck = repo.customer_by_code(session, "CUST-102")
        assert bruck is not None
        assert bruck.name == "Brück GmbH"
        assert (bruck.active, bruck.shipping_address, bruck.email) == (True, None, None)
    assert count(sessions, OutboxEvent) == 0  # taken-over data is not news


# Chinese names (issue 19): a column of their own, in any place of the header
MANAGER = Actor(principal_id=None, name="import-test", role=Role.MANAGER)
PRODUCTS_ZH_CSV = (
    "sku,name,unit_price,name_zh,search_terms\n"
    "BOLT-M8,Hex bolt M8x40 zinc plated,0.14,六角螺栓 M8×40 镀锌,\n"
    'TIE-300,"Cable ties 300 mm, bag of 100",3.20,尼龙扎带 300mm 黑色（100根/袋）,zip tie\n'
)
CUSTOMERS_ZH_CSV = (
    "name_zh,code,name,credit_limit,payment_terms_days\n"  # the first column, after a BOM
    "码头餐饮集团,CUST-301,Quayside Restaurants Group,5000,30\n"
    ",CUST-302,华达五金贸易有限公司,2000,14\n"  # a Chinese name as the name itself
)


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["utf-8", "utf-8 with BOM"])
def test_chinese_names_are_imported_intact(sessions: sessionmaker[Session], bom: bytes) -> None:
    for kind, text in (("customers", CUSTOMERS_ZH_CSV), ("products", PRODUCTS_ZH_CSV)):
        report = run(sessions, kind, bom + text.encode("utf-8"))
        assert report.problems == [], kind
        assert report.summary().startswith("created 2 ")
    with unit_of_work(sessions) as session:
        products = repo.products_by_sku(session, ["BOLT-M8", "TIE-300"])
        assert products["BOLT-M8"].name_zh == "六角螺栓 M8×40 镀锌"
        assert products["TIE-300"].name_zh == "尼龙扎带 300mm 黑色（100根/袋）"
        quayside = repo.customer_by_code(session, "CUST-301")
        huada = repo.customer_by_code(session, "CUST-302")
        assert quayside is not None
        assert huada is not None
        assert (quayside.name, quayside.name_zh) == ("Quayside Restaurants Group", "码头餐饮集团")
        assert (huada.name, huada.name_zh) == ("华达五金贸易有限公司", "")  # empty: none
        found = catalog.search_products(session, MANAGER, "扎带", 5)
        assert [r.item.sku for r in found] == ["TIE-300"]
        assert catalog.search_customers(session, MANAGER, "码头", 5)[0].item.code == ("CUST-301")
    # An update with the cell left empty keeps the Chinese name, as for every optional column.
    again = bom + b"sku,name_zh,name,unit_price\nBOLT-M8,,Hex bolt M8x40,0.15\n"
    assert run(sessions, "products", again).summary().startswith("created 0 products, updated 1")
    with unit_of_work(sessions) as session:
        bolt = repo.products_by_sku(session, ["BOLT-M8"])["BOLT-M8"]
        assert (bolt.name, bolt.name_zh) == ("Hex bolt M8x40", "六角螺栓 M8×40 镀锌")


def test_a_bom_saved_twice_still_leaves_the_first_column_readable(
    sessions: sessionmaker[Session],
) -> None:
    data = b"\xef\xbb\xbf" + ("\ufeff" + CUSTOMERS_ZH_CSV).encode("utf-8")
    assert run(sessions, "customers", data).problems == []


def test_a_dry_run_reports_and_writes_nothing(sessions: sessionmaker[Session]) -> None:
    report = run(sessions, "customers", CUSTOMERS_CSV, commit=False)
    assert report.problems == []
    assert not report.committed
    assert report.summary() == "would create 2 customers, update 0 (already in the database)"
    assert count(sessions, Customer) == 0


def test_products_upsert_and_keep_what_the_file_does_not_say(
    sessions: sessionmaker[Session],
) -> None:
    first = "sku,name,unit_price,unit,reorder_point\nBOLT-1,Bolt,0.14,box,100\nNUT-1,Nut,0.06,,\n"
    assert run(sessions, "products", first).problems == []
    report = run(sessions, "products", "sku,name,unit_price\nbolt-1,Bolt M8,0.15\nPIN-1,Pin,2\n")
    assert report.summary() == "created 1 products, updated 1 (already in the database)"
    with unit_of_work(sessions) as session:
        products = repo.products_by_sku(session, ["BOLT-1", "NUT-1", "PIN-1"])
        bolt, nut = products["BOLT-1"], products["NUT-1"]
        assert (bolt.name, bolt.unit_price, bolt.unit, bolt.reorder_point) == (
            "Bolt M8",
            Decimal("0.15"),
            "box",  # not in the second file: left as it was
            100,
        )
        assert (nut.unit, nut.reorder_point, nut.active) == ("pcs", 0, True)  # defaults
        assert products["PIN-1"].unit_price == Decimal("2.00")
        assert {(p.stock.on_hand, p.stock.reserved) for p in products.values()} == {(0, 0)}


def test_every_bad_row_is_reported_and_nothing_is_written(
    sessions: sessionmaker[Session], world: World
) -> None:
    text = (
        "code,name,credit_limit,payment_terms_days\n"
        "CUST-A,Renamed,1.00,30\n"  # good (an update), but the file as a whole fails
        'CUST-201,Bad amount,"12,5x",30\n'
        "CUST-202,,100,30\n"
        "CUST-203,Negative,-5,-1\n"
        "CUST-A,Twice,1,1\n"
        "CUST-204,Too,many,cells,here\n"
        "CUST-205,Decimals,1.005,30\n"
    )
    report = run(sessions, "customers", text)
    assert where(report) == [
        (3, "credit_limit"),
        (4, "name"),
        (5, "credit_limit"),
        (5, "payment_terms_days"),
        (6, "code"),
        (7, ""),
        (8, "credit_limit"),
    ]
    lines = [str(p) for p in report.problems]
    assert lines[0] == 'line 3, column credit_limit: "12,5x" is not an amount ' + (
        "(write it like 1234.50: a point for decimals, no thousands separators or currency)"
    )
    assert lines[4] == "line 6, column code: CUST-A already appears on line 2"
    assert "5 cells, but the header has 4 columns" in lines[5]
    assert "more than 2 decimal places" in lines[6]
    assert report.summary().startswith("nothing imported: 7 problem(s) on 6 line(s)")
    with unit_of_work(sessions) as session:
        customer = repo.customer_by_code(session, "CUST-A")
        assert customer is not None
        assert customer.name == "CUST-A Ltd"
    assert count(sessions, Customer) == 3


def test_a_file_not_in_utf8_is_refused_naming_the_line(sessions: sessionmaker[Session]) -> None:
    data = "code,name,credit_limit,payment_terms_days\nC-1,Ok,1,1\nC-2,Café,1,1\n".encode("latin-1")
    report = run(sessions, "customers", data)
    assert where(report) == [(3, "")]
    assert "not UTF-8 (byte 0xE9" in report.problems[0].message
    assert count(sessions, Customer) == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty; expected the header sku,name,unit_price[,unit]"),
        ("sku,name,unit_price\n", "the file has a header but no rows"),
        ("sku,price\nA,1\n", "missing column(s) name, unit_price; expected header sku,name,"),
        ("sku,name,unit_price,colour\nA,B,1,red\n", "unknown column(s) colour; expected"),
        ("sku;name;unit_price\nA;B;1\n", "the cells are separated by ';'"),
    ],
)
def test_a_file_that_does_not_fit_is_refused_before_any_row(
    sessions: sessionmaker[Session], text: str, message: str
) -> None:
    report = run(sessions, "products", text)
    assert len(report.problems) == 1
    assert report.problems[0].message.startswith(message)
    assert count(sessions, Product) == 0


def test_opening_stock_is_set_and_guarded_by_reservations(
    sessions: sessionmaker[Session], world: World
) -> None:
    place(sessions, world, [("WIDGET", 8)])  # reserves 8 of the 10 on hand
    bad = run(sessions, "stock", "sku,on_hand\nWIDGET,5\nNO-SUCH,3\nBOLT-M8,x\n")
    assert where(bad) == [(2, "on_hand"), (3, "sku"), (4, "on_hand")]
    assert "less than the 8 reserved" in bad.problems[0].message
    assert bad.problems[1].message == "there is no product NO-SUCH"
    assert stock(sessions, "WIDGET") == (10, 8)
    good = run(sessions, "stock", "sku,on_hand\nwidget,12\nBOLT-M8,1000\nGADGET,40\n")
    assert good.summary() == (
        "set the on-hand stock of 3 products (2 different from now, 1 the same)"
    )
    assert stock(sessions, "WIDGET") == (12, 8)
    assert stock(sessions, "GADGET") == (40, 0)


INVOICES_CSV = (
    "number,customer_code,issued_on,due_on,total,paid\n"
    "INV-2026-00040,CUST-A,2026-09-01,2026-10-01,1000.00,400.00\n"
    "OLD/77,CUST-B,2026-11-10,2026-11-24,50,\n"
)


def test_open_invoices_work_everywhere_without_an_order(
    sessions: sessionmaker[Session], world: World
) -> None:
    report = run(sessions, "invoices", INVOICES_CSV)
    assert report.summary() == "created 2 open invoices, 650.00 outstanding"
    finance = world.actors["finance"]
    today = NOW.date()
    with unit_of_work(sessions) as session:
        invoice = invoicing.get_invoice(session, finance, "INV-2026-00040")
        assert (invoice.order_id, invoice.total, invoice.paid, invoice.balance) == (
            None,
            Decimal("1000.00"),
            Decimal("400.00"),
            Decimal("600.00"),
        )
        payment = session.scalars(select(Payment)).unique().one()
        assert (payment.amount, payment.received_on) == (Decimal("400.00"), date(2026, 9, 1))
        assert payment.reference == PAID_BEFORE_IMPORT
        shown = invoice_detail_out(invoice, today)
        assert (shown.order_number, shown.lines, shown.status) == (None, [], "overdue")
        assert ("Order", None) in invoice_rows(shown)
        found = receivables.statement(session, finance, "CUST-A", None, today)
        assert [e.description for e in found.entries[:1]] == ["Opening balance"]
        assert found.closing_balance == Decimal("600.00")
        customer = repo.customer_by_code(session, "CUST-A")
        assert customer is not None
        assert repo.credit_exposure(session, customer.id, excluding=None) == Decimal("600.00")
    # Already overdue when taken over: no reminder burst; falls overdue later: announced.
    with unit_of_work(sessions) as session:
        assert invoicing.sweep_overdue(session, NOW) == []
    with unit_of_work(sessions) as session:
        assert invoicing.sweep_overdue(session, NOW + timedelta(days=5)) == ["OLD/77"]
    with unit_of_work(sessions) as session:  # the outbox is written as the sweep commits
        event = session.scalars(select(OutboxEvent)).one()
        assert event.payload["order_number"] is None
        assert event.payload["customer_code"] == "CUST-B"
    # The ERP's own numbering carries on after an imported INV-2026-00040.
    with unit_of_work(sessions) as session:
        assert repo.next_sequence_value(session, "INV", 2026) == 41


def test_invoices_are_never_doubled_nor_given_to_unknown_customers(
    sessions: sessionmaker[Session], world: World
) -> None:
    assert run(sessions, "invoices", INVOICES_CSV).problems == []
    again = run(
        sessions,
        "invoices",
        INVOICES_CSV
        + "OLD/78,CUST-NOPE,2026-11-10,2026-11-01,50,\n"
        + "OLD/79,CUST-A,2026-11-10,2026-12-10,50,50\n"
        + "OLD/80,CUST-A,2099-01-01,2099-02-01,0,\n",
    )
    assert where(again) == [
        (2, "number"),
        (3, "number"),
        (4, "customer_code"),
        (4, "due_on"),  # both problems of line 4, not only the first
        (5, "paid"),
        (6, "total"),
    ]
    assert again.problems[0].message == "invoice INV-2026-00040 is already in the database"
    assert again.problems[2].message == "there is no customer CUST-NOPE"
    assert count(sessions, Invoice) == 2


def test_a_file_of_several_batches_lands_whole(sessions: sessionmaker[Session]) -> None:
    """More rows than one statement takes (writing.CHUNK): every batch lands, and each stock
    row belongs to its own product (the ids come back in the order the rows went in)."""
    rows = "".join(
        f"SKU-{n:05d},Item {n},{n % 97}.{n % 100:02d},pcs,{n},50\n" for n in range(2_500)
    )
    report = run(
        sessions, "products", "sku,name,unit_price,unit,reorder_point,reorder_qty\n" + rows
    )
    assert report.summary() == "created 2500 products, updated 0 (already in the database)"
    assert count(sessions, Product) == count(sessions, Stock) == 2_500
    with unit_of_work(sessions) as session:
        last = repo.product_by_sku(session, "SKU-02499")
        assert last is not None
        assert (last.unit_price, last.reorder_point) == (Decimal("74.99"), 2499)
        assert last.stock.product_id == last.id
    moved = run(
        sessions, "stock", "sku,on_hand\n" + "".join(f"SKU-{n:05d},{n}\n" for n in range(2_500))
    )
    assert moved.summary().startswith("set the on-hand stock of 2500 products (2499 different")
    assert stock(sessions, "SKU-01234") == (1234, 0)


def test_the_command_line_end_to_end(
    sessions: sessionmaker[Session],
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ERP_DATABASE_URL", database_url)
    good = tmp_path / "customers.csv"
    good.write_text(CUSTOMERS_CSV, encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(CUSTOMERS_CSV + "CUST-103,Late,12,5x,30,,\n", encoding="utf-8")

    assert cli.main(["import", "customers", str(good)]) == 0
    out = capsys.readouterr().out
    assert "would create 2 customers, update 0" in out
    assert "run again with --commit" in out
    assert count(sessions, Customer) == 0

    assert cli.main(["import", "customers", str(bad), "--commit"]) == 1
    out = capsys.readouterr().out
    assert 'line 4, column payment_terms_days: "5x" is not a whole number' in out
    assert 'line 4, column active: "30" is not yes or no' in out
    assert "nothing imported" in out
    assert count(sessions, Customer) == 0

    assert cli.main(["import", "customers", str(good), "--commit"]) == 0
    assert "created 2 customers" in capsys.readouterr().out
    assert count(sessions, Customer) == 2

    assert cli.main(["import", "customers", str(tmp_path / "missing.csv")]) == 2
    assert "cannot read" in capsys.readouterr().err
