"""Suggestions and compliments citizens leave through the bot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hub.domain.validation import request_object, required_text

MAX_FEEDBACK_LENGTH = 2000


@dataclass(frozen=True)
class NewFeedback:
    conversation_id: str
    text: str

    @classmethod
    def from_request(cls, body: Any) -> NewFeedback:
        """Validate an internal-API request body; raises :class:`InvalidField` naming the field."""
        body = request_object(body)
        return cls(
            conversation_id=required_text(body, "conversation_id", 64),
            text=required_text(body, "text", MAX_FEEDBACK_LENGTH),
        )


@dataclass(frozen=True)
class Feedback:
    reference: str
    conversation_id: str
    text: str
    created_at: datetime
