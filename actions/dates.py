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

from actions.chinese import has_han, plain, simplified
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
    if has_han(text):
        return chinese_date(plain(text), today)
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


# Chinese (Simplified, numerals as digits: actions/chinese.py). dateparser reads few of these
# ("12月15日", "下周五", "月底", "两周内" all come back empty), so this is the same small
# grammar as the English one above, with the same decisions: "周五" is the coming Friday,
# "下周五" the Friday of next week, "15号" the next 15th, "月底" the month's last day.
_ZH_AROUND = re.compile(
    r"^(?:(?:最好|希望|需要|要|请|麻烦|在|于|到|能|可以|大概|大约|最晚|最迟)+)"
    r"|(?:(?:之前|以前|前|之内|以内|内|左右|为止|上午|下午|早上|中午|晚上|送到|送达|到货|交货|发货|送货|送过来|到|吧|啊|呢|了)+)$"
)
_ZH_RELATIVE_DAY = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "大后天": 3}
_ZH_WEEKDAY = re.compile(r"^(这|本|下下|下)?个?(?:周|星期|礼拜)([1-7一二三四五六日天])$")
_ZH_MONTH_DAY = re.compile(r"^(?:(20\d\d)年)?(1[0-2]|[1-9])月(3[01]|[12]\d|[1-9])[日号]?$")
_ZH_DAY = re.compile(r"^(3[01]|[12]\d|[1-9])[日号]$")
_ZH_END = re.compile(r"^(这个?|本|下个?)?(月|周)(底|末)$")
# "3天内", "两周后", "1个月内" (a count of months has 个: "8月" is August, not 8 months)
_ZH_WITHIN = re.compile(r"^(\d{1,3})(天|日|周|个?星期|个?礼拜|个月)(?:后|之后|以后)?$")
_ZH_NEXT_WEEK_OR_MONTH = re.compile(r"^下(?:个)?(周|星期|礼拜|月)(初)?$")


# Words that name a day in Chinese (Simplified; numerals as characters or digits): what
# makes a phrase worth reading as a date
ZH_DAY_WORDS = (
    r"今天|明天|后天|(?:周|星期|礼拜)[一二三四五六日天1-7]|\d{1,2}月\d{1,2}|[12]?\d[号日]|3[01][号日]"
    r"|[一二三四五六七八九十]+[号日]|月底|月末|月初|月中|周末|年底|年末|下个?(?:周|星期|礼拜|月)"
    r"|[\d一二两三四五六七八九十]+(?:天|周|个?星期|个?礼拜|个?月)(?:内|以内|之内|后|之后)"
)
# a date phrase inside a longer Chinese message: "订40个BOLT-M8，下周五前送到"
_ZH_DATE_PHRASE = re.compile(
    r"(?:(?:这|本|下下|下)?个?(?:周|星期|礼拜)[一二三四五六日天1-7]"
    r"|(?:20\d\d年)?(?:1[0-2]|[1-9]|十[一二]?|[一二三四五六七八九])月(?:[123]?\d|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])[日号]?"
    # a day of the month, not a house or gate number ("张江路5号", "88号", "3号仓库")
    r"|(?<![\d路街道巷弄])(?:[12]?\d|3[01]|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])[号日]"
    r"(?![本元楼门室栋仓])"
    r"|(?:这个?|本|下个?)?(?:月底|月末|周末)|下个?月初|年底|年末|今天|明天|后天|大后天"
    r"|[\d一二两三四五六七八九十]+(?:天|周|个?星期|个?礼拜|个?月)(?:内|以内|之内|后|之后)"
    r"|下个?(?:周|星期|礼拜))"
    r"(?:之前|以前|前|之内|以内|内)?"
)


def chinese_date_in(text: str, today: date) -> date | None:
    """The first date phrase of a Chinese message that reads as a date, or None."""
    simple = simplified(text)
    for found in _ZH_DATE_PHRASE.finditer(simple):
        day = chinese_date(plain(found.group()), today)
        if day is not None:
            return day
    return None


def chinese_date(words: str, today: date) -> date | None:
    """A delivery date in Chinese words ("明天", "下周五前", "12月15日", "15号", "月底前",
    "两周内", "下个月初"); `words` in Simplified with digits; None when it is not a date."""
    words = re.sub(r"\s+", "", words)
    for _ in range(3):  # "最好下周五之前送到吧": the words around the date, both sides
        words = _ZH_AROUND.sub("", words)
    if words in _ZH_RELATIVE_DAY:
        return today + timedelta(days=_ZH_RELATIVE_DAY[words])
    if found := _ZH_WEEKDAY.match(words):
        weekday = "一二三四五六日".find(found.group(2))
        weekday = weekday if weekday >= 0 else "1234567".find(found.group(2))
        weekday = 6 if found.group(2) == "天" else weekday
        qualifier = found.group(1) or ""
        if qualifier.startswith("下"):
            day = _weekday(today, weekday, "next")
            return day + timedelta(days=7) if qualifier == "下下" else day
        if qualifier in ("这", "本"):  # this week's: the day itself when it has not passed
            monday = today - timedelta(days=today.weekday())
            day = monday + timedelta(days=weekday)
            return day if day > today else _weekday(today, weekday, None)
        return _weekday(today, weekday, None)
    if found := _ZH_MONTH_DAY.match(words):
        year = int(found.group(1)) if found.group(1) else today.year
        try:
            day = date(year, int(found.group(2)), int(found.group(3)))
        except ValueError:
            return None
        if not found.group(1) and day <= today:
            day = day.replace(year=year + 1)
        return day
    if found := _ZH_DAY.match(words):
        return _next_day_of_month(today, int(found.group(1)))
    if found := _ZH_END.match(words):
        unit = "month" if found.group(2) == "月" else "week"
        return _end_of(today, unit, (found.group(1) or "").startswith("下"))
    if found := _ZH_WITHIN.match(words):
        count, unit = int(found.group(1)), found.group(2)
        if unit.endswith("月"):
            return _months_ahead(today, count)
        return today + timedelta(days=count * (1 if unit in ("天", "日") else 7))
    if found := _ZH_NEXT_WEEK_OR_MONTH.match(words):
        if found.group(1) == "月":
            return _months_ahead(today.replace(day=1), 1)
        return today + timedelta(days=7 - today.weekday())  # next week: its Monday
    if words in ("年底", "年末", "今年年底"):
        return date(today.year, 12, 31)
    return None


def _months_ahead(today: date, months: int) -> date:
    year, month = divmod(today.month - 1 + months, 12)
    year += today.year
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(today.day, last))


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
