"""The small interface every channel adapter implements.

An adapter is one package under ``channels/`` with a class that satisfies
:class:`Channel`: it turns the platform's webhooks into :class:`InboundMessage`
objects for the hub's :class:`Inbox`, and sends the hub's messages back. It
reads its own settings from the environment and is enabled by listing it in
``hub/app.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from sanic import Blueprint

from hub.domain.content import MenuAction, Text
from hub.domain.conversations import InboundMessage, Message
from hub.domain.language import Language


class Inbox(Protocol):
    """What the hub offers a channel."""

    async def receive(self, inbound: InboundMessage) -> Message:
        """Store the message, route it (to the bot) and deliver the answers.

        Raises :class:`hub.domain.conversations.InvalidMessage` for a message the
        hub refuses; nothing is stored then.
        """
        ...

    async def history(self, channel: str, external_id: str) -> list[Message]:
        """The open conversation's messages for a channel user, oldest first."""
        ...

    async def first_delivery(self, channel: str, event_id: str) -> bool:
        """True the first time the platform delivers this event; False for a redelivery."""
        ...

    async def welcome(self, channel: str, external_id: str, language: Language) -> None:
        """A citizen started a chat (LINE follow, Telegram /start): what the bot can do and the privacy notice."""
        ...

    async def offer_choices(
        self, channel: str, external_id: str, text: Text, choices: Sequence[MenuAction], language: Language
    ) -> None:
        """A hub message with buttons (Telegram /help, /language), in the conversation's language.

        ``language`` is for a citizen who has no conversation yet.
        """
        ...

    async def unreachable(self, channel: str, external_id: str) -> None:
        """The citizen blocked the bot: stop sending until they write again."""
        ...

    async def choose_language(self, channel: str, external_id: str, language: Language) -> None:
        """The citizen picked the language the bot answers in."""
        ...


class DeliveryError(Exception):
    """Sending to the platform failed.

    ``sent`` counts the messages, from the start of the batch, that did reach the
    citizen; ``retryable`` is set for rate limits and server errors (429, 5xx),
    ``recipient_unreachable`` when the citizen blocked the bot.
    """

    def __init__(
        self,
        reason: str,
        *,
        sent: int = 0,
        retryable: bool = False,
        recipient_unreachable: bool = False,
        retry_after_seconds: float | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.sent = sent
        self.retryable = retryable
        self.recipient_unreachable = recipient_unreachable
        self.retry_after_seconds = retry_after_seconds


class Channel(Protocol):
    """A messaging platform the citizens use."""

    name: str

    def blueprint(self, inbox: Inbox) -> Blueprint:
        """The routes the platform calls (webhooks, websockets, static files).

        Start-up and shut-down work (opening HTTP clients, polling) goes in the
        blueprint's listeners.
        """
        ...

    async def deliver(self, external_id: str, messages: Sequence[Message]) -> None:
        """Send hub messages (bot, agent or system), in order, as few platform calls as allowed.

        Raises :class:`DeliveryError`; the hub retries and records failures.
        """
        ...

    async def acknowledge(self, external_id: str, message: Message) -> None:
        """The citizen's message is stored (web chat echoes it; chat apps need nothing)."""
        ...

    async def show_typing(self, external_id: str, active: bool) -> None:
        """Tell the citizen the bot is preparing an answer."""
        ...
