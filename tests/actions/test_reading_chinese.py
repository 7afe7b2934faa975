"""What the actions read out of Chinese words: delivery dates, reporting periods, quantities
in Chinese numerals and measure words, Traditional characters (actions/chinese.py,
actions/dates.py, actions/periods.py). The same decisions as in English (test_reading.py):
"周五" is the coming Friday, "下周五" the Friday of next week, "15号" the next 15th, "月底"
the month's last day, a period never ends after today."""

from __future__ import annotations

from datetime import date

import pytest

from actions.analytics import about_one_order
from actions.chinese import digits, number, plain
from actions.context import LATEST, asks_for_open
from actions.conversation import EXISTING_ORDER, ZH_GOODBYE, is_exit
from actions.dates import parse_date
from actions.i18n import speaking
from actions.order_items import REMOVE, Change, Item, matches, set_bare_quantity
from actions.order_lines import bare_quantity, number_value, requested_lines
from actions.periods import period_in
from tests.actions.chat import tracker

TODAY = date(2026, 12, 4)  # a Friday
DASH = "\u2009\u2013\u2009"  # Babel's interval between two months in English


@pytest.mark.parametrize(
    ("said", "meant"),
    [
        ("明天", date(2026, 12, 5)),
        ("后天", date(2026, 12, 6)),
        ("周五", date(2026, 12, 11)),  # today is Friday: the coming one
        ("星期三", date(2026, 12, 9)),
        ("礼拜天", date(2026, 12, 6)),
        ("下周五前", date(2026, 12, 11)),
        ("下周三之前", date(2026, 12, 9)),
        ("下下周一", date(2026, 12, 14)),
        ("12月15日", date(2026, 12, 15)),
        ("12月15号前", date(2026, 12, 15)),
        ("十二月十五号", date(2026, 12, 15)),
        ("1月5号", date(2027, 1, 5)),  # a day that has passed this year is next year's
        ("2027年1月8日", date(2027, 1, 8)),
        ("15号", date(2026, 12, 15)),
        ("3号前", date(2027, 1, 3)),
        ("月底前", date(2026, 12, 31)),
        ("下个月底", date(2027, 1, 31)),
        ("周末前", date(2026, 12, 11)),
        ("两周内", date(2026, 12, 18)),
        ("三天内", date(2026, 12, 7)),
        ("一个月内", date(2027, 1, 4)),
        ("下个月初", date(2027, 1, 1)),
        ("最好下周五之前送到吧", date(2026, 12, 11)),
        ("明天上午", date(2026, 12, 5)),
        ("這個月底", date(2026, 12, 31)),  # Traditional
        ("下週一", date(2026, 12, 7)),
    ],
)
def test_delivery_dates_in_chinese(said: str, meant: date) -> None:
    assert parse_date(said, TODAY) == meant


@pytest.mark.parametrize("said", ["尽快", "越快越好", "随便", "不急"])
def test_no_date_where_none_is_said(said: str) -> None:
    assert parse_date(said, TODAY) is None


@pytest.mark.parametrize(
    ("text", "start", "end", "english", "chinese"),
    [
        ("上个月销售额", date(2026, 11, 1), date(2026, 11, 30), "November 2026", "2026年11月"),
        ("这个月比上个月增长多少", date(2026, 12, 1), TODAY, "December 2026", "2026年12月"),
        ("本季度", date(2026, 10, 1), TODAY, "Q4 2026", "2026年第4季度"),
        ("上季度top客户", date(2026, 7, 1), date(2026, 9, 30), "Q3 2026", "2026年第3季度"),
        ("第二季度", date(2026, 4, 1), date(2026, 6, 30), "Q2 2026", "2026年第2季度"),
        ("今年Q3", date(2026, 7, 1), date(2026, 9, 30), "Q3 2026", "2026年第3季度"),
        ("去年", date(2025, 1, 1), date(2025, 12, 31), "2025", "2025年"),
        ("去年12月", date(2025, 12, 1), date(2025, 12, 31), "December 2025", "2025年12月"),
        ("三月份卖了多少", date(2026, 3, 1), date(2026, 3, 31), "March 2026", "2026年3月"),
        ("最近三十天的订单量", date(2026, 11, 5), TODAY, "the last 30 days", "最近30天"),
        ("年初至今", date(2026, 1, 1), TODAY, "2026 so far", "2026年至今"),
        ("上周", date(2026, 11, 23), date(2026, 11, 29), "last week", "上周"),
        ("昨天多少单", date(2026, 12, 3), date(2026, 12, 3), "yesterday", "昨天"),
        ("這個月銷售額", date(2026, 12, 1), TODAY, "December 2026", "2026年12月"),
        ("今年前三个月", date(2026, 1, 1), date(2026, 3, 31), "Jan~Mar 2026", "2026年1月至3月"),
        (
            "去年上半年的销售额",
            date(2025, 1, 1),
            date(2025, 6, 30),
            "Jan~Jun 2025",
            "2025年1月至6月",
        ),
        (
            "一月到三月卖了多少",
            date(2026, 1, 1),
            date(2026, 3, 31),
            "Jan~Mar 2026",
            "2026年1月至3月",
        ),
        ("2025年7-9月", date(2025, 7, 1), date(2025, 9, 30), "Jul~Sept 2025", "2025年7月至9月"),
        ("前三个月", date(2026, 9, 6), TODAY, "the last 3 months", "最近3个月"),  # no year said
    ],
)
def test_periods_in_chinese_named_in_the_reply_language(
    text: str, start: date, end: date, english: str, chinese: str
) -> None:
    found = period_in(text, TODAY)
    assert found is not None
    assert (found.start, found.end, found.label) == (start, end, english.replace("~", DASH))
    with speaking("zh"):
        assert found.label == chinese


