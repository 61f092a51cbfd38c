"""A fake LINE Messaging API, and webhook events signed exactly as LINE signs them.

Two real HTTP servers on loopback ports (the API host and the data host, as
``api.line.me`` and ``api-data.line.me``), run in threads of the test process,
sharing one recorded state. They check what LINE checks that matters to us
(the access token, the documented message limits, one use per reply token,
retry keys) and answer as LINE documents: ``{"message": ...}`` bodies on errors.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

REPLY_TOKEN_LIFETIME_SECONDS = 60  # LINE: "within about a minute"
SENDING_ENDPOINTS = ("/v2/bot/message/reply", "/v2/bot/message/push")
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def sign(body: bytes, channel_secret: str) -> str:
    """``X-Line-Signature``: base64 of the HMAC-SHA256 of the raw body, keyed with the channel secret."""
    return base64.b64encode(hmac.new(channel_secret.encode(), body, hashlib.sha256).digest()).decode()


def ulid(timestamp_ms: int) -> str:
    """A ULID, the format of LINE's ``webhookEventId``: 48 bits of time, 80 random bits, Crockford base32."""
    value = (timestamp_ms << 80) | secrets.randbits(80)
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


def line_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class Recorded:
    """One request the fake received."""

    host: str  # "api" or "data"
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass(frozen=True)
class Delivery:
    """Messages LINE accepted for a user, by reply or by push."""

    user_id: str
    kind: str  # "reply" or "push"
    messages: list[dict[str, Any]]
    retry_key: str | None = None
    received_at: float = field(default_factory=time.monotonic, compare=False)  # for latency benchmarks

    @property
    def texts(self) -> list[str]:
        return [message["text"] for message in self.messages if message["type"] == "text"]


@dataclass
class Failure:
    """After ``after`` calls pass, the next ``remaining`` calls (None: all) of ``endpoints`` for
    ``user_id`` (None: anyone) answer ``status`` with ``message``."""

    status: int
    message: str
    remaining: int | None
    after: int
    user_id: str | None
    endpoints: tuple[str, ...]
    retry_after: str | None
    accept_first: bool  # the message gets through, only the answer is an error (a lost response)


@dataclass
class _ReplyToken:
    user_id: str
    issued_at: float
    used: bool = False


@dataclass
class _State:
    lock: threading.Condition = field(default_factory=threading.Condition)
    requests: list[Recorded] = field(default_factory=list)
    deliveries: dict[str, list[Delivery]] = field(default_factory=dict)  # by user id
    reply_tokens: dict[str, _ReplyToken] = field(default_factory=dict)
    retry_keys: dict[str, str] = field(default_factory=dict)  # accepted key -> request id
    contents: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # message id -> (bytes, type)
    profiles: dict[str, dict[str, str]] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    rich_menus: dict[str, dict[str, Any]] = field(default_factory=dict)
    rich_menu_images: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    rich_menu_aliases: dict[str, str] = field(default_factory=dict)
    default_rich_menu: str | None = None
    delivery_listeners: list[Callable[[Delivery], None]] = field(default_factory=list)


