"""The forms' plain questions (``action_ask_<slot>`` says ``ask_<slot>`` of
actions/messages.yml) and the check of a free-text answer's length.

(The category question adds one button per category and the confirmation shows
the summary: :mod:`actions.complaint`.)
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.messages import say


def answer_within(value: Any, limit: int, dispatcher: CollectingDispatcher, tracker: Tracker) -> str | None:
    """The stripped answer, or None (asked again) when empty or longer than the hub keeps;
    LINE lets a citizen send 5,000 characters."""
    text = value.strip() if isinstance(value, str) else ""
    if len(text) > limit:
        say(dispatcher, tracker, "answer_too_long", limit=f"{limit:,}", length=f"{len(text):,}")
        return None
    return text or None


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
