"""Reading one CSV cell as the value a column holds, or saying plainly why it cannot be.

Each reader takes the cell's text (already stripped) and returns the value or raises
`BadCell` with a reason a person can act on. Nothing is guessed: "12,50" could be twelve and
a half or twelve hundred and fifty, so it is refused rather than read either way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from erp_backend.domain.money import MAX_AMOUNT

# The largest INTEGER column value on PostgreSQL.
MAX_COUNT = 2_147_483_647
_AMOUNT = re.compile(r"\d+(\.\d+)?")
_WHOLE = re.compile(r"\d+")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TRUE = frozenset({"true", "yes", "y", "1"})
_FALSE = frozenset({"false", "no", "n", "0"})

CellReader = Callable[[str], Any]


class BadCell(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def quoted(text: str) -> str:
    return '"' + (text if len(text) <= 40 else text[:37] + "...") + '"'


def amount(text: str) -> Decimal:
    """Money: digits with a point and at most two decimals, never negative."""
    if text.startswith("-") and _AMOUNT.fullmatch(text[1:]):
        raise BadCell(f"{quoted(text)} is negative; amounts must be 0 or more")
    if not _AMOUNT.fullmatch(text):
        raise BadCell(
            f"{quoted(text)} is not an amount (write it like 1234.50: a point for decimals, "
            "no thousands separators or currency)"
        )
    value = Decimal(text)
    if value != value.quantize(Decimal("0.01")):
        raise BadCell(f"{quoted(text)} has more than 2 decimal places")
    if value > MAX_AMOUNT:
        raise BadCell(f"{quoted(text)} is larger than the largest amount, {MAX_AMOUNT}")
    return value.quantize(Decimal("0.01"))


def positive_amount(text: str) -> Decimal:
    value = amount(text)
    if value == 0:
        raise BadCell(f"{quoted(text)} is zero; it must be more than 0")
    return value


def count(text: str) -> int:
    """A quantity or a number of days: a whole number, 0 or more."""
    if text.startswith("-") and _WHOLE.fullmatch(text[1:]):
        raise BadCell(f"{quoted(text)} is negative; it must be 0 or more")
    if not _WHOLE.fullmatch(text):
        raise BadCell(f"{quoted(text)} is not a whole number")
    value = int(text)
    if value > MAX_COUNT:
        raise BadCell(f"{quoted(text)} is too large (at most {MAX_COUNT})")
    return value


def payment_terms(text: str) -> int:
    """Days, as the API allows them (0 to 365)."""
    days = count(text)
    if days > 365:
        raise BadCell(f"{quoted(text)} days is more than a year (at most 365)")
    return days


def boolean(text: str) -> bool:
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise BadCell(f"{quoted(text)} is not yes or no (write true/false, yes/no or 1/0)")


def iso_date(text: str) -> date:
    if not _ISO_DATE.fullmatch(text):
        raise BadCell(f"{quoted(text)} is not a date in the form YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadCell(f"{quoted(text)} is not a date in the calendar") from None


def code(max_length: int, allowed: str) -> CellReader:
    """An identifier (customer code, SKU, invoice number), upper-cased as the API does."""
    pattern = re.compile(rf"[A-Za-z0-9][A-Za-z0-9{re.escape(allowed)}]{{0,{max_length - 1}}}")
    characters = "letters, digits and " + " ".join(allowed)

    def read(text: str) -> str:
        if not pattern.fullmatch(text):
            raise BadCell(
                f"{quoted(text)} is not a valid code ({characters}; starting with a letter "
                f"or digit; at most {max_length} characters)"
            )
        return text.upper()

    return read


def text(max_length: int) -> CellReader:
    def read(value: str) -> str:
        if "\x00" in value:
            raise BadCell("contains a NUL character")
        if len(value) > max_length:
            raise BadCell(f"is {len(value)} characters long (at most {max_length})")
        return value

    return read
