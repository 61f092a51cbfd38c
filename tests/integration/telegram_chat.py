"""A citizen on Telegram, driven through the hub's real webhook and the fake Bot API."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from typing import Any

import httpx
from telegram import Update

from channels.telegram.channel import SECRET_HEADER, WEBHOOK_PATH
from tests.fakes.telegram_api import WEBHOOK_SECRET, FakeTelegramApi, SentMessage, TelegramCitizen
from tests.integration.stack import SECRET, Stack

_user_ids = itertools.count(700_000_001)

_OF_CHAT = """
    FROM messages m
    JOIN conversations c ON c.id = m.conversation_id
    JOIN channel_identities i ON i.id = c.identity_id
    WHERE i.channel = 'telegram' AND i.external_id = :chat_id
"""


def eventually(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


class TelegramChat:
    def __init__(self, stack: Stack, citizen: TelegramCitizen) -> None:
        self.stack = stack
        self.citizen = citizen

    @classmethod
    def new(cls, stack: Stack, language_code: str | None = "th") -> TelegramChat:
        api = stack.fakes["telegram"]
        assert isinstance(api, FakeTelegramApi)
        return cls(stack, TelegramCitizen(api, next(_user_ids), language_code=language_code))

    @property
    def api(self) -> FakeTelegramApi:
        return self.citizen.api

    @property
    def chat_id(self) -> str:
        return self.citizen.chat_id

    def post(self, update: Update | str, secret: str | None = WEBHOOK_SECRET) -> httpx.Response:
        """Post an update (or any body) to the webhook as Telegram does."""
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers[SECRET_HEADER] = secret
        body = update.to_json() if isinstance(update, Update) else update
        return httpx.post(self.stack.hub_url + WEBHOOK_PATH, content=body.encode(), headers=headers, timeout=10)

    def send(self, update: Update, replies: int = 1) -> list[SentMessage]:
        """Post an update and return the ``replies`` messages the citizen gets for it.

        Waits until that many arrived and the hub has nothing left to deliver,
        then checks that no more came.
        """
        before = len(self.received())
        response = self.post(update)
        assert response.status_code == 200, response.text
        return self.wait_for_replies(before, replies)

    def wait_for_replies(self, before: int, replies: int) -> list[SentMessage]:
        try:
            eventually(lambda: len(self.received()) >= before + replies and not self.pending(), "the replies")
        except AssertionError:
            got = [message.text for message in self.received()[before:]]
            raise AssertionError(f"chat {self.chat_id}: expected {replies} replies, got {got}") from None
        new = self.received()[before:]
        assert len(new) == replies, [message.text for message in new]
        return new

    def say(self, text: str, replies: int = 1) -> list[str]:
        return [message.text for message in self.send(self.citizen.text(text), replies)]

    def press(self, sent: SentMessage, title: str, replies: int = 1) -> list[SentMessage]:
        return self.send(self.citizen.press(sent, title), replies)

    def answered(self, press: Update) -> int:
        """How many times the hub answered this button press (so the button stopped spinning)."""
        assert press.callback_query is not None
        calls = self.api.calls_of("answerCallbackQuery")
        return sum(call.parameters["callback_query_id"] == press.callback_query.id for call in calls)

    def received(self) -> list[SentMessage]:
        return self.api.sent_messages(self.chat_id)

    def pending(self) -> int:
        [row] = self.stack.rows(f"SELECT count(*) AS n {_OF_CHAT} AND m.status = 'pending'", chat_id=self.chat_id)
        return int(row["n"])

    def stored(self) -> list[dict[str, Any]]:
        """The chat's stored messages, oldest first."""
        return self.stack.rows(
            f"SELECT m.sender, m.kind, m.text, m.payload, m.status, m.language, m.failure_reason, m.media_id,"
            f" m.location {_OF_CHAT} ORDER BY m.created_at, m.id",
            chat_id=self.chat_id,
        )

    def conversation_id(self) -> str:
        [row] = self.stack.rows(
            "SELECT c.id FROM conversations c JOIN channel_identities i ON i.id = c.identity_id"
            " WHERE i.channel = 'telegram' AND i.external_id = :chat_id AND c.closed_at IS NULL",
            chat_id=self.chat_id,
        )
        return str(row["id"])

    def transcript(self) -> list[dict[str, Any]]:
        """The conversation as the hub's internal API lists it."""
        response = httpx.get(
            f"{self.stack.hub_url}/internal/conversations/{self.conversation_id()}/messages",
            headers={"Authorization": f"Bearer {SECRET}"},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        return list(response.json()["messages"])
