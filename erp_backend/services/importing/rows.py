"""What each kind of file holds, and the checks one row must pass before any database work.

Plain Python: the columns of each kind with the reader of their cells, rules across the cells
of one row (an invoice is not due before it is issued), and duplicates within the file. Checks
against the database (unknown customers, codes already there) are in `writing`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from erp_backend.services.importing import cells
from erp_backend.services.importing.reading import Problem, Row, Table

# (stage, rows just finished): how the caller hears about progress on large files.
Progress = Callable[[str, int], None]
PROGRESS_STEP = 1000

# A rule over one row's read values: None, or (column, reason).
RowRule = Callable[[dict[str, Any], date], tuple[str, str] | None]


@dataclass(frozen=True)
class Column:
    name: str
    read: cells.CellReader
    required: bool = True  # in the header, and never an empty cell


@dataclass(frozen=True)
class Kind:
    name: str  # as typed on the command line
    key: str  # the column that names the record (code, sku, number)
    columns: tuple[Column, ...]
    rules: tuple[RowRule, ...] = ()

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    @property
    def optional(self) -> list[str]:
        return [c.name for c in self.columns if not c.required]


@dataclass(frozen=True)
class Record:
    """One row, read. A row with problems is kept too (`ok` false, the cells that could be
    read in `values`), so the database checks can still report e.g. its unknown customer:
    whoever fixes the file should learn everything about a row at once."""

    line: int
    key: str | None  # None when the key cell itself is bad
    # Read values of the filled cells only: an empty optional cell is "not given", so an
    # update leaves that field as it is and a new record gets the default.
    values: dict[str, Any]
    ok: bool = True


def _due_after_issue(values: dict[str, Any], today: date) -> tuple[str, str] | None:
    if values["due_on"] < values["issued_on"]:
        return "due_on", f"{values['due_on']} is before issued_on {values['issued_on']}"
    return None


def _issued_in_the_past(values: dict[str, Any], today: date) -> tuple[str, str] | None:
    if values["issued_on"] > today:
        return "issued_on", f"{values['issued_on']} is in the future"
    return None


def _still_open(values: dict[str, Any], today: date) -> tuple[str, str] | None:
    # A paid invoice is history, not a receivable: it would only clutter statements.
    paid = values.get("paid", 0)
    if paid > values["total"]:
        return "paid", f"{paid} is more than the total {values['total']}"
    if paid == values["total"]:
        return "paid", f"{paid} pays the invoice in full; only open invoices are imported"
    return None


CUSTOMER_CODE = cells.code(32, "._-")
SKU = cells.code(40, "._/-")

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "customers",
            "code",
            (
                Column("code", CUSTOMER_CODE),
                Column("name", cells.text(200)),
                Column("credit_limit", cells.amount),
                Column("payment_terms_days", cells.payment_terms),
                Column("active", cells.boolean, required=False),
                Column("shipping_address", cells.text(500), required=False),
                Column("email", cells.text(200), required=False),
                Column("name_zh", cells.text(200), required=False),
            ),
        ),
        Kind(
            "products",
            "sku",
            (
                Column("sku", SKU),
                Column("name", cells.text(200)),
                Column("unit_price", cells.amount),
                Column("unit", cells.text(16), required=False),
                Column("reorder_point", cells.count, required=False),
                Column("reorder_qty", cells.count, required=False),
                Column("active", cells.boolean, required=False),
                Column("search_terms", cells.text(500), required=False),
                Column("name_zh", cells.text(200), required=False),
            ),
        ),
        Kind("stock", "sku", (Column("sku", SKU), Column("on_hand", cells.count))),
        Kind(
            "invoices",
            "number",
            (
                Column("number", cells.code(20, "._/-")),
                Column("customer_code", CUSTOMER_CODE),
                Column("issued_on", cells.iso_date),
                Column("due_on", cells.iso_date),
                Column("total", cells.positive_amount),
                Column("paid", cells.amount, required=False),
            ),
            rules=(_due_after_issue, _issued_in_the_past, _still_open),
        ),
    )
}


def check_rows(
    kind: Kind, table: Table, today: date, progress: Progress | None = None
) -> tuple[list[Record], list[Problem]]:
    """Every row read and checked; every problem reported, not only the first. The rows
    with too many or too few cells are not among the records (their cells mean nothing)."""
    records: list[Record] = []
    problems: list[Problem] = list(table.problems)
    first_line: dict[str, int] = {}
    for done, row in enumerate(table.rows, start=1):
        values, row_problems = read_row(kind, row, today)
        key = values.get(kind.key)
        if key is not None:
            if key in first_line:
                row_problems.append(
                    Problem(row.line, kind.key, f"{key} already appears on line {first_line[key]}")
                )
            else:
                first_line[key] = row.line
        problems.extend(row_problems)
        records.append(Record(row.line, key, values, ok=not row_problems))
        if progress is not None and done % PROGRESS_STEP == 0:
            progress("checking", PROGRESS_STEP)
    if progress is not None:
        progress("checking", len(table.rows) % PROGRESS_STEP)
    return records, sorted(problems)


def read_row(kind: Kind, row: Row, today: date) -> tuple[dict[str, Any], list[Problem]]:
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for column in kind.columns:
        text = row.cells.get(column.name, "")
        if not text:
            if column.required:
                problems.append(Problem(row.line, column.name, "is empty; a value is required"))
            continue
        try:
            values[column.name] = column.read(text)
        except cells.BadCell as bad:
            problems.append(Problem(row.line, column.name, bad.reason))
    if not problems:
        problems.extend(_broken_rules(kind.rules, values, today, row.line))
    return values, problems


def _broken_rules(
    rules: Iterable[RowRule], values: dict[str, Any], today: date, line: int
) -> list[Problem]:
    broken = (rule(values, today) for rule in rules)
    return [Problem(line, column, reason) for column, reason in (b for b in broken if b)]
