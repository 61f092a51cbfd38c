"""Asking citizens how it went (CSAT) and reading their answers in the chat."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from hub.domain.content import hub_messages
from hub.domain.conversations import Reply, Sender
from hub.domain.csat import Survey, SurveyAnswer, SurveyStep, comment_question, rating_question
from hub.domain.language import Language
from hub.outbox import Outbox
from hub.store import Identity, Store
from hub.store.tables import utc_now

log = logging.getLogger(__name__)


class Satisfaction:
    def __init__(self, store: Store, outbox: Outbox, clock: Callable[[], datetime] = utc_now) -> None:
        self._store = store
        self._outbox = outbox
        self._clock = clock

    async def ask(
        self,
        identity: Identity,
        conversation_id: str,
        language: Language,
        agent_id: str | None = None,
        ticket_reference: str | None = None,
    ) -> None:
        """Put the 1–5 question, after an agent resolved the conversation or the bot filed a ticket."""
        await self._store.open_survey(conversation_id, agent_id, ticket_reference, self._clock())
        question = rating_question(language, after_ticket=ticket_reference is not None)
        await self._outbox.send(identity, conversation_id, Sender.SYSTEM, [question], language)

    async def pending(self, identity: Identity) -> Survey | None:
        """The question this citizen has yet to answer; an old one is dropped."""
        survey = await self._store.pending_survey(identity.id)
        if survey is not None and survey.expired(self._clock()):
            await self._store.finish_survey(survey.id, SurveyStep.ABANDONED)
            return None
        return survey

    async def record(self, identity: Identity, survey: Survey, answer: SurveyAnswer, language: Language) -> None:
        """Store a rating and ask for a comment, or store the comment and thank the citizen."""
        reply: Reply
        if answer.rating is not None:
            await self._store.record_rating(survey.id, answer.rating, self._clock())
            log.info("conversation %s rated %d", survey.conversation_id, answer.rating)
            reply = comment_question(language)
        else:
            await self._store.finish_survey(survey.id, SurveyStep.DONE, answer.comment)
            reply = Reply(hub_messages()["csat.thanks"].in_language(language))
        await self._outbox.send(identity, survey.conversation_id, Sender.SYSTEM, [reply], language)

    async def abandon(self, survey: Survey) -> None:
        await self._store.finish_survey(survey.id, SurveyStep.ABANDONED)
