"""How the order form reads an answer in words: a delivery date ("by friday", "asap", "the
20th"), an address that looks like one, a question about the total, a change said on the way
("deliver on the 18th", "ship it to 5 Dock Road, Hull HU1 2AB")."""

from __future__ import annotations

import re
from datetime import date, timedelta

from rasa_sdk.executor import CollectingDispatcher

from actions.chinese import has_han
from actions.conversation import is_question
from actions.dates import ZH_DAY_WORDS, chinese_date_in, parse_date, spoken
from actions.i18n import _

NO_DATE = re.compile(
    r"^(?:no rush|any ?time|any day|whenever|asap|a\.s\.a\.p\.?|as soon as possible|as soon as"
    r" you can|no date|doesn'?t matter|does not matter|no preference|soon|soonest|urgent"
    r"|when(?:ever)? (?:it'?s|you'?re) ready|as early as possible)[.! ]*$"
    r"|^(?:尽快|越快越好|尽早|马上|随时|不急|什么时候都行|哪天都行|几号都行|随便哪天|都可以|都行|早点)(?:送|发货?|送到)?[吧啊的。！!\s]*$",
    re.IGNORECASE,
)
# "... asap", "... as soon as possible please" inside a longer message
NO_DATE_IN_TEXT = re.compile(
    r"\b(?:asap|a\.s\.a\.p|as soon as (?:possible|you can)|no rush|whenever)\b"
    r"|尽快|越快越好|尽早|不着急|不急",
    re.IGNORECASE,
)
# Words that name a day: a weekday, a month, "today"/"tomorrow", an ordinal, a d/m date.
DAY_WORDS = re.compile(
    r"\b(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\b"
    r"|\b(?:january|february|march|april|june|july|august|september|october|november"
    r"|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)? may\b|\bmay \d{1,2}\b"  # "may" alone is a verb
    r"|\b(?:today|tomorrow|tommorow|tomorow|tmrw|week|month|weeks|days)\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)\b|\b\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?\b|\b\d{4}-\d{2}-\d{2}\b"
    # Chinese: "明天", "周五", "星期三", "12月15日", "15号", "月底", "两周内", "下个月"
    rf"|{ZH_DAY_WORDS}",
    re.IGNORECASE,
)
MONTH_NAME = re.compile(
    r"\b(?:january|february|march|april|may|june|july|august|september|october|november"
    r"|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\b",
    re.IGNORECASE,
)
UNIT_OF_TIME = re.compile(r"^(?:days?|weeks?|months?)$", re.IGNORECASE)
ADDRESS_CHANGE = re.compile(
    r"(?:\b(?:(?:change|set|update) (?:the |my )?(?:delivery |shipping )?address to"
    r"|deliver (?:it |them )?to|ship (?:it |them )?to|send (?:it |them )?to|address is"
    r"|new address:?|to this address:?)"
    r"\s+|(?:改送到?|送到|送去|寄到|发到|地址(?:改成|改为|换成|是)|新地址)[:：]?\s*)(.+)$",
    re.IGNORECASE,
)
# The words a date phrase is made of; a window with any other word ("50 NUT-M6 by friday")
# is not tried, so a quantity never becomes a year.
DATE_TOKEN = re.compile(
    r"^(?:\d{1,2}(?:st|nd|rd|th)?|\d{4}|\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?|\d{4}-\d{2}-\d{2}"
    r"|next|this|coming|the|of|on|by|for|in|end|before|until|a|one|two|three|four|fortnight"
    r"|[a-z]+day|[a-z]{3,9})$",
    re.IGNORECASE,
)
USUAL_IN_TEXT = re.compile(
    r"\b(?:(?:the|my|our|their) )?(?:usual|normal|registered) (?:address|place|site|one)\b"
    r"|\bsame address\b"
    r"|(?:常用|平时|老|原来|默认|之前|上次|一样|同样|原|注册)的?(?:那个)?地址|老地方",
    re.IGNORECASE,
)
USUAL_ADDRESS = re.compile(
    r"^(?:(?:yes|yeah|yep|ok|sure)[, ]*)?(?:to )?(?:the |my |our )?(?:usual|same|normal|default"
    r"|registered)(?: one| address| place| as (?:always|usual|before|last time))?(?: please)?"
    r"[.! ]*$",
    re.IGNORECASE,
)
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b|\b\d{4,5}\b", re.IGNORECASE)
STREET_WORDS = re.compile(
    r"\b(?:road|rd|street|st|lane|ln|way|avenue|ave|drive|dr|park|estate|unit|works|yard"
    r"|farm|house|depot|close|court|place|square|industrial|parade|row|rows|dock|quay|mill"
    r"|mills|gate|hill|green|terrace|crescent|wharf|site|building|floor|block)\b"
    # Chinese: a road, street, building, district or city ("号" alone is a date's day too)
    r"|[路街道巷弄栋楼室区市省县镇村]|工业园|仓库|工地",
    re.IGNORECASE,
)
# "no, send it to ...", "yes: Unit 4, ..." (but "No. 5 Dock Road" keeps its number)
LEADING_YES_NO = re.compile(
    r"^(?:no|yes)[,:!]?\s+(?=\D)|^(?:不是|不|是的?|对|好的?)[，,:：!！\s]*(?=\D)", re.IGNORECASE
)
TOTAL_QUESTION = re.compile(
    r"\b(?:what(?:'s| is| will be) the (?:total|sum|price|cost)|total\?"
    r"|how much (?:is|will|would|does) (?:it|that|this|the order|my order|everything|all of it)"
    r"(?: be| cost| come to)?"
    r"|what (?:does|will|would) (?:it|that|this|the order) (?:cost|come to))"
    r"|总共多少|一共多少|合计多少|总价|总额|总金额|加起来多少",
    re.IGNORECASE,
)
MAX_DAYS_AHEAD = 365


