"""Loading the content files a non-programmer edits (``hub/content/*.yml``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from hub.domain.language import LANGUAGES, Language
from hub.domain.office_hours import OfficeHours, OpeningHours

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
def sensitive_categories() -> frozenset[str]:
    """Categories handed to supervisors at once (``sensitive: true``): misconduct, corruption."""
    raw = _load("categories.yml")["categories"]
    return frozenset(category for category, value in raw.items() if value.get("sensitive") is True)


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


@dataclass(frozen=True)
class CalendarNames:
    months: tuple[Text, ...]  # January first
    weekdays: tuple[Text, ...]  # Monday first


@cache
def calendar_names() -> CalendarNames:
    """Month and weekday names for writing dates to citizens."""
    loaded = _load("calendar.yml")

    def names(key: str, count: int) -> tuple[Text, ...]:
        raw = loaded.get(key)
        if not isinstance(raw, list) or len(raw) != count:
            raise ContentError(f"calendar.yml: {key} needs exactly {count} entries")
        return tuple(_text(f"calendar.yml: {key} {position}", item) for position, item in enumerate(raw, start=1))

    return CalendarNames(months=names("months", 12), weekdays=names("weekdays", 7))


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@cache
def holidays() -> dict[date, Text]:
    """Public holidays by date, with their names."""
    raw = _load("holidays.yml").get("holidays")
    if not isinstance(raw, list) or not raw:
        raise ContentError("holidays.yml: no holidays")
    found: dict[date, Text] = {}
    for position, item in enumerate(raw, start=1):
        day = item.get("date") if isinstance(item, dict) else None
        if isinstance(day, str):
            try:
                day = date.fromisoformat(day)
            except ValueError:
                day = None
        if not isinstance(day, date):
            raise ContentError(f"holidays.yml: holiday {position} needs a date written YYYY-MM-DD")
        if day in found:
            raise ContentError(f"holidays.yml: {day} is listed twice")
        found[day] = _text(f"holidays.yml: {day}", item)
    return found


@cache
def office_hours() -> OfficeHours:
    """The office's opening hours (``office_hours.yml``) with the public holidays."""
    loaded = _load("office_hours.yml")
    try:
        time_zone = ZoneInfo(str(loaded.get("time_zone")))
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ContentError(f"office_hours.yml: unknown time_zone {loaded.get('time_zone')!r}") from error
    days = loaded.get("weekdays")
    if not isinstance(days, dict) or set(days) != set(WEEKDAYS):
        raise ContentError(f"office_hours.yml: weekdays needs exactly {', '.join(WEEKDAYS)}")
    weekly: dict[int, OpeningHours | None] = {}
    for number, name in enumerate(WEEKDAYS):
        value = days[name]
        if value == "closed":
            weekly[number] = None
            continue
        if not isinstance(value, dict):
            raise ContentError(f"office_hours.yml: {name} needs opens and closes, or closed")
        try:
            weekly[number] = OpeningHours(_clock(value.get("opens")), _clock(value.get("closes")))
        except ValueError as error:
            raise ContentError(f"office_hours.yml: {name}: {error}") from error
    try:
        return OfficeHours(time_zone, weekly, frozenset(holidays()))
    except ValueError as error:
        raise ContentError(f"office_hours.yml: {error}") from error


def _clock(value: Any) -> time:
    """A time written HH:MM (YAML turns an unquoted 08:30 into a number of minutes: refused)."""
    try:
        return time.fromisoformat(value if isinstance(value, str) else "")
    except ValueError as error:
        raise ValueError(f'expected a time in quotes such as "08:30", got {value!r}') from error


@dataclass(frozen=True)
class Keywords:
    """Words the hub understands itself (``keywords.yml``)."""

    choices: dict[str, frozenset[str]]  # cancel, file_case, keep_waiting, skip: normalised words
    ignored_endings: tuple[str, ...]  # polite particles, longest first

    def matches(self, choice: str, text: str) -> bool:
        """Whether ``text`` is one of the words for ``choice``."""
        return self.normalize(text) in self.choices[choice]

    def normalize(self, text: str) -> str:
        """Case, surrounding spaces, a final . or ! and a polite ending do not matter."""
        normalized = " ".join(text.casefold().split()).rstrip(".!").strip()
        for ending in self.ignored_endings:
            if normalized.endswith(ending) and len(normalized) > len(ending):
                return normalized.removesuffix(ending).strip()
        return normalized


KEYWORD_CHOICES = ("cancel", "file_case", "keep_waiting", "skip")


@cache
def keywords() -> Keywords:
    loaded = _load("keywords.yml")
    endings = loaded.get("ignored_endings", [])
    if not isinstance(endings, list) or not all(isinstance(ending, str) and ending for ending in endings):
        raise ContentError("keywords.yml: ignored_endings must be a list of words in quotes")
    unnormalized = Keywords({}, tuple(sorted(endings, key=len, reverse=True)))
    choices: dict[str, frozenset[str]] = {}
    for choice in KEYWORD_CHOICES:
        value = loaded.get(choice)
        if not isinstance(value, dict):
            raise ContentError(f"keywords.yml: {choice} needs th and en word lists")
        words: set[str] = set()
        for language in LANGUAGES:
            listed = value.get(language)
            if not isinstance(listed, list) or not listed or not all(isinstance(word, str) for word in listed):
                raise ContentError(f"keywords.yml: {choice} needs a list of {language} words in quotes")
            words.update(unnormalized.normalize(word) for word in listed)
        choices[choice] = frozenset(words)
    return Keywords(choices, unnormalized.ignored_endings)
