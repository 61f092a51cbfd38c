"""The router: every citizen message goes through here.

Stores the message first (nothing is lost), then sends it to whoever answers the
conversation: the bot, or the agents (the console hears of it live) while the
conversation waits in the queue or an agent has it. Answers to the hub's own
questions (the satisfaction rating, leaving the queue, the ticket offer) are
taken by the hub and never reach the bot.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace

from channels.base import Channel
from hub.bot_client import BotClient, BotReply, BotUnavailable, bot_input
from hub.domain.content import MenuAction, Text, hub_messages, main_menu
from hub.domain.conversations import (
    Button,
    Conversation,
    ConversationState,
    InboundMessage,
    Message,
    MessageKind,
    MessageStatus,
    Reply,
    Sender,
    validate_citizen_text,
)
from hub.domain.csat import survey_answer, ticket_rating_request
from hub.domain.handoff import HUB_PAYLOAD_PREFIX, HandoffRequest
from hub.domain.language import Language, detect_language
from hub.domain.phone import mask_phones_in_text
from hub.handoffs import Handoffs
from hub.keyed_locks import KeyedLocks
from hub.live import LiveEvents, MessageStored
from hub.outbox import Outbox
from hub.satisfaction import Satisfaction
from hub.store import Identity, Store

log = logging.getLogger(__name__)

# What the hub answers itself instead of asking the bot.
_HUB_REPLIES = {MessageKind.STICKER: "replies.sticker", MessageKind.UNSUPPORTED: "replies.unsupported"}


class Router:
    """Implements :class:`channels.base.Inbox` for the hub."""

    def __init__(
        self,
        store: Store,
        bot: BotClient,
        channels: Mapping[str, Channel],
        outbox: Outbox,
        handoffs: Handoffs,
        satisfaction: Satisfaction,
        events: LiveEvents,
    ) -> None:
        self._store = store
        self._bot = bot
        self._channels = channels
        self._outbox = outbox
        self._handoffs = handoffs
        self._satisfaction = satisfaction
        self._events = events
        # One citizen's messages are answered in the order they were sent.
        self._citizen_locks: KeyedLocks[tuple[str, str]] = KeyedLocks()

    def _lock(self, channel: str, external_id: str) -> asyncio.Lock:
        return self._citizen_locks((channel, external_id))

    async def receive(self, inbound: InboundMessage) -> Message:
        text = validate_citizen_text(inbound.text) if inbound.kind is MessageKind.TEXT else inbound.text.strip()
        if inbound.location is not None:
            text = text or inbound.location.describe()
        async with self._lock(inbound.channel, inbound.external_id):
            first_guess = detect_language(text)
            identity = await self._identify(inbound.channel, inbound.external_id, first_guess)
            survey = await self._satisfaction.pending(identity)
            if survey is not None:
                answer = survey_answer(survey.step, inbound.kind, text, inbound.payload)
                if answer is not None:
                    conversation = await self._store.get_conversation(survey.conversation_id)
                    message = await self._store_message(inbound, identity, conversation, text)
                    await self._satisfaction.record(identity, survey, answer, message.language)
                    return message
                await self._satisfaction.abandon(survey)
            conversation = await self._store.open_conversation(identity, first_guess)
            message = await self._store_message(inbound, identity, conversation, text)
            if conversation.state is ConversationState.BOT:
                await self._to_bot(identity, message)
            elif message.kind is MessageKind.UNSUPPORTED:  # officers could not open it either
                await self._say(identity, conversation.id, hub_messages()["replies.unsupported"], message.language)
            elif conversation.state is ConversationState.WAITING:
                await self._handoffs.waiting_message(identity, conversation, message)
            return message

    async def _store_message(
        self, inbound: InboundMessage, identity: Identity, conversation: Conversation, text: str
    ) -> Message:
        """Keep the citizen's message (and photo) and show it: echoed in the web chat, live in the console."""
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
        await self._channels[inbound.channel].acknowledge(inbound.external_id, message)
        self._events.publish(MessageStored(message))
        return message

    async def _to_bot(self, identity: Identity, message: Message) -> None:
        """The bot answers, except stickers and media it cannot take, and stale hub buttons."""
        if message.kind in _HUB_REPLIES:
            await self._store.set_message_status(message.id, MessageStatus.ANSWERED)
            await self._say(
                identity, message.conversation_id, hub_messages()[_HUB_REPLIES[message.kind]], message.language
            )
        elif message.payload is not None and message.payload.startswith(HUB_PAYLOAD_PREFIX):
            # A button of a question that is over (a rating given, a queue left): not for the bot.
            await self._store.set_message_status(message.id, MessageStatus.ANSWERED)
            await self._say(
                identity, message.conversation_id, hub_messages()["replies.expired_button"], message.language
            )
        else:
            await self._ask_bot(self._channels[identity.channel], identity, message)

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
            await self._outbox.send(
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
            await self._outbox.send(identity, conversation.id, Sender.SYSTEM, [reply], conversation.language)

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

    async def _ask_bot(self, channel: Channel, identity: Identity, message: Message) -> None:
        language = message.language
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
            await self._outbox.send(identity, message.conversation_id, Sender.BOT, replies, language)
            await self._act_on_signals(identity, message.conversation_id, replies, language)
        finally:
            await channel.show_typing(identity.external_id, False)

    async def _act_on_signals(
        self, identity: Identity, conversation_id: str, replies: Sequence[BotReply], language: Language
    ) -> None:
        """The bot's signals for the hub: hand off to a human, or ask for a rating after a ticket."""
        handoff = next(
            (request for reply in replies if (request := HandoffRequest.from_custom_payload(reply.custom))), None
        )
        if handoff is not None:
            await self._handoffs.begin(identity, conversation_id, handoff, language)
            return
        reference = next((found for reply in replies if (found := ticket_rating_request(reply.custom))), None)
        if reference is not None:
            await self._satisfaction.ask(identity, conversation_id, language, ticket_reference=reference)

    async def _say(self, identity: Identity, conversation_id: str, text: Text, language: Language) -> None:
        """A message from the hub itself, in the citizen's language."""
        await self._outbox.send(identity, conversation_id, Sender.SYSTEM, [Reply(text.in_language(language))], language)


def _buttons(choices: Sequence[MenuAction], language: Language) -> tuple[Button, ...]:
    return tuple(Button(choice.label.in_language(language), choice.payload) for choice in choices)
