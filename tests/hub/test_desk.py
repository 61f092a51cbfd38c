"""The queue and the desk on a real database, delivering through a recording platform:
who sees and may do what, what citizens are told, the ticket offer, ratings, reports."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from hub.desk import Conflict, Desk, Forbidden, NotFound
from hub.domain.agents import Agent, Role
from hub.domain.content import office_hours
from hub.domain.conversations import Button, ConversationState, MessageStatus, Sender
from hub.domain.csat import SurveyStep
from hub.domain.handoff import (
    CANCEL_PAYLOAD,
    FILE_CASE_PAYLOAD,
    KEEP_WAITING_PAYLOAD,
    HandoffOutcome,
    HandoffRequest,
    Priority,
)
from hub.domain.validation import InvalidField
from hub.handoffs import Handoffs
from hub.live import LiveEvents, MessageStored, QueueChanged
from hub.outbox import Outbox, RetryPolicy
from hub.satisfaction import Satisfaction
from hub.store import Identity, Store
from tests.hub.recording import RecordingPlatform
from tests.integration.stack import migrate

BANGKOK = ZoneInfo("Asia/Bangkok")
TUESDAY_MORNING = datetime(2026, 11, 24, 9, 0, tzinfo=BANGKOK)
SATURDAY = datetime(2026, 11, 28, 10, 0, tzinfo=BANGKOK)
FAST = RetryPolicy(attempts=1, first_backoff_seconds=0.01, max_backoff_seconds=0.01)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Hub:
    store: Store
    platform: RecordingPlatform
    events: LiveEvents
    clock: Clock
    handoffs: Handoffs
    desk: Desk
    agent: Agent
    other_agent: Agent
    supervisor: Agent

    async def citizen(self, name: str, language: str = "th") -> tuple[Identity, str]:
        identity = await self.store.identify("webchat", name, language)  # type: ignore[arg-type]
        conversation = await self.store.open_conversation(identity, language)  # type: ignore[arg-type]
        return identity, conversation.id

    async def waiting(
        self, name: str, reason: str = "citizen_request", summary: dict | None = None, language: str = "th"
    ) -> tuple[Identity, str]:
        identity, conversation = await self.citizen(name, language)
        await self.handoffs.begin(identity, conversation, HandoffRequest(reason, summary or {}), language)  # type: ignore[arg-type]
        return identity, conversation

    async def says(self, identity: Identity, conversation_id: str, text: str, payload: str | None = None) -> None:
        """A citizen message while waiting, as the router hands it over."""
        conversation = await self.store.get_conversation(conversation_id)
        message = await self.store.add_message(
            conversation_id, Sender.CITIZEN, text, conversation.language, MessageStatus.RECEIVED, payload=payload
        )
        await self.handoffs.waiting_message(identity, conversation, message)

    async def state(self, conversation_id: str) -> ConversationState:
        return (await self.store.get_conversation(conversation_id)).state


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty migrated database, copied for each test (migrating takes a few seconds)."""
    path = tmp_path_factory.mktemp("desk") / "migrated.db"
    migrate(f"sqlite:///{path}")
    return path


@pytest.fixture
async def hub(migrated: Path, tmp_path: Path) -> AsyncIterator[Hub]:
    shutil.copy(migrated, tmp_path / "desk.db")
    store = Store(f"sqlite:///{tmp_path / 'desk.db'}")
    platform = RecordingPlatform()
    events = LiveEvents()
    clock = Clock(TUESDAY_MORNING)
    outbox = Outbox(store, {"webchat": platform}, FAST, events)
    satisfaction = Satisfaction(store, outbox, clock)
    handoffs = Handoffs(store, outbox, events, office_hours(), timedelta(minutes=10), clock)
    desk = Desk(store, outbox, satisfaction, events, BANGKOK, clock)
    agents = [
        await store.create_agent(f"{name}@example.go.th", name.title(), role, "hash")
        for name, role in (("somchai", Role.AGENT), ("malee", Role.AGENT), ("boss", Role.SUPERVISOR))
    ]
    yield Hub(store, platform, events, clock, handoffs, desk, *agents)
    await store.close()


