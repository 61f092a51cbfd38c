"""Persistence: the only module of the hub that speaks SQL.

Everything else gets and gives plain domain objects (``hub.domain``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import datetime
from typing import cast

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hub.domain.conversations import (
    Button,
    Conversation,
    ConversationState,
    Location,
    Message,
    MessageKind,
    MessageStatus,
    Photo,
    Sender,
)
from hub.domain.feedback import Feedback, NewFeedback
from hub.domain.language import Language
from hub.domain.references import new_reference
from hub.domain.tickets import NewTicket, Ticket, TicketStatus
from hub.domain.validation import InvalidField
from hub.store.agents import AgentExists, AgentStore
from hub.store.base import (
    ConversationNotFound,
    Identity,
    async_database_url,
    conversation_of_row,
    identity_of_row,
    message_of_row,
    new_id,
    sync_database_url,
    ticket_of_row,
)
from hub.store.desk import DeskStore
from hub.store.tables import (
    Base,
    ChannelEventRow,
    ChannelIdentityRow,
    ContactRow,
    ConversationRow,
    FeedbackRow,
    MediaRow,
    MessageRow,
    TicketEventRow,
    TicketRow,
    utc_now,
)

_REFERENCE_ATTEMPTS = 5


class Store(AgentStore, DeskStore):
    """The hub's database: contacts, conversations, messages and tickets; staff and the desk
    (:mod:`hub.store.agents`, :mod:`hub.store.desk`)."""

    async def identify(self, channel: str, external_id: str, language: Language) -> Identity:
        """The identity for a channel user, creating the contact on first contact."""
        for _ in range(2):  # a concurrent first message may create it between our read and write
            async with self._sessions.begin() as session:
                row = await self._identity_row(session, channel, external_id)
                if row is not None:
                    return identity_of_row(row)
            try:
                async with self._sessions.begin() as session:
                    contact = ContactRow(id=new_id(), language=language)
                    identity = ChannelIdentityRow(
                        id=new_id(), contact_id=contact.id, channel=channel, external_id=external_id
                    )
                    session.add(contact)
                    await session.flush()
                    session.add(identity)
                return identity_of_row(identity)
            except IntegrityError:
                continue
        raise RuntimeError(f"could not create the identity on {channel}")

    async def find_identity(self, channel: str, external_id: str) -> Identity | None:
        async with self._sessions() as session:
            row = await self._identity_row(session, channel, external_id)
            return None if row is None else identity_of_row(row)

    async def identity_of(self, conversation_id: str) -> Identity:
        """Who a conversation's messages are delivered to."""
        async with self._sessions() as session:
            identity = await session.scalar(
                select(ChannelIdentityRow)
                .join(ConversationRow, ConversationRow.identity_id == ChannelIdentityRow.id)
                .where(ConversationRow.id == conversation_id)
            )
            if identity is None:
                raise ConversationNotFound(conversation_id)
            return identity_of_row(identity)

    async def set_reachable(self, channel: str, external_id: str, reachable: bool) -> None:
        """Record that the citizen blocked the bot (or came back); unknown identities are ignored."""
        async with self._sessions.begin() as session:
            row = await self._identity_row(session, channel, external_id)
            if row is not None:
                row.reachable = reachable

    async def claim_event(self, channel: str, event_id: str) -> bool:
        """True the first time a platform event is seen, False for a redelivery."""
        try:
            async with self._sessions.begin() as session:
                session.add(ChannelEventRow(id=new_id(), channel=channel, event_id=event_id))
        except IntegrityError:
            return False
        return True

    async def add_photo(self, conversation_id: str, photo: Photo) -> str:
        """Keep a citizen's photo; returns its media id."""
        async with self._sessions.begin() as session:
            row = MediaRow(
                id=new_id(),
                conversation_id=conversation_id,
                content_type=photo.content_type,
                size=len(photo.content),
                sha256=hashlib.sha256(photo.content).hexdigest(),
                content=photo.content,
            )
            session.add(row)
        return row.id

    async def photo(self, media_id: str) -> Photo | None:
        async with self._sessions() as session:
            row = await session.get(MediaRow, media_id)
            return None if row is None else Photo(row.content, row.content_type)

    async def media_conversation(self, media_id: str) -> str | None:
        """The conversation a photo was sent in."""
        async with self._sessions() as session:
            return cast(
                str | None, await session.scalar(select(MediaRow.conversation_id).where(MediaRow.id == media_id))
            )

    async def find_open_conversation(self, identity: Identity) -> Conversation | None:
        """The identity's latest conversation that is not closed, if any."""
        async with self._sessions() as session:
            row = await self._open_conversation_row(session, identity)
            return None if row is None else conversation_of_row(row)

    async def open_conversation(self, identity: Identity, language: Language) -> Conversation:
        """The identity's conversation that is not closed, or a new one."""
        async with self._sessions.begin() as session:
            row = await self._open_conversation_row(session, identity)
            if row is None:
                row = ConversationRow(
                    id=new_id(),
                    contact_id=identity.contact_id,
                    identity_id=identity.id,
                    channel=identity.channel,
                    state=ConversationState.BOT,
                    language=language,
                )
                session.add(row)
                await session.flush()
            return conversation_of_row(row)

    async def get_conversation(self, conversation_id: str) -> Conversation:
        async with self._sessions() as session:
            row = await session.get(ConversationRow, conversation_id)
            if row is None:
                raise ConversationNotFound(conversation_id)
            return conversation_of_row(row)

    async def set_conversation_language(self, conversation_id: str, language: Language) -> None:
        async with self._sessions.begin() as session:
            row = await session.get(ConversationRow, conversation_id)
            if row is None:
                raise ConversationNotFound(conversation_id)
            row.language = language

    async def add_message(
        self,
        conversation_id: str,
        sender: Sender,
        text: str,
        language: Language,
        status: MessageStatus,
        buttons: Sequence[Button] = (),
        payload: str | None = None,
        kind: MessageKind = MessageKind.TEXT,
        media_id: str | None = None,
        location: Location | None = None,
        agent_id: str | None = None,
    ) -> Message:
        async with self._sessions.begin() as session:
            row = MessageRow(
                id=new_id(),
                conversation_id=conversation_id,
                sender=sender,
                text=text,
                payload=payload,
                buttons=[{"title": button.title, "payload": button.payload} for button in buttons],
                language=language,
                status=status,
                kind=kind,
                media_id=media_id,
                location=None if location is None else asdict(location),
                agent_id=agent_id,
                created_at=utc_now(),
            )
            session.add(row)
            await session.flush()
            return message_of_row(row)

    async def set_message_status(
        self, message_id: str, status: MessageStatus, failure_reason: str | None = None
    ) -> Message | None:
        """The message with its new status (None if there is no such message)."""
        async with self._sessions.begin() as session:
            row = await session.get(MessageRow, message_id)
            if row is None:
                return None
            row.status = status
            row.failure_reason = failure_reason
            await session.flush()
            return message_of_row(row)

    async def messages(self, conversation_id: str) -> list[Message]:
        """The conversation's messages, oldest first."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(MessageRow)
                .where(MessageRow.conversation_id == conversation_id)
                .order_by(MessageRow.created_at, MessageRow.id)
            )
            return [message_of_row(row) for row in rows]

    async def create_ticket(self, new_ticket: NewTicket) -> Ticket:
        """File a ticket for the conversation's contact with a fresh random reference."""
        conversation = await self.get_conversation(new_ticket.conversation_id)
        await self._check_photos_of_contact(new_ticket.photos, conversation.contact_id)
        coordinates = new_ticket.coordinates

        def rows(reference: str, now: datetime) -> list[Base]:
            ticket = TicketRow(
                id=new_id(),
                reference=reference,
                contact_id=conversation.contact_id,
                conversation_id=conversation.id,
                category=new_ticket.category,
                description=new_ticket.description,
                location=new_ticket.location,
                phone=new_ticket.phone,
                photos=list(new_ticket.photos),
                latitude=None if coordinates is None else coordinates.latitude,
                longitude=None if coordinates is None else coordinates.longitude,
                language=conversation.language,
                status=TicketStatus.RECEIVED,
                created_at=now,
                updated_at=now,
            )
            event = TicketEventRow(
                id=new_id(),
                ticket_id=ticket.id,
                kind="filed",
                status=TicketStatus.RECEIVED,
                actor="citizen",
                created_at=now,
            )
            return [ticket, event]

        ticket = cast(TicketRow, (await self._insert_with_fresh_reference(rows))[0])
        return ticket_of_row(ticket)

    async def ticket_for_conversation(self, reference: str, conversation_id: str) -> Ticket | None:
        """The ticket, only if it belongs to the same contact as the conversation."""
        async with self._sessions() as session:
            row = await session.scalar(
                select(TicketRow)
                .join(ConversationRow, ConversationRow.contact_id == TicketRow.contact_id)
                .where(TicketRow.reference == reference, ConversationRow.id == conversation_id)
            )
            return None if row is None else ticket_of_row(row)

    async def tickets_of_contact(self, conversation_id: str, limit: int) -> list[Ticket]:
        """The most recent tickets of the conversation's contact, newest first."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(TicketRow)
                .join(ConversationRow, ConversationRow.contact_id == TicketRow.contact_id)
                .where(ConversationRow.id == conversation_id)
                .order_by(TicketRow.created_at.desc())
                .limit(limit)
            )
            return [ticket_of_row(row) for row in rows]

    async def add_feedback(self, new_feedback: NewFeedback) -> Feedback:
        conversation = await self.get_conversation(new_feedback.conversation_id)

        def rows(reference: str, now: datetime) -> list[Base]:
            return [
                FeedbackRow(
                    id=new_id(),
                    reference=reference,
                    contact_id=conversation.contact_id,
                    conversation_id=conversation.id,
                    text=new_feedback.text,
                    language=conversation.language,
                    created_at=now,
                )
            ]

        row = cast(FeedbackRow, (await self._insert_with_fresh_reference(rows))[0])
        return Feedback(row.reference, row.conversation_id, row.text, row.created_at)

    async def _check_photos_of_contact(self, media_ids: Sequence[str], contact_id: str) -> None:
        """A ticket may only show photos its own citizen sent."""
        if not media_ids:
            return
        async with self._sessions() as session:
            found = set(
                await session.scalars(
                    select(MediaRow.id)
                    .join(ConversationRow, ConversationRow.id == MediaRow.conversation_id)
                    .where(MediaRow.id.in_(media_ids), ConversationRow.contact_id == contact_id)
                )
            )
        if missing := [media_id for media_id in media_ids if media_id not in found]:
            raise InvalidField("photos", f"no photo {missing[0]} from this citizen")

    @staticmethod
    async def _open_conversation_row(session: AsyncSession, identity: Identity) -> ConversationRow | None:
        return cast(
            ConversationRow | None,
            await session.scalar(
                select(ConversationRow)
                .where(ConversationRow.identity_id == identity.id, ConversationRow.state != ConversationState.CLOSED)
                .order_by(ConversationRow.created_at.desc())
                .limit(1)
            ),
        )

    async def _insert_with_fresh_reference(self, rows_for: Callable[[str, datetime], Sequence[Base]]) -> Sequence[Base]:
        """Insert the rows ``rows_for(reference, now)`` builds, drawing another reference on a clash;
        returns the rows inserted.

        References are random (see hub.domain.references), so a clash is rare; the
        unique constraint, not a prior read, decides.
        """
        for _ in range(_REFERENCE_ATTEMPTS):
            now = utc_now()
            rows = rows_for(new_reference(now.year), now)
            try:
                async with self._sessions.begin() as session:
                    for row in rows:
                        session.add(row)
                        await session.flush()  # in order: later rows may refer to earlier ones
                return rows
            except IntegrityError:  # the reference was taken: draw another
                continue
        raise RuntimeError("no free reference after several attempts")

    @staticmethod
    async def _identity_row(session: AsyncSession, channel: str, external_id: str) -> ChannelIdentityRow | None:
        return cast(
            ChannelIdentityRow | None,
            await session.scalar(
                select(ChannelIdentityRow).where(
                    ChannelIdentityRow.channel == channel, ChannelIdentityRow.external_id == external_id
                )
            ),
        )


__all__ = [
    "AgentExists",
    "ConversationNotFound",
    "Identity",
    "Store",
    "async_database_url",
    "new_id",
    "sync_database_url",
]
