"""The complaint form: category, description, location, optional phone, confirmation;
photos and a map location ride along (:mod:`actions.media`)."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.dates import format_datetime
from actions.handoff import handoff_payload
from actions.hub_api import Coordinates, HubApi, HubUnavailable
from actions.language import label, label_buttons, language_of
from actions.messages import message_text, say
from actions.questions import answer_within
from hub.domain.content import categories, complaint_fields, sensitive_categories
from hub.domain.phone import EXAMPLE_PHONE, mask_phone, normalize_thai_phone
from hub.domain.tickets import MAX_DESCRIPTION_LENGTH, MAX_LOCATION_LENGTH

log = logging.getLogger(__name__)

PHONE_SKIPPED = "skipped"  # the value the `skip` intent puts in complaint_phone
COMPLAINT_SLOTS = (
    "complaint_category",
    "complaint_description",
    "complaint_location",
    "complaint_phone",
    "complaint_confirmed",
    "complaint_photos",
    "complaint_latitude",
    "complaint_longitude",
)

# A corrected location is typed, so the map location shared for the old one goes too.
CLEARED_WITH = {"complaint_location": ("complaint_latitude", "complaint_longitude")}


def reset_complaint() -> list[EventType]:
    return [SlotSet(slot, None) for slot in COMPLAINT_SLOTS]


def coordinates_of(tracker: Tracker) -> Coordinates | None:
    """The map location the citizen shared, if any."""
    latitude, longitude = tracker.get_slot("complaint_latitude"), tracker.get_slot("complaint_longitude")
    if latitude is None or longitude is None:
        return None
    return Coordinates(latitude=float(latitude), longitude=float(longitude))


class ValidateComplaintForm(FormValidationAction):
    def name(self) -> str:
        return "validate_complaint_form"

    async def validate_complaint_category(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        # Rasa keeps the last category word of a message; the first one is what
        # the citizen is reporting ("ไฟถนนดับ ... ถนนมิตรภาพ" is a streetlight).
        mentioned = [
            entity["value"]
            for entity in tracker.latest_message.get("entities", [])
            if entity["entity"] == "category" and entity["value"] in categories()
        ]
        if mentioned:
            return {"complaint_category": mentioned[0]}
        category = value.strip().lower() if isinstance(value, str) else None
        if category in categories():
            return {"complaint_category": category}
        say(dispatcher, tracker, "invalid_category")
        return {"complaint_category": None}

    async def validate_complaint_description(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"complaint_description": answer_within(value, MAX_DESCRIPTION_LENGTH, dispatcher, tracker)}

    async def validate_complaint_location(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"complaint_location": answer_within(value, MAX_LOCATION_LENGTH, dispatcher, tracker)}

    async def validate_complaint_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value == PHONE_SKIPPED:
            return {"complaint_phone": PHONE_SKIPPED}
        phone = normalize_thai_phone(value) if isinstance(value, str) else None
        if phone is None:
            say(dispatcher, tracker, "invalid_phone", example_phone=EXAMPLE_PHONE)
        return {"complaint_phone": phone}


class AskComplaintCategory(Action):
    """Asks for the category with one button per category, labels in the citizen's language."""

    def name(self) -> str:
        return "action_ask_complaint_category"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        buttons = label_buttons(
            categories(), language_of(tracker), lambda category: f'/inform{{"category":"{category}"}}'
        )
        say(dispatcher, tracker, "ask_complaint_category", buttons=buttons)
        return []


class AskComplaintConfirmed(Action):
    """Shows the summary of the complaint and asks the citizen to confirm it."""

    def name(self) -> str:
        return "action_ask_complaint_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        language = language_of(tracker)
        phone = tracker.get_slot("complaint_phone")
        photos = tracker.get_slot("complaint_photos") or []
        attachments = []
        if photos:
            attachments.append(message_text("summary_photos", language, count=len(photos)))
        if coordinates_of(tracker) is not None:
            attachments.append(message_text("summary_map_location", language))
        say(
            dispatcher,
            tracker,
            "complaint_summary",
            category=label(categories(), tracker.get_slot("complaint_category"), language),
            description=tracker.get_slot("complaint_description"),
            location=tracker.get_slot("complaint_location"),
            attachments="".join(f"\n{line}" for line in attachments),
            phone="-" if phone in (None, PHONE_SKIPPED) else phone,
        )
        return []


class SubmitComplaint(Action):
    """Files the confirmed complaint through the hub and gives the reference."""

    def name(self) -> str:
        return "action_submit_complaint"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if not tracker.get_slot("complaint_confirmed"):
            say(dispatcher, tracker, "complaint_cancelled")
            return reset_complaint()
        phone = tracker.get_slot("complaint_phone")
        try:
            ticket = await HubApi().file_ticket(
                conversation_id=tracker.sender_id,
                category=tracker.get_slot("complaint_category"),
                description=tracker.get_slot("complaint_description"),
                location=tracker.get_slot("complaint_location"),
                phone=None if phone == PHONE_SKIPPED else phone,
                photos=tracker.get_slot("complaint_photos") or [],
                coordinates=coordinates_of(tracker),
            )
        except HubUnavailable as error:
            log.error("could not file a ticket for %s: %s", tracker.sender_id, error)
            say(dispatcher, tracker, "ticket_not_filed")
            return reset_complaint()
        log.info(
            "filed %s for %s (phone %s)",
            ticket.reference,
            tracker.sender_id,
            "-" if phone in (None, PHONE_SKIPPED) else mask_phone(phone),
        )
        say(
            dispatcher,
            tracker,
            "ticket_filed",
            reference=ticket.reference,
            filed_at=format_datetime(ticket.created_at, language_of(tracker)),
        )
        if ticket.category in sensitive_categories():
            # Misconduct and corruption go to supervisors at once, not only to the ticket queue.
            dispatcher.utter_message(
                json_message=handoff_payload("sensitive_category", tracker, ticket=ticket.reference)
            )
        else:
            dispatcher.utter_message(json_message={"csat": {"ticket": ticket.reference}})  # the hub asks for a rating
        return reset_complaint()


class CancelComplaint(Action):
    def name(self) -> str:
        return "action_cancel_complaint"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        say(dispatcher, tracker, "complaint_cancelled")
        return [ActiveLoop(None), SlotSet("requested_slot", None), *reset_complaint()]


class ChangeAnswer(Action):
    """Clears the answer the citizen wants to correct; the form then asks for it again
    and shows the summary once more."""

    def name(self) -> str:
        return "action_change_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        field = next(tracker.get_latest_entity_values("complaint_field"), None)
        if field not in complaint_fields():
            buttons = label_buttons(
                complaint_fields(), language_of(tracker), lambda slot: f'/change_answer{{"complaint_field":"{slot}"}}'
            )
            say(dispatcher, tracker, "ask_which_field", buttons=buttons)
            return [SlotSet("complaint_confirmed", None)]
        cleared = [field, *CLEARED_WITH.get(field, ())]
        return [*(SlotSet(slot, None) for slot in cleared), SlotSet("complaint_confirmed", None)]
