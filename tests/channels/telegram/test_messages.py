"""Turning Telegram updates into hub messages and hub messages into Bot API calls."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from telegram import (
    CallbackQuery,
    Chat,
    InaccessibleMessage,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    PhotoSize,
    User,
    Venue,
)
from telegram import Location as TelegramLocation
from telegram import Message as TelegramMessage
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut

from channels.telegram.messages import (
    CALLBACK_DATA_LIMIT,
    TEXT_LIMIT,
    ButtonPayloadTooLong,
    Command,
    OutgoingText,
    chosen_language,
    delivery_error,
    inline_keyboard,
    language_choices,
    language_of,
    largest_photo,
    outgoing_texts,
    parse_command,
    pressed_title,
    shared_location,
    status_payload,
)
from hub.domain.content import Text, hub_messages
from hub.domain.conversations import (
    MAX_BUTTON_PAYLOAD_BYTES,
    Button,
    InvalidMessage,
    Location,
    Message,
    MessageStatus,
    Sender,
)

CHAT = Chat(id=5551234, type=Chat.PRIVATE)
NOW = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)


def hub_message(text: str, buttons: tuple[Button, ...] = (), language: str = "th") -> Message:
    return Message("m1", "c1", Sender.BOT, text, language, NOW, MessageStatus.PENDING, buttons)  # type: ignore[arg-type]


def telegram_message(**content: object) -> TelegramMessage:
    return TelegramMessage(message_id=7, date=NOW, chat=CHAT, **content)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("/start", Command("start", "")),
        ("/status 2026-K7MX-3QH9", Command("status", "2026-K7MX-3QH9")),
        ("  /STATUS   2026-k7mx-3qh9  ", Command("status", "2026-k7mx-3qh9")),
        ("/status@saphan_bot 2026-K7MX-3QH9", Command("status", "2026-K7MX-3QH9")),
        ("/help\nplease", Command("help", "please")),
    ],
)
def test_commands_are_recognised(text: str, command: Command) -> None:
    assert parse_command(text) == command


@pytest.mark.parametrize("text", ["สวัสดีครับ", "status 2026-K7MX-3QH9", "/ start", "/สถานะ", "a/b", "//start"])
def test_other_texts_are_not_commands(text: str) -> None:
    assert parse_command(text) is None


def test_status_asks_the_bot_with_the_reference_as_an_entity() -> None:
    assert status_payload("2026-K7MX-3QH9") == '/check_status{"reference": "2026-K7MX-3QH9"}'
    assert status_payload('x"} /cancel') == '/check_status{"reference": "x\\"} /cancel"}'  # quoted, not injected
    assert status_payload("") == "/check_status"


@pytest.mark.parametrize(
    ("code", "language"), [("th", "th"), ("th-TH", "th"), ("TH", "th"), ("en", "en"), ("de", "en"), (None, "th")]
)
def test_the_language_of_the_app_picks_thai_or_english(code: str | None, language: str) -> None:
    assert language_of(User(1, "A", False, language_code=code)) == language
    assert language_of(None) == "th"


def test_the_language_buttons_name_each_language_in_itself() -> None:
    assert [(choice.payload, choice.label) for choice in language_choices()] == [
        ("language:th", Text("ไทย", "ไทย")),
        ("language:en", Text("English", "English")),
    ]
    assert chosen_language("language:en") == "en"
    assert chosen_language("language:th") == "th"
    assert chosen_language("language:fr") is None
    assert chosen_language("/report_problem") is None


def test_the_title_of_the_pressed_button_is_read_from_its_message() -> None:
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("ถนน ทางเท้า", callback_data='/inform{"category":"road"}')],
            [InlineKeyboardButton("ขยะ", callback_data='/inform{"category":"garbage"}')],
        ]
    )
    message = telegram_message(text="ต้องการแจ้งปัญหาเรื่องใดคะ", reply_markup=keyboard)
    user = User(1, "A", False)
    query = CallbackQuery("q1", user, "ci", message=message, data='/inform{"category":"garbage"}')
    assert pressed_title(query) == "ขยะ"
    old = CallbackQuery("q2", user, "ci", message=InaccessibleMessage(CHAT, 7), data='/inform{"category":"garbage"}')
    assert pressed_title(old) is None


def test_the_largest_photo_size_is_kept() -> None:
    sizes = [PhotoSize("s", "s", 90, 90), PhotoSize("l", "l", 1280, 960), PhotoSize("m", "m", 320, 320)]
    assert largest_photo(sizes).file_id == "l"


def test_a_shared_location_and_a_venue() -> None:
    point = TelegramLocation(longitude=100.5018, latitude=13.7563)
    assert shared_location(telegram_message(location=point)) == Location(13.7563, 100.5018)
    venue = Venue(point, "ตลาดนัดจตุจักร", "ถนนกำแพงเพชร 2 แขวงจตุจักร")
    assert shared_location(telegram_message(location=point, venue=venue)) == Location(
        13.7563, 100.5018, "ตลาดนัดจตุจักร, ถนนกำแพงเพชร 2 แขวงจตุจักร"
    )
    with pytest.raises(InvalidMessage) as refused:
        shared_location(telegram_message(location=TelegramLocation(longitude=200.0, latitude=13.0)))
    assert refused.value.code == "invalid_location"


def test_buttons_become_an_inline_keyboard_one_per_row() -> None:
    keyboard = inline_keyboard((Button("ถนน ทางเท้า", '/inform{"category":"road"}'), Button("ข้าม", "/skip")))
    assert keyboard.to_dict() == {
        "inline_keyboard": [
            [{"text": "ถนน ทางเท้า", "callback_data": '/inform{"category":"road"}'}],
            [{"text": "ข้าม", "callback_data": "/skip"}],
        ]
    }


def test_a_payload_longer_than_telegram_allows_is_refused_not_cut() -> None:
    assert CALLBACK_DATA_LIMIT == MAX_BUTTON_PAYLOAD_BYTES == 64
    fits = "/inform" + '{"category":"' + "x" * 42 + '"}'
    assert len(fits.encode()) == 64
    inline_keyboard((Button("ok", fits),))
    too_long = '/inform{"category":"' + "ก" * 15 + '"}'  # 37 characters, 67 bytes in UTF-8
    with pytest.raises(ButtonPayloadTooLong) as refused:
        inline_keyboard((Button("ok", fits), Button("ยาว", too_long)))
    assert str(refused.value) == f"button 'ยาว': payload {too_long!r} is 67 bytes; Telegram allows 64"


def test_a_short_message_is_one_call_with_its_buttons() -> None:
    buttons = (Button("ข้าม", "/skip"),)
    assert outgoing_texts(hub_message("ขอเบอร์โทรศัพท์ค่ะ", buttons)) == [
        OutgoingText("ขอเบอร์โทรศัพท์ค่ะ", inline_keyboard(buttons))
    ]


def test_a_long_message_is_split_with_the_buttons_under_the_last_part() -> None:
    paragraph = "ก" * 3000
    buttons = (Button("ถูกต้อง ส่งเรื่อง", "/affirm"), Button("ไม่ถูกต้อง", "/deny"))
    parts = outgoing_texts(hub_message(f"{paragraph}\n\n{paragraph}\n\n{paragraph}", buttons))
    assert parts == [
        OutgoingText(paragraph),
        OutgoingText(paragraph),
        OutgoingText(paragraph, inline_keyboard(buttons)),
    ]
    text = "x" * (TEXT_LIMIT + 1)
    assert [len(part.text) for part in outgoing_texts(hub_message(text))] == [TEXT_LIMIT, 1]


def test_text_is_sent_as_written_without_a_parse_mode() -> None:
    text = "<b>ไม่ใช่ตัวหนา</b> & *ไม่ใช่* _ตัวเอียง_ [ลิงก์](x) \\ `code`"
    [part] = outgoing_texts(hub_message(text))
    assert part.text == text


def test_buttons_without_a_text_get_a_short_prompt_in_the_conversation_language() -> None:
    buttons = (Button("Skip", "/skip"),)
    [part] = outgoing_texts(hub_message("", buttons, language="en"))
    assert part == OutgoingText(hub_messages()["telegram.choose_below"].en, inline_keyboard(buttons))


def test_what_each_bot_api_error_means_for_the_outbox() -> None:
    rate_limited = delivery_error(RetryAfter(7), sent=2)
    assert (rate_limited.retryable, rate_limited.retry_after_seconds, rate_limited.sent) == (True, 7.0, 2)
    assert delivery_error(RetryAfter(timedelta(seconds=3)), sent=0).retry_after_seconds == 3.0

    blocked = delivery_error(Forbidden("Forbidden: bot was blocked by the user"), sent=1)
    assert (blocked.recipient_unreachable, blocked.retryable, blocked.sent) == (True, False, 1)
    assert blocked.reason == "Telegram: Forbidden: bot was blocked by the user"

    for error in (NetworkError("Internal Server Error"), NetworkError("Bad Gateway"), TimedOut()):
        failed = delivery_error(error, sent=0)
        assert (failed.retryable, failed.recipient_unreachable) == (True, False), error

    for error in (BadRequest("Chat not found"), InvalidToken(), ChatMigrated(-100123)):
        failed = delivery_error(error, sent=0)
        assert (failed.retryable, failed.recipient_unreachable) == (False, False), error
    assert delivery_error(BadRequest("Chat not found"), sent=0).reason == "Telegram: Chat not found"