def today() -> date:
    return date.today()


def read_date(text: str) -> str | None:
    """An ISO date, "none" for "as soon as possible", or None when it is not a date."""
    if NO_DATE.match(text.strip()):
        return "none"
    found = parse_date(text, today())
    return found.isoformat() if found else None


def date_in(text: str) -> str | None:
    """The delivery date a longer message gives ("40 BOLT-M8 by friday", "... asap",
    "deliver next friday to the usual address", "wait no, the 18th"), in `read_date`'s terms,
    or None when it gives none. Only words that name a day count ("friday", "18th",
    "tomorrow", "15/12", "9 december"), so a quantity is never read as a date."""
    if NO_DATE_IN_TEXT.search(text):
        return "none"
    if has_han(text):
        found = chinese_date_in(text, today())
        return found.isoformat() if found else None
    words = re.sub(r"[,;!?]", " ", text).split()
    for start in range(len(words)):
        for length in range(min(len(words) - start, 4), 0, -1):
            window = words[start : start + length]
            candidate = " ".join(window)
            if not DAY_WORDS.search(candidate) or not all(DATE_TOKEN.match(w) for w in window):
                continue
            if not MONTH_NAME.search(candidate) and any(
                w.isdigit() and not UNIT_OF_TIME.match(after)
                for w, after in zip(window, [*window[1:], ""], strict=True)
            ):
                continue  # "40 by friday": a bare number is a day beside a month, or a count
                # of days, weeks or months ("in 2 weeks")
            day = parse_date(candidate, today())
            if day is not None:
                return day.isoformat()
    return None


def entity_date(said: str | None) -> str | None:
    """The model's `date` entity, read only when it names a day: a misread "50" is no date
    (it would be the year 2050)."""
    if not said or not (NO_DATE.match(said.strip()) or DAY_WORDS.search(said)):
        return None
    return read_date(said)


def check_date(value: str, dispatcher: CollectingDispatcher) -> str | None:
    if value == "none":
        return value
    wanted = date.fromisoformat(value)
    if wanted < today():
        dispatcher.utter_message(response="utter_date_in_past", date=spoken(wanted))
        return None
    if wanted > today() + timedelta(days=MAX_DAYS_AHEAD):
        dispatcher.utter_message(response="utter_date_too_far", date=spoken(wanted))
        return None
    return value


def date_words(value: str) -> str:
    return _("as soon as possible") if value == "none" else spoken(date.fromisoformat(value))


UK_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b", re.IGNORECASE)
# "their unit 4, ...", "the site - 3 canal wharf, ...", "our yard: ...": words before the address
ADDRESS_LEAD = re.compile(
    r"^(?:(?:to|at)\s+)?(?:(?:their|our|my)\s+)?"
    r"(?:(?:the\s+)?(?:site|yard|depot|new site|job)\s*[-:,]\s*)?(?:(?:their|our|my)\s+)?",
    re.IGNORECASE,
)


def clean_address(text: str) -> str:
    """The address alone, as it goes on the delivery note: what stands before it ("their",
    "the site -") and a remark after its postcode ("- not the head office") left out."""
    text = text.strip(" .")
    if postcode := UK_POSTCODE.search(text):  # elsewhere the town may follow the postcode
        text = text[: postcode.end()]
    stripped = ADDRESS_LEAD.sub("", text, count=1).strip(" ,-:")
    return stripped if looks_like_address(stripped) else text


def looks_like_address(text: str) -> bool:
    """A delivery address, not a question, a yes or no or a stray word: several words with a
    number, a postcode or a street word ("Unit 9, Attercliffe Works", "Forge Lane, Rotherham")."""
    if not has_han(text) and (not 8 <= len(text) <= 300 or len(text.split()) < 2):
        return False
    if len(text) > 300 or is_question(text):
        return False
    if has_han(text):  # "利兹市Canal路4号", "上海市浦东新区张江路88号3号仓库"
        return bool(STREET_WORDS.search(text)) and bool(re.search(r"\d", text))
    return bool(POSTCODE.search(text) or STREET_WORDS.search(text)) and bool(
        re.search(r"[A-Za-z]{3}", text)
    )
