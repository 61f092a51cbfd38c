"""Photos and shared map locations: taken at any point of the complaint form, or
before it (a rule then starts the form).

The hub stores the media and sends ``/share_photo{"photo": "<media id>"}`` or
``/share_location{"latitude": .., "longitude": .., "address": ..}``; a citizen who
only types that they want to send one gets told how.
"""

from __future__ import annotations

import logging
import math
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.messages import say
from hub.domain.tickets import MAX_LOCATION_LENGTH

log = logging.getLogger(__name__)

MAX_PHOTOS = 5
MEDIA_ID = re.compile(r"[0-9a-fA-F]{32}")


def latest_entity(tracker: Tracker, entity: str) -> Any:
    """The value of ``entity`` in the latest message as the hub sent it (a number stays a number)."""
    return next(tracker.get_latest_entity_values(entity), None)


def degrees(value: Any, limit: float) -> float | None:
    """``value`` as degrees within ±``limit``, or None."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) and -limit <= number <= limit else None


def format_degrees(number: float) -> str:
    """At most 6 decimals (about 10 cm), no trailing zeros: ``13.7563``."""
    return f"{number:.6f}".rstrip("0").rstrip(".")


class TakePhoto(Action):
    """Adds the photo to the complaint (at most ``MAX_PHOTOS``) and acknowledges it."""

    def name(self) -> str:
        return "action_take_photo"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        media_id = latest_entity(tracker, "photo")
        if media_id is None:
            say(dispatcher, tracker, "photo_how_to_send", max_photos=MAX_PHOTOS)
            return []
        if not isinstance(media_id, str) or not MEDIA_ID.fullmatch(media_id):
            log.error("photo message for %s without a valid media id: %r", tracker.sender_id, media_id)
            say(dispatcher, tracker, "photo_not_received")
            return []
        photos = list(tracker.get_slot("complaint_photos") or [])
        if media_id in photos:  # the same photo again: already attached
            say(dispatcher, tracker, "photo_received")
            return []
        if len(photos) >= MAX_PHOTOS:
            say(dispatcher, tracker, "photo_limit", max_photos=MAX_PHOTOS)
            return []
        say(dispatcher, tracker, "photo_received")
        return [SlotSet("complaint_photos", [*photos, media_id])]


class TakeSharedLocation(Action):
    """Stores the shared point and answers the location question with its address
    (or the coordinates when the app sent none), so the form does not ask it."""

    def name(self) -> str:
        return "action_take_shared_location"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        raw_latitude, raw_longitude = latest_entity(tracker, "latitude"), latest_entity(tracker, "longitude")
        if raw_latitude is None and raw_longitude is None:
            say(dispatcher, tracker, "location_how_to_share")
            return []
        latitude, longitude = degrees(raw_latitude, 90), degrees(raw_longitude, 180)
        if latitude is None or longitude is None:
            log.error(
                "shared location for %s with invalid coordinates: %r, %r",
                tracker.sender_id,
                raw_latitude,
                raw_longitude,
            )
            say(dispatcher, tracker, "location_not_read")
            return []
        address = latest_entity(tracker, "address")
        address = address.strip() if isinstance(address, str) else ""
        location = address[:MAX_LOCATION_LENGTH] or f"{format_degrees(latitude)}, {format_degrees(longitude)}"
        say(dispatcher, tracker, "location_received", location=location)
        return [
            SlotSet("complaint_latitude", latitude),
            SlotSet("complaint_longitude", longitude),
            SlotSet("complaint_location", location),
        ]
