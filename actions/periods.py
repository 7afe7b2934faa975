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
from typing import Any

from babel.dates import format_date, format_interval, format_skeleton

from actions.chinese import has_han, plain
from actions.i18n import N_, _, locale
from actions.order_lines import number_value

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


# What a period is called, as data, so the reply names it in the chat's language:
# ("month", 2026, 3) "March 2026" / "2026年3月"; ("quarter", 2026, 3); ("year", 2026);
# ("last", 30, "days"); ("week", "last"|"this"); ("ytd", 2026); ("mtd", 12); ("qtd",);
# ("day", "today"|"yesterday"); ("months", 2026, 1, 3) "Jan to Mar 2026" / "2026年1月至3月"
Name = tuple[Any, ...]


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive, never after today
    name: Name

    @property
    def label(self) -> str:
        """How the reply names it, in the language of the action running now: "March 2026",
        "Q3 2026", "last week" ("2026年3月", "2026年第3季度", "上周")."""
        return label(self.name)


# "the last 30 days" per unit as typed ("day", "weeks", ...)
_LAST = {
    "d": N_("the last {count} days"),
    "w": N_("the last {count} weeks"),
    "m": N_("the last {count} months"),
}


def label(name: Name) -> str:
    kind, *values = name
    if kind == "month":
        return format_skeleton("yMMMM", date(values[0], values[1], 1), locale=locale())
    if kind == "months":
        first, last = date(values[0], values[1], 1), date(values[0], values[2], 1)
        return format_interval(first, last, "yMMM", locale=locale())
    if kind == "quarter":
        return _("Q{quarter} {year}").format(year=values[0], quarter=values[1])
    if kind == "year":
        return format_skeleton("y", date(values[0], 1, 1), locale=locale())
    if kind == "ytd":
        return _("{year} so far").format(year=values[0])
    if kind == "mtd":
        month = format_date(date(2000, values[0], 1), "LLLL", locale=locale())
        return _("{month} so far").format(month=month)
    if kind == "qtd":
        return _("this quarter so far")
    if kind == "last":
        return _(_LAST[values[1][0]]).format(count=values[0])
    if kind == "week":
        return _("last week") if values[0] == "last" else _("this week")
    return _("today") if values[0] == "today" else _("yesterday")


def last_days(count: int, today: date) -> Period:
    """The last `count` days up to today."""
    return Period(today - timedelta(days=count - 1), today, ("last", count, "days"))


def _clip(start: date, end: date, today: date, name: Name) -> Period:
    return Period(start, min(end, today), name)