class FakeLineApi:
    """Implements :class:`tests.fakes.PlatformFake` for the LINE channel."""

    def __init__(self) -> None:
        self.channel_secret = secrets.token_hex(16)
        self.access_token = secrets.token_urlsafe(32)
        self._state = _State()
        self._servers: dict[str, ThreadingHTTPServer] = {}
        self._threads: list[threading.Thread] = []

    # -- PlatformFake ------------------------------------------------------

    def start(self) -> None:
        for host in ("api", "data"):
            server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(host, self.access_token, self._state))
            server.daemon_threads = True
            thread = threading.Thread(target=server.serve_forever, name=f"fake-line-{host}", daemon=True)
            thread.start()
            self._servers[host] = server
            self._threads.append(thread)

    def url(self, host: str = "api") -> str:
        return f"http://127.0.0.1:{self._servers[host].server_address[1]}"

    def hub_environment(self) -> dict[str, str]:
        return {
            "LINE_CHANNEL_SECRET": self.channel_secret,
            "LINE_CHANNEL_ACCESS_TOKEN": self.access_token,
            "LINE_API_BASE_URL": self.url("api"),
            "LINE_DATA_API_BASE_URL": self.url("data"),
        }

    def stop(self) -> None:
        for server in self._servers.values():
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    # -- what the tests arrange -------------------------------------------

    def fail(
        self,
        status: int,
        *,
        times: int | None = 1,
        user_id: str | None = None,
        endpoints: tuple[str, ...] = SENDING_ENDPOINTS,
        retry_after: str | None = None,
        accept_first: bool = False,
        after: int = 0,
        message: str | None = None,
    ) -> None:
        """Answer ``status`` to the next ``times`` calls of ``endpoints`` (``times=None``: always), ``after`` calls from now."""
        message = message or _FAILURE_MESSAGES.get(status, "error")
        failure = Failure(status, message, times, after, user_id, endpoints, retry_after, accept_first)
        with self._state.lock:
            self._state.failures.append(failure)

    def clear_failures(self) -> None:
        with self._state.lock:
            self._state.failures.clear()

    def on_delivery(self, listener: Callable[[Delivery], None]) -> None:
        """Call ``listener`` (from the server's thread) with each delivery as it arrives."""
        with self._state.lock:
            self._state.delivery_listeners.append(listener)

    def set_profile(self, user_id: str, language: str) -> None:
        with self._state.lock:
            self._state.profiles[user_id] = {"userId": user_id, "displayName": "พลเมือง", "language": language}

    # -- webhook events, as LINE sends them ------------------------------

    def event(
        self,
        user_id: str,
        event_type: str,
        *,
        timestamp_ms: int | None = None,
        reply: bool = True,
        source: dict[str, str] | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """A webhook event from a user's one-to-one chat; a reply token is issued for it."""
        timestamp_ms = timestamp_ms if timestamp_ms is not None else int(time.time() * 1000)
        event: dict[str, Any] = {
            "type": event_type,
            "mode": "active",
            "timestamp": timestamp_ms,
            "source": source or {"type": "user", "userId": user_id},
            "webhookEventId": ulid(timestamp_ms),
            "deliveryContext": {"isRedelivery": False},
        }
        if reply:
            token = secrets.token_hex(16)
            with self._state.lock:
                self._state.reply_tokens[token] = _ReplyToken(user_id, timestamp_ms / 1000)
            event["replyToken"] = token
        event.update(fields)
        return event

    def message_event(self, user_id: str, message: dict[str, Any], **options: Any) -> dict[str, Any]:
        message = {"id": str(secrets.randbelow(10**18) + 10**17), **message}
        if message["type"] in ("text", "image", "video", "sticker"):
            message.setdefault("quoteToken", secrets.token_urlsafe(24))
        return self.event(user_id, "message", message=message, **options)

    def text_event(self, user_id: str, text: str, **options: Any) -> dict[str, Any]:
        return self.message_event(user_id, {"type": "text", "text": text}, **options)

    def image_event(self, user_id: str, content: bytes, content_type: str, **options: Any) -> dict[str, Any]:
        """An image message whose content the fake serves from the data host."""
        event = self.message_event(user_id, {"type": "image", "contentProvider": {"type": "line"}}, **options)
        with self._state.lock:
            self._state.contents[event["message"]["id"]] = (content, content_type)
        return event

    def location_event(
        self, user_id: str, latitude: float, longitude: float, title: str, address: str, **options: Any
    ) -> dict[str, Any]:
        message = {"type": "location", "title": title, "address": address, "latitude": latitude, "longitude": longitude}
        return self.message_event(user_id, message, **options)

    def sticker_event(self, user_id: str, **options: Any) -> dict[str, Any]:
        message = {"type": "sticker", "packageId": "446", "stickerId": "1988", "stickerResourceType": "STATIC"}
        return self.message_event(user_id, {**message, "keywords": ["Happy", "Smile"]}, **options)

    def audio_event(self, user_id: str, **options: Any) -> dict[str, Any]:
        return self.message_event(
            user_id, {"type": "audio", "duration": 4200, "contentProvider": {"type": "line"}}, **options
        )

    def postback_event(
        self, user_id: str, data: str, params: dict[str, str] | None = None, **options: Any
    ) -> dict[str, Any]:
        postback: dict[str, Any] = {"data": data, **({"params": params} if params else {})}
        return self.event(user_id, "postback", postback=postback, **options)

    def follow_event(self, user_id: str, **options: Any) -> dict[str, Any]:
        return self.event(user_id, "follow", follow={"isUnblocked": False}, **options)

    def unfollow_event(self, user_id: str, **options: Any) -> dict[str, Any]:
        return self.event(user_id, "unfollow", reply=False, **options)

    def webhook(self, *events: dict[str, Any], destination: str = "U" + "0" * 32) -> tuple[bytes, dict[str, str]]:
        """A webhook request body and its headers, signed with the channel secret."""
        body = json.dumps({"destination": destination, "events": list(events)}, ensure_ascii=False).encode()
        return body, {
            "Content-Type": "application/json; charset=utf-8",
            "X-Line-Signature": sign(body, self.channel_secret),
        }

    @staticmethod
    def redelivered(event: dict[str, Any]) -> dict[str, Any]:
        """The same event as LINE redelivers it: same webhookEventId, ``isRedelivery`` set."""
        return {**event, "deliveryContext": {"isRedelivery": True}}

    # -- what the tests check ---------------------------------------------

    def requests(self, path: str | None = None) -> list[Recorded]:
        with self._state.lock:
            return [request for request in self._state.requests if path is None or request.path == path]

    def deliveries(self, user_id: str) -> list[Delivery]:
        with self._state.lock:
            return list(self._state.deliveries.get(user_id, ()))

    def wait_for_deliveries(self, user_id: str, count: int, timeout: float = 60) -> list[Delivery]:
        """The user's first ``count`` deliveries, waiting for them to arrive."""
        return self._wait(lambda: self.deliveries(user_id), count, timeout, f"{count} deliveries to {user_id}")

    def wait_for_requests(self, path: str, count: int, timeout: float = 60) -> list[Recorded]:
        return self._wait(lambda: self.requests(path), count, timeout, f"{count} requests to {path}")

    def sending_calls(self, user_id: str) -> list[Recorded]:
        """Every reply or push call for a user, failed or not, in order."""
        with self._state.lock:
            tokens = {token for token, issued in self._state.reply_tokens.items() if issued.user_id == user_id}
            return [
                request
                for request in self._state.requests
                if (request.path == "/v2/bot/message/push" and request.json["to"] == user_id)
                or (request.path == "/v2/bot/message/reply" and request.json["replyToken"] in tokens)
            ]

    def rich_menus(self) -> dict[str, dict[str, Any]]:
        with self._state.lock:
            return dict(self._state.rich_menus)

    def rich_menu_image(self, rich_menu_id: str) -> tuple[bytes, str] | None:
        with self._state.lock:
            return self._state.rich_menu_images.get(rich_menu_id)

    def rich_menu_aliases(self) -> dict[str, str]:
        with self._state.lock:
            return dict(self._state.rich_menu_aliases)

    def default_rich_menu(self) -> str | None:
        with self._state.lock:
            return self._state.default_rich_menu

    def _wait(self, get: Callable[[], list[Any]], count: int, timeout: float, what: str) -> list[Any]:
        deadline = time.monotonic() + timeout
        with self._state.lock:
            while len(found := get()) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out waiting for {what}; got {len(found)}: {found}")
                self._state.lock.wait(left)
        return found[:count]


def _handler(host: str, access_token: str, state: _State) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            pass

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def do_DELETE(self) -> None:
            self._serve("DELETE")

        def _serve(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            recorded = Recorded(host, method, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            with state.lock:
                state.requests.append(recorded)
                state.lock.notify_all()
            if self.headers.get("Authorization") != f"Bearer {access_token}":
                self._answer(
                    401,
                    {
                        "message": "Authentication failed. Confirm that the access token in the authorization header is valid."
                    },
                )
                return
            try:
                payload = json.loads(body) if body and "json" in self.headers.get("Content-Type", "") else None
            except ValueError:
                self._answer(400, {"message": "The request body could not be parsed as JSON"})
                return
            with state.lock:
                status, answer, headers = _route(host, method, self.path, recorded, payload, state)
                state.lock.notify_all()
            self._answer(status, answer, headers)

        def _answer(self, status: int, answer: Any, headers: dict[str, str] | None = None) -> None:
            if isinstance(answer, tuple):  # binary content
                data, content_type = answer
            else:
                data, content_type = json.dumps(answer).encode(), "application/json"
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("X-Line-Request-Id", str(uuid.uuid4()))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler


Answer = tuple[int, Any, dict[str, str]]


def _route(host: str, method: str, path: str, request: Recorded, payload: Any, state: _State) -> Answer:
    """Called with the state locked."""
    if host == "data":
        if method == "GET" and (match := re.fullmatch(r"/v2/bot/message/(\d+)/content", path)):
            content = state.contents.get(match.group(1))
            return (200, content, {}) if content else (404, {"message": "Not found"}, {})
        if method == "POST" and (match := re.fullmatch(r"/v2/bot/richmenu/([\w-]+)/content", path)):
            return _upload_rich_menu_image(match.group(1), request, state)
        return 404, {"message": "Not found"}, {}
    if method == "POST" and path in SENDING_ENDPOINTS:
        return _send(path, request, payload, state)
    if method == "POST" and path == "/v2/bot/chat/loading/start":
        failure = _failure_for(path, payload.get("chatId"), state)
        if failure is not None:
            return failure.status, {"message": failure.message}, {}
        seconds = payload.get("loadingSeconds", 20)
        if not isinstance(seconds, int) or not 5 <= seconds <= 60 or seconds % 5:
            return 400, {"message": "The request body has 1 error(s)", "details": [{"property": "loadingSeconds"}]}, {}
        return 202, {}, {}
    if method == "GET" and (match := re.fullmatch(r"/v2/bot/profile/(\w+)", path)):
        profile = state.profiles.get(match.group(1))
        return (200, profile, {}) if profile else (404, {"message": "Not found"}, {})
    return _rich_menu_route(method, path, payload, state)


def _failure_for(path: str, user_id: str | None, state: _State) -> Failure | None:
    for failure in state.failures:
        if path in failure.endpoints and failure.user_id in (None, user_id):
            if failure.after:
                failure.after -= 1
                return None
            if failure.remaining is not None:
                failure.remaining -= 1
                if failure.remaining == 0:
                    state.failures.remove(failure)
            return failure
    return None


_FAILURE_MESSAGES = {
    400: "Invalid reply token",
    429: "The API rate limit has been exceeded. Try again later.",
    500: "An internal server error occurred",
    503: "Service unavailable",
}


def _send(path: str, request: Recorded, payload: Any, state: _State) -> Answer:
    if not isinstance(payload, dict):
        return 400, {"message": "The request body has 1 error(s)"}, {}
    reply = path.endswith("/reply")
    token = state.reply_tokens.get(payload.get("replyToken", "")) if reply else None
    user_id = token.user_id if token else payload.get("to")
    failure = _failure_for(path, user_id, state)
    if failure is not None and not failure.accept_first:
        headers = {"Retry-After": failure.retry_after} if failure.retry_after else {}
        return failure.status, {"message": failure.message}, headers
    problems = _invalid_messages(payload.get("messages"))
    if problems:
        return 400, {"message": f"The request body has {len(problems)} error(s)", "details": problems}, {}
    if reply:
        if token is None or token.used or time.time() - token.issued_at > REPLY_TOKEN_LIFETIME_SECONDS:
            return 400, {"message": "Invalid reply token"}, {}
        token.used = True
        assert user_id is not None
    else:
        retry_key = request.headers.get("x-line-retry-key")
        if retry_key in state.retry_keys:
            return (
                409,
                {"message": "The retry key is already accepted"},
                {"x-line-accepted-request-id": state.retry_keys[retry_key]},
            )
        if retry_key:
            state.retry_keys[retry_key] = str(uuid.uuid4())
    delivery = Delivery(
        user_id, "reply" if reply else "push", payload["messages"], request.headers.get("x-line-retry-key")
    )
    state.deliveries.setdefault(user_id, []).append(delivery)
    for listener in state.delivery_listeners:
        listener(delivery)
    if failure is not None:  # accepted, but the answer is an error
        return failure.status, {"message": failure.message}, {}
    sent = [
        {"id": str(secrets.randbelow(10**18)), "quoteToken": secrets.token_urlsafe(16)} for _ in payload["messages"]
    ]
    return 200, {"sentMessages": sent}, {}


def _invalid_messages(messages: Any) -> list[dict[str, str]]:
    """The documented limits we rely on (LINE answers 400 for any of them)."""
    if not isinstance(messages, list) or not 1 <= len(messages) <= 5:
        return [{"message": "Size must be between 1 and 5", "property": "messages"}]
    problems = []
    for index, message in enumerate(messages):
        where = f"messages[{index}]"
        if message.get("type") == "text" and not 1 <= line_length(message.get("text", "")) <= 5000:
            problems.append({"message": "Length must be between 1 and 5000", "property": f"{where}.text"})
        if message.get("type") == "flex" and not 1 <= len(message.get("altText", "")) <= 1500:
            problems.append({"message": "Length must be between 1 and 1500", "property": f"{where}.altText"})
        items = (message.get("quickReply") or {}).get("items")
        if items is not None and not 1 <= len(items) <= 13:
            problems.append({"message": "Size must be between 1 and 13", "property": f"{where}.quickReply.items"})
        for action in _actions(message):
            if len(action.get("label", "")) > 20:
                problems.append({"message": "Length must be at most 20", "property": f"{where}.action.label"})
            for name in ("data", "displayText", "text"):
                if len(action.get(name, "")) > 300:
                    problems.append({"message": "Length must be at most 300", "property": f"{where}.action.{name}"})
    return problems


def _actions(value: Any) -> list[dict[str, Any]]:
    """Every action object inside a message (quick reply items, Flex components)."""
    found = []
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "action" and isinstance(inner, dict):
                found.append(inner)
            found += _actions(inner)
    elif isinstance(value, list):
        for inner in value:
            found += _actions(inner)
    return found


def _rich_menu_route(method: str, path: str, payload: Any, state: _State) -> Answer:
    not_found: Answer = (404, {"message": "Not found"}, {})
    if method == "POST" and path == "/v2/bot/richmenu":
        problems = _invalid_rich_menu(payload)
        if problems:
            return 400, {"message": f"The request body has {len(problems)} error(s)", "details": problems}, {}
        rich_menu_id = f"richmenu-{uuid.uuid4().hex}"
        state.rich_menus[rich_menu_id] = {"richMenuId": rich_menu_id, **payload}
        return 200, {"richMenuId": rich_menu_id}, {}
    if method == "GET" and path == "/v2/bot/richmenu/list":
        return 200, {"richmenus": list(state.rich_menus.values())}, {}
    if method == "DELETE" and (match := re.fullmatch(r"/v2/bot/richmenu/([\w-]+)", path)):
        if state.rich_menus.pop(match.group(1), None) is None:
            return not_found
        state.rich_menu_images.pop(match.group(1), None)
        if state.default_rich_menu == match.group(1):
            state.default_rich_menu = None
        return 200, {}, {}
    if method == "POST" and (match := re.fullmatch(r"/v2/bot/user/all/richmenu/([\w-]+)", path)):
        if match.group(1) not in state.rich_menus:
            return not_found
        if match.group(1) not in state.rich_menu_images:
            return 400, {"message": "An image has not been uploaded to the rich menu"}, {}
        state.default_rich_menu = match.group(1)
        return 200, {}, {}
    if method == "GET" and path == "/v2/bot/user/all/richmenu":
        return (200, {"richMenuId": state.default_rich_menu}, {}) if state.default_rich_menu else not_found
    if method == "GET" and path == "/v2/bot/richmenu/alias/list":
        aliases = [{"richMenuAliasId": alias, "richMenuId": menu} for alias, menu in state.rich_menu_aliases.items()]
        return 200, {"aliases": aliases}, {}
    if method == "POST" and path == "/v2/bot/richmenu/alias":
        alias, menu = payload.get("richMenuAliasId"), payload.get("richMenuId")
        if alias in state.rich_menu_aliases:
            return 400, {"message": "conflict richmenu alias id"}, {}
        if menu not in state.rich_menus or menu not in state.rich_menu_images:
            return 400, {"message": "richmenu not found or image not uploaded"}, {}
        state.rich_menu_aliases[alias] = menu
        return 200, {}, {}
    if method == "POST" and (match := re.fullmatch(r"/v2/bot/richmenu/alias/([\w-]+)", path)):
        if match.group(1) not in state.rich_menu_aliases:
            return 400, {"message": "richmenu alias not found"}, {}
        if payload.get("richMenuId") not in state.rich_menus:
            return 400, {"message": "richmenu not found"}, {}
        state.rich_menu_aliases[match.group(1)] = payload["richMenuId"]
        return 200, {}, {}
    return not_found


def _invalid_rich_menu(menu: Any) -> list[dict[str, str]]:
    if not isinstance(menu, dict):
        return [{"message": "must be an object", "property": "richmenu"}]
    problems = []
    size = menu.get("size") or {}
    if size.get("width") != 2500 or size.get("height") not in (843, 1686):
        problems.append({"message": "size must be 2500x1686 or 2500x843", "property": "size"})
    if not 1 <= len(menu.get("chatBarText", "")) <= 14:
        problems.append({"message": "Length must be between 1 and 14", "property": "chatBarText"})
    areas = menu.get("areas") or []
    if not 1 <= len(areas) <= 20:
        problems.append({"message": "Size must be between 1 and 20", "property": "areas"})
    for index, area in enumerate(areas):
        bounds = area.get("bounds") or {}
        if (
            bounds.get("x", -1) < 0
            or bounds.get("y", -1) < 0
            or bounds.get("x", 0) + bounds.get("width", 0) > size.get("width", 0)
            or bounds.get("y", 0) + bounds.get("height", 0) > size.get("height", 0)
        ):
            problems.append({"message": "area out of the menu", "property": f"areas[{index}].bounds"})
    return problems


def _upload_rich_menu_image(rich_menu_id: str, request: Recorded, state: _State) -> Answer:
    if rich_menu_id not in state.rich_menus:
        return 404, {"message": "Not found"}, {}
    content_type = request.headers.get("content-type", "")
    if content_type not in ("image/png", "image/jpeg") or not request.body or len(request.body) > 1024 * 1024:
        return 400, {"message": "image must be a PNG or JPEG of at most 1 MB"}, {}
    if rich_menu_id in state.rich_menu_images:
        return 400, {"message": "An image has already been uploaded to the richmenu"}, {}
    state.rich_menu_images[rich_menu_id] = (request.body, content_type)
    return 200, {}, {}
