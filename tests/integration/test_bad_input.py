"""Bad input gets a clear answer, loses nothing, and leaves the connection usable."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.integration.stack import SECRET, Chat, Stack, texts

BOTH_LANGUAGES = {
    "invalid_json": "ข้อความไม่อยู่ในรูปแบบที่ระบบอ่านได้ / The message could not be read (it is not valid JSON).",
    "invalid_utf8": "ข้อความมีอักขระที่อ่านไม่ได้ / The message contains characters that could not be read (not valid UTF-8).",
    "empty_message": "กรุณาพิมพ์ข้อความก่อนส่ง / Please type a message before sending.",
    "message_too_long": "ข้อความยาวเกิน 2,000 ตัวอักษร กรุณาแบ่งส่งเป็นหลายข้อความ / "
    "The message is longer than 2,000 characters; please send it in several parts.",
}


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        (json.dumps({"type": "message", "text": ""}), "empty_message"),
        (json.dumps({"type": "message", "text": "   \n\t "}), "empty_message"),
        (json.dumps({"type": "message", "text": "ก" * 2001}), "message_too_long"),
        ("this is not json", "invalid_json"),
        (b'\xff\xfe{"type": "message"}', "invalid_utf8"),
        ('{"type": "message", "text": "\\ud83d broken emoji"}', "invalid_utf8"),
        (json.dumps({"type": "message", "text": 42}), "invalid_frame"),
        (json.dumps(["message"]), "invalid_frame"),
        (json.dumps({"type": "subscribe"}), "invalid_frame"),
    ],
)
async def test_refused_frame_gets_an_error_and_the_connection_stays_usable(
    sqlite_stack: Stack, frame: str | bytes, code: str
) -> None:
    chat = await Chat.open(sqlite_stack.websocket_url)
    try:
        error = await chat.send_raw(frame)
        assert error["type"] == "error"
        assert error["code"] == code
        if code in BOTH_LANGUAGES:
            assert error["message"] == BOTH_LANGUAGES[code]
        assert "Traceback" not in error["message"]
        answers = await chat.say("hello")
        assert texts(answers)[0].startswith("Hello!")
    finally:
        await chat.close()


async def test_message_of_exactly_2000_characters_is_accepted(sqlite_stack: Stack) -> None:
    chat = await Chat.open(sqlite_stack.websocket_url)
    try:
        answers = await chat.say("ก" * 2000)
        assert answers and answers[0]["sender"] == "bot"
    finally:
        await chat.close()


async def test_unknown_session_token_starts_a_new_session(sqlite_stack: Stack) -> None:
    chat = await Chat.open(sqlite_stack.websocket_url, session_token="not-a-token-the-hub-gave")
    try:
        assert chat.session_token != "not-a-token-the-hub-gave"
        assert chat.welcome["history"] == []
        assert chat.welcome["conversation_id"] is None
    finally:
        await chat.close()


async def test_message_before_hello_is_refused(sqlite_stack: Stack) -> None:
    import websockets

    async with websockets.connect(sqlite_stack.websocket_url) as websocket:
        await websocket.send(json.dumps({"type": "message", "text": "hello"}))
        error = json.loads(await websocket.recv())
        assert error["code"] == "hello_required"


VALID_TICKET = {"conversation_id": "c", "category": "road", "description": "d", "location": "l"}


class TestInternalTicketApi:
    def test_missing_secret_is_401(self, sqlite_stack: Stack) -> None:
        response = httpx.post(f"{sqlite_stack.hub_url}/internal/tickets", json={})
        assert response.status_code == 401
        assert response.json() == {"error": "unauthorized", "message": "missing or wrong internal secret"}

    def test_wrong_secret_is_401(self, sqlite_stack: Stack) -> None:
        response = httpx.get(
            f"{sqlite_stack.hub_url}/internal/tickets/2026-K7MX-3QH9",
            params={"conversation_id": "x"},
            headers={"Authorization": "Bearer not-the-secret"},
        )
        assert response.status_code == 401

    @pytest.mark.parametrize(
        ("path", "body", "field"),
        [
            ("/internal/tickets", {}, "conversation_id"),
            (
                "/internal/tickets",
                {"conversation_id": "c", "category": "volcano", "description": "d", "location": "l"},
                "category",
            ),
            (
                "/internal/tickets",
                {"conversation_id": "c", "category": "road", "description": " ", "location": "l"},
                "description",
            ),
            ("/internal/tickets", {"conversation_id": "c", "category": "road", "description": "d"}, "location"),
            (
                "/internal/tickets",
                {"conversation_id": "c", "category": "road", "description": "d", "location": "l", "phone": "12"},
                "phone",
            ),
            (  # no such conversation
                "/internal/tickets",
                {"conversation_id": "c", "category": "road", "description": "d", "location": "l"},
                "conversation_id",
            ),
            ("/internal/tickets", [1, 2], "body"),
            ("/internal/tickets", {**VALID_TICKET, "photos": "abc"}, "photos"),
            ("/internal/tickets", {**VALID_TICKET, "photos": ["a", "b", "c", "d", "e", "f"]}, "photos"),
            ("/internal/tickets", {**VALID_TICKET, "coordinates": [13.7, 100.5]}, "coordinates"),
            (
                "/internal/tickets",
                {**VALID_TICKET, "coordinates": {"latitude": 91, "longitude": 100}},
                "coordinates.latitude",
            ),
            (
                "/internal/tickets",
                {**VALID_TICKET, "coordinates": {"latitude": 13.7, "longitude": "east"}},
                "coordinates.longitude",
            ),
            ("/internal/feedback", {"text": "thanks"}, "conversation_id"),
            ("/internal/feedback", {"conversation_id": "c", "text": "  "}, "text"),
            ("/internal/feedback", {"conversation_id": "c", "text": "x" * 2001}, "text"),
            ("/internal/feedback", {"conversation_id": "c", "text": "thanks"}, "conversation_id"),
            ("/internal/feedback", "thanks", "body"),
        ],
    )
    def test_invalid_field_is_422_naming_it(self, sqlite_stack: Stack, path: str, body: object, field: str) -> None:
        response = httpx.post(f"{sqlite_stack.hub_url}{path}", json=body, headers={"Authorization": f"Bearer {SECRET}"})
        assert response.status_code == 422
        assert response.json()["field"] == field
        assert response.json()["message"].startswith(f"{field}: ")

    def test_unknown_conversation_or_media_is_404(self, sqlite_stack: Stack) -> None:
        headers = {"Authorization": f"Bearer {SECRET}"}
        messages = httpx.get(f"{sqlite_stack.hub_url}/internal/conversations/nope/messages", headers=headers)
        media = httpx.get(f"{sqlite_stack.hub_url}/internal/media/nope", headers=headers)
        assert (messages.status_code, messages.json()) == (
            404,
            {"error": "not_found", "message": "no such conversation"},
        )
        assert (media.status_code, media.json()) == (404, {"error": "not_found", "message": "no such media"})

    def test_status_lookup_without_a_conversation_is_422(self, sqlite_stack: Stack) -> None:
        response = httpx.get(
            f"{sqlite_stack.hub_url}/internal/tickets/2026-K7MX-3QH9", headers={"Authorization": f"Bearer {SECRET}"}
        )
        assert response.status_code == 422
        assert response.json() == {
            "error": "invalid_field",
            "field": "conversation_id",
            "message": "conversation_id: required",
        }

    def test_malformed_json_is_422(self, sqlite_stack: Stack) -> None:
        response = httpx.post(
            f"{sqlite_stack.hub_url}/internal/tickets",
            content=b"{not json",
            headers={"Authorization": f"Bearer {SECRET}", "Content-Type": "application/json"},
        )
        assert response.status_code == 422
        assert response.json()["field"] == "body"
