"""The console's doors: no session, no data (401); the wrong role or not the owner, no action
(403); no CSRF token, no change; repeated wrong passwords lock the account."""

from __future__ import annotations

import uuid

import pytest
import websockets
from websockets.exceptions import InvalidStatus

from tests.integration.console import PASSWORD, Console, conversation_of
from tests.integration.stack import Chat, Stack

SOME_ID = "0" * 32


def every_route(conversation: str) -> list[tuple[str, str]]:
    base = f"/console/api/conversations/{conversation}"
    return [
        ("GET", "/console/api/session"),
        ("DELETE", "/console/api/session"),
        ("GET", "/console/api/queue"),
        ("GET", base),
        *[("POST", f"{base}/{action}") for action in ("claim", "reassign", "reply", "notes", "resolve")],
        ("POST", f"{base}/hand_back"),
        ("POST", f"{base}/reveal_phone"),
        ("GET", f"/console/api/media/{SOME_ID}"),
        ("GET", "/console/api/canned_replies"),
        ("POST", "/console/api/canned_replies"),
        ("PUT", f"/console/api/canned_replies/{SOME_ID}"),
        ("DELETE", f"/console/api/canned_replies/{SOME_ID}"),
        ("GET", "/console/api/agents"),
        ("GET", "/console/api/reports?from=2026-11-01&to=2026-11-30"),
        ("GET", "/console/api/reports.csv?from=2026-11-01&to=2026-11-30"),
    ]


SUPERVISOR_ONLY = [
    ("GET", "/console/api/agents"),
    ("GET", "/console/api/reports?from=2026-11-01&to=2026-11-30"),
    ("GET", "/console/api/reports.csv?from=2026-11-01&to=2026-11-30"),
    ("POST", "/console/api/canned_replies"),
    ("PUT", f"/console/api/canned_replies/{SOME_ID}"),
    ("DELETE", f"/console/api/canned_replies/{SOME_ID}"),
]


async def waiting_conversation(stack: Stack, chat: Chat) -> str:
    answers = await chat.say("talk to a human")
    return conversation_of(stack, answers[0]["id"])


async def test_without_a_session_every_route_answers_401(stack: Stack, chat: Chat) -> None:
    conversation = await waiting_conversation(stack, chat)
    anonymous = Console(stack)
    try:
        for method, path in every_route(conversation):
            response = await anonymous.http.request(method, path, json={"text": "x"})
            assert (method, path, response.status_code, response.json()) == (
                method,
                path,
                401,
                {"error": "unauthorized"},
            )
        anonymous.http.cookies.set("saphan_console", "forged-token", path="/console")
        assert (await anonymous.get("/console/api/queue")).status_code == 401
        with pytest.raises(InvalidStatus) as refused:
            await websockets.connect(stack.hub_url.replace("http://", "ws://") + "/console/ws")
        assert refused.value.response.status_code == 401
    finally:
        await anonymous.close()
    [row] = stack.rows("SELECT state FROM conversations WHERE id = :c", c=conversation)
    assert row["state"] == "waiting"


async def test_the_wrong_role_or_not_the_owner_gets_403(stack: Stack, chat: Chat) -> None:
    conversation = await waiting_conversation(stack, chat)
    agent = await Console.signed_in(stack, "agent")
    try:
        for method, path in SUPERVISOR_ONLY:
            response = await agent.http.request(
                method,
                path,
                json={"title": "t", "language": "th", "text": "x"},
                headers={"X-CSRF-Token": agent.csrf_token},
            )
            assert (method, path, response.status_code, response.json()["error"]) == (method, path, 403, "forbidden")
        reassign = await agent.post(f"/console/api/conversations/{conversation}/reassign", {"agent_id": SOME_ID})
        assert (reassign.status_code, reassign.json()["error"]) == (403, "forbidden")
        # not claimed by this agent: no replies, notes, resolving, handing back or phone numbers
        for action, body in [("reply", {"text": "x"}), ("notes", {"text": "x"}), ("resolve", None)]:
            response = await agent.post(f"/console/api/conversations/{conversation}/{action}", body)
            assert (action, response.status_code) == (action, 403)
        for action in ("hand_back", "reveal_phone"):
            response = await agent.post(f"/console/api/conversations/{conversation}/{action}")
            assert (action, response.status_code) == (action, 403)
        canned = await agent.get("/console/api/canned_replies")  # reading them is for everyone
        assert canned.status_code == 200
    finally:
        await agent.close()


