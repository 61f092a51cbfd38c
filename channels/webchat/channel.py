"""The web chat channel: a websocket per open widget, keyed by the session token."""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sanic import Blueprint, Request, Websocket
from sanic.response import HTTPResponse, file
from websockets.exceptions import ConnectionClosed

from channels.base import DeliveryError, Inbox
from hub.domain.content import hub_messages
from hub.domain.conversations import InboundMessage, InvalidMessage, Message

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"


class FrameError(ValueError):
    """A websocket frame the hub refuses; ``code`` is sent to the widget."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def external_id_for(session_token: str) -> str:
    """The identity stored for a session: a hash, so a database leak gives no live sessions."""
    return hashlib.sha256(session_token.encode()).hexdigest()


def message_frame(message: Message) -> dict[str, Any]:
    return {
        "type": "message",
        "id": message.id,
        "sender": message.sender.value,
        "text": message.text,
        "buttons": [{"title": button.title, "payload": button.payload} for button in message.buttons],
        "language": message.language,
        "created_at": message.created_at.isoformat(),
    }


def error_frame(code: str) -> dict[str, Any]:
    return {"type": "error", "code": code, "message": hub_messages()[f"errors.{code}"].bilingual()}


def parse_frame(raw: str | bytes) -> dict[str, Any]:
    """Decode one client frame; raises :class:`FrameError`."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise FrameError("invalid_utf8") from error
    try:
        frame = json.loads(raw)
    except ValueError as error:
        raise FrameError("invalid_json") from error
    if not isinstance(frame, dict) or frame.get("type") not in ("hello", "message"):
        raise FrameError("invalid_frame")
    if frame["type"] == "hello" and not isinstance(frame.get("session_token"), str | None):
        raise FrameError("invalid_frame")
    if frame["type"] == "message":
        if not isinstance(frame.get("text"), str) or not isinstance(frame.get("payload"), str | None):
            raise FrameError("invalid_frame")
        try:  # JSON escapes can smuggle in lone surrogates, which no database can store
            frame["text"].encode("utf-8")
            (frame.get("payload") or "").encode("utf-8")
        except UnicodeEncodeError as error:
            raise FrameError("invalid_utf8") from error
    return frame


class WebChatChannel:
    """Serves the widget and keeps the open websockets of each session."""

    name = "webchat"

    def __init__(self) -> None:
        self._sockets: defaultdict[str, set[Websocket]] = defaultdict(set)

    @classmethod
    def from_environment(cls, environment: Mapping[str, str]) -> WebChatChannel:
        """Web chat needs no settings: the hub serves it itself."""
        return cls()

    def blueprint(self, inbox: Inbox) -> Blueprint:
        blueprint = Blueprint("webchat")

        @blueprint.get("/")
        async def demo_page(request: Request) -> HTTPResponse:
            return await file(STATIC_DIR / "index.html", mime_type="text/html; charset=utf-8")

        @blueprint.get("/webchat/widget.js")
        async def widget(request: Request) -> HTTPResponse:
            return await file(STATIC_DIR / "widget.js", mime_type="text/javascript; charset=utf-8")

        @blueprint.websocket("/channels/webchat/ws")
        async def websocket(request: Request, socket: Websocket) -> None:
            await self._serve(inbox, socket)

        return blueprint

    async def acknowledge(self, external_id: str, message: Message) -> None:
        await self._broadcast(external_id, message_frame(message))

    async def deliver(self, external_id: str, messages: Sequence[Message]) -> None:
        for sent, message in enumerate(messages):
            if not await self._broadcast(external_id, message_frame(message)):
                raise DeliveryError("no open web chat; shown when the citizen reconnects", sent=sent)

    async def show_typing(self, external_id: str, active: bool) -> None:
        await self._broadcast(external_id, {"type": "typing", "active": active})

    async def _serve(self, inbox: Inbox, socket: Websocket) -> None:
        external_id: str | None = None
        try:
            async for raw in socket:
                try:
                    frame = parse_frame(raw)
                    if frame["type"] == "hello":
                        if external_id is not None:
                            self._sockets[external_id].discard(socket)
                        external_id = await self._hello(inbox, socket, frame.get("session_token"))
                    elif external_id is None:
                        raise FrameError("hello_required")
                    else:
                        await inbox.receive(
                            InboundMessage(self.name, external_id, frame["text"], payload=frame.get("payload"))
                        )
                except (FrameError, InvalidMessage) as error:
                    log.info("refused a web chat frame: %s", error.code)
                    await socket.send(json.dumps(error_frame(error.code), ensure_ascii=False))
        except ConnectionClosed:
            pass
        finally:
            if external_id is not None:
                self._sockets[external_id].discard(socket)
                if not self._sockets[external_id]:
                    del self._sockets[external_id]

    async def _hello(self, inbox: Inbox, socket: Websocket, session_token: str | None) -> str:
        history: list[Message] = []
        if session_token:
            history = await inbox.history(self.name, external_id_for(session_token))
        if not history:  # unknown or unused token: a fresh session
            session_token = secrets.token_urlsafe(32)
        assert session_token is not None
        external_id = external_id_for(session_token)
        self._sockets[external_id].add(socket)
        await socket.send(
            json.dumps(
                {
                    "type": "welcome",
                    "session_token": session_token,
                    "conversation_id": history[0].conversation_id if history else None,
                    "history": [message_frame(message) for message in history],
                },
                ensure_ascii=False,
            )
        )
        return external_id

    async def _broadcast(self, external_id: str, frame: dict[str, Any]) -> bool:
        """Send to every open widget of the session; True if at least one got it."""
        text = json.dumps(frame, ensure_ascii=False)
        delivered = False
        for socket in list(self._sockets.get(external_id, ())):
            try:
                await socket.send(text)
                delivered = True
            except ConnectionClosed:
                self._sockets[external_id].discard(socket)
        return delivered
