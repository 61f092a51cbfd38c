"""The complaint form's actions: the summary, filing through the hub's internal API
(a recording HTTP server on loopback stands in for the hub; the hub's own tests
cover its side of the API) and clearing the form afterwards."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.complaint import (
    COMPLAINT_SLOTS,
    AskComplaintConfirmed,
    CancelComplaint,
    ChangeAnswer,
    SubmitComplaint,
    ValidateComplaintForm,
)
from actions.feedback import ValidateFeedbackForm
from tests.actions.trackers import parse, tracker, typed

SECRET = "a-test-secret-of-at-least-16-chars"
PHOTOS = ["0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"]
FORM = {
    "complaint_category": "road",
    "complaint_description": "หลุมลึกมาก",
    "complaint_location": "ถนนสุขุมวิท แขวงคลองเตย",
    "complaint_phone": "081-234-5678",
}
CLEARED = [SlotSet(slot, None) for slot in COMPLAINT_SLOTS]


class HubStandIn:
    """POST /internal/tickets as the README documents it; records every request."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.status = 201

    async def create_ticket(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append({"authorization": request.headers.get("Authorization"), "body": body})
        if self.status != 201:
            return web.json_response({"error": "unavailable"}, status=self.status)
        return web.json_response(
            {
                "reference": "2026-K7MX-3QH9",
                "status": "received",
                "category": body["category"],
                "created_at": "2026-11-21T06:05:00+00:00",
                "updated_at": "2026-11-21T06:05:00+00:00",
            },
            status=201,
        )


@pytest.fixture
async def hub(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[HubStandIn]:
    stand_in = HubStandIn()
    app = web.Application()
    app.router.add_post("/internal/tickets", stand_in.create_ticket)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    monkeypatch.setenv("HUB_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("HUB_INTERNAL_SECRET", SECRET)
    yield stand_in
    await runner.cleanup()


async def run(action: Any, latest_message: dict[str, Any], **tracker_arguments: Any) -> tuple[list[Any], list[Any]]:
    """What the action says (texts, and the custom payload of a message without text) and its events."""
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker(latest_message, **tracker_arguments), {})
    return [message["text"] or message["custom"] for message in dispatcher.messages], events


CONFIRMED = parse("/affirm")


async def test_the_summary_counts_the_photos_and_says_a_map_location_is_attached() -> None:
    texts, _ = await run(
        AskComplaintConfirmed(),
        typed("ข้าม", "skip"),
        **FORM,
        complaint_photos=PHOTOS,
        complaint_latitude=13.7563,
        complaint_longitude=100.5018,
    )
    assert texts == [
        "กรุณาตรวจสอบข้อมูลค่ะ\nประเภท: ถนน ทางเท้า\nรายละเอียด: หลุมลึกมาก\nสถานที่: ถนนสุขุมวิท แขวงคลองเตย"
        "\nรูปภาพ: 2 รูป\nแผนที่: แนบตำแหน่งบนแผนที่แล้ว\nเบอร์ติดต่อ: 081-234-5678\nข้อมูลถูกต้องไหมคะ"
    ]
    texts, _ = await run(
        AskComplaintConfirmed(), typed("skip", "skip"), language="en", **FORM, complaint_photos=PHOTOS[:1]
    )
    assert texts == [
        "Please check your report:\nCategory: Road or pavement\nDescription: หลุมลึกมาก\nLocation: ถนนสุขุมวิท แขวงคลองเตย"
        "\nPhotos: 1\nPhone: 081-234-5678\nIs this correct?"
    ]


async def test_without_photos_or_map_the_summary_has_no_such_lines() -> None:
    texts, _ = await run(
        AskComplaintConfirmed(), typed("skip", "skip"), language="en", **{**FORM, "complaint_phone": "skipped"}
    )
    assert texts == [
        "Please check your report:\nCategory: Road or pavement\nDescription: หลุมลึกมาก\nLocation: ถนนสุขุมวิท แขวงคลองเตย"
        "\nPhone: -\nIs this correct?"
    ]


async def test_photos_and_coordinates_are_filed_with_the_ticket(hub: HubStandIn) -> None:
    texts, events = await run(
        SubmitComplaint(),
        CONFIRMED,
        **FORM,
        complaint_confirmed=True,
        complaint_photos=PHOTOS,
        complaint_latitude=13.7563,
        complaint_longitude=100.5018,
    )
    assert hub.requests == [
        {
            "authorization": f"Bearer {SECRET}",
            "body": {
                "conversation_id": "3f9c1e2a5b7d4c6e8f0a1b2c3d4e5f60",
                "category": "road",
                "description": "หลุมลึกมาก",
                "location": "ถนนสุขุมวิท แขวงคลองเตย",
                "phone": "081-234-5678",
                "photos": PHOTOS,
                "coordinates": {"latitude": 13.7563, "longitude": 100.5018},
            },
        }
    ]
    assert texts == [
        "รับเรื่องเรียบร้อยแล้วค่ะ เลขที่เรื่องของท่านคือ 2026-K7MX-3QH9 (แจ้งเมื่อ 21 พฤศจิกายน 2569 เวลา 13:05 น.)"
        " ติดตามสถานะได้โดยพิมพ์ ติดตามเรื่อง 2026-K7MX-3QH9",
        {"csat": {"ticket": "2026-K7MX-3QH9"}},  # the hub then asks for a rating
    ]
    assert events == CLEARED


async def test_a_misconduct_complaint_is_handed_to_supervisors_at_once(hub: HubStandIn) -> None:
    form = {**FORM, "complaint_category": "misconduct", "complaint_description": "เจ้าหน้าที่เรียกเงินใต้โต๊ะ"}
    said, events = await run(SubmitComplaint(), CONFIRMED, **form, complaint_confirmed=True)
    assert said[1] == {
        "handoff": {
            "reason": "sensitive_category",  # the hub queues it at high priority, for supervisors only
            "summary": {
                "language": "th",
                "recent_intents": [],
                "complaint": {**form, "complaint_confirmed": True},
                "ticket": "2026-K7MX-3QH9",
            },
        }
    }
    assert len(said) == 2  # no rating request: the conversation goes to an officer
    assert events == CLEARED


async def test_without_photos_or_map_the_fields_are_empty_and_null(hub: HubStandIn) -> None:
    await run(SubmitComplaint(), CONFIRMED, **{**FORM, "complaint_phone": "skipped"}, complaint_confirmed=True)
    [request] = hub.requests
    assert request["body"]["phone"] is None
    assert request["body"]["photos"] == []
    assert request["body"]["coordinates"] is None


async def test_when_the_hub_fails_nothing_is_filed_and_the_form_is_cleared(hub: HubStandIn) -> None:
    hub.status = 503
    texts, events = await run(
        SubmitComplaint(), CONFIRMED, language="en", **FORM, complaint_confirmed=True, complaint_photos=PHOTOS
    )
    assert len(hub.requests) == 1
    assert texts == [
        "Sorry, the case system is not available right now and your report has not been filed yet."
        " Please try again later."
    ]
    assert events == CLEARED


async def test_declining_at_the_summary_files_nothing_and_clears_photos_and_map(hub: HubStandIn) -> None:
    texts, events = await run(
        SubmitComplaint(),
        parse("/deny"),
        **FORM,
        complaint_confirmed=False,
        complaint_photos=PHOTOS,
        complaint_latitude=13.7563,
        complaint_longitude=100.5018,
    )
    assert hub.requests == []
    assert texts == ["ยกเลิกการแจ้งเรื่องแล้วค่ะ ไม่มีการบันทึกเรื่องใด ๆ หากต้องการแจ้งใหม่ พิมพ์ แจ้งปัญหา ได้เลยค่ะ"]
    assert events == CLEARED


async def test_cancelling_clears_photos_and_map_too() -> None:
    _, events = await run(CancelComplaint(), typed("ยกเลิก", "cancel"), complaint_photos=PHOTOS)
    assert events == [ActiveLoop(None), SlotSet("requested_slot", None), *CLEARED]


async def test_correcting_the_location_drops_the_shared_map_location() -> None:
    message = parse('/change_answer{"complaint_field": "complaint_location"}')
    _, events = await run(ChangeAnswer(), message, complaint_latitude=13.7563, complaint_longitude=100.5018)
    assert events == [
        SlotSet("complaint_location", None),
        SlotSet("complaint_latitude", None),
        SlotSet("complaint_longitude", None),
        SlotSet("complaint_confirmed", None),
    ]
    _, events = await run(ChangeAnswer(), parse('/change_answer{"complaint_field": "complaint_phone"}'))
    assert events == [SlotSet("complaint_phone", None), SlotSet("complaint_confirmed", None)]


async def test_an_answer_longer_than_the_hub_keeps_is_asked_again() -> None:
    form = ValidateComplaintForm()
    dispatcher = CollectingDispatcher()
    message = typed("ก" * 2001, "nlu_fallback")
    assert await form.validate_complaint_description("ก" * 2001, dispatcher, tracker(message), {}) == {
        "complaint_description": None
    }
    assert await form.validate_complaint_location(" x" * 300, dispatcher, tracker(message, language="en"), {}) == {
        "complaint_location": None
    }
    assert [m["text"] for m in dispatcher.messages] == [
        "ข้อความยาว 2,001 ตัวอักษร เกินที่รับได้ (2,000 ตัวอักษร) กรุณาพิมพ์ให้สั้นลงค่ะ",
        "That is 599 characters, more than the 500 I can take. Please make it shorter.",
    ]
    exactly = "ก" * 2000
    assert await form.validate_complaint_description(f" {exactly} ", dispatcher, tracker(message), {}) == {
        "complaint_description": exactly
    }
    assert len(dispatcher.messages) == 2


async def test_feedback_longer_than_the_hub_keeps_is_asked_again() -> None:
    dispatcher = CollectingDispatcher()
    message = typed("a" * 2001, "give_feedback")
    validated = await ValidateFeedbackForm().validate_feedback_text("a" * 2001, dispatcher, tracker(message), {})
    assert validated == {"feedback_text": None}
    assert [m["text"] for m in dispatcher.messages] == [
        "ข้อความยาว 2,001 ตัวอักษร เกินที่รับได้ (2,000 ตัวอักษร) กรุณาพิมพ์ให้สั้นลงค่ะ"
    ]
