"""Money and dates as every reply writes them, in one place (Babel): "£1,234.50", "Fri 5 Dec".

Amounts come from the ERP as strings with the record's currency (ISO 4217) beside them; a
reply never shows a bare number for money. Dates are short and relative to today: the year
only when it is not this year. The locale is the language of the action running now
(actions/i18n.py): "£1,234.50" and "Fri 5 Dec" in English, "£1,234.50" and "12月5日 周五" in
Chinese (¥ for CNY)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from babel.dates import format_date
from babel.numbers import format_currency

from actions.i18n import current, locale

DEFAULT_CURRENCY = "GBP"  # the ERP's default, for a record that does not say


def money(amount: str | Decimal | int | float, currency: str | None = None) -> str:
    """ "£1,234.50" — an amount in its currency."""
    return format_currency(Decimal(str(amount)), currency or DEFAULT_CURRENCY, locale=locale())


def money_of(record: dict[str, Any], field: str = "total") -> str:
    """The amount `field` of an ERP record in the record's own currency."""
    return money(record[field], record.get("currency"))


def day(value: date | str, today: date | None = None) -> str:
    """ "Fri 5 Dec" this year, "Fri 5 Dec 2027" in another."""
    when = date.fromisoformat(value) if isinstance(value, str) else value
    this_year = when.year == (today or date.today()).year
    if current() == "zh":
        pattern = "M月d日 EEE" if this_year else "y年M月d日 EEE"
    else:
        pattern = "EEE d MMM" if this_year else "EEE d MMM y"
    return format_date(when, pattern, locale=locale())
