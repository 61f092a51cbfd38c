"""Start the real processes once per test session.

The whole stack runs on SQLite (the embedded default) and, when
TEST_DATABASE_URL is set (CI sets it in .ci/run), on PostgreSQL too: each
database gets its own Rasa server, action server and hub, started in parallel.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.fakes import PlatformFake
from tests.fakes.line_api import FakeLineApi
from tests.fakes.telegram_api import FakeTelegramApi
from tests.integration.stack import MODEL, Chat, Stack

DATABASES = ["sqlite", "postgresql"]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

# The chat platforms each stack's hub talks to, faked on loopback (one fake per stack).
PLATFORM_FAKES: dict[str, Callable[[], PlatformFake]] = {"line": FakeLineApi, "telegram": FakeTelegramApi}


def _database_url(name: str, workdir: Path) -> str | None:
    if name == "sqlite":
        return f"sqlite:///{workdir / 'hub.db'}"
    return os.environ.get("TEST_DATABASE_URL")


@pytest.fixture(scope="session")
def stacks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Stack]]:
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` (make test does it)")
    started: dict[str, Stack] = {}
    try:
        for name in DATABASES:
            workdir = tmp_path_factory.mktemp(name)
            url = _database_url(name, workdir)
            if url is not None:
                fakes = {channel: make_fake() for channel, make_fake in PLATFORM_FAKES.items()}
                started[name] = Stack(url, workdir, fakes=fakes)
                started[name].start_bot()
        for stack in started.values():
            stack.wait_for_bot()
            stack.start_hub()
        yield started
    finally:
        for stack in started.values():
            stack.stop()


@pytest.fixture(scope="session", params=DATABASES)
def stack(request: pytest.FixtureRequest, stacks: dict[str, Stack]) -> Stack:
    if request.param not in stacks:
        message = f"{request.param}: TEST_DATABASE_URL is not set, so the PostgreSQL run is skipped"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI must set it: see .ci/run)")
        pytest.skip(message)
    return stacks[request.param]


@pytest.fixture(scope="session")
def sqlite_stack(stacks: dict[str, Stack]) -> Stack:
    return stacks["sqlite"]


@pytest.fixture
async def chat(stack: Stack) -> AsyncIterator[Chat]:
    session = await Chat.open(stack.websocket_url)
    yield session
    await session.close()


@pytest.fixture(scope="session")
def impatient_stack(sqlite_stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A second hub on its own database, sharing the bot, where a conversation nobody claims
    for three seconds is offered a ticket (HANDOFF_TIMEOUT_MINUTES)."""
    workdir = tmp_path_factory.mktemp("impatient")
    hub = Stack(
        f"sqlite:///{workdir / 'hub.db'}",
        workdir,
        rasa_url=sqlite_stack.rasa_url,
        hub_settings={"HANDOFF_TIMEOUT_MINUTES": "0.05"},
    )
    try:
        hub.start_hub()
        yield hub
    finally:
        hub.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, driven by Playwright."""
    if not os.path.exists(CHROMIUM):
        message = "chromium is not installed (apt-get install chromium): the browser test cannot run"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield launched
        launched.close()
