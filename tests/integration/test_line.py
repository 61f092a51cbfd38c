"""Citizens on LINE: signed webhooks into the real hub, real Rasa and action
server, answers through line-bot-sdk to the fake LINE Messaging API."""

from __future__ import annotations

import json
import re
import secrets
import time
from typing import Any

import httpx

from channels.line.messages import encode_language_switch, encode_postback
from channels.line.rich_menu import load_layout, rich_menu_request
from channels.text import shorten
from hub.domain.content import categories, hub_messages, main_menu
from hub.outbox import UNREACHABLE_REASON
from tests.fakes.line_api import Delivery, FakeLineApi, sign
from tests.integration.bot_content import bot_response, bot_says
from tests.integration.stack import ROOT, SECRET, Stack

REFERENCE = re.compile(r"\b(20\d\d-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4})\b")
PHOTO = (ROOT / "tests" / "integration" / "data" / "pothole.jpg").read_bytes()  # a small real JPEG


def quick_reply(title: str, payload: str) -> dict[str, Any]:
    """A quick-reply item as LINE must receive it: short label, full title shown and carried."""
    return {
        "type": "action",
        "action": {
            "type": "postback",
            "label": shorten(title, 20),
            "data": json.dumps({"payload": payload, "title": title}, ensure_ascii=False, separators=(",", ":")),
            "displayText": title,
        },
    }


class LineCitizen:
    """One LINE user chatting with the official account through the real webhook."""

    def __init__(self, stack: Stack, user_id: str | None = None) -> None:
        self.stack = stack
        self.fake: FakeLineApi = stack.fakes["line"]  # type: ignore[assignment]
        self.user_id = user_id or "U" + secrets.token_hex(16)
        self.seen = 0  # deliveries already looked at

    def post(self, body: bytes, headers: dict[str, str]) -> httpx.Response:
        return httpx.post(f"{self.stack.hub_url}/channels/line/webhook", content=body, headers=headers, timeout=10)

    def send(self, *events: dict[str, Any]) -> None:
        response = self.post(*self.fake.webhook(*events))
        assert (response.status_code, response.text) == (200, "OK")

    def answers(self, count: int = 1) -> list[Delivery]:
        """The next ``count`` deliveries (reply or push calls LINE accepted) to this citizen."""
        deliveries = self.fake.wait_for_deliveries(self.user_id, self.seen + count)[self.seen :]
        self.seen += count
        return deliveries

    def say(self, text: str, **options: Any) -> Delivery:
        self.send(self.fake.text_event(self.user_id, text, **options))
        [delivery] = self.answers()
        return delivery

    def press(self, item: dict[str, Any]) -> Delivery:
        """Tap a quick-reply button: LINE shows its displayText and posts back its data."""
        self.send(self.fake.postback_event(self.user_id, item["action"]["data"]))
        [delivery] = self.answers()
        return delivery

    def conversation_id(self) -> str | None:
        rows = self.stack.rows(
            "SELECT c.id FROM conversations c JOIN channel_identities i ON c.identity_id = i.id"
            " WHERE i.channel = 'line' AND i.external_id = :user ORDER BY c.created_at DESC LIMIT 1",
            user=self.user_id,
        )
        return str(rows[0]["id"]) if rows else None

    def transcript(self) -> list[dict[str, Any]]:
        """The conversation's messages with their delivery status, from the hub's internal API."""
        if self.conversation_id() is None:
            return []
        response = httpx.get(
            f"{self.stack.hub_url}/internal/conversations/{self.conversation_id()}/messages",
            headers={"Authorization": f"Bearer {SECRET}"},
        )
        assert response.status_code == 200, response.text
        return list(response.json()["messages"])

    def reachable(self) -> bool:
        [row] = self.stack.rows(
            "SELECT reachable FROM channel_identities WHERE channel = 'line' AND external_id = :user", user=self.user_id
        )
        return bool(row["reachable"])


