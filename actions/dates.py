"""Delivery dates in the user's words ("Friday", "next Tuesday", "by 3 March", "the 14th")
to ISO dates.

dateparser reads most phrasings but not "next Friday", ISO dates under day-first order, or
a bare day of the month in the future, so those come first. Decisions (docs/rasa.md):
"Friday" is the coming Friday (a week ahead when today is Friday); "next Friday" is the
Friday of next week; "the 14th" is the next 14th. The reply always repeats the date it
understood, so the user can correct it.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta

import dateparser

from actions.formatting import day as format_day

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_FILLER = re.compile(
    r"^\s*(?:(?:delivered|delivery|deliver|ship|shipped|needed|need it|it)\s+)*"
    r"(?:by|on|before|until|for|no later than)?\s*",
    re.IGNORECASE,
)
_WEEKDAY = re.compile(r"^(?:(this|next|coming)\s+)?(" + "|".join(WEEKDAYS) + r")$", re.I)
_DAY_OF_MONTH = re.compile(r"^(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)$", re.I)
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# "end of the month", "end of next month", "end of the week": dateparser reads none of them
_END_OF = re.compile(r"^(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?(next\s+)?(month|week)$", re.I)
SETTINGS = {"PREFER_DATES_FROM": "future", "DATE_ORDER": "DMY", "RETURN_AS_TIMEZONE_AWARE": False}


def parse_date(text: str, today: date) -> date | None:
    """The date the user means, or None when the words are not a date."""
    words = _FILLER.sub("", text.strip().rstrip(".!?")).strip()
    if not words:
        return None
    if _ISO.match(words):
        try:
            return date.fromisoformat(words)
        except ValueError:
            return None
    end_of = _END_OF.match(words)
    if end_of:
        return _end_of(today, end_of.group(2).lower(), bool(end_of.group(1)))
    weekday = _WEEKDAY.match(words)
    if weekday:
        return _weekday(today, WEEKDAYS.index(weekday.group(2).lower()), weekday.group(1))
    day = _DAY_OF_MONTH.match(words)
    if day:
        return _next_day_of_month(today, int(day.group(1)))
    base = datetime(today.year, today.month, today.day, 12)
    parsed = dateparser.parse(words, languages=["en"], settings={**SETTINGS, "RELATIVE_BASE": base})
    return parsed.date() if parsed else None


def _end_of(today: date, unit: str, following: bool) -> date:
    """The last working day people mean: a month's last day, a week's Friday (the next one
    when that day has come)."""
    if unit == "week":
        friday = today + timedelta(days=(4 - today.weekday()) % 7)
        if friday <= today:
            friday += timedelta(days=7)
        return friday + timedelta(days=7) if following else friday
    year, month = today.year, today.month
    if following or today.day == calendar.monthrange(year, month)[1]:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return date(year, month, calendar.monthrange(year, month)[1])


def _weekday(today: date, weekday: int, qualifier: str | None) -> date:
    ahead = (weekday - today.weekday()) % 7 or 7
    if qualifier and qualifier.lower() == "next":
        start_of_next_week = today + timedelta(days=7 - today.weekday())
        return start_of_next_week + timedelta(days=weekday)
    return today + timedelta(days=ahead)


def _next_day_of_month(today: date, day: int) -> date | None:
    year, month = today.year, today.month
    for _ in range(13):
        try:
            candidate = date(year, month, day)
        except ValueError:
            candidate = None
        if candidate and candidate > today:
            return candidate
        month = 1 if month == 12 else month + 1
        year = year + 1 if month == 1 else year
    return None


def spoken(day: date) -> str:
    """How the bot says a date back: "Fri 4 Dec" (actions/formatting.py: the one style)."""
    return format_day(day)
