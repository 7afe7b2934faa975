"""What the trained model must read the same way whatever the number in it: the commands the
bot itself tells people to type ("link 482913") and bare order numbers. Codes and numbers are
drawn at random (fixed seed), so this checks the pattern, not the examples in data/nlu."""

from __future__ import annotations

import asyncio
import logging
import random
from typing import Any

import pytest

from tests.product import trained_model

RANDOM = random.Random(2026)
CODES = [f"{RANDOM.randint(0, 999_999):06d}" for _ in range(40)]
ORDERS = [f"SO-2026-{RANDOM.randint(1, 99_999):05d}" for _ in range(20)]


@pytest.fixture(scope="module")
def parse() -> Any:
    from rasa.core.agent import Agent

    logging.disable(logging.INFO)
    agent = Agent.load(str(trained_model()))

    def parsed(text: str) -> dict[str, Any]:
        result: dict[str, Any] = asyncio.run(agent.parse_message(text))
        return result

    return parsed


def test_link_with_any_code_is_linking(parse: Any) -> None:
    misread = {
        text: parse(text)["intent"]["name"]
        for code in CODES
        for text in (f"link {code}", f"my code is {code}")
        if parse(text)["intent"]["name"] != "link_account"
    }
    assert misread == {}


def test_an_order_number_asks_for_that_order(parse: Any) -> None:
    misread = {}
    for number in ORDERS:
        for text in (f"where is {number}?", f"status of {number}", number):
            result = parse(text)
            entities = {entity["value"] for entity in result["entities"]}
            if result["intent"]["name"] != "check_order_status" or number not in entities:
                misread[text] = result["intent"]["name"]
    assert misread == {}


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("sales this month", "sales_report"),
        ("how are we doing vs last year", "sales_report"),
        ("show me this year's sales", "sales_report"),
        ("what's running low", "low_stock"),
        ("which products do we need to reorder", "low_stock"),
        ("top customers", "top_customers"),
        ("who are our biggest customers this year", "top_customers"),
    ],
)
def test_a_managers_questions(parse: Any, text: str, intent: str) -> None:
    assert parse(text)["intent"]["name"] == intent
