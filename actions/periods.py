"""Reporting periods in people's words: "march", "q3", "last quarter", "this year", "ytd",
"last week", "november 2025", "2025", "the last 30 days", "yesterday".

A period is a first and a last day (inclusive), never later than today: "this month" is the
month so far. A month or quarter named without a year is the latest one that has begun
("march" said in December is this year's March; "december" said in March is last year's).
Weeks run Monday to Sunday. Periods are a small closed grammar, so this is a handful of
patterns; single days ("yesterday", "on the 3rd") are read by dateparser (actions/dates.py).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {name.lower(): index for index, name in enumerate(calendar.month_name) if name}
MONTHS |= {
    abbr.lower(): index for index, abbr in enumerate(calendar.month_abbr) if abbr and abbr != "May"
}
MONTHS["sept"] = 9
_MONTH = "|".join(sorted((m for m in MONTHS if m != "may"), key=len, reverse=True))
_YEAR = r"(20\d\d)"
_ORDINAL_QUARTER = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
}

THIS_OR_LAST = re.compile(
    r"\b(this|current|last|previous|past|prior)\s+(week|month|quarter|year)\b", re.I
)
TO_DATE = re.compile(
    r"\b(ytd|year to date|so far this year|mtd|month to date|qtd|quarter to date)\b", re.I
)
LAST_N = re.compile(r"\b(?:last|past|previous)\s+(\d{1,3})\s+(days?|weeks?|months?)\b", re.I)
QUARTER = re.compile(
    rf"\b(?:q([1-4])|({'|'.join(_ORDINAL_QUARTER)})\s+quarter)(?:\s+(?:of\s+)?{_YEAR})?\b", re.I
)
# "may" only with a year or after "in/for/of/during": "may i see" is not a month
MONTH = re.compile(
    rf"\b(?:({_MONTH})|(?<=in |of |or )(may)|(may)(?=\s+20\d\d))\b(?:\s+{_YEAR})?", re.I
)
YEAR = re.compile(rf"\b(?:in |for |of |during )?{_YEAR}\b")
DAY = re.compile(r"\b(today|yesterday)\b", re.I)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive, never after today
    label: str  # how the reply names it: "March 2026", "Q3 2026", "last week"


def _clip(start: date, end: date, today: date, label: str) -> Period:
    return Period(start, min(end, today), label)


def _month(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _quarter(year: int, quarter: int) -> tuple[date, date]:
    first = date(year, 3 * quarter - 2, 1)
    return first, _month(year, 3 * quarter)[1]


# What follows "vs", "compared with", "against" is what the period is compared with, and
# every sales figure is compared with the period before and last year anyway: "how are we
# doing vs last year" asks about this year.
COMPARED_WITH = re.compile(r"\b(?:vs\.?|versus|compared (?:to|with)|against)\b.*$", re.I)


# "october last year", "q3 of last year", "march this year": the month or quarter of that year
OF_YEAR = re.compile(
    rf"\b({_MONTH}|q[1-4]|(?:{'|'.join(_ORDINAL_QUARTER)})\s+quarter)\s+(?:of\s+)?(last|this)\s+year\b",
    re.I,
)


def period_in(text: str, today: date) -> Period | None:
    """The reporting period a message names, or None when it names none."""
    text = COMPARED_WITH.sub("", text)
    text = OF_YEAR.sub(
        lambda m: f"{m.group(1)} {today.year - (m.group(2).lower() == 'last')}", text
    )
    if found := TO_DATE.search(text):
        word = found.group(1).lower()
        if word in ("mtd", "month to date"):
            return Period(today.replace(day=1), today, f"{today:%B} so far")
        if word in ("qtd", "quarter to date"):
            start, _ = _quarter(today.year, (today.month - 1) // 3 + 1)
            return Period(start, today, "this quarter so far")
        return Period(date(today.year, 1, 1), today, f"{today.year} so far")
    if found := LAST_N.search(text):
        count, unit = int(found.group(1)), found.group(2).lower()
        days = count * {"d": 1, "w": 7, "m": 30}[unit[0]]
        return Period(today - timedelta(days=days - 1), today, f"the last {count} {unit}")
    if found := THIS_OR_LAST.search(text):
        return _relative(found.group(1).lower(), found.group(2).lower(), today)
    if found := QUARTER.search(text):
        quarter = int(found.group(1) or _ORDINAL_QUARTER[found.group(2).lower()])
        year = int(found.group(3)) if found.group(3) else today.year
        if not found.group(3) and _quarter(year, quarter)[0] > today:
            year -= 1
        start, end = _quarter(year, quarter)
        return _clip(start, end, today, f"Q{quarter} {year}")
    if found := MONTH.search(text):
        month = MONTHS[(found.group(1) or found.group(2) or found.group(3)).lower()]
        year = int(found.group(4)) if found.group(4) else today.year
        if not found.group(4) and date(year, month, 1) > today:
            year -= 1
        start, end = _month(year, month)
        return _clip(start, end, today, f"{calendar.month_name[month]} {year}")
    if found := YEAR.search(text):
        year = int(found.group(1))
        if year <= today.year:
            return _clip(date(year, 1, 1), date(year, 12, 31), today, str(year))
    if found := DAY.search(text):
        day = today if found.group(1).lower() == "today" else today - timedelta(days=1)
        return Period(day, day, found.group(1).lower())
    return None


def _relative(which: str, unit: str, today: date) -> Period:
    back = which in ("last", "previous", "past", "prior")
    label = f"{'last' if back else 'this'} {unit}"
    if unit == "week":
        monday = today - timedelta(days=today.weekday()) - timedelta(days=7 * back)
        return _clip(monday, monday + timedelta(days=6), today, label)
    if unit == "month":
        year, month = today.year, today.month
        if back:
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        start, end = _month(year, month)
        return _clip(start, end, today, f"{calendar.month_name[month]} {year}")
    if unit == "quarter":
        quarter, year = (today.month - 1) // 3 + 1, today.year
        if back:
            quarter, year = (4, year - 1) if quarter == 1 else (quarter - 1, year)
        start, end = _quarter(year, quarter)
        return _clip(start, end, today, f"Q{quarter} {year}")
    year = today.year - back
    return _clip(date(year, 1, 1), date(year, 12, 31), today, str(year))
