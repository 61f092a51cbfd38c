"""Staff who use the console: roles, what each may do, sign-in lock-out and sessions."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from hub.domain.validation import InvalidField

MAX_FAILED_SIGN_INS = 5
FAILED_SIGN_IN_WINDOW = timedelta(minutes=15)
LOCK_OUT = timedelta(minutes=15)
SESSION_IDLE_TIMEOUT = timedelta(hours=12)
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # hashing a megabyte on every sign-in attempt would be a denial of service
MAX_NAME_LENGTH = 100
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


@dataclass(frozen=True)
class Agent:
    id: str
    email: str
    name: str
    role: Role

    @property
    def supervises(self) -> bool:
        """Supervisors and admins see sensitive conversations, reassign, keep canned replies, read reports."""
        return self.role in (Role.SUPERVISOR, Role.ADMIN)


def normalize_email(raw: str) -> str:
    email = raw.strip().lower()
    if not _EMAIL.match(email) or len(email) > 254:
        raise InvalidField("email", "expected an email address")
    return email


def validate_new_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidField("password", f"at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidField("password", f"at most {MAX_PASSWORD_LENGTH} characters")
    return password


def validate_name(raw: str) -> str:
    name = raw.strip()
    if not name or len(name) > MAX_NAME_LENGTH:
        raise InvalidField("name", f"required, at most {MAX_NAME_LENGTH} characters")
    return name


@dataclass(frozen=True)
class SignInFailures:
    """Failed sign-ins of one account: ``count`` since ``since``; locked until ``locked_until``."""

    count: int = 0
    since: datetime | None = None
    locked_until: datetime | None = None

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def seconds_locked(self, now: datetime) -> int:
        """How long the lock still lasts, in whole seconds (at least 1 while locked)."""
        if self.locked_until is None:
            return 0
        return max(math.ceil((self.locked_until - now).total_seconds()), 0)

    def after_failure(self, now: datetime) -> SignInFailures:
        """The state after one more failure: the fifth within the window locks the account."""
        if self.since is None or now - self.since > FAILED_SIGN_IN_WINDOW:
            count, since = 1, now
        else:
            count, since = self.count + 1, self.since
        if count >= MAX_FAILED_SIGN_INS:
            return SignInFailures(0, None, now + LOCK_OUT)
        return SignInFailures(count, since, None)


def session_expired(last_seen_at: datetime, now: datetime) -> bool:
    return now - last_seen_at > SESSION_IDLE_TIMEOUT


@dataclass(frozen=True)
class ConsoleSession:
    id: str
    agent: Agent
    csrf_token: str
    last_seen_at: datetime
