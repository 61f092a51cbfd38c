"""Dates as citizens read them: Buddhist era and Thai names in Thai, the
Gregorian calendar in English (names from ``hub/content/calendar.yml``)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from hub.domain.content import calendar_names
from hub.domain.language import Language

BUDDHIST_ERA_OFFSET = 543


def format_day_and_time(moment: datetime, time_zone: ZoneInfo, language: Language) -> str:
    """``วันจันทร์ที่ 23 พฤศจิกายน 2569 เวลา 08:30 น.`` or ``Monday 23 November 2026 at 08:30``."""
    local = moment.astimezone(time_zone)
    names = calendar_names()
    weekday = names.weekdays[local.weekday()].in_language(language)
    month = names.months[local.month - 1].in_language(language)
    if language == "th":
        return f"วัน{weekday}ที่ {local.day} {month} {local.year + BUDDHIST_ERA_OFFSET} เวลา {local:%H:%M} น."
    return f"{weekday} {local.day} {month} {local.year} at {local:%H:%M}"
