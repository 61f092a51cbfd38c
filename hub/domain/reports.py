"""The supervisors' figures: satisfaction, handoffs, response and resolution
times, bot containment; overall, per day, per agent and per channel.

Days are the office's local days. Handoff figures count handoffs that began in
the period (by the day they began), ratings by the day they were given,
containment the conversations that began in the period. Percentiles use the
nearest-rank method: p90 is the smallest time that at least 90% of the values
do not exceed.
"""

from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from hub.domain.csat import RATINGS
from hub.domain.handoff import HandoffOutcome
from hub.domain.validation import InvalidField

MAX_PERIOD_DAYS = 366

Record = TypeVar("Record")
Key = TypeVar("Key")


@dataclass(frozen=True)
class HandoffRecord:
    channel: str
    agent_id: str | None  # who claimed it last; None if nobody did
    started_at: datetime
    first_response_at: datetime | None  # the first agent reply
    ended_at: datetime | None
    outcome: HandoffOutcome | None


@dataclass(frozen=True)
class RatingRecord:
    channel: str
    agent_id: str | None
    rated_at: datetime
    rating: int


@dataclass(frozen=True)
class ConversationRecord:
    channel: str
    created_at: datetime
    handed_off: bool


@dataclass(frozen=True)
class Period:
    """From ``first`` to ``last`` day, both included, in the office's time zone."""

    first: date
    last: date
    time_zone: ZoneInfo

    @classmethod
    def parse(cls, first: str | None, last: str | None, time_zone: ZoneInfo) -> Period:
        """From query parameters (YYYY-MM-DD); raises :class:`InvalidField`."""
        start, end = _day("from", first), _day("to", last)
        if end < start:
            raise InvalidField("to", "must not be before from")
        if (end - start).days + 1 > MAX_PERIOD_DAYS:
            raise InvalidField("to", f"at most {MAX_PERIOD_DAYS} days from from")
        return cls(start, end, time_zone)

    def bounds(self) -> tuple[datetime, datetime]:
        """The first instant of the period and the first instant after it."""
        return (
            datetime.combine(self.first, time(), self.time_zone),
            datetime.combine(self.last + timedelta(days=1), time(), self.time_zone),
        )

    def days(self) -> list[date]:
        return [self.first + timedelta(days=offset) for offset in range((self.last - self.first).days + 1)]

    def day_of(self, moment: datetime) -> date:
        return moment.astimezone(self.time_zone).date()

    def contains(self, moment: datetime) -> bool:
        start, end = self.bounds()
        return start <= moment < end


def _day(field: str, value: str | None) -> date:
    try:
        return date.fromisoformat(value or "")
    except ValueError as error:
        raise InvalidField(field, "expected a date written YYYY-MM-DD") from error


@dataclass(frozen=True)
class Durations:
    """Seconds, rounded; p50 and p90 are None without values."""

    count: int
    p50: int | None
    p90: int | None

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Durations:
        return cls(len(seconds), percentile(seconds, 50), percentile(seconds, 90))


@dataclass(frozen=True)
class Satisfaction:
    responses: int
    average: float | None  # rounded to 2 decimals
    distribution: dict[int, int]  # rating → how many

    @classmethod
    def of(cls, ratings: Sequence[int]) -> Satisfaction:
        distribution = {rating: ratings.count(rating) for rating in RATINGS}
        average = round(sum(ratings) / len(ratings), 2) if ratings else None
        return cls(len(ratings), average, distribution)


@dataclass(frozen=True)
class Containment:
    """Conversations the bot handled alone (never handed off)."""

    conversations: int
    contained: int

    @property
    def rate(self) -> float | None:
        return round(self.contained / self.conversations, 4) if self.conversations else None


@dataclass(frozen=True)
class Figures:
    satisfaction: Satisfaction
    handoffs: int
    first_response: Durations
    resolution: Durations
    containment: Containment | None  # None per agent: agents only see handed-off conversations


@dataclass(frozen=True)
class Report:
    period: Period
    overall: Figures
    per_day: list[tuple[date, Figures]]
    per_agent: list[tuple[str, Figures]]  # agent id
    per_channel: list[tuple[str, Figures]]


