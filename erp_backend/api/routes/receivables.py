from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from erp_backend.api import downloads
from erp_backend.api.context import Ctx
from erp_backend.api.schemas import (
    NO_NUL,
    AgingOut,
    AgingRowOut,
    AgingTotalsOut,
    Day,
    StatementEntryOut,
    StatementOut,
)
from erp_backend.services import receivables

router = APIRouter(tags=["receivables"])
CodePath = Annotated[str, Path(max_length=32, pattern=NO_NUL)]


@router.get("/receivables/aging", response_model=AgingOut)
def get_aging(
    ctx: Ctx,
    as_of: Annotated[Day | None, Query()] = None,
    more_than_days_overdue: Annotated[
        int | None, Query(ge=0, le=36_500, description="only customers this late on something")
    ] = None,
) -> AgingOut:
    """Open balances by customer and days past due: current, 1-30, 31-60, 61-90, over 90."""
    day = as_of or ctx.clock().date()
    result = ctx.read(
        lambda s, actor: receivables.aging(
            s, actor, day, more_than_days_overdue=more_than_days_overdue
        )
    )
    return AgingOut(
        as_of=result.as_of,
        customers=[
            AgingRowOut(
                customer_code=row.customer_code,
                customer_name=row.customer_name,
                customer_name_zh=row.customer_name_zh,
                **{bucket.value: amount for bucket, amount in row.buckets.items()},
                total=row.total,
                oldest_days_overdue=row.oldest_days_overdue,
            )
            for row in result.rows
        ],
        totals=AgingTotalsOut(
            **{bucket.value: amount for bucket, amount in result.totals.items()},
            total=result.total,
        ),
    )


def _statement(ctx: Ctx, code: str, start: date | None, end: date | None) -> StatementOut:
    last = end or ctx.clock().date()
    found = ctx.read(lambda s, actor: receivables.statement(s, actor, code.upper(), start, last))
    return StatementOut(
        customer_code=found.customer_code,
        customer_name=found.customer_name,
        customer_name_zh=found.customer_name_zh,
        start=found.start,
        end=found.end,
        opening_balance=found.opening_balance,
        entries=[
            StatementEntryOut(
                date=e.on,
                kind=e.kind,
                reference=e.reference,
                description=e.description,
                debit=e.debit,
                credit=e.credit,
                balance=e.balance,
            )
            for e in found.entries
        ],
        closing_balance=found.closing_balance,
    )


@router.get("/customers/{code}/statement", response_model=StatementOut)
def get_statement(
    ctx: Ctx,
    code: CodePath,
    start: Annotated[Day | None, Query(alias="from")] = None,
    end: Annotated[Day | None, Query(alias="to")] = None,
) -> StatementOut:
    """Invoices, payments and credit notes with a running balance (from/to inclusive)."""
    return _statement(ctx, code, start, end)


@router.get(
    "/customers/{code}/statement.csv",
    response_class=Response,
    responses=downloads.CSV_RESPONSE,
)
def download_statement(
    ctx: Ctx,
    code: CodePath,
    start: Annotated[Day | None, Query(alias="from")] = None,
    end: Annotated[Day | None, Query(alias="to")] = None,
) -> Response:
    found = _statement(ctx, code, start, end)
    name = f"statement-{found.customer_code}-{found.end.isoformat()}.csv"
    return downloads.csv_response(name, downloads.statement_rows(found))
