"""Office hours, public holidays and the dates citizens are told, from the real content files."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from hub.domain.content import calendar_names, holidays, office_hours
from hub.domain.dates import format_day_and_time
from hub.domain.office_hours import OfficeHours, OpeningHours

BANGKOK = ZoneInfo("Asia/Bangkok")
THAI = "\u0e00-\u0e7f"


def bangkok(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BANGKOK)


def test_the_office_is_open_on_weekdays_from_half_past_eight_to_half_past_four() -> None:
    hours = office_hours()
    assert hours.time_zone == BANGKOK
    assert hours.weekly[0] == OpeningHours(time(8, 30), time(16, 30))
    assert hours.weekly[5] is None and hours.weekly[6] is None
    tuesday = bangkok(2026, 11, 24, 8, 30)
    assert hours.is_open(tuesday)
    assert hours.next_opening(tuesday) is None
    assert not hours.is_open(bangkok(2026, 11, 24, 8, 29))
    assert not hours.is_open(bangkok(2026, 11, 24, 16, 30))
    assert hours.is_open(bangkok(2026, 11, 24, 16, 29))


def test_the_time_zone_is_bangkok_whatever_the_server_uses() -> None:
    # 01:30 UTC is 08:30 in Bangkok.
    assert office_hours().is_open(datetime(2026, 11, 24, 1, 30, tzinfo=UTC))
    assert not office_hours().is_open(datetime(2026, 11, 24, 1, 29, tzinfo=UTC))


@pytest.mark.parametrize(
    ("moment", "opening"),
    [
        (bangkok(2026, 11, 24, 7, 0), bangkok(2026, 11, 24, 8, 30)),  # early on a Tuesday
        (bangkok(2026, 11, 24, 17, 0), bangkok(2026, 11, 25, 8, 30)),  # after closing
        (bangkok(2026, 11, 27, 18, 0), bangkok(2026, 11, 30, 8, 30)),  # Friday evening → Monday
        (bangkok(2026, 11, 21, 10, 0), bangkok(2026, 11, 23, 8, 30)),  # Saturday
        # Saturday 5 December (Father's Day), Monday 7 December substitute day → Tuesday
        (bangkok(2026, 12, 4, 17, 0), bangkok(2026, 12, 8, 8, 30)),
        # Songkran: Monday 13 to Wednesday 15 April 2026 (Monday 6 April is Chakri Day)
        (bangkok(2026, 4, 10, 20, 0), bangkok(2026, 4, 16, 8, 30)),
        # New Year's Eve and Day 2026/27 (Thursday, Friday) → Monday 4 January
        (bangkok(2026, 12, 30, 16, 45), bangkok(2027, 1, 4, 8, 30)),
    ],
)
def test_the_next_opening_skips_closed_days_and_holidays(moment: datetime, opening: datetime) -> None:
    assert office_hours().next_opening(moment) == opening


def test_holidays_cover_2026_and_2027_with_names_in_both_languages() -> None:
    listed = holidays()
    assert {day.year for day in listed} == {2026, 2027}
    assert date(2026, 4, 13) in listed and date(2027, 12, 31) in listed
    assert listed[date(2026, 3, 3)].en == "Makha Bucha Day"
    assert listed[date(2026, 3, 3)].th == "วันมาฆบูชา"
    for name in listed.values():
        assert any(THAI[0] <= character <= THAI[-1] for character in name.th)
        assert not any(THAI[0] <= character <= THAI[-1] for character in name.en)
    for year in (2026, 2027):
        days = sorted(day for day in listed if day.year == year)
        # The fixed holidays every year has (substitute days come on top).
        for month, day in [(1, 1), (4, 6), (4, 13), (4, 14), (4, 15), (5, 4), (6, 3), (7, 28), (8, 12)]:
            assert date(year, month, day) in days, (year, month, day)
        for month, day in [(10, 13), (12, 10), (12, 31)]:
            assert date(year, month, day) in days, (year, month, day)


def test_a_holiday_on_a_weekday_closes_the_office() -> None:
    assert not office_hours().is_open(bangkok(2026, 7, 28, 10, 0))  # the King's birthday, a Tuesday
    assert office_hours().is_open(bangkok(2026, 7, 27, 10, 0))


def test_office_hours_refuse_nonsense() -> None:
    with pytest.raises(ValueError, match="opens at 17:00 but closes at 08:00"):
        OpeningHours(time(17), time(8))
    with pytest.raises(ValueError, match="never open"):
        OfficeHours(BANGKOK, dict.fromkeys(range(7)), frozenset())
    with pytest.raises(ValueError, match="all seven weekdays"):
        OfficeHours(BANGKOK, {0: OpeningHours(time(8), time(9))}, frozenset())


def test_thai_dates_use_the_buddhist_era_and_thai_names() -> None:
    moment = bangkok(2026, 11, 23, 8, 30)
    assert format_day_and_time(moment, BANGKOK, "th") == "วันจันทร์ที่ 23 พฤศจิกายน 2569 เวลา 08:30 น."
    assert format_day_and_time(moment, BANGKOK, "en") == "Monday 23 November 2026 at 08:30"
    # A UTC instant is written in Bangkok time: 2026-12-31 20:00 UTC is 1 January 2027, 03:00.
    new_year = datetime(2026, 12, 31, 20, 0, tzinfo=UTC)
    assert format_day_and_time(new_year, BANGKOK, "th") == "วันศุกร์ที่ 1 มกราคม 2570 เวลา 03:00 น."


def test_calendar_names_are_complete_in_both_languages() -> None:
    names = calendar_names()
    assert [month.en for month in names.months][:3] == ["January", "February", "March"]
    assert names.months[11].th == "ธันวาคม"
    assert [day.th for day in names.weekdays] == ["จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์"]