async def test_state_changes_without_the_csrf_token_fail_and_change_nothing(stack: Stack, chat: Chat) -> None:
    conversation = await waiting_conversation(stack, chat)
    agent = await Console.signed_in(stack, "agent")
    try:
        claim = f"/console/api/conversations/{conversation}/claim"
        for headers in ({}, {"X-CSRF-Token": "wrong"}):
            response = await agent.http.post(claim, headers=headers)
            assert (response.status_code, response.json()["error"]) == (403, "csrf")
        [row] = stack.rows("SELECT state, assigned_agent_id FROM conversations WHERE id = :c", c=conversation)
        assert row == {"state": "waiting", "assigned_agent_id": None}
        signed_out = await agent.http.delete("/console/api/session")
        assert (signed_out.status_code, signed_out.json()["error"]) == (403, "csrf")
        assert (await agent.post(claim)).status_code == 200
        assert (
            await agent.http.delete("/console/api/session", headers={"X-CSRF-Token": agent.csrf_token})
        ).status_code == 204
        assert (await agent.get("/console/api/queue")).status_code == 401  # the session is gone
    finally:
        await agent.close()


async def test_the_session_cookie_and_the_websocket_origin(stack: Stack) -> None:
    email = f"cookie-{uuid.uuid4().hex[:8]}@example.go.th"
    stack.create_user(email, "Cookie Test", "agent", PASSWORD)
    console = Console(stack)
    try:
        response = await console.sign_in(email, PASSWORD)
        assert response.status_code == 200
        cookie = response.headers["set-cookie"]
        assert cookie.startswith("saphan_console=")
        flags = {part.strip().lower() for part in cookie.split(";")[1:]}
        assert {"httponly", "samesite=strict", "path=/console"} <= flags
        assert "secure" not in flags  # plain http on loopback; Secure when PUBLIC_BASE_URL is https
        assert (await console.get("/console/api/session")).json() == {
            "agent": console.agent,
            "csrf_token": console.csrf_token,
        }
        with pytest.raises(InvalidStatus) as refused:
            await websockets.connect(
                stack.hub_url.replace("http://", "ws://") + "/console/ws",
                additional_headers={
                    "Cookie": f"saphan_console={console.http.cookies.get('saphan_console')}",
                    "Origin": "https://evil.example",
                },
            )
        assert refused.value.response.status_code == 403
        live = await console.live()
        first = await live.next(lambda event: True)
        assert first["type"] == "queue" and set(first) == {"type", "waiting", "mine", "claimed"}
        await live.close()
    finally:
        await console.close()


async def test_repeated_wrong_passwords_lock_the_account(stack: Stack) -> None:
    email = f"locked-{uuid.uuid4().hex[:8]}@example.go.th"
    stack.create_user(email, "Lock Test", "agent", PASSWORD)
    console = Console(stack)
    try:
        unknown = await console.sign_in("nobody@example.go.th", PASSWORD)
        assert (unknown.status_code, unknown.json()) == (401, {"error": "invalid_credentials"})
        for _ in range(5):
            wrong = await console.sign_in(email.upper(), "not the password at all")
            assert (wrong.status_code, wrong.json()) == (401, {"error": "invalid_credentials"})
        locked = await console.sign_in(email, PASSWORD)  # even the right password, for 15 minutes
        assert (locked.status_code, locked.json()["error"]) == (423, "locked")
        assert 890 <= locked.json()["retry_after_seconds"] <= 900
        malformed = await console.http.post("/console/api/session", json={"email": email})
        assert (malformed.status_code, malformed.json()["field"]) == (422, "password")
    finally:
        await console.close()
