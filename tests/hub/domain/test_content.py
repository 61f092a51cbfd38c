"""The content files a non-programmer edits must have both languages everywhere."""

import re

import pytest

from hub.domain.content import (
    ContentError,
    Text,
    _text,
    categories,
    complaint_fields,
    hub_messages,
    suggestions,
    ticket_statuses,
)
from hub.domain.tickets import TicketStatus

THAI = re.compile(r"[\u0E00-\u0E7F]")


def test_every_category_has_a_thai_and_an_english_label() -> None:
    assert list(categories()) == [
        "road",
        "streetlight",
        "garbage",
        "flooding",
        "noise",
        "water_supply",
        "stray_animal",
        "parking_encroachment",
        "fallen_tree",
        "public_facility",
        "misconduct",
        "poor_service",
        "other",
    ]
    for label in categories().values():
        assert THAI.search(label.th)
        assert not THAI.search(label.en)


def test_every_hub_message_has_both_languages() -> None:
    assert "bot_unavailable" in hub_messages()
    for text in hub_messages().values():
        assert THAI.search(text.th)
        assert not THAI.search(text.en)


def test_a_missing_language_is_refused() -> None:
    with pytest.raises(ContentError, match="the en text is missing"):
        _text("somewhere", {"th": "สวัสดี"})
    assert _text("x", {"th": " ก ", "en": " a "}) == Text("ก", "a")




def test_every_ticket_status_has_labels_in_both_languages() -> None:
    assert set(ticket_statuses()) == {status.value for status in TicketStatus}
    for label in ticket_statuses().values():
        assert THAI.search(label.th) and not THAI.search(label.en)


def test_fallback_suggestions_have_both_languages() -> None:
    assert "request_human" in suggestions()
    for label in suggestions().values():
        assert THAI.search(label.th) and not THAI.search(label.en)


def test_changeable_complaint_answers_have_both_languages() -> None:
    assert set(complaint_fields()) == {
        "complaint_category",
        "complaint_description",
        "complaint_location",
        "complaint_phone",
    }
    for label in complaint_fields().values():
        assert THAI.search(label.th) and not THAI.search(label.en)