async def test_the_citizen_hears_their_place_in_the_queue(hub: Hub) -> None:
    with hub.events.subscribe() as events:
        await hub.waiting("first")
        assert isinstance(events.get_nowait(), QueueChanged)
    await hub.waiting("second", language="en")
    _, urgent = await hub.waiting("urgent", "sensitive_category")
    assert [message.text for message in hub.platform.delivered] == [
        (
            "เจ้าหน้าที่จะตอบในแชทนี้โดยเร็วค่ะ ขณะนี้ท่านอยู่ลำดับที่ 1 ในคิว ระหว่างรอ พิมพ์รายละเอียดหรือส่งรูปภาพไว้ได้เลย "
            "หากไม่ต้องการรอ พิมพ์ ยกเลิก"
        ),
        (
            "An officer will answer you in this chat soon. You are number 2 in the queue. While you wait, "
            "you can type details or send photos. To stop waiting, type cancel."
        ),
        (
            "เจ้าหน้าที่จะตอบในแชทนี้โดยเร็วค่ะ ขณะนี้ท่านอยู่ลำดับที่ 1 ในคิว ระหว่างรอ พิมพ์รายละเอียดหรือส่งรูปภาพไว้ได้เลย "
            "หากไม่ต้องการรอ พิมพ์ ยกเลิก"
        ),  # sensitive conversations go first
    ]
    assert hub.platform.delivered[0].buttons == (Button("ยกเลิกการรอ", CANCEL_PAYLOAD),)
    assert await hub.state(urgent) is ConversationState.WAITING


async def test_outside_office_hours_the_citizen_hears_when_it_opens(hub: Hub) -> None:
    hub.clock.now = SATURDAY
    await hub.waiting("weekend", language="en")
    assert hub.platform.texts() == [
        (
            "The office is closed now. An officer will answer you in this chat when it opens: Monday 30 November 2026 "
            "at 08:30. While you wait, you can type details or send photos. To stop waiting, type cancel."
        )
    ]


async def test_cancel_leaves_the_queue(hub: Hub) -> None:
    identity, conversation = await hub.waiting("leaver")
    await hub.says(identity, conversation, "รายละเอียดเพิ่มเติมค่ะ")  # for the officers: no answer from the hub
    assert len(hub.platform.delivered) == 1
    await hub.says(identity, conversation, "ยกเลิกค่ะ")
    assert hub.platform.texts()[-1] == ("ยกเลิกการรอเจ้าหน้าที่แล้วค่ะ ระบบตอบกลับอัตโนมัติจะดูแลต่อ ต้องการอะไร พิมพ์มาได้เลยค่ะ")
    assert await hub.state(conversation) is ConversationState.BOT
    handoff = await hub.store.latest_handoff(conversation)
    assert handoff is not None and handoff.outcome is HandoffOutcome.CANCELLED
    assert (await hub.desk.queue(hub.supervisor)).waiting == []


