"""Citizens on Telegram, through the hub's real webhook, the real bot and the fake
Telegram Bot API (on both databases)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import httpx
import pytest
from telegram import Chat

from hub.domain.content import hub_messages, main_menu
from hub.outbox import UNREACHABLE_REASON
from tests.fakes.telegram_api import BLOCKED, TOKEN, FakeTelegramApi, TelegramCitizen
from tests.integration.bot_content import action_buttons, action_pattern, bot_says
from tests.integration.stack import SECRET, Stack
from tests.integration.telegram_chat import TelegramChat, eventually

MESSAGES = hub_messages()


def menu_buttons(language: str) -> list[dict[str, str]]:
    return [
        {"text": action.label.th if language == "th" else action.label.en, "callback_data": action.payload}
        for action in main_menu()
    ]


def test_start_welcomes_with_the_privacy_notice_in_the_language_of_the_app(stack: Stack) -> None:
    thai = TelegramChat.new(stack, language_code="th")
    welcome, notice = thai.send(thai.citizen.text("/start"), replies=2)
    assert welcome.text == MESSAGES["welcome"].th
    assert welcome.buttons == []
    assert notice.text == MESSAGES["privacy_notice"].th
    assert notice.buttons == menu_buttons("th")

    english = TelegramChat.new(stack, language_code="en-GB")
    welcome, notice = english.send(english.citizen.text("/start"), replies=2)
    assert [welcome.text, notice.text] == [MESSAGES["welcome"].en, MESSAGES["privacy_notice"].en]
    assert notice.buttons == menu_buttons("en")
    assert [(row["sender"], row["status"]) for row in english.transcript()] == [("system", "sent"), ("system", "sent")]


def test_help_offers_the_main_menu_and_a_button_goes_to_the_bot(stack: Stack) -> None:
    chat = TelegramChat.new(stack)
    [help_message] = chat.send(chat.citizen.text("/help"))
    assert help_message.text == MESSAGES["telegram.help"].th
    assert help_message.buttons == menu_buttons("th")

    press = chat.citizen.press(help_message, "แจ้งปัญหา")
    [question] = chat.send(press)
    assert question.text == "ต้องการแจ้งปัญหาเรื่องใดคะ"
    assert question.buttons[0] == {"text": "ถนน ทางเท้า", "callback_data": '/inform{"category":"road"}'}
    assert chat.answered(press) == 1

    citizen = [row for row in chat.transcript() if row["sender"] == "citizen"]
    assert [(row["text"], row["status"]) for row in citizen] == [("แจ้งปัญหา", "answered")]
    [stored] = chat.stack.rows(
        "SELECT payload FROM messages WHERE conversation_id = :c AND sender = 'citizen'", c=chat.conversation_id()
    )
    assert stored["payload"] == "/report_problem"


def test_an_unknown_command_gets_the_help(stack: Stack) -> None:
    chat = TelegramChat.new(stack, language_code="en")
    [help_message] = chat.send(chat.citizen.text("/settings"))
    assert help_message.text == MESSAGES["telegram.help"].en


def test_language_is_chosen_with_buttons(stack: Stack) -> None:
    chat = TelegramChat.new(stack, language_code="th")
    [question] = chat.send(chat.citizen.text("/language"))
    assert question.text == MESSAGES["telegram.choose_language"].th
    assert question.buttons == [
        {"text": "ไทย", "callback_data": "language:th"},
        {"text": "English", "callback_data": "language:en"},
    ]
    press = chat.citizen.press(question, "English")
    [chosen] = chat.send(press)
    assert chosen.text == MESSAGES["language_chosen"].en
    assert chat.answered(press) == 1
    [conversation] = chat.stack.rows("SELECT language FROM conversations WHERE id = :c", c=chat.conversation_id())
    assert conversation == {"language": "en"}

    [help_message] = chat.send(chat.citizen.text("/help"))
    assert help_message.text == MESSAGES["telegram.help"].en


def test_a_sticker_and_a_voice_message_are_answered_by_the_hub(stack: Stack) -> None:
    chat = TelegramChat.new(stack)
    [thanks] = chat.send(chat.citizen.sticker("👍"))
    assert thanks.text == MESSAGES["replies.sticker"].th
    [sorry] = chat.send(chat.citizen.voice())
    assert sorry.text == MESSAGES["replies.unsupported"].th
    citizen = [(row["kind"], row["text"]) for row in chat.transcript() if row["sender"] == "citizen"]
    assert citizen == [("sticker", "👍"), ("unsupported", "")]


def test_a_message_too_long_for_the_hub_is_refused_with_a_reason(stack: Stack) -> None:
    chat = TelegramChat.new(stack)
    [refusal] = chat.send(chat.citizen.text("ก" * 2001))
    assert refusal.text == MESSAGES["errors.message_too_long"].bilingual()
    assert chat.stored() == []


def test_group_chats_are_told_to_chat_in_private_and_nothing_is_stored(stack: Stack) -> None:
    chat = TelegramChat.new(stack)
    group = Chat(id=-1001234567890, type=Chat.SUPERGROUP, title="ชุมชนซอย 5")
    response = chat.post(chat.citizen.message(chat=group, text="/start@saphan_test_bot"))
    assert response.status_code == 200
    eventually(lambda: len(chat.api.sent_messages(str(group.id))) == 1, "the notice in the group")
    assert chat.api.sent_messages(str(group.id))[0].text == MESSAGES["telegram.private_only"].bilingual()
    assert stack.rows("SELECT * FROM channel_identities WHERE external_id = :g", g=str(group.id)) == []


def test_a_wrong_or_missing_secret_is_refused_and_nothing_is_processed(stack: Stack) -> None:
    chat = TelegramChat.new(stack)
    for secret in (None, "", "saphan-test-webhook-secret-0124"):
        update = chat.citizen.text("/start")
        response = chat.post(update, secret=secret)
        assert response.status_code == 401
        assert response.json()["error"] == "unauthorized"
        assert stack.rows("SELECT * FROM channel_events WHERE event_id = :u", u=str(update.update_id)) == []
    # A real update right after: only its answer arrives, so the refused ones did nothing.
    [help_message] = chat.send(chat.citizen.text("/help"))
    assert help_message.text == MESSAGES["telegram.help"].th
    assert len(chat.api.calls_of("sendMessage", chat.chat_id)) == 1


def test_a_body_that_is_not_an_update_is_refused(stack: Stack) -> None:
    chat = TelegramChat.new(stack)
    for body in ("not json", "[]", json.dumps({"update_id": "1"}), json.dumps({"update_id": 1, "message": "hi"})):
        response = chat.post(body)
        assert response.status_code == 400, body
        assert response.json()["error"] == "invalid_update"


def test_an_update_delivered_twice_is_processed_once(stack: Stack) -> None:
    chat = TelegramChat.new(stack)
    update = chat.citizen.text("/help")
    chat.send(update)
    assert chat.post(update).status_code == 200  # Telegram redelivers when it missed our answer
    [language_question] = chat.send(chat.citizen.text("/language"))
    assert language_question.text == MESSAGES["telegram.choose_language"].th
    assert [message.text for message in chat.received()] == [
        MESSAGES["telegram.help"].th,
        MESSAGES["telegram.choose_language"].th,
    ]


def test_a_rate_limit_is_waited_out_and_the_message_delivered(stack: Stack) -> None:
    chat = TelegramChat.new(stack)
    chat.api.fail("sendMessage", 429, "Too Many Requests: retry after 1", chat_id=chat.chat_id, retry_after=1, times=1)
    [help_message] = chat.send(chat.citizen.text("/help"))
    assert help_message.text == MESSAGES["telegram.help"].th
    assert [call.status for call in chat.api.calls_of("sendMessage", chat.chat_id)] == [429, 200]
    [stored] = chat.transcript()
    assert (stored["status"], stored["failure_reason"]) == ("sent", None)


def test_a_platform_that_keeps_failing_leaves_a_stored_failure(stack: Stack) -> None:
    chat = TelegramChat.new(stack)
    chat.api.fail("sendMessage", 500, "Internal Server Error", chat_id=chat.chat_id, times=None)
    assert chat.post(chat.citizen.text("/help")).status_code == 200
    eventually(lambda: chat.stored() and chat.stored()[-1]["status"] == "failed", "the failure to be stored")
    [failed] = chat.transcript()
    assert failed["text"] == MESSAGES["telegram.help"].th
    assert failed["status"] == "failed"
    assert failed["failure_reason"] == "Telegram: Internal Server Error"
    assert [call.status for call in chat.api.calls_of("sendMessage", chat.chat_id)] == [500, 500, 500, 500]
    chat.api.clear_failures(chat.chat_id)
    assert "Telegram: Internal Server Error" in stack.hub_log()
    assert TOKEN not in stack.hub_log()  # the Bot API URLs carry the token: they are not logged


def test_a_citizen_who_blocked_the_bot_is_marked_unreachable_until_they_write(stack: Stack) -> None:
    chat = TelegramChat.new(stack)
    chat.api.fail("sendMessage", 403, BLOCKED, chat_id=chat.chat_id, times=None)
    assert chat.post(chat.citizen.text("/start")).status_code == 200
    eventually(lambda: len(chat.stored()) == 2 and not chat.pending(), "the welcome to fail")
    assert [(row["status"], row["failure_reason"]) for row in chat.transcript()] == [
        ("failed", UNREACHABLE_REASON),
        ("failed", UNREACHABLE_REASON),
    ]
    assert len(chat.api.calls_of("sendMessage", chat.chat_id)) == 1  # not sent to again, not even the rest
    [identity] = stack.rows("SELECT reachable FROM channel_identities WHERE external_id = :c", c=chat.chat_id)
    assert identity == {"reachable": False}

    chat.api.clear_failures(chat.chat_id)  # unblocked: writing again makes them reachable
    [help_message] = chat.send(chat.citizen.text("/help"))
    assert help_message.text == MESSAGES["telegram.help"].th
    [identity] = stack.rows("SELECT reachable FROM channel_identities WHERE external_id = :c", c=chat.chat_id)
    assert identity == {"reachable": True}


@pytest.fixture(scope="module")
def polling_stack(sqlite_stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A second hub, in polling mode, on its own database and fake Bot API; the bot is the SQLite stack's."""
    workdir = tmp_path_factory.mktemp("telegram-polling")
    api = FakeTelegramApi(polling=True)
    polling = Stack(f"sqlite:///{workdir / 'hub.db'}", workdir, rasa_url=sqlite_stack.rasa_url, fakes={"telegram": api})
    try:
        api.start()
        api.webhook = {"url": "https://saphan.example.go.th/channels/telegram/webhook"}  # left from production
        polling.start_hub()
        yield polling
    finally:
        polling.stop()


