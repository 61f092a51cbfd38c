"""The citizen's language: the ``language`` slot, and texts and buttons in it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict

from hub.domain.content import Text
from hub.domain.language import DEFAULT_LANGUAGE, LANGUAGES, Language, detect_language


def language_of(tracker: Tracker) -> Language:
    return tracker.get_slot("language") or DEFAULT_LANGUAGE


def label(labels: Mapping[str, Text], key: str, language: Language) -> str:
    """The label of ``key`` in the citizen's language; the key itself if the content has none."""
    text = labels.get(key)
    return text.in_language(language) if text else key


def label_buttons(
    labels: Mapping[str, Text], language: Language, payload: Callable[[str], str]
) -> list[dict[str, str]]:
    """One button per labelled key, in the content file's order."""
    return [{"title": text.in_language(language), "payload": payload(key)} for key, text in labels.items()]


class ValidateSlotMappings(ValidationAction):
    """Runs after every user message (``action_validate_slot_mappings``)."""

    async def extract_language(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        # The hub tags every message; a message sent to Rasa directly falls back
        # to the same detection rule the hub uses.
        metadata = tracker.latest_message.get("metadata") or {}
        language = metadata.get("language")
        if language in LANGUAGES:
            return {"language": language}
        text = tracker.latest_message.get("text") or ""
        # A button's payload or the hub's photo or location message (/intent{...})
        # is not written by the citizen: it keeps the conversation's language.
        if text.startswith("/"):
            return {"language": language_of(tracker)}
        return {"language": detect_language(text, previous=language_of(tracker))}
