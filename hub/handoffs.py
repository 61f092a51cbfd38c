"""Conversations in the queue: entering it, what a waiting citizen's message
means, leaving it, and the ticket offer when nobody claims a conversation in time."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from hub.domain.content import hub_messages
from hub.domain.conversations import Conversation, Message, Reply, Sender
from hub.domain.handoff import (
    HandoffRequest,
    Transition,
    WaitingChoice,
    queue_position,
    ticket_from_handoff,
    ticket_offer,
    waiting_choice,
    waiting_notice,
)
from hub.domain.language import Language
from hub.domain.office_hours import OfficeHours
from hub.live import LiveEvents, QueueChanged
from hub.outbox import Outbox
from hub.store import Identity, Store
from hub.store.tables import utc_now

log = logging.getLogger(__name__)


class Handoffs:
    def __init__(
        self,
        store: Store,
        outbox: Outbox,
        events: LiveEvents,
        office_hours: OfficeHours,
        ticket_offer_after: timedelta,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._store = store
        self._outbox = outbox
        self._events = events
        self._office_hours = office_hours
        self._ticket_offer_after = ticket_offer_after
        self._clock = clock

    async def begin(
        self, identity: Identity, conversation_id: str, request: HandoffRequest, language: Language
    ) -> None:
        """The bot asked for a human: queue the conversation and tell the citizen their place or the opening time."""
        now = self._clock()
        if not await self._store.begin_handoff(conversation_id, request, now):
            log.warning("conversation %s: handoff asked for, but it is not with the bot any more", conversation_id)
            return
        log.info(
            "conversation %s: waiting for an agent (%s, %s priority)", conversation_id, request.reason, request.priority
        )
        self._events.publish(QueueChanged())
        position = queue_position(await self._store.queue_items(), conversation_id)
        if position is None:  # an agent claimed it already: they say so themselves
            return
        notice = waiting_notice(language, now, self._office_hours, position)
        await self._outbox.send(identity, conversation_id, Sender.SYSTEM, [notice], language)

    async def waiting_message(self, identity: Identity, conversation: Conversation, message: Message) -> None:
        """A waiting citizen wrote: leave the queue, answer the ticket offer, or (anything else) wait for the agent."""
        handoff = await self._store.latest_handoff(conversation.id)
        offered = handoff is not None and handoff.ticket_offered_at is not None
        choice = waiting_choice(message.text, message.payload, offered)
        language = message.language
        if choice is WaitingChoice.CANCEL:
            if await self._store.transition(conversation.id, Transition.CANCEL, self._clock()):
                log.info("conversation %s: the citizen left the queue", conversation.id)
                self._events.publish(QueueChanged())
                await self._say(identity, conversation.id, "handoff.cancelled", language)
        elif choice is WaitingChoice.FILE_CASE and handoff is not None:
            await self._file_ticket(identity, conversation, handoff.summary, language)
        elif choice is WaitingChoice.KEEP_WAITING:
            await self._say(identity, conversation.id, "handoff.keep_waiting", language)

    async def _file_ticket(
        self, identity: Identity, conversation: Conversation, summary: dict[str, Any], language: Language
    ) -> None:
        new_ticket = ticket_from_handoff(conversation.id, summary, await self._store.messages(conversation.id))
        try:
            ticket = await self._store.create_ticket(new_ticket)
        except Exception:  # the citizen stays in the queue and is told so
            log.exception("conversation %s: could not file the ticket from the queue", conversation.id)
            await self._say(identity, conversation.id, "handoff.ticket_not_filed", language)
            return
        log.info("conversation %s: filed %s instead of waiting", conversation.id, ticket.reference)
        # An agent who claimed the conversation meanwhile keeps it; the ticket stands either way.
        if await self._store.transition(conversation.id, Transition.FILE_TICKET, self._clock()):
            self._events.publish(QueueChanged())
        text = hub_messages()["handoff.ticket_filed"].in_language(language).format(reference=ticket.reference)
        await self._outbox.send(identity, conversation.id, Sender.SYSTEM, [Reply(text)], language)

    async def offer_due_tickets(self) -> int:
        """Offer a ticket to every citizen who waited too long; returns how many were offered.

        The store hands each offer to exactly one caller, so every hub replica can run this.
        """
        now = self._clock()
        offered = 0
        for conversation_id in await self._store.due_ticket_offers(now - self._ticket_offer_after):
            if not await self._store.mark_ticket_offered(conversation_id, now):
                continue  # another replica got there first
            conversation = await self._store.get_conversation(conversation_id)
            identity = await self._store.identity_of(conversation_id)
            log.info("conversation %s: nobody claimed it in time; offering a ticket", conversation_id)
            await self._outbox.send(
                identity, conversation_id, Sender.SYSTEM, [ticket_offer(conversation.language)], conversation.language
            )
            offered += 1
        return offered

    async def watch(self) -> None:
        """Check for overdue conversations, for as long as the hub runs."""
        interval = min(max(self._ticket_offer_after.total_seconds() / 5, 1.0), 30.0)
        while True:
            try:
                await self.offer_due_tickets()
            except Exception:  # a database hiccup must not stop the checks
                log.exception("checking for conversations waiting too long failed")
            await asyncio.sleep(interval)

    async def _say(self, identity: Identity, conversation_id: str, key: str, language: Language) -> None:
        reply = Reply(hub_messages()[key].in_language(language))
        await self._outbox.send(identity, conversation_id, Sender.SYSTEM, [reply], language)
