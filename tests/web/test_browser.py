"""The web chat page in a real browser: Playwright driving Debian's Chromium (/usr/bin/chromium,
installed by scripts/test.sh) against the whole product. A screenshot of the conversation is
kept in test-artifacts/ (and one at the moment of a failure)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.whole_product import Product

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
# Without the networking flags Chromium keeps trying hosts this machine cannot reach.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NUMBER = re.compile(r"SO-\d{4}-\d{5}")


@pytest.fixture
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


def send(page: Page, text: str) -> None:
    page.get_by_label("Your message").fill(text)
    page.get_by_role("button", name="Send").click()


def test_a_customer_checks_an_order_and_places_one_with_buttons(
    product: Product, browser: Browser
) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        page.goto(product.gateway_url)
        expect(page.get_by_role("heading")).to_have_text("Order desk assistant")

        send(page, f"link {product.erp.link_code('CUST-0004')}")
        expect(page.locator(".message.theirs").last).to_contain_text("now linked", timeout=60_000)

        with product.erp.as_manager() as manager:
            known = manager.get("/orders", params={"customer_code": "CUST-0004"}).json()
        number = known["items"][0]["number"]
        send(page, f"where is {number}?")
        expect(page.locator(".message.theirs").last).to_contain_text(number, timeout=60_000)

        send(page, "I'd like to order 40 BOLT-M8 by Friday")
        usual = page.get_by_role("button", name=re.compile("^Yes, the usual address"))
        usual.click(timeout=60_000)
        confirm = page.get_by_role("button", name="Confirm")
        confirm.wait_for(timeout=60_000)
        preview = page.locator(".message.theirs").filter(has=confirm).inner_text()
        placed = NUMBER.search(preview)
        assert placed is not None
        assert "40 x BOLT-M8" in preview
        confirm.click()
        expect(page.locator(".message.theirs").last).to_contain_text(
            f"Order {placed.group()} is confirmed", timeout=60_000
        )
        expect(confirm).to_be_disabled()  # a question is answered once
        page.screenshot(path=str(ARTIFACTS / "web-chat.png"), full_page=True)
    except Exception:
        page.screenshot(path=str(ARTIFACTS / "web-chat-failure.png"), full_page=True)
        raise

    with product.erp.as_manager() as manager:
        order = manager.get(f"/orders/{placed.group()}").json()
    assert order["status"] == "confirmed"
    assert order["channel"] == "web"


def test_a_manager_sees_this_years_sales_as_a_chart(product: Product, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 1024, "height": 900})  # its own cookie
    page = context.new_page()
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        page.goto(product.gateway_url)
        send(page, f"link {product.erp.link_code(principal_name='maria.lopez')}")
        expect(page.locator(".message.theirs").last).to_contain_text("now linked", timeout=60_000)
        send(page, "how are we doing vs last year")
        expect(page.locator(".message.theirs").filter(has_text="This year to date")).to_have_count(
            1, timeout=60_000
        )
        chart = page.locator(".message.theirs img")
        expect(chart).to_have_count(1, timeout=60_000)
        expect(chart).to_have_attribute("src", re.compile(r"^/chat/charts/monthly-sales\.png"))
        # the browser fetched and decoded the picture (a broken image has no natural width)
        page.wait_for_function(
            "() => { const i = document.querySelector('.message.theirs img');"
            " return i && i.complete && i.naturalWidth > 600; }",
            timeout=60_000,
        )
        page.screenshot(path=str(ARTIFACTS / "web-chat-sales.png"), full_page=True)
    except Exception:
        page.screenshot(path=str(ARTIFACTS / "web-chat-sales-failure.png"), full_page=True)
        raise
    finally:
        context.close()
