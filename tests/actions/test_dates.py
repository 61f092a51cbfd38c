from datetime import UTC, datetime

from actions.dates import format_datetime


def test_thai_uses_the_buddhist_era_thai_months_and_bangkok_time() -> None:
    moment = datetime(2026, 11, 21, 18, 5, tzinfo=UTC)  # 01:05 the next day in Bangkok
    assert format_datetime(moment, "th") == "22 พฤศจิกายน 2569 เวลา 01:05 น."


def test_english_uses_the_gregorian_calendar() -> None:
    assert format_datetime("2026-01-03T02:30:00+00:00", "en") == "3 January 2026, 09:30"