def test_polling_mode_asks_telegram_for_updates(polling_stack: Stack) -> None:
    api = polling_stack.fakes["telegram"]
    assert isinstance(api, FakeTelegramApi)
    chat = TelegramChat(polling_stack, TelegramCitizen(api, 700_999_001))
    eventually(lambda: bool(api.calls_of("getUpdates")), "the first getUpdates")
    methods = [call.method for call in api.calls]
    assert methods.index("deleteWebhook") < methods.index("getUpdates")
    assert api.webhook is None
    assert api.calls_of("getUpdates")[0].parameters["allowed_updates"] == ["message", "callback_query"]

    first, second = chat.citizen.text("/help"), chat.citizen.text("/language")
    api.queue_update(first)
    api.queue_update(second)
    help_message, language_question = chat.wait_for_replies(0, 2)
    assert help_message.text == MESSAGES["telegram.help"].th
    assert language_question.text == MESSAGES["telegram.choose_language"].th

    press = chat.citizen.press(help_message, "แจ้งปัญหา")
    api.queue_update(press)
    [question] = chat.wait_for_replies(2, 1)
    assert question.text == "ต้องการแจ้งปัญหาเรื่องใดคะ"
    assert chat.answered(press) == 1
    # Each update was confirmed by the next call's offset, and processed once.
    offsets = [call.parameters.get("offset") for call in api.calls_of("getUpdates")]
    assert second.update_id + 1 in offsets and press.update_id + 1 in offsets
    assert [row["text"] for row in chat.transcript() if row["sender"] == "citizen"] == ["แจ้งปัญหา"]

    webhook = httpx.post(polling_stack.hub_url + "/channels/telegram/webhook", content=b"{}", timeout=10)
    assert webhook.status_code == 404  # no webhook to forge in polling mode


