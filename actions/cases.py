"""Listing the citizen's own cases."""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.dates import format_datetime
from actions.hub_api import HubApi, HubUnavailable
from actions.language import label, language_of
from actions.messages import say
from hub.domain.content import categories, ticket_statuses

log = logging.getLogger(__name__)


class ListMyCases(Action):
    def name(self) -> str:
        return "action_list_my_cases"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        try:
            tickets = await HubApi().tickets_of_contact(tracker.sender_id)
        except HubUnavailable as error:
            log.error("could not list cases for %s: %s", tracker.sender_id, error)
            say(dispatcher, tracker, "cases_unavailable")
            return []
        if not tickets:
            say(dispatcher, tracker, "no_cases")
            return []
        language = language_of(tracker)
        lines = [
            f"• {ticket.reference} {label(categories(), ticket.category, language)}"
            f" ({label(ticket_statuses(), ticket.status, language)}, {format_datetime(ticket.created_at, language)})"
            for ticket in tickets
        ]
        say(dispatcher, tracker, "my_cases", cases="\n".join(lines))
        return []
