"""The web chat widget in a real browser (Debian's Chromium driven by Playwright)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.integration.stack import Stack


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="th-TH")
    yield context.new_page()
    context.close()


def test_thai_message_and_button_reply(sqlite_stack: Stack, page: Page) -> None:
    page.goto(f"{sqlite_stack.hub_url}/")
    log = page.locator("#saphan-chat-log")
    expect(page.locator("#saphan-chat-panel")).to_be_visible()
    expect(page.get_by_role("dialog")).to_be_visible()

    page.locator("#saphan-chat-input").fill("สวัสดีค่ะ")
    page.locator("#saphan-chat-input").press("Enter")
    expect(log.locator(".saphan-msg--citizen .saphan-bubble")).to_have_text(["สวัสดีค่ะ"])
    greeting = log.locator(".saphan-msg--bot").first
    expect(greeting.locator(".saphan-bubble")).to_have_text(
        "สวัสดีค่ะ ยินดีให้บริการค่ะ ต้องการแจ้งเรื่องร้องเรียน หรือติดตามเรื่องที่แจ้งไว้คะ"
    )
    expect(greeting).to_have_attribute("lang", "th")

    greeting.get_by_role("button", name="ติดตามเรื่อง").click()
    expect(log.locator(".saphan-msg--bot .saphan-bubble").last).to_have_text(
        "กรุณาพิมพ์เลขที่เรื่องที่ได้รับ เช่น ติดตามเรื่อง 2026-K7MX-3QH9 ค่ะ"
    )
    expect(greeting.get_by_role("button", name="ติดตามเรื่อง")).to_be_disabled()

    # The conversation survives a reload (session token in localStorage).
    page.reload()
    expect(page.locator("#saphan-chat-log .saphan-msg--citizen .saphan-bubble")).to_have_text(
        ["สวัสดีค่ะ", "ติดตามเรื่อง"]
    )


def test_html_from_the_citizen_is_shown_as_text(sqlite_stack: Stack, page: Page) -> None:
    page.goto(f"{sqlite_stack.hub_url}/")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.locator("#saphan-chat-input").fill("<img src=x onerror=alert(1)><script>alert(2)</script>")
    page.locator("#saphan-chat-send").click()
    expect(page.locator("#saphan-chat-log .saphan-msg--citizen .saphan-bubble")).to_have_text(
        ["<img src=x onerror=alert(1)><script>alert(2)</script>"]
    )
    expect(page.locator("#saphan-chat-log .saphan-msg--bot")).to_have_count(1)
    assert page.locator("#saphan-chat-log img").count() == 0
    assert dialogs == []


def test_keyboard_and_screen_reader_basics(sqlite_stack: Stack, page: Page) -> None:
    page.goto(f"{sqlite_stack.hub_url}/")
    expect(page.locator("#saphan-chat-log")).to_have_attribute("role", "log")
    expect(page.locator("#saphan-chat-log")).to_have_attribute("aria-live", "polite")
    page.locator("#saphan-chat-input").focus()
    page.keyboard.press("Escape")
    expect(page.locator("#saphan-chat-panel")).to_be_hidden()
    expect(page.locator("#saphan-chat-toggle")).to_be_focused()
    expect(page.locator("#saphan-chat-toggle")).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(page.locator("#saphan-chat-panel")).to_be_visible()
    expect(page.locator("#saphan-chat-input")).to_be_focused()
