"""The forms' plain questions: ``action_ask_<slot>`` says ``ask_<slot>`` of actions/messages.yml.

(The category question adds one button per category and the confirmation shows
the summary: :mod:`actions.complaint`.)
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.messages import say


class FormQuestion(Action, ABC):
    """Asks for ``slot``; Rasa's forms run ``action_ask_<slot>`` to ask for a slot."""

    @property
    @abstractmethod
    def slot(self) -> str:
        """The slot this question asks for."""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        say(dispatcher, tracker, f"ask_{self.slot}")
        return []


class AskComplaintDescription(FormQuestion):
    slot = "complaint_description"


class AskComplaintLocation(FormQuestion):
    slot = "complaint_location"


class AskComplaintPhone(FormQuestion):
    slot = "complaint_phone"


class AskFeedbackText(FormQuestion):
    slot = "feedback_text"
