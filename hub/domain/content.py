"""Loading the content files a non-programmer edits (``hub/content/*.yml``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from hub.domain.language import LANGUAGES, Language

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"


class ContentError(ValueError):
    """A content file is missing a language or is malformed."""


@dataclass(frozen=True)
class Text:
    """A text in both languages."""

    th: str
    en: str

    def in_language(self, language: Language) -> str:
        return self.th if language == "th" else self.en

    def bilingual(self) -> str:
        return f"{self.th} / {self.en}"


def _load(name: str) -> dict[str, Any]:
    with open(CONTENT_DIR / name, encoding="utf-8") as content_file:
        loaded = yaml.safe_load(content_file)
    if not isinstance(loaded, dict):
        raise ContentError(f"{name}: expected a mapping at the top level")
    return loaded


def _text(where: str, value: Any) -> Text:
    if not isinstance(value, dict):
        raise ContentError(f"{where}: expected a mapping with th and en")
    for language in LANGUAGES:
        text = value.get(language)
        if not isinstance(text, str) or not text.strip():
            raise ContentError(f"{where}: the {language} text is missing or empty")
    return Text(th=value["th"].strip(), en=value["en"].strip())


def _labels(name: str, key: str) -> dict[str, Text]:
    """A file's ``key`` section: ids mapped to a text in both languages; never empty."""
    raw = _load(name).get(key)
    if not isinstance(raw, dict) or not raw:
        raise ContentError(f"{name}: no {key}")
    return {str(item): _text(f"{name}: {item}", value) for item, value in raw.items()}


@cache
def categories() -> dict[str, Text]:
    """Complaint categories by id, with their labels."""
    return _labels("categories.yml", "categories")


@cache
def ticket_statuses() -> dict[str, Text]:
    """How each ticket status is named to citizens."""
    return _labels("ticket_statuses.yml", "statuses")


@cache
def suggestions() -> dict[str, Text]:
    """Intent name → button label, offered when the bot did not understand."""
    return _labels("suggestions.yml", "suggestions")


@cache
def complaint_fields() -> dict[str, Text]:
    """Slot name → label of the complaint form's answers a citizen can change."""
    return _labels("complaint_fields.yml", "fields")


@cache
def hub_messages() -> dict[str, Text]:
    """The hub's own messages to citizens by dotted name (``bot_unavailable``, ``errors.<code>``)."""
    texts: dict[str, Text] = {}

    def collect(prefix: str, section: dict[str, Any]) -> None:
        for key, value in section.items():
            name = f"{prefix}{key}"
            if isinstance(value, dict) and not set(value) & set(LANGUAGES):
                collect(f"{name}.", value)
            else:
                texts[name] = _text(f"messages.yml: {name}", value)

    collect("", _load("messages.yml"))
    return texts


@dataclass(frozen=True)
class MenuAction:
    payload: str  # what pressing it sends to the bot
    label: Text


@cache
def main_menu() -> tuple[MenuAction, ...]:
    """The main actions offered when a citizen starts a chat, in order."""
    raw = _load("main_menu.yml").get("actions")
    if not isinstance(raw, list) or not raw:
        raise ContentError("main_menu.yml: no actions")
    actions = []
    for position, item in enumerate(raw, start=1):
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("payload"), str)
            or not item["payload"].startswith("/")
        ):
            raise ContentError(f"main_menu.yml: action {position} needs a payload starting with /")
        actions.append(MenuAction(item["payload"], _text(f"main_menu.yml: action {position}", item)))
    return tuple(actions)