def _month(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _quarter(year: int, quarter: int) -> tuple[date, date]:
    first = date(year, 3 * quarter - 2, 1)
    return first, _month(year, 3 * quarter)[1]


def _months(year: int | None, first: int, last: int, today: date) -> Period | None:
    """Months `first` to `last` of `year`; without a year the latest such span that has begun
    ("january to march" said in December is this year's, said in February last year's)."""
    if not 1 <= first <= last <= 12:
        return None
    if year is None:
        year = today.year if date(today.year, first, 1) <= today else today.year - 1
    if first == last:
        return _clip(*_month(year, first), today, ("month", year, first))
    end = _month(year, last)[1]
    return _clip(date(year, first, 1), end, today, ("months", year, first, last))


# What follows "vs", "compared with", "against" is what the period is compared with, and
# every sales figure is compared with the period before and last year anyway: "how are we
# doing vs last year" asks about this year.
COMPARED_WITH = re.compile(r"\b(?:vs\.?|versus|compared (?:to|with)|against)\b.*$", re.I)


# "october last year", "q3 of last year", "march this year": the month or quarter of that year
OF_YEAR = re.compile(
    rf"\b({_MONTH}|q[1-4]|(?:{'|'.join(_ORDINAL_QUARTER)})\s+quarter)\s+(?:of\s+)?(last|this)\s+year\b",
    re.I,
)


# "the first three months of the year", "first half of last year", "h2 2025", "jan to march"
_WHICH_YEAR = rf"(?:\s+(?:of\s+)?(?:the\s+)?(?:(this|last)\s+year|year|{_YEAR}))?"
FIRST_MONTHS = re.compile(
    rf"\b(?:the\s+)?(?:first|1st)\s+([a-z]+|\d{{1,2}})\s+months\b{_WHICH_YEAR}", re.I
)
HALF = re.compile(rf"\b(?:(first|1st|second|2nd)\s+half|h([12]))\b{_WHICH_YEAR}", re.I)
MONTH_RANGE = re.compile(
    rf"\b({_MONTH})\s*(?:to|-|\u2013|through|thru|till|until)\s*({_MONTH}|may)\b(?:\s+{_YEAR})?",
    re.I,
)


def _year_said(this_or_last: str | None, number: str | None, today: date) -> int | None:
    if number:
        return int(number)
    if this_or_last:
        return today.year - (this_or_last.lower() == "last")
    return None


def month_span(text: str, today: date) -> Period | None:
    """Several months of one year in English words, or None."""
    if found := FIRST_MONTHS.search(text):
        count = number_value(found.group(1))
        if count is not None:
            year = _year_said(found.group(2), found.group(3), today)
            return _months(year or today.year, 1, count, today)
    if found := HALF.search(text):
        second = (found.group(1) or "").lower() in ("second", "2nd") or found.group(2) == "2"
        year = _year_said(found.group(3), found.group(4), today)
        return _months(year, 7 if second else 1, 12 if second else 6, today)
    if found := MONTH_RANGE.search(text):
        first, last = MONTHS[found.group(1).lower()], MONTHS[found.group(2).lower()]
        return _months(int(found.group(3)) if found.group(3) else None, first, last, today)
    return None


def period_in(text: str, today: date) -> Period | None:
    """The reporting period a message names, or None when it names none."""
    if has_han(text):
        return chinese_period(plain(text), today)
    text = COMPARED_WITH.sub("", text)
    text = OF_YEAR.sub(
        lambda m: f"{m.group(1)} {today.year - (m.group(2).lower() == 'last')}", text
    )
    if found := TO_DATE.search(text):
        word = found.group(1).lower()
        if word in ("mtd", "month to date"):
            return Period(today.replace(day=1), today, ("mtd", today.month))
        if word in ("qtd", "quarter to date"):
            start, _ = _quarter(today.year, (today.month - 1) // 3 + 1)
            return Period(start, today, ("qtd",))
        return Period(date(today.year, 1, 1), today, ("ytd", today.year))
    if found := LAST_N.search(text):
        count, unit = int(found.group(1)), found.group(2).lower()
        days = count * {"d": 1, "w": 7, "m": 30}[unit[0]]
        return Period(today - timedelta(days=days - 1), today, ("last", count, unit))
    if span := month_span(text, today):
        return span
    if found := THIS_OR_LAST.search(text):
        return _relative(found.group(1).lower(), found.group(2).lower(), today)
    if found := QUARTER.search(text):
        quarter = int(found.group(1) or _ORDINAL_QUARTER[found.group(2).lower()])
        year = int(found.group(3)) if found.group(3) else today.year
        if not found.group(3) and _quarter(year, quarter)[0] > today:
            year -= 1
        start, end = _quarter(year, quarter)
        return _clip(start, end, today, ("quarter", year, quarter))
    if found := MONTH.search(text):
        month = MONTHS[(found.group(1) or found.group(2) or found.group(3)).lower()]
        year = int(found.group(4)) if found.group(4) else today.year
        if not found.group(4) and date(year, month, 1) > today:
            year -= 1
        start, end = _month(year, month)
        return _clip(start, end, today, ("month", year, month))
    if found := YEAR.search(text):
        year = int(found.group(1))
        if year <= today.year:
            return _clip(date(year, 1, 1), date(year, 12, 31), today, ("year", year))
    if found := DAY.search(text):
        which = found.group(1).lower()
        day = today if which == "today" else today - timedelta(days=1)
        return Period(day, day, ("day", which))
    return None


# Chinese (numerals already digits: actions/chinese.py). What follows 比/和/与/跟/相比/对比/
# 同比/环比 is what the period is compared with: "这个月比上个月" asks about this month.
ZH_COMPARED_WITH = re.compile(
    r"(?:比|对比|相比|较|vs\.?|VS|(?:和|与|跟)(?=上|去|前|同期|本|这|今)).*$"
)
ZH_TO_DATE = re.compile(
    r"(年初|今年|本年|这一?年)(?:以来|至今|到现在|到目前)|(本月|这个?月)(?:以来|至今|到现在|到目前)"
    r"|(本季度?|这个?季度)(?:以来|至今|到现在|到目前)|(?<![a-z])(ytd|mtd|qtd)(?![a-z])",
    re.I,
)
ZH_LAST_N = re.compile(r"(?<!年)(?:最近|近|过去|前)(\d{1,3})(天|日|周|个?星期|个?礼拜|个?月)")
ZH_RELATIVE = re.compile(
    r"(这|本|当|今|上上|上|去|前)(?:一)?(?:个)?(周|星期|礼拜|月|季度|季|年)(?!底|初|中)"
)
ZH_QUARTER = re.compile(
    r"(?:(20\d\d)年?|(今年|去年))?(?:第([1-4])季度?|(?<![a-z])q([1-4])(?!\d))", re.I
)
ZH_MONTH = re.compile(r"(?:(20\d\d)年|(今年|去年))?(1[0-2]|[1-9])月(?!\d{1,2}[日号])")
_ZH_WHICH_YEAR = r"(?:(20\d\d)年|(今年|去年|本年))?的?"
# "今年前三个月" with its year: without one, "前三个月" is the last three months (ZH_LAST_N)
ZH_FIRST_MONTHS = re.compile(r"(?:(20\d\d)年|(今年|去年|本年))的?前(\d{1,2})个?月")
ZH_HALF = re.compile(_ZH_WHICH_YEAR + r"(上|下)半年")
ZH_MONTH_RANGE = re.compile(
    _ZH_WHICH_YEAR + r"(1[0-2]|[1-9])月?份?(?:到|至|-|\u2013|~|～)(1[0-2]|[1-9])月"
)
ZH_YEAR = re.compile(r"(20\d\d)年")  # "卖了2000个" names no year
ZH_DAY = re.compile(r"(今天|今日|昨天|昨日)")
_ZH_UNIT = {
    "周": "week",
    "星期": "week",
    "礼拜": "week",
    "月": "month",
    "季度": "quarter",
    "季": "quarter",
    "年": "year",
}


def chinese_period(text: str, today: date) -> Period | None:
    """A period in Chinese words ("上个月", "本季度", "去年", "最近30天", "3月份", "今年Q3",
    "年初至今"), `text` in Simplified with digits; None when it names none."""
    text = ZH_COMPARED_WITH.sub("", text)
    if found := ZH_TO_DATE.search(text):
        word = (found.group(4) or "").lower()
        if found.group(2) or word == "mtd":
            return Period(today.replace(day=1), today, ("mtd", today.month))
        if found.group(3) or word == "qtd":
            start, _ = _quarter(today.year, (today.month - 1) // 3 + 1)
            return Period(start, today, ("qtd",))
        return Period(date(today.year, 1, 1), today, ("ytd", today.year))
    if found := ZH_LAST_N.search(text):
        count, unit = int(found.group(1)), found.group(2)
        days, word = (
            (count, "days")
            if unit in ("天", "日")
            else (30 * count, "months")
            if unit.endswith("月")
            else (7 * count, "weeks")
        )
        return Period(today - timedelta(days=days - 1), today, ("last", count, word))
    year_of = {"今年": today.year, "本年": today.year, "去年": today.year - 1}

    def year_said(found: re.Match[str]) -> int | None:
        return int(found.group(1)) if found.group(1) else year_of.get(found.group(2) or "")

    if found := ZH_FIRST_MONTHS.search(text):
        return _months(year_said(found), 1, int(found.group(3)), today)
    if found := ZH_HALF.search(text):
        first = 1 if found.group(3) == "上" else 7
        return _months(year_said(found), first, first + 5, today)
    if found := ZH_MONTH_RANGE.search(text):
        return _months(year_said(found), int(found.group(3)), int(found.group(4)), today)
    if found := ZH_QUARTER.search(text):
        quarter = int(found.group(3) or found.group(4))
        year = int(found.group(1)) if found.group(1) else year_of.get(found.group(2) or "")
        if year is None:
            year = today.year if _quarter(today.year, quarter)[0] <= today else today.year - 1
        start, end = _quarter(year, quarter)
        return _clip(start, end, today, ("quarter", year, quarter))
    if found := ZH_MONTH.search(text):
        month = int(found.group(3))
        year = int(found.group(1)) if found.group(1) else year_of.get(found.group(2) or "")
        if year is None:
            year = today.year if date(today.year, month, 1) <= today else today.year - 1
        start, end = _month(year, month)
        return _clip(start, end, today, ("month", year, month))
    if found := ZH_RELATIVE.search(text):
        which, unit = found.group(1), _ZH_UNIT[found.group(2)]
        if which == "上上" or (which == "前" and unit == "year"):
            if unit == "year":
                return _clip(
                    date(today.year - 2, 1, 1),
                    date(today.year - 2, 12, 31),
                    today,
                    ("year", today.year - 2),
                )
            return None
        back = which in ("上", "去", "前")
        if which in ("今", "去") and unit != "year":
            return None  # "今月", "去周" are no periods people write
        return _relative("last" if back else "this", unit, today)
    if found := ZH_YEAR.search(text):
        year = int(found.group(1))
        if year <= today.year:
            return _clip(date(year, 1, 1), date(year, 12, 31), today, ("year", year))
    if found := ZH_DAY.search(text):
        which = "today" if found.group(1).startswith("今") else "yesterday"
        day = today if which == "today" else today - timedelta(days=1)
        return Period(day, day, ("day", which))
    return None


def _relative(which: str, unit: str, today: date) -> Period:
    back = which in ("last", "previous", "past", "prior")
    if unit == "week":
        monday = today - timedelta(days=today.weekday()) - timedelta(days=7 * back)
        return _clip(
            monday, monday + timedelta(days=6), today, ("week", "last" if back else "this")
        )
    if unit == "month":
        year, month = today.year, today.month
        if back:
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        start, end = _month(year, month)
        return _clip(start, end, today, ("month", year, month))
    if unit == "quarter":
        quarter, year = (today.month - 1) // 3 + 1, today.year
        if back:
            quarter, year = (4, year - 1) if quarter == 1 else (quarter - 1, year)
        start, end = _quarter(year, quarter)
        return _clip(start, end, today, ("quarter", year, quarter))
    year = today.year - back
    return _clip(date(year, 1, 1), date(year, 12, 31), today, ("year", year))
