"""The web page's own words follow the chat's language, in a real browser (Playwright driving
Debian's Chromium, as tests/web/test_browser.py; scripts/test.sh installs it) against the
gateway process and a stand-in assistant. A screenshot of each language is kept in
test-artifacts/ (and one at the moment of a failure)."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from bot.web import CJK_FONT_PATH
from tests.bot.conftest import Gateway
from tests.bot.peers import RasaRest

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


@pytest.fixture
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


def send(page: Page, text: str) -> None:
    page.locator("#text").fill(text)
    page.locator("#composer button").click()


def shows_chinese(page: Page) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page).to_have_title("订单台智能助手")
    expect(page.get_by_role("heading")).to_have_text("订单台智能助手")
    expect(page.locator(".chat-header p")).to_have_text(
        "订单、送货、发票。输入帮助查看我能做什么。"
    )
    expect(page.locator(".chat-header kbd")).to_have_text("帮助")
    expect(page.get_by_label("您的消息")).to_have_attribute(
        "placeholder", "输入消息，例如：SO-2026-00042到哪了？"
    )
    expect(page.get_by_role("button", name="发送")).to_be_visible()
    expect(page.get_by_role("main")).to_have_attribute("aria-label", "与订单台智能助手聊天")


def shows_english(page: Page) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_title("Order desk assistant")
    expect(page.get_by_role("heading")).to_have_text("Order desk assistant")
    expect(page.locator(".chat-header p")).to_have_text(
        "Orders, deliveries, invoices. Type help to see what I can do."
    )
    expect(page.locator(".chat-header kbd")).to_have_text("help")
    expect(page.get_by_label("Your message")).to_have_attribute(
        "placeholder", "Type a message, e.g. where is SO-2026-00042?"
    )
    expect(page.get_by_role("button", name="Send")).to_be_visible()
    expect(page.get_by_role("main")).to_have_attribute(
        "aria-label", "Chat with the order desk assistant"
    )


def test_the_pages_words_switch_with_the_chats_language(
    rasa: RasaRest, gateway: Gateway, browser: Browser
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    with gateway(rasa.url) as url:
        context = browser.new_context(locale="zh-CN")  # Accept-Language: zh-CN
        page = context.new_page()
        try:
            page.goto(url)
            shows_chinese(page)  # a new chat: the browser's language

            send(page, "where is my order")
            expect(page.locator(".message.theirs").last).to_have_text("You said: where is my order")
            shows_english(page)  # the chat speaks English now
            page.screenshot(path=str(ARTIFACTS / "web-chat-english.png"))

            send(page, "SO-2026-00042")  # no words: the chat keeps its language
            expect(page.locator(".message.theirs").last).to_have_text("You said: SO-2026-00042")
            shows_english(page)

            send(page, "我的订单到哪了")
            expect(page.locator(".message.theirs").last).to_have_text("You said: 我的订单到哪了")
            shows_chinese(page)
            page.screenshot(path=str(ARTIFACTS / "web-chat-chinese.png"))

            page.reload()  # the chat's language, not the browser's, on the next visit
            shows_chinese(page)
        except Exception:
            page.screenshot(path=str(ARTIFACTS / "web-chat-language-failure.png"))
            raise
        finally:
            context.close()

        # a browser in English whose chat then speaks Chinese
        context = browser.new_context(locale="en-GB")
        page = context.new_page()
        try:
            page.goto(url)
            shows_english(page)
            send(page, "你好")
            expect(page.locator(".message.theirs").last).to_have_text("You said: 你好")
            shows_chinese(page)
        finally:
            context.close()


def test_a_sign_in_link_is_offered_in_the_chats_language(
    rasa: RasaRest, gateway: Gateway, browser: Browser
) -> None:
    with gateway(rasa.url) as url:  # no ERP key: the link cannot be redeemed
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        try:
            page.goto(f"{url}/#link={'t' * 24}")
            offer = page.locator(".message.theirs").first
            expect(offer).to_contain_text(
                "您打开了一个登录链接。要把这个聊天关联到该链接所属的账户吗？"
            )
            expect(page.get_by_role("button", name="暂不关联")).to_be_visible()
            page.get_by_role("button", name="关联这个聊天").click()
            expect(page.locator(".message.theirs").last).to_have_text(
                re.compile("^抱歉，现在无法关联这个聊天")
            )
            expect(page).to_have_url(re.compile(r"/$"))  # the token left the address bar
        finally:
            context.close()


def drawn_with(page: Page, selector: str) -> dict[str, int]:
    """The fonts Chromium drew the first `selector`'s text with: family → glyphs drawn."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")
    node = cdp.send("DOM.querySelector", {"nodeId": root["root"]["nodeId"], "selector": selector})
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
    cdp.detach()
    return {font["familyName"]: font["glyphCount"] for font in fonts}


def has_chinese_font() -> bool:
    """Whether this machine has a font of its own for Chinese (then a browser may use it)."""
    if shutil.which("fc-list") is None:
        return False
    listed = subprocess.run(
        ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False
    )
    return bool(listed.stdout.strip())


def test_chinese_is_drawn_with_the_font_the_gateway_serves(
    rasa: RasaRest, gateway: Gateway, browser: Browser
) -> None:
    """On a machine without a Chinese font the page's Chinese is drawn in Noto Sans SC, the
    project's own (bot/web.py CJK_FONT), not as boxes: the page's words and a message alike.
    An English page without Chinese never fetches it."""
    if has_chinese_font():
        pytest.skip("this machine has a Chinese font of its own, which the page may use")
    ARTIFACTS.mkdir(exist_ok=True)
    with gateway(rasa.url) as url:
        context = browser.new_context(locale="en-GB")
        page = context.new_page()
        fetched: list[str] = []
        page.on("request", lambda request: fetched.append(urlsplit(request.url).path))
        try:
            page.goto(url)
            shows_english(page)
            page.evaluate("document.fonts.ready")
            assert CJK_FONT_PATH not in fetched
            assert "Noto Sans SC" not in drawn_with(page, "h1")

            send(page, "你好")  # the chat and the page turn Chinese
            expect(page.locator(".message.theirs").last).to_have_text("You said: 你好")
            shows_chinese(page)
            page.evaluate("document.fonts.ready")
            assert fetched.count(CJK_FONT_PATH) == 1
            for selector, characters in [
                ("h1", "订单台智能助手"),
                (".chat-header p", "订单、送货、发票。输入帮助查看我能做什么。"),
                ("#composer button", "发送"),
                (".message.mine .bubble", "你好"),
            ]:
                fonts = drawn_with(page, selector)
                assert fonts.get("Noto Sans SC") == len(characters), (selector, fonts)
            page.screenshot(path=str(ARTIFACTS / "web-chat-chinese-font.png"))
        except Exception:
            page.screenshot(path=str(ARTIFACTS / "web-chat-font-failure.png"))
            raise
        finally:
            context.close()
