"""The pictures of the Chinese web chat and chart in docs/ (docs/chinese.md), made from the
running product: a staff member's short conversation in Chinese in Debian's Chromium (as
tests/bot/test_page_language.py drives it), and the sales chart the ERP drew for it.

    GATEWAY_SESSIONS_PER_HOUR=1000 make run      # in another terminal; wait for "Ctrl-C stops"
    .venv/bin/python bench/screenshots_zh.py

or, with `--start`, on a product of its own (a fresh seeded ERP, as bench/chat_turn.py does):

    .venv/bin/python bench/screenshots_zh.py --start

Writes docs/img/webchat-zh.png (the page, the whole conversation, at 1.5x) and
docs/img/sales-chart-zh.png (the PNG the chat showed, as the ERP drew it). The chat is linked
as a staff member by a one-time code from the ERP, typed in Chinese ("绑定码 123456"), as a
person would. This machine has no Chinese font: every character on the page is drawn with the
font the gateway serves from the package the project installs.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.whole_product import running_product  # noqa: E402  (after the path is set)

IMAGES = ROOT / "docs" / "img"
CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STAFF = "maria.lopez"  # the demo's sales manager: she may see the company's figures
WIDTH, HEIGHT = 760, 900  # the window (CSS pixels; the picture is 1.5 times that)
REPLY_SECONDS = 90  # a turn through Rasa, the actions and the ERP


@dataclass(frozen=True)
class Product:
    chat_url: str
    link_code: str


@contextmanager
def running(start: bool) -> Iterator[Product]:
    """The product `make run` runs (CHAT_URL, ERP_URL, KEY_FILE as in shared/eval's talk.py),
    or one of its own with `start`; and a one-time code that links a chat to the staff member."""
    if start:
        with tempfile.TemporaryDirectory() as folder, running_product(Path(folder)) as product:
            yield Product(product.gateway_url, product.erp.link_code(principal_name=STAFF))
        return
    erp = os.environ.get("ERP_URL", "http://127.0.0.1:8000/api/v1")
    key = Path(os.environ.get("KEY_FILE", ROOT / "var" / "demo-manager.key")).read_text().strip()
    created = httpx.post(
        f"{erp}/identity/link-codes",
        json={"principal_name": STAFF},
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    )
    created.raise_for_status()
    yield Product(os.environ.get("CHAT_URL", "http://127.0.0.1:8080"), created.json()["code"])


def say(page: Page, text: str) -> list[str]:
    """Type `text`, send it, wait for the assistant's answer to be shown: its messages."""
    answers = page.locator(".message.theirs")
    before = answers.count()
    page.locator("#text").fill(text)
    page.locator("#composer button").click()
    expect(page.locator("#typing")).to_be_hidden(timeout=REPLY_SECONDS * 1000)
    expect(answers).not_to_have_count(before)
    return [answer.inner_text().strip() for answer in answers.all()[before:]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--start", action="store_true", help="start a product of its own")
    start = parser.parse_args().start
    IMAGES.mkdir(parents=True, exist_ok=True)
    with running(start) as product, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(
            locale="zh-CN", viewport={"width": WIDTH, "height": HEIGHT}, device_scale_factor=1.5
        )
        page = context.new_page()
        page.goto(product.chat_url)
        expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
        for text in ("你好", f"绑定码 {product.link_code}", "我的订单到哪了", "这个月销售额多少"):
            print(f"you: {text}")
            for answer in say(page, text):
                print(f"   bot: {answer}")
        chart = page.locator(".message.theirs img").last
        expect(chart).to_be_visible()
        page.wait_for_function(
            "image => image.complete && image.naturalWidth > 0", arg=chart.element_handle()
        )
        # the whole conversation in one picture: the window as tall as the page's content
        height = page.evaluate(
            "document.querySelector('.chat-header').offsetHeight"
            " + document.getElementById('messages').scrollHeight"
            " + document.getElementById('composer').offsetHeight"
        )
        page.set_viewport_size({"width": WIDTH, "height": max(HEIGHT, int(height) + 2)})
        page.evaluate("document.fonts.ready")
        source = chart.get_attribute("src") or ""
        if "language=zh" not in source:
            raise SystemExit(f"the chart was not asked for in Chinese: {source}")
        drawn = context.request.get(product.chat_url + source)  # the chat's own session
        if not drawn.ok or drawn.headers["content-type"] != "image/png":
            raise SystemExit(f"the chart could not be fetched: {drawn.status}")
        (IMAGES / "sales-chart-zh.png").write_bytes(drawn.body())
        page.screenshot(path=str(IMAGES / "webchat-zh.png"))
        browser.close()
    print(f"wrote {IMAGES / 'webchat-zh.png'} and {IMAGES / 'sales-chart-zh.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
