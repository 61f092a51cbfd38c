"""Handing off: the bot's signal, the queue, what the citizen is told, the ticket from the queue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hub.domain.agents import Agent, Role
from hub.domain.content import office_hours
from hub.domain.conversations import Button, ConversationState, Location, Message, MessageKind, MessageStatus, Sender
from hub.domain.handoff import (
    CANCEL_PAYLOAD,
    FILE_CASE_PAYLOAD,
    KEEP_WAITING_PAYLOAD,
    TRANSITIONS,
    HandoffRequest,
    Priority,
    QueueItem,
    Transition,
    WaitingChoice,
    queue_order,
    queue_position,
    ticket_from_handoff,
    ticket_offer,
    waiting_choice,
    waiting_notice,
)
from hub.domain.tickets import Coordinates

BANGKOK = ZoneInfo("Asia/Bangkok")
START = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # Tuesday 09:00 in Bangkok
AGENT = Agent("a1", "somchai@example.go.th", "Somchai", Role.AGENT)
OTHER_AGENT = Agent("a2", "malee@example.go.th", "Malee", Role.AGENT)
SUPERVISOR = Agent("s1", "boss@example.go.th", "Boss", Role.SUPERVISOR)


def item(
    conversation_id: str,
    minutes: int,
    priority: Priority = Priority.NORMAL,
    state: ConversationState = ConversationState.WAITING,
    owner: Agent | None = None,
) -> QueueItem:
    return QueueItem(
        conversation_id,
        "webchat",
        "th",
        None,
        priority,
        "sensitive_category" if priority is Priority.HIGH else "citizen_request",
        START + timedelta(minutes=minutes),
        state,
        owner,
    )


def test_the_handoff_signal_and_its_priority() -> None:
    request = HandoffRequest.from_custom_payload(
        {"handoff": {"reason": "sensitive_category", "summary": {"complaint": {"complaint_category": "misconduct"}}}}
    )
    assert request == HandoffRequest("sensitive_category", {"complaint": {"complaint_category": "misconduct"}})
    assert request.priority is Priority.HIGH
    assert HandoffRequest("citizen_request").priority is Priority.NORMAL
    assert HandoffRequest("repeated_fallback").priority is Priority.NORMAL
    assert HandoffRequest.from_custom_payload({"handoff": {"reason": "bored"}}) is None
    assert HandoffRequest.from_custom_payload({"csat": {"ticket": "2026-AAAA-BBBB"}}) is None
    assert HandoffRequest.from_custom_payload(None) is None


def test_high_priority_first_then_the_longest_waiting() -> None:
    items = [item("c", 5), item("a", 1), item("h2", 9, Priority.HIGH), item("b", 3), item("h1", 7, Priority.HIGH)]
    assert [queued.conversation_id for queued in queue_order(items)] == ["h1", "h2", "a", "b", "c"]


def test_the_queue_position_counts_only_conversations_still_waiting() -> None:
    items = [
        item("claimed", 0, state=ConversationState.AGENT, owner=AGENT),
        item("first", 2),
        item("urgent", 4, Priority.HIGH),
        item("me", 3),
    ]
    assert queue_position(items, "urgent") == 1
    assert queue_position(items, "first") == 2
    assert queue_position(items, "me") == 3
    assert queue_position(items, "claimed") is None


def test_sensitive_conversations_are_for_supervisors_and_their_owner() -> None:
    sensitive = item("s", 0, Priority.HIGH)
    assert not sensitive.visible_to(AGENT)
    assert sensitive.visible_to(SUPERVISOR)
    assert sensitive.visible_to(Agent("x", "root@example.go.th", "Admin", Role.ADMIN))
    owned = item("s", 0, Priority.HIGH, ConversationState.AGENT, AGENT)
    assert owned.visible_to(AGENT) and not owned.visible_to(OTHER_AGENT)
    assert item("n", 0).visible_to(AGENT)


def test_transitions_leave_only_from_the_right_states() -> None:
    assert TRANSITIONS[Transition.CLAIM] == (frozenset({ConversationState.WAITING}), ConversationState.AGENT)
    assert TRANSITIONS[Transition.RESOLVE] == (frozenset({ConversationState.AGENT}), ConversationState.CLOSED)
    assert TRANSITIONS[Transition.CANCEL][1] is ConversationState.BOT
    assert TRANSITIONS[Transition.HAND_BACK][0] == frozenset({ConversationState.AGENT})


def test_during_office_hours_the_citizen_hears_their_place_in_the_queue() -> None:
    notice = waiting_notice("en", START, office_hours(), 3)
    assert notice.text == (
        "An officer will answer you in this chat soon. You are number 3 in the queue. While you wait, "
        "you can type details or send photos. To stop waiting, type cancel."
    )
    assert notice.buttons == (Button("Stop waiting", CANCEL_PAYLOAD),)
    thai = waiting_notice("th", START, office_hours(), 1)
    assert "ท่านอยู่ลำดับที่ 1 ในคิว" in thai.text
    assert thai.buttons == (Button("ยกเลิกการรอ", CANCEL_PAYLOAD),)


def test_outside_office_hours_the_citizen_hears_when_the_office_opens() -> None:
    friday_evening = datetime(2026, 11, 27, 18, 0, tzinfo=BANGKOK)
    assert waiting_notice("th", friday_evening, office_hours(), 4).text == (
        "ขณะนี้อยู่นอกเวลาทำการค่ะ เจ้าหน้าที่จะตอบในแชทนี้เมื่อสำนักงานเปิด วันจันทร์ที่ 30 พฤศจิกายน 2569 "
        "เวลา 08:30 น. ระหว่างรอ พิมพ์รายละเอียดหรือส่งรูปภาพไว้ได้เลย หากไม่ต้องการรอ พิมพ์ ยกเลิก"
    )
    assert (
        "when it opens: Monday 30 November 2026 at 08:30."
        in waiting_notice("en", friday_evening, office_hours(), 4).text
    )


def test_what_a_waiting_citizens_message_means() -> None:
    assert waiting_choice("ยกเลิก", None, ticket_offered=False) is WaitingChoice.CANCEL
    assert waiting_choice("ยกเลิกค่ะ", None, ticket_offered=False) is WaitingChoice.CANCEL
    assert waiting_choice("Cancel.", None, ticket_offered=True) is WaitingChoice.CANCEL
    assert waiting_choice("Stop waiting", CANCEL_PAYLOAD, ticket_offered=False) is WaitingChoice.CANCEL
    assert waiting_choice("please cancel my request", None, ticket_offered=False) is WaitingChoice.NONE
    # yes and no mean something only once the ticket was offered
    assert waiting_choice("yes", None, ticket_offered=False) is WaitingChoice.NONE
    assert waiting_choice("ใช่ค่ะ", None, ticket_offered=True) is WaitingChoice.FILE_CASE
    assert waiting_choice("x", FILE_CASE_PAYLOAD, ticket_offered=True) is WaitingChoice.FILE_CASE
    assert waiting_choice("No", None, ticket_offered=True) is WaitingChoice.KEEP_WAITING
    assert waiting_choice("x", KEEP_WAITING_PAYLOAD, ticket_offered=True) is WaitingChoice.KEEP_WAITING
    assert waiting_choice("the pothole is 2 m wide", None, ticket_offered=True) is WaitingChoice.NONE


def test_the_ticket_offer_has_yes_and_no_buttons() -> None:
    offer = ticket_offer("th")
    assert offer.buttons == (Button("บันทึกเรื่อง", FILE_CASE_PAYLOAD), Button("รอต่อ", KEEP_WAITING_PAYLOAD))


def citizen(text: str, *, payload: str | None = None, **extra: object) -> Message:
    return Message("m", "c1", Sender.CITIZEN, text, "th", START, MessageStatus.RECEIVED, payload=payload, **extra)  # type: ignore[arg-type]


def test_a_ticket_from_the_queue_uses_the_bots_summary_and_the_citizens_words() -> None:
    summary = {
        "complaint": {
            "complaint_category": "streetlight",
            "complaint_location": "ซอย 5",
            "complaint_phone": "0812345678",
        }
    }
    messages = [
        citizen("คุยกับเจ้าหน้าที่", payload="/request_human"),
        Message("b", "c1", Sender.BOT, "รับทราบค่ะ", "th", START, MessageStatus.SENT),
        citizen("ไฟดับทั้งซอยมาสามวันแล้ว"),
        citizen("", kind=MessageKind.PHOTO, media_id="photo1"),
        citizen("ใช่"),  # the answer to the ticket offer is not part of the story
    ]
    ticket = ticket_from_handoff("c1", summary, messages)
    assert ticket.category == "streetlight"
    assert ticket.description == "ไฟดับทั้งซอยมาสามวันแล้ว"
    assert ticket.location == "ซอย 5"
    assert ticket.phone == "081-234-5678"
    assert ticket.photos == ("photo1",)
    assert ticket.coordinates is None


def test_without_a_summary_the_ticket_is_other_and_says_what_is_missing() -> None:
    ticket = ticket_from_handoff("c1", {}, [citizen("talk to a human", payload="/request_human")])
    assert ticket.category == "other"
    assert (
        ticket.description
        == "ผู้ติดต่อขอคุยกับเจ้าหน้าที่ โดยไม่ได้พิมพ์รายละเอียด / The citizen asked for an officer without typing any details"
    )
    assert ticket.location == "ไม่ได้ระบุสถานที่ / Location not given"
    assert ticket.phone is None


def test_a_shared_location_becomes_the_place_and_the_coordinates() -> None:
    shared = citizen("", kind=MessageKind.LOCATION, location=Location(13.75, 100.5, "Sukhumvit 11"))
    ticket = ticket_from_handoff(
        "c1", {"complaint": {"complaint_category": "nonsense"}}, [citizen("flooded street"), shared]
    )
    assert ticket.category == "other"
    assert ticket.location == "Sukhumvit 11"
    assert ticket.coordinates == Coordinates(13.75, 100.5)
    assert ticket.description == "flooded street"
