"""Dates as citizens read them: Buddhist era and Thai month names in Thai,
the Gregorian calendar in English, both in Thailand's time zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from pythainlp.util import thai_strftime

THAILAND = ZoneInfo("Asia/Bangkok")


def format_datetime(moment: datetime | str, language: str) -> str:
    """``21 พฤศจิกายน 2569 เวลา 13:05 น.`` or ``21 November 2026, 13:05``."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    local = moment.astimezone(THAILAND)
    if language == "th":
        return thai_strftime(local, "%-d %B %Y เวลา %H:%M น.")
    return f"{local.day} {local:%B %Y, %H:%M}"
