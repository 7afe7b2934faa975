"""How the actions read people's words without the ERP: periods, order numbers typed loosely,
units, and what to do with the ERP's ranked search."""

from __future__ import annotations

from datetime import date

import pytest

from actions.catalog import asked_in_words
from actions.context import canonical_order_number
from actions.dates import parse_date
from actions.formatting import day, money
from actions.order_answers import clean_address
from actions.order_items import same_unit
from actions.order_lines import number_value
from actions.periods import period_in
from actions.product_match import choose

TODAY = date(2026, 12, 4)  # a Friday


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("sales in march", date(2026, 3, 1), date(2026, 3, 31), "March 2026"),
        ("and october last year?", date(2025, 10, 1), date(2025, 10, 31), "October 2025"),
        ("q3 of last year", date(2025, 7, 1), date(2025, 9, 30), "Q3 2025"),
        ("march this year", date(2026, 3, 1), date(2026, 3, 31), "March 2026"),
        ("december", date(2026, 12, 1), date(2026, 12, 4), "December 2026"),  # so far
        ("q3 please", date(2026, 7, 1), date(2026, 9, 30), "Q3 2026"),
        ("last quarter", date(2026, 7, 1), date(2026, 9, 30), "Q3 2026"),
        ("how did 2025 go", date(2025, 1, 1), date(2025, 12, 31), "2025"),
        ("ytd", date(2026, 1, 1), date(2026, 12, 4), "2026 so far"),
        ("orders shipped last week", date(2026, 11, 23), date(2026, 11, 29), "last week"),
        ("november 2025", date(2025, 11, 1), date(2025, 11, 30), "November 2025"),
        ("the last 30 days", date(2026, 11, 5), date(2026, 12, 4), "the last 30 days"),
        ("sales for may", date(2026, 5, 1), date(2026, 5, 31), "May 2026"),
        # several months of one year; Babel's interval: "Jan<thin space>-<thin space>Mar 2026"
        ("first three months of the year", date(2026, 1, 1), date(2026, 3, 31), "Jan~Mar 2026"),
        ("first 3 months of last year", date(2025, 1, 1), date(2025, 3, 31), "Jan~Mar 2025"),
        ("sales h2 2025", date(2025, 7, 1), date(2025, 12, 31), "Jul~Dec 2025"),
        ("second half of the year", date(2026, 7, 1), date(2026, 12, 4), "Jul~Dec 2026"),
        ("jan to march", date(2026, 1, 1), date(2026, 3, 31), "Jan~Mar 2026"),
        ("february - may 2025", date(2025, 2, 1), date(2025, 5, 31), "Feb~May 2025"),
    ],
)
def test_periods_in_words(text: str, start: date, end: date, label: str) -> None:
    found = period_in(text, TODAY)
    assert found is not None
    assert (found.start, found.end, found.label) == (start, end, label.replace("~", DASH))


DASH = "\u2009\u2013\u2009"


def test_no_period_where_none_is_named() -> None:
    assert period_in("may i see the sales", TODAY) is None  # "may" here is no month
    assert period_in("how are we doing", TODAY) is None
    assert period_in("how are we doing vs last year", TODAY) is None  # this year, compared
    found = period_in("q3 vs q2", TODAY)
    assert found is not None
    assert found.label == "Q3 2026"


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("SO-2026-00042", "SO-2026-00042"),
        ("so-2026-42", "SO-2026-00042"),
        ("SO 2026 00052", "SO-2026-00052"),
        ("2026-00039", "SO-2026-00039"),
        ("42", None),  # a bare number could be a quantity
    ],
)
def test_order_numbers_as_people_type_them(typed: str, number: str | None) -> None:
    assert canonical_order_number(typed) == number


@pytest.mark.parametrize(
    ("said", "meant"),
    [
        ("end of the month", date(2026, 12, 31)),
        ("end of next month", date(2027, 1, 31)),
        ("in two weeks", date(2026, 12, 18)),
        ("15/12", date(2026, 12, 15)),
        ("the 20th", date(2026, 12, 20)),
        ("by friday", date(2026, 12, 11)),  # said on a Friday: the next one
    ],
)
def test_delivery_dates_as_people_write_them(said: str, meant: date) -> None:
    assert parse_date(said, TODAY) == meant


