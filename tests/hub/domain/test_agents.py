"""Roles, sign-in lock-out and session expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hub.domain.agents import Agent, Role, SignInFailures, normalize_email, session_expired, validate_new_password
from hub.domain.validation import InvalidField

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


def test_only_supervisors_and_admins_supervise() -> None:
    assert not Agent("1", "a@x.go.th", "A", Role.AGENT).supervises
    assert Agent("2", "s@x.go.th", "S", Role.SUPERVISOR).supervises
    assert Agent("3", "d@x.go.th", "D", Role.ADMIN).supervises


def test_the_fifth_failure_within_fifteen_minutes_locks_for_fifteen_minutes() -> None:
    failures = SignInFailures()
    for minute in range(4):
        failures = failures.after_failure(NOW + timedelta(minutes=minute * 3))
        assert not failures.locked(NOW + timedelta(minutes=minute * 3))
    assert failures == SignInFailures(4, NOW, None)
    locked = failures.after_failure(NOW + timedelta(minutes=14))
    assert locked == SignInFailures(0, None, NOW + timedelta(minutes=29))
    assert locked.locked(NOW + timedelta(minutes=28, seconds=59))
    assert not locked.locked(NOW + timedelta(minutes=29))


def test_failures_older_than_the_window_start_a_new_count() -> None:
    failures = SignInFailures(4, NOW, None).after_failure(NOW + timedelta(minutes=15, seconds=1))
    assert failures == SignInFailures(1, NOW + timedelta(minutes=15, seconds=1), None)


def test_sessions_expire_after_twelve_idle_hours() -> None:
    assert not session_expired(NOW, NOW + timedelta(hours=12))
    assert session_expired(NOW, NOW + timedelta(hours=12, seconds=1))


def test_emails_and_passwords_are_checked() -> None:
    assert normalize_email("  Somchai@Example.GO.th ") == "somchai@example.go.th"
    with pytest.raises(InvalidField, match="email"):
        normalize_email("not an email")
    with pytest.raises(InvalidField, match="at least 12 characters"):
        validate_new_password("short")
    assert validate_new_password("correct horse battery") == "correct horse battery"
