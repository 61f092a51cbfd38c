"""The desk: what agents and supervisors do in the console, with the rules of who may do what.

Plain Python over the store; the console's HTTP handlers only translate. Every
change that moves a conversation is one conditional update in the store, so
two agents acting at once cannot both win. Request bodies are validated after
the rules allow the request: a forbidden request is refused as such.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from hub.domain.agents import Agent
from hub.domain.content import hub_messages
from hub.domain.conversations import Conversation, ConversationState, Message, Photo, Reply, Sender
from hub.domain.desk import RECENT_CONVERSATIONS, CannedReply, CannedReplyDraft, Note, reply_text
from hub.domain.handoff import Handoff, Priority, QueueItem, Transition, queue_order
from hub.domain.phone import mask_phone, normalize_thai_phone
from hub.domain.reports import Period, Report, build_report
from hub.domain.tickets import Ticket
from hub.domain.validation import request_object, required_text
from hub.live import LiveEvents, QueueChanged
from hub.outbox import Outbox
from hub.satisfaction import Satisfaction
from hub.store import ConversationNotFound, Identity, Store
from hub.store.tables import utc_now

log = logging.getLogger(__name__)


class DeskError(Exception):
    """A request the desk refuses; ``code`` names why."""

    code = "error"


class Forbidden(DeskError):
    code = "forbidden"


class NotFound(DeskError):
    code = "not_found"


class Conflict(DeskError):
    """The conversation is not in a state that allows this (``code`` says which)."""

    def __init__(self, code: str, by: Agent | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.by = by


@dataclass(frozen=True)
class Queue:
    waiting: list[QueueItem]  # ordered: high priority first, then the longest waiting
    mine: list[QueueItem]
    claimed: list[QueueItem]  # by other agents; for supervisors, who reassign

    def conversation_ids(self) -> set[str]:
        return {item.conversation_id for item in (*self.waiting, *self.mine, *self.claimed)}


@dataclass(frozen=True)
class ConversationView:
    conversation: Conversation
    handoff: Handoff | None  # the current or the last one
    assigned_agent: Agent | None
    messages: list[Message]
    agents: dict[str, Agent]  # the authors of agent replies, by id
    ticket: Ticket | None
    other_conversations: list[Conversation]
    notes: list[Note]
    masked_phone: str | None


class Desk:
    def __init__(
        self,
        store: Store,
        outbox: Outbox,
        satisfaction: Satisfaction,
        events: LiveEvents,
        time_zone: ZoneInfo,  # the office's: report days are its days
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._store = store
        self._outbox = outbox
        self._satisfaction = satisfaction
        self._events = events
        self._time_zone = time_zone
        self._clock = clock
        self._deliveries: set[asyncio.Task[None]] = set()

    async def queue(self, agent: Agent) -> Queue:
        items = queue_order(item for item in await self._store.queue_items() if item.visible_to(agent))
        waiting = [item for item in items if item.state is ConversationState.WAITING]
        mine = [item for item in items if item.state is ConversationState.AGENT and item.assigned_agent == agent]
        claimed = [
            item
            for item in items
            if agent.supervises and item.state is ConversationState.AGENT and item.assigned_agent != agent
        ]
        return Queue(waiting, mine, claimed)

    async def conversation(self, agent: Agent, conversation_id: str) -> ConversationView:
        conversation, handoff = await self._visible_conversation(agent, conversation_id)
        messages = await self._store.messages(conversation_id)
        agents = {found.id: found for found in await self._store.agents()}
        phone = await self._phone(conversation_id, handoff)
        return ConversationView(
            conversation=conversation,
            handoff=handoff,
            assigned_agent=agents.get(conversation.assigned_agent_id or ""),
            messages=messages,
            agents={message.agent_id: agents[message.agent_id] for message in messages if message.agent_id in agents},
            ticket=await self._store.ticket_of_conversation(conversation_id),
            other_conversations=await self._store.other_conversations(conversation_id, RECENT_CONVERSATIONS),
            notes=await self._store.notes(conversation_id),
            masked_phone=None if phone is None else mask_phone(phone),
        )

    async def claim(self, agent: Agent, conversation_id: str) -> QueueItem:
        item = await self._queued(agent, conversation_id)
        if not await self._store.transition(conversation_id, Transition.CLAIM, self._clock(), agent_id=agent.id):
            taken = await self._store.queue_item(conversation_id)
            if taken is not None and taken.assigned_agent is not None:
                raise Conflict("already_claimed", taken.assigned_agent)
            raise Conflict("not_in_queue")
        log.info("conversation %s claimed by agent %s", conversation_id, agent.id)
        self._events.publish(QueueChanged())
        await self._tell_citizen(item, "handoff.claimed")
        return await self._current_item(conversation_id)

    async def reassign(self, supervisor: Agent, conversation_id: str, body: Any) -> QueueItem:
        """``body``: ``{"agent_id"}``, validated once the supervisor may reassign."""
        self._require_supervisor(supervisor)
        item = await self._queued(supervisor, conversation_id)
        target = await self._store.agent(required_text(request_object(body), "agent_id", 64))
        if target is None:
            raise NotFound("no such agent")
        if item.priority is Priority.HIGH and not target.supervises:
            raise Forbidden("sensitive conversations go to supervisors only")
        if not await self._store.transition(conversation_id, Transition.REASSIGN, self._clock(), agent_id=target.id):
            raise Conflict("not_in_queue")
        log.info("conversation %s reassigned to agent %s by %s", conversation_id, target.id, supervisor.id)
        self._events.publish(QueueChanged())
        if item.state is ConversationState.WAITING:
            await self._tell_citizen(item, "handoff.claimed")
        return await self._current_item(conversation_id)

    async def reply(self, agent: Agent, conversation_id: str, body: Any) -> Message:
        """Store the reply (``{"text"}``) at once; it is delivered in the background (status changes arrive live)."""
        item = await self._owned(agent, conversation_id)
        text = reply_text(body)
        now = self._clock()
        [message] = await self._outbox.store(conversation_id, Sender.AGENT, [Reply(text)], item.language, agent.id)
        await self._store.record_first_response(conversation_id, now)
        identity = await self._store.identity_of(conversation_id)
        self._in_background(self._outbox.deliver(identity, [message]))
        return message

    async def add_note(self, agent: Agent, conversation_id: str, body: Any) -> Note:
        await self._may_act(agent, conversation_id)
        return await self._store.add_note(conversation_id, agent, reply_text(body), self._clock())

    async def resolve(self, agent: Agent, conversation_id: str) -> None:
        """Close the conversation and ask the citizen for a rating; their next message starts afresh with the bot."""
        item = await self._owned(agent, conversation_id)
        owner = None if agent.supervises else agent.id
        if not await self._store.transition(conversation_id, Transition.RESOLVE, self._clock(), owner_id=owner):
            raise Conflict("not_claimed")
        log.info("conversation %s resolved by agent %s", conversation_id, agent.id)
        self._events.publish(QueueChanged())
        identity = await self._store.identity_of(conversation_id)
        resolver = item.assigned_agent.id if item.assigned_agent is not None else agent.id
        await self._satisfaction.ask(identity, conversation_id, item.language, agent_id=resolver)

    async def hand_back(self, agent: Agent, conversation_id: str) -> None:
        item = await self._owned(agent, conversation_id)
        owner = None if agent.supervises else agent.id
        if not await self._store.transition(conversation_id, Transition.HAND_BACK, self._clock(), owner_id=owner):
            raise Conflict("not_claimed")
        log.info("conversation %s handed back to the bot by agent %s", conversation_id, agent.id)
        self._events.publish(QueueChanged())
        await self._tell_citizen(item, "handoff.handed_back")

    async def reveal_phone(self, agent: Agent, conversation_id: str) -> str:
        """The citizen's phone number in full; every reveal is written to the audit log."""
        _, handoff = await self._may_act(agent, conversation_id)
        phone = await self._phone(conversation_id, handoff)
        if phone is None:
            raise NotFound("no phone number")
        await self._store.record_phone_reveal(conversation_id, agent.id, self._clock())
        log.info("agent %s revealed the phone number of conversation %s", agent.id, conversation_id)
        return phone

    async def photo(self, agent: Agent, media_id: str) -> Photo:
        conversation_id = await self._store.media_conversation(media_id)
        if conversation_id is None:
            raise NotFound("no such media")
        await self._visible_conversation(agent, conversation_id)
        photo = await self._store.photo(media_id)
        if photo is None:
            raise NotFound("no such media")
        return photo

    async def canned_replies(self) -> list[CannedReply]:
        return await self._store.canned_replies()

    async def add_canned_reply(self, supervisor: Agent, body: Any) -> CannedReply:
        self._require_supervisor(supervisor)
        return await self._store.add_canned_reply(CannedReplyDraft.from_request(body), supervisor.id)

    async def update_canned_reply(self, supervisor: Agent, reply_id: str, body: Any) -> CannedReply:
        self._require_supervisor(supervisor)
        updated = await self._store.update_canned_reply(reply_id, CannedReplyDraft.from_request(body), supervisor.id)
        if updated is None:
            raise NotFound("no such canned reply")
        return updated

    async def delete_canned_reply(self, supervisor: Agent, reply_id: str) -> None:
        self._require_supervisor(supervisor)
        if not await self._store.delete_canned_reply(reply_id):
            raise NotFound("no such canned reply")

    async def author(self, message: Message) -> Agent | None:
        """Who wrote an agent reply."""
        return None if message.agent_id is None else await self._store.agent(message.agent_id)

    async def agents(self, supervisor: Agent) -> list[Agent]:
        self._require_supervisor(supervisor)
        return await self._store.agents()

    async def report(self, supervisor: Agent, first: str | None, last: str | None) -> tuple[Report, dict[str, Agent]]:
        """The figures for a period (raises InvalidField for a bad one) and the agents they name."""
        self._require_supervisor(supervisor)
        period = Period.parse(first, last, self._time_zone)
        start, end = period.bounds()
        handoffs, ratings, conversations = await self._store.report_records(start, end)
        agents = {agent.id: agent for agent in await self._store.agents()}
        return build_report(period, handoffs, ratings, conversations), agents

    # The rules

    @staticmethod
    def _require_supervisor(agent: Agent) -> None:
        if not agent.supervises:
            raise Forbidden("for supervisors")

    async def _visible_conversation(self, agent: Agent, conversation_id: str) -> tuple[Conversation, Handoff | None]:
        """Any conversation, except sensitive ones to an agent who does not own it."""
        try:
            conversation = await self._store.get_conversation(conversation_id)
        except ConversationNotFound as error:
            raise NotFound("no such conversation") from error
        handoff = await self._store.latest_handoff(conversation_id)
        sensitive = handoff is not None and handoff.priority is Priority.HIGH
        if sensitive and not agent.supervises and conversation.assigned_agent_id != agent.id:
            raise Forbidden("sensitive conversations are for supervisors")
        return conversation, handoff

    async def _may_act(self, agent: Agent, conversation_id: str) -> tuple[Conversation, Handoff | None]:
        """Notes and the phone: the owner, or a supervisor."""
        conversation, handoff = await self._visible_conversation(agent, conversation_id)
        if not agent.supervises and conversation.assigned_agent_id != agent.id:
            raise Forbidden("only the agent who has the conversation")
        return conversation, handoff

    async def _queued(self, agent: Agent, conversation_id: str) -> QueueItem:
        await self._visible_conversation(agent, conversation_id)
        item = await self._store.queue_item(conversation_id)
        if item is None:
            raise Conflict("not_in_queue")
        return item

    async def _owned(self, agent: Agent, conversation_id: str) -> QueueItem:
        """Replies, resolving, handing back: a claimed conversation, by its owner or a supervisor."""
        await self._may_act(agent, conversation_id)
        item = await self._store.queue_item(conversation_id)
        if item is None or item.state is not ConversationState.AGENT:
            raise Conflict("not_claimed")
        return item

    async def _current_item(self, conversation_id: str) -> QueueItem:
        item = await self._store.queue_item(conversation_id)
        if item is None:  # left the queue in the meantime
            raise Conflict("not_in_queue")
        return item

    async def _phone(self, conversation_id: str, handoff: Handoff | None) -> str | None:
        """The number the citizen gave: in a ticket, or to the bot before the handoff."""
        from_ticket = await self._store.contact_phone(conversation_id)
        if from_ticket is not None or handoff is None:
            return from_ticket
        complaint = handoff.summary.get("complaint")
        phone = complaint.get("complaint_phone") if isinstance(complaint, dict) else None
        return normalize_thai_phone(phone) if isinstance(phone, str) else None

    async def _tell_citizen(self, item: QueueItem, key: str) -> None:
        identity: Identity = await self._store.identity_of(item.conversation_id)
        reply = Reply(hub_messages()[key].in_language(item.language))
        await self._outbox.send(identity, item.conversation_id, Sender.SYSTEM, [reply], item.language)

    def _in_background(self, delivery: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(delivery)
        self._deliveries.add(task)  # keep a reference until it is done
        task.add_done_callback(self._deliveries.discard)
