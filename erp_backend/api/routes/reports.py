from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated, Literal, TypeVar

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import WithJsonSchema
from sqlalchemy.orm import Session

from erp_backend.api import charts
from erp_backend.api.context import Ctx
from erp_backend.api.schemas import (
    AbcClassSummaryOut,
    AbcItemOut,
    AbcOut,
    Day,
    KpisOut,
    LowStockOut,
    MonthlySalesOut,
    MonthOfSalesOut,
    OrderVolumeOut,
    Page,
    PeriodSalesOut,
    PositivePct,
    SpreadOut,
)
from erp_backend.domain.errors import DomainError, ErrorCode
from erp_backend.domain.principals import Actor
from erp_backend.domain.reports import AbcClass, AbcThresholds, Spread, share_pct
from erp_backend.services import kpis, period_reports, reports

router = APIRouter(tags=["reports"])
T = TypeVar("T")
Year = Annotated[int | None, Query(ge=2000, le=2100, description="default: this year")]
# A report's period, and the one it is compared with, stay within these (a year before
# 1901 has no year before it to compare with); the pattern says so in the schema.
EARLIEST, LATEST = date(1901, 1, 1), date(2999, 12, 31)
ReportDay = Annotated[
    Day,
    WithJsonSchema(
        {
            "type": "string",
            "format": "date",
            "pattern": r"^(190[1-9]|19[1-9][0-9]|2[0-9]{3})-[0-9]{2}-[0-9]{2}$",
            "description": f"{EARLIEST} to {LATEST}",
        }
    ),
]
From = Annotated[ReportDay | None, Query(alias="from")]
To = Annotated[ReportDay | None, Query(alias="to", description="inclusive; default: today")]
Threshold = Annotated[PositivePct, Query()]
ChartLanguage = Annotated[
    charts.Language,
    Query(
        description="the language of the chart's words: `en` English, `zh` Simplified Chinese "
        '("2026年月度销售额", "1月" … "12月", amounts in 万)'
    ),
]


def _monthly(ctx: Ctx, year: int | None) -> reports.MonthlySales:
    today = ctx.clock().date()
    return ctx.read(lambda s, actor: reports.monthly_sales(s, actor, year or today.year, today))


@router.get("/reports/monthly-sales", response_model=MonthlySalesOut)
def get_monthly_sales(ctx: Ctx, year: Year = None) -> MonthlySalesOut:
    """Booked orders per month: count, net revenue, growth % against the month before and
    the same month last year (null where there is no base). Months to come are left out."""
    found = _monthly(ctx, year)
    return MonthlySalesOut(
        year=found.year,
        months=[
            MonthOfSalesOut(label=f"{found.year}-{m.month:02d}", **vars(m)) for m in found.months
        ],
        orders=found.orders,
        revenue=found.revenue,
        through=found.through,
        data_since=found.data_since,
        last_year_same_period_revenue=found.last_year_same_period_revenue,
        growth_vs_last_year_pct=found.growth_vs_last_year_pct,
    )


@router.get(
    "/reports/monthly-sales.png",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}},
)
def get_monthly_sales_chart(
    ctx: Ctx, year: Year = None, language: ChartLanguage = "en"
) -> Response:
    """The same report as a bar chart against last year, for the chat; its words (title,
    months, amounts, legend) in English or Simplified Chinese."""
    png = charts.monthly_sales_png(_monthly(ctx, year), language)
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=60"})


def _period(ctx: Ctx, start: date | None, end: date | None, default_days: int) -> tuple[date, date]:
    last = end or ctx.clock().date()
    if last < EARLIEST or last > LATEST or (start is not None and start < EARLIEST):
        raise DomainError(
            ErrorCode.VALIDATION_ERROR,
            f"Periods run between {EARLIEST} and {LATEST}.",
            start=start.isoformat() if start else None,
            end=last.isoformat(),
        )
    # the default start never falls before EARLIEST: the period is then shorter
    first = start or max(EARLIEST, last - timedelta(days=default_days - 1))
    if first > last:
        raise DomainError(
            ErrorCode.VALIDATION_ERROR,
            "The period starts after it ends.",
            start=first.isoformat(),
            end=last.isoformat(),
        )
    return first, last


def _read_period(
    ctx: Ctx,
    start: date | None,
    end: date | None,
    default_days: int,
    report: Callable[[Session, Actor, date, date], T],
) -> T:
    """The report of the period, judged after authentication: a caller without a key is told
    401, not what is wrong with the period it asked for."""
    return ctx.read(lambda s, actor: report(s, actor, *_period(ctx, start, end, default_days)))


