"""The router with a real store while the bot is out of reach (a closed port): whatever a
waiting citizen sends never goes to the bot, and answers to the hub's own questions are the hub's."""

from __future__ import annotations

import shutil
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from hub.bot_client import BotClient
from hub.domain.agents import Role
from hub.domain.content import hub_messages, office_hours
from hub.domain.conversations import (
    ConversationState,
    InboundMessage,
    Location,
    MessageKind,
    MessageStatus,
    Photo,
    Sender,
)
from hub.domain.csat import SurveyStep
from hub.domain.handoff import HandoffRequest, Transition
from hub.handoffs import Handoffs
from hub.inbox import Router
from hub.live import LiveEvents, MessageStored
from hub.outbox import Outbox, RetryPolicy
from hub.satisfaction import Satisfaction
from hub.store import Store
from hub.store.tables import utc_now
from tests.hub.recording import RecordingPlatform
from tests.integration.stack import migrate

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # nothing listens once the socket is closed


@dataclass
class Hub:
    store: Store
    platform: RecordingPlatform
    events: LiveEvents
    router: Router
    handoffs: Handoffs
    satisfaction: Satisfaction

    def inbound(self, text: str = "", **fields: object) -> InboundMessage:
        return InboundMessage("webchat", "citizen", text, **fields)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("router") / "migrated.db"
    migrate(f"sqlite:///{path}")
    return path


@pytest.fixture
async def hub(migrated: Path, tmp_path: Path) -> AsyncIterator[Hub]:
    shutil.copy(migrated, tmp_path / "router.db")
    store = Store(f"sqlite:///{tmp_path / 'router.db'}")
    platform = RecordingPlatform()
    events = LiveEvents()
    outbox = Outbox(store, {"webchat": platform}, RetryPolicy(attempts=1), events)
    satisfaction = Satisfaction(store, outbox)
    handoffs = Handoffs(store, outbox, events, office_hours(), timedelta(minutes=10))
    bot = BotClient(f"http://127.0.0.1:{closed_port()}", timeout_seconds=2)
    router = Router(store, bot, {"webchat": platform}, outbox, handoffs, satisfaction, events)
    yield Hub(store, platform, events, router, handoffs, satisfaction)
    await bot.close()
    await store.close()


async def waiting_conversation(hub: Hub) -> str:
    identity = await hub.store.identify("webchat", "citizen", "th")
    conversation = await hub.store.open_conversation(identity, "th")
    await hub.handoffs.begin(identity, conversation.id, HandoffRequest("citizen_request"), "th")
    return conversation.id


async def test_nothing_a_waiting_citizen_sends_goes_to_the_bot(hub: Hub) -> None:
    conversation = await waiting_conversation(hub)
    delivered_before = len(hub.platform.delivered)
    with hub.events.subscribe() as events:
        await hub.router.receive(hub.inbound("ถนนพังค่ะ"))
        await hub.router.receive(hub.inbound(kind=MessageKind.PHOTO, photo=Photo(PNG, "image/png")))
        await hub.router.receive(hub.inbound(kind=MessageKind.LOCATION, location=Location(13.75, 100.5, "ซอย 5")))
        await hub.router.receive(hub.inbound(kind=MessageKind.STICKER))
        live = [events.get_nowait() for _ in range(events.qsize())]
    stored = [m for m in await hub.store.messages(conversation) if m.sender is Sender.CITIZEN]
    assert [(m.kind, m.status) for m in stored] == [
        (MessageKind.TEXT, MessageStatus.RECEIVED),
        (MessageKind.PHOTO, MessageStatus.RECEIVED),
        (MessageKind.LOCATION, MessageStatus.RECEIVED),
        (MessageKind.STICKER, MessageStatus.RECEIVED),
    ]  # had the bot been asked, they would be bot_unavailable, with an apology
    assert len(hub.platform.delivered) == delivered_before  # no answer: the officers will answer
    assert [event.message for event in live if isinstance(event, MessageStored)] == stored  # live in the console

    await hub.router.receive(hub.inbound(kind=MessageKind.UNSUPPORTED))  # officers could not open it either
    assert hub.platform.texts()[-1] == hub_messages()["replies.unsupported"].th


async def test_a_rating_and_a_comment_are_the_hubs_and_other_words_go_on(hub: Hub) -> None:
    identity = await hub.store.identify("webchat", "citizen", "th")
    conversation = await hub.store.open_conversation(identity, "th")
    await hub.satisfaction.ask(identity, conversation.id, "th", ticket_reference="2026-AAAA-BBBB")
    await hub.router.receive(hub.inbound("๔"))
    assert hub.platform.texts()[-1] == hub_messages()["csat.ask_comment"].th
    await hub.router.receive(hub.inbound("ขอบคุณค่ะ รวดเร็วดี"))
    assert hub.platform.texts()[-1] == hub_messages()["csat.thanks"].th
    survey_rows = await hub.store.report_records(conversation.created_at, conversation.created_at + timedelta(days=1))
    assert [(record.rating, record.agent_id) for record in survey_rows[1]] == [(4, None)]
    assert await hub.store.pending_survey(identity.id) is None

    # A new question, answered with something else: the citizen moved on.
    await hub.satisfaction.ask(identity, conversation.id, "th", ticket_reference="2026-AAAA-BBBB")
    await hub.router.receive(hub.inbound("อยากแจ้งเรื่องใหม่ค่ะ"))
    assert await hub.store.pending_survey(identity.id) is None
    [last] = [m for m in await hub.store.messages(conversation.id) if m.text == "อยากแจ้งเรื่องใหม่ค่ะ"]
    assert last.status is MessageStatus.BOT_UNAVAILABLE  # it went to the bot (out of reach here)

    # A rating button pressed after the question is over is not passed to the bot either.
    await hub.router.receive(hub.inbound("4", payload="hub:csat:4"))
    assert hub.platform.texts()[-1] == hub_messages()["replies.expired_button"].th


async def test_after_resolving_the_next_message_opens_a_new_conversation(hub: Hub) -> None:
    conversation = await waiting_conversation(hub)
    agent = await hub.store.create_agent("somchai@example.go.th", "Somchai", Role.AGENT, "hash")
    assert await hub.store.transition(conversation, Transition.CLAIM, utc_now(), agent_id=agent.id)
    assert await hub.store.transition(conversation, Transition.RESOLVE, utc_now(), owner_id=agent.id)
    identity = await hub.store.identity_of(conversation)
    await hub.satisfaction.ask(identity, conversation, "en", agent_id=agent.id)
    await hub.router.receive(hub.inbound("5"))
    await hub.router.receive(hub.inbound("skip"))
    rated = [m.text for m in await hub.store.messages(conversation) if m.sender is Sender.CITIZEN]
    assert rated[-2:] == ["5", "skip"]  # the answers belong to the resolved conversation
    async with hub.store.engine.connect() as connection:
        steps = (await connection.execute(text("SELECT step, rating, comment FROM csat_surveys"))).all()
    assert [tuple(row) for row in steps] == [(SurveyStep.DONE, 5, None)]
    await hub.router.receive(hub.inbound("hello again"))
    opened = await hub.store.find_open_conversation(identity)
    assert opened is not None and opened.id != conversation and opened.state is ConversationState.BOT
