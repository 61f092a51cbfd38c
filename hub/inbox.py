"""The router: every citizen message goes through here.

Stores the message first (nothing is lost), then sends it to whoever answers the
conversation (the bot for now), stores the answers and delivers them through
the citizen's channel.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace

from channels.base import Channel
from hub.bot_client import BotClient, BotUnavailable, bot_input
from hub.domain.content import MenuAction, Text, hub_messages, main_menu
from hub.domain.conversations import (
    Button,
    ConversationState,
    InboundMessage,
    Message,
    MessageKind,
    MessageStatus,
    Reply,
    Sender,
    validate_citizen_text,
)
from hub.domain.handoff import HandoffRequest
from hub.domain.language import Language, detect_language
from hub.domain.phone import mask_phones_in_text
from hub.keyed_locks import KeyedLocks
from hub.outbox import Outbox
from hub.store import Identity, Store

log = logging.getLogger(__name__)

# What the hub answers itself instead of asking the bot.
_HUB_REPLIES = {MessageKind.STICKER: "replies.sticker", MessageKind.UNSUPPORTED: "replies.unsupported"}


class Router:
    """Implements :class:`channels.base.Inbox` for the hub."""

    def __init__(self, store: Store, bot: BotClient, channels: Mapping[str, Channel], outbox: Outbox) -> None:
        self._store = store
        self._bot = bot
        self._channels = channels
        self._outbox = outbox
        # One citizen's messages are answered in the order they were sent.
        self._citizen_locks: KeyedLocks[tuple[str, str]] = KeyedLocks()

    def _lock(self, channel: str, external_id: str) -> asyncio.Lock:
        return self._citizen_locks((channel, external_id))

    async def receive(self, inbound: InboundMessage) -> Message:
        text = validate_citizen_text(inbound.text) if inbound.kind is MessageKind.TEXT else inbound.text.strip()
        if inbound.location is not None:
            text = text or inbound.location.describe()
        channel = self._channels[inbound.channel]
        async with self._lock(inbound.channel, inbound.external_id):
            first_guess = detect_language(text)
            identity = await self._identify(inbound.channel, inbound.external_id, first_guess)
            conversation = await self._store.open_conversation(identity, first_guess)
            # A pressed button or a command says nothing of the citizen's language:
            # "/status 2026-K7MX-3QH9" must not turn a Thai conversation English.
            typed = text and inbound.payload is None
            language = detect_language(text, previous=conversation.language) if typed else conversation.language
            if language != conversation.language:
                await self._store.set_conversation_language(conversation.id, language)
            media_id = None if inbound.photo is None else await self._store.add_photo(conversation.id, inbound.photo)
            message = await self._store.add_message(
                conversation.id,
                Sender.CITIZEN,
                text,
                language,
                MessageStatus.RECEIVED,
                payload=inbound.payload,
                kind=inbound.kind,
                media_id=media_id,
                location=inbound.location,
            )
            await channel.acknowledge(inbound.external_id, message)
            if conversation.state is not ConversationState.BOT:
                return message
            if inbound.kind in _HUB_REPLIES:
                await self._store.set_message_status(message.id, MessageStatus.ANSWERED)
                await self._say(identity, conversation.id, hub_messages()[_HUB_REPLIES[inbound.kind]], language)
            else:
                await self._ask_bot(channel, identity, message, language)
            return message

    async def history(self, channel: str, external_id: str) -> list[Message]:
        identity = await self._store.find_identity(channel, external_id)
        if identity is None:
            return []
        conversation = await self._store.find_open_conversation(identity)
        return [] if conversation is None else await self._store.messages(conversation.id)

    async def first_delivery(self, channel: str, event_id: str) -> bool:
        return await self._store.claim_event(channel, event_id)

    async def welcome(self, channel: str, external_id: str, language: Language) -> None:
        async with self._lock(channel, external_id):
            identity = await self._identify(channel, external_id, language)
            conversation = await self._store.open_conversation(identity, language)
            messages = hub_messages()
            await self._deliver_new(
                identity,
                conversation.id,
                Sender.SYSTEM,
                [
                    Reply(messages["welcome"].in_language(language)),
                    Reply(messages["privacy_notice"].in_language(language), _buttons(main_menu(), language)),
                ],
                language,
            )

    async def offer_choices(
        self, channel: str, external_id: str, text: Text, choices: Sequence[MenuAction], language: Language
    ) -> None:
        async with self._lock(channel, external_id):
            identity = await self._identify(channel, external_id, language)
            conversation = await self._store.open_conversation(identity, language)
            reply = Reply(text.in_language(conversation.language), _buttons(choices, conversation.language))
            await self._deliver_new(identity, conversation.id, Sender.SYSTEM, [reply], conversation.language)

    async def unreachable(self, channel: str, external_id: str) -> None:
        await self._store.set_reachable(channel, external_id, False)
        log.info("%s: a citizen blocked the bot; not sending to them until they write", channel)

    async def choose_language(self, channel: str, external_id: str, language: Language) -> None:
        async with self._lock(channel, external_id):
            identity = await self._identify(channel, external_id, language)
            conversation = await self._store.open_conversation(identity, language)
            await self._store.set_conversation_language(conversation.id, language)
            await self._say(identity, conversation.id, hub_messages()["language_chosen"], language)

    async def _identify(self, channel: str, external_id: str, language: Language) -> Identity:
        """The citizen's identity; one who writes (or follows) again is reachable again."""
        identity = await self._store.identify(channel, external_id, language)
        if not identity.reachable:
            await self._store.set_reachable(channel, external_id, True)
            identity = replace(identity, reachable=True)
        return identity

    async def _ask_bot(self, channel: Channel, identity: Identity, message: Message, language: Language) -> None:
        # Typing ends after the answers are delivered: a channel (and a test) can
        # take "typing off" as the end of the bot's turn.
        await channel.show_typing(identity.external_id, True)
        try:
            try:
                replies = await self._bot.ask(message.conversation_id, bot_input(message), channel.name, language)
            except BotUnavailable as error:
                log.error(
                    "bot unavailable for conversation %s: %s", message.conversation_id, mask_phones_in_text(str(error))
                )
                await self._store.set_message_status(message.id, MessageStatus.BOT_UNAVAILABLE, str(error))
                await self._say(identity, message.conversation_id, hub_messages()["bot_unavailable"], language)
                return
            await self._store.set_message_status(message.id, MessageStatus.ANSWERED)
            for reply in replies:
                handoff = HandoffRequest.from_custom_payload(reply.custom)
                if handoff is not None:  # a signal for the hub, not a message for the citizen
                    await self._store.record_handoff_request(message.conversation_id, handoff)
                    log.info("conversation %s: bot asked for a human (%s)", message.conversation_id, handoff.reason)
            await self._deliver_new(identity, message.conversation_id, Sender.BOT, replies, language)
        finally:
            await channel.show_typing(identity.external_id, False)

    async def _say(self, identity: Identity, conversation_id: str, text: Text, language: Language) -> None:
        """A message from the hub itself, in the citizen's language."""
        await self._deliver_new(identity, conversation_id, Sender.SYSTEM, [Reply(text.in_language(language))], language)

    async def _deliver_new(
        self, identity: Identity, conversation_id: str, sender: Sender, replies: Sequence[Reply], language: Language
    ) -> None:
        """Store outgoing messages, then deliver them together (one platform call where allowed)."""
        stored = [
            await self._store.add_message(
                conversation_id, sender, reply.text, language, MessageStatus.PENDING, buttons=reply.buttons
            )
            for reply in replies
            if reply.text or reply.buttons
        ]
        await self._outbox.deliver(identity, stored)


def _buttons(choices: Sequence[MenuAction], language: Language) -> tuple[Button, ...]:
    return tuple(Button(choice.label.in_language(language), choice.payload) for choice in choices)
