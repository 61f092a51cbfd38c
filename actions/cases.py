"""Listing the citizen's own cases."""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.complaint import language_of
from actions.dates import format_datetime
from actions.hub_api import HubApi, HubUnavailable
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
            dispatcher.utter_message(response="utter_cases_unavailable")
            return []
        if not tickets:
            dispatcher.utter_message(response="utter_no_cases")
            return []
        language = language_of(tracker)
        lines = []
        for ticket in tickets:
            category = categories().get(ticket.category)
            status = ticket_statuses().get(ticket.status)
            lines.append(
                f"• {ticket.reference} {category.in_language(language) if category else ticket.category}"
                f" ({status.in_language(language) if status else ticket.status},"
                f" {format_datetime(ticket.created_at, language)})"
            )
        dispatcher.utter_message(response="utter_my_cases", cases="\n".join(lines))
        return []
