"""Money and dates as every reply writes them, in one place (Babel): "£1,234.50", "Fri 5 Dec".

Amounts come from the ERP as strings with the record's currency (ISO 4217) beside them; a
reply never shows a bare number for money. Dates are short and relative to today: the year
only when it is not this year. The locale is the language of the action running now
(actions/i18n.py): "£1,234.50" and "Fri 5 Dec" in English, "£1,234.50" and "12月5日 周五" in
Chinese (¥ for CNY). Items named in a sentence are joined as the language writes them:
"a, b" / "a、b"."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency

from actions.i18n import N_, _, current, locale

DEFAULT_CURRENCY = "GBP"  # the ERP's default, for a record that does not say


# The ERP's selling units as a reply names them ("pcs" is "个" in Chinese)
UNITS = {
    "pcs": N_("pcs"),
    "box": N_("box"),
    "bag": N_("bag"),
    "pair": N_("pair"),
    "set": N_("set"),
    "m": N_("m"),
    "roll": N_("roll"),
    "cartridge": N_("cartridge"),
    "bottle": N_("bottle"),
    "can": N_("can"),
}


def unit(selling: str | None) -> str:
    """A selling unit in the reply's language ("pcs", "个")."""
    selling = selling or "pcs"
    return _(UNITS[selling]) if selling in UNITS else selling


def name_of(record: dict[str, Any]) -> str:
    """A product's or customer's name in the reply's language: its Chinese name in a
    Chinese reply when it has one, else its name."""
    if current() == "zh" and record.get("name_zh"):
        return str(record["name_zh"])
    return str(record.get("name") or "")


def customer_name_of(record: dict[str, Any]) -> str:
    """The customer an order, invoice, aging row or statement names, in the reply's language
    (`customer_name_zh` in a Chinese reply when the customer has one)."""
    if current() == "zh" and record.get("customer_name_zh"):
        return str(record["customer_name_zh"])
    return str(record.get("customer_name") or "")


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


def long_day(value: date | str) -> str:
    """ "1 March 2026" ("2026年3月1日"): the month in full and the year, as in a span of dates."""
    when = date.fromisoformat(value) if isinstance(value, str) else value
    pattern = "y年M月d日" if current() == "zh" else "d MMMM y"
    return format_date(when, pattern, locale=locale())


def month_name(month: int) -> str:
    """ "March" ("三月"), as the month's figures are headed."""
    return format_date(date(2000, month, 1), "LLLL", locale=locale())


def moment(value: datetime) -> str:
    """ "24 Nov 10:02" ("11月24日 10:02"): a time of an order's timeline, in its own zone."""
    if current() == "zh":
        return format_datetime(value, "M月d日 HH:mm", locale=locale())
    # English abbreviates September "Sep" here, as the timeline always did (en_GB: "Sept")
    return format_datetime(value, "d MMM HH:mm", locale="en")


def listed(items: Iterable[str]) -> str:
    """ "40 x BOLT-M8, 10 x NUT-M10" — items named in a sentence ("、" in Chinese)."""
    return _(", ").join(items)
