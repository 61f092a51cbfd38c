"""The agent loop over the chat apps, through the fake LINE and Telegram APIs:
the citizen asks for an officer, an agent claims and replies from the console,
resolves, and the citizen rates the conversation with the app's own buttons."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any, TypeVar

from hub.domain.content import hub_messages
from tests.fakes.line_api import Delivery
from tests.integration.console import Console
from tests.integration.stack import Stack
from tests.integration.telegram_chat import TelegramChat
from tests.integration.test_line import LineCitizen

T = TypeVar("T")
AGENT_GREETING = "สวัสดีค่ะ เจ้าหน้าที่เทศบาลรับเรื่องแล้วค่ะ <ขอรายละเอียดเพิ่มเติม & ที่อยู่ค่ะ>"


def until(found: Callable[[], T | None], what: str, timeout: float = 60) -> T:
    deadline = time.monotonic() + timeout
    while (value := found()) is None:
        assert time.monotonic() < deadline, f"no {what} after {timeout:.0f} s"
        time.sleep(0.2)
    return value


def waiting_conversation(stack: Stack, channel: str, external_id: str) -> Callable[[], str | None]:
    def find() -> str | None:
        rows = stack.rows(
            "SELECT c.id FROM conversations c JOIN channel_identities i ON i.id = c.identity_id"
            " WHERE i.channel = :channel AND i.external_id = :external_id AND c.state = 'waiting'",
            channel=channel,
            external_id=external_id,
        )
        return str(rows[0]["id"]) if rows else None

    return find


def survey(stack: Stack, conversation: str) -> dict[str, Any]:
    [row] = stack.rows(
        "SELECT rating, comment, agent_id, channel, step FROM csat_surveys WHERE conversation_id = :c", c=conversation
    )
    return row


async def agent_takes_and_resolves(
    stack: Stack, agent: Console, conversation: str, reached: Callable[[], bool]
) -> None:
    """Claim, reply (``reached`` says when the citizen has the reply), resolve."""
    claimed = await agent.post(f"/console/api/conversations/{conversation}/claim")
    assert claimed.status_code == 200, claimed.text
    replied = await agent.post(f"/console/api/conversations/{conversation}/reply", {"text": AGENT_GREETING})
    assert replied.status_code == 201, replied.text
    until(lambda: True if reached() else None, "agent reply on the citizen's app")
    deadline = time.monotonic() + 30
    while True:  # the platform has the reply; the hub records it as sent a moment later
        detail = (await agent.get(f"/console/api/conversations/{conversation}")).json()
        [shown] = [message for message in detail["messages"] if message["sender"] == "agent"]
        if shown["status"] != "pending" or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.2)
    assert (shown["text"], shown["status"]) == (AGENT_GREETING, "sent")
    resolved = await agent.post(f"/console/api/conversations/{conversation}/resolve")
    assert resolved.status_code == 200, resolved.text


def line_delivery_with(citizen: LineCitizen, text: str) -> Callable[[], Delivery | None]:
    def find() -> Delivery | None:
        return next((delivery for delivery in citizen.fake.deliveries(citizen.user_id) if text in delivery.texts), None)

    return find


async def test_line_citizen_talks_to_an_agent_and_rates_with_quick_replies(stack: Stack) -> None:
    citizen = LineCitizen(stack)
    agent = await Console.signed_in(stack, "agent")
    try:
        citizen.send(citizen.fake.text_event(citizen.user_id, "ขอคุยกับเจ้าหน้าที่ค่ะ"))
        conversation = until(waiting_conversation(stack, "line", citizen.user_id), "conversation in the queue")
        await agent_takes_and_resolves(
            stack, agent, conversation, lambda: line_delivery_with(citizen, AGENT_GREETING)() is not None
        )

        question = until(line_delivery_with(citizen, hub_messages()["csat.question_resolved"].th), "rating question")
        items = question.messages[-1]["quickReply"]["items"]
        assert [item["action"]["label"] for item in items] == ["1", "2", "3", "4", "5"]
        citizen.send(citizen.fake.postback_event(citizen.user_id, items[3]["action"]["data"]))
        until(line_delivery_with(citizen, hub_messages()["csat.ask_comment"].th), "comment question")
        citizen.send(citizen.fake.text_event(citizen.user_id, "ตอบเร็ว สุภาพมากค่ะ"))
        until(line_delivery_with(citizen, hub_messages()["csat.thanks"].th), "thanks")

        assert survey(stack, conversation) == {
            "rating": 4,
            "comment": "ตอบเร็ว สุภาพมากค่ะ",
            "agent_id": agent.agent["id"],
            "channel": "line",
            "step": "done",
        }
    finally:
        await agent.close()


async def test_telegram_citizen_talks_to_an_agent_and_rates_with_an_inline_keyboard(stack: Stack) -> None:
    chat = TelegramChat.new(stack, language_code="en")
    agent = await Console.signed_in(stack, "agent")

    def telegram_message(text: str) -> Any:
        return next((message for message in chat.received() if message.text == text), None)

    try:
        chat.post(chat.citizen.text("I want to talk to a human"))
        conversation = until(waiting_conversation(stack, "telegram", chat.chat_id), "conversation in the queue")
        await agent_takes_and_resolves(stack, agent, conversation, lambda: telegram_message(AGENT_GREETING) is not None)

        question = until(lambda: telegram_message(hub_messages()["csat.question_resolved"].en), "rating question")
        assert [button["text"] for button in question.buttons] == ["1", "2", "3", "4", "5"]
        press = chat.citizen.press(question, "4")
        chat.post(press)
        until(lambda: telegram_message(hub_messages()["csat.ask_comment"].en), "comment question")
        assert chat.answered(press) == 1  # the button stopped spinning
        chat.post(chat.citizen.text("Fast & polite <3"))
        until(lambda: telegram_message(hub_messages()["csat.thanks"].en), "thanks")

        assert survey(stack, conversation) == {
            "rating": 4,
            "comment": "Fast & polite <3",
            "agent_id": agent.agent["id"],
            "channel": "telegram",
            "step": "done",
        }
    finally:
        await agent.close()
