"""The store on a real database: SQLite always, PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from hub.domain.feedback import NewFeedback
from hub.domain.tickets import NewTicket
from hub.store import Store
from tests.integration.stack import migrate


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
    else:
        url = os.environ.get("TEST_DATABASE_URL", "")
        if not url:
            message = "TEST_DATABASE_URL is not set, so the PostgreSQL run is skipped"
            if os.environ.get("CI"):
                pytest.fail(message + " (CI must set it: see .ci/run)")
            pytest.skip(message)
    migrate(url)
    return url


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Store]:
    opened = Store(database_url)
    yield opened
    await opened.close()


@pytest.fixture
def drawn_characters(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Characters ``secrets.choice`` hands out, in order, so a test can force a clash."""
    queue: list[str] = []
    real_choice = secrets.choice
    monkeypatch.setattr(secrets, "choice", lambda alphabet: queue.pop(0) if queue else real_choice(alphabet))
    yield queue


async def conversation_id(store: Store, external_id: str) -> str:
    identity = await store.identify("webchat", external_id, "th")
    return (await store.open_conversation(identity, "th")).id


async def test_a_reference_clash_draws_another_reference(store: Store, drawn_characters: list[str]) -> None:
    conversation = await conversation_id(store, "citizen-1")
    new_ticket = NewTicket(conversation, "road", "หลุม", "ซอย 5", None)
    drawn_characters.extend("AAAABBBB")
    first = await store.create_ticket(new_ticket)
    assert first.reference.endswith("-AAAA-BBBB")

    drawn_characters.extend("AAAABBBB" + "CCCCDDDD")  # the same again, then a free one
    second = await store.create_ticket(new_ticket)
    assert second.reference.endswith("-CCCC-DDDD")

    drawn_characters.extend("AAAABBBB" + "EEEEFFFF")  # feedback shares the same mechanism
    feedback = await store.add_feedback(NewFeedback(conversation, "ขอบคุณค่ะ"))
    assert feedback.reference.endswith("-AAAA-BBBB")  # its own table: no clash with tickets
    drawn_characters.extend("AAAABBBB" + "EEEEFFFF")
    again = await store.add_feedback(NewFeedback(conversation, "อีกเรื่องค่ะ"))
    assert again.reference.endswith("-EEEE-FFFF")


async def test_history_lookup_does_not_open_a_conversation(store: Store) -> None:
    identity = await store.identify("webchat", "citizen-2", "en")
    assert await store.find_open_conversation(identity) is None
    opened = await store.open_conversation(identity, "en")
    assert await store.find_open_conversation(identity) == opened


async def test_only_the_contacts_own_tickets_are_listed(store: Store) -> None:
    mine, theirs = await conversation_id(store, "citizen-3"), await conversation_id(store, "citizen-4")
    filed = [await store.create_ticket(NewTicket(mine, category, "d", "l", None)) for category in ("road", "noise")]
    await store.create_ticket(NewTicket(theirs, "garbage", "d", "l", None))
    listed = await store.tickets_of_contact(mine, limit=10)
    assert [ticket.reference for ticket in listed] == [filed[1].reference, filed[0].reference]
    assert await store.ticket_for_conversation(filed[0].reference, theirs) is None
    assert (await store.ticket_for_conversation(filed[0].reference, mine)) == filed[0]
