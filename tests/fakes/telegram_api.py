"""A fake Telegram Bot API: a real HTTP server on a loopback port, in a thread.

It answers the methods the hub's python-telegram-bot client calls, as
https://core.telegram.org/bots/api describes them, records every call, serves
the photos registered with :meth:`FakeTelegramApi.add_photo`, renders texts by
Telegram's parse-mode rules (so a test sees what the citizen would read), and
fails on demand (429 with retry_after, 500, 403 for a blocked bot).

Tests build updates with python-telegram-bot's own classes
(:class:`TelegramCitizen`) and post them to the hub's webhook, or queue them for
``getUpdates`` when the hub polls.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote

from telegram import (
    CallbackQuery,
    Chat,
    Location,
    Message,
    PhotoSize,
    Sticker,
    Update,
    User,
    Venue,
    Voice,
)

TOKEN = "4242424242:AAFakeTokenForTheSaphanTests_0123456789"
WEBHOOK_SECRET = "saphan-test-webhook-secret-0123"
BOT_USER = User(id=4242424242, first_name="Saphan", is_bot=True, username="saphan_test_bot")
BLOCKED = "Forbidden: bot was blocked by the user"
TEXT_LIMIT = 4096
CALLBACK_DATA_LIMIT = 64
# Parameters PTB sends as plain strings; every other one is JSON-encoded.
_STRING_PARAMETERS = frozenset(
    {"chat_id", "text", "parse_mode", "action", "callback_query_id", "file_id", "url", "secret_token", "caption"}
)


class TelegramApiError(Exception):
    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


@dataclass
class ApiCall:
    method: str
    parameters: dict[str, Any]
    status: int = HTTPStatus.OK  # what the fake answered
    result: Any = None

    @property
    def chat_id(self) -> str | None:
        chat_id = self.parameters.get("chat_id")
        return None if chat_id is None else str(chat_id)


@dataclass
class Failure:
    """After ``after`` more calls succeed, the next ``times`` calls of ``method`` (for ``chat_id``,
    if given) fail; ``times=None``: until cleared."""

    method: str
    status: int
    description: str
    times: int | None = 1
    chat_id: str | None = None
    retry_after: int | None = None
    after: int = 0

    def applies_to(self, call: ApiCall) -> bool:
        return call.method == self.method and (self.chat_id is None or self.chat_id == call.chat_id)


@dataclass
class SentMessage:
    """A message the bot sent, as the citizen sees it."""

    message_id: int
    chat_id: str
    text: str  # rendered by the parse mode's rules
    buttons: list[dict[str, str]]  # the inline keyboard, row by row flattened: {"text", "callback_data"}
    raw: dict[str, Any] = field(repr=False)  # the Message object the fake returned


def render(text: str, parse_mode: str | None) -> str:
    """What Telegram shows for ``text`` sent with ``parse_mode``; raises for text Telegram refuses."""
    if not parse_mode:
        return text
    if parse_mode == "HTML":
        return _render_html(text)
    if parse_mode == "MarkdownV2":
        return _render_markdown_v2(text)
    if parse_mode == "Markdown":
        return _render_markdown(text)
    raise TelegramApiError(400, f"Bad Request: unsupported parse_mode {parse_mode!r}")


_HTML_TAGS = "b|strong|i|em|u|ins|s|strike|del|span|tg-spoiler|a|code|pre|blockquote|tg-emoji"
_HTML_TOKEN = re.compile(rf"<(/?)({_HTML_TAGS})(\s[^<>]*)?>|&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);|[<>&]")


def _render_html(text: str) -> str:
    """Telegram's HTML: its tags are markup, its entities are characters, any other <, > or & is an error."""

    def token(match: re.Match[str]) -> str:
        if match.group(2):
            return ""
        if match.group(4):
            return html.unescape(match.group(0))
        raise TelegramApiError(400, f"Bad Request: can't parse entities: unexpected {match.group(0)!r}")

    return _HTML_TOKEN.sub(token, text)


_MARKDOWN_V2_RESERVED = set("_*[]()~`>#+-=|{}.!")