def texts(delivery: Delivery) -> list[str]:
    return delivery.texts


def wait_for_last_status(citizen: LineCitizen, status: str, timeout: float = 30) -> list[dict[str, Any]]:
    """The transcript once its latest message has this delivery status (retries take seconds)."""
    deadline = time.monotonic() + timeout
    while not (transcript := citizen.transcript()) or transcript[-1]["status"] != status:
        assert time.monotonic() < deadline, transcript
        time.sleep(0.2)
    return transcript


def test_thai_complaint_with_a_photo_and_a_shared_location_ends_in_a_ticket_with_both(stack: Stack) -> None:
    citizen = LineCitizen(stack)
    fake = citizen.fake
    assert texts(citizen.say("ถนนหน้าบ้านเป็นหลุมใหญ่ครับ อยากแจ้งเรื่อง")) == [bot_says("ask_complaint_description")]
    description = "หลุมลึกประมาณ 30 ซม. มอเตอร์ไซค์ล้มไปแล้วสองคัน"
    assert texts(citizen.say(description)) == [bot_says("ask_complaint_location")]

    citizen.send(fake.image_event(citizen.user_id, PHOTO, "image/jpeg"))
    [photo_answer] = citizen.answers()
    assert texts(photo_answer) == [bot_says("photo_received"), bot_says("ask_complaint_location")]

    place = "ซอยสุขุมวิท 71, ถนนสุขุมวิท แขวงพระโขนงเหนือ เขตวัฒนา กรุงเทพมหานคร 10110"
    citizen.send(
        fake.location_event(
            citizen.user_id, 13.7211, 100.5927, "ซอยสุขุมวิท 71", "ถนนสุขุมวิท แขวงพระโขนงเหนือ เขตวัฒนา กรุงเทพมหานคร 10110"
        )
    )
    [location_answer] = citizen.answers()
    assert texts(location_answer) == [
        bot_says("location_received", location=place),
        bot_says("ask_complaint_phone"),
    ]
    [skip] = location_answer.messages[-1]["quickReply"]["items"]

    summary = citizen.press(skip)
    attachments = "\n" + bot_says("summary_photos", count=1) + "\n" + bot_says("summary_map_location")
    assert texts(summary) == [
        bot_says(
            "complaint_summary",
            category=categories()["road"].th,
            description=description,
            location=place,
            attachments=attachments,
            phone="-",
        )
    ]
    confirm = summary.messages[0]["quickReply"]["items"][0]
    assert confirm["action"]["displayText"] == "ถูกต้อง ส่งเรื่อง"
    filed = citizen.press(confirm)
    [reference] = {match.group(1) for text in texts(filed) if (match := REFERENCE.search(text))}
    assert texts(filed)[0].startswith(f"รับเรื่องเรียบร้อยแล้วค่ะ เลขที่เรื่องของท่านคือ {reference} (แจ้งเมื่อ ")
    [rating] = citizen.answers()  # the hub's own question, after the bot's turn: the reply token is used up
    assert (rating.kind, texts(rating)) == ("push", [hub_messages()["csat.question_ticket"].th])
    assert [item["action"]["label"] for item in rating.messages[0]["quickReply"]["items"]] == ["1", "2", "3", "4", "5"]
    assert texts(citizen.press(rating.messages[0]["quickReply"]["items"][4])) == [hub_messages()["csat.ask_comment"].th]
    comment = citizen.say("ส่งรูปได้สะดวกดีครับ")
    assert texts(comment) == [hub_messages()["csat.thanks"].th]
    survey = "SELECT rating, comment, channel FROM csat_surveys WHERE conversation_id = :c"
    assert stack.rows(survey, c=citizen.conversation_id()) == [
        {"rating": 5, "comment": "ส่งรูปได้สะดวกดีครับ", "channel": "line"}
    ]

    [ticket] = stack.rows("SELECT * FROM tickets WHERE reference = :reference", reference=reference)
    assert (ticket["category"], ticket["description"], ticket["location"]) == ("road", description, place)
    assert (ticket["latitude"], ticket["longitude"]) == (13.7211, 100.5927)
    [media_id] = json.loads(ticket["photos"]) if isinstance(ticket["photos"], str) else ticket["photos"]
    media = httpx.get(f"{stack.hub_url}/internal/media/{media_id}", headers={"Authorization": f"Bearer {SECRET}"})
    assert (media.status_code, media.headers["content-type"], media.content) == (200, "image/jpeg", PHOTO)
    api_ticket = httpx.get(
        f"{stack.hub_url}/internal/tickets/{reference}",
        params={"conversation_id": citizen.conversation_id()},
        headers={"Authorization": f"Bearer {SECRET}"},
    ).json()
    assert (api_ticket["photos"], api_ticket["coordinates"]) == (
        [media_id],
        {"latitude": 13.7211, "longitude": 100.5927},
    )
    stored = [(m["kind"], m["media_id"], m["location"]) for m in citizen.transcript() if m["sender"] == "citizen"]
    assert stored[2:4] == [
        ("photo", media_id, None),
        ("location", None, {"latitude": 13.7211, "longitude": 100.5927, "address": place}),
    ]

    status = citizen.say(f"ติดตามเรื่อง {reference}")
    [status_text] = texts(status)
    assert status_text.startswith(
        bot_says("ticket_status_received", reference=reference, category=categories()["road"].th, filed_at="")
    )


