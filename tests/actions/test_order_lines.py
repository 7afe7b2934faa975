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
