"""Talking to the Rasa server through its REST channel."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from typing import Any

import httpx

from hub.domain.conversations import Button, Message, MessageKind, Reply
from hub.domain.language import Language

log = logging.getLogger(__name__)


class BotUnavailable(RuntimeError):
    """Rasa did not answer (not running, timed out, or answered with an error)."""


@dataclass(frozen=True)
class BotReply(Reply):
    custom: dict[str, Any] | None = None  # signals for the hub, e.g. a handoff


def bot_input(message: Message) -> str:
    """What Rasa gets for a citizen message.

    Photos and shared locations go as Rasa's ``/intent{entities}`` messages, so
    no NLU guesses at them: the media id is opaque, the coordinates are the
    citizen's own report.
    """
    if message.kind is MessageKind.PHOTO:
        return "/share_photo" + json.dumps({"photo": message.media_id})
    if message.kind is MessageKind.LOCATION and message.location is not None:
        return "/share_location" + json.dumps(asdict(message.location), ensure_ascii=False)
    return message.payload or message.text


class BotClient:
    """Sends one citizen message to Rasa and returns the bot's replies.

    ``conversation_id`` is the hub's opaque conversation id: Rasa never sees a
    channel user id.
    """

    def __init__(self, rasa_url: str, timeout_seconds: float) -> None:
        self._http = httpx.AsyncClient(base_url=rasa_url, timeout=timeout_seconds)

    async def close(self) -> None:
        await self._http.aclose()

    async def is_ready(self) -> bool:
        """Whether the Rasa server is up (it opens its port once the model is loaded)."""
        try:
            return (await self._http.get("/")).status_code == 200
        except httpx.HTTPError:
            return False

    async def ask(self, conversation_id: str, message: str, channel: str, language: Language) -> list[BotReply]:
        try:
            response = await self._http.post(
                "/webhooks/rest/webhook",
                json={
                    "sender": conversation_id,
                    "message": message,
                    "metadata": {"channel": channel, "language": language},
                },
            )
            response.raise_for_status()
            answer = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise BotUnavailable(f"{type(error).__name__}: {error}") from error
        if not isinstance(answer, list):
            raise BotUnavailable(f"unexpected answer from Rasa: {answer!r:.200}")
        return [reply for item in answer if (reply := _bot_reply(item)) is not None]


def _bot_reply(item: Any) -> BotReply | None:
    if not isinstance(item, dict):
        log.warning("ignored a malformed bot reply: %r", item)
        return None
    buttons = tuple(
        Button(title=str(button["title"]), payload=str(button["payload"]))
        for button in item.get("buttons") or ()
        if isinstance(button, dict) and "title" in button and "payload" in button
    )
    custom = item.get("custom") if isinstance(item.get("custom"), dict) else None
    text = item.get("text")
    if not isinstance(text, str) and not buttons and custom is None:
        return None
    return BotReply(text=text if isinstance(text, str) else "", buttons=buttons, custom=custom)
