"""What the actions say (``actions/messages.yml``), in the citizen's language.

Rasa's responses in domain.yml are what rules choose; an action's words depend
on what happened (the hub's answer, a failed check), so they live here, and
``rasa data validate`` finds no response that no story or rule uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.language import language_of
from hub.domain.content import ContentError, Text
from hub.domain.language import LANGUAGES, Language

MESSAGES_FILE = Path(__file__).resolve().parent / "messages.yml"
PLACEHOLDER = re.compile(r"{(\w+)}")


@dataclass(frozen=True)
class Button:
    title: Text
    payload: str


@dataclass(frozen=True)
class Message:
    text: Text
    buttons: tuple[Button, ...] = ()

    def placeholders(self) -> set[str]:
        return set(PLACEHOLDER.findall(self.text.th))


def _text(where: str, value: Any) -> Text:
    if not isinstance(value, dict):
        raise ContentError(f"{where}: expected th and en")
    for language in LANGUAGES:
        if not isinstance(value.get(language), str) or not value[language].strip():
            raise ContentError(f"{where}: the {language} text is missing or empty")
    text = Text(th=value["th"].strip(), en=value["en"].strip())
    if set(PLACEHOLDER.findall(text.th)) != set(PLACEHOLDER.findall(text.en)):
        raise ContentError(f"{where}: Thai and English have different placeholders")
    return text


@cache
def messages() -> dict[str, Message]:
    """Every message by key; a malformed file fails here, at the first use."""
    with open(MESSAGES_FILE, encoding="utf-8") as content_file:
        raw = (yaml.safe_load(content_file) or {}).get("messages")
    if not isinstance(raw, dict) or not raw:
        raise ContentError(f"{MESSAGES_FILE.name}: no messages")
    loaded = {}
    for key, value in raw.items():
        buttons = tuple(
            Button(title=_text(f"{key} button {index}", button), payload=str(button["payload"]))
            for index, button in enumerate(value.get("buttons") or [])
        )
        loaded[str(key)] = Message(text=_text(str(key), value), buttons=buttons)
    return loaded


def message_text(key: str, language: Language, **values: Any) -> str:
    """The message ``key`` in ``language`` with its placeholders filled (all of them: a missing one is a bug)."""
    return messages()[key].text.in_language(language).format(**values)


def say(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    key: str,
    buttons: list[dict[str, str]] | None = None,
    **values: Any,
) -> None:
    """Sends the message ``key`` in the citizen's language, with its own buttons unless ``buttons`` are given."""
    language = language_of(tracker)
    if buttons is None:
        buttons = [
            {"title": button.title.in_language(language), "payload": button.payload}
            for button in messages()[key].buttons
        ]
    dispatcher.utter_message(text=message_text(key, language, **values), buttons=buttons)
