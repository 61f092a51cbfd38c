"""The agent console driven over its real HTTP API and websocket, as the page does;
and what a citizen should be told on entering the queue."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import websockets

from hub.domain.content import office_hours
from hub.domain.handoff import waiting_notice
from tests.integration.stack import Stack

PASSWORD = "correct horse battery staple"


class Console:
    """One signed-in (or not) console user with their own cookie jar."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.http = httpx.AsyncClient(base_url=stack.hub_url, timeout=30)
        self.csrf_token = ""
        self.agent: dict[str, Any] = {}

    @classmethod
    async def signed_in(cls, stack: Stack, role: str) -> Console:
        """A new user of that role (made with the users command), signed in."""
        email = f"{role}-{uuid.uuid4().hex[:8]}@example.go.th"
        stack.create_user(email, f"{role.title()} {email[-20:-14]}", role, PASSWORD)
        console = cls(stack)
        response = await console.sign_in(email, PASSWORD)
        assert response.status_code == 200, response.text
        return console

    async def sign_in(self, email: str, password: str) -> httpx.Response:
        response = await self.http.post("/console/api/session", json={"email": email, "password": password})
        if response.status_code == 200:
            self.csrf_token = response.json()["csrf_token"]
            self.agent = response.json()["agent"]
        return response

    async def get(self, path: str, **params: str) -> httpx.Response:
        return await self.http.get(path, params=params)

    async def post(self, path: str, body: Any = None) -> httpx.Response:
        return await self.http.post(path, json=body, headers={"X-CSRF-Token": self.csrf_token})

    async def live(self) -> LiveUpdates:
        """The console websocket with this user's session cookie, from the hub's own origin."""
        socket = await websockets.connect(
            self.stack.hub_url.replace("http://", "ws://") + "/console/ws",
            additional_headers={
                "Cookie": f"saphan_console={self.http.cookies.get('saphan_console')}",
                "Origin": self.stack.hub_url,
            },
            max_size=2**22,
        )
        return LiveUpdates(socket)

    async def close(self) -> None:
        await self.http.aclose()


class LiveUpdates:
    def __init__(self, socket: Any) -> None:
        self.socket = socket

    async def next(self, wanted: Callable[[dict[str, Any]], bool], timeout: float = 30) -> dict[str, Any]:
        """The next event ``wanted`` accepts (others are skipped)."""
        async with asyncio.timeout(timeout):
            while True:
                event = json.loads(await self.socket.recv())
                if wanted(event):
                    return event

    async def close(self) -> None:
        await self.socket.close()


def in_queue(conversation_id: str, part: str = "waiting") -> Callable[[dict[str, Any]], bool]:
    return lambda event: (
        event["type"] == "queue" and any(item["conversation_id"] == conversation_id for item in event[part])
    )


def as_utc(value: datetime | str) -> datetime:
    """A timestamp read with plain SQL: SQLite gives naive UTC text, PostgreSQL an aware datetime."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def conversation_of(stack: Stack, message_id: str) -> str:
    [row] = stack.rows("SELECT conversation_id FROM messages WHERE id = :id", id=message_id)
    return str(row["conversation_id"])


def expected_waiting_notice(stack: Stack, conversation_id: str, language: str) -> dict[str, Any]:
    """The notice the hub must have sent: the place in the queue at that moment, or the opening time."""
    [handoff] = stack.rows(
        "SELECT id, created_at FROM handoff_requests WHERE conversation_id = :c AND ended_at IS NULL",
        c=conversation_id,
    )
    [ahead] = stack.rows(
        "SELECT count(*) AS n FROM handoff_requests h JOIN conversations c ON c.id = h.conversation_id"
        " WHERE c.state = 'waiting' AND h.ended_at IS NULL AND h.id != :id"
        " AND (h.priority = 'high' OR h.created_at < (SELECT created_at FROM handoff_requests WHERE id = :id))",
        id=handoff["id"],
    )
    notice = waiting_notice(language, as_utc(handoff["created_at"]), office_hours(), int(ahead["n"]) + 1)  # type: ignore[arg-type]
    return {"text": notice.text, "buttons": [{"title": b.title, "payload": b.payload} for b in notice.buttons]}


def rasa_user_texts(stack: Stack, conversation_id: str) -> list[str]:
    """What the bot heard from this conversation (Rasa's tracker over its HTTP API)."""
    tracker = httpx.get(f"{stack.rasa_url}/conversations/{conversation_id}/tracker", timeout=30).json()
    return [event.get("text") or "" for event in tracker["events"] if event["event"] == "user"]
