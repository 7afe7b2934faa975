"""Money is Decimal with two places, rounded half-up as invoices are."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# The largest amount a Numeric(12, 2) column holds.
MAX_AMOUNT = Decimal("9999999999.99")


def to_money(value: Decimal | int | float | str | None) -> Decimal:
    """Round to cents. Floats only arrive from SQLite aggregates; `str()` keeps them exact."""
    if value is None:
        return ZERO
    if isinstance(value, float):
        value = str(value)
    rounded = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    return ZERO if rounded.is_zero() else rounded  # never "-0.00"


def line_total(quantity: int, unit_price: Decimal, discount_pct: Decimal) -> Decimal:
    """Quantity x price less the line discount, rounded once at the end."""
    gross = Decimal(quantity) * unit_price
    return to_money(gross * (Decimal(100) - discount_pct) / Decimal(100))
