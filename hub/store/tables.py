"""The hub's tables (SQLAlchemy 2 declarative models). Only ``hub.store`` uses them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Index,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every database.

    SQLite has no time zones: store naive UTC, hand back aware UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class ContactRow(Base):
    """A citizen, whichever channels they use."""

    __tablename__ = "contacts"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    language: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class ChannelIdentityRow(Base):
    """Who a contact is on one channel (a LINE user id, a web chat session...)."""

    __tablename__ = "channel_identities"
    __table_args__ = (UniqueConstraint("channel", "external_id", name="uq_channel_identities_channel_external_id"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id"), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(255))
    reachable: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class ConversationRow(Base):
    __tablename__ = "conversations"
    __table_args__ = (Index("ix_conversations_identity_state", "identity_id", "state"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id"), index=True)
    identity_id: Mapped[str] = mapped_column(ForeignKey("channel_identities.id"))
    channel: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now, onupdate=utc_now)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    assigned_agent_id: Mapped[str | None] = mapped_column(ForeignKey("agents.id"))  # while state is agent


class MediaRow(Base):
    """A photo a citizen sent. Kept in the database so every hub replica and backup has it."""

    __tablename__ = "media"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class ChannelEventRow(Base):
    """A platform event already processed: platforms redeliver, citizens must not get two answers."""

    __tablename__ = "channel_events"
    __table_args__ = (UniqueConstraint("channel", "event_id", name="uq_channel_events_channel_event_id"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    event_id: Mapped[str] = mapped_column(String(128))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class MessageRow(Base):
    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_conversation_created", "conversation_id", "created_at"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"))
    sender: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    payload: Mapped[str | None] = mapped_column(Text)
    buttons: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(16))
    failure_reason: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16), default="text", server_default="text")
    media_id: Mapped[str | None] = mapped_column(ForeignKey("media.id"))
    location: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # latitude, longitude, address
    agent_id: Mapped[str | None] = mapped_column(ForeignKey("agents.id"))  # who wrote an agent reply
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class TicketRow(Base):
    __tablename__ = "tickets"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id"), index=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"))
    category: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text)
    location: Mapped[str] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(String(20))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    photos: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")  # media ids
    language: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now, onupdate=utc_now)


class TicketEventRow(Base):
    """The ticket's history: filed, status changes, notes."""

    __tablename__ = "ticket_events"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class FeedbackRow(Base):
    """A suggestion or compliment a citizen left (not a complaint: no status to follow)."""

    __tablename__ = "feedback"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id"), index=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"))
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class HandoffRequestRow(Base):
    """One handoff: the bot asked for a human, from entering the queue until it ends.

    A conversation has at most one handoff with ``ended_at`` unset: the current one.
    """

    __tablename__ = "handoff_requests"
    __table_args__ = (Index("ix_handoff_requests_ended_at", "ended_at"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    reason: Mapped[str] = mapped_column(String(40))
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)  # entered the queue
    priority: Mapped[str] = mapped_column(String(8), default="normal", server_default="normal")
    agent_id: Mapped[str | None] = mapped_column(ForeignKey("agents.id"))  # the last agent who had it
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the first agent reply
    ticket_offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str | None] = mapped_column(String(16))


class AgentRow(Base):
    """Staff who sign in to the console."""

    __tablename__ = "agents"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # lower case
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(Text)  # argon2
    failed_sign_ins: Mapped[int] = mapped_column(default=0, server_default="0")
    failures_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class ConsoleSessionRow(Base):
    """A signed-in console session; only a hash of its token is kept."""

    __tablename__ = "console_sessions"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    agent_id: Mapped[str] = mapped_column(ForeignKey("agents.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class InternalNoteRow(Base):
    """A note agents leave on a conversation; never sent to the citizen."""

    __tablename__ = "internal_notes"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    agent_id: Mapped[str] = mapped_column(ForeignKey("agents.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class PhoneRevealRow(Base):
    """Audit log: who saw a citizen's phone number, when, in which conversation."""

    __tablename__ = "phone_reveals"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    agent_id: Mapped[str] = mapped_column(ForeignKey("agents.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class CannedReplyRow(Base):
    """A ready-made answer agents can send; supervisors keep them."""

    __tablename__ = "canned_replies"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(2))
    text: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(ForeignKey("agents.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now, onupdate=utc_now)


class CsatSurveyRow(Base):
    """The satisfaction question put to a citizen, and their answer."""

    __tablename__ = "csat_surveys"
    __table_args__ = (Index("ix_csat_surveys_identity_step", "identity_id", "step"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    identity_id: Mapped[str] = mapped_column(ForeignKey("channel_identities.id"))
    channel: Mapped[str] = mapped_column(String(32))
    agent_id: Mapped[str | None] = mapped_column(ForeignKey("agents.id"))  # who resolved; None after a bot ticket
    ticket_reference: Mapped[str | None] = mapped_column(String(20))
    step: Mapped[str] = mapped_column(String(16))
    rating: Mapped[int | None] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
