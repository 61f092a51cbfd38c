"""Signing in to the console on a real database: argon2 hashes, lock-out, idle sessions,
and the documented command that creates users."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text

from hub.console.auth import ConsoleAuth, InvalidCredentials, Locked, hash_password, token_hash
from hub.domain.agents import Role
from hub.store import Store
from tests.integration.stack import HUB_PYTHON, ROOT, base_environment, migrate

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("auth") / "migrated.db"
    migrate(f"sqlite:///{path}")
    return path


@pytest.fixture
def database(migrated: Path, tmp_path: Path) -> str:
    shutil.copy(migrated, tmp_path / "auth.db")
    return f"sqlite:///{tmp_path / 'auth.db'}"


@pytest.fixture
async def store(database: str) -> AsyncIterator[Store]:
    opened = Store(database)
    yield opened
    await opened.close()


async def test_sign_in_keeps_only_a_hash_of_the_session_token(store: Store) -> None:
    agent = await store.create_agent("somchai@example.go.th", "Somchai", Role.AGENT, hash_password(PASSWORD))
    auth = ConsoleAuth(store, Clock())
    signed_in = await auth.sign_in(" Somchai@Example.GO.th ", PASSWORD)
    assert signed_in.session.agent == agent
    assert len(signed_in.token) >= 40 and len(signed_in.session.csrf_token) >= 40
    async with store.engine.connect() as connection:
        [stored] = (await connection.execute(text("SELECT token_hash FROM console_sessions"))).all()
    assert stored[0] == token_hash(signed_in.token) != signed_in.token
    assert await auth.session(signed_in.token) == signed_in.session
    assert await auth.session("forged") is None
    assert await auth.session(None) is None
    with pytest.raises(InvalidCredentials):
        await auth.sign_in("somchai@example.go.th", "wrong password!")
    with pytest.raises(InvalidCredentials):
        await auth.sign_in("nobody@example.go.th", PASSWORD)
    with pytest.raises(InvalidCredentials):
        await auth.sign_in("not an email", PASSWORD)


async def test_a_session_ends_after_twelve_idle_hours_and_at_sign_out(store: Store) -> None:
    await store.create_agent("malee@example.go.th", "Malee", Role.SUPERVISOR, hash_password(PASSWORD))
    clock = Clock()
    auth = ConsoleAuth(store, clock)
    signed_in = await auth.sign_in("malee@example.go.th", PASSWORD)
    clock.now += timedelta(hours=11)
    assert await auth.session(signed_in.token) is not None  # activity: idle time starts again
    clock.now += timedelta(hours=12)
    assert await auth.session(signed_in.token) is not None
    clock.now += timedelta(hours=12, seconds=1)
    assert await auth.session(signed_in.token) is None
    again = await auth.sign_in("malee@example.go.th", PASSWORD)
    await auth.sign_out(again.session)
    assert await auth.session(again.token) is None


async def test_five_failures_lock_the_account_for_fifteen_minutes(store: Store) -> None:
    await store.create_agent("lek@example.go.th", "Lek", Role.AGENT, hash_password(PASSWORD))
    clock = Clock()
    auth = ConsoleAuth(store, clock)
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            await auth.sign_in("lek@example.go.th", "guess guess guess")
        clock.now += timedelta(minutes=1)
    with pytest.raises(Locked) as locked:
        await auth.sign_in("lek@example.go.th", PASSWORD)
    assert locked.value.retry_after_seconds == 14 * 60  # 15 minutes from the fifth failure, a minute ago
    clock.now += timedelta(minutes=14)
    assert (await auth.sign_in("lek@example.go.th", PASSWORD)).session.agent.email == "lek@example.go.th"
    # a success clears the count
    for _ in range(4):
        with pytest.raises(InvalidCredentials):
            await auth.sign_in("lek@example.go.th", "guess guess guess")
    await auth.sign_in("lek@example.go.th", PASSWORD)
    with pytest.raises(InvalidCredentials):
        await auth.sign_in("lek@example.go.th", "guess guess guess")
    assert await auth.sign_in("lek@example.go.th", PASSWORD)


def users(database: str, *arguments: str, password: str = PASSWORD) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(HUB_PYTHON), "-m", "hub.console.users", *arguments, "--password-stdin"],
        cwd=ROOT,
        env=base_environment(DATABASE_URL=database),
        input=password + "\n",
        capture_output=True,
        text=True,
        check=False,  # the tests read the exit code
    )


async def test_the_users_command(database: str, store: Store) -> None:
    created = users(database, "create", "--email", "Boss@Example.go.th", "--name", "หัวหน้า", "--role", "supervisor")
    assert (created.returncode, created.stdout) == (0, "created supervisor boss@example.go.th\n")
    account = await store.agent_for_sign_in("boss@example.go.th")
    assert account is not None
    agent, password_hash, _ = account
    assert (agent.name, agent.role) == ("หัวหน้า", Role.SUPERVISOR)
    assert password_hash.startswith("$argon2id$") and PasswordHasher().verify(password_hash, PASSWORD)

    again = users(database, "create", "--email", "boss@example.go.th", "--name", "x", "--role", "agent")
    assert (again.returncode, again.stderr) == (
        2,
        "not created: a user with the email boss@example.go.th exists already\n",
    )
    short = users(database, "create", "--email", "a@example.go.th", "--name", "A", "--role", "agent", password="short")
    assert (short.returncode, short.stderr) == (2, "not created: password: at least 12 characters\n")
    role = users(database, "create", "--email", "a@example.go.th", "--name", "A", "--role", "boss")
    assert role.returncode == 2 and "invalid choice: 'boss'" in role.stderr