def percentile(values: Sequence[float], rank: int) -> int | None:
    """The nearest-rank percentile, rounded to whole seconds."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(math.ceil(rank / 100 * len(ordered)), 1) - 1])


def build_report(
    period: Period,
    handoffs: Iterable[HandoffRecord],
    ratings: Iterable[RatingRecord],
    conversations: Iterable[ConversationRecord],
) -> Report:
    handoffs = [record for record in handoffs if period.contains(record.started_at)]
    ratings = [record for record in ratings if period.contains(record.rated_at)]
    conversations = [record for record in conversations if period.contains(record.created_at)]

    days_of_handoffs = _group(handoffs, lambda record: period.day_of(record.started_at))
    days_of_ratings = _group(ratings, lambda record: period.day_of(record.rated_at))
    days_of_conversations = _group(conversations, lambda record: period.day_of(record.created_at))
    per_day = [
        (day, _figures(days_of_handoffs[day], days_of_ratings[day], days_of_conversations[day]))
        for day in period.days()
    ]

    agents_of_handoffs = _group([record for record in handoffs if record.agent_id], lambda record: record.agent_id)
    agents_of_ratings = _group([record for record in ratings if record.agent_id], lambda record: record.agent_id)
    per_agent = [
        (agent_id, _figures(agents_of_handoffs[agent_id], agents_of_ratings[agent_id], None))
        for agent_id in sorted(set(agents_of_handoffs) | set(agents_of_ratings))
    ]

    channels_of_handoffs = _group(handoffs, lambda record: record.channel)
    channels_of_ratings = _group(ratings, lambda record: record.channel)
    channels_of_conversations = _group(conversations, lambda record: record.channel)
    per_channel = [
        (
            channel,
            _figures(channels_of_handoffs[channel], channels_of_ratings[channel], channels_of_conversations[channel]),
        )
        for channel in sorted(set(channels_of_handoffs) | set(channels_of_ratings) | set(channels_of_conversations))
    ]
    return Report(period, _figures(handoffs, ratings, conversations), per_day, per_agent, per_channel)


def _group(records: Iterable[Record], key: Callable[[Record], Key]) -> defaultdict[Key, list[Record]]:
    groups: defaultdict[Key, list[Record]] = defaultdict(list)
    for record in records:
        groups[key(record)].append(record)
    return groups


def _figures(
    handoffs: Sequence[HandoffRecord],
    ratings: Sequence[RatingRecord],
    conversations: Sequence[ConversationRecord] | None,
) -> Figures:
    first_responses = [
        (record.first_response_at - record.started_at).total_seconds()
        for record in handoffs
        if record.first_response_at is not None
    ]
    resolutions = [
        (record.ended_at - record.started_at).total_seconds()
        for record in handoffs
        if record.ended_at is not None and record.outcome is HandoffOutcome.RESOLVED
    ]
    containment = (
        None
        if conversations is None
        else Containment(len(conversations), sum(1 for record in conversations if not record.handed_off))
    )
    return Figures(
        satisfaction=Satisfaction.of([record.rating for record in ratings]),
        handoffs=len(handoffs),
        first_response=Durations.of(first_responses),
        resolution=Durations.of(resolutions),
        containment=containment,
    )


CSV_COLUMNS = (
    "scope",
    "key",
    "csat_responses",
    "csat_average",
    *(f"csat_{rating}" for rating in RATINGS),
    "handoffs",
    "first_response_count",
    "first_response_p50_seconds",
    "first_response_p90_seconds",
    "resolution_count",
    "resolution_p50_seconds",
    "resolution_p90_seconds",
    "conversations",
    "contained",
    "containment_rate",
)


def report_csv(report: Report, agent_label: Callable[[str], str]) -> str:
    """One row overall, then one per day, per agent (``agent_label`` names them) and per channel."""
    rows: list[tuple[str, str, Figures]] = [("overall", "", report.overall)]
    rows += [("day", day.isoformat(), figures) for day, figures in report.per_day]
    rows += [("agent", agent_label(agent_id), figures) for agent_id, figures in report.per_agent]
    rows += [("channel", channel, figures) for channel, figures in report.per_channel]
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for scope, key, figures in rows:
        satisfaction, containment = figures.satisfaction, figures.containment
        writer.writerow(
            _cells(
                scope,
                key,
                satisfaction.responses,
                satisfaction.average,
                *(satisfaction.distribution[rating] for rating in RATINGS),
                figures.handoffs,
                figures.first_response.count,
                figures.first_response.p50,
                figures.first_response.p90,
                figures.resolution.count,
                figures.resolution.p50,
                figures.resolution.p90,
                None if containment is None else containment.conversations,
                None if containment is None else containment.contained,
                None if containment is None else containment.rate,
            )
        )
    return output.getvalue()


def _cells(*values: object) -> list[str]:
    """Empty for missing values; text a spreadsheet would run as a formula is quoted with '."""
    cells = []
    for value in values:
        cell = "" if value is None else str(value)
        cells.append("'" + cell if cell[:1] in ("=", "+", "-", "@") else cell)
    return cells
