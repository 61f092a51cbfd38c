"""Outbound delivery on a real SQLite store, through a channel whose platform
answers as scripted (the platform is the one part we cannot run)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest
from sanic import Blueprint

from channels.base import DeliveryError, Inbox
from hub.domain.conversations import Message, MessageStatus, Sender
from hub.outbox import UNREACHABLE_REASON, Outbox, RetryPolicy
from hub.store import Identity, Store
from tests.integration.stack import migrate


class ScriptedPlatform:
    """A channel whose deliveries fail as listed in ``failures`` (one per call), then succeed."""

    name = "scripted"

    def __init__(self, *failures: DeliveryError) -> None:
        self.failures = list(failures)
        self.calls: list[list[str]] = []  # the texts of each call

    def blueprint(self, inbox: Inbox) -> Blueprint:
        return Blueprint("scripted")

    async def deliver(self, external_id: str, messages: Sequence[Message]) -> None:
        self.calls.append([message.text for message in messages])
        if self.failures:
            raise self.failures.pop(0)

    async def acknowledge(self, external_id: str, message: Message) -> None:
        pass

    async def show_typing(self, external_id: str, active: bool) -> None:
        pass


FAST = RetryPolicy(attempts=3, first_backoff_seconds=0.01, max_backoff_seconds=0.05)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    url = f"sqlite:///{tmp_path / 'outbox.db'}"
    migrate(url)
    opened = Store(url)
    yield opened
    await opened.close()


async def pending(store: Store, *texts: str) -> tuple[Identity, list[Message]]:
    identity = await store.identify("scripted", "citizen", "th")
    conversation = await store.open_conversation(identity, "th")
    messages = [
        await store.add_message(conversation.id, Sender.BOT, text, "th", MessageStatus.PENDING) for text in texts
    ]
    return identity, messages


async def statuses(store: Store, identity: Identity) -> list[tuple[str, MessageStatus, str | None]]:
    conversation = await store.find_open_conversation(identity)
    assert conversation is not None
    return [(message.text, message.status, message.failure_reason) for message in await store.messages(conversation.id)]


async def test_a_rate_limit_is_retried_from_the_first_message_not_sent(store: Store) -> None:
    identity, messages = await pending(store, "one", "two", "three")
    platform = ScriptedPlatform(DeliveryError("429 Too Many Requests", sent=1, retryable=True))
    await Outbox(store, {"scripted": platform}, FAST).deliver(identity, messages)
    assert platform.calls == [["one", "two", "three"], ["two", "three"]]
    assert await statuses(store, identity) == [
        ("one", MessageStatus.SENT, None),
        ("two", MessageStatus.SENT, None),
        ("three", MessageStatus.SENT, None),
    ]


async def test_a_permanent_server_error_ends_as_stored_failures(store: Store) -> None:
    identity, messages = await pending(store, "one", "two")
    platform = ScriptedPlatform(*[DeliveryError("500 Internal Server Error", retryable=True)] * 5)
    await Outbox(store, {"scripted": platform}, FAST).deliver(identity, messages)
    assert len(platform.calls) == FAST.attempts
    assert await statuses(store, identity) == [
        ("one", MessageStatus.FAILED, "500 Internal Server Error"),
        ("two", MessageStatus.FAILED, "500 Internal Server Error"),
    ]


async def test_a_refused_message_is_not_retried(store: Store) -> None:
    identity, messages = await pending(store, "one")
    platform = ScriptedPlatform(DeliveryError("400 Bad Request: message too long"))
    await Outbox(store, {"scripted": platform}, FAST).deliver(identity, messages)
    assert len(platform.calls) == 1
    assert await statuses(store, identity) == [("one", MessageStatus.FAILED, "400 Bad Request: message too long")]


async def test_a_citizen_who_blocked_the_bot_is_not_sent_to_again(store: Store) -> None:
    identity, messages = await pending(store, "one")
    platform = ScriptedPlatform(DeliveryError("403 Forbidden: bot was blocked by the user", recipient_unreachable=True))
    outbox = Outbox(store, {"scripted": platform}, FAST)
    await outbox.deliver(identity, messages)
    blocked = await store.find_identity("scripted", "citizen")
    assert blocked is not None and blocked.reachable is False

    _, later = await pending(store, "two")
    await outbox.deliver(blocked, later)
    assert platform.calls == [["one"]]  # nothing more reached the platform
    assert await statuses(store, identity) == [
        ("one", MessageStatus.FAILED, UNREACHABLE_REASON),
        ("two", MessageStatus.FAILED, UNREACHABLE_REASON),
    ]


def test_backoff_doubles_up_to_the_cap_and_honours_retry_after() -> None:
    policy = RetryPolicy(attempts=6, first_backoff_seconds=0.5, max_backoff_seconds=4)
    assert [policy.backoff(failures, None) for failures in range(1, 6)] == [0.5, 1, 2, 4, 4]
    assert policy.backoff(1, 3) == 3
    assert policy.backoff(1, 60) == 4
