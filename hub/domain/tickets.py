"""Tickets: a citizen's complaint with a reference they can follow."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from hub.domain.content import categories
from hub.domain.phone import normalize_thai_phone

MAX_DESCRIPTION_LENGTH = 2000
MAX_LOCATION_LENGTH = 500


class TicketStatus(StrEnum):
    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"


class InvalidField(ValueError):
    """A field of a request failed validation; ``field`` names it."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class NewTicket:
    conversation_id: str
    category: str
    description: str
    location: str
    phone: str | None

    @classmethod
    def from_request(cls, body: Any) -> NewTicket:
        """Validate an internal-API request body; raises :class:`InvalidField`."""
        if not isinstance(body, dict):
            raise InvalidField("body", "expected a JSON object")
        conversation_id = required_text(body, "conversation_id", 64)
        category = required_text(body, "category", 40)
        if category not in categories():
            raise InvalidField("category", f"unknown category; expected one of {', '.join(categories())}")
        description = required_text(body, "description", MAX_DESCRIPTION_LENGTH)
        location = required_text(body, "location", MAX_LOCATION_LENGTH)
        raw_phone = body.get("phone")
        phone: str | None = None
        if raw_phone is not None:
            if not isinstance(raw_phone, str) or (phone := normalize_thai_phone(raw_phone)) is None:
                raise InvalidField("phone", "expected a Thai mobile number such as 081-234-5678, or null")
        return cls(conversation_id, category, description, location, phone)


@dataclass(frozen=True)
class Ticket:
    reference: str
    conversation_id: str
    contact_id: str
    category: str
    description: str
    location: str
    phone: str | None
    status: TicketStatus
    created_at: datetime
    updated_at: datetime


def required_text(body: dict[str, Any], field: str, max_length: int) -> str:
    """A non-empty string field of a request body, stripped; raises :class:`InvalidField`."""
    value = body.get(field)
    if not isinstance(value, str) or not value.strip():
        raise InvalidField(field, "required; expected a non-empty string")
    if len(value) > max_length:
        raise InvalidField(field, f"longer than {max_length} characters")
    return value.strip()
