"""The ``language`` slot follows the language of the citizen's latest message."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict

from hub.domain.language import LANGUAGES, detect_language


class ValidateSlotMappings(ValidationAction):
    """Runs after every user message (``action_validate_slot_mappings``)."""

    async def extract_language(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        # The hub tags every message; a message sent to Rasa directly falls back
        # to the same detection rule the hub uses.
        metadata = tracker.latest_message.get("metadata") or {}
        language = metadata.get("language")
        if language not in LANGUAGES:
            text = tracker.latest_message.get("text") or ""
            language = detect_language(text, previous=tracker.get_slot("language") or "th")
        return {"language": language}
