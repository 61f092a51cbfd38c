"""Outbound delivery, the same for every channel and every sender (bot, hub, agents).

Messages are stored first (status ``pending``), then handed to the channel.
The console hears of each stored message and each status change live.
Rate limits and platform server errors are retried with exponential backoff a
bounded number of times; a message that still fails is stored as ``failed``
with the reason, never dropped silently. A citizen who blocked the bot is
marked unreachable and not sent to again until they write.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from channels.base import Channel, DeliveryError
from hub.domain.conversations import Message, MessageStatus, Reply, Sender
from hub.domain.language import Language
from hub.live import LiveEvents, MessageStored
from hub.store import Identity, Store

log = logging.getLogger(__name__)

UNREACHABLE_REASON = "the citizen blocked the bot or left the chat"


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    first_backoff_seconds: float = 0.5
    max_backoff_seconds: float = 8.0

    def backoff(self, failed_attempts: int, retry_after_seconds: float | None) -> float:
        """Seconds to wait after ``failed_attempts`` failures; the platform's Retry-After wins."""
        if retry_after_seconds is not None:
            return min(retry_after_seconds, self.max_backoff_seconds)
        return min(self.first_backoff_seconds * 2 ** (failed_attempts - 1), self.max_backoff_seconds)


class Outbox:
    def __init__(
        self,
        store: Store,
        channels: Mapping[str, Channel],
        policy: RetryPolicy | None = None,
        events: LiveEvents | None = None,
    ) -> None:
        self._store = store
        self._channels = channels
        self._policy = policy or RetryPolicy()
        self._events = events or LiveEvents()

    async def send(
        self,
        identity: Identity,
        conversation_id: str,
        sender: Sender,
        replies: Sequence[Reply],
        language: Language,
        agent_id: str | None = None,
    ) -> list[Message]:
        """Store outgoing messages, then deliver them together (one platform call where allowed)."""
        stored = await self.store(conversation_id, sender, replies, language, agent_id)
        await self.deliver(identity, stored)
        return stored

    async def store(
        self,
        conversation_id: str,
        sender: Sender,
        replies: Sequence[Reply],
        language: Language,
        agent_id: str | None = None,
    ) -> list[Message]:
        """Store outgoing messages as pending (replies without text or buttons are signals: skipped)."""
        stored = [
            await self._store.add_message(
                conversation_id,
                sender,
                reply.text,
                language,
                MessageStatus.PENDING,
                buttons=reply.buttons,
                agent_id=agent_id,
            )
            for reply in replies
            if reply.text or reply.buttons
        ]
        for message in stored:
            self._events.publish(MessageStored(message))
        return stored

    async def deliver(self, identity: Identity, messages: Sequence[Message]) -> None:
        """Deliver stored messages to one citizen, in order, and record how it went."""
        if not messages:
            return
        if not identity.reachable:
            await self._fail(messages, UNREACHABLE_REASON)
            return
        channel = self._channels[identity.channel]
        remaining = list(messages)
        failures = 0
        while True:
            try:
                await channel.deliver(identity.external_id, remaining)
            except DeliveryError as error:
                await self._mark_sent(remaining[: error.sent])
                remaining = remaining[error.sent :]
                if not remaining:
                    return
                failures += 1
                if error.recipient_unreachable:
                    log.info(
                        "%s: citizen unreachable (%s); not sending again until they write", channel.name, error.reason
                    )
                    await self._store.set_reachable(identity.channel, identity.external_id, False)
                    await self._fail(remaining, UNREACHABLE_REASON)
                    return
                if not error.retryable or failures >= self._policy.attempts:
                    log.warning(
                        "%s: %d message(s) not delivered after %d attempt(s): %s",
                        channel.name,
                        len(remaining),
                        failures,
                        error.reason,
                    )
                    await self._fail(remaining, error.reason)
                    return
                delay = self._policy.backoff(failures, error.retry_after_seconds)
                log.info("%s: delivery failed (%s); retrying in %.1f s", channel.name, error.reason, delay)
                await asyncio.sleep(delay)
            else:
                await self._mark_sent(remaining)
                return

    async def _mark_sent(self, messages: Sequence[Message]) -> None:
        for message in messages:
            await self._set_status(message, MessageStatus.SENT)

    async def _fail(self, messages: Sequence[Message], reason: str) -> None:
        for message in messages:
            await self._set_status(message, MessageStatus.FAILED, reason)

    async def _set_status(self, message: Message, status: MessageStatus, reason: str | None = None) -> None:
        updated = await self._store.set_message_status(message.id, status, reason)
        if updated is not None:
            self._events.publish(MessageStored(updated))
