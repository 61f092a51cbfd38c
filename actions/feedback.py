"""Suggestions and compliments, stored by the hub with a reference."""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.hub_api import HubApi, HubUnavailable
from actions.messages import say

log = logging.getLogger(__name__)


class SubmitFeedback(Action):
    def name(self) -> str:
        return "action_submit_feedback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        text = tracker.get_slot("feedback_text")
        try:
            reference = await HubApi().add_feedback(tracker.sender_id, text)
        except HubUnavailable as error:
            log.error("could not store feedback for %s: %s", tracker.sender_id, error)
            say(dispatcher, tracker, "feedback_not_stored")
        else:
            say(dispatcher, tracker, "feedback_received", reference=reference)
        return [SlotSet("feedback_text", None)]
