"""Conversations and messages: the states a conversation moves through and
what a citizen's message must look like."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from hub.domain.language import Language

MAX_MESSAGE_LENGTH = 2000


class ConversationState(StrEnum):
    """Who answers the citizen. Only ``BOT`` is used until agents exist."""

    BOT = "bot"
    WAITING = "waiting"  # handed off, waiting for an agent
    AGENT = "agent"
    CLOSED = "closed"


class Sender(StrEnum):
    CITIZEN = "citizen"
    BOT = "bot"
    AGENT = "agent"
    SYSTEM = "system"  # the hub itself, e.g. "the bot is unavailable"


class MessageStatus(StrEnum):
    RECEIVED = "received"  # citizen message stored
    ANSWERED = "answered"  # ... and the bot answered it
    BOT_UNAVAILABLE = "bot_unavailable"  # ... and the bot could not be reached
    SENT = "sent"  # outbound message delivered to the channel
    FAILED = "failed"  # outbound message the channel could not deliver


class InvalidMessage(ValueError):
    """A citizen message the hub refuses; ``code`` names the reason."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Message:
    """A stored message of a conversation."""

    id: str
    conversation_id: str
    sender: Sender
    text: str
    language: Language
    created_at: datetime
    status: MessageStatus
    buttons: tuple[Button, ...] = ()
    payload: str | None = None
    failure_reason: str | None = None


@dataclass(frozen=True)
class Conversation:
    id: str  # opaque; also the sender id Rasa knows the conversation by
    contact_id: str
    channel: str
    state: ConversationState
    language: Language
    created_at: datetime


@dataclass(frozen=True)
class InboundMessage:
    """What a channel adapter hands to the hub for one citizen message."""

    channel: str
    external_id: str  # the citizen's id on that channel; never leaves the hub
    text: str
    payload: str | None = None  # a pressed button's payload, sent to the bot instead of the text
    metadata: dict[str, str] = field(default_factory=dict)


def validate_citizen_text(text: str) -> str:
    """Return the text to store (without surrounding blanks), or raise :class:`InvalidMessage`."""
    stripped = text.strip()
    if not stripped:
        raise InvalidMessage("empty_message")
    if len(stripped) > MAX_MESSAGE_LENGTH:
        raise InvalidMessage("message_too_long")
    return stripped