def test_quantities_as_people_write_them() -> None:
    assert number_value("2k") == 2000
    assert number_value("1.5k") == 1500
    assert number_value("a dozen") == 12
    assert number_value("twenty") == 20


def test_units_said_and_selling_units() -> None:
    assert same_unit("boxes", "box")
    assert same_unit("pieces", "pcs")
    assert same_unit("metres", "m")
    assert not same_unit("boxes", "pcs")  # "25 boxes of m8 bolts": asked, not guessed


def test_what_the_desk_does_with_a_ranked_search() -> None:
    zinc = {"sku": "BOLT-M8", "match": "full", "relevance": 0.87}
    steel = {"sku": "BOLT-M8-SS", "match": "full", "relevance": 0.85}
    assert choose([zinc, steel], "m8 bolts").product == zinc  # one clear lead: taken
    short = {"sku": "CABLE-TIE-200", "match": "full", "relevance": 0.84}
    long = {"sku": "CABLE-TIE-300", "match": "full", "relevance": 0.84}
    tie = choose([short, long], "zip ties")
    assert (tie.product, tie.close) == (None, [short, long])  # asked
    partial = {"sku": "CABLE-TIE-200", "match": "partial", "relevance": 0.32}
    none = choose([partial], "cat6 cable")
    assert (none.product, none.carried, none.close) == (None, False, [partial])
    assert choose([steel, zinc], "BOLT-M8").product == zinc  # a code typed exactly


def test_money_and_dates_one_way() -> None:
    assert money("1234.5", "GBP") == "£1,234.50"
    assert money("-100.08", "GBP") == "-£100.08"
    assert money("12", "EUR") == "€12.00"
    assert day(date(2026, 12, 11), TODAY) == "Fri 11 Dec"
    assert day(date(2027, 1, 4), TODAY) == "Mon 4 Jan 2027"


@pytest.mark.parametrize(
    ("typed", "address"),
    [
        ("the site - 3 canal wharf, bradford BD1 4AB", "3 canal wharf, bradford BD1 4AB"),
        ("22 fishergate, preston PR1 2AD - not the head office", "22 fishergate, preston PR1 2AD"),
        (
            "their unit 4, ocean village, southampton SO14 3TL",
            "unit 4, ocean village, southampton SO14 3TL",
        ),
        ("Hauptstr. 5, 10115 Berlin", "Hauptstr. 5, 10115 Berlin"),  # the town after the postcode
        ("the old mill, forge lane", "the old mill, forge lane"),  # "the" of a name stays
    ],
)
def test_an_address_as_it_goes_on_the_delivery_note(typed: str, address: str) -> None:
    assert clean_address(typed) == address


def test_a_quantity_is_never_read_as_a_year() -> None:
    from actions.order_answers import date_in

    friday = parse_date("friday", date.today())
    assert friday is not None
    assert date_in("I want 40 by friday") == friday.isoformat()  # not 2040
    assert date_in("deliver on 9 december") is not None  # a number beside a month is a day
    assert date_in("need them in 2 weeks") is not None  # and a count of weeks


@pytest.mark.parametrize(
    ("asked", "product"),
    [
        ("how much is a euro pallet", "euro pallet"),
        ("do you have cable cat6 in stock?", "cable cat6"),
        ("hi, do you guys stock copper pipe?", "copper pipe"),
        ("got any plywood in", "plywood"),
        ("is there any sand left", "sand"),
        ("what do you charge for a pallet truck", "pallet truck"),
        ("how much do I owe you?", None),  # not a product
        ("how much are they", None),  # the one discussed, not a product named "they"
        ("where is my order", None),  # not a stock or price question
        ("do you have anything for fixing plasterboard to a stud wall that wont pull out", None),
        ("你们有CAT6网线现货吗？", "CAT6网线"),
        ("欧标托盘多少钱一个", "欧标托盘"),
        ("你们卖不卖电钻？", "电钻"),
        ("有没有胶合板", "胶合板"),
        ("我还欠你们多少钱？", None),
        ("我的订单到哪了", None),
    ],
)
def test_the_product_of_a_question_the_tagger_missed(asked: str, product: str | None) -> None:
    assert asked_in_words(asked) == product
