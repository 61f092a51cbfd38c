"""The small interface every channel adapter implements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sanic import Blueprint

from hub.domain.conversations import InboundMessage, Message


class Inbox(Protocol):
    """What the hub offers a channel: take in a citizen's message."""

    async def receive(self, inbound: InboundMessage) -> Message:
        """Store the message, route it (to the bot) and deliver the answers.

        Raises :class:`hub.domain.conversations.InvalidMessage` for a message the
        hub refuses; nothing is stored then.
        """
        ...

    async def history(self, channel: str, external_id: str) -> list[Message]:
        """The open conversation's messages for a channel user, oldest first."""
        ...


@dataclass(frozen=True)
class Delivery:
    """How delivering one message went; ``failure_reason`` is set when it failed."""

    delivered: bool
    failure_reason: str | None = None


class Channel(Protocol):
    """A messaging platform the citizens use."""

    name: str

    def blueprint(self, inbox: Inbox) -> Blueprint:
        """The routes the platform calls (webhooks, websockets, static files)."""
        ...

    async def deliver(self, external_id: str, message: Message) -> Delivery:
        """Send one hub message (bot, agent or system) to the citizen."""
        ...

    async def acknowledge(self, external_id: str, message: Message) -> None:
        """The citizen's message is stored (web chat echoes it; chat apps need nothing)."""
        ...

    async def show_typing(self, external_id: str, active: bool) -> None:
        """Tell the citizen the bot is preparing an answer."""
        ...
