"""Signing staff in and out: argon2 password hashes, lock-out after repeated
failures, server-side sessions of which only a hash of the token is stored."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from hub.domain.agents import (
    MAX_PASSWORD_LENGTH,
    Agent,
    ConsoleSession,
    SignInFailures,
    normalize_email,
    session_expired,
)
from hub.domain.validation import InvalidField
from hub.store import Store
from hub.store.tables import utc_now

log = logging.getLogger(__name__)

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified against when the email is unknown, so both answers take as long.
_UNKNOWN_ACCOUNT_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvalidCredentials(Exception):
    """Wrong email or wrong password: the same answer for both."""


class Locked(Exception):
    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(f"locked for {retry_after_seconds} s")
        self.retry_after_seconds = retry_after_seconds


@dataclass(frozen=True)
class SignedIn:
    token: str  # for the cookie; never stored
    session: ConsoleSession


class ConsoleAuth:
    def __init__(self, store: Store, clock: Callable[[], datetime] = utc_now) -> None:
        self._store = store
        self._clock = clock

    async def sign_in(self, email: str, password: str) -> SignedIn:
        """Raises :class:`InvalidCredentials` or :class:`Locked`."""
        now = self._clock()
        try:
            normalized = normalize_email(email)
        except InvalidField as error:
            raise InvalidCredentials from error
        account = await self._store.agent_for_sign_in(normalized)
        if account is None or len(password) > MAX_PASSWORD_LENGTH:
            _verify(_UNKNOWN_ACCOUNT_HASH, password[:MAX_PASSWORD_LENGTH])
            raise InvalidCredentials
        agent, password_hash, failures = account
        if failures.locked(now):
            raise Locked(failures.seconds_locked(now))
        if not _verify(password_hash, password):
            after = failures.after_failure(now)
            await self._store.set_sign_in_failures(agent.id, after)
            if after.locked(now):
                log.warning("console account %s locked after repeated failed sign-ins", agent.id)
            raise InvalidCredentials
        await self._store.set_sign_in_failures(agent.id, SignInFailures())
        if _hasher.check_needs_rehash(password_hash):
            await self._store.set_password_hash(agent.id, hash_password(password))
        return await self._open_session(agent, now)

    async def session(self, token: str | None) -> ConsoleSession | None:
        """The live session for a cookie's token; an expired one is deleted."""
        if not token:
            return None
        found = await self._store.console_session(token_hash(token))
        if found is None:
            return None
        now = self._clock()
        if session_expired(found.last_seen_at, now):
            await self._store.delete_session(found.id)
            return None
        await self._store.touch_session(found, now)
        return found

    async def sign_out(self, session: ConsoleSession) -> None:
        await self._store.delete_session(session.id)

    async def _open_session(self, agent: Agent, now: datetime) -> SignedIn:
        token = secrets.token_urlsafe(32)
        csrf_token = secrets.token_urlsafe(32)
        session = await self._store.create_session(agent, token_hash(token), csrf_token, now)
        log.info("agent %s signed in to the console", agent.id)
        return SignedIn(token, session)


def csrf_matches(session: ConsoleSession, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(session.csrf_token.encode(), given.encode())


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