def test_no_period_where_chinese_names_none() -> None:
    assert period_in("销售怎么样", TODAY) is None
    assert period_in("谁欠我们钱最多", TODAY) is None


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("二十", 20),
        ("两", 2),
        ("一百零五", 105),
        ("两千五", 2500),
        ("3千", 3000),
        ("1万2", 12000),
        ("一打", 12),
        ("两打", 24),
        ("半", None),
        ("一些", None),
    ],
)
def test_chinese_numerals(written: str, value: int | None) -> None:
    assert number(written) == value
    assert number_value(written) == value


def test_numerals_become_digits_only_where_they_count_something() -> None:
    assert digits("给我来二十五盒M8螺栓") == "给我来25盒M8螺栓"
    assert digits("两托缠绕膜") == "2托缠绕膜"
    assert digits("逾期六十天") == "逾期60天"
    for kept in ("我想一下", "一起送", "统一发货", "一些扎带"):
        assert digits(kept) == kept
    assert plain("我的訂單還沒到") == "我的订单还没到"
    assert plain("where is my order") == "where is my order"


def _tagged(text: str, *products: tuple[str, str]) -> list[dict[str, object]]:
    """Entities as the NLU gives them: (type, words) found in `text`."""
    return [
        {"entity": kind, "start": text.index(words), "end": text.index(words) + len(words)}
        for kind, words in products
    ]


@pytest.mark.parametrize(
    ("text", "tagged", "lines"),
    [
        ("我要下单：M8螺栓二十箱，下周五前送到", [("product", "M8螺栓")], [("M8螺栓", 20, "box")]),
        (
            "给harbor marine订500个M8螺母和两托缠绕膜",
            [("product", "M8螺母"), ("product", "缠绕膜")],
            [("M8螺母", 500, None), ("缠绕膜", 2, "pallet")],
        ),
        (
            "BOLT-M8 x 40，NUT-M8各40个",
            [("sku", "BOLT-M8"), ("sku", "NUT-M8")],
            [("BOLT-M8", 40, None), ("NUT-M8", 40, None)],
        ),
        ("来一箱扎带", [("product", "扎带")], [("扎带", 1, "box")]),
        ("订3千个自攻螺丝", [("product", "自攻螺丝")], [("自攻螺丝", 3000, None)]),
        ("订BOLT-M8二十个", [], [("BOLT-M8", 20, None)]),  # a code the tagger missed
    ],
)
def test_products_with_their_quantities_in_chinese(
    text: str, tagged: list[tuple[str, str]], lines: list[tuple[str, int, str | None]]
) -> None:
    found = requested_lines(text, _tagged(text, *tagged))
    assert [(line.mention, line.quantity, line.unit) for line in found] == lines


@pytest.mark.parametrize(("said", "quantity"), [("二十箱吧", 20), ("改成三十个", 30), ("20个", 20)])
def test_a_bare_quantity_in_chinese(said: str, quantity: int) -> None:
    assert bare_quantity(said) == quantity


def test_a_quantity_in_chinese_keeps_the_words_it_was_said_in() -> None:
    found = requested_lines("我要订25箱M8螺栓", _tagged("我要订25箱M8螺栓", ("product", "M8螺栓")))
    assert [(line.quantity, line.unit, line.said) for line in found] == [(25, "box", "25箱")]
    english = requested_lines(
        "25 boxes of M8 bolts", _tagged("25 boxes of M8 bolts", ("product", "M8 bolts"))
    )
    assert english[0].said is None  # English asks with the words as before: "25 boxes"


@pytest.mark.parametrize("said", ["我现在有哪些订单还没完成？", "没完成的单", "我有哪些订单还没到"])
def test_open_orders_asked_in_chinese(said: str) -> None:
    assert asks_for_open(tracker("chat", said))


@pytest.mark.parametrize(
    ("said", "latest"),
    [
        ("上一单发货了没", True),
        ("把我最近那个单取消掉", True),
        ("上个订单到哪了", True),
        ("刚下的那单能取消吗", True),
        ("上个月的订单", False),  # a month, not an order
        ("最近几个订单", False),  # several
    ],
)
def test_my_last_order_in_chinese(said: str, latest: bool) -> None:
    assert bool(LATEST.search(said)) is latest
    assert bool(EXISTING_ORDER.search(said)) is latest


