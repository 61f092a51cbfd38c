"""Asking for a human, and what the bot does when it keeps not understanding."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.language import label, language_of
from actions.messages import say
from hub.domain.content import suggestions

MAX_SUGGESTIONS = 3


def handoff_summary(tracker: Tracker) -> dict[str, Any]:
    """What an officer needs to pick the conversation up: no channel ids, only what the bot knows."""
    intents = [
        event["parse_data"]["intent"]["name"]
        for event in tracker.events
        if event.get("event") == "user" and event.get("parse_data", {}).get("intent", {}).get("name")
    ]
    slots = {
        slot: value for slot, value in tracker.slots.items() if slot.startswith("complaint_") and value is not None
    }
    return {"language": language_of(tracker), "recent_intents": intents[-5:], "complaint": slots}


def handoff_payload(reason: str, tracker: Tracker, **summary: Any) -> dict[str, Any]:
    """The custom payload that tells the hub to hand the conversation to a human."""
    return {"handoff": {"reason": reason, "summary": {**handoff_summary(tracker), **summary}}}


def consecutive_fallbacks(tracker: Tracker) -> int:
    """How many of the citizen's latest messages in a row the bot did not understand."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        if event.get("parse_data", {}).get("intent", {}).get("name") != "nlu_fallback":
            break
        count += 1
    return count


class RequestHuman(Action):
    """Records that the citizen wants an officer (the hub keeps the request); a rule then says so."""

    def name(self) -> str:
        return "action_request_human"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(json_message=handoff_payload("citizen_request", tracker))
        return []


class Fallback(Action):
    """Two stages: first ask to rephrase with the likeliest meanings as buttons, then offer an officer."""

    def name(self) -> str:
        return "action_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if consecutive_fallbacks(tracker) >= 2:  # the second in a row: a person takes over
            say(dispatcher, tracker, "passing_to_officer")
            dispatcher.utter_message(json_message=handoff_payload("repeated_fallback", tracker))
            return []
        language = language_of(tracker)
        ranking = tracker.latest_message.get("intent_ranking") or []
        likely = [item["name"] for item in ranking if item["name"] in suggestions()][:MAX_SUGGESTIONS]
        for fallback_choice in ("report_problem", "check_status", "request_human"):
            if len(likely) >= MAX_SUGGESTIONS:
                break
            if fallback_choice not in likely:
                likely.append(fallback_choice)
        buttons = [{"title": label(suggestions(), intent, language), "payload": f"/{intent}"} for intent in likely]
        say(dispatcher, tracker, "please_rephrase", buttons=buttons)
        return []
