"""What every part of the store shares: the engine, sessions and turning rows into domain objects."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import cast

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from hub.domain.agents import Agent, Role
from hub.domain.conversations import (
    Button,
    Conversation,
    ConversationState,
    Location,
    Message,
    MessageKind,
    MessageStatus,
    Sender,
)
from hub.domain.language import Language
from hub.domain.tickets import Coordinates, Ticket, TicketStatus
from hub.store.tables import AgentRow, ChannelIdentityRow, ConversationRow, MessageRow, TicketRow


def new_id() -> str:
    return uuid.uuid4().hex


def async_database_url(url: str) -> str:
    """Accept plain ``sqlite:///`` and ``postgresql://`` URLs and pick the async drivers."""
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url.removeprefix("sqlite:///")
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def sync_database_url(url: str) -> str:
    """The same database through a synchronous driver (for Alembic)."""
    url = async_database_url(url)
    return url.replace("sqlite+aiosqlite://", "sqlite://", 1)


SQLITE_LOCK_WAIT_SECONDS = 30


class ConversationNotFound(LookupError):
    pass


@dataclass(frozen=True)
class Identity:
    """A contact as known on one channel."""

    id: str
    contact_id: str
    channel: str
    external_id: str
    reachable: bool = True  # False once the citizen blocked the bot or unfollowed


class StoreBase:
    def __init__(self, database_url: str) -> None:
        url = async_database_url(database_url)
        # SQLite lets one writer at a time; under load the default 5 s wait for the
        # lock ran out and a citizen's message was lost (LINE benchmark, 50 users).
        connect_args = {"timeout": SQLITE_LOCK_WAIT_SECONDS} if url.startswith("sqlite") else {}
        self.engine: AsyncEngine = create_async_engine(url, pool_pre_ping=True, connect_args=connect_args)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    async def close(self) -> None:
        await self.engine.dispose()


def identity_of_row(row: ChannelIdentityRow) -> Identity:
    return Identity(row.id, row.contact_id, row.channel, row.external_id, row.reachable)


def conversation_of_row(row: ConversationRow) -> Conversation:
    return Conversation(
        id=row.id,
        contact_id=row.contact_id,
        channel=row.channel,
        state=ConversationState(row.state),
        language=cast(Language, row.language),
        created_at=row.created_at,
        assigned_agent_id=row.assigned_agent_id,
    )


def message_of_row(row: MessageRow) -> Message:
    return Message(
        id=row.id,
        conversation_id=row.conversation_id,
        sender=Sender(row.sender),
        text=row.text,
        language=cast(Language, row.language),
        created_at=row.created_at,
        status=MessageStatus(row.status),
        buttons=tuple(Button(button["title"], button["payload"]) for button in row.buttons or ()),
        payload=row.payload,
        failure_reason=row.failure_reason,
        kind=MessageKind(row.kind),
        media_id=row.media_id,
        location=None if row.location is None else Location(**row.location),
        agent_id=row.agent_id,
    )


def ticket_of_row(row: TicketRow) -> Ticket:
    return Ticket(
        reference=row.reference,
        conversation_id=row.conversation_id,
        contact_id=row.contact_id,
        category=row.category,
        description=row.description,
        location=row.location,
        phone=row.phone,
        status=TicketStatus(row.status),
        created_at=row.created_at,
        updated_at=row.updated_at,
        photos=tuple(row.photos or ()),
        coordinates=None if row.latitude is None or row.longitude is None else Coordinates(row.latitude, row.longitude),
    )


def agent_of_row(row: AgentRow) -> Agent:
    return Agent(row.id, row.email, row.name, Role(row.role))
