"""What agents write in the console: replies, internal notes and canned replies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from hub.domain.agents import Agent
from hub.domain.conversations import MAX_MESSAGE_LENGTH
from hub.domain.language import LANGUAGES, Language
from hub.domain.validation import InvalidField, request_object, required_text

MAX_TITLE_LENGTH = 100
RECENT_CONVERSATIONS = 10


def reply_text(body: Any) -> str:
    """The text of an agent reply or note from a request body; raises :class:`InvalidField`."""
    return required_text(request_object(body), "text", MAX_MESSAGE_LENGTH)


@dataclass(frozen=True)
class Note:
    id: str
    conversation_id: str
    agent: Agent
    text: str
    created_at: datetime


@dataclass(frozen=True)
class CannedReplyDraft:
    title: str
    language: Language
    text: str

    @classmethod
    def from_request(cls, body: Any) -> CannedReplyDraft:
        body = request_object(body)
        title = required_text(body, "title", MAX_TITLE_LENGTH)
        language = body.get("language")
        if language not in LANGUAGES:
            raise InvalidField("language", f"expected one of {', '.join(LANGUAGES)}")
        return cls(title, cast(Language, language), required_text(body, "text", MAX_MESSAGE_LENGTH))


@dataclass(frozen=True)
class CannedReply:
    id: str
    title: str
    language: Language
    text: str
