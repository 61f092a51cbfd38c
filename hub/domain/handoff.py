"""Handing a conversation to a human: the bot's signal, the states a handed-off
conversation moves through, the queue and what the citizen is told."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from hub.domain.agents import Agent
from hub.domain.content import categories, hub_messages, keywords
from hub.domain.conversations import Button, ConversationState, Message, MessageKind, Reply, Sender
from hub.domain.dates import format_day_and_time
from hub.domain.language import Language
from hub.domain.office_hours import OfficeHours
from hub.domain.phone import normalize_thai_phone
from hub.domain.tickets import MAX_DESCRIPTION_LENGTH, MAX_LOCATION_LENGTH, MAX_PHOTOS, Coordinates, NewTicket

REASONS = frozenset({"citizen_request", "repeated_fallback", "sensitive_category"})
FALLBACK_CATEGORY = "other"
MAX_MESSAGES_IN_TICKET = 10

# Buttons the hub answers itself; they never reach the bot.
HUB_PAYLOAD_PREFIX = "hub:"
CANCEL_PAYLOAD = "hub:handoff:cancel"
FILE_CASE_PAYLOAD = "hub:ticket:yes"
KEEP_WAITING_PAYLOAD = "hub:ticket:no"


class Priority(StrEnum):
    HIGH = "high"  # sensitive (misconduct, corruption): supervisors only
    NORMAL = "normal"


class HandoffOutcome(StrEnum):
    RESOLVED = "resolved"
    HANDED_BACK = "handed_back"  # the agent gave the conversation back to the bot
    CANCELLED = "cancelled"  # the citizen stopped waiting
    TICKET_FILED = "ticket_filed"  # nobody was free; a ticket was filed instead


class Transition(StrEnum):
    HAND_OFF = "hand_off"
    CANCEL = "cancel"
    FILE_TICKET = "file_ticket"
    CLAIM = "claim"
    REASSIGN = "reassign"
    HAND_BACK = "hand_back"
    RESOLVE = "resolve"


# Which states each transition leaves from and where it goes. The store applies
# a transition as one conditional UPDATE, so two racing requests cannot both win.
TRANSITIONS: Mapping[Transition, tuple[frozenset[ConversationState], ConversationState]] = {
    Transition.HAND_OFF: (frozenset({ConversationState.BOT}), ConversationState.WAITING),
    Transition.CANCEL: (frozenset({ConversationState.WAITING}), ConversationState.BOT),
    Transition.FILE_TICKET: (frozenset({ConversationState.WAITING}), ConversationState.BOT),
    Transition.CLAIM: (frozenset({ConversationState.WAITING}), ConversationState.AGENT),
    Transition.REASSIGN: (frozenset({ConversationState.WAITING, ConversationState.AGENT}), ConversationState.AGENT),
    Transition.HAND_BACK: (frozenset({ConversationState.AGENT}), ConversationState.BOT),
    Transition.RESOLVE: (frozenset({ConversationState.AGENT}), ConversationState.CLOSED),
}

# How each transition that leaves the queue ends the handoff.
OUTCOMES: Mapping[Transition, HandoffOutcome] = {
    Transition.CANCEL: HandoffOutcome.CANCELLED,
    Transition.FILE_TICKET: HandoffOutcome.TICKET_FILED,
    Transition.HAND_BACK: HandoffOutcome.HANDED_BACK,
    Transition.RESOLVE: HandoffOutcome.RESOLVED,
}


@dataclass(frozen=True)
class HandoffRequest:
    """Parsed from the custom payload ``{"handoff": {"reason": …, "summary": {…}}}`` of a bot reply."""

    reason: str
    summary: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_custom_payload(cls, custom: dict[str, Any] | None) -> HandoffRequest | None:
        handoff = (custom or {}).get("handoff")
        if not isinstance(handoff, dict) or handoff.get("reason") not in REASONS:
            return None
        summary = handoff.get("summary")
        return cls(reason=handoff["reason"], summary=summary if isinstance(summary, dict) else {})

    @property
    def priority(self) -> Priority:
        return Priority.HIGH if self.reason == "sensitive_category" else Priority.NORMAL


def summary_category(summary: Mapping[str, Any]) -> str | None:
    """The complaint category the bot collected, if it is a known one."""
    complaint = summary.get("complaint")
    category = complaint.get("complaint_category") if isinstance(complaint, dict) else None
    return category if isinstance(category, str) and category in categories() else None


@dataclass(frozen=True)
class QueueItem:
    """A handed-off conversation as the console lists it."""

    conversation_id: str
    channel: str
    language: Language
    category: str | None
    priority: Priority
    reason: str
    waiting_since: datetime
    state: ConversationState  # waiting or agent
    assigned_agent: Agent | None

    def visible_to(self, agent: Agent) -> bool:
        """Sensitive conversations are for supervisors only; an owner always sees their own."""
        return self.priority is Priority.NORMAL or agent.supervises or self.assigned_agent == agent


def queue_order(items: Iterable[QueueItem]) -> list[QueueItem]:
    """High priority first, then who has waited longest."""
    return sorted(items, key=lambda item: (item.priority is not Priority.HIGH, item.waiting_since))


def queue_position(items: Iterable[QueueItem], conversation_id: str) -> int | None:
    """1 for the next conversation to be answered; counts only those still waiting (None: not waiting)."""
    waiting = [item for item in queue_order(items) if item.state is ConversationState.WAITING]
    return next(
        (position for position, item in enumerate(waiting, start=1) if item.conversation_id == conversation_id), None
    )


def waiting_notice(language: Language, now: datetime, hours: OfficeHours, position: int) -> Reply:
    """What the citizen is told on entering the queue: their place, or when the office opens."""
    messages = hub_messages()
    opening = hours.next_opening(now)
    if opening is None:
        text = messages["handoff.waiting_open"].in_language(language).format(position=position)
    else:
        opens_at = format_day_and_time(opening, hours.time_zone, language)
        text = messages["handoff.waiting_closed"].in_language(language).format(opens_at=opens_at)
    return Reply(text, (Button(messages["handoff.cancel_button"].in_language(language), CANCEL_PAYLOAD),))


def ticket_offer(language: Language) -> Reply:
    messages = hub_messages()
    return Reply(
        messages["handoff.ticket_offer"].in_language(language),
        (
            Button(messages["handoff.ticket_yes"].in_language(language), FILE_CASE_PAYLOAD),
            Button(messages["handoff.ticket_no"].in_language(language), KEEP_WAITING_PAYLOAD),
        ),
    )


class WaitingChoice(StrEnum):
    """What a waiting citizen's message means to the hub (anything else goes to the officers)."""

    CANCEL = "cancel"
    FILE_CASE = "file_case"
    KEEP_WAITING = "keep_waiting"
    NONE = "none"


