"""Invoices and statements as CSV files a spreadsheet opens directly."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from fastapi.responses import Response

from erp_backend.api.schemas import InvoiceDetailOut, StatementOut

Row = Sequence[object]
# for a route's `responses=`: what its 200 is
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "A CSV file."}
}


def csv_response(filename: str, rows: Iterable[Row]) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    # The BOM makes Excel read UTF-8 (customer names) correctly.
    return Response(
        content="\ufeff" + buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _cell(value: object) -> object:
    # A cell starting with = + - @ would run as a formula in a spreadsheet: quote it away.
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + value
    return "" if value is None else value


def invoice_rows(invoice: InvoiceDetailOut) -> list[Row]:
    rows: list[Row] = [
        ("Invoice", invoice.number),
        ("Customer", f"{invoice.customer_code} {invoice.customer_name}"),
        ("Order", invoice.order_number),
        ("Issued", invoice.issued_on.isoformat()),
        ("Due", invoice.due_on.isoformat()),
        ("Status", invoice.status),
        ("Currency", invoice.currency),
        (),
        (
            "SKU",
            "Description",
            "Quantity",
            f"Unit price ({invoice.currency})",
            "Discount %",
            f"Line total ({invoice.currency})",
        ),
    ]
    rows += [
        (line.sku, line.name, line.quantity, line.unit_price, line.discount_pct, line.line_total)
        for line in invoice.lines
    ]
    rows += [
        (),
        ("", "", "", "", "Total", invoice.total),
        ("", "", "", "", "Paid", invoice.paid),
        ("", "", "", "", "Credited", invoice.credited),
        ("", "", "", "", "Balance", invoice.balance),
    ]
    return rows


def statement_rows(statement: StatementOut) -> list[Row]:
    period = f"{statement.start.isoformat() if statement.start else 'start'} to {statement.end}"
    rows: list[Row] = [
        ("Statement", f"{statement.customer_code} {statement.customer_name}"),
        ("Period", period),
        ("Currency", statement.currency),
        (),
        (
            "Date",
            "Type",
            "Reference",
            "Description",
            f"Debit ({statement.currency})",
            f"Credit ({statement.currency})",
            f"Balance ({statement.currency})",
        ),
        ("", "", "", "Opening balance", "", "", statement.opening_balance),
    ]
    rows += [
        (e.date.isoformat(), e.kind, e.reference, e.description, e.debit, e.credit, e.balance)
        for e in statement.entries
    ]
    rows.append(("", "", "", "Closing balance", "", "", statement.closing_balance))
    return rows
