"""The agent console in a real browser, with a citizen in the web chat widget in another browser context.

Users are made with the documented command (``python -m hub.console.users create``) on the stack's
database; every test makes its own, so the figures it checks on the report page are its own.
"""

from __future__ import annotations

import csv
import re
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Route, WebSocketRoute, expect

from channels.webchat.channel import external_id_for
from tests.integration.stack import Stack

PASSWORD = "ม้าลายกินหญ้า-7-correct-horse"
LIVE = 20_000  # ms: a live update or a bot answer through the real stack
MARKUP = "<img src=x onerror=alert(1)><script>alert(2)</script>"


@dataclass(frozen=True)
class StaffUser:
    email: str
    name: str
    role: str


def create_user(stack: Stack, role: str, name: str) -> StaffUser:
    token = uuid.uuid4().hex[:8]
    user = StaffUser(f"{role}-{token}@example.go.th", f"{name} {token}", role)
    try:
        stack.create_user(user.email, user.name, role, PASSWORD)
    except subprocess.CalledProcessError as error:  # say why: the command's own message
        raise AssertionError(f"the users command failed:\n{error.stderr}") from error
    return user


class Pages:
    """Pages in separate browser contexts (own cookies and storage); records every dialog any of them opens."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.contexts: list[BrowserContext] = []
        self.dialogs: list[str] = []

    def open(self) -> Page:
        context = self.browser.new_context(locale="th-TH", timezone_id="Asia/Bangkok")
        self.contexts.append(context)
        page = context.new_page()
        # Confirmations (deleting a canned reply) are accepted; any other dialog would be a defect.
        page.on(
            "dialog",
            lambda dialog: (
                self.dialogs.append(f"{dialog.type}: {dialog.message}"),
                dialog.accept() if dialog.type == "confirm" else dialog.dismiss(),
            ),
        )
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def pages(browser: Browser) -> Iterator[Pages]:
    opened = Pages(browser)
    yield opened
    opened.close()


class Console:
    """The console page of one signed-in staff member."""

    def __init__(self, page: Page, stack: Stack, user: StaffUser) -> None:
        self.page, self.stack, self.user = page, stack, user

    def sign_in(self) -> Console:
        self.page.goto(f"{self.stack.hub_url}/console")
        self.page.get_by_label("อีเมล").fill(self.user.email)
        self.page.get_by_label("รหัสผ่าน").fill(PASSWORD)
        self.page.get_by_role("button", name="เข้าสู่ระบบ").click()
        expect(self.page.get_by_role("heading", name="คิวสนทนา")).to_be_visible()
        expect(self.page.locator("#agent-name")).to_have_text(self.user.name)
        # Set once: still there at the end means the page was never reloaded.
        self.page.evaluate("window.notReloaded = true")
        return self

    def waiting(self, conversation_id: str) -> Locator:
        return self.page.locator(f'#waiting-list .queue-item[data-conversation-id="{conversation_id}"]')

    def mine(self, conversation_id: str) -> Locator:
        return self.page.locator(f'#mine-list .queue-item[data-conversation-id="{conversation_id}"]')

    def transcript(self) -> Locator:
        return self.page.locator("#transcript")

    def messages(self, sender: str) -> Locator:
        return self.page.locator(f"#transcript .message-{sender} .message-text")

    def open(self, conversation_id: str) -> None:
        self.page.locator(f'.queue-item[data-conversation-id="{conversation_id}"] a').click()
        expect(self.page).to_have_url(re.compile(f"#conversation/{conversation_id}$"))
        expect(self.transcript().locator(".message").first).to_be_visible()

    def reply(self, text: str) -> None:
        box = self.page.get_by_label("ตอบกลับประชาชน")
        box.fill(text)
        box.press("Enter")

    def assert_never_reloaded(self) -> None:
        assert self.page.evaluate("window.notReloaded") is True


class Citizen:
    """A citizen in the web chat widget of the demo page."""

    def __init__(self, page: Page, stack: Stack) -> None:
        self.page, self.stack = page, stack
        page.goto(f"{stack.hub_url}/")
        expect(page.locator("#saphan-chat-panel")).to_be_visible()

    def say(self, text: str) -> None:
        self.page.locator("#saphan-chat-input").fill(text)
        self.page.locator("#saphan-chat-input").press("Enter")
        expect(self.page.locator("#saphan-chat-log .saphan-msg--citizen .saphan-bubble").last).to_have_text(text)

    def ask_for_a_human(self) -> str:
        """Ask for an officer; answers the id of the conversation once it waits in the queue."""
        self.say("ขอคุยกับเจ้าหน้าที่")
        token = self.page.evaluate("localStorage.getItem('saphan.webchat.session')")
        deadline = time.monotonic() + LIVE / 1000
        while time.monotonic() < deadline:
            rows = self.stack.rows(
                "SELECT c.id FROM conversations c JOIN channel_identities i ON i.id = c.identity_id "
                "WHERE i.channel = 'webchat' AND i.external_id = :external_id AND c.state = 'waiting'",
                external_id=external_id_for(token),
            )
            if rows:
                return str(rows[0]["id"])
            time.sleep(0.2)
        raise AssertionError("the conversation never reached the queue")

    def bubbles(self, sender: str) -> Locator:
        return self.page.locator(f"#saphan-chat-log .saphan-msg--{sender} .saphan-bubble")

    def say_and_expect(self, text: str, answer: str) -> None:
        self.say(text)
        expect(self.bubbles("bot").last).to_have_text(answer, timeout=LIVE)


def test_agent_answers_a_citizen_and_the_rating_reaches_the_supervisor_page(sqlite_stack: Stack, pages: Pages) -> None:
    stack = sqlite_stack
    supervisor = Console(pages.open(), stack, create_user(stack, "supervisor", "หัวหน้า สมศรี")).sign_in()
    agent = Console(pages.open(), stack, create_user(stack, "agent", "เจ้าหน้าที่ สมชาย")).sign_in()
    citizen = Citizen(pages.open(), stack)

    # A supervisor keeps a canned reply.
    canned_title = f"ทักทาย {uuid.uuid4().hex[:6]}"
    supervisor.page.get_by_role("link", name="ข้อความสำเร็จรูป").click()
    supervisor.page.get_by_label("ชื่อ", exact=True).fill(canned_title)
    supervisor.page.get_by_label("ภาษา", exact=True).select_option("th")
    supervisor.page.get_by_role("textbox", name="ข้อความ", exact=True).fill("สวัสดีค่ะ เจ้าหน้าที่รับเรื่องแล้ว มีอะไรให้ช่วยคะ")
    supervisor.page.get_by_role("button", name="บันทึก", exact=True).click()
    expect(supervisor.page.locator("#canned-rows tr", has_text=canned_title)).to_be_visible()

    conversation_id = citizen.ask_for_a_human()

    # The conversation appears in the agent's queue without a reload.
    item = agent.waiting(conversation_id)
    expect(item).to_be_visible(timeout=LIVE)
    expect(item.locator(".queue-priority")).to_have_text("ปกติ")
    expect(item.locator(".queue-channel")).to_have_text("เว็บแชท")
    expect(item.locator(".queue-language")).to_have_text("ไทย")
    expect(item.locator(".queue-reason")).to_have_text("ขอคุยกับเจ้าหน้าที่")
    expect(item.locator(".waited")).to_have_text(re.compile(r"^รอมา \d+:\d\d$"))
    first_waited = item.locator(".waited").text_content()
    expect(item.locator(".waited")).not_to_have_text(first_waited or "", timeout=3000)  # it ticks

    agent.open(conversation_id)
    expect(agent.messages("citizen")).to_have_text(["ขอคุยกับเจ้าหน้าที่"])
    expect(agent.page.locator("#transcript .message-citizen .message-sender")).to_have_text(["ประชาชน"])
    expect(agent.page.locator("#transcript .message-bot").first).to_be_visible()  # the bot's part too

    agent.page.get_by_role("button", name="รับเรื่อง").click()
    expect(agent.mine(conversation_id)).to_be_visible(timeout=LIVE)
    expect(agent.waiting(conversation_id)).to_have_count(0)
    expect(agent.page.locator("#conversation-facts")).to_contain_text(agent.user.name)

    # A canned reply fills the reply box; Enter sends it.
    agent.page.get_by_role("combobox", name="ข้อความสำเร็จรูป").select_option(label=canned_title)
    expect(agent.page.get_by_label("ตอบกลับประชาชน")).to_have_value("สวัสดีค่ะ เจ้าหน้าที่รับเรื่องแล้ว มีอะไรให้ช่วยคะ")
    agent.page.get_by_label("ตอบกลับประชาชน").press("Enter")
    expect(agent.messages("agent")).to_have_text(["สวัสดีค่ะ เจ้าหน้าที่รับเรื่องแล้ว มีอะไรให้ช่วยคะ"])
    expect(agent.page.locator("#transcript .message-agent .message-sender")).to_have_text(
        [f"เจ้าหน้าที่ {agent.user.name}"]
    )
    expect(agent.page.locator("#transcript .message-agent .message-status")).to_have_text(["ส่งแล้ว"], timeout=LIVE)
    expect(agent.page.get_by_label("ตอบกลับประชาชน")).to_have_value("")

    expect(citizen.bubbles("agent")).to_have_text(["สวัสดีค่ะ เจ้าหน้าที่รับเรื่องแล้ว มีอะไรให้ช่วยคะ"], timeout=LIVE)
    citizen.say("ไฟถนนหน้าบ้านดับสามวันแล้วค่ะ")
    expect(agent.messages("citizen")).to_have_text(["ขอคุยกับเจ้าหน้าที่", "ไฟถนนหน้าบ้านดับสามวันแล้วค่ะ"], timeout=LIVE)

    # Shift+Enter is a new line, not a send.
    box = agent.page.get_by_label("ตอบกลับประชาชน")
    box.fill("รับทราบค่ะ")
    box.press("Shift+Enter")
    box.type("จะแจ้งช่างให้ค่ะ")
    expect(box).to_have_value("รับทราบค่ะ\nจะแจ้งช่างให้ค่ะ")
    box.press("Enter")
    expect(citizen.bubbles("agent").last).to_have_text("รับทราบค่ะ\nจะแจ้งช่างให้ค่ะ", timeout=LIVE)

    agent.page.get_by_role("button", name="ปิดเรื่อง (แก้ไขแล้ว)").click()
    expect(agent.mine(conversation_id)).to_have_count(0, timeout=LIVE)

    # The citizen rates 4 with the chat's buttons, then comments.
    rating = citizen.page.locator("#saphan-chat-log .saphan-msg", has_text="ท่านพอใจกับการให้บริการครั้งนี้แค่ไหนคะ")
    expect(rating.get_by_role("button")).to_have_text(["1", "2", "3", "4", "5"], timeout=LIVE)
    rating.get_by_role("button", name="4", exact=True).click()
    expect(citizen.page.locator("#saphan-chat-log .saphan-msg").last).to_contain_text(
        "มีอะไรอยากบอกเพิ่มเติมไหมคะ", timeout=LIVE
    )
    citizen.say("เจ้าหน้าที่สุภาพมาก")
    expect(citizen.page.locator("#saphan-chat-log .saphan-msg").last).to_contain_text("ขอบคุณสำหรับคำตอบค่ะ", timeout=LIVE)

    # The rating is on the supervisor's report, in the agent's row.
    supervisor.page.get_by_role("link", name="รายงาน").click()
    row = supervisor.page.locator("#report-per-agent tr", has_text=agent.user.name)
    expect(row).to_be_visible(timeout=LIVE)
    expect(row.locator("td.csat-average")).to_have_text("4.00")
    expect(row.locator("td.csat-count")).to_have_text("1")
    for chart in ("ความพึงพอใจเฉลี่ยรายวัน", "การกระจายคะแนนความพึงพอใจรายวัน", "จำนวนการส่งต่อเจ้าหน้าที่รายวัน"):
        expect(supervisor.page.get_by_role("img", name=chart)).to_be_visible()
    with supervisor.page.expect_download() as download:
        supervisor.page.get_by_role("link", name="ดาวน์โหลด CSV").click()
    rows = list(csv.DictReader(Path(download.value.path()).read_text(encoding="utf-8").splitlines()))
    [agent_row] = [row for row in rows if row["scope"] == "agent" and row["key"] == agent.user.email]
    assert (agent_row["csat_responses"], agent_row["csat_average"], agent_row["csat_4"]) == ("1", "4.0", "1")

    for console in (agent, supervisor):
        console.assert_never_reloaded()
    assert pages.dialogs == []


def test_markup_from_the_citizen_and_the_agent_is_shown_as_text(sqlite_stack: Stack, pages: Pages) -> None:
    stack = sqlite_stack
    agent = Console(pages.open(), stack, create_user(stack, "agent", "เจ้าหน้าที่ มาลี")).sign_in()
    citizen = Citizen(pages.open(), stack)
    conversation_id = citizen.ask_for_a_human()
    citizen.say(MARKUP)

    expect(agent.waiting(conversation_id)).to_be_visible(timeout=LIVE)
    agent.open(conversation_id)
    expect(agent.messages("citizen")).to_have_text(["ขอคุยกับเจ้าหน้าที่", MARKUP], timeout=LIVE)
    agent.page.get_by_role("button", name="รับเรื่อง").click()
    expect(agent.mine(conversation_id)).to_be_visible(timeout=LIVE)

    reply = '<b onmouseover="alert(3)">ตัวหนา</b><script>alert(4)</script>'
    agent.reply(reply)
    expect(agent.messages("agent")).to_have_text([reply])
    expect(citizen.bubbles("agent")).to_have_text([reply], timeout=LIVE)

    note = "<iframe src=javascript:alert(5)></iframe>บันทึก"
    agent.page.get_by_label("เพิ่มบันทึกภายใน").fill(note)
    agent.page.get_by_role("button", name="บันทึก", exact=True).click()
    expect(agent.page.locator("#notes .note .message-text")).to_have_text([note])

    for page in (agent.page, citizen.page):
        assert page.locator("#transcript img, #transcript b, #transcript script, #notes iframe").count() == 0
    assert pages.dialogs == []


def test_the_queue_updates_live_when_a_conversation_arrives_and_another_agent_claims_it(
    sqlite_stack: Stack, pages: Pages
) -> None:
    stack = sqlite_stack
    first = Console(pages.open(), stack, create_user(stack, "agent", "เจ้าหน้าที่ หนึ่ง")).sign_in()
    second = Console(pages.open(), stack, create_user(stack, "agent", "เจ้าหน้าที่ สอง")).sign_in()
    citizen = Citizen(pages.open(), stack)

    conversation_id = citizen.ask_for_a_human()
    for console in (first, second):
        expect(console.waiting(conversation_id)).to_be_visible(timeout=LIVE)
    expect(first.page.locator("#announcer")).to_have_text("มีผู้รอสายใหม่: เว็บแชท ความสำคัญปกติ")
    waiting_count = first.page.locator("#waiting-count").text_content()
    expect(first.page).to_have_title(f"({waiting_count}) สะพาน — คอนโซลเจ้าหน้าที่")

    # Keyboard only: the queue item is a link; opening it moves the focus to the conversation.
    first.waiting(conversation_id).get_by_role("link").focus()
    first.page.keyboard.press("Enter")
    expect(first.page.get_by_role("heading", name="บทสนทนา", exact=True)).to_be_focused()
    expect(first.messages("citizen")).to_have_text(["ขอคุยกับเจ้าหน้าที่"])
    second.open(conversation_id)
    second.page.get_by_role("button", name="รับเรื่อง").click()
    expect(second.mine(conversation_id)).to_be_visible(timeout=LIVE)
    expect(first.waiting(conversation_id)).to_have_count(0, timeout=LIVE)
    expect(first.mine(conversation_id)).to_have_count(0)

    # The first agent's view was opened before: claiming now is refused and says by whom.
    first.page.get_by_role("button", name="รับเรื่อง").click()
    expect(first.page.locator("#claim-result")).to_have_text(f"มีผู้รับเรื่องนี้แล้ว: {second.user.name}")
    expect(first.page.get_by_role("button", name="รับเรื่อง")).to_be_hidden()

    for console in (first, second):
        console.assert_never_reloaded()


def test_sign_in_errors_lock_out_and_sign_out(sqlite_stack: Stack, pages: Pages) -> None:
    stack = sqlite_stack
    user = create_user(stack, "agent", "เจ้าหน้าที่ ลืมรหัส")
    page = pages.open()
    page.goto(f"{stack.hub_url}/console")
    error = page.locator("#sign-in-error")
    for attempt in range(5):
        page.get_by_label("อีเมล").fill(user.email)
        page.get_by_label("รหัสผ่าน").fill(f"wrong-{attempt}")
        page.get_by_role("button", name="เข้าสู่ระบบ").click()
        expect(error).to_have_text("อีเมลหรือรหัสผ่านไม่ถูกต้อง")
        expect(page.get_by_label("รหัสผ่าน")).to_have_value("")
    # Five failures lock the account: even the right password is refused, saying for how long.
    page.get_by_label("รหัสผ่าน").fill(PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    expect(error).to_have_text("บัญชีถูกล็อกชั่วคราวเพราะใส่รหัสผ่านผิดหลายครั้ง กรุณาลองใหม่ในอีก 15 นาที")

    other = Console(pages.open(), stack, create_user(stack, "agent", "เจ้าหน้าที่ ออกระบบ")).sign_in()
    expect(other.page.get_by_role("link", name="รายงาน")).to_be_hidden()  # agents have no reports
    # A second tab of the same browser shares the session.
    second_tab = other.page.context.new_page()
    second_tab.goto(f"{stack.hub_url}/console")
    expect(second_tab.locator("#agent-name")).to_have_text(other.user.name)

    other.page.get_by_role("button", name="ออกจากระบบ").click()
    expect(other.page.get_by_role("heading", name="เข้าสู่ระบบ")).to_be_visible()
    expect(other.page.locator("#sign-in-error")).to_be_hidden()
    other.page.reload()
    expect(other.page.get_by_role("heading", name="เข้าสู่ระบบ")).to_be_visible()

    # The other tab learns it at the hub's next live update (here: a citizen joins the queue).
    Citizen(pages.open(), stack).ask_for_a_human()
    expect(second_tab.get_by_role("heading", name="เข้าสู่ระบบ")).to_be_visible(timeout=LIVE)
    expect(second_tab.locator("#sign-in-error")).to_have_text("สิ้นสุดการเข้าสู่ระบบแล้ว กรุณาเข้าสู่ระบบอีกครั้ง")


def test_the_console_speaks_english_too(sqlite_stack: Stack, pages: Pages) -> None:
    stack = sqlite_stack
    console = Console(pages.open(), stack, create_user(stack, "supervisor", "Supervisor Jane")).sign_in()
    page = console.page
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Queue")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main menu").get_by_role("link")).to_have_text(
        ["Queue", "Canned replies", "Reports"]
    )
    page.reload()  # the choice is remembered
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.get_by_role("button", name="ภาษาไทย").click()
    expect(page.get_by_role("button", name="ออกจากระบบ")).to_be_visible()


def test_the_bots_summary_the_ticket_notes_and_the_phone_revealed_on_request(sqlite_stack: Stack, pages: Pages) -> None:
    stack = sqlite_stack
    agent = Console(pages.open(), stack, create_user(stack, "agent", "เจ้าหน้าที่ ใจดี")).sign_in()
    citizen = Citizen(pages.open(), stack)
    citizen.say_and_expect("ถนนหน้าบ้านเป็นหลุมใหญ่ครับ อยากแจ้งเรื่อง", "กรุณาเล่ารายละเอียดของปัญหาค่ะ")
    citizen.say_and_expect("หลุมลึกประมาณ 30 ซม. มอเตอร์ไซค์ล้มไปแล้วสองคัน", "ปัญหาอยู่ที่ไหนคะ (เช่น ซอย ถนน จุดสังเกต)")
    citizen.say_and_expect("ซอยสุขุมวิท 71 หน้าร้านสะดวกซื้อ", "ขอเบอร์โทรศัพท์สำหรับติดต่อกลับค่ะ (ไม่บังคับ กด ข้าม ได้)")
    citizen.say("081 234 5678")
    citizen.bubbles("bot").last.locator("xpath=..").get_by_role("button", name="ถูกต้อง ส่งเรื่อง").click(timeout=LIVE)
    expect(citizen.bubbles("bot").last).to_contain_text("เลขที่เรื่องของท่านคือ", timeout=LIVE)
    [ticket] = stack.rows(
        "SELECT reference FROM tickets WHERE description = :description ORDER BY created_at DESC LIMIT 1",
        description="หลุมลึกประมาณ 30 ซม. มอเตอร์ไซค์ล้มไปแล้วสองคัน",
    )
    conversation_id = citizen.ask_for_a_human()

    expect(agent.waiting(conversation_id)).to_be_visible(timeout=LIVE)
    agent.open(conversation_id)
    expect(agent.page.locator("#ticket dd")).to_contain_text(
        [ticket["reference"], "หลุมลึกประมาณ 30 ซม. มอเตอร์ไซค์ล้มไปแล้วสองคัน", "ซอยสุขุมวิท 71 หน้าร้านสะดวกซื้อ"]
    )
    expect(agent.page.locator("#summary")).to_contain_text("สิ่งที่ประชาชนถามล่าสุด")
    # The whole transcript, the complaint included.
    expect(agent.messages("citizen").first).to_have_text("ถนนหน้าบ้านเป็นหลุมใหญ่ครับ อยากแจ้งเรื่อง")
    expect(agent.page.locator("#phone-number")).to_have_text("081-XXX-XX78")
    expect(agent.page.get_by_role("button", name="แสดงเบอร์เต็ม")).to_be_hidden()  # not before claiming

    agent.page.get_by_role("button", name="รับเรื่อง").click()
    expect(agent.mine(conversation_id)).to_be_visible(timeout=LIVE)
    agent.page.get_by_role("button", name="แสดงเบอร์เต็ม").click()
    expect(agent.page.locator("#phone-number")).to_have_text("081-234-5678")
    expect(agent.page.get_by_role("button", name="แสดงเบอร์เต็ม")).to_be_hidden()

    # An internal note is marked as such and never reaches the citizen.
    expect(agent.page.locator(".notes-warning")).to_have_text("บันทึกภายในไม่ถูกส่งถึงประชาชน เห็นได้เฉพาะเจ้าหน้าที่")
    agent.page.get_by_label("เพิ่มบันทึกภายใน").fill("ประชาชนเคยแจ้งเรื่องนี้แล้ว ให้ติดตามกับกองช่าง")
    agent.page.get_by_role("button", name="บันทึก", exact=True).click()
    expect(agent.page.locator("#notes .note .message-text")).to_have_text(["ประชาชนเคยแจ้งเรื่องนี้แล้ว ให้ติดตามกับกองช่าง"])
    expect(agent.page.locator("#notes .note .message-sender")).to_have_text([agent.user.name])

    # Handing back: the bot answers the citizen again, the conversation leaves the agent's list.
    agent.page.get_by_role("button", name="ส่งคืนให้บอท").click()
    expect(agent.mine(conversation_id)).to_have_count(0, timeout=LIVE)
    expect(agent.page.locator("#conversation-facts")).to_contain_text("บอทตอบ")
    expect(citizen.page.locator("#saphan-chat-log")).not_to_contain_text("กองช่าง")
    expect(citizen.bubbles("system").last).to_have_text(
        "เจ้าหน้าที่ส่งการสนทนากลับให้ระบบตอบกลับอัตโนมัติแล้วค่ะ ต้องการอะไรเพิ่มเติม พิมพ์มาได้เลยค่ะ", timeout=LIVE
    )
    citizen.say_and_expect("สวัสดีค่ะ", "สวัสดีค่ะ ยินดีให้บริการค่ะ ต้องการแจ้งเรื่องร้องเรียน หรือติดตามเรื่องที่แจ้งไว้คะ")
    assert pages.dialogs == []


def test_a_supervisor_reassigns_and_sees_who_holds_each_conversation(sqlite_stack: Stack, pages: Pages) -> None:
    stack = sqlite_stack
    supervisor = Console(pages.open(), stack, create_user(stack, "supervisor", "หัวหน้า วิไล")).sign_in()
    agent = Console(pages.open(), stack, create_user(stack, "agent", "เจ้าหน้าที่ รับต่อ")).sign_in()
    citizen = Citizen(pages.open(), stack)
    conversation_id = citizen.ask_for_a_human()

    expect(supervisor.waiting(conversation_id)).to_be_visible(timeout=LIVE)
    supervisor.open(conversation_id)
    supervisor.page.get_by_label("มอบหมายให้").select_option(label=f"{agent.user.name} (เจ้าหน้าที่)")
    supervisor.page.get_by_role("button", name="มอบหมาย", exact=True).click()

    expect(agent.mine(conversation_id)).to_be_visible(timeout=LIVE)
    held = supervisor.page.locator(f'#claimed-list .queue-item[data-conversation-id="{conversation_id}"]')
    expect(held.locator(".queue-agent")).to_have_text(f"ดูแลโดย {agent.user.name}", timeout=LIVE)
    expect(supervisor.waiting(conversation_id)).to_have_count(0)
    expect(supervisor.page.locator("#conversation-facts")).to_contain_text(agent.user.name)
    # Agents do not see the others' conversations.
    expect(agent.page.locator("#claimed-list")).to_be_hidden()


def test_live_updates_come_back_after_the_connection_drops(sqlite_stack: Stack, pages: Pages) -> None:
    stack = sqlite_stack
    page = pages.open()
    sockets: list[WebSocketRoute] = []

    def through_to_the_hub(socket: WebSocketRoute) -> None:
        socket.connect_to_server()  # every frame passes unchanged; the test can cut the page's side
        sockets.append(socket)

    page.route_web_socket(re.compile(r"/console/ws$"), through_to_the_hub)
    agent = Console(page, stack, create_user(stack, "agent", "เจ้าหน้าที่ สัญญาณ")).sign_in()
    expect(page.locator("#connection")).to_be_hidden()
    assert len(sockets) == 1

    sockets[0].close(code=1011, reason="network lost")
    expect(page.locator("#connection")).to_have_text("การอัปเดตสดขาดหาย กำลังเชื่อมต่อใหม่…")
    expect(page.locator("#connection")).to_be_hidden(timeout=LIVE)
    assert len(sockets) == 2

    citizen = Citizen(pages.open(), stack)
    conversation_id = citizen.ask_for_a_human()
    expect(agent.waiting(conversation_id)).to_be_visible(timeout=LIVE)
    agent.assert_never_reloaded()


def test_a_reply_the_citizen_cannot_receive_shows_as_failed_with_the_reason(sqlite_stack: Stack, pages: Pages) -> None:
    stack = sqlite_stack
    agent = Console(pages.open(), stack, create_user(stack, "agent", "เจ้าหน้าที่ ส่งไม่ถึง")).sign_in()
    citizen = Citizen(pages.open(), stack)
    conversation_id = citizen.ask_for_a_human()
    expect(agent.waiting(conversation_id)).to_be_visible(timeout=LIVE)
    agent.open(conversation_id)
    agent.page.get_by_role("button", name="รับเรื่อง").click()
    expect(agent.mine(conversation_id)).to_be_visible(timeout=LIVE)

    citizen.page.close()  # the web chat is gone: nothing can be delivered
    agent.reply("ยังอยู่ในสายไหมคะ")
    expect(agent.page.locator("#transcript .message-agent .message-status")).to_have_text(
        ["ส่งไม่สำเร็จ: no open web chat; shown when the citizen reconnects"], timeout=LIVE
    )


def test_a_delivered_reply_stays_delivered_when_the_answer_to_sending_it_comes_late(
    sqlite_stack: Stack, pages: Pages
) -> None:
    stack = sqlite_stack
    agent = Console(pages.open(), stack, create_user(stack, "agent", "เจ้าหน้าที่ ช้า")).sign_in()
    citizen = Citizen(pages.open(), stack)
    conversation_id = citizen.ask_for_a_human()
    expect(agent.waiting(conversation_id)).to_be_visible(timeout=LIVE)
    agent.open(conversation_id)
    agent.page.get_by_role("button", name="รับเรื่อง").click()
    expect(agent.mine(conversation_id)).to_be_visible(timeout=LIVE)

    status = agent.page.locator("#transcript .message-agent .message-status")

    def answer_late(route: Route) -> None:
        response = route.fetch()  # the real hub stores the reply ("pending") and delivers it
        # The live events got there first: the reply is in the transcript, already delivered.
        expect(status).to_have_text(["ส่งแล้ว"], timeout=LIVE)
        route.fulfill(response=response)

    agent.page.route(re.compile(r"/reply$"), answer_late)
    agent.reply("มาช้ายังดีกว่าไม่มา")
    expect(agent.page.get_by_label("ตอบกลับประชาชน")).to_have_value("", timeout=LIVE)  # the late answer is in
    expect(agent.messages("agent")).to_have_text(["มาช้ายังดีกว่าไม่มา"])
    expect(status).to_have_text(["ส่งแล้ว"])
    expect(citizen.bubbles("agent")).to_have_text(["มาช้ายังดีกว่าไม่มา"])


def test_supervisors_keep_canned_replies_in_thai_and_english(sqlite_stack: Stack, pages: Pages) -> None:
    stack = sqlite_stack
    supervisor = Console(pages.open(), stack, create_user(stack, "supervisor", "หัวหน้า ข้อความ")).sign_in()
    page = supervisor.page
    page.get_by_role("link", name="ข้อความสำเร็จรูป").click()
    token = uuid.uuid4().hex[:6]
    for title, language, text in (
        (f"ขอบคุณ {token}", "th", "ขอบคุณที่แจ้งเรื่องค่ะ"),
        (f"Thanks {token}", "en", "Thank you for letting us know."),
    ):
        page.get_by_label("ชื่อ", exact=True).fill(title)
        page.get_by_label("ภาษา", exact=True).select_option(language)
        page.get_by_role("textbox", name="ข้อความ", exact=True).fill(text)
        page.get_by_role("button", name="บันทึก", exact=True).click()
        expect(page.locator("#canned-rows tr", has_text=title).locator("td")).to_have_text(
            [title, "ไทย" if language == "th" else "อังกฤษ", text, re.compile("แก้ไข.*ลบ")]
        )

    page.get_by_role("button", name=f"แก้ไข “Thanks {token}”").click()
    expect(page.get_by_role("heading", name="แก้ไขข้อความสำเร็จรูป")).to_be_visible()
    expect(page.get_by_label("ชื่อ", exact=True)).to_be_focused()
    page.get_by_role("textbox", name="ข้อความ", exact=True).fill("Thank you. An officer will follow this up.")
    page.get_by_role("button", name="บันทึก", exact=True).click()
    expect(page.locator("#canned-rows tr", has_text=f"Thanks {token}").locator("td").nth(2)).to_have_text(
        "Thank you. An officer will follow this up."
    )
    expect(page.get_by_role("heading", name="เพิ่มข้อความสำเร็จรูป")).to_be_visible()

    page.get_by_role("button", name=f"ลบ “ขอบคุณ {token}”").click()
    expect(page.locator("#canned-rows tr", has_text=f"ขอบคุณ {token}")).to_have_count(0)
    assert pages.dialogs == [f"confirm: ลบข้อความสำเร็จรูป “ขอบคุณ {token}” ใช่หรือไม่"]

    agent = Console(pages.open(), stack, create_user(stack, "agent", "เจ้าหน้าที่ ไม่ใช่หัวหน้า")).sign_in()
    expect(agent.page.get_by_role("link", name="ข้อความสำเร็จรูป")).to_be_hidden()
