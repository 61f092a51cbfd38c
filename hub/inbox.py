"""The router: every citizen message goes through here.

Stores the message first (nothing is lost), then sends it to whoever answers the
conversation (the bot for now), stores the answers and delivers them through
the citizen's channel.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from weakref import WeakValueDictionary

from channels.base import Channel
from hub.bot_client import BotClient, BotUnavailable
from hub.domain.content import hub_messages
from hub.domain.conversations import (
    Button,
    ConversationState,
    InboundMessage,
    Message,
    MessageStatus,
    Sender,
    validate_citizen_text,
)
from hub.domain.handoff import HandoffRequest
from hub.domain.language import Language, detect_language
from hub.domain.phone import mask_phones_in_text
from hub.store import Store

log = logging.getLogger(__name__)


class Router:
    """Implements :class:`channels.base.Inbox` for the hub."""

    def __init__(self, store: Store, bot: BotClient, channels: Mapping[str, Channel]) -> None:
        self._store = store
        self._bot = bot
        self._channels = channels
        # One citizen's messages are answered in the order they were sent. A lock
        # lives only while someone holds or waits for it, so citizens who have
        # gone quiet cost no memory.
        self._locks: WeakValueDictionary[tuple[str, str], asyncio.Lock] = WeakValueDictionary()

    async def receive(self, inbound: InboundMessage) -> Message:
        text = validate_citizen_text(inbound.text)
        channel = self._channels[inbound.channel]
        key = (inbound.channel, inbound.external_id)
        lock = self._locks.get(key) or self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            first_guess = detect_language(text)
            identity = await self._store.identify(inbound.channel, inbound.external_id, first_guess)
            conversation = await self._store.open_conversation(identity, first_guess)
            language = detect_language(text, previous=conversation.language)
            if language != conversation.language:
                await self._store.set_conversation_language(conversation.id, language)
            message = await self._store.add_message(
                conversation.id, Sender.CITIZEN, text, language, MessageStatus.RECEIVED, payload=inbound.payload
            )
            await channel.acknowledge(inbound.external_id, message)
            if conversation.state is ConversationState.BOT:
                await self._ask_bot(channel, inbound, message, language)
            return message

    async def history(self, channel: str, external_id: str) -> list[Message]:
        identity = await self._store.find_identity(channel, external_id)
        if identity is None:
            return []
        conversation = await self._store.find_open_conversation(identity)
        return [] if conversation is None else await self._store.messages(conversation.id)

    async def _ask_bot(self, channel: Channel, inbound: InboundMessage, message: Message, language: Language) -> None:
        # Typing ends after the answers are delivered: a channel (and a test) can
        # take "typing off" as the end of the bot's turn.
        await channel.show_typing(inbound.external_id, True)
        try:
            try:
                replies = await self._bot.ask(
                    message.conversation_id, inbound.payload or message.text, inbound.channel, language
                )
            except BotUnavailable as error:
                log.error(
                    "bot unavailable for conversation %s: %s",
                    message.conversation_id,
                    mask_phones_in_text(str(error)),
                )
                await self._store.set_message_status(message.id, MessageStatus.BOT_UNAVAILABLE, str(error))
                apology = hub_messages()["bot_unavailable"].in_language(language)
                await self._send(channel, inbound.external_id, message.conversation_id, Sender.SYSTEM, apology, language)
                return
            await self._store.set_message_status(message.id, MessageStatus.ANSWERED)
            for reply in replies:
                handoff = HandoffRequest.from_custom_payload(reply.custom)
                if handoff is not None:  # a signal for the hub, not a message for the citizen
                    await self._store.record_handoff_request(message.conversation_id, handoff)
                    log.info("conversation %s: bot asked for a human (%s)", message.conversation_id, handoff.reason)
                if not reply.text and not reply.buttons:
                    continue
                await self._send(
                    channel,
                    inbound.external_id,
                    message.conversation_id,
                    Sender.BOT,
                    reply.text,
                    language,
                    reply.buttons,
                )
        finally:
            await channel.show_typing(inbound.external_id, False)

    async def _send(
        self,
        channel: Channel,
        external_id: str,
        conversation_id: str,
        sender: Sender,
        text: str,
        language: Language,
        buttons: tuple[Button, ...] = (),
    ) -> None:
        stored = await self._store.add_message(
            conversation_id, sender, text, language, MessageStatus.SENT, buttons=buttons
        )
        delivery = await channel.deliver(external_id, stored)
        if not delivery.delivered:
            log.warning("message %s not delivered on %s: %s", stored.id, channel.name, delivery.failure_reason)
            await self._store.set_message_status(stored.id, MessageStatus.FAILED, delivery.failure_reason)
