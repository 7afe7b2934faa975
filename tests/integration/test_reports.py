"""Monthly sales, ABC analysis and KPIs over orders with known dates, on SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session, sessionmaker

from erp_backend.db.engine import unit_of_work
from erp_backend.domain.errors import DomainError, ErrorCode
from erp_backend.domain.reports import AbcClass, AbcThresholds
from erp_backend.services import fulfilment, kpis, reports, stock
from erp_backend.services import orders as svc
from tests.world import NOW, World, build_world, place

D = Decimal


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> World:
    return build_world(sessions, NOW)


@pytest.fixture
def history(sessions: sessionmaker[Session], world: World) -> None:
    """Booked: Nov 2024 1.00 (the first order: the data covers 2025 and after), Mar 2025
    14.00, Feb 2026 14.00, Mar 2026 28.00 + 14.00 (one late on the 31st, UTC). Not sales: a
    draft, a cancelled order, an order held for credit."""
    place(sessions, world, [("WIDGET", 1)], at=at("2024-11-29"))
    place(sessions, world, [("BOLT-M8", 100)], at=at("2025-03-10"))
    place(sessions, world, [("BOLT-M8", 100)], at=at("2026-02-05"))
    place(sessions, world, [("BOLT-M8", 200)], at=at("2026-03-03"))
    place(sessions, world, [("NUT-M10", 100), ("WIDGET", 8)], at=at("2026-03-31", 23))
    place(sessions, world, [("BOLT-M8", 100)], at=at("2026-03-25"), submit=False)
    cancelled = place(sessions, world, [("BOLT-M8", 100)], at=at("2026-04-02"))
    with unit_of_work(sessions) as session:
        svc.cancel_order(session, world.actors["rep"], cancelled, None, at("2026-04-02", 11))
    place(sessions, world, [("BOLT-M8", 800)], customer="CUST-B", at=at("2026-04-03"))


def monthly(
    sessions: sessionmaker[Session], world: World, year: int, today: date
) -> dict[str, object]:
    with unit_of_work(sessions) as session:
        found = reports.monthly_sales(session, world.actors["manager"], year, today)
    return {
        "months": [
            (
                m.month,
                m.orders,
                m.revenue,
                m.growth_vs_previous_month_pct,
                m.growth_vs_last_year_pct,
                m.complete,
            )
            for m in found.months
        ],
        "totals": (found.orders, found.revenue, found.last_year_same_period_revenue),
        "growth": found.growth_vs_last_year_pct,
    }


@pytest.mark.usefixtures("history")
def test_monthly_sales_of_the_year_so_far(sessions: sessionmaker[Session], world: World) -> None:
    found = monthly(sessions, world, 2026, date(2026, 4, 15))
    assert found["months"] == [
        (1, 0, D("0.00"), None, None, True),
        (2, 1, D("14.00"), None, None, True),  # January had nothing: no base to grow from
        (3, 2, D("28.00") + D("14.00"), D("200.0"), D("200.0"), True),
        (4, 0, D("0.00"), D("-100.0"), None, False),  # in progress; held/cancelled not sales
    ]
    assert found["totals"] == (3, D("56.00"), D("14.00"))
    assert found["growth"] == D("300.0")


@pytest.mark.usefixtures("history")
def test_a_past_year_has_twelve_complete_months(
    sessions: sessionmaker[Session], world: World
) -> None:
    found = monthly(sessions, world, 2025, date(2026, 4, 15))
    months = found["months"]
    assert isinstance(months, list)
    assert [m[5] for m in months] == [True] * 12
    assert months[2] == (3, 1, D("14.00"), None, None, True)
    assert months[3][3] == D("-100.0")
    # December 2024 is covered (the first order is from November): January has a base of 0.
    assert months[0][3] is None
    # The same stretch of 2024 is not covered: no comparison, rather than "+∞ %".
    assert found["totals"] == (1, D("14.00"), None)
    assert found["growth"] is None


def test_a_base_before_the_first_order_is_no_base(
    sessions: sessionmaker[Session], world: World
) -> None:
    """A business whose data starts on 10 March 2025: March 2025 is only part of a month,
    so March 2026 is not compared with it, nor the year with "last year"."""
    place(sessions, world, [("BOLT-M8", 100)], at=at("2025-03-10"))
    place(sessions, world, [("BOLT-M8", 100)], at=at("2025-04-10"))
    place(sessions, world, [("BOLT-M8", 200)], at=at("2026-03-03"))
    place(sessions, world, [("BOLT-M8", 200)], at=at("2026-04-03"))
    with unit_of_work(sessions) as session:
        found = reports.monthly_sales(session, world.actors["rep"], 2026, date(2026, 4, 20))
    march, april = found.months[2], found.months[3]
    assert (march.last_year_revenue, march.growth_vs_last_year_pct) == (None, None)
    assert (april.last_year_revenue, april.growth_vs_last_year_pct) == (D("14.00"), D("100.0"))
    assert found.data_since == date(2025, 3, 10)
    assert (found.last_year_same_period_revenue, found.growth_vs_last_year_pct) == (None, None)


@pytest.mark.usefixtures("history")
def test_the_year_to_date_compares_with_the_same_stretch_of_last_year(
    sessions: sessionmaker[Session], world: World
) -> None:
    # Last year's only order is from 10 March 2025: counted from 10 March 2026 on.
    before = monthly(sessions, world, 2026, date(2026, 3, 9))
    assert (before["totals"], before["growth"]) == ((3, D("56.00"), D("0.00")), None)
    on_the_day = monthly(sessions, world, 2026, date(2026, 3, 10))
    assert (on_the_day["totals"], on_the_day["growth"]) == ((3, D("56.00"), D("14.00")), D("300.0"))
    assert monthly(sessions, world, 2027, date(2026, 3, 5))["months"] == []


@pytest.mark.usefixtures("history")
def test_abc_by_product_and_by_customer(sessions: sessionmaker[Session], world: World) -> None:
    manager = world.actors["manager"]
    with unit_of_work(sessions) as session:
        products = reports.abc_analysis(
            session, manager, "product", date(2026, 1, 1), date(2026, 12, 31), AbcThresholds()
        )
        customers = reports.abc_analysis(
            session, manager, "customer", date(2026, 1, 1), date(2026, 12, 31), AbcThresholds()
        )
    # BOLT-M8 42.00, WIDGET 8.00, NUT-M10 6.00 of 56.00; inactive OLD-ITEM is not listed.
    assert [(e.item.key, e.item.revenue, e.item.abc_class) for e in products.entries] == [
        ("BOLT-M8", D("42.00"), AbcClass.A),
        ("WIDGET", D("8.00"), AbcClass.A),  # 75 % before it
        ("NUT-M10", D("6.00"), AbcClass.B),  # 89.3 % before it
        ("GADGET", D("0.00"), AbcClass.C),
    ]
    assert products.total_revenue == D("56.00")
    assert products.entries[1].item.cumulative_pct == D("89.3")
    assert [(e.item.key, e.item.abc_class) for e in customers.entries] == [
        ("CUST-A", AbcClass.A),
        ("CUST-B", AbcClass.C),  # its order is held, not booked
        ("CUST-X", AbcClass.C),
    ]
    assert customers.entries[0].name == "CUST-A Ltd"


@pytest.mark.parametrize("who", ["CUST-A", "warehouse", "service"])
def test_reports_are_for_staff_who_sell_or_account(
    sessions: sessionmaker[Session], world: World, who: str
) -> None:
    with unit_of_work(sessions) as session, pytest.raises(DomainError) as raised:
        reports.monthly_sales(session, world.actors[who], 2026, date(2026, 4, 1))
    assert raised.value.code is ErrorCode.FORBIDDEN
    for allowed in ("rep", "finance", "manager", "admin"):
        with unit_of_work(sessions) as session:
            kpis.kpis(session, world.actors[allowed], date(2026, 1, 1), date(2026, 1, 31))


def test_kpis_from_the_timelines(sessions: sessionmaker[Session], world: World) -> None:
    finance, warehouse = world.actors["finance"], world.actors["warehouse"]
    t0 = at("2026-06-01", 8)
    # 1: confirmed at once, shipped 30 h later, delivered before the requested date.
    # 2: held for credit (CUST-B), approved 5 h later, shipped 10 h after that, delivered a
    #    day after its requested date.
    # 3: waits for stock (GADGET has none), confirmed by a receipt 48 h later.
    # 4: a draft never submitted.
    first = place(sessions, world, [("BOLT-M8", 100)], at=t0, requested=date(2026, 6, 5))
    held = place(
        sessions, world, [("BOLT-M8", 800)], customer="CUST-B", at=t0, requested=date(2026, 6, 1)
    )
    with unit_of_work(sessions) as session:
        svc.approve_order(session, finance, held, t0 + timedelta(hours=5))
    waiting = place(sessions, world, [("GADGET", 2)], at=t0)
    place(sessions, world, [("NUT-M10", 1)], at=t0, submit=False)
    with unit_of_work(sessions) as session:
        stock.receive_stock(session, warehouse, "GADGET", 5, t0 + timedelta(hours=48))
    for number, shipped in ((first, t0 + timedelta(hours=30)), (held, t0 + timedelta(hours=15))):
        with unit_of_work(sessions) as session:
            fulfilment.pick_order(session, warehouse, number, shipped)
            fulfilment.pack_order(session, warehouse, number, shipped)
            fulfilment.ship_order(session, warehouse, number, "DPD", "DP1", shipped)
            fulfilment.deliver_order(session, warehouse, number, shipped + timedelta(days=1))
    assert waiting

    with unit_of_work(sessions) as session:
        found = kpis.kpis(session, world.actors["manager"], date(2026, 6, 1), date(2026, 6, 30))
    assert (found.orders, found.submitted) == (4, 3)
    assert (found.held_for_approval, found.held_for_approval_pct) == (1, D("33.3"))
    assert (found.approval_time.count, found.approval_time.median_hours) == (1, 5.0)
    # Confirmed: 0 h, 5 h (approval) and 48 h (stock) after creation.
    assert found.created_to_confirmed.count == 3
    assert found.created_to_confirmed.median_hours == 5.0
    assert found.created_to_confirmed.p90_hours == pytest.approx(39.4)
    assert (found.confirmed_to_shipped.median_hours, found.created_to_shipped.count) == (20.0, 2)
    assert (found.reserved, found.fill_rate_pct) == (3, D("66.7"))
    assert (found.delivered_with_date, found.on_time_delivery_pct) == (2, D("50.0"))
    # 900 BOLT-M8 at 0.14 shipped = 126.00; stock was worth 280.00 on 1 June and
    # 280 - 126 + 25 (5 GADGET received) = 179.00 on 1 July: 126 / 229.5.
    assert found.inventory_turnover == D("0.55")

    with unit_of_work(sessions) as session:
        empty = kpis.kpis(session, world.actors["manager"], date(2025, 1, 1), date(2025, 1, 31))
    assert (empty.orders, empty.fill_rate_pct, empty.created_to_confirmed.median_hours) == (
        0,
        None,
        None,
    )


def test_inventory_turnover_rolls_stock_back_through_what_moved(
    sessions: sessionmaker[Session], world: World
) -> None:
    """Stock value today (list prices): BOLT-M8 1000*0.14 + NUT-M10 500*0.06 + WIDGET 10
    + GADGET 0 + OLD-ITEM 50*2 = 140 + 30 + 10 + 100 = 280.00. Ship 500 BOLT-M8 (70.00) on
    10 June and receive 100 WIDGET (100.00) on 20 June: on 1 June stock was 280.00, on
    1 July 310.00; turnover in June = 70 / 295 = 0.24."""
    t0 = at("2026-06-10")
    number = place(sessions, world, [("BOLT-M8", 500)], at=t0)
    warehouse = world.actors["warehouse"]
    with unit_of_work(sessions) as session:
        fulfilment.pick_order(session, warehouse, number, t0)
        fulfilment.pack_order(session, warehouse, number, t0)
        fulfilment.ship_order(session, warehouse, number, "DPD", "DP1", t0)
        stock.receive_stock(session, warehouse, "WIDGET", 100, at("2026-06-20"))
    with unit_of_work(sessions) as session:
        turnover = kpis.inventory_turnover(session, at("2026-06-01", 0), at("2026-07-01", 0))
    assert turnover == D("0.24")