def test_follow_welcomes_in_thai_with_the_privacy_notice_and_the_main_actions(stack: Stack) -> None:
    citizen = LineCitizen(stack)
    citizen.send(citizen.fake.follow_event(citizen.user_id))
    [welcome] = citizen.answers()
    messages = hub_messages()
    assert welcome.kind == "reply"
    assert welcome.messages == [
        {"type": "text", "text": messages["welcome"].th},
        {
            "type": "text",
            "text": messages["privacy_notice"].th,
            "quickReply": {"items": [quick_reply(action.label.th, action.payload) for action in main_menu()]},
        },
    ]
    [profile_lookup] = citizen.fake.requests(f"/v2/bot/profile/{citizen.user_id}")
    assert profile_lookup.headers["authorization"] == f"Bearer {citizen.fake.access_token}"


def test_follow_welcomes_in_english_when_the_line_app_is_in_another_language(sqlite_stack: Stack) -> None:
    citizen = LineCitizen(sqlite_stack)
    citizen.fake.set_profile(citizen.user_id, "ja")
    citizen.send(citizen.fake.follow_event(citizen.user_id))
    [welcome] = citizen.answers()
    assert texts(welcome) == [hub_messages()["welcome"].en, hub_messages()["privacy_notice"].en]
    assert [item["action"]["label"] for item in welcome.messages[1]["quickReply"]["items"]] == [
        action.label.en for action in main_menu()
    ]


def test_text_is_answered_by_reply_after_the_loading_animation(stack: Stack) -> None:
    citizen = LineCitizen(stack)
    answer = citizen.say("สวัสดีครับ")
    greeting = bot_response("utter_greet")
    assert answer.kind == "reply"
    assert answer.messages == [
        {
            "type": "text",
            "text": greeting["text"],
            "quickReply": {
                "items": [quick_reply(button["title"], button["payload"]) for button in greeting["buttons"]]
            },
        }
    ]
    [loading] = [
        request
        for request in citizen.fake.requests("/v2/bot/chat/loading/start")
        if request.json["chatId"] == citizen.user_id
    ]
    assert loading.json == {"chatId": citizen.user_id, "loadingSeconds": 30}
    # LINE has the reply; the hub records it as sent a moment later.
    assert [(m["sender"], m["kind"], m["text"], m["status"]) for m in wait_for_last_status(citizen, "sent")] == [
        ("citizen", "text", "สวัสดีครับ", "answered"),
        ("bot", "text", greeting["text"], "sent"),
    ]