REFERENCE = r"20\d\d-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}"


def keyboard(key: str, language: str = "th") -> list[dict[str, str]]:
    """The buttons of a bot message as Telegram's inline keyboard shows them."""
    return [{"text": button["title"], "callback_data": button["payload"]} for button in action_buttons(key, language)]


PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(range(256)) * 40  # the largest size of the photo


def test_a_thai_complaint_with_a_photo_and_a_shared_place_ends_in_a_ticket_with_both(stack: Stack) -> None:
    chat = TelegramChat.new(stack)
    assert chat.say("ถนนหน้าบ้านเป็นหลุมใหญ่ครับ อยากแจ้งเรื่อง") == [bot_says("ask_complaint_description")]

    description = "หลุมลึกประมาณ 30 ซม. มอเตอร์ไซค์ล้มไปแล้วสองคัน"
    replies = chat.send(chat.citizen.photo(PHOTO, caption=description), replies=3)
    assert [reply.text for reply in replies] == [
        bot_says("photo_received"),
        bot_says("ask_complaint_description"),  # the photo came first: the form asks again
        bot_says("ask_complaint_location"),  # ... and the caption answered it
    ]

    place = "ร้านสะดวกซื้อหน้าซอยสุขุมวิท 71, ถนนสุขุมวิท แขวงพระโขนงเหนือ"
    received, phone_question = chat.send(
        chat.citizen.venue(13.7215, 100.5973, "ร้านสะดวกซื้อหน้าซอยสุขุมวิท 71", "ถนนสุขุมวิท แขวงพระโขนงเหนือ"),
        replies=2,
    )
    assert received.text == bot_says("location_received", location=place)
    assert (phone_question.text, phone_question.buttons) == (
        bot_says("ask_complaint_phone"),
        keyboard("ask_complaint_phone"),
    )

    [summary] = chat.press(phone_question, "ข้าม")
    attachments = "\n" + bot_says("summary_photos", count=1) + "\n" + bot_says("summary_map_location")
    assert summary.text == bot_says(
        "complaint_summary",
        category="ถนน ทางเท้า",
        description=description,
        location=place,
        attachments=attachments,
        phone="-",
    )
    assert summary.buttons == keyboard("complaint_summary")

    filed, rating_question = chat.press(summary, "ถูกต้อง ส่งเรื่อง", replies=2)
    assert rating_question.text == hub_messages()["csat.question_ticket"].th  # the hub asks how it went
    assert [button["text"] for button in rating_question.buttons] == ["1", "2", "3", "4", "5"]
    match = action_pattern("ticket_filed", reference=REFERENCE).fullmatch(filed.text)
    assert match is not None, filed.text
    reference = match.group("reference")

    ticket = httpx.get(
        f"{stack.hub_url}/internal/tickets/{reference}",
        params={"conversation_id": chat.conversation_id()},
        headers={"Authorization": f"Bearer {SECRET}"},
        timeout=10,
    ).json()
    assert ticket["coordinates"] == {"latitude": 13.7215, "longitude": 100.5973}
    [media_id] = ticket["photos"]
    photo = httpx.get(f"{stack.hub_url}/internal/media/{media_id}", headers={"Authorization": f"Bearer {SECRET}"})
    assert (photo.content, photo.headers["content-type"]) == (PHOTO, "image/jpeg")
    [row] = stack.rows("SELECT category, description, location FROM tickets WHERE reference = :r", r=reference)
    assert row == {"category": "road", "description": description, "location": place}

    citizen = [row for row in chat.transcript() if row["sender"] == "citizen"]
    assert [(row["kind"], row["text"]) for row in citizen] == [
        ("text", "ถนนหน้าบ้านเป็นหลุมใหญ่ครับ อยากแจ้งเรื่อง"),
        ("photo", ""),
        ("text", description),
        ("location", place),
        ("text", "ข้าม"),
        ("text", "ถูกต้อง ส่งเรื่อง"),
    ]
    assert citizen[1]["media_id"] == media_id
    assert citizen[3]["location"] == {"latitude": 13.7215, "longitude": 100.5973, "address": place}
    tracker = httpx.get(f"{stack.rasa_url}/conversations/{chat.conversation_id()}/tracker", timeout=10).json()
    tracker = json.dumps(tracker, ensure_ascii=False)
    assert description in tracker and chat.chat_id not in tracker  # Rasa never learns the Telegram chat id

    # /status is English letters; the conversation stays Thai.
    [status] = chat.say(f"/status {reference}")
    assert action_pattern("ticket_status_received", reference=re.escape(reference), category="ถนน ทางเท้า").fullmatch(
        status
    )
    [status_row] = [row for row in chat.stored() if row["text"] == f"/status {reference}"]
    assert (status_row["payload"], status_row["language"]) == (f'/check_status{{"reference": "{reference}"}}', "th")
    assert chat.say("/status") == [bot_says("ask_reference")]


