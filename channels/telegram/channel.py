"""The Telegram channel: updates by webhook (or polling on a laptop), replies through the Bot API."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import mimetypes
from collections.abc import Mapping, Sequence
from typing import Any

from sanic import Blueprint, Request, Sanic
from sanic.response import HTTPResponse, empty, json
from telegram import Bot, CallbackQuery, PhotoSize, Update
from telegram import Message as TelegramMessage
from telegram.constants import ChatAction, ChatType
from telegram.error import InvalidToken, TelegramError

from channels.base import DeliveryError, Inbox
from channels.telegram.messages import (
    ALLOWED_UPDATES,
    ButtonPayloadTooLong,
    Command,
    chosen_language,
    delivery_error,
    language_choices,
    language_of,
    largest_photo,
    outgoing_texts,
    parse_command,
    pressed_title,
    shared_location,
    status_payload,
)
from channels.telegram.settings import Mode, TelegramSettings
from hub.domain.content import hub_messages, main_menu
from hub.domain.conversations import MAX_PHOTO_BYTES, InboundMessage, InvalidMessage, Message, MessageKind, Photo
from hub.http.internal import json_body
from hub.keyed_locks import KeyedLocks
from hub.settings import SettingsError

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/channels/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
TYPING_INTERVAL_SECONDS = 4.0  # Telegram shows "typing" for 5 seconds or until a message arrives
POLL_TIMEOUT_SECONDS = 30  # long polling: Telegram answers as soon as there is an update
MAX_POLL_BACKOFF_SECONDS = 30.0
SHUTDOWN_GRACE_SECONDS = 10.0  # updates being processed get this long to finish


class TelegramChannel:
    name = "telegram"

    def __init__(self, settings: TelegramSettings, typing_interval_seconds: float = TYPING_INTERVAL_SECONDS) -> None:
        self._settings = settings
        self._typing_interval_seconds = typing_interval_seconds
        self._bot = settings.bot()
        self._chat_locks: KeyedLocks[str] = KeyedLocks()
        self._updates_in_progress: set[asyncio.Task[None]] = set()
        self._typing: dict[str, asyncio.Task[None]] = {}
        self._poller: asyncio.Task[None] | None = None

    @classmethod
    def from_environment(cls, environment: Mapping[str, str]) -> TelegramChannel | None:
        """Enabled by TELEGRAM_BOT_TOKEN; see docs/channels/telegram.md."""
        settings = TelegramSettings.from_environment(environment)
        return None if settings is None else cls(settings)

    def blueprint(self, inbox: Inbox) -> Blueprint:
        blueprint = Blueprint("telegram")

        if self._settings.mode is Mode.WEBHOOK:

            @blueprint.post(WEBHOOK_PATH)
            async def webhook(request: Request) -> HTTPResponse:
                return self._accept(inbox, request)

        @blueprint.before_server_start
        async def connect(app: Sanic) -> None:
            await self.start()
            if self._settings.mode is Mode.POLLING:
                self._poller = asyncio.create_task(self._poll(inbox), name="telegram-polling")

        @blueprint.before_server_stop
        async def disconnect(app: Sanic) -> None:
            await self.stop()

        return blueprint

    async def start(self) -> None:
        """Open the Bot API client and check the token (getMe)."""
        try:
            await self._bot.initialize()
        except InvalidToken:
            # PTB's message repeats the token: it stays out of the logs.
            raise SettingsError("TELEGRAM_BOT_TOKEN was refused by Telegram (check it with BotFather)") from None
        except TelegramError as error:  # Telegram unreachable: the hub still starts, sending retries later
            log.warning("telegram: could not reach the Bot API at start (%s)", error.message)
            return
        log.info("telegram: bot @%s, %s mode", self._bot.username, self._settings.mode.value)

    async def stop(self) -> None:
        """Stop polling, let updates being processed finish, stop typing, close the client."""
        if self._poller is not None:
            self._poller.cancel()
            await asyncio.gather(self._poller, return_exceptions=True)
        if self._updates_in_progress:
            _, unfinished = await asyncio.wait(self._updates_in_progress, timeout=SHUTDOWN_GRACE_SECONDS)
            for task in unfinished:
                task.cancel()
            await asyncio.gather(*unfinished, return_exceptions=True)
        typing = list(self._typing.values())
        self._typing.clear()
        for task in typing:
            task.cancel()
        await asyncio.gather(*typing, return_exceptions=True)
        await self._bot.shutdown()

    def _accept(self, inbox: Inbox, request: Request) -> HTTPResponse:
        """Check the secret, parse the update, answer at once; the update is processed in the background."""
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self._settings.webhook_secret.encode()):
            log.warning("telegram: refused a webhook call without the right secret token from %s", request.ip)
            return json({"error": "unauthorized", "message": f"missing or wrong {SECRET_HEADER}"}, status=401)
        update = _update(json_body(request), self._bot)
        if update is None:
            log.warning("telegram: refused a webhook body that is not a Telegram update")
            return json({"error": "invalid_update", "message": "the body is not a Telegram update"}, status=400)
        self._process_soon(inbox, update)
        return empty(status=200)

    def _process_soon(self, inbox: Inbox, update: Update) -> None:
        task = asyncio.create_task(self._process(inbox, update))
        self._updates_in_progress.add(task)
        task.add_done_callback(self._updates_in_progress.discard)

    async def _process(self, inbox: Inbox, update: Update) -> None:
        chat = update.effective_chat
        # Updates are processed in the order they arrived, one chat at a time: a photo
        # being downloaded must not be overtaken by the text sent after it.
        async with self._chat_locks(str(chat.id) if chat is not None else ""):
            try:
                if not await inbox.first_delivery(self.name, str(update.update_id)):
                    log.info("telegram: update %d was delivered again; ignored", update.update_id)
                    return
                if update.callback_query is not None:
                    await self._on_button(inbox, update.callback_query)
                elif update.message is not None:
                    await self._on_message(inbox, update.message)
            except InvalidMessage as error:
                if chat is not None:
                    await self._tell(str(chat.id), hub_messages()[f"errors.{error.code}"].bilingual())
            except Exception:
                log.exception("telegram: update %d could not be processed", update.update_id)

    async def _on_message(self, inbox: Inbox, message: TelegramMessage) -> None:
        chat_id = str(message.chat.id)
        if message.chat.type != ChatType.PRIVATE:
            await self._tell(chat_id, hub_messages()["telegram.private_only"].bilingual())
            return
        if message.text is not None:
            command = parse_command(message.text)
            if command is None:
                await inbox.receive(InboundMessage(self.name, chat_id, message.text))
            else:
                await self._on_command(inbox, chat_id, command, message)
        elif message.photo:
            photo = await self._download(largest_photo(message.photo))
            await inbox.receive(InboundMessage(self.name, chat_id, kind=MessageKind.PHOTO, photo=photo))
            if message.caption:
                await inbox.receive(InboundMessage(self.name, chat_id, message.caption))
        elif message.location is not None:
            location = shared_location(message)
            await inbox.receive(InboundMessage(self.name, chat_id, kind=MessageKind.LOCATION, location=location))
        elif message.sticker is not None:
            sticker = message.sticker.emoji or ""
            await inbox.receive(InboundMessage(self.name, chat_id, sticker, kind=MessageKind.STICKER))
        elif message.effective_attachment is not None:  # voice, audio, video, files, contacts, polls...
            caption = message.caption or ""
            await inbox.receive(InboundMessage(self.name, chat_id, caption, kind=MessageKind.UNSUPPORTED))
        else:
            log.debug("telegram: ignored a service message in chat %s", chat_id)

    async def _on_command(self, inbox: Inbox, chat_id: str, command: Command, message: TelegramMessage) -> None:
        language = language_of(message.from_user)
        messages = hub_messages()
        if command.name == "start":
            await inbox.welcome(self.name, chat_id, language)
        elif command.name == "status":
            assert message.text is not None
            payload = status_payload(command.argument)
            await inbox.receive(InboundMessage(self.name, chat_id, message.text, payload=payload))
        elif command.name == "language":
            choices = language_choices()
            await inbox.offer_choices(self.name, chat_id, messages["telegram.choose_language"], choices, language)
        else:  # /help, and commands the bot does not have
            await inbox.offer_choices(self.name, chat_id, messages["telegram.help"], main_menu(), language)

    async def _on_button(self, inbox: Inbox, query: CallbackQuery) -> None:
        try:  # first, so the button stops spinning whatever happens next
            await self._bot.answer_callback_query(query.id)
        except TelegramError as error:
            log.warning("telegram: could not answer a button press: %s", error.message)
        chat = query.message.chat if query.message is not None else None
        if chat is None or chat.type != ChatType.PRIVATE or not query.data:
            return
        chat_id = str(chat.id)
        language = chosen_language(query.data)
        if language is not None:
            await inbox.choose_language(self.name, chat_id, language)
            return
        title = pressed_title(query) or query.data
        await inbox.receive(InboundMessage(self.name, chat_id, title, payload=query.data))

    async def _download(self, size: PhotoSize) -> Photo:
        if size.file_size is not None and size.file_size > MAX_PHOTO_BYTES:
            raise InvalidMessage("invalid_image_size")
        try:
            file = await self._bot.get_file(size.file_id)
            content = bytes(await file.download_as_bytearray())
        except TelegramError as error:
            log.error("telegram: a photo could not be downloaded: %s", error.message)
            raise InvalidMessage("photo_not_received") from error
        # Telegram re-encodes every photo (not sent as a file) to JPEG.
        content_type = mimetypes.guess_type(file.file_path or "")[0] or "image/jpeg"
        return Photo(content, content_type)

    async def _tell(self, chat_id: str, text: str) -> None:
        """A notice outside any conversation (a refused message, a group chat): not stored, not retried."""
        try:
            await self._bot.send_message(chat_id, text)
        except TelegramError as error:
            log.warning("telegram: could not send a notice: %s", error.message)

    async def _poll(self, inbox: Inbox) -> None:
        """Ask Telegram for updates (long polling) until the hub stops."""
        offset: int | None = None
        webhook_deleted = False
        failures = 0
        while True:
            try:
                if not webhook_deleted:  # Telegram refuses getUpdates while a webhook is set
                    await self._bot.delete_webhook()
                    webhook_deleted = True
                updates = await self._bot.get_updates(
                    offset=offset, timeout=POLL_TIMEOUT_SECONDS, allowed_updates=list(ALLOWED_UPDATES)
                )
            except TelegramError as error:
                failures += 1
                delay = min(2.0**failures, MAX_POLL_BACKOFF_SECONDS)
                log.warning("telegram: polling failed (%s); trying again in %.0f s", error.message, delay)
                await asyncio.sleep(delay)
                continue
            failures = 0
            for update in updates:
                offset = update.update_id + 1  # confirms the update: Telegram will not send it again
                self._process_soon(inbox, update)

    async def acknowledge(self, external_id: str, message: Message) -> None:
        """Telegram shows the citizen's own message already."""

    async def deliver(self, external_id: str, messages: Sequence[Message]) -> None:
        """Send the messages in order. A message split in parts that fails half-way is
        counted as not sent, so a retry repeats a part rather than losing one."""
        for sent, message in enumerate(messages):
            try:
                for outgoing in outgoing_texts(message):
                    await self._bot.send_message(external_id, outgoing.text, reply_markup=outgoing.keyboard)
            except ButtonPayloadTooLong as error:
                log.error("telegram: message %s not sent: %s", message.id, error)
                raise DeliveryError(str(error), sent=sent) from error
            except TelegramError as error:
                raise delivery_error(error, sent) from error

    async def show_typing(self, external_id: str, active: bool) -> None:
        if active:
            if external_id not in self._typing:
                self._typing[external_id] = asyncio.create_task(self._keep_typing(external_id))
            return
        task = self._typing.pop(external_id, None)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _keep_typing(self, chat_id: str) -> None:
        while True:
            try:
                await self._bot.send_chat_action(chat_id, ChatAction.TYPING)
            except TelegramError as error:  # only a hint to the citizen: the answer still goes out
                log.debug("telegram: typing action failed: %s", error.message)
            await asyncio.sleep(self._typing_interval_seconds)


def _update(body: Any, bot: Bot) -> Update | None:
    """The update Telegram posted, or None for a body that is not one."""
    if not isinstance(body, dict) or not isinstance(body.get("update_id"), int):
        return None
    try:
        return Update.de_json(body, bot)
    except (AttributeError, KeyError, TypeError, ValueError):  # what PTB raises for malformed fields
        return None