def test_rich_menu_postback_and_quick_reply_buttons_cut_to_twenty_characters(stack: Stack) -> None:
    citizen = LineCitizen(stack)
    report = rich_menu_request(load_layout(), "th").areas[2].action  # the first action after the two tabs
    assert report.data == encode_postback("/report_problem", "แจ้งปัญหา")
    citizen.send(citizen.fake.postback_event(citizen.user_id, report.data))
    [question] = citizen.answers()
    assert texts(question) == [bot_says("ask_complaint_category")]
    items = question.messages[0]["quickReply"]["items"]
    assert items == [
        quick_reply(label.th, f'/inform{{"category":"{category}"}}') for category, label in categories().items()
    ]  # all 13 categories: LINE's maximum
    # Labels longer than 20 characters keep whole words, then an ellipsis; the full title is shown when pressed.
    assert [item["action"]["label"] for item in items if item["action"]["label"] != item["action"]["displayText"]] == [
        "จอดรถกีดขวาง…",
        "ห้องน้ำสาธารณะ…",
        "เจ้าหน้าที่ทุจริต…",
        "บริการไม่ดี…",
    ]

    answer = citizen.press(items[2])  # garbage
    assert texts(answer) == [bot_says("ask_complaint_description")]
    assert [(m["sender"], m["text"]) for m in citizen.transcript()][:3] == [
        ("citizen", "แจ้งปัญหา"),
        ("bot", bot_says("ask_complaint_category")),
        ("citizen", categories()["garbage"].th),
    ]


def test_language_tab_of_the_rich_menu_switches_the_bot_to_english(sqlite_stack: Stack) -> None:
    citizen = LineCitizen(sqlite_stack)
    tab = rich_menu_request(load_layout(), "th").areas[1].action
    assert (tab.rich_menu_alias_id, tab.data) == ("saphan-en", encode_language_switch("en"))
    params = {"newRichMenuAliasId": "saphan-en", "status": "SUCCESS"}  # LINE adds these for a menu switch
    citizen.send(citizen.fake.postback_event(citizen.user_id, tab.data, params=params))
    [answer] = citizen.answers()
    assert texts(answer) == [hub_messages()["language_chosen"].en]


def test_expired_reply_token_falls_back_to_push(stack: Stack) -> None:
    citizen = LineCitizen(stack)
    a_minute_ago = int((time.time() - 60) * 1000)
    answer = citizen.say("สวัสดีครับ", timestamp_ms=a_minute_ago)
    assert answer.kind == "push"
    assert texts(answer) == [bot_response("utter_greet")["text"]]
    assert [call.path for call in citizen.fake.sending_calls(citizen.user_id)] == ["/v2/bot/message/push"]


def test_refused_reply_falls_back_to_push(sqlite_stack: Stack) -> None:
    citizen = LineCitizen(sqlite_stack)
    citizen.fake.fail(400, user_id=citizen.user_id, endpoints=("/v2/bot/message/reply",))
    answer = citizen.say("สวัสดีครับ")
    assert answer.kind == "push"
    calls = citizen.fake.sending_calls(citizen.user_id)
    assert [call.path for call in calls] == ["/v2/bot/message/reply", "/v2/bot/message/push"]
    assert calls[0].json["messages"] == calls[1].json["messages"] == answer.messages


def test_redelivered_event_is_answered_once(stack: Stack) -> None:
    citizen = LineCitizen(stack)
    hello = citizen.fake.text_event(citizen.user_id, "สวัสดีครับ")
    citizen.send(hello)
    citizen.answers()
    citizen.send(citizen.fake.redelivered(hello))
    thanks = citizen.say("ขอบคุณครับ")  # answered after the redelivery: one citizen's events go in order
    assert texts(thanks) == [bot_response("utter_you_are_welcome")["text"]]
    assert len(citizen.fake.deliveries(citizen.user_id)) == 2
    assert [m["text"] for m in citizen.transcript() if m["sender"] == "citizen"] == ["สวัสดีครับ", "ขอบคุณครับ"]


