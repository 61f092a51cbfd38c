"""The citizen's language (action_validate_slot_mappings fills the `language` slot)."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.language import ValidateSlotMappings
from tests.actions.trackers import parse, tracker, typed


async def language_after(message: dict[str, Any], previous: str) -> str:
    extracted = await ValidateSlotMappings().extract_language(
        CollectingDispatcher(), tracker(message, language=previous), {}
    )
    return extracted["language"]


async def test_the_hubs_tag_wins() -> None:
    message = {**typed("hello", "greet"), "metadata": {"language": "th", "channel": "line"}}
    assert await language_after(message, "en") == "th"


async def test_without_a_tag_the_text_decides_and_digits_alone_keep_the_language() -> None:
    assert await language_after(typed("ขอ report ครับ", "report_problem"), "en") == "th"
    assert await language_after(typed("status please", "check_status"), "th") == "en"
    assert await language_after(typed("081 234 5678", "inform"), "en") == "en"


async def test_photos_locations_and_button_payloads_keep_the_language() -> None:
    for message in (
        parse('/share_photo{"photo": "0123456789abcdef0123456789abcdef"}'),
        parse('/share_location{"latitude": 13.7563, "longitude": 100.5018}'),
        parse("/affirm"),
    ):
        assert await language_after(message, "th") == "th", message["text"]
        assert await language_after(message, "en") == "en", message["text"]
