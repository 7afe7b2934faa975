"""Order lines read from the user's words: quantities in digits and in words."""

from __future__ import annotations

import pytest

from actions.order_lines import bare_quantity, number_value, requested_lines


def products(text: str, *names: str) -> list[dict[str, object]]:
    """`product` entities at each name's position, as the entity tagger gives them."""
    return [
        {"entity": "product", "start": text.index(name), "end": text.index(name) + len(name)}
        for name in names
    ]


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("1,000", 1000),
        ("40", 40),
        ("ten", 10),
        ("Seventeen", 17),
        ("twenty-five", 25),
        ("thirty five", 35),
        ("a dozen", 12),
        ("two dozen", 24),
        ("two hundred and fifty", 250),
        ("three thousand five hundred", 3500),
        ("a thousand", 1000),
        ("an", 1),
    ],
)
def test_numbers_in_digits_and_words(written: str, value: int) -> None:
    assert number_value(written) == value


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        ("please order ten office chairs", ["office chairs"], [10]),
        ("i need two boxes of nitrile gloves", ["nitrile gloves"], [2]),
        ("buy a cordless drill", ["cordless drill"], [1]),
        ("I'd like to order an angle grinder", ["angle grinder"], [1]),
        ("buy two hundred rivets", ["rivets"], [200]),
        ("a box of earplugs and three pallets of cement", ["earplugs", "cement"], [1, 3]),
        ("get me twenty-five hex bolts and a dozen washers", ["hex bolts", "washers"], [25, 12]),
        ("We need 300 M10 nuts and 300 M10 washers", ["M10 nuts", "M10 washers"], [300, 300]),
        ("order some gloves", ["gloves"], [None]),
        ("I want the gloves, eleven of them", ["gloves"], [None]),
    ],
)
def test_each_product_gets_the_quantity_written_before_it(
    text: str, names: list[str], expected: list[int | None]
) -> None:
    lines = requested_lines(text, products(text, *names))
    assert [line.mention for line in lines] == names
    assert [line.quantity for line in lines] == expected


@pytest.mark.parametrize(
    ("text", "quantity"),
    [
        ("40", 40),
        ("40 please", 40),
        ("make it 1,000", 1000),
        ("twelve", 12),
        ("ten please", 10),
        ("a dozen", 12),
        ("make it thirty five", 35),
        ("a", None),  # "a" alone is an article, not an answer
        ("I want a refund", None),
        ("ten to twelve", None),  # two numbers: ask again rather than guess
        ("SO-2026-00042", None),
    ],
)
def test_an_answer_that_is_only_a_quantity(text: str, quantity: int | None) -> None:
    assert bare_quantity(text) == quantity


@pytest.mark.parametrize(
    ("text", "quantity"),
    [
        ("oh right, i thought they came in boxes. 100 a box so 2500 of them then", 2500),
        ("twelve not 10", 12),
        ("make it 20 instead of 30", 20),
        ("sorry the wood screws should be 1500", 1500),
        ("16mm ones", None),  # a size, not a quantity
        ("deliver on the 14th please", None),
        ("i was thinking of maybe 40 or so but not sure yet honestly", None),  # said in passing
    ],
)
def test_the_quantity_among_other_numbers(text: str, quantity: int | None) -> None:
    assert bare_quantity(text) == quantity


def test_product_words_tagged_apart_are_one_product() -> None:
    text = "10 tubes of clear silicon for next tue"
    lines = requested_lines(text, products(text, "clear", "silicon"))
    assert [(line.mention, line.quantity, line.unit) for line in lines] == [
        ("clear silicon", 10, "tubes")
    ]


@pytest.mark.parametrize(
    ("text", "name", "mention"),
    [
        ("3 bags of zip ties 300mm please", "zip ties", "zip ties 300mm"),
        ("1000 wood screws 4x40 for friday", "wood screws", "wood screws 4x40"),
        ("20 washers 16 mm", "washers", "washers 16 mm"),
        ("50 threaded rod m10", "threaded rod", "threaded rod m10"),
        ("6 pairs of nitrile gloves size xl", "nitrile gloves", "nitrile gloves size xl"),
        ("40 bolts 25 boxes", "bolts", "bolts"),  # a number alone is no size
    ],
)
def test_a_size_after_the_product_words_is_part_of_them(text: str, name: str, mention: str) -> None:
    assert [line.mention for line in requested_lines(text, products(text, name))] == [mention]


def test_ones_after_another_product_is_that_kind_of_product() -> None:
    text = "fifty 8mm wall plugs and fifty 10mm ones"
    lines = requested_lines(text, products(text, "8mm wall plugs", "ones"))
    assert [(line.mention, line.quantity) for line in lines] == [
        ("8mm wall plugs", 50),
        ("10mm wall plugs", 50),
    ]


def test_a_filler_word_tagged_as_a_product_is_none() -> None:
    text = "oh and a socket set"
    lines = requested_lines(text, products(text, "oh", "socket set"))
    assert [(line.mention, line.quantity) for line in lines] == [("socket set", 1)]


def test_a_message_naming_no_product_has_no_lines() -> None:
    assert requested_lines("cheers", []) == []