async def test_nobody_claims_in_time_so_a_ticket_is_offered_once_and_filed(hub: Hub) -> None:
    summary = {"complaint": {"complaint_category": "streetlight", "complaint_location": "ซอย 7"}}
    identity, conversation = await hub.waiting("patient", summary=summary)
    await hub.says(identity, conversation, "ไฟดับทั้งซอยค่ะ")
    hub.clock.now += timedelta(minutes=9, seconds=59)
    assert await hub.handoffs.offer_due_tickets() == 0
    hub.clock.now += timedelta(seconds=1)
    assert await hub.handoffs.offer_due_tickets() == 1
    assert await hub.handoffs.offer_due_tickets() == 0  # once only
    offer = hub.platform.delivered[-1]
    assert offer.text.startswith("ขออภัยที่ให้รอนานค่ะ ยังไม่มีเจ้าหน้าที่ว่าง")
    assert offer.buttons == (Button("บันทึกเรื่อง", FILE_CASE_PAYLOAD), Button("รอต่อ", KEEP_WAITING_PAYLOAD))

    await hub.says(identity, conversation, "รอต่อ", KEEP_WAITING_PAYLOAD)
    assert hub.platform.texts()[-1].startswith("รับทราบค่ะ ท่านยังอยู่ในคิว")
    assert await hub.state(conversation) is ConversationState.WAITING

    await hub.says(identity, conversation, "บันทึกเรื่อง", FILE_CASE_PAYLOAD)
    [ticket] = await hub.store.tickets_of_contact(conversation, 10)
    assert (ticket.category, ticket.description, ticket.location) == ("streetlight", "ไฟดับทั้งซอยค่ะ", "ซอย 7")
    assert hub.platform.texts()[-1] == (
        f"บันทึกเรื่องแล้วค่ะ เลขที่เรื่อง {ticket.reference} เจ้าหน้าที่จะติดตามและติดต่อกลับ ใช้เลขนี้ติดตามเรื่องได้ค่ะ"
    )
    assert await hub.state(conversation) is ConversationState.BOT
    handoff = await hub.store.latest_handoff(conversation)
    assert handoff is not None and handoff.outcome is HandoffOutcome.TICKET_FILED


async def test_yes_means_nothing_before_the_offer(hub: Hub) -> None:
    identity, conversation = await hub.waiting("eager", language="en")
    await hub.says(identity, conversation, "yes")
    assert await hub.store.tickets_of_contact(conversation, 10) == []
    assert len(hub.platform.delivered) == 1


async def test_sensitive_conversations_are_for_supervisors(hub: Hub) -> None:
    _, normal = await hub.waiting("normal")
    _, sensitive = await hub.waiting("sensitive", "sensitive_category")
    assert [item.conversation_id for item in (await hub.desk.queue(hub.agent)).waiting] == [normal]
    assert [item.conversation_id for item in (await hub.desk.queue(hub.supervisor)).waiting] == [sensitive, normal]
    with pytest.raises(Forbidden):
        await hub.desk.claim(hub.agent, sensitive)
    with pytest.raises(Forbidden):
        await hub.desk.conversation(hub.agent, sensitive)
    with pytest.raises(Forbidden):  # nor can a supervisor hand it to an agent
        await hub.desk.reassign(hub.supervisor, sensitive, {"agent_id": hub.agent.id})
    item = await hub.desk.claim(hub.supervisor, sensitive)
    assert (item.priority, item.assigned_agent) == (Priority.HIGH, hub.supervisor)


async def test_claiming_tells_the_citizen_and_a_second_claim_is_refused(hub: Hub) -> None:
    _, conversation = await hub.waiting("claimed", language="en")
    item = await hub.desk.claim(hub.agent, conversation)
    assert (item.state, item.assigned_agent) == (ConversationState.AGENT, hub.agent)
    assert hub.platform.texts()[-1] == "An officer has picked up your conversation."
    with pytest.raises(Conflict) as refused:
        await hub.desk.claim(hub.other_agent, conversation)
    assert (refused.value.code, refused.value.by) == ("already_claimed", hub.agent)
    queue = await hub.desk.queue(hub.agent)
    assert ([i.conversation_id for i in queue.mine], queue.waiting, queue.claimed) == ([conversation], [], [])
    assert [i.conversation_id for i in (await hub.desk.queue(hub.supervisor)).claimed] == [conversation]
    with pytest.raises(NotFound):
        await hub.desk.claim(hub.agent, "0" * 32)


