"""A citizen in the web chat asks for an officer; an agent answers from the console;
the citizen rates the service. Real Rasa, real hub, real databases, the console's real API."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from hub.domain.content import hub_messages
from tests.integration.console import (
    Console,
    conversation_of,
    expected_waiting_notice,
    in_queue,
    rasa_user_texts,
)
from tests.integration.stack import Chat, Stack
from tests.integration.test_conversation_skills import REFERENCE, file_complaint

BANGKOK = ZoneInfo("Asia/Bangkok")


def message_about(conversation_id: str, **fields: object) -> object:
    return lambda event: (
        event["type"] == "message"
        and event["conversation_id"] == conversation_id
        and all(event["message"].get(key) == value for key, value in fields.items())
    )


async def test_a_waiting_citizen_talks_to_officers_not_the_bot_and_can_cancel(stack: Stack, chat: Chat) -> None:
    answers = await chat.say("ขอคุยกับเจ้าหน้าที่ค่ะ")
    conversation = conversation_of(stack, answers[0]["id"])
    assert [answer["sender"] for answer in answers] == ["bot", "system"]
    notice = expected_waiting_notice(stack, conversation, "th")
    assert {"text": answers[-1]["text"], "buttons": answers[-1]["buttons"]} == notice
    [row] = stack.rows(
        "SELECT c.state, h.reason, h.priority FROM conversations c"
        " JOIN handoff_requests h ON h.conversation_id = c.id WHERE c.id = :c",
        c=conversation,
    )
    assert row == {"state": "waiting", "reason": "citizen_request", "priority": "normal"}
    heard = rasa_user_texts(stack, conversation)
    assert heard[-1] == "ขอคุยกับเจ้าหน้าที่ค่ะ"

    # While waiting, messages (even ones the bot would act on) are for the officers only.
    await chat.send("ถนนหน้าบ้านเป็นหลุมใหญ่ค่ะ")
    await chat.send("แจ้งปัญหา")
    await chat.send("ยกเลิก")
    [cancelled] = await chat.next_messages(1)  # the first answer since the handoff
    assert cancelled["text"] == hub_messages()["handoff.cancelled"].th
    assert rasa_user_texts(stack, conversation) == heard
    stored = stack.rows(
        "SELECT text, status FROM messages WHERE conversation_id = :c AND sender = 'citizen' ORDER BY created_at",
        c=conversation,
    )
    assert stored[-3:] == [
        {"text": "ถนนหน้าบ้านเป็นหลุมใหญ่ค่ะ", "status": "received"},
        {"text": "แจ้งปัญหา", "status": "received"},
        {"text": "ยกเลิก", "status": "received"},
    ]
    [row] = stack.rows(
        "SELECT c.state, h.outcome FROM conversations c JOIN handoff_requests h ON h.conversation_id = c.id"
        " WHERE c.id = :c",
        c=conversation,
    )
    assert row == {"state": "bot", "outcome": "cancelled"}

    # Back with the bot: it hears the citizen again.
    answers = await chat.say("สวัสดีค่ะ")
    assert answers and answers[0]["sender"] == "bot"
    assert rasa_user_texts(stack, conversation)[-1] == "สวัสดีค่ะ"


async def test_an_agent_answers_from_the_console_and_the_citizen_rates_it(stack: Stack, chat: Chat) -> None:
    agent = await Console.signed_in(stack, "agent")
    supervisor = await Console.signed_in(stack, "supervisor")
    live = await agent.live()
    try:
        await live.next(lambda event: event["type"] == "queue")  # the queue, on connecting

        answers = await chat.say("i want to talk to a real person")
        conversation = conversation_of(stack, answers[0]["id"])
        arrived = await live.next(in_queue(conversation))  # live, without reloading
        [item] = [item for item in arrived["waiting"] if item["conversation_id"] == conversation]
        assert {key: item[key] for key in ("channel", "language", "priority", "handoff_reason", "state")} == {
            "channel": "webchat",
            "language": "en",
            "priority": "normal",
            "handoff_reason": "citizen_request",
            "state": "waiting",
        }
        assert item["assigned_agent"] is None and item["waited_seconds"] >= 0

        claimed = await agent.post(f"/console/api/conversations/{conversation}/claim")
        assert claimed.status_code == 200, claimed.text
        assert (claimed.json()["state"], claimed.json()["assigned_agent"]) == ("agent", agent.agent)
        await live.next(in_queue(conversation, "mine"))
        [told] = await chat.next_messages(1)
        assert told["text"] == "An officer has picked up your conversation."

        replied = await agent.post(
            f"/console/api/conversations/{conversation}/reply",
            {"text": "Hello, this is the municipality. How can I help?"},
        )
        assert replied.status_code == 201, replied.text
        reply = replied.json()
        assert (reply["sender"], reply["agent"], reply["status"]) == ("agent", agent.agent, "pending")
        [seen] = await chat.next_messages(1)
        assert (seen["sender"], seen["text"]) == ("agent", "Hello, this is the municipality. How can I help?")
        await live.next(message_about(conversation, id=reply["id"], status="sent"))

        await chat.send("The streetlight on Soi 7 has been out for a week")
        await live.next(
            message_about(conversation, sender="citizen", text="The streetlight on Soi 7 has been out for a week")
        )
        noted = await agent.post(
            f"/console/api/conversations/{conversation}/notes", {"text": "Ask the electricity team"}
        )
        assert noted.status_code == 201 and noted.json()["agent"] == agent.agent

        detail = (await agent.get(f"/console/api/conversations/{conversation}")).json()
        assert detail["conversation"]["state"] == "agent"
        assert detail["conversation"]["assigned_agent"] == agent.agent
        assert "request_human" in detail["conversation"]["summary"]["recent_intents"]
        senders = [message["sender"] for message in detail["messages"]]
        assert senders[:3] == ["citizen", "bot", "system"]  # the bot's part of the conversation too
        [agent_reply] = [message for message in detail["messages"] if message["sender"] == "agent"]
        assert (agent_reply["status"], agent_reply["agent"]) == ("sent", agent.agent)
        assert [note["text"] for note in detail["notes"]] == ["Ask the electricity team"]
        assert (detail["ticket"], detail["phone"], detail["other_conversations"]) == (None, None, [])

        resolved = await agent.post(f"/console/api/conversations/{conversation}/resolve")
        assert resolved.status_code == 200, resolved.text
        [question] = await chat.next_messages(1)
        assert question["text"] == hub_messages()["csat.question_resolved"].en
        assert [button["title"] for button in question["buttons"]] == ["1", "2", "3", "4", "5"]
        four = next(button for button in question["buttons"] if button["title"] == "4")
        await chat.send("4", payload=four["payload"])
        [ask_comment] = await chat.next_messages(1)
        assert ask_comment["text"] == hub_messages()["csat.ask_comment"].en
        await chat.send("Quick and friendly, thank you")
        [thanks] = await chat.next_messages(1)
        assert thanks["text"] == hub_messages()["csat.thanks"].en

        [rating] = stack.rows(
            "SELECT rating, comment, agent_id, channel, step FROM csat_surveys WHERE conversation_id = :c",
            c=conversation,
        )
        assert rating == {
            "rating": 4,
            "comment": "Quick and friendly, thank you",
            "agent_id": agent.agent["id"],
            "channel": "webchat",
            "step": "done",
        }

        today = datetime.now(BANGKOK).date().isoformat()
        report = (await supervisor.get("/console/api/reports", **{"from": today, "to": today})).json()
        [figures] = [row for row in report["per_agent"] if row["agent"] == agent.agent]
        assert figures["csat"] == {
            "responses": 1,
            "average": 4.0,
            "distribution": {"1": 0, "2": 0, "3": 0, "4": 1, "5": 0},
        }
        assert figures["handoffs"] == 1
        assert (figures["first_response_seconds"]["count"], figures["resolution_seconds"]["count"]) == (1, 1)
        csv = (await supervisor.get("/console/api/reports.csv", **{"from": today, "to": today})).text
        assert any(line.startswith(f"agent,{agent.agent['email']},1,4.0,0,0,0,1,0,1,1,") for line in csv.splitlines())

        # The conversation is over: the citizen's next message starts a new one with the bot.
        answers = await chat.say("hello")
        assert answers and answers[0]["sender"] == "bot"
        assert conversation_of(stack, answers[0]["id"]) != conversation
    finally:
        await live.close()
        await agent.close()
        await supervisor.close()


async def test_two_agents_claim_at_once_and_exactly_one_wins(stack: Stack, chat: Chat) -> None:
    first, second = await Console.signed_in(stack, "agent"), await Console.signed_in(stack, "agent")
    try:
        answers = await chat.say("talk to a human")
        conversation = conversation_of(stack, answers[0]["id"])
        path = f"/console/api/conversations/{conversation}/claim"
        results = await asyncio.gather(first.post(path), second.post(path))
        assert sorted(result.status_code for result in results) == [200, 409]
        won, lost = sorted(results, key=lambda result: result.status_code)
        winner = first if results[0] is won else second
        assert won.json()["assigned_agent"] == winner.agent
        assert lost.json()["error"] == "already_claimed" and lost.json()["by"] == winner.agent
    finally:
        await first.close()
        await second.close()


async def test_the_citizen_rates_after_the_bot_files_a_ticket(stack: Stack, chat: Chat) -> None:
    reference = await file_complaint(chat)
    [survey] = stack.rows("SELECT step, agent_id FROM csat_surveys WHERE ticket_reference = :r", r=reference)
    assert survey == {"step": "rating", "agent_id": None}
    await chat.send("๕")  # typed, in Thai digits
    [ask_comment] = await chat.next_messages(1)
    assert ask_comment["text"] == hub_messages()["csat.ask_comment"].en
    await chat.send("skip")
    [thanks] = await chat.next_messages(1)
    assert thanks["text"] == hub_messages()["csat.thanks"].en
    [survey] = stack.rows(
        "SELECT rating, comment, step, channel FROM csat_surveys WHERE ticket_reference = :r", r=reference
    )
    assert survey == {"rating": 5, "comment": None, "step": "done", "channel": "webchat"}


async def test_nobody_claims_in_time_so_the_hub_files_a_ticket(impatient_stack: Stack) -> None:
    chat = await Chat.open(impatient_stack.websocket_url)
    try:
        answers = await chat.say("can I speak to an officer")
        conversation = conversation_of(impatient_stack, answers[0]["id"])
        assert answers[-1]["text"] == expected_waiting_notice(impatient_stack, conversation, "en")["text"]
        await chat.send("Nobody collected the bins on Soi 3 this week")
        [offer] = await chat.next_messages(1, timeout=30)  # after HANDOFF_TIMEOUT_MINUTES (3 s here)
        assert offer["text"] == hub_messages()["handoff.ticket_offer"].en
        assert [button["title"] for button in offer["buttons"]] == ["Yes, file a case", "No, keep waiting"]
        await chat.send("Yes, file a case", payload=offer["buttons"][0]["payload"])
        [filed] = await chat.next_messages(1)
        match = re.search(REFERENCE, filed["text"])
        assert match, filed["text"]
        assert filed["text"] == hub_messages()["handoff.ticket_filed"].en.format(reference=match.group(0))
        [ticket] = impatient_stack.rows(
            "SELECT category, description, location, conversation_id FROM tickets WHERE reference = :r",
            r=match.group(0),
        )
        assert ticket == {
            "category": "other",
            "description": "can I speak to an officer\nNobody collected the bins on Soi 3 this week",
            "location": "ไม่ได้ระบุสถานที่ / Location not given",
            "conversation_id": conversation,
        }
        [row] = impatient_stack.rows(
            "SELECT c.state, h.outcome FROM conversations c JOIN handoff_requests h ON h.conversation_id = c.id"
            " WHERE c.id = :c",
            c=conversation,
        )
        assert row == {"state": "bot", "outcome": "ticket_filed"}
    finally:
        await chat.close()


async def test_a_misconduct_complaint_waits_at_high_priority_for_supervisors_only(stack: Stack, chat: Chat) -> None:
    agent = await Console.signed_in(stack, "agent")
    supervisor = await Console.signed_in(stack, "supervisor")
    try:
        await chat.say("เจ้าหน้าที่เรียกเงินใต้โต๊ะค่ะ")
        await chat.say("เจ้าหน้าที่ช่องขออนุญาตก่อสร้างเรียกเงิน 500 บาทถึงจะรับเรื่อง")
        await chat.say("สำนักงานเขต ช่องบริการที่ 3")
        await chat.say("ข้าม")
        answers = await chat.say("ใช่ค่ะ")
        assert re.search(REFERENCE, answers[0]["text"]), answers
        conversation = conversation_of(stack, answers[0]["id"])
        assert answers[-1]["text"] == expected_waiting_notice(stack, conversation, "th")["text"]
        [request] = stack.rows("SELECT reason FROM handoff_requests WHERE conversation_id = :c", c=conversation)
        assert request == {"reason": "sensitive_category"}

        seen_by_supervisor = (await supervisor.get("/console/api/queue")).json()["waiting"]
        [item] = [item for item in seen_by_supervisor if item["conversation_id"] == conversation]
        assert (item["priority"], item["handoff_reason"], item["category"]) == (
            "high",
            "sensitive_category",
            "misconduct",
        )
        seen_by_agent = (await agent.get("/console/api/queue")).json()["waiting"]
        assert conversation not in [item["conversation_id"] for item in seen_by_agent]
    finally:
        await agent.close()
        await supervisor.close()
