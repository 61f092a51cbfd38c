"""The LINE channel's settings, signature check, event parsing, reply tokens, and
delivery through line-bot-sdk to the fake LINE Messaging API (a real HTTP server)."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from linebot.v3.webhooks import FollowEvent, MessageEvent, TextMessageContent

from channels.base import DeliveryError
from channels.line.channel import LineChannel, LineSettings, ReplyTokens, parse_events, signature_is_valid
from hub.domain.conversations import Message, MessageStatus, Sender
from hub.settings import SettingsError
from tests.fakes.line_api import FakeLineApi, sign

ROOT = Path(__file__).resolve().parents[3]
USER = "U" + "4af4980629" * 3 + "ab"


def test_settings_need_both_secret_and_token_or_neither() -> None:
    assert LineSettings.from_environment({}) is None
    settings = LineSettings.from_environment({"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t"})
    assert settings == LineSettings("s", "t", "https://api.line.me", "https://api-data.line.me")
    with pytest.raises(SettingsError, match="LINE_CHANNEL_ACCESS_TOKEN is not set"):
        LineSettings.from_environment({"LINE_CHANNEL_SECRET": "s"})
    with pytest.raises(SettingsError, match="LINE_CHANNEL_SECRET is not set"):
        LineSettings.from_environment({"LINE_CHANNEL_ACCESS_TOKEN": "t"})
    pointed = LineSettings.from_environment(
        {
            "LINE_CHANNEL_SECRET": "s",
            "LINE_CHANNEL_ACCESS_TOKEN": "t",
            "LINE_API_BASE_URL": "http://127.0.0.1:9/",
            "LINE_DATA_API_BASE_URL": "http://127.0.0.1:10",
        }
    )
    assert pointed is not None
    assert (pointed.api_base_url, pointed.data_api_base_url) == ("http://127.0.0.1:9", "http://127.0.0.1:10")


def test_signature_is_the_base64_hmac_sha256_of_the_raw_body() -> None:
    body = b'{"destination":"U0","events":[]}'
    # Computed independently: printf %s "$body" | openssl dgst -sha256 -hmac secret -binary | base64
    assert sign(body, "secret") == "KDbazXazGW43gmHESKGC6IsDxXtKu8HznYZdC60ZZh8="
    assert signature_is_valid("secret", body, "KDbazXazGW43gmHESKGC6IsDxXtKu8HznYZdC60ZZh8=")
    assert not signature_is_valid("other secret", body, sign(body, "secret"))
    assert not signature_is_valid("secret", body + b" ", sign(body, "secret"))
    assert not signature_is_valid("secret", body, None)
    assert not signature_is_valid("secret", body, "")
    assert not signature_is_valid("secret", b"\xff\xfe", sign(b"\xff\xfe", "secret"))  # LINE sends UTF-8


def test_events_are_parsed_and_malformed_ones_left_out(caplog: pytest.LogCaptureFixture) -> None:
    fake = FakeLineApi()
    caplog.set_level(logging.WARNING)
    assert parse_events(b"[1, 2]") == []
    assert parse_events(b'{"events": {}}') == []
    body, _ = fake.webhook(
        fake.text_event(USER, "สวัสดี"),
        fake.event(USER, "brandNew"),
        fake.event(USER, "message", message={"type": "text"}),
        "not an event",  # type: ignore[arg-type]
        fake.follow_event(USER),
    )
    text, follow = parse_events(body)
    assert isinstance(text, MessageEvent) and isinstance(text.message, TextMessageContent)
    assert text.message.text == "สวัสดี"
    assert isinstance(follow, FollowEvent)
    assert [record.getMessage() for record in caplog.records] == [
        "LINE webhook: ignored a malformed body (TypeError: list indices must be integers or slices, not str)",
        "LINE webhook: ignored a malformed body (TypeError: events is not a list)",
        "LINE webhook: ignored an unknown or malformed event (type 'brandNew')",
        "LINE webhook: ignored an unknown or malformed event (type 'message')",
        "LINE webhook: ignored an unknown or malformed event (type 'str')",
    ]


def test_reply_token_is_used_once_and_not_after_fifty_seconds() -> None:
    now = [1_000.0]
    tokens = ReplyTokens(clock=lambda: now[0])
    tokens.keep("U1", "first", event_time=1_000.0)
    tokens.keep("U1", "second", event_time=1_000.0)  # a newer event replaces the older token
    assert tokens.take("U1") == "second"
    assert tokens.take("U1") is None
    tokens.keep("U2", "fresh", event_time=951.0)
    assert tokens.take("U2") == "fresh"  # 49 s old
    tokens.keep("U3", "stale", event_time=950.0)
    assert tokens.take("U3") is None  # 50 s old
    tokens.keep("U4", "unused", event_time=1_000.0)
    now[0] = 1_100.0
    tokens.keep("U5", "later", event_time=1_100.0)  # forgets the expired ones it passes
    assert list(tokens._tokens) == ["U5"]


def bot_message(number: int, text: str | None = None) -> Message:
    return Message(
        id=uuid.uuid4().hex,  # as the hub's ids: retry keys derive from them
        conversation_id="c1",
        sender=Sender.BOT,
        text=text or f"ข้อความที่ {number}",
        language="th",
        created_at=datetime(2026, 11, 21, tzinfo=UTC),
        status=MessageStatus.PENDING,
    )


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeLineApi]:
    started = FakeLineApi()
    started.start()
    yield started
    started.stop()


@pytest.fixture
async def channel(fake: FakeLineApi) -> AsyncIterator[LineChannel]:
    fake.clear_failures()
    opened = LineChannel.from_environment(fake.hub_environment())
    assert opened is not None
    await opened.open()
    yield opened
    await opened.close()


async def test_seven_messages_go_in_two_pushes_of_five_and_two(fake: FakeLineApi, channel: LineChannel) -> None:
    user = "U" + "1" * 32
    await channel.deliver(user, [bot_message(number) for number in range(7)])
    first, second = fake.deliveries(user)
    assert (first.kind, second.kind) == ("push", "push")
    assert first.texts == [f"ข้อความที่ {number}" for number in range(5)]
    assert second.texts == ["ข้อความที่ 5", "ข้อความที่ 6"]
    [push, _] = fake.sending_calls(user)
    assert push.headers["authorization"] == f"Bearer {fake.access_token}"
    assert push.headers["x-line-retry-key"] == first.retry_key


async def test_a_failed_second_call_reports_the_five_messages_sent(fake: FakeLineApi, channel: LineChannel) -> None:
    user = "U" + "2" * 32
    fake.fail(500, user_id=user, after=1)
    with pytest.raises(DeliveryError) as failed:
        await channel.deliver(user, [bot_message(number) for number in range(7)])
    assert (failed.value.reason, failed.value.sent, failed.value.retryable) == (
        "LINE answered 500: An internal server error occurred",
        5,
        True,
    )
    assert [delivery.texts for delivery in fake.deliveries(user)] == [[f"ข้อความที่ {n}" for n in range(5)]]


async def test_rate_limit_is_retryable_after_what_line_says(fake: FakeLineApi, channel: LineChannel) -> None:
    user = "U" + "3" * 32
    fake.fail(429, user_id=user, retry_after="7")
    with pytest.raises(DeliveryError) as limited:
        await channel.deliver(user, [bot_message(0)])
    assert (limited.value.reason, limited.value.sent, limited.value.retryable, limited.value.retry_after_seconds) == (
        "LINE answered 429: The API rate limit has been exceeded. Try again later.",
        0,
        True,
        7.0,
    )


async def test_other_client_errors_are_not_retried(fake: FakeLineApi, channel: LineChannel) -> None:
    user = "U" + "4" * 32
    fake.fail(400, user_id=user, message="Failed to send messages")  # e.g. a user id that does not exist
    with pytest.raises(DeliveryError) as refused:
        await channel.deliver(user, [bot_message(0)])
    assert (refused.value.reason, refused.value.retryable, refused.value.recipient_unreachable) == (
        "LINE answered 400: Failed to send messages",
        False,
        False,
    )


async def test_line_out_of_reach_is_retryable() -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    unreachable = LineChannel(LineSettings("secret", "token", f"http://127.0.0.1:{port}", f"http://127.0.0.1:{port}"))
    await unreachable.open()
    try:
        with pytest.raises(DeliveryError) as failed:
            await unreachable.deliver(USER, [bot_message(0)])
    finally:
        await unreachable.close()
    assert failed.value.retryable and failed.value.reason.startswith("LINE not reachable: ClientConnectorError")


async def test_a_push_already_accepted_is_not_sent_again(fake: FakeLineApi, channel: LineChannel) -> None:
    user = "U" + "5" * 32
    fake.fail(500, user_id=user, accept_first=True)
    messages = [bot_message(0)]
    with pytest.raises(DeliveryError):
        await channel.deliver(user, messages)
    await channel.deliver(user, messages)  # the outbox's retry: same messages, same retry key
    [first, retry] = fake.sending_calls(user)
    assert first.headers["x-line-retry-key"] == retry.headers["x-line-retry-key"]
    assert len(fake.deliveries(user)) == 1


async def test_loading_animation_errors_are_only_logged(
    fake: FakeLineApi, channel: LineChannel, caplog: pytest.LogCaptureFixture
) -> None:
    user = "U" + "6" * 32
    await channel.show_typing(user, True)
    await channel.show_typing(user, False)  # LINE ends the animation itself when the answer arrives
    fake.fail(500, endpoints=("/v2/bot/chat/loading/start",))
    await channel.show_typing(user, True)
    calls = [request.json for request in fake.requests("/v2/bot/chat/loading/start") if request.json["chatId"] == user]
    assert calls == [{"chatId": user, "loadingSeconds": 30}] * 2
    assert "LINE: loading animation not shown: LINE answered 500: An internal server error occurred" in caplog.text


def test_the_hub_refuses_to_start_with_half_a_line_configuration(tmp_path: Path) -> None:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("LINE_", "TELEGRAM_"))}
    environment.update(
        PYTHONPATH=str(ROOT),
        HUB_INTERNAL_SECRET="a-secret-of-sixteen-characters",
        DATABASE_URL=f"sqlite:///{tmp_path / 'hub.db'}",
        LINE_CHANNEL_SECRET="secret only",
    )
    started = subprocess.run(
        [sys.executable, "-m", "hub"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert started.returncode == 2
    assert (
        "ERROR [hub] cannot start: LINE_CHANNEL_ACCESS_TOKEN is not set: LINE needs both LINE_CHANNEL_SECRET and "
        "LINE_CHANNEL_ACCESS_TOKEN (LINE Developers console, Messaging API channel), or neither to run without LINE"
    ) in started.stderr
