"""The supervisors' figures, computed from records with known answers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hub.domain.handoff import HandoffOutcome
from hub.domain.reports import (
    Containment,
    ConversationRecord,
    Durations,
    Figures,
    HandoffRecord,
    Period,
    RatingRecord,
    Satisfaction,
    build_report,
    percentile,
    report_csv,
)
from hub.domain.validation import InvalidField

BANGKOK = ZoneInfo("Asia/Bangkok")
PERIOD = Period(date(2026, 11, 23), date(2026, 11, 24), BANGKOK)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=BANGKOK)


def handoff(
    channel: str, agent: str | None, started: datetime, first: int | None, ended: int, outcome: HandoffOutcome
) -> HandoffRecord:
    return HandoffRecord(
        channel,
        agent,
        started,
        None if first is None else started + timedelta(seconds=first),
        started + timedelta(seconds=ended),
        outcome,
    )


HANDOFFS = [
    handoff("webchat", "a1", at(23, 9), 60, 600, HandoffOutcome.RESOLVED),
    handoff("line", "a1", at(23, 10), 120, 1200, HandoffOutcome.RESOLVED),
    handoff("webchat", "a2", at(24, 9), 30, 300, HandoffOutcome.HANDED_BACK),
    handoff("webchat", None, at(24, 23, 30), None, 100, HandoffOutcome.CANCELLED),
    handoff("webchat", "a1", at(25, 0, 10), 10, 20, HandoffOutcome.RESOLVED),  # the day after the period
]
RATINGS = [
    RatingRecord("webchat", "a1", at(23, 10), 5),
    RatingRecord("line", "a1", at(23, 11), 4),
    RatingRecord("webchat", None, at(24, 8), 2),  # after a bot-only ticket
    RatingRecord("webchat", "a2", at(24, 12), 3),
    RatingRecord("webchat", "a2", at(22, 23, 59), 1),  # the day before
]
CONVERSATIONS = [
    ConversationRecord("webchat", at(23, 8, 59), True),
    ConversationRecord("line", at(23, 9, 59), True),
    ConversationRecord("webchat", at(23, 12), False),
    ConversationRecord("webchat", at(23, 13), False),
    ConversationRecord("webchat", at(24, 8, 59), True),
    ConversationRecord("webchat", at(24, 23, 29), True),
    ConversationRecord("telegram", at(24, 15), False),
    ConversationRecord("telegram", datetime(2026, 11, 24, 17, 0, tzinfo=UTC), False),  # 00:00 on the 25th in Bangkok
]


def distribution(*counts: int) -> dict[int, int]:
    return dict(zip(range(1, 6), counts, strict=True))


def test_percentiles_by_nearest_rank() -> None:
    assert percentile([], 50) is None
    assert percentile([7], 90) == 7
    assert percentile([30, 60, 120], 50) == 60
    assert percentile([30, 60, 120], 90) == 120
    assert percentile(list(range(1, 11)), 90) == 9
    assert percentile(list(range(1, 11)), 50) == 5
    assert percentile([1.4, 2.6], 90) == 3


def test_overall_figures() -> None:
    report = build_report(PERIOD, HANDOFFS, RATINGS, CONVERSATIONS)
    assert report.overall == Figures(
        satisfaction=Satisfaction(4, 3.5, distribution(0, 1, 1, 1, 1)),
        handoffs=4,
        first_response=Durations(3, 60, 120),
        resolution=Durations(2, 600, 1200),
        containment=Containment(7, 3),
    )
    assert report.overall.containment is not None and report.overall.containment.rate == 0.4286


def test_figures_per_local_day_include_empty_days() -> None:
    report = build_report(PERIOD, HANDOFFS, RATINGS, CONVERSATIONS)
    assert report.per_day == [
        (
            date(2026, 11, 23),
            Figures(
                Satisfaction(2, 4.5, distribution(0, 0, 0, 1, 1)),
                2,
                Durations(2, 60, 120),
                Durations(2, 600, 1200),
                Containment(4, 2),
            ),
        ),
        (
            date(2026, 11, 24),
            Figures(
                Satisfaction(2, 2.5, distribution(0, 1, 1, 0, 0)),
                2,
                Durations(1, 30, 30),
                Durations(0, None, None),
                Containment(3, 1),
            ),
        ),
    ]
    week = build_report(Period(date(2026, 11, 23), date(2026, 11, 29), BANGKOK), HANDOFFS, RATINGS, CONVERSATIONS)
    assert [day for day, _ in week.per_day][-1] == date(2026, 11, 29)
    assert week.per_day[3][1] == Figures(
        Satisfaction(0, None, distribution(0, 0, 0, 0, 0)),
        0,
        Durations(0, None, None),
        Durations(0, None, None),
        Containment(0, 0),
    )
    assert week.per_day[3][1].containment is not None and week.per_day[3][1].containment.rate is None


def test_figures_per_agent_and_per_channel() -> None:
    report = build_report(PERIOD, HANDOFFS, RATINGS, CONVERSATIONS)
    assert report.per_agent == [
        (
            "a1",
            Figures(
                Satisfaction(2, 4.5, distribution(0, 0, 0, 1, 1)),
                2,
                Durations(2, 60, 120),
                Durations(2, 600, 1200),
                None,
            ),
        ),
        (
            "a2",
            Figures(
                Satisfaction(1, 3.0, distribution(0, 0, 1, 0, 0)),
                1,
                Durations(1, 30, 30),
                Durations(0, None, None),
                None,
            ),
        ),
    ]
    assert report.per_channel == [
        (
            "line",
            Figures(
                Satisfaction(1, 4.0, distribution(0, 0, 0, 1, 0)),
                1,
                Durations(1, 120, 120),
                Durations(1, 1200, 1200),
                Containment(1, 0),
            ),
        ),
        (
            "telegram",
            Figures(
                Satisfaction(0, None, distribution(0, 0, 0, 0, 0)),
                0,
                Durations(0, None, None),
                Durations(0, None, None),
                Containment(1, 1),
            ),
        ),
        (
            "webchat",
            Figures(
                Satisfaction(3, 3.33, distribution(0, 1, 1, 0, 1)),
                3,
                Durations(2, 30, 60),
                Durations(1, 600, 600),
                Containment(5, 2),
            ),
        ),
    ]


def test_the_csv_export() -> None:
    report = build_report(PERIOD, HANDOFFS, RATINGS, CONVERSATIONS)
    lines = report_csv(report, {"a1": "somchai@example.go.th", "a2": "=cmd@example.go.th"}.__getitem__).split("\r\n")
    assert lines[0] == (
        "scope,key,csat_responses,csat_average,csat_1,csat_2,csat_3,csat_4,csat_5,handoffs,first_response_count,"
        "first_response_p50_seconds,first_response_p90_seconds,resolution_count,resolution_p50_seconds,"
        "resolution_p90_seconds,conversations,contained,containment_rate"
    )
    assert lines[1] == "overall,,4,3.5,0,1,1,1,1,4,3,60,120,2,600,1200,7,3,0.4286"
    assert lines[2] == "day,2026-11-23,2,4.5,0,0,0,1,1,2,2,60,120,2,600,1200,4,2,0.5"
    assert lines[3] == "day,2026-11-24,2,2.5,0,1,1,0,0,2,1,30,30,0,,,3,1,0.3333"
    assert lines[4] == "agent,somchai@example.go.th,2,4.5,0,0,0,1,1,2,2,60,120,2,600,1200,,,"
    assert lines[5] == "agent,'=cmd@example.go.th,1,3.0,0,0,1,0,0,1,1,30,30,0,,,,,"  # not run as a formula
    assert lines[6:] == [
        "channel,line,1,4.0,0,0,0,1,0,1,1,120,120,1,1200,1200,1,0,0.0",
        "channel,telegram,0,,0,0,0,0,0,0,0,,,0,,,1,1,1.0",
        "channel,webchat,3,3.33,0,1,1,0,1,3,2,30,60,1,600,600,5,2,0.4",
        "",
    ]


def test_periods_from_query_parameters() -> None:
    period = Period.parse("2026-11-01", "2026-11-30", BANGKOK)
    assert period.bounds() == (datetime(2026, 10, 31, 17, 0, tzinfo=UTC), datetime(2026, 11, 30, 17, 0, tzinfo=UTC))
    with pytest.raises(InvalidField, match="from: expected a date"):
        Period.parse("yesterday", "2026-11-30", BANGKOK)
    with pytest.raises(InvalidField, match="to: expected a date"):
        Period.parse("2026-11-01", None, BANGKOK)
    with pytest.raises(InvalidField, match="to: must not be before from"):
        Period.parse("2026-11-30", "2026-11-01", BANGKOK)
    with pytest.raises(InvalidField, match="at most 366 days"):
        Period.parse("2026-01-01", "2027-01-02", BANGKOK)
