"""Tickets: a citizen's complaint with a reference they can follow."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from hub.domain.content import categories
from hub.domain.phone import normalize_thai_phone
from hub.domain.validation import InvalidField, request_object, required_text

MAX_DESCRIPTION_LENGTH = 2000
MAX_LOCATION_LENGTH = 500


class TicketStatus(StrEnum):
    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"


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
        body = request_object(body)
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
