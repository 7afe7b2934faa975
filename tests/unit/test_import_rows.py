"""Reading import files and their cells: plain Python, no database."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from erp_backend.services.importing import cells
from erp_backend.services.importing.progress import ProgressBars
from erp_backend.services.importing.reading import UnreadableFile, read_table
from erp_backend.services.importing.rows import KINDS, check_rows

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0", Decimal("0.00")),
        ("12.5", Decimal("12.50")),
        ("9999999999.99", Decimal("9999999999.99")),
    ],
)
def test_amounts_read_exactly(text: str, value: Decimal) -> None:
    assert cells.amount(text) == value


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("12,50", '"12,50" is not an amount'),
        ("1,234.00", '"1,234.00" is not an amount'),
        ("€5", '"€5" is not an amount'),
        ("-5", '"-5" is negative'),
        ("1.005", '"1.005" has more than 2 decimal places'),
        ("10000000000", '"10000000000" is larger than the largest amount'),
        ("NaN", '"NaN" is not an amount'),
    ],
)
def test_amounts_that_are_not_are_refused_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(cells.BadCell) as refused:
        cells.amount(text)
    assert refused.value.reason.startswith(reason)


@pytest.mark.parametrize(
    ("reader", "text", "reason"),
    [
        (cells.count, "3.5", '"3.5" is not a whole number'),
        (cells.count, "-2", '"-2" is negative'),
        (cells.count, "99999999999", '"99999999999" is too large'),
        (cells.payment_terms, "400", '"400" days is more than a year'),
        (cells.boolean, "maybe", '"maybe" is not yes or no'),
        (cells.iso_date, "25/11/2026", '"25/11/2026" is not a date in the form YYYY-MM-DD'),
        (cells.iso_date, "20261125", '"20261125" is not a date in the form YYYY-MM-DD'),
        (cells.iso_date, "2026-02-30", '"2026-02-30" is not a date in the calendar'),
        (cells.positive_amount, "0.00", '"0.00" is zero'),
        (cells.code(32, "._-"), "CUST 1", '"CUST 1" is not a valid code'),
        (cells.code(5, "-"), "ABCDEF", '"ABCDEF" is not a valid code'),
        (cells.text(5), "toolong", "is 7 characters long (at most 5)"),
    ],
)
def test_bad_cells_say_why(reader: cells.CellReader, text: str, reason: str) -> None:
    with pytest.raises(cells.BadCell) as refused:
        reader(text)
    assert refused.value.reason.startswith(reason)


@pytest.mark.parametrize(("text", "value"), [("Yes", True), ("1", True), ("FALSE", False)])
def test_booleans(text: str, value: bool) -> None:
    assert cells.boolean(text) is value


def check(kind: str, text: str) -> tuple[list[Any], list[str]]:
    spec = KINDS[kind]
    table = read_table(text.encode(), spec.required, spec.optional)
    records, problems = check_rows(spec, table, TODAY)
    return records, [str(p) for p in problems]


def test_line_numbers_count_physical_lines_even_inside_quotes() -> None:
    records, problems = check(
        "customers",
        "code,name,credit_limit,payment_terms_days,shipping_address\n"
        'C-1,One,1,1,"Dock Road\nHull"\n'
        "\n"
        "C-2,Two,x,1,\n",
    )
    assert problems == [
        'line 5, column credit_limit: "x" is not an amount (write it like '
        "1234.50: a point for decimals, no thousands separators or currency)"
    ]
    assert [(r.line, r.ok) for r in records] == [(2, True), (5, False)]
    assert records[0].values["shipping_address"] == "Dock Road\nHull"


def test_empty_optional_cells_are_not_given_and_rows_of_empty_cells_are_skipped() -> None:
    records, problems = check("products", "sku,name,unit_price,unit\nA,Ant,1,\n,,,\n")
    assert problems == []
    assert records[0].values == {"sku": "A", "name": "Ant", "unit_price": Decimal("1.00")}


def test_a_repeated_key_names_its_first_line_every_time() -> None:
    _, problems = check("stock", "sku,on_hand\nA,1\nB,2\na,3\nA,4\n")
    assert problems == [
        "line 4, column sku: A already appears on line 2",
        "line 5, column sku: A already appears on line 2",
    ]


def test_invoice_rules_across_cells() -> None:
    _, problems = check(
        "invoices",
        "number,customer_code,issued_on,due_on,total,paid\n"
        "I-1,C,2026-11-01,2026-10-01,10,\n"
        "I-2,C,2026-12-01,2026-12-31,10,\n"
        "I-3,C,2026-11-01,2026-12-01,10,11\n",
    )
    assert problems == [
        "line 2, column due_on: 2026-10-01 is before issued_on 2026-11-01",
        "line 3, column issued_on: 2026-12-01 is in the future",
        "line 4, column paid: 11.00 is more than the total 10.00",
    ]


def test_header_problems_are_all_named_at_once() -> None:
    with pytest.raises(UnreadableFile) as refused:
        read_table(b"SKU,sku,Colour\n", ["sku", "on_hand"], [])
    assert [str(p) for p in refused.value.problems] == [
        "line 1: missing column(s) on_hand; expected header sku,on_hand",
        "line 1: column(s) sku appear more than once",
    ]


def test_utf16_is_refused_with_the_fix() -> None:
    with pytest.raises(UnreadableFile) as refused:
        read_table("sku,on_hand\n".encode("utf-16"), ["sku", "on_hand"], [])
    assert "UTF-16" in str(refused.value)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("stream", "lines", "shown"),
    [(Terminal(), 5_000, True), (Terminal(), 4_999, False), (io.StringIO(), 100_000, False)],
)
def test_the_progress_bar_shows_on_a_terminal_for_large_files_only(
    stream: io.StringIO, lines: int, shown: bool
) -> None:
    with ProgressBars(lines, stream) as bars:
        bars("checking", 1000)
        bars("writing", 1000)
    assert ("writing:" in stream.getvalue()) is shown