def waiting_choice(text: str, payload: str | None, ticket_offered: bool) -> WaitingChoice:
    """Cancel always counts; yes/no only after the ticket offer was made."""
    if payload == CANCEL_PAYLOAD or (payload is None and keywords().matches("cancel", text)):
        return WaitingChoice.CANCEL
    if not ticket_offered:
        return WaitingChoice.NONE
    if payload == FILE_CASE_PAYLOAD or (payload is None and keywords().matches("file_case", text)):
        return WaitingChoice.FILE_CASE
    if payload == KEEP_WAITING_PAYLOAD or (payload is None and keywords().matches("keep_waiting", text)):
        return WaitingChoice.KEEP_WAITING
    return WaitingChoice.NONE


def ticket_from_handoff(conversation_id: str, summary: Mapping[str, Any], messages: Sequence[Message]) -> NewTicket:
    """A ticket for an officer to follow up a conversation nobody claimed.

    The category and place come from what the bot collected; the description
    is what the citizen typed (their latest messages, oldest first, without
    button presses and answers to the hub such as "yes").
    """
    complaint = summary.get("complaint") if isinstance(summary.get("complaint"), dict) else {}
    from_citizen = [message for message in messages if message.sender is Sender.CITIZEN]
    typed = [
        message.text
        for message in from_citizen
        if message.kind is MessageKind.TEXT and message.payload is None and not _is_keyword(message.text)
    ]
    description = "\n".join(typed[-MAX_MESSAGES_IN_TICKET:])
    not_given = hub_messages()["handoff.description_not_given"]
    collected = complaint.get("complaint_description")
    if isinstance(collected, str) and collected.strip() and collected.strip() not in typed:
        description = f"{collected.strip()}\n{description}".strip()
    shared = [message.location for message in from_citizen if message.location is not None]
    place = complaint.get("complaint_location")
    if isinstance(place, str) and place.strip():
        location = place.strip()
    elif shared:
        location = shared[-1].describe()
    else:
        location = hub_messages()["handoff.location_not_given"].bilingual()
    phone = complaint.get("complaint_phone")
    photos = [message.media_id for message in from_citizen if message.media_id is not None]
    return NewTicket(
        conversation_id=conversation_id,
        category=summary_category(summary) or FALLBACK_CATEGORY,
        description=_shorten(description or not_given.bilingual(), MAX_DESCRIPTION_LENGTH),
        location=_shorten(location, MAX_LOCATION_LENGTH),
        phone=normalize_thai_phone(phone) if isinstance(phone, str) else None,
        photos=tuple(dict.fromkeys(photos))[-MAX_PHOTOS:],
        coordinates=None if not shared else Coordinates(shared[-1].latitude, shared[-1].longitude),
    )


def _is_keyword(text: str) -> bool:
    normalized = keywords().normalize(text)
    return any(normalized in words for words in keywords().choices.values())


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Handoff:
    """One stay of a conversation in human hands, from entering the queue until it ends."""

    id: str
    conversation_id: str
    reason: str
    summary: dict[str, Any]
    priority: Priority
    started_at: datetime
    agent_id: str | None
    ticket_offered_at: datetime | None
    ended_at: datetime | None
    outcome: HandoffOutcome | None
