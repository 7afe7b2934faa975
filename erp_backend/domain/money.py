"""Money is Decimal with two places, rounded half-up as invoices are."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

# The business's currency (ISO 4217): set once at start-up from ERP_CURRENCY (the demo
# business is in the UK). Prices, orders, invoices and payments store it; every amount the
# API returns says it.
DEFAULT_CURRENCY = "GBP"
_business_currency = [DEFAULT_CURRENCY]

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


def set_business_currency(code: str) -> None:
    _business_currency[0] = valid_currency(code)


def business_currency() -> str:
    return _business_currency[0]


def valid_currency(code: str) -> str:
    """An ISO 4217 code Babel knows ("GBP", "eur"), upper case; ValueError otherwise."""
    from babel.numbers import get_currency_name

    upper = code.strip().upper()
    if len(upper) != 3 or get_currency_name(upper, locale="en") == upper:
        raise ValueError(f"{code!r} is not an ISO 4217 currency code")
    return upper


def format_money(amount: Decimal, currency: str | None = None, locale: str = "en_GB") -> str:
    """ "£1,234.50": how the ERP's own files and charts write an amount (Babel)."""
    from babel.numbers import format_currency

    return str(format_currency(amount, currency or business_currency(), locale=locale))


def currency_symbol(currency: str | None = None, locale: str = "en_GB") -> str:
    from babel.numbers import get_currency_symbol

    return str(get_currency_symbol(currency or business_currency(), locale=locale))
