"""The console websocket: the queue as this agent may see it, then live events."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from sanic import Websocket
from websockets.exceptions import ConnectionClosed

from hub.console.auth import ConsoleAuth
from hub.console.views import console_message_json, queue_json
from hub.desk import Desk
from hub.domain.agents import ConsoleSession
from hub.live import LiveEvents, MessageStored, QueueChanged
from hub.store.tables import utc_now

log = logging.getLogger(__name__)

# How often a quiet socket checks that its session still exists (signed out, expired).
SESSION_CHECK_SECONDS = 30
SIGNED_OUT = 4401  # websocket close code: the session ended


async def serve_live_updates(
    socket: Websocket, session: ConsoleSession, token: str, desk: Desk, auth: ConsoleAuth, events: LiveEvents
) -> None:
    agent = session.agent
    with events.subscribe() as received:
        try:
            visible = await _send_queue(socket, desk, session)
            while True:
                try:
                    event = await asyncio.wait_for(received.get(), SESSION_CHECK_SECONDS)
                except TimeoutError:
                    event = None
                if event is None or isinstance(event, QueueChanged):
                    if await auth.session(token) is None:
                        await socket.close(SIGNED_OUT, "signed out")
                        return
                    visible = await _send_queue(socket, desk, session)
                elif isinstance(event, MessageStored) and event.message.conversation_id in visible:
                    author = await desk.author(event.message)
                    await _send(
                        socket,
                        {
                            "type": "message",
                            "conversation_id": event.message.conversation_id,
                            "message": console_message_json(event.message, author),
                        },
                    )
        except ConnectionClosed:
            log.debug("console websocket of agent %s closed", agent.id)


async def _send_queue(socket: Websocket, desk: Desk, session: ConsoleSession) -> set[str]:
    """Send the whole queue; returns the conversations whose messages this agent gets live."""
    queue = await desk.queue(session.agent)
    await _send(socket, {"type": "queue", **queue_json(queue, utc_now())})
    return queue.conversation_ids()


async def _send(socket: Websocket, frame: dict[str, Any]) -> None:
    await socket.send(json.dumps(frame, ensure_ascii=False))
