"""Sending through the real python-telegram-bot client to the fake Bot API: what
arrives, in which order, and what each failure tells the hub's outbox."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import pytest
from telegram.error import BadRequest

from channels.base import DeliveryError
from channels.telegram import TelegramChannel
from channels.telegram.settings import TelegramSettings
from hub.domain.conversations import Button, Message, MessageStatus, Sender
from tests.fakes.telegram_api import BLOCKED, FakeTelegramApi, SentMessage

CHAT_ID = "5550001"


@pytest.fixture
def api() -> Iterator[FakeTelegramApi]:
    fake = FakeTelegramApi()
    fake.start()
    yield fake
    fake.stop()


def settings_for(api: FakeTelegramApi) -> TelegramSettings:
    settings = TelegramSettings.from_environment(api.hub_environment())
    assert settings is not None
    return settings


@pytest.fixture
async def channel(api: FakeTelegramApi) -> AsyncIterator[TelegramChannel]:
    opened = TelegramChannel(settings_for(api), typing_interval_seconds=0.05)
    await opened.start()
    yield opened
    await opened.stop()


def message(text: str, *buttons: Button) -> Message:
    return Message("m", "c", Sender.BOT, text, "th", datetime.now(UTC), MessageStatus.PENDING, tuple(buttons))


def texts(sent: list[SentMessage]) -> list[str]:
    return [message.text for message in sent]


async def test_messages_arrive_in_order_exactly_as_written(api: FakeTelegramApi, channel: TelegramChannel) -> None:
    special = "ราคา < 100 บาท & ส่วนลด *50%* สำหรับ_ผู้สูงอายุ_ <b>ไม่ใช่ตัวหนา</b> [x](y) \\o/"
    await channel.deliver(CHAT_ID, [message("ข้อความแรก"), message(special, Button("ข้าม", "/skip"))])
    first, second = api.sent_messages(CHAT_ID)
    assert (first.text, first.buttons) == ("ข้อความแรก", [])
    assert (second.text, second.buttons) == (special, [{"text": "ข้าม", "callback_data": "/skip"}])
    assert [call.parameters.get("parse_mode") for call in api.calls_of("sendMessage")] == [None, None]


async def test_the_fake_renders_by_telegram_rules(api: FakeTelegramApi, channel: TelegramChannel) -> None:
    """What makes the test above able to fail: markup in a parse mode is not what the citizen reads."""
    bot = settings_for(api).bot()
    async with bot:
        sent = await bot.send_message(CHAT_ID, "a &lt; b &amp; <b>c</b>", parse_mode="HTML")
        assert sent.text == "a < b & c"
        with pytest.raises(BadRequest, match="(?i)can't parse entities"):
            await bot.send_message(CHAT_ID, "a < b & c", parse_mode="HTML")
        sent = await bot.send_message(CHAT_ID, "*bold* and _italic_", parse_mode="Markdown")
        assert sent.text == "bold and italic"
        with pytest.raises(BadRequest, match="(?i)can't parse entities"):
            await bot.send_message(CHAT_ID, "snake_case", parse_mode="Markdown")
        with pytest.raises(BadRequest, match="reserved"):
            await bot.send_message(CHAT_ID, "1 + 1 = 2.", parse_mode="MarkdownV2")


async def test_a_long_text_is_split_and_the_buttons_go_under_its_last_part(
    api: FakeTelegramApi, channel: TelegramChannel
) -> None:
    paragraphs = ["ก" * 4000, "ข" * 4000, "ค" * 100]
    await channel.deliver(CHAT_ID, [message("\n\n".join(paragraphs), Button("ถูกต้อง", "/affirm"))])
    sent = api.sent_messages(CHAT_ID)
    assert texts(sent) == paragraphs
    assert [part.buttons for part in sent] == [[], [], [{"text": "ถูกต้อง", "callback_data": "/affirm"}]]


async def test_a_rate_limit_mid_batch_reports_what_was_sent(api: FakeTelegramApi, channel: TelegramChannel) -> None:
    api.fail("sendMessage", 429, "Too Many Requests: retry after 3", retry_after=3, after=1)
    with pytest.raises(DeliveryError) as failed:
        await channel.deliver(CHAT_ID, [message("หนึ่ง"), message("สอง"), message("สาม")])
    assert (failed.value.sent, failed.value.retryable, failed.value.retry_after_seconds) == (1, True, 3.0)
    assert failed.value.reason == "Telegram: Flood control exceeded. Retry in 3 seconds"
    assert texts(api.sent_messages(CHAT_ID)) == ["หนึ่ง"]


async def test_a_message_cut_short_counts_as_not_sent(api: FakeTelegramApi, channel: TelegramChannel) -> None:
    api.fail("sendMessage", 500, "Internal Server Error", after=2)
    with pytest.raises(DeliveryError) as failed:
        await channel.deliver(CHAT_ID, [message("สั้น"), message("ก" * 4090 + "\n\n" + "ข" * 10)])
    assert (failed.value.sent, failed.value.retryable) == (1, True)
    assert texts(api.sent_messages(CHAT_ID)) == ["สั้น", "ก" * 4090]  # the retry sends the whole message again


async def test_a_blocked_bot_makes_the_citizen_unreachable(api: FakeTelegramApi, channel: TelegramChannel) -> None:
    api.fail("sendMessage", 403, BLOCKED, chat_id=CHAT_ID, times=None)
    with pytest.raises(DeliveryError) as failed:
        await channel.deliver(CHAT_ID, [message("สวัสดีค่ะ"), message("ยังอยู่ไหมคะ")])
    assert (failed.value.sent, failed.value.recipient_unreachable, failed.value.retryable) == (0, True, False)
    assert len(api.calls_of("sendMessage", CHAT_ID)) == 1


async def test_a_refused_request_is_not_retried(api: FakeTelegramApi, channel: TelegramChannel) -> None:
    api.fail("sendMessage", 400, "Bad Request: chat not found")
    with pytest.raises(DeliveryError) as failed:
        await channel.deliver(CHAT_ID, [message("สวัสดีค่ะ")])
    assert (failed.value.retryable, failed.value.recipient_unreachable) == (False, False)
    assert failed.value.reason == "Telegram: Chat not found"


async def test_a_payload_too_long_for_a_button_fails_loudly(api: FakeTelegramApi, channel: TelegramChannel) -> None:
    too_long = "/inform" + '{"category":"' + "x" * 43 + '"}'
    with pytest.raises(DeliveryError) as failed:
        await channel.deliver(CHAT_ID, [message("ก่อน"), message("เลือกค่ะ", Button("ยาว", too_long))])
    assert (failed.value.sent, failed.value.retryable) == (1, False)
    assert failed.value.reason == f"button 'ยาว': payload {too_long!r} is 65 bytes; Telegram allows 64"
    assert texts(api.sent_messages(CHAT_ID)) == ["ก่อน"]  # nothing of the message with the bad button


async def test_typing_is_repeated_until_the_answer_is_ready(api: FakeTelegramApi, channel: TelegramChannel) -> None:
    await channel.show_typing(CHAT_ID, True)
    await channel.show_typing(CHAT_ID, True)  # still one typing loop for the chat
    while len(api.calls_of("sendChatAction", CHAT_ID)) < 3:
        await asyncio.sleep(0.01)
    await channel.show_typing(CHAT_ID, False)
    actions = api.calls_of("sendChatAction", CHAT_ID)
    await asyncio.sleep(0.2)  # four intervals: a loop left running would have sent more
    assert api.calls_of("sendChatAction", CHAT_ID) == actions
    assert {call.parameters["action"] for call in actions} == {"typing"}
    await channel.show_typing(CHAT_ID, False)  # nothing to stop: fine


async def test_typing_that_fails_does_not_stop_the_answer(api: FakeTelegramApi, channel: TelegramChannel) -> None:
    api.fail("sendChatAction", 500, "Internal Server Error", chat_id=CHAT_ID)
    await channel.show_typing(CHAT_ID, True)
    while len(api.calls_of("sendChatAction", CHAT_ID)) < 2:
        await asyncio.sleep(0.01)
    await channel.show_typing(CHAT_ID, False)
    assert [call.status for call in api.calls_of("sendChatAction", CHAT_ID)][:2] == [500, 200]
