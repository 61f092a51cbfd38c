"""Asking for a human and the two-stage fallback, with real rasa_sdk trackers."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import Fallback, RequestHuman
from actions.messages import message_text


def tracker_after(*intents: str, language: str = "en", **slots: Any) -> Tracker:
    events = [{"event": "user", "text": "?", "parse_data": {"intent": {"name": intent}}} for intent in intents]
    latest = {"text": "?", "intent": {"name": intents[-1]}, "intent_ranking": [], "entities": []}
    return Tracker("conversation", {"language": language, **slots}, latest, events, False, None, {}, "action_listen")


def said(action: Any, tracker: Tracker) -> list[Any]:
    dispatcher = CollectingDispatcher()
    asyncio.run(action.run(dispatcher, tracker, {}))
    return [message["text"] or message["custom"] for message in dispatcher.messages]


def test_a_first_fallback_asks_to_rephrase_without_a_handoff() -> None:
    assert said(Fallback(), tracker_after("greet", "nlu_fallback")) == [message_text("please_rephrase", "en")]


def test_the_second_fallback_in_a_row_hands_over_to_an_officer() -> None:
    tracker = tracker_after("greet", "nlu_fallback", "nlu_fallback", complaint_category="road")
    assert said(Fallback(), tracker) == [
        message_text("passing_to_officer", "en"),
        {
            "handoff": {
                "reason": "repeated_fallback",
                "summary": {
                    "language": "en",
                    "recent_intents": ["greet", "nlu_fallback", "nlu_fallback"],
                    "complaint": {"complaint_category": "road"},
                },
            }
        },
    ]


def test_asking_for_a_person_is_a_citizen_request() -> None:
    [payload] = said(RequestHuman(), tracker_after("request_human", language="th"))
    assert payload["handoff"]["reason"] == "citizen_request"
