"""Satisfaction (CSAT): the 1–5 question after a conversation, and reading the answers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from hub.domain.content import hub_messages, keywords
from hub.domain.conversations import MAX_MESSAGE_LENGTH, Button, MessageKind, Reply
from hub.domain.language import Language

RATINGS = (1, 2, 3, 4, 5)
RATING_PAYLOAD_PREFIX = "hub:csat:"
SKIP_PAYLOAD = "hub:csat:skip"
# After this, a digit the citizen types is an ordinary message again.
ANSWER_WINDOW = timedelta(hours=24)

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# "4", "๔", "4/5", "4 ⭐", "4 ดาว", "4 stars", "4 คะแนน"
_TYPED_RATING = re.compile(r"^\s*([1-5])\s*(?:/\s*5|⭐+|★+|ดาว|คะแนน|stars?|points?)?\s*[.!]?\s*$", re.IGNORECASE)


class SurveyStep(StrEnum):
    RATING = "rating"  # waiting for 1–5
    COMMENT = "comment"  # rated; waiting for an optional comment
    DONE = "done"
    ABANDONED = "abandoned"  # the citizen wrote something else instead of a rating


@dataclass(frozen=True)
class Survey:
    id: str
    conversation_id: str
    channel: str
    agent_id: str | None  # who resolved the conversation; None after a bot-only ticket
    ticket_reference: str | None
    step: SurveyStep
    rating: int | None
    comment: str | None
    asked_at: datetime

    def expired(self, now: datetime) -> bool:
        return now - self.asked_at > ANSWER_WINDOW


def ticket_rating_request(custom: dict[str, Any] | None) -> str | None:
    """The ticket reference of the bot's ``{"csat": {"ticket": reference}}`` signal, if present."""
    csat = (custom or {}).get("csat")
    reference = csat.get("ticket") if isinstance(csat, dict) else None
    return reference if isinstance(reference, str) and reference else None


def parse_rating(text: str, payload: str | None) -> int | None:
    """A rating from a pressed button or typed digits (Thai digits too), else None."""
    if payload is not None:
        value = payload.removeprefix(RATING_PAYLOAD_PREFIX) if payload.startswith(RATING_PAYLOAD_PREFIX) else ""
        return int(value) if value.isdigit() and int(value) in RATINGS else None
    match = _TYPED_RATING.match(text.translate(_THAI_DIGITS))
    return int(match.group(1)) if match else None


def parse_comment(text: str, payload: str | None) -> str | None:
    """The comment, or None when the citizen skipped it."""
    if payload == SKIP_PAYLOAD or (payload is None and keywords().matches("skip", text)):
        return None
    return text.strip()[:MAX_MESSAGE_LENGTH] or None


def rating_question(language: Language, after_ticket: bool) -> Reply:
    key = "csat.question_ticket" if after_ticket else "csat.question_resolved"
    buttons = tuple(Button(str(rating), f"{RATING_PAYLOAD_PREFIX}{rating}") for rating in RATINGS)
    return Reply(hub_messages()[key].in_language(language), buttons)


def comment_question(language: Language) -> Reply:
    messages = hub_messages()
    skip = Button(messages["csat.skip_button"].in_language(language), SKIP_PAYLOAD)
    return Reply(messages["csat.ask_comment"].in_language(language), (skip,))


@dataclass(frozen=True)
class SurveyAnswer:
    """A rating (at the rating step) or a comment (None when skipped)."""

    rating: int | None = None
    comment: str | None = None


def survey_answer(step: SurveyStep, kind: MessageKind, text: str, payload: str | None) -> SurveyAnswer | None:
    """What a citizen's message answers, or None when it is no answer (they moved on)."""
    if kind is not MessageKind.TEXT:
        return None
    if step is SurveyStep.RATING:
        rating = parse_rating(text, payload)
        return None if rating is None else SurveyAnswer(rating=rating)
    if step is SurveyStep.COMMENT and payload in (None, SKIP_PAYLOAD):  # another button is not a comment
        return SurveyAnswer(comment=parse_comment(text, payload))
    return None