def test_thanks_and_goodbye_leaves_a_form_and_says_goodbye() -> None:
    assert is_exit(tracker("chat", "谢谢，拜拜", intent="thank"))
    assert is_exit(tracker("chat", "多谢，先这样吧", intent="thank"))
    assert not is_exit(tracker("chat", "谢谢", intent="thank"))  # thanks alone: the form goes on
    assert ZH_GOODBYE.search("谢谢，拜拜")
    assert not ZH_GOODBYE.search("thanks, bye")  # English: the model's goodbye, as before


@pytest.mark.parametrize(
    ("said", "one_order"),
    [
        ("上一单发货了没", True),
        ("SO-2026-00042发货了吗", True),
        ("上周发了多少单货", False),
        ("上一单发了几箱", False),  # a number asked
        ("has my last order shipped", False),  # English: as the model read it
    ],
)
def test_a_shipping_question_about_one_order_is_its_status(said: str, one_order: bool) -> None:
    assert about_one_order(said) is one_order


def _items() -> list[Item]:
    """An order being written: a code we do not carry, and nuts matched with their names."""
    pallet: Item = {"mention": "PALLET-EUR", "sku": None, "name": None, "unit": None}
    nuts: Item = {
        "mention": "NUT-M10",
        "sku": "NUT-M10",
        "name": "Hex nut M10 zinc plated",
        "name_zh": "六角螺母 M10 镀锌",
        "unit": "pcs",
    }
    return [{**pallet, "quantity": 10, "choices": []}, {**nuts, "quantity": 50, "choices": []}]


def test_a_line_named_in_chinese_takes_the_new_quantity() -> None:
    items, change = set_bare_quantity(_items(), "哦不对，托盘要20个", True, Change())
    assert [(item["mention"], item["quantity"]) for item in items] == [
        ("PALLET-EUR", 20),
        ("NUT-M10", 50),
    ]
    assert change.updated == [items[0]]
    items, _ = set_bare_quantity(_items(), "螺母要三十个", True, Change())
    assert [item["quantity"] for item in items] == [10, 30]


def test_chinese_words_name_the_line_they_mean_and_no_other() -> None:
    pallet, nuts = _items()
    assert matches(pallet, "托盘")
    assert not matches(nuts, "托盘")
    assert matches(nuts, "M10螺母")
    assert matches(nuts, "螺母")
    assert not matches(pallet, "螺母")
    assert not matches(nuts, "M10螺栓")  # the size alone is not the product
    assert matches(nuts, "nuts")
    assert matches(pallet, "pallets")


@pytest.mark.parametrize(
    ("said", "target"),
    [("那把托盘去掉吧", "托盘"), ("把这一项删掉", "这一项"), ("去掉螺母", "螺母"), ("删掉吧", "")],
)
def test_what_a_chinese_removal_names(said: str, target: str) -> None:
    found = REMOVE.search(said)
    assert found is not None
    assert next((words for words in found.groups() if words), "") == target


def test_a_chinese_address_looks_like_one_and_a_date_does_not() -> None:
    from actions.order_answers import looks_like_address

    assert looks_like_address("上海市浦东新区张江路88号3号仓库")
    assert looks_like_address("利兹市Canal路4号")
    assert not looks_like_address("12月15号")  # a day, at the address question too
    assert not looks_like_address("改到下周五")
    assert not looks_like_address("是的")


def test_what_a_review_found_is_read_right() -> None:
    """A house number is no day and no quantity, "8月" is no count of months, a guess at a
    number is asked again, a number before the product needs its measure word, "再加十个"
    adds, and "和" starts a comparison only before a period."""
    from actions.order_answers import date_in

    assert date_in("送到张江路5号") is None
    assert date_in("上海市浦东新区张江路88号3号仓库") is None
    assert bare_quantity("张江路5号") is None
    assert parse_date("8月", date(2026, 6, 15)) is None  # August, not eight months
    assert parse_date("1个月内", date(2026, 6, 15)) == date(2026, 7, 15)
    assert number("七八") is None
    assert number("两三") is None
    assert digits("统一") == "统一"
    line = requested_lines(
        "下周五BOLT-M8要40个", _tagged("下周五BOLT-M8要40个", ("sku", "BOLT-M8"))
    )
    assert [(found.mention, found.quantity) for found in line] == [("BOLT-M8", 40)]
    line = requested_lines("订单42的BOLT-M8", _tagged("订单42的BOLT-M8", ("sku", "BOLT-M8")))
    assert line[0].quantity is None
    last_month = period_in("螺栓和螺母上个月卖了多少", TODAY)
    assert last_month is not None
    assert last_month.start == date(2026, 11, 1)
    assert period_in("卖了2000个", TODAY) is None


def test_more_in_chinese_adds_to_the_line() -> None:
    from actions.chinese import plain
    from actions.order_items import MORE

    assert MORE.search(plain("再加十个")) is not None
