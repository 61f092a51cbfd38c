"""When officers answer: opening hours per weekday and public holidays, in the office's time zone."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# Far enough ahead to cross the longest run of holidays and closed days.
_DAYS_SEARCHED = 60


@dataclass(frozen=True)
class OpeningHours:
    opens: time
    closes: time

    def __post_init__(self) -> None:
        if self.opens >= self.closes:
            raise ValueError(f"opens at {self.opens:%H:%M} but closes at {self.closes:%H:%M}")


@dataclass(frozen=True)
class OfficeHours:
    """``weekly`` maps a weekday (0 = Monday) to its hours, or None when closed all day."""

    time_zone: ZoneInfo
    weekly: Mapping[int, OpeningHours | None]
    holidays: frozenset[date]

    def __post_init__(self) -> None:
        if set(self.weekly) != set(range(7)):
            raise ValueError("office hours need all seven weekdays")
        if all(hours is None for hours in self.weekly.values()):
            raise ValueError("the office is never open")

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(self.time_zone)
        hours = self._hours_on(local.date())
        return hours is not None and hours.opens <= local.time() < hours.closes

    def next_opening(self, moment: datetime) -> datetime | None:
        """When the office next opens (local time), or None while it is open."""
        if self.is_open(moment):
            return None
        local = moment.astimezone(self.time_zone)
        for offset in range(_DAYS_SEARCHED):
            day = local.date() + timedelta(days=offset)
            hours = self._hours_on(day)
            if hours is None:
                continue
            opening = datetime.combine(day, hours.opens, self.time_zone)
            if opening > local:
                return opening
        raise ValueError(f"the office does not open in the {_DAYS_SEARCHED} days after {local:%Y-%m-%d}")

    def _hours_on(self, day: date) -> OpeningHours | None:
        return None if day in self.holidays else self.weekly[day.weekday()]