def _render_markdown_v2(text: str) -> str:
    """MarkdownV2: a backslash escapes any character; *, _, ~ and ` delimit entities in pairs;
    every other reserved character must be escaped."""
    shown: list[str] = []
    open_entities: list[str] = []
    characters = iter(text)
    for character in characters:
        if character == "\\":
            shown.append(next(characters, ""))
        elif character in "*_~`":
            if open_entities and open_entities[-1] == character:
                open_entities.pop()
            else:
                open_entities.append(character)
        elif character in _MARKDOWN_V2_RESERVED:
            raise TelegramApiError(
                400, f"Bad Request: can't parse entities: Character '{character}' is reserved and must be escaped"
            )
        else:
            shown.append(character)
    if open_entities:
        raise TelegramApiError(400, "Bad Request: can't parse entities: Can't find end of the entity")
    return "".join(shown)


def _render_markdown(text: str) -> str:
    """Legacy Markdown: *, _ and ` delimit entities in pairs and vanish; nothing can be escaped inside."""
    for delimiter in "*_`":
        if text.count(delimiter) % 2:
            raise TelegramApiError(400, "Bad Request: can't parse entities: Can't find end of the entity")
        text = text.replace(delimiter, "")
    return text


class FakeTelegramApi:
    """Implements :class:`tests.fakes.PlatformFake` for the Telegram channel."""

    def __init__(self, *, polling: bool = False) -> None:
        self.polling = polling
        self.calls: list[ApiCall] = []
        self.webhook: dict[str, Any] | None = None
        self._failures: list[Failure] = []
        self._files: dict[str, tuple[str, bytes]] = {}  # file_id -> (file_path, content)
        self._updates: list[dict[str, Any]] = []  # queued for getUpdates
        self._message_ids = itertools.count(1)
        self._update_ids = itertools.count(100_001)
        self._changed = threading.Condition()
        self._stopping = False
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # PlatformFake

    def start(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake._serve(self)

            def do_POST(self) -> None:
                fake._serve(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        server.block_on_close = False  # a long poll in progress must not hold up stopping
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-telegram-api", daemon=True
        )
        self._thread.start()

    def hub_environment(self) -> dict[str, str]:
        environment = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": self.base_url}
        if self.polling:
            environment["TELEGRAM_MODE"] = "polling"
        else:
            environment["TELEGRAM_WEBHOOK_SECRET"] = WEBHOOK_SECRET
        return environment

    def stop(self) -> None:
        with self._changed:
            self._stopping = True
            self._changed.notify_all()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # What tests arrange

    def fail(
        self,
        method: str,
        status: int,
        description: str,
        *,
        times: int | None = 1,
        chat_id: str | None = None,
        retry_after: int | None = None,
        after: int = 0,
    ) -> None:
        with self._changed:
            self._failures.append(Failure(method, status, description, times, chat_id, retry_after, after))

    def clear_failures(self, chat_id: str) -> None:
        with self._changed:
            self._failures = [failure for failure in self._failures if failure.chat_id != chat_id]

    def add_photo(self, content: bytes) -> str:
        """Register photo bytes as getFile will find them; returns the file id."""
        number = next(self._message_ids)
        file_id = f"AgACAgUAAxkBAAI{number}"
        with self._changed:
            self._files[file_id] = (f"photos/file_{number}.jpg", content)
        return file_id

    def queue_update(self, update: Update) -> None:
        """An update for the next getUpdates call (polling mode)."""
        with self._changed:
            self._updates.append(update.to_dict())
            self._changed.notify_all()

    def next_update_id(self) -> int:
        return next(self._update_ids)

    # What tests read

    def calls_of(self, method: str, chat_id: str | None = None) -> list[ApiCall]:
        with self._changed:
            return [
                call for call in self.calls if call.method == method and (chat_id is None or call.chat_id == chat_id)
            ]

    def sent_messages(self, chat_id: str) -> list[SentMessage]:
        """The messages the citizen received, in order (refused calls are not among them)."""
        return [
            SentMessage(
                message_id=call.result["message_id"],
                chat_id=chat_id,
                text=call.result["text"],
                buttons=[button for row in _keyboard(call.parameters) for button in row],
                raw=call.result,
            )
            for call in self.calls_of("sendMessage", chat_id)
            if call.status == HTTPStatus.OK and call.result is not None  # answered, not still in progress
        ]

    def wait_until(self, condition: Callable[[], bool], timeout: float = 60, what: str = "the condition") -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not condition():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"fake Telegram: timed out waiting for {what}")
                self._changed.wait(min(remaining, 0.5))

    # The HTTP side

    def _serve(self, request: BaseHTTPRequestHandler) -> None:
        path = unquote(request.path.split("?", 1)[0])  # PTB quotes file paths (the token's ":" too)
        if path.startswith(f"/file/bot{TOKEN}/"):
            self._serve_file(request, path.removeprefix(f"/file/bot{TOKEN}/"))
            return
        match = re.fullmatch(r"/bot([^/]+)/(\w+)", path)
        if match is None or match.group(1) != TOKEN:
            _reply(request, HTTPStatus.UNAUTHORIZED, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        call = ApiCall(match.group(2), _parameters(request))
        try:
            with self._changed:
                self.calls.append(call)
                self._raise_scripted_failure(call)
            result = self._answer(call)
        except TelegramApiError as error:
            body: dict[str, Any] = {"ok": False, "error_code": error.status, "description": error.description}
            if error.retry_after is not None:
                body["parameters"] = {"retry_after": error.retry_after}
            with self._changed:
                call.status = error.status
                self._changed.notify_all()
            _reply(request, error.status, body)
            return
        with self._changed:
            call.result = result
            self._changed.notify_all()
        _reply(request, HTTPStatus.OK, {"ok": True, "result": result})

    def _raise_scripted_failure(self, call: ApiCall) -> None:
        failure = next((failure for failure in self._failures if failure.applies_to(call)), None)
        if failure is None:
            return
        if failure.after > 0:
            failure.after -= 1
            return
        if failure.times is not None:
            failure.times -= 1
            if failure.times == 0:
                self._failures.remove(failure)
        raise TelegramApiError(failure.status, failure.description, failure.retry_after)

    def _answer(self, call: ApiCall) -> Any:
        parameters = call.parameters
        if call.method == "getMe":
            return BOT_USER.to_dict()
        if call.method == "sendMessage":
            return self._send_message(parameters)
        if call.method in ("sendChatAction", "answerCallbackQuery"):
            return True
        if call.method == "getFile":
            file_id = parameters.get("file_id")
            if file_id not in self._files:
                raise TelegramApiError(400, "Bad Request: invalid file_id")
            file_path, content = self._files[file_id]
            return {
                "file_id": file_id,
                "file_unique_id": file_id[-8:],
                "file_size": len(content),
                "file_path": file_path,
            }
        if call.method == "setWebhook":
            with self._changed:
                self.webhook = parameters
            return True
        if call.method == "deleteWebhook":
            with self._changed:
                self.webhook = None
            return True
        if call.method == "getUpdates":
            return self._get_updates(parameters)
        raise TelegramApiError(404, "Not Found")

    def _send_message(self, parameters: dict[str, Any]) -> dict[str, Any]:
        text = str(parameters.get("text", ""))
        if not text.strip():
            raise TelegramApiError(400, "Bad Request: message text is empty")
        if len(text) > TEXT_LIMIT:
            raise TelegramApiError(400, "Bad Request: message is too long")
        keyboard = _keyboard(parameters)
        for row in keyboard:
            for button in row:
                if len(button.get("callback_data", "").encode()) > CALLBACK_DATA_LIMIT:
                    raise TelegramApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        chat_id = int(parameters["chat_id"])
        message = Message(
            message_id=next(self._message_ids),
            date=datetime.now(UTC),
            chat=Chat(id=chat_id, type=Chat.PRIVATE),
            from_user=BOT_USER,
            text=render(text, parameters.get("parse_mode")),
        ).to_dict()
        if "reply_markup" in parameters:
            message["reply_markup"] = parameters["reply_markup"]
        return message

    def _get_updates(self, parameters: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise TelegramApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
            )
        offset = int(parameters.get("offset") or 0)
        deadline = time.monotonic() + float(parameters.get("timeout") or 0)
        with self._changed:
            self._updates = [update for update in self._updates if update["update_id"] >= offset]  # confirmed
            while not self._updates and not self._stopping and time.monotonic() < deadline:
                self._changed.wait(min(deadline - time.monotonic(), 0.5))
            return list(self._updates)

    def _serve_file(self, request: BaseHTTPRequestHandler, file_path: str) -> None:
        with self._changed:
            self.calls.append(ApiCall("downloadFile", {"file_path": file_path}))
            content = next((data for path, data in self._files.values() if path == file_path), None)
        if content is None:
            _reply(request, HTTPStatus.NOT_FOUND, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        request.send_response(HTTPStatus.OK)
        request.send_header("Content-Type", "application/octet-stream")
        request.send_header("Content-Length", str(len(content)))
        request.end_headers()
        request.wfile.write(content)


def _parameters(request: BaseHTTPRequestHandler) -> dict[str, Any]:
    length = int(request.headers.get("Content-Length") or 0)
    body = request.rfile.read(length).decode("utf-8") if length else ""
    if request.headers.get("Content-Type", "").startswith("application/json"):
        return json.loads(body or "{}")
    parameters: dict[str, Any] = {}
    for name, [value] in parse_qs(body, keep_blank_values=True).items():
        parameters[name] = value if name in _STRING_PARAMETERS else json.loads(value)
    return parameters


def _keyboard(parameters: dict[str, Any]) -> list[list[dict[str, str]]]:
    markup = parameters.get("reply_markup") or {}
    return markup.get("inline_keyboard", [])


def _reply(request: BaseHTTPRequestHandler, status: int, body: dict[str, Any]) -> None:
    content = json.dumps(body, ensure_ascii=False).encode("utf-8")
    try:
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(content)))
        request.end_headers()
        request.wfile.write(content)
    except (BrokenPipeError, ConnectionResetError):  # the client gave up (a cancelled long poll)
        pass


