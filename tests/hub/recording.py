"""A chat platform that accepts everything and remembers it (the platform is the one part we cannot run)."""

from __future__ import annotations

from collections.abc import Sequence

from sanic import Blueprint

from channels.base import Inbox
from hub.domain.conversations import Message


class RecordingPlatform:
    name = "webchat"

    def __init__(self) -> None:
        self.delivered: list[Message] = []

    def blueprint(self, inbox: Inbox) -> Blueprint:
        return Blueprint("recording")

    async def deliver(self, external_id: str, messages: Sequence[Message]) -> None:
        self.delivered.extend(messages)

    async def acknowledge(self, external_id: str, message: Message) -> None:
        pass

    async def show_typing(self, external_id: str, active: bool) -> None:
        pass

    def texts(self) -> list[str]:
        return [message.text for message in self.delivered]
