"""The store on a real database: SQLite always, PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest

from hub.domain.conversations import Location, MessageKind, MessageStatus, Photo, Sender
from hub.domain.feedback import NewFeedback
from hub.domain.tickets import Coordinates, NewTicket
from hub.domain.validation import InvalidField
from hub.store import Store
from tests.hub.store import conversation_id


@pytest.fixture
def drawn_characters(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Characters ``secrets.choice`` hands out, in order, so a test can force a clash."""
    queue: list[str] = []
    real_choice = secrets.choice
    monkeypatch.setattr(secrets, "choice", lambda alphabet: queue.pop(0) if queue else real_choice(alphabet))
    yield queue


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


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def test_a_ticket_keeps_the_citizens_photos_and_coordinates(store: Store) -> None:
    mine, theirs = await conversation_id(store, "citizen-5"), await conversation_id(store, "citizen-6")
    photo = await store.add_photo(mine, Photo(PNG, "image/png"))
    assert await store.photo(photo) == Photo(PNG, "image/png")
    assert await store.photo("0" * 32) is None

    ticket = await store.create_ticket(
        NewTicket(mine, "road", "หลุม", "ซอย 5", None, photos=(photo,), coordinates=Coordinates(13.7563, 100.5018))
    )
    assert (ticket.photos, ticket.coordinates) == ((photo,), Coordinates(13.7563, 100.5018))
    assert await store.ticket_for_conversation(ticket.reference, mine) == ticket

    with pytest.raises(InvalidField, match=f"photos: no photo {photo} from this citizen"):
        await store.create_ticket(NewTicket(theirs, "road", "หลุม", "ซอย 5", None, photos=(photo,)))


async def test_messages_keep_their_kind_photo_and_location(store: Store) -> None:
    conversation = await conversation_id(store, "citizen-7")
    photo = await store.add_photo(conversation, Photo(PNG, "image/png"))
    place = Location(13.75, 100.5, "ถนนสุขุมวิท")
    await store.add_message(
        conversation, Sender.CITIZEN, "", "th", MessageStatus.RECEIVED, kind=MessageKind.PHOTO, media_id=photo
    )
    await store.add_message(
        conversation,
        Sender.CITIZEN,
        place.describe(),
        "th",
        MessageStatus.RECEIVED,
        kind=MessageKind.LOCATION,
        location=place,
    )
    stored = await store.messages(conversation)
    assert [(message.kind, message.media_id, message.location) for message in stored] == [
        (MessageKind.PHOTO, photo, None),
        (MessageKind.LOCATION, None, place),
    ]


async def test_a_platform_event_is_claimed_once_per_channel(store: Store) -> None:
    assert await store.claim_event("line", "01HEVENT") is True
    assert await store.claim_event("line", "01HEVENT") is False
    assert await store.claim_event("telegram", "01HEVENT") is True


async def test_an_identity_becomes_unreachable_and_reachable_again(store: Store) -> None:
    conversation = await conversation_id(store, "citizen-8")
    assert (await store.identity_of(conversation)).reachable is True
    await store.set_reachable("webchat", "citizen-8", False)
    identity = await store.identity_of(conversation)
    assert (identity.external_id, identity.reachable) == ("citizen-8", False)
    await store.set_reachable("webchat", "citizen-8", True)
    assert (await store.identity_of(conversation)).reachable is True
    await store.set_reachable("webchat", "nobody", False)  # unknown: nothing to record
    assert await store.find_identity("webchat", "nobody") is None