@router.get("/reports/sales", response_model=PeriodSalesOut)
def get_sales(ctx: Ctx, start: From = None, end: To = None) -> PeriodSalesOut:
    """Booked orders and revenue of any period (default: the last 30 days), with growth
    against the period before (for a period from the 1st of a month, the same days as many
    months earlier: March against February, Q3 against Q2; else the same number of days
    just before) and the same dates a year earlier (null where the data does not cover the
    base)."""
    found = _read_period(ctx, start, end, 30, period_reports.sales_in_period)
    return PeriodSalesOut(**vars(found))


@router.get("/reports/order-volume", response_model=OrderVolumeOut)
def get_order_volume(ctx: Ctx, start: From = None, end: To = None) -> OrderVolumeOut:
    """How many orders were received (submitted), shipped and delivered in the period
    (default: the last 7 days)."""
    found = _read_period(ctx, start, end, 7, period_reports.order_volume)
    return OrderVolumeOut(**vars(found))


@router.get("/reports/abc", response_model=AbcOut)
def get_abc(
    ctx: Ctx,
    by: Literal["product", "customer"] = "product",
    start: From = None,
    end: To = None,
    a_pct: Threshold = Decimal(80),
    b_pct: Threshold = Decimal(95),
) -> AbcOut:
    """Products or customers ranked by booked revenue in the period (default: the last 365
    days) and classed A (the first `a_pct` % of revenue), B (up to `b_pct` %), C (the rest)."""
    found = _read_period(
        ctx,
        start,
        end,
        365,
        lambda s, actor, first, last: reports.abc_analysis(
            s, actor, by, first, last, AbcThresholds(a_pct, b_pct)
        ),
    )
    classes = []
    for abc_class in AbcClass:
        members = [e.item for e in found.entries if e.item.abc_class is abc_class]
        revenue = sum((item.revenue for item in members), start=Decimal(0))
        classes.append(
            AbcClassSummaryOut(
                abc_class=abc_class.value,
                count=len(members),
                revenue=revenue,
                share_pct=share_pct(revenue, found.total_revenue),
            )
        )
    return AbcOut(
        by=found.by,
        start=found.start,
        end=found.end,
        a_pct=a_pct,
        b_pct=b_pct,
        total_revenue=found.total_revenue,
        classes=classes,
        items=[
            AbcItemOut(
                key=e.item.key,
                name=e.name,
                revenue=e.item.revenue,
                share_pct=e.item.share_pct,
                cumulative_pct=e.item.cumulative_pct,
                abc_class=e.item.abc_class.value,
            )
            for e in found.entries
        ],
    )


def _spread(value: Spread) -> SpreadOut:
    return SpreadOut(**vars(value))


@router.get("/reports/kpis", response_model=KpisOut)
def get_kpis(ctx: Ctx, start: From = None, end: To = None) -> KpisOut:
    """Order cycle times (median, p90), share held for approval and approval time, fill
    rate, inventory turnover and on-time delivery, for orders dated in the period (default:
    the last 90 days)."""
    found = _read_period(ctx, start, end, 90, kpis.kpis)
    return KpisOut(
        start=found.start,
        end=found.end,
        orders=found.orders,
        submitted=found.submitted,
        cycle_time={
            "created_to_confirmed": _spread(found.created_to_confirmed),
            "confirmed_to_shipped": _spread(found.confirmed_to_shipped),
            "created_to_shipped": _spread(found.created_to_shipped),
        },
        held_for_approval=found.held_for_approval,
        held_for_approval_pct=found.held_for_approval_pct,
        approval_time=_spread(found.approval_time),
        fill_rate_pct=found.fill_rate_pct,
        reserved=found.reserved,
        on_time_delivery_pct=found.on_time_delivery_pct,
        delivered_with_date=found.delivered_with_date,
        inventory_turnover=found.inventory_turnover,
    )


@router.get("/reports/low-stock", response_model=Page[LowStockOut])
def get_low_stock(ctx: Ctx) -> Page[LowStockOut]:
    """What is running low: active products whose available stock is under their reorder
    point, with what is already on order; staff who see stock (not customers)."""
    found = ctx.read(reports.low_stock)
    return Page(items=[LowStockOut(**vars(item)) for item in found], next_cursor=None)