async def test_only_the_owner_or_a_supervisor_replies_and_the_reply_is_delivered(hub: Hub) -> None:
    _, conversation = await hub.waiting("answered")
    with pytest.raises(Forbidden):  # an agent claims first
        await hub.desk.reply(hub.agent, conversation, {"text": "สวัสดีค่ะ"})
    with pytest.raises(Conflict, match="not_claimed"):  # supervisors too
        await hub.desk.reply(hub.supervisor, conversation, {"text": "สวัสดีค่ะ"})
    await hub.desk.claim(hub.agent, conversation)
    with pytest.raises(Forbidden):
        await hub.desk.reply(hub.other_agent, conversation, {"text": "สวัสดีค่ะ"})
    with pytest.raises(InvalidField, match="text"):
        await hub.desk.reply(hub.agent, conversation, {"text": "  "})
    with hub.events.subscribe() as events:
        hub.clock.now += timedelta(seconds=45)
        reply = await hub.desk.reply(hub.agent, conversation, {"text": "สวัสดีค่ะ ช่วยอะไรได้บ้างคะ"})
        assert (reply.sender, reply.agent_id, reply.status) == (Sender.AGENT, hub.agent.id, MessageStatus.PENDING)
        stored = await asyncio.wait_for(events.get(), 5)
        sent = await asyncio.wait_for(events.get(), 5)
    assert isinstance(stored, MessageStored) and stored.message == reply
    assert isinstance(sent, MessageStored) and (sent.message.id, sent.message.status) == (reply.id, MessageStatus.SENT)
    assert hub.platform.texts()[-1] == "สวัสดีค่ะ ช่วยอะไรได้บ้างคะ"
    await hub.desk.reply(hub.supervisor, conversation, {"text": "หัวหน้าช่วยดูค่ะ"})  # supervisors on any
    [record], _, _ = await hub.store.report_records(TUESDAY_MORNING, hub.clock.now + timedelta(hours=1))
    assert record.first_response_at == TUESDAY_MORNING + timedelta(seconds=45)


async def test_notes_stay_inside_and_phone_reveals_are_audited(hub: Hub) -> None:
    summary = {"complaint": {"complaint_phone": "0812345678"}}
    _, conversation = await hub.waiting("noted", summary=summary)
    await hub.desk.claim(hub.agent, conversation)
    with pytest.raises(Forbidden):
        await hub.desk.add_note(hub.other_agent, conversation, {"text": "x"})
    note = await hub.desk.add_note(hub.agent, conversation, {"text": "โทรกลับช่วงบ่าย"})
    view = await hub.desk.conversation(hub.agent, conversation)
    assert view.notes == [note]
    assert "โทรกลับช่วงบ่าย" not in hub.platform.texts()
    assert view.masked_phone == "081-XXX-XX78"
    with pytest.raises(Forbidden):
        await hub.desk.reveal_phone(hub.other_agent, conversation)
    assert await hub.desk.reveal_phone(hub.agent, conversation) == "081-234-5678"
    assert await hub.desk.reveal_phone(hub.supervisor, conversation) == "081-234-5678"
    async with hub.store.engine.connect() as connection:
        audit = (await connection.execute(text("SELECT agent_id, conversation_id FROM phone_reveals"))).all()
    assert [tuple(row) for row in audit] == [(hub.agent.id, conversation), (hub.supervisor.id, conversation)]
    _, no_phone = await hub.waiting("no-phone")
    await hub.desk.claim(hub.agent, no_phone)
    with pytest.raises(NotFound):
        await hub.desk.reveal_phone(hub.agent, no_phone)