def test_forged_or_missing_signature_is_refused_and_nothing_is_processed(stack: Stack) -> None:
    citizen = LineCitizen(stack)
    body, headers = citizen.fake.webhook(citizen.fake.text_event(citizen.user_id, "ปลอม"))
    forged = FakeLineApi()  # the same body signed with another channel's secret
    wrong = {**headers, "X-Line-Signature": forged.webhook()[1]["X-Line-Signature"]}
    tampered_body = body.replace("ปลอม".encode(), "แก้ไข".encode())
    missing = {key: value for key, value in headers.items() if key != "X-Line-Signature"}
    for attempt_body, attempt_headers in ((body, wrong), (body, missing), (tampered_body, headers)):
        response = citizen.post(attempt_body, attempt_headers)
        assert response.status_code == 401
        assert response.json() == {"error": "unauthorized", "message": "missing or wrong X-Line-Signature"}
    citizen.say("สวัสดีครับ")  # would come after anything queued for this citizen
    assert [m["text"] for m in citizen.transcript() if m["sender"] == "citizen"] == ["สวัสดีครับ"]
    assert len(citizen.fake.deliveries(citizen.user_id)) == 1


def test_malformed_body_and_unknown_events_are_acknowledged_and_skipped(sqlite_stack: Stack) -> None:
    citizen = LineCitizen(sqlite_stack)
    fake = citizen.fake
    not_json = b"{not json"
    headers = {"Content-Type": "application/json", "X-Line-Signature": sign(not_json, fake.channel_secret)}
    assert citizen.post(not_json, headers).status_code == 200
    unknown = fake.event(citizen.user_id, "somethingNew", reply=False)
    broken = fake.event(citizen.user_id, "message", message={"type": "text"})  # no text
    group = fake.text_event(
        citizen.user_id, "ในกลุ่ม", source={"type": "group", "groupId": "C" + "1" * 32, "userId": citizen.user_id}
    )
    citizen.send(unknown, broken, group, fake.text_event(citizen.user_id, "สวัสดีครับ"))
    [answer] = citizen.answers()
    assert texts(answer) == [bot_response("utter_greet")["text"]]
    assert [m["text"] for m in citizen.transcript() if m["sender"] == "citizen"] == ["สวัสดีครับ"]


def test_rate_limit_then_success_pushes_once_with_the_same_retry_key(stack: Stack) -> None:
    citizen = LineCitizen(stack)
    citizen.fake.fail(429, user_id=citizen.user_id, retry_after="1")
    answer = citizen.say("สวัสดีครับ", timestamp_ms=int((time.time() - 60) * 1000))
    calls = citizen.fake.sending_calls(citizen.user_id)
    assert [call.path for call in calls] == ["/v2/bot/message/push", "/v2/bot/message/push"]
    assert calls[0].headers["x-line-retry-key"] == calls[1].headers["x-line-retry-key"] == answer.retry_key
    assert [(m["sender"], m["status"], m["failure_reason"]) for m in wait_for_last_status(citizen, "sent")] == [
        ("citizen", "answered", None),
        ("bot", "sent", None),
    ]


def test_lost_answer_is_retried_with_its_retry_key_and_not_sent_twice(sqlite_stack: Stack) -> None:
    citizen = LineCitizen(sqlite_stack)
    citizen.fake.fail(500, user_id=citizen.user_id, accept_first=True)  # delivered, but LINE's 200 got lost
    answer = citizen.say("สวัสดีครับ", timestamp_ms=int((time.time() - 60) * 1000))
    transcript = wait_for_last_status(citizen, "sent")
    calls = citizen.fake.sending_calls(citizen.user_id)
    assert [call.path for call in calls] == ["/v2/bot/message/push", "/v2/bot/message/push"]  # the second got 409
    assert calls[0].headers["x-line-retry-key"] == calls[1].headers["x-line-retry-key"] == answer.retry_key
    assert citizen.fake.deliveries(citizen.user_id) == [answer]
    assert transcript[-1]["failure_reason"] is None


