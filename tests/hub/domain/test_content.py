"""The content files a non-programmer edits must have both languages everywhere."""

import re
from pathlib import Path

import pytest
import yaml

from hub.domain.content import (
    CONTENT_DIR,
    WEEKDAYS,
    ContentError,
    Text,
    _text,
    categories,
    complaint_fields,
    hub_messages,
    sensitive_categories,
    keywords,
    office_hours,
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


def test_keywords_have_both_languages_and_ignore_polite_endings() -> None:
    words = keywords()
    assert set(words.choices) == {"cancel", "file_case", "keep_waiting", "skip"}
    for choice in words.choices.values():
        assert any(THAI.search(word) for word in choice)
        assert any(not THAI.search(word) for word in choice)
    assert words.matches("cancel", "  ยกเลิก นะคะ ")
    assert words.matches("cancel", "CANCEL!")
    assert not words.matches("cancel", "ค่ะ")
    # no two choices share a word: "ok" cannot mean both "file a case" and "keep waiting"
    choices = list(words.choices.values())
    assert all(not (a & b) for index, a in enumerate(choices) for b in choices[index + 1 :])


def test_every_message_template_fills_in() -> None:
    fill = {"position": 2, "opens_at": "x", "reference": "2026-AAAA-BBBB"}
    for text in hub_messages().values():
        for language_text in (text.th, text.en):
            assert "{" not in language_text.format(**fill)


def test_an_unquoted_or_impossible_time_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    office_hours.cache_clear()
    try:
        for name in ("calendar.yml", "holidays.yml"):
            (tmp_path / name).write_text((CONTENT_DIR / name).read_text(encoding="utf-8"), encoding="utf-8")
        week = {day: {"opens": "08:30", "closes": "16:30"} for day in WEEKDAYS}
        week["monday"] = {"opens": 510, "closes": "16:30"}  # what YAML makes of an unquoted 08:30
        (tmp_path / "office_hours.yml").write_text(yaml.safe_dump({"time_zone": "Asia/Bangkok", "weekdays": week}))
        monkeypatch.setattr("hub.domain.content.CONTENT_DIR", tmp_path)
        with pytest.raises(ContentError, match='monday: expected a time in quotes such as "08:30", got 510'):
            office_hours()
        office_hours.cache_clear()
        week["monday"] = {"opens": "17:00", "closes": "08:00"}
        (tmp_path / "office_hours.yml").write_text(yaml.safe_dump({"time_zone": "Asia/Bangkok", "weekdays": week}))
        with pytest.raises(ContentError, match="monday: opens at 17:00 but closes at 08:00"):
            office_hours()
    finally:
        office_hours.cache_clear()


def test_misconduct_is_the_sensitive_category() -> None:
    assert sensitive_categories() == {"misconduct"}
