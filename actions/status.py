"""Following up a ticket by its reference."""

from __future__ import annotations

import logging
import re

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.dates import format_datetime
from actions.hub_api import HubApi, HubUnavailable
from actions.language import label, language_of
from actions.messages import say
from hub.domain.content import categories
from hub.domain.references import find_reference

log = logging.getLogger(__name__)

# Something the citizen may have meant as a reference: letters and digits with a digit in it.
_REFERENCE_ATTEMPT = re.compile(r"(?<![0-9A-Za-z])(?=[0-9A-Za-z-]*\d)[0-9A-Za-z][0-9A-Za-z-]{3,}")


class CheckStatus(Action):
    def name(self) -> str:
        return "action_check_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        text = tracker.latest_message.get("text") or ""
        entity = next(tracker.get_latest_entity_values("reference"), None)
        reference = find_reference(entity or text)
        if reference is None:
            attempt = _REFERENCE_ATTEMPT.search(text)
            if attempt is None:
                say(dispatcher, tracker, "ask_reference")
            else:
                say(dispatcher, tracker, "reference_not_found", reference=attempt.group(0))
            return []
        try:
            ticket = await HubApi().find_ticket(reference, tracker.sender_id)
        except HubUnavailable as error:
            log.error("status lookup failed for %s: %s", tracker.sender_id, error)
            say(dispatcher, tracker, "status_unavailable")
            return []
        if ticket is None:
            say(dispatcher, tracker, "reference_not_found", reference=reference)
            return []
        language = language_of(tracker)
        say(
            dispatcher,
            tracker,
            f"ticket_status_{ticket.status}",
            reference=ticket.reference,
            category=label(categories(), ticket.category, language),
            filed_at=format_datetime(ticket.created_at, language),
        )
        return []