def test_a_plain_location_is_taken_by_its_coordinates(stack: Stack) -> None:
    chat = TelegramChat.new(stack, language_code="en")
    chat.say("I want to report a broken streetlight")
    chat.say("The lamp at the corner has been dark for a week")
    received, phone_question = chat.send(chat.citizen.location(13.7563, 100.5018), replies=2)
    assert received.text == bot_says("location_received", "en", location="13.7563, 100.5018")
    assert phone_question.text == bot_says("ask_complaint_phone", "en")
    [location] = [row for row in chat.transcript() if row["kind"] == "location"]
    assert location["location"] == {"latitude": 13.7563, "longitude": 100.5018, "address": ""}
    assert location["text"] == "13.756300, 100.501800"


def test_special_characters_arrive_exactly_as_written(stack: Stack) -> None:
    """The complaint summary repeats what the citizen typed; HTML or Markdown would eat or refuse these.

    (No reply of the bot or the hub can exceed Telegram's 4,096 characters yet:
    splitting is tested against the fake API in tests/channels/telegram/test_delivery.py.)
    """
    chat = TelegramChat.new(stack)
    chat.say("น้ำท่วมขังหน้าบ้านครับ")
    description = "ท่อระบายน้ำ <ตัน> & น้ำขัง *ทุกวัน* ใกล้ป้าย bus_stop_12 [ซ้าย](ขวา) \\ `ทดสอบ` #1 &amp; <b>"
    location = "ซอย_5 <หน้าตลาด> & *ป้ายรถเมล์*"
    assert chat.say(description) == [bot_says("ask_complaint_location")]
    assert chat.say(location) == [bot_says("ask_complaint_phone")]
    [summary] = chat.send(chat.citizen.text("081-234-5678"))
    expected = bot_says(
        "complaint_summary",
        category="น้ำท่วม ท่อระบายน้ำ",
        description=description,
        location=location,
        attachments="",
        phone="081-234-5678",
    )
    assert summary.text == expected
    assert summary.buttons == keyboard("complaint_summary")
    [stored] = [row for row in chat.transcript() if row["sender"] == "bot" and row["text"] == expected]
    assert stored["status"] == "sent"
