"""The desk's data on real databases: handoffs, claims (also two at once), ticket offers,
sessions, notes, the phone audit log, canned replies, surveys and report records."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from hub.domain.agents import Agent, Role, SignInFailures
from hub.domain.conversations import ConversationState
from hub.domain.csat import SurveyStep
from hub.domain.desk import CannedReplyDraft
from hub.domain.handoff import HandoffOutcome, HandoffRequest, Priority, Transition
from hub.domain.reports import HandoffRecord, RatingRecord
from hub.domain.tickets import NewTicket
from hub.store import AgentExists, Store
from hub.store.tables import utc_now
from tests.hub.store import conversation_id

NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=5)


@pytest.fixture
async def second_store(database_url: str) -> AsyncIterator[Store]:
    """Another connection pool on the same database, like a second hub replica."""
    opened = Store(database_url)
    yield opened
    await opened.close()


async def agent(store: Store, name: str, role: Role = Role.AGENT) -> Agent:
    return await store.create_agent(f"{name}@example.go.th", name.title(), role, "argon2-hash")


async def waiting(store: Store, external_id: str, reason: str = "citizen_request", summary: dict | None = None) -> str:
    conversation = await conversation_id(store, external_id)
    assert await store.begin_handoff(conversation, HandoffRequest(reason, summary or {}), NOW)
    return conversation


async def test_a_handoff_puts_a_bot_conversation_in_the_queue_once(store: Store) -> None:
    conversation = await waiting(store, "c1", "sensitive_category", {"complaint": {"complaint_category": "misconduct"}})
    assert not await store.begin_handoff(conversation, HandoffRequest("citizen_request"), NOW)  # already waiting
    [item] = await store.queue_items()
    assert (item.conversation_id, item.state, item.priority, item.reason, item.category) == (
        conversation,
        ConversationState.WAITING,
        Priority.HIGH,
        "sensitive_category",
        "misconduct",
    )
    assert (item.waiting_since, item.assigned_agent, item.channel, item.language) == (NOW, None, "webchat", "th")
    handoff = await store.latest_handoff(conversation)
    assert handoff is not None and (handoff.started_at, handoff.ended_at, handoff.outcome) == (NOW, None, None)


async def test_two_claims_at_once_exactly_one_wins(store: Store, second_store: Store) -> None:
    somchai, malee = await agent(store, "somchai"), await agent(store, "malee")
    for round_number in range(10):
        conversation = await waiting(store, f"race-{round_number}")
        results = await asyncio.gather(
            store.transition(conversation, Transition.CLAIM, LATER, agent_id=somchai.id),
            second_store.transition(conversation, Transition.CLAIM, LATER, agent_id=malee.id),
        )
        assert sorted(results) == [False, True]
        winner = somchai if results[0] else malee
        item = await store.queue_item(conversation)
        assert item is not None and (item.state, item.assigned_agent) == (ConversationState.AGENT, winner)
        handoff = await store.latest_handoff(conversation)
        assert handoff is not None and handoff.agent_id == winner.id


async def test_resolve_and_hand_back_only_by_the_owner_and_only_once(store: Store) -> None:
    somchai, malee = await agent(store, "somchai"), await agent(store, "malee")
    conversation = await waiting(store, "c2")
    assert not await store.transition(conversation, Transition.RESOLVE, LATER, owner_id=somchai.id)  # not claimed
    assert await store.transition(conversation, Transition.CLAIM, LATER, agent_id=somchai.id)
    assert not await store.transition(conversation, Transition.CLAIM, LATER, agent_id=malee.id)
    assert not await store.transition(conversation, Transition.RESOLVE, LATER, owner_id=malee.id)
    assert await store.transition(conversation, Transition.RESOLVE, LATER, owner_id=somchai.id)
    assert not await store.transition(conversation, Transition.RESOLVE, LATER, owner_id=somchai.id)
    closed = await store.get_conversation(conversation)
    assert (closed.state, closed.assigned_agent_id) == (ConversationState.CLOSED, None)
    handoff = await store.latest_handoff(conversation)
    assert handoff is not None
    assert (handoff.ended_at, handoff.outcome, handoff.agent_id) == (LATER, HandoffOutcome.RESOLVED, somchai.id)
    assert await store.queue_items() == []
    identity = await store.identity_of(conversation)
    assert await store.find_open_conversation(identity) is None  # the next message starts a new conversation

    back = await waiting(store, "c3")
    assert await store.transition(back, Transition.CLAIM, LATER, agent_id=malee.id)
    assert await store.transition(back, Transition.HAND_BACK, LATER, owner_id=malee.id)
    assert (await store.get_conversation(back)).state is ConversationState.BOT
    # a new handoff of the same conversation is a new stay in the queue
    assert await store.begin_handoff(back, HandoffRequest("repeated_fallback"), LATER)
    handoff = await store.latest_handoff(back)
    assert handoff is not None and (handoff.reason, handoff.ended_at) == ("repeated_fallback", None)


async def test_reassigning_keeps_one_owner(store: Store) -> None:
    somchai, malee = await agent(store, "somchai"), await agent(store, "malee")
    conversation = await waiting(store, "c4")
    assert await store.transition(conversation, Transition.CLAIM, NOW, agent_id=somchai.id)
    assert await store.transition(conversation, Transition.REASSIGN, LATER, agent_id=malee.id)
    item = await store.queue_item(conversation)
    assert item is not None and item.assigned_agent == malee


async def test_a_ticket_is_offered_once_however_many_replicas_check(store: Store, second_store: Store) -> None:
    old = await waiting(store, "old")
    conversation = await conversation_id(store, "new")
    await store.begin_handoff(conversation, HandoffRequest("citizen_request"), LATER)
    assert await store.due_ticket_offers(NOW) == [old]
    assert await store.due_ticket_offers(LATER) == [old, conversation]
    results = await asyncio.gather(store.mark_ticket_offered(old, LATER), second_store.mark_ticket_offered(old, LATER))
    assert sorted(results) == [False, True]
    assert await store.due_ticket_offers(LATER) == [conversation]
    handoff = await store.latest_handoff(old)
    assert handoff is not None and handoff.ticket_offered_at == LATER
    # a claimed conversation is not offered a ticket
    assert await store.transition(conversation, Transition.CLAIM, LATER, agent_id=(await agent(store, "a")).id)
    assert await store.due_ticket_offers(LATER) == []


async def test_the_first_response_is_recorded_once(store: Store) -> None:
    conversation = await waiting(store, "c5")
    await store.record_first_response(conversation, LATER)
    await store.record_first_response(conversation, LATER + timedelta(minutes=1))
    [record], _, _ = await store.report_records(NOW, LATER + timedelta(hours=1))
    assert record == HandoffRecord("webchat", None, NOW, LATER, None, None)


async def test_accounts_and_sessions(store: Store) -> None:
    somchai = await agent(store, "somchai", Role.SUPERVISOR)
    with pytest.raises(AgentExists):
        await agent(store, "somchai")
    account = await store.agent_for_sign_in("somchai@example.go.th")
    assert account == (somchai, "argon2-hash", SignInFailures())
    locked = SignInFailures(0, None, LATER)
    await store.set_sign_in_failures(somchai.id, locked)
    assert (await store.agent_for_sign_in("somchai@example.go.th") or (None, None, None))[2] == locked
    assert await store.agent_for_sign_in("nobody@example.go.th") is None

    session = await store.create_session(somchai, "a" * 64, "csrf-token", NOW)
    assert await store.console_session("a" * 64) == session
    await store.touch_session(session, NOW + timedelta(seconds=30))  # too soon to be worth a write
    assert (await store.console_session("a" * 64) or session).last_seen_at == NOW
    await store.touch_session(session, LATER)
    assert (await store.console_session("a" * 64) or session).last_seen_at == LATER
    await store.delete_session(session.id)
    assert await store.console_session("a" * 64) is None


async def test_notes_phone_reveals_and_the_contacts_other_conversations(store: Store) -> None:
    somchai = await agent(store, "somchai")
    conversation = await waiting(store, "c6")
    note = await store.add_note(conversation, somchai, "โทรกลับช่วงบ่าย", NOW)
    assert await store.notes(conversation) == [note]
    assert await store.contact_phone(conversation) is None
    await store.create_ticket(NewTicket(conversation, "road", "หลุม", "ซอย 5", "081-234-5678"))
    assert await store.contact_phone(conversation) == "081-234-5678"
    ticket = await store.ticket_of_conversation(conversation)
    assert ticket is not None and ticket.category == "road"
    await store.record_phone_reveal(conversation, somchai.id, LATER)
    async with store.engine.connect() as connection:
        rows = (await connection.execute(text("SELECT conversation_id, agent_id, created_at FROM phone_reveals"))).all()
    assert [(row[0], row[1]) for row in rows] == [(conversation, somchai.id)]
    assert await store.other_conversations(conversation, 10) == []
    assert await store.transition(conversation, Transition.CLAIM, NOW, agent_id=somchai.id)
    assert await store.transition(conversation, Transition.RESOLVE, NOW, owner_id=somchai.id)
    identity = await store.identity_of(conversation)
    newer = await store.open_conversation(identity, "th")
    assert [other.id for other in await store.other_conversations(newer.id, 10)] == [conversation]


async def test_canned_replies(store: Store) -> None:
    boss = await agent(store, "boss", Role.SUPERVISOR)
    thai = await store.add_canned_reply(CannedReplyDraft("ทักทาย", "th", "สวัสดีค่ะ"), boss.id)
    english = await store.add_canned_reply(CannedReplyDraft("Greeting", "en", "Hello"), boss.id)
    assert await store.canned_replies() == [english, thai]
    updated = await store.update_canned_reply(english.id, CannedReplyDraft("Greeting", "en", "Hello!"), boss.id)
    assert updated is not None and updated.text == "Hello!"
    assert await store.update_canned_reply("0" * 32, CannedReplyDraft("x", "en", "y"), boss.id) is None
    assert await store.delete_canned_reply(thai.id)
    assert not await store.delete_canned_reply(thai.id)
    assert await store.canned_replies() == [updated]


async def test_surveys_one_pending_question_per_citizen(store: Store) -> None:
    somchai = await agent(store, "somchai")
    conversation = await conversation_id(store, "c7")
    identity = await store.identity_of(conversation)
    first = await store.open_survey(conversation, None, "2026-AAAA-BBBB", NOW)
    assert await store.pending_survey(identity.id) == first
    second = await store.open_survey(conversation, somchai.id, None, LATER)  # the first is dropped
    assert await store.pending_survey(identity.id) == second
    await store.record_rating(second.id, 4, LATER)
    pending = await store.pending_survey(identity.id)
    assert pending is not None and (pending.step, pending.rating) == (SurveyStep.COMMENT, 4)
    await store.finish_survey(second.id, SurveyStep.DONE, "ดีมากค่ะ")
    assert await store.pending_survey(identity.id) is None
    _, ratings, _ = await store.report_records(NOW, LATER + timedelta(seconds=1))
    assert ratings == [RatingRecord("webchat", somchai.id, LATER, 4)]


async def test_report_records(store: Store) -> None:
    somchai = await agent(store, "somchai")
    handed_off = await waiting(store, "c8")
    await conversation_id(store, "c9")  # never handed off
    assert await store.transition(handed_off, Transition.CLAIM, NOW, agent_id=somchai.id)
    handoffs, ratings, _ = await store.report_records(NOW - timedelta(days=1), NOW + timedelta(days=1))
    assert handoffs == [HandoffRecord("webchat", somchai.id, NOW, None, None, None)]
    assert ratings == []
    # conversations count from when they began (the real clock here)
    now = utc_now()
    _, _, conversations = await store.report_records(now - timedelta(minutes=1), now + timedelta(minutes=1))
    assert sorted((record.channel, record.handed_off) for record in conversations) == [
        ("webchat", False),
        ("webchat", True),
    ]
    assert all(now - timedelta(minutes=1) <= record.created_at <= now for record in conversations)
    assert await store.report_records(now + timedelta(minutes=1), now + timedelta(minutes=2)) == ([], [], [])