def test_permanent_server_error_ends_as_a_stored_failure(stack: Stack) -> None:
    citizen = LineCitizen(stack)
    citizen.fake.fail(500, times=None, user_id=citizen.user_id)
    try:
        citizen.send(citizen.fake.text_event(citizen.user_id, "สวัสดีครับ", timestamp_ms=int((time.time() - 60) * 1000)))
        transcript = wait_for_last_status(citizen, "failed")
    finally:
        citizen.fake.clear_failures()
    assert [(m["sender"], m["text"], m["status"], m["failure_reason"]) for m in transcript] == [
        ("citizen", "สวัสดีครับ", "answered", None),
        ("bot", bot_response("utter_greet")["text"], "failed", "LINE answered 500: An internal server error occurred"),
    ]
    assert len(citizen.fake.sending_calls(citizen.user_id)) == 4  # the outbox's attempts
    assert citizen.fake.deliveries(citizen.user_id) == []


def test_unfollow_marks_the_citizen_unreachable_until_they_follow_again(stack: Stack) -> None:
    citizen = LineCitizen(stack)
    citizen.say("สวัสดีครับ")
    citizen.send(citizen.fake.unfollow_event(citizen.user_id))
    deadline = time.monotonic() + 10
    while citizen.reachable():
        assert time.monotonic() < deadline
        time.sleep(0.1)
    citizen.send(citizen.fake.follow_event(citizen.user_id))
    [welcome] = citizen.answers()
    assert texts(welcome) == [hub_messages()["welcome"].th, hub_messages()["privacy_notice"].th]
    assert citizen.reachable()
    assert UNREACHABLE_REASON not in [m["failure_reason"] for m in citizen.transcript()]


def test_sticker_and_audio_are_answered_by_the_hub(stack: Stack) -> None:
    citizen = LineCitizen(stack)
    citizen.send(citizen.fake.sticker_event(citizen.user_id))
    [sticker] = citizen.answers()
    assert sticker.messages == [{"type": "text", "text": hub_messages()["replies.sticker"].th}]
    citizen.send(citizen.fake.audio_event(citizen.user_id))
    [audio] = citizen.answers()
    assert audio.messages == [{"type": "text", "text": hub_messages()["replies.unsupported"].th}]
    assert [(m["sender"], m["kind"], m["status"]) for m in wait_for_last_status(citizen, "sent")] == [
        ("citizen", "sticker", "answered"),
        ("system", "text", "sent"),
        ("citizen", "unsupported", "answered"),
        ("system", "text", "sent"),
    ]


def test_input_the_hub_cannot_take_gets_a_clear_answer_in_both_languages(sqlite_stack: Stack) -> None:
    citizen = LineCitizen(sqlite_stack)
    citizen.send(citizen.fake.text_event(citizen.user_id, "ก" * 2001))  # LINE allows 5,000, the hub 2,000
    [too_long] = citizen.answers()
    assert too_long.messages == [{"type": "text", "text": hub_messages()["errors.message_too_long"].bilingual()}]
    gone = citizen.fake.message_event(citizen.user_id, {"type": "image", "contentProvider": {"type": "line"}})
    citizen.send(gone)  # no content registered: LINE answers 404
    [not_received] = citizen.answers()
    assert texts(not_received) == [hub_messages()["errors.photo_not_received"].bilingual()]
    citizen.send(citizen.fake.image_event(citizen.user_id, b"BM not a photo", "image/bmp"))
    [unsupported] = citizen.answers()
    assert texts(unsupported) == [hub_messages()["errors.unsupported_image"].bilingual()]
    assert (
        sqlite_stack.rows(
            "SELECT id FROM channel_identities WHERE channel = 'line' AND external_id = :user", user=citizen.user_id
        )
        == []
    )
