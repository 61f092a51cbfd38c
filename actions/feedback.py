"""Suggestions and compliments, stored by the hub with a reference."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.hub_api import HubApi, HubUnavailable
from actions.messages import say
from actions.questions import answer_within
from hub.domain.feedback import MAX_FEEDBACK_LENGTH

log = logging.getLogger(__name__)


class ValidateFeedbackForm(FormValidationAction):
    def name(self) -> str:
        return "validate_feedback_form"

    async def validate_feedback_text(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"feedback_text": answer_within(value, MAX_FEEDBACK_LENGTH, dispatcher, tracker)}


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