async def test_resolving_asks_for_a_rating_and_the_report_counts_it(hub: Hub) -> None:
    identity, conversation = await hub.waiting("rated", language="en")
    hub.clock.now += timedelta(minutes=2)
    await hub.desk.claim(hub.agent, conversation)
    await hub.desk.reply(hub.agent, conversation, {"text": "Hello, how can I help?"})
    hub.clock.now += timedelta(minutes=10)
    with pytest.raises(Forbidden):
        await hub.desk.resolve(hub.other_agent, conversation)
    await hub.desk.resolve(hub.agent, conversation)
    assert await hub.state(conversation) is ConversationState.CLOSED
    question = hub.platform.delivered[-1]
    assert question.text.startswith("The officer has closed this conversation")
    assert [button.title for button in question.buttons] == ["1", "2", "3", "4", "5"]
    survey = await hub.store.pending_survey(identity.id)
    assert survey is not None and (survey.agent_id, survey.step, survey.channel) == (
        hub.agent.id,
        SurveyStep.RATING,
        "webchat",
    )
    with pytest.raises(Forbidden):  # nobody owns it any more
        await hub.desk.resolve(hub.agent, conversation)
    with pytest.raises(Conflict, match="not_claimed"):
        await hub.desk.resolve(hub.supervisor, conversation)

    await hub.store.record_rating(survey.id, 4, hub.clock.now)
    with pytest.raises(Forbidden):
        await hub.desk.report(hub.agent, "2026-11-24", "2026-11-24")
    report, agents = await hub.desk.report(hub.supervisor, "2026-11-24", "2026-11-24")
    [(agent_id, figures)] = report.per_agent
    assert agents[agent_id] == hub.agent
    assert (figures.satisfaction.responses, figures.satisfaction.average, figures.handoffs) == (1, 4.0, 1)
    assert (figures.first_response.p50, figures.resolution.p50) == (120, 720)
    with pytest.raises(InvalidField, match="to"):
        await hub.desk.report(hub.supervisor, "2026-11-24", "2026-11-01")


async def test_handing_back_returns_the_conversation_to_the_bot(hub: Hub) -> None:
    _, conversation = await hub.waiting("returned", language="en")
    await hub.desk.claim(hub.agent, conversation)
    with pytest.raises(Forbidden):
        await hub.desk.hand_back(hub.other_agent, conversation)
    await hub.desk.hand_back(hub.agent, conversation)
    assert await hub.state(conversation) is ConversationState.BOT
    assert hub.platform.texts()[-1] == (
        "The officer has passed you back to the automatic assistant. Just type if you need anything else."
    )
    handoff = await hub.store.latest_handoff(conversation)
    assert handoff is not None and (handoff.outcome, handoff.agent_id) == (HandoffOutcome.HANDED_BACK, hub.agent.id)


async def test_supervisors_reassign(hub: Hub) -> None:
    _, conversation = await hub.waiting("moved")
    await hub.desk.claim(hub.agent, conversation)
    with pytest.raises(Forbidden):
        await hub.desk.reassign(hub.agent, conversation, {"agent_id": hub.other_agent.id})
    with pytest.raises(NotFound):
        await hub.desk.reassign(hub.supervisor, conversation, {"agent_id": "0" * 32})
    with pytest.raises(InvalidField, match="agent_id"):
        await hub.desk.reassign(hub.supervisor, conversation, {})
    item = await hub.desk.reassign(hub.supervisor, conversation, {"agent_id": hub.other_agent.id})
    assert item.assigned_agent == hub.other_agent
    with pytest.raises(Forbidden):  # the former owner is no longer the owner
        await hub.desk.reply(hub.agent, conversation, {"text": "x"})


async def test_canned_replies_are_kept_by_supervisors(hub: Hub) -> None:
    body = {"title": "ทักทาย", "language": "th", "text": "สวัสดีค่ะ ยินดีให้บริการ"}
    with pytest.raises(Forbidden):
        await hub.desk.add_canned_reply(hub.agent, body)
    with pytest.raises(Forbidden):  # refused as forbidden before the body is even read
        await hub.desk.add_canned_reply(hub.agent, {"title": ""})
    with pytest.raises(InvalidField, match="language"):
        await hub.desk.add_canned_reply(hub.supervisor, {**body, "language": "fr"})
    reply = await hub.desk.add_canned_reply(hub.supervisor, body)
    assert await hub.desk.canned_replies() == [reply]
    updated = await hub.desk.update_canned_reply(hub.supervisor, reply.id, {**body, "text": "สวัสดีค่ะ"})
    assert updated.text == "สวัสดีค่ะ"
    with pytest.raises(Forbidden):
        await hub.desk.delete_canned_reply(hub.agent, reply.id)
    await hub.desk.delete_canned_reply(hub.supervisor, reply.id)
    with pytest.raises(NotFound):
        await hub.desk.delete_canned_reply(hub.supervisor, reply.id)
