"""The desk's data: handoffs and the queue, notes, the phone audit log, canned
replies, satisfaction surveys and the records reports are computed from."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import and_, delete, exists, func, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from hub.domain.agents import Agent
from hub.domain.conversations import Conversation, ConversationState
from hub.domain.csat import Survey, SurveyStep
from hub.domain.desk import CannedReply, CannedReplyDraft, Note
from hub.domain.handoff import (
    OUTCOMES,
    TRANSITIONS,
    Handoff,
    HandoffOutcome,
    HandoffRequest,
    Priority,
    QueueItem,
    Transition,
    summary_category,
)
from hub.domain.language import Language
from hub.domain.reports import ConversationRecord, HandoffRecord, RatingRecord
from hub.domain.tickets import Ticket
from hub.store.base import ConversationNotFound, StoreBase, agent_of_row, conversation_of_row, new_id, ticket_of_row
from hub.store.tables import (
    AgentRow,
    CannedReplyRow,
    ConversationRow,
    CsatSurveyRow,
    HandoffRequestRow,
    InternalNoteRow,
    PhoneRevealRow,
    TicketRow,
)

_IN_HUMAN_HANDS = (ConversationState.WAITING, ConversationState.AGENT)
_PENDING_STEPS = (SurveyStep.RATING, SurveyStep.COMMENT)


class DeskStore(StoreBase):
    async def begin_handoff(self, conversation_id: str, request: HandoffRequest, now: datetime) -> bool:
        """Put a bot conversation in the queue; False if it was not with the bot any more."""
        async with self._sessions.begin() as session:
            moved = await self._apply(session, conversation_id, Transition.HAND_OFF, {"assigned_agent_id": None})
            if moved:
                session.add(
                    HandoffRequestRow(
                        id=new_id(),
                        conversation_id=conversation_id,
                        reason=request.reason,
                        summary=request.summary,
                        priority=request.priority,
                        created_at=now,
                    )
                )
            return moved

    async def transition(
        self,
        conversation_id: str,
        transition: Transition,
        now: datetime,
        *,
        agent_id: str | None = None,
        owner_id: str | None = None,
    ) -> bool:
        """Move a handed-off conversation on, as one conditional UPDATE: False when its state
        (or, with ``owner_id``, its owner) was not what the transition leaves from.

        ``agent_id`` is the new owner for a claim or a reassignment.
        """
        outcome = OUTCOMES.get(transition)
        values: dict[str, Any] = {"assigned_agent_id": agent_id if outcome is None else None}
        if transition is Transition.RESOLVE:
            values["closed_at"] = now
        async with self._sessions.begin() as session:
            if not await self._apply(session, conversation_id, transition, values, owner_id):
                return False
            current = and_(HandoffRequestRow.conversation_id == conversation_id, HandoffRequestRow.ended_at.is_(None))
            if outcome is not None:
                await session.execute(update(HandoffRequestRow).where(current).values(ended_at=now, outcome=outcome))
            else:
                await session.execute(
                    update(HandoffRequestRow)
                    .where(current)
                    .values(agent_id=agent_id, claimed_at=func.coalesce(HandoffRequestRow.claimed_at, now))
                )
            return True

    @staticmethod
    async def _apply(
        session: AsyncSession,
        conversation_id: str,
        transition: Transition,
        values: dict[str, Any],
        owner_id: str | None = None,
    ) -> bool:
        sources, target = TRANSITIONS[transition]
        conditions = [ConversationRow.id == conversation_id, ConversationRow.state.in_(sources)]
        if owner_id is not None:
            conditions.append(ConversationRow.assigned_agent_id == owner_id)
        result = cast(
            CursorResult[Any],
            await session.execute(update(ConversationRow).where(*conditions).values(state=target, **values)),
        )
        return result.rowcount == 1

    async def queue_items(self) -> list[QueueItem]:
        """Every conversation waiting for or with an agent (unordered: see hub.domain.handoff.queue_order)."""
        return await self._queue_items()

    async def queue_item(self, conversation_id: str) -> QueueItem | None:
        found = await self._queue_items(conversation_id)
        return found[0] if found else None

    async def _queue_items(self, conversation_id: str | None = None) -> list[QueueItem]:
        query = (
            select(ConversationRow, HandoffRequestRow, AgentRow)
            .join(
                HandoffRequestRow,
                and_(HandoffRequestRow.conversation_id == ConversationRow.id, HandoffRequestRow.ended_at.is_(None)),
            )
            .outerjoin(AgentRow, AgentRow.id == ConversationRow.assigned_agent_id)
            .where(ConversationRow.state.in_(_IN_HUMAN_HANDS))
        )
        if conversation_id is not None:
            query = query.where(ConversationRow.id == conversation_id)
        async with self._sessions() as session:
            rows = (await session.execute(query)).all()
        return [
            QueueItem(
                conversation_id=conversation.id,
                channel=conversation.channel,
                language=cast(Language, conversation.language),
                category=summary_category(handoff.summary or {}),
                priority=Priority(handoff.priority),
                reason=handoff.reason,
                waiting_since=handoff.created_at,
                state=ConversationState(conversation.state),
                assigned_agent=None if agent is None else agent_of_row(agent),
            )
            for conversation, handoff, agent in rows
        ]

    async def latest_handoff(self, conversation_id: str) -> Handoff | None:
        """The current handoff, or the last one the conversation had."""
        async with self._sessions() as session:
            row = await session.scalar(
                select(HandoffRequestRow)
                .where(HandoffRequestRow.conversation_id == conversation_id)
                .order_by(HandoffRequestRow.created_at.desc(), HandoffRequestRow.id)
                .limit(1)
            )
        if row is None:
            return None
        return Handoff(
            id=row.id,
            conversation_id=row.conversation_id,
            reason=row.reason,
            summary=row.summary or {},
            priority=Priority(row.priority),
            started_at=row.created_at,
            agent_id=row.agent_id,
            ticket_offered_at=row.ticket_offered_at,
            ended_at=row.ended_at,
            outcome=None if row.outcome is None else HandoffOutcome(row.outcome),
        )

    async def due_ticket_offers(self, waiting_since_before: datetime) -> list[str]:
        """Conversations still waiting since before the cutoff that were not offered a ticket yet."""
        async with self._sessions() as session:
            return list(
                await session.scalars(
                    select(ConversationRow.id)
                    .join(HandoffRequestRow, HandoffRequestRow.conversation_id == ConversationRow.id)
                    .where(
                        ConversationRow.state == ConversationState.WAITING,
                        HandoffRequestRow.ended_at.is_(None),
                        HandoffRequestRow.ticket_offered_at.is_(None),
                        HandoffRequestRow.created_at <= waiting_since_before,
                    )
                    .order_by(HandoffRequestRow.created_at)
                )
            )

    async def mark_ticket_offered(self, conversation_id: str, now: datetime) -> bool:
        """True for exactly one caller, however many hub replicas try at once."""
        async with self._sessions.begin() as session:
            result = cast(
                CursorResult[Any],
                await session.execute(
                    update(HandoffRequestRow)
                    .where(
                        HandoffRequestRow.conversation_id == conversation_id,
                        HandoffRequestRow.ended_at.is_(None),
                        HandoffRequestRow.ticket_offered_at.is_(None),
                    )
                    .values(ticket_offered_at=now)
                ),
            )
            return result.rowcount == 1

    async def record_first_response(self, conversation_id: str, now: datetime) -> None:
        """The first agent reply of the current handoff (later replies change nothing)."""
        async with self._sessions.begin() as session:
            await session.execute(
                update(HandoffRequestRow)
                .where(
                    HandoffRequestRow.conversation_id == conversation_id,
                    HandoffRequestRow.ended_at.is_(None),
                    HandoffRequestRow.first_response_at.is_(None),
                )
                .values(first_response_at=now)
            )

    async def add_note(self, conversation_id: str, agent: Agent, text: str, now: datetime) -> Note:
        row = InternalNoteRow(
            id=new_id(), conversation_id=conversation_id, agent_id=agent.id, text=text, created_at=now
        )
        async with self._sessions.begin() as session:
            session.add(row)
        return Note(row.id, conversation_id, agent, text, now)

    async def notes(self, conversation_id: str) -> list[Note]:
        async with self._sessions() as session:
            rows = (
                await session.execute(
                    select(InternalNoteRow, AgentRow)
                    .join(AgentRow, AgentRow.id == InternalNoteRow.agent_id)
                    .where(InternalNoteRow.conversation_id == conversation_id)
                    .order_by(InternalNoteRow.created_at, InternalNoteRow.id)
                )
            ).all()
        return [
            Note(note.id, note.conversation_id, agent_of_row(agent), note.text, note.created_at) for note, agent in rows
        ]

    async def record_phone_reveal(self, conversation_id: str, agent_id: str, now: datetime) -> None:
        async with self._sessions.begin() as session:
            session.add(PhoneRevealRow(id=new_id(), conversation_id=conversation_id, agent_id=agent_id, created_at=now))

    async def contact_phone(self, conversation_id: str) -> str | None:
        """The phone number the conversation's citizen gave most recently in a ticket."""
        async with self._sessions() as session:
            return cast(
                str | None,
                await session.scalar(
                    select(TicketRow.phone)
                    .join(ConversationRow, ConversationRow.contact_id == TicketRow.contact_id)
                    .where(ConversationRow.id == conversation_id, TicketRow.phone.is_not(None))
                    .order_by(TicketRow.created_at.desc())
                    .limit(1)
                ),
            )

    async def other_conversations(self, conversation_id: str, limit: int) -> list[Conversation]:
        """The same citizen's other conversations, on any channel, newest first."""
        async with self._sessions() as session:
            contact_id = await session.scalar(
                select(ConversationRow.contact_id).where(ConversationRow.id == conversation_id)
            )
            if contact_id is None:
                raise ConversationNotFound(conversation_id)
            rows = await session.scalars(
                select(ConversationRow)
                .where(ConversationRow.contact_id == contact_id, ConversationRow.id != conversation_id)
                .order_by(ConversationRow.created_at.desc())
                .limit(limit)
            )
            return [conversation_of_row(row) for row in rows]

    async def ticket_of_conversation(self, conversation_id: str) -> Ticket | None:
        """The latest ticket filed in this conversation."""
        async with self._sessions() as session:
            row = await session.scalar(
                select(TicketRow)
                .where(TicketRow.conversation_id == conversation_id)
                .order_by(TicketRow.created_at.desc())
                .limit(1)
            )
            return None if row is None else ticket_of_row(row)

    async def canned_replies(self) -> list[CannedReply]:
        async with self._sessions() as session:
            rows = await session.scalars(select(CannedReplyRow).order_by(CannedReplyRow.language, CannedReplyRow.title))
            return [_canned_reply(row) for row in rows]

    async def add_canned_reply(self, draft: CannedReplyDraft, agent_id: str) -> CannedReply:
        row = CannedReplyRow(
            id=new_id(), title=draft.title, language=draft.language, text=draft.text, updated_by=agent_id
        )
        async with self._sessions.begin() as session:
            session.add(row)
        return _canned_reply(row)

    async def update_canned_reply(self, reply_id: str, draft: CannedReplyDraft, agent_id: str) -> CannedReply | None:
        async with self._sessions.begin() as session:
            row = await session.get(CannedReplyRow, reply_id)
            if row is None:
                return None
            row.title, row.language, row.text, row.updated_by = draft.title, draft.language, draft.text, agent_id
            return _canned_reply(row)

    async def delete_canned_reply(self, reply_id: str) -> bool:
        async with self._sessions.begin() as session:
            result = cast(
                CursorResult[Any], await session.execute(delete(CannedReplyRow).where(CannedReplyRow.id == reply_id))
            )
            return result.rowcount == 1

    async def open_survey(
        self, conversation_id: str, agent_id: str | None, ticket_reference: str | None, now: datetime
    ) -> Survey:
        """Ask the citizen for a rating; a question they left unanswered is dropped."""
        async with self._sessions.begin() as session:
            conversation = await session.get(ConversationRow, conversation_id)
            if conversation is None:
                raise ConversationNotFound(conversation_id)
            await session.execute(
                update(CsatSurveyRow)
                .where(CsatSurveyRow.identity_id == conversation.identity_id, CsatSurveyRow.step.in_(_PENDING_STEPS))
                .values(step=SurveyStep.ABANDONED)
            )
            row = CsatSurveyRow(
                id=new_id(),
                conversation_id=conversation_id,
                identity_id=conversation.identity_id,
                channel=conversation.channel,
                agent_id=agent_id,
                ticket_reference=ticket_reference,
                step=SurveyStep.RATING,
                asked_at=now,
            )
            session.add(row)
            await session.flush()
            return _survey(row)

    async def pending_survey(self, identity_id: str) -> Survey | None:
        """The question the citizen has not finished answering, if any."""
        async with self._sessions() as session:
            row = await session.scalar(
                select(CsatSurveyRow)
                .where(CsatSurveyRow.identity_id == identity_id, CsatSurveyRow.step.in_(_PENDING_STEPS))
                .order_by(CsatSurveyRow.asked_at.desc())
                .limit(1)
            )
            return None if row is None else _survey(row)

    async def record_rating(self, survey_id: str, rating: int, now: datetime) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(CsatSurveyRow)
                .where(CsatSurveyRow.id == survey_id)
                .values(rating=rating, rated_at=now, step=SurveyStep.COMMENT)
            )

    async def finish_survey(self, survey_id: str, step: SurveyStep, comment: str | None = None) -> None:
        """Done (with the comment, if any) or abandoned."""
        async with self._sessions.begin() as session:
            await session.execute(
                update(CsatSurveyRow).where(CsatSurveyRow.id == survey_id).values(step=step, comment=comment)
            )

    async def report_records(
        self, start: datetime, end: datetime
    ) -> tuple[list[HandoffRecord], list[RatingRecord], list[ConversationRecord]]:
        """What reports count, from ``start`` (included) to ``end`` (excluded)."""
        async with self._sessions() as session:
            handoffs = (
                await session.execute(
                    select(HandoffRequestRow, ConversationRow.channel)
                    .join(ConversationRow, ConversationRow.id == HandoffRequestRow.conversation_id)
                    .where(HandoffRequestRow.created_at >= start, HandoffRequestRow.created_at < end)
                )
            ).all()
            ratings = await session.scalars(
                select(CsatSurveyRow).where(
                    CsatSurveyRow.rating.is_not(None), CsatSurveyRow.rated_at >= start, CsatSurveyRow.rated_at < end
                )
            )
            handed_off = exists().where(HandoffRequestRow.conversation_id == ConversationRow.id)
            conversations = (
                await session.execute(
                    select(ConversationRow.channel, ConversationRow.created_at, handed_off).where(
                        ConversationRow.created_at >= start, ConversationRow.created_at < end
                    )
                )
            ).all()
            return (
                [
                    HandoffRecord(
                        channel,
                        row.agent_id,
                        row.created_at,
                        row.first_response_at,
                        row.ended_at,
                        None if row.outcome is None else HandoffOutcome(row.outcome),
                    )
                    for row, channel in handoffs
                ],
                [
                    RatingRecord(row.channel, row.agent_id, cast(datetime, row.rated_at), cast(int, row.rating))
                    for row in ratings
                ],
                [ConversationRecord(channel, created_at, bool(flag)) for channel, created_at, flag in conversations],
            )


def _canned_reply(row: CannedReplyRow) -> CannedReply:
    return CannedReply(row.id, row.title, cast(Language, row.language), row.text)


def _survey(row: CsatSurveyRow) -> Survey:
    return Survey(
        id=row.id,
        conversation_id=row.conversation_id,
        channel=row.channel,
        agent_id=row.agent_id,
        ticket_reference=row.ticket_reference,
        step=SurveyStep(row.step),
        rating=row.rating,
        comment=row.comment,
        asked_at=row.asked_at,
    )