@dataclass
class TelegramCitizen:
    """A citizen's Telegram account in a private chat with the bot: builds the
    updates Telegram sends when they write, share or press something."""

    api: FakeTelegramApi
    user_id: int
    first_name: str = "สมชาย"
    language_code: str | None = "th"

    @property
    def chat_id(self) -> str:
        return str(self.user_id)

    def user(self) -> User:
        return User(id=self.user_id, first_name=self.first_name, is_bot=False, language_code=self.language_code)

    def chat(self) -> Chat:
        return Chat(id=self.user_id, type=Chat.PRIVATE, first_name=self.first_name)

    def message(self, chat: Chat | None = None, **content: Any) -> Update:
        """An update with a new message from this citizen (in their private chat unless ``chat`` says otherwise)."""
        update_id = self.api.next_update_id()
        message = Message(
            message_id=update_id,
            date=datetime.now(UTC),
            chat=chat or self.chat(),
            from_user=self.user(),
            **content,
        )
        return Update(update_id=update_id, message=message)

    def text(self, text: str) -> Update:
        return self.message(text=text)

    def photo(self, content: bytes, caption: str | None = None) -> Update:
        """A photo as Telegram sends it: the same picture in three sizes, only the largest has ``content``."""
        sizes = [
            PhotoSize(self.api.add_photo(b"thumbnail " + content[:16]), "small", 90, 68, 1_000),
            PhotoSize(self.api.add_photo(content), "large", 1280, 960, len(content)),
            PhotoSize(self.api.add_photo(b"medium " + content[:16]), "medium", 320, 240, 9_000),
        ]
        return self.message(photo=tuple(sizes), caption=caption)

    def location(self, latitude: float, longitude: float) -> Update:
        return self.message(location=Location(longitude=longitude, latitude=latitude))

    def venue(self, latitude: float, longitude: float, title: str, address: str) -> Update:
        point = Location(longitude=longitude, latitude=latitude)
        return self.message(location=point, venue=Venue(point, title, address))

    def sticker(self, emoji: str = "👍") -> Update:
        sticker = Sticker("CAACAgIAAxkBAAIB", "AgADAQAD", 512, 512, False, False, Sticker.REGULAR, emoji=emoji)
        return self.message(sticker=sticker)

    def voice(self) -> Update:
        return self.message(voice=Voice("AwACAgIAAxkBAAIC", "AgADAgAD", 3))

    def press(self, sent: SentMessage, title: str) -> Update:
        """A press of the button titled ``title`` under a message the bot sent."""
        [button] = [button for button in sent.buttons if button["text"] == title]
        update_id = self.api.next_update_id()
        query = CallbackQuery(
            id=f"cbq-{update_id}",
            from_user=self.user(),
            chat_instance=f"instance-{self.user_id}",
            message=Message.de_json(sent.raw, None),
            data=button["callback_data"],
        )
        return Update(update_id=update_id, callback_query=query)
