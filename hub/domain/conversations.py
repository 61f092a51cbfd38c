"""Conversations and messages: the states a conversation moves through and
what a citizen's message must look like."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from hub.domain.language import Language

MAX_MESSAGE_LENGTH = 2000
MAX_PHOTO_BYTES = 10 * 1024 * 1024  # LINE and Telegram send phone photos well below this
PHOTO_CONTENT_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"})
# What a button may send back, in UTF-8 bytes: the strictest chat app's limit
# (Telegram's callback_data). Bot and menu payloads must fit; `make test` checks.
MAX_BUTTON_PAYLOAD_BYTES = 64


class ConversationState(StrEnum):
    """Who answers the citizen (hub.domain.handoff.TRANSITIONS says how it changes)."""

    BOT = "bot"
    WAITING = "waiting"  # handed off, waiting for an agent
    AGENT = "agent"
    CLOSED = "closed"  # resolved by an agent; the citizen's next message opens a new conversation


class Sender(StrEnum):
    CITIZEN = "citizen"
    BOT = "bot"
    AGENT = "agent"
    SYSTEM = "system"  # the hub itself, e.g. "the bot is unavailable"


class MessageStatus(StrEnum):
    RECEIVED = "received"  # citizen message stored
    ANSWERED = "answered"  # ... and the bot answered it
    BOT_UNAVAILABLE = "bot_unavailable"  # ... and the bot could not be reached
    PENDING = "pending"  # outbound message stored, not yet accepted by the platform
    SENT = "sent"  # outbound message accepted by the platform
    FAILED = "failed"  # outbound message the channel could not deliver (``failure_reason`` says why)


class MessageKind(StrEnum):
    """What a citizen sent; only text, photos and locations reach the bot."""

    TEXT = "text"
    PHOTO = "photo"
    LOCATION = "location"
    STICKER = "sticker"
    UNSUPPORTED = "unsupported"  # audio, video, files: the hub says what it can take instead


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
class Reply:
    """An outgoing message before it is stored: text and buttons."""

    text: str
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True)
class Location:
    """A place a citizen shared from their chat app."""

    latitude: float
    longitude: float
    address: str = ""

    def __post_init__(self) -> None:
        if not (-90 <= self.latitude <= 90 and -180 <= self.longitude <= 180):
            raise InvalidMessage("invalid_location")

    def describe(self) -> str:
        """The address, or the coordinates when the app sent none."""
        return self.address or f"{self.latitude:.6f}, {self.longitude:.6f}"


@dataclass(frozen=True)
class Photo:
    """An image a citizen sent, downloaded from the platform."""

    content: bytes
    content_type: str

    def __post_init__(self) -> None:
        if self.content_type not in PHOTO_CONTENT_TYPES:
            raise InvalidMessage("unsupported_image")
        if not self.content or len(self.content) > MAX_PHOTO_BYTES:
            raise InvalidMessage("invalid_image_size")


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
    kind: MessageKind = MessageKind.TEXT
    media_id: str | None = None  # a photo in the media store
    location: Location | None = None
    agent_id: str | None = None  # who wrote an agent reply


@dataclass(frozen=True)
class Conversation:
    id: str  # opaque; also the sender id Rasa knows the conversation by
    contact_id: str
    channel: str
    state: ConversationState
    language: Language
    created_at: datetime
    assigned_agent_id: str | None = None  # the agent answering, while the state is agent


@dataclass(frozen=True)
class InboundMessage:
    """What a channel adapter hands to the hub for one citizen message."""

    channel: str
    external_id: str  # the citizen's id on that channel; never leaves the hub
    text: str = ""  # for a photo: its caption, if any
    payload: str | None = None  # a pressed button's payload, sent to the bot instead of the text
    kind: MessageKind = MessageKind.TEXT
    photo: Photo | None = None
    location: Location | None = None


def validate_citizen_text(text: str) -> str:
    """Return the text to store (without surrounding blanks), or raise :class:`InvalidMessage`."""
    stripped = text.strip()
    if not stripped:
        raise InvalidMessage("empty_message")
    if len(stripped) > MAX_MESSAGE_LENGTH:
        raise InvalidMessage("message_too_long")
    return stripped
