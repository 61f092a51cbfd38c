"""Which language a citizen wrote in."""

from __future__ import annotations

import re
from typing import Literal

Language = Literal["th", "en"]
LANGUAGES: tuple[Language, ...] = ("th", "en")
DEFAULT_LANGUAGE: Language = "th"
# Each language's name in itself, as a language picker shows it whatever the
# language the citizen reads now.
LANGUAGE_NAMES: dict[Language, str] = {"th": "ไทย", "en": "English"}

_THAI_LETTER = re.compile(r"[\u0E01-\u0E4E]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")


def detect_language(text: str, previous: Language = DEFAULT_LANGUAGE) -> Language:
    """Return ``th`` or ``en`` for a citizen message.

    Any Thai letter makes a message Thai: Thai sentences routinely carry
    English words ("ขอ report ครับ"). A message with no letters at all
    (a phone number, a reference, an emoji) keeps the conversation's language.
    """
    if _THAI_LETTER.search(text):
        return "th"
    if _LATIN_LETTER.search(text):
        return "en"
    return previous
