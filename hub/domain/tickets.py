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
MAX_PHOTOS = 5


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
    photos: tuple[str, ...] = ()  # media ids of photos the citizen sent in this conversation
    coordinates: Coordinates | None = None

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
        return cls(
            conversation_id, category, description, location, phone, _photos(body), Coordinates.from_request(body)
        )


@dataclass(frozen=True)
class Coordinates:
    """Where on the map: from a location the citizen shared in their chat app."""

    latitude: float
    longitude: float

    @classmethod
    def from_request(cls, body: dict[str, Any]) -> Coordinates | None:
        value = body.get("coordinates")
        if value is None:
            return None
        if not isinstance(value, dict):
            raise InvalidField("coordinates", "expected an object with latitude and longitude, or null")
        latitude, longitude = value.get("latitude"), value.get("longitude")
        if not _is_number(latitude) or not -90 <= latitude <= 90:
            raise InvalidField("coordinates.latitude", "expected a number from -90 to 90")
        if not _is_number(longitude) or not -180 <= longitude <= 180:
            raise InvalidField("coordinates.longitude", "expected a number from -180 to 180")
        return cls(float(latitude), float(longitude))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _photos(body: dict[str, Any]) -> tuple[str, ...]:
    value = body.get("photos", [])
    if not isinstance(value, list) or not all(isinstance(media_id, str) and media_id for media_id in value):
        raise InvalidField("photos", "expected a list of media ids")
    if len(value) > MAX_PHOTOS:
        raise InvalidField("photos", f"at most {MAX_PHOTOS} photos")
    return tuple(dict.fromkeys(value))  # the same photo twice is one photo


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
    photos: tuple[str, ...] = ()
    coordinates: Coordinates | None = None
