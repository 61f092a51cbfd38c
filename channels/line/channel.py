"""The LINE channel: the Messaging API webhook in, replies and pushes out (line-bot-sdk 3)."""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass

import aiohttp
from linebot.v3.messaging import (
    ApiException,
    AsyncApiClient,
    AsyncMessagingApi,
    AsyncMessagingApiBlob,
    Configuration,
    PushMessageRequest,
    ReplyMessageRequest,
    ShowLoadingAnimationRequest,
    TextMessage,
)
from linebot.v3.messaging import Message as LineMessage
from linebot.v3.webhook import SignatureValidator
from linebot.v3.webhooks import (
    Event,
    FollowEvent,
    ImageMessageContent,
    LocationMessageContent,
    MessageEvent,
    PostbackEvent,
    StickerMessageContent,
    TextMessageContent,
    UnfollowEvent,
    UserSource,
)
from sanic import Blueprint, Request, Sanic
from sanic.response import HTTPResponse, text
from sanic.response import json as json_response

from channels.base import DeliveryError, Inbox
from channels.line.messages import ButtonPress, LanguageSwitch, decode_postback, plan_calls
from hub.domain.content import hub_messages
from hub.domain.conversations import InboundMessage, InvalidMessage, Location, Message, MessageKind, Photo
from hub.domain.language import DEFAULT_LANGUAGE, Language
from hub.settings import SettingsError

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/channels/line/webhook"
# LINE documents a reply token as usable once, within about a minute of the
# event; after 50 s we push instead of risking a refused reply.
REPLY_TOKEN_LIFETIME_SECONDS = 50.0
# The hub waits up to RASA_TIMEOUT_SECONDS (30 by default) for the bot; the
# animation ends by itself as soon as our answer arrives (LINE: 5 to 60, a multiple of 5).
LOADING_SECONDS = 30
API_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class LineSettings:
    channel_secret: str
    access_token: str
    api_base_url: str = "https://api.line.me"
    data_api_base_url: str = "https://api-data.line.me"  # message content and rich menu images

    @classmethod
    def from_environment(cls, environment: Mapping[str, str]) -> LineSettings | None:
        """The settings, or None when LINE is not configured; half a configuration is an error."""
        secret = environment.get("LINE_CHANNEL_SECRET", "")
        token = environment.get("LINE_CHANNEL_ACCESS_TOKEN", "")
        if not secret and not token:
            return None
        if not secret or not token:
            missing = "LINE_CHANNEL_SECRET" if not secret else "LINE_CHANNEL_ACCESS_TOKEN"
            raise SettingsError(
                f"{missing} is not set: LINE needs both LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN "
                "(LINE Developers console, Messaging API channel), or neither to run without LINE"
            )
        return cls(
            channel_secret=secret,
            access_token=token,
            api_base_url=environment.get("LINE_API_BASE_URL", cls.api_base_url).rstrip("/"),
            data_api_base_url=environment.get("LINE_DATA_API_BASE_URL", cls.data_api_base_url).rstrip("/"),
        )


def signature_is_valid(channel_secret: str, body: bytes, signature: str | None) -> bool:
    """Whether ``X-Line-Signature`` is LINE's HMAC-SHA256 of the raw body with the channel secret.

    LINE sends UTF-8 JSON; a body that is not UTF-8 was not signed by LINE.
    """
    if not signature:
        return False
    try:
        return bool(SignatureValidator(channel_secret).validate(body.decode("utf-8"), signature))
    except UnicodeError:
        return False


def parse_events(body: bytes) -> list[Event]:
    """The events of a (signed) webhook body; malformed and unknown events are logged and left out."""
    try:
        events = json.loads(body)["events"]
        if not isinstance(events, list):
            raise TypeError("events is not a list")
    except (ValueError, KeyError, TypeError) as error:
        log.warning("LINE webhook: ignored a malformed body (%s: %s)", type(error).__name__, error)
        return []
    parsed = []
    for raw in events:
        try:
            parsed.append(Event.from_dict(raw))
        except (ValueError, KeyError, TypeError, AttributeError):
            kind = raw.get("type") if isinstance(raw, dict) else type(raw).__name__
            log.warning("LINE webhook: ignored an unknown or malformed event (type %r)", kind)
    return parsed


class ReplyTokens:
    """Each citizen's latest reply token, handed out once while it is fresh."""

    def __init__(
        self, lifetime_seconds: float = REPLY_TOKEN_LIFETIME_SECONDS, clock: Callable[[], float] = time.time
    ) -> None:
        self._lifetime = lifetime_seconds
        self._clock = clock
        self._tokens: OrderedDict[str, tuple[str, float]] = OrderedDict()  # oldest event first

    def keep(self, user_id: str, token: str, event_time: float) -> None:
        """Remember the token of an event that happened at ``event_time`` (seconds since the epoch)."""
        self._tokens.pop(user_id, None)
        self._tokens[user_id] = (token, event_time + self._lifetime)
        while self._tokens:  # forget tokens nobody used (e.g. events that needed no answer)
            oldest_user, (_, expires) = next(iter(self._tokens.items()))
            if expires > self._clock():
                break
            del self._tokens[oldest_user]

    def take(self, user_id: str) -> str | None:
        kept = self._tokens.pop(user_id, None)
        if kept is None or kept[1] <= self._clock():
            return None
        return kept[0]


def delivery_error(error: Exception, sent: int) -> DeliveryError:
    """A platform error as the hub's outbox understands it: 429 and 5xx are worth retrying."""
    if not isinstance(error, ApiException):
        return DeliveryError(f"LINE not reachable: {type(error).__name__}: {error}", sent=sent, retryable=True)
    status = error.status or 0
    retry_after = None
    if status == 429 and error.headers is not None:
        try:
            retry_after = float(error.headers.get("Retry-After", ""))
        except ValueError:
            retry_after = None
    return DeliveryError(
        f"LINE answered {status}: {api_error_message(error)}",
        sent=sent,
        retryable=status == 429 or status >= 500,
        retry_after_seconds=retry_after,
    )


def api_error_message(error: ApiException) -> str:
    """LINE's own explanation from an error response (``{"message": ...}``), else the HTTP reason."""
    try:
        message = json.loads(error.body)["message"]
    except (TypeError, ValueError, KeyError):
        message = None
    return str(message) if message else str(error.reason)


class LineChannel:
    """LINE Messaging API: one-to-one chats with citizens who added the official account."""

    name = "line"

    def __init__(self, settings: LineSettings) -> None:
        self._settings = settings
        self._reply_tokens = ReplyTokens()
        self._clients: list[AsyncApiClient] = []
        self._api: AsyncMessagingApi | None = None
        self._blob: AsyncMessagingApiBlob | None = None
        # Events are handled in the background, one citizen's in the order LINE sent them.
        self._last_task: dict[str, asyncio.Task[None]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    @classmethod
    def from_environment(cls, environment: Mapping[str, str]) -> LineChannel | None:
        settings = LineSettings.from_environment(environment)
        return None if settings is None else cls(settings)

    async def open(self) -> None:
        """Open the SDK's HTTP clients (they need a running event loop)."""
        api = AsyncApiClient(Configuration(host=self._settings.api_base_url, access_token=self._settings.access_token))
        data = AsyncApiClient(
            Configuration(host=self._settings.data_api_base_url, access_token=self._settings.access_token)
        )
        self._clients = [api, data]
        self._api, self._blob = AsyncMessagingApi(api), AsyncMessagingApiBlob(data)

    async def finish(self) -> None:
        """Let the events already acknowledged be handled: LINE will not send them again."""
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=API_TIMEOUT_SECONDS)

    async def close(self) -> None:
        await self.finish()
        for client in self._clients:
            await client.close()

    def blueprint(self, inbox: Inbox) -> Blueprint:
        blueprint = Blueprint("line")

        @blueprint.before_server_start
        async def open_clients(app: Sanic) -> None:
            await self.open()

        @blueprint.before_server_stop  # while the hub's store and bot client are still open
        async def finish_events(app: Sanic) -> None:
            await self.finish()

        @blueprint.after_server_stop
        async def close_clients(app: Sanic) -> None:
            await self.close()

        @blueprint.post(WEBHOOK_PATH)
        async def webhook(request: Request) -> HTTPResponse:
            if not signature_is_valid(
                self._settings.channel_secret, request.body, request.headers.get("x-line-signature")
            ):
                log.warning("LINE webhook: refused a request without a valid X-Line-Signature from %s", request.ip)
                return json_response({"error": "unauthorized", "message": "missing or wrong X-Line-Signature"}, 401)
            for event in parse_events(request.body):
                self.accept(inbox, event)
            # LINE redelivers what is not acknowledged with 200: acknowledge at once, work in the background.
            return text("OK")

        return blueprint

    def accept(self, inbox: Inbox, event: Event) -> None:
        """Queue one event behind the same citizen's earlier ones."""
        if event.mode != "active":  # standby: another module of the channel answers this chat
            log.info("LINE: ignored a %s event in %s mode", event.type, event.mode)
            return
        if not isinstance(event.source, UserSource) or not event.source.user_id:
            # Only one-to-one chats: in a group or room the bot's answers (case
            # details, phone numbers, the privacy notice) would be read by everyone in it.
            kind = type(event.source).__name__ if event.source else "no source"
            log.info("LINE: ignored a %s event from a group or room (%s); Saphan answers one to one", event.type, kind)
            return
        user_id = event.source.user_id
        previous = self._last_task.get(user_id)
        task = asyncio.get_running_loop().create_task(
            self._after(previous, lambda: self._handle(inbox, user_id, event))
        )
        self._last_task[user_id] = task
        self._tasks.add(task)
        task.add_done_callback(lambda done: self._finished(user_id, event, done))

    async def _after(self, previous: asyncio.Task[None] | None, work: Callable[[], Awaitable[None]]) -> None:
        if previous is not None:
            await asyncio.wait([previous])
        await work()

    def _finished(self, user_id: str, event: Event, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if self._last_task.get(user_id) is task:
            del self._last_task[user_id]
        if not task.cancelled() and task.exception() is not None:
            log.error("LINE: %s event %s failed", event.type, event.webhook_event_id, exc_info=task.exception())

    async def _handle(self, inbox: Inbox, user_id: str, event: Event) -> None:
        if not await inbox.first_delivery(self.name, event.webhook_event_id):
            log.info("LINE: event %s delivered again; already handled", event.webhook_event_id)
            return
        reply_token = getattr(event, "reply_token", None)
        if reply_token:
            self._reply_tokens.keep(user_id, reply_token, event.timestamp / 1000)
        try:
            if isinstance(event, MessageEvent):
                inbound = await self._inbound(user_id, event)
                if inbound is not None:
                    await inbox.receive(inbound)
            elif isinstance(event, PostbackEvent):
                await self._postback(inbox, user_id, event)
            elif isinstance(event, FollowEvent):
                await inbox.welcome(self.name, user_id, await self._profile_language(user_id))
            elif isinstance(event, UnfollowEvent):
                await inbox.unreachable(self.name, user_id)
            else:
                log.info("LINE: no need to handle %s events (%s)", event.type, event.webhook_event_id)
        except InvalidMessage as error:
            log.info("LINE: refused a message (%s) in event %s", error.code, event.webhook_event_id)
            await self._notify(user_id, f"errors.{error.code}")

    async def _inbound(self, user_id: str, event: MessageEvent) -> InboundMessage | None:
        content = event.message
        if isinstance(content, TextMessageContent):
            return InboundMessage(self.name, user_id, content.text)
        if isinstance(content, ImageMessageContent):
            photo = await self._download_photo(content)
            if photo is None:
                await self._notify(user_id, "errors.photo_not_received")
                return None
            return InboundMessage(self.name, user_id, kind=MessageKind.PHOTO, photo=photo)
        if isinstance(content, LocationMessageContent):
            address = ", ".join(part for part in (content.title, content.address) if part)
            location = Location(float(content.latitude), float(content.longitude), address)
            return InboundMessage(self.name, user_id, kind=MessageKind.LOCATION, location=location)
        if isinstance(content, StickerMessageContent):
            return InboundMessage(self.name, user_id, kind=MessageKind.STICKER)
        # Audio, video and files: the hub says what it can take instead.
        return InboundMessage(self.name, user_id, kind=MessageKind.UNSUPPORTED)

    async def _download_photo(self, content: ImageMessageContent) -> Photo | None:
        if content.content_provider.type != "line":  # sent by another bot's API with its own URL
            log.warning("LINE: an image hosted outside LINE (%s) is not fetched", content.content_provider.type)
            return None
        assert self._blob is not None
        try:
            response = await self._blob.get_message_content_with_http_info(
                content.id, _request_timeout=API_TIMEOUT_SECONDS
            )
        except (ApiException, aiohttp.ClientError, TimeoutError) as error:
            log.warning("LINE: could not download image %s: %s", content.id, delivery_error(error, 0).reason)
            return None
        content_type = (response.headers or {}).get("Content-Type", "").split(";")[0].strip().lower()
        return Photo(bytes(response.data), content_type)

    async def _postback(self, inbox: Inbox, user_id: str, event: PostbackEvent) -> None:
        meaning = decode_postback(event.postback.data)
        if isinstance(meaning, ButtonPress):
            await inbox.receive(InboundMessage(self.name, user_id, meaning.title, payload=meaning.payload))
        elif isinstance(meaning, LanguageSwitch):
            await inbox.choose_language(self.name, user_id, meaning.language)
        else:
            log.warning("LINE: ignored postback data this hub did not write (event %s)", event.webhook_event_id)

    async def _profile_language(self, user_id: str) -> Language:
        """Thai unless the citizen's LINE app is set to another language (then English)."""
        assert self._api is not None
        try:
            profile = await self._api.get_profile(user_id, _request_timeout=API_TIMEOUT_SECONDS)
        except (ApiException, aiohttp.ClientError, TimeoutError) as error:
            log.info("LINE: no profile language (%s); welcoming in Thai", delivery_error(error, 0).reason)
            return DEFAULT_LANGUAGE
        if not profile.language:
            return DEFAULT_LANGUAGE
        return "th" if profile.language.lower().startswith("th") else "en"

    async def deliver(self, external_id: str, messages: Sequence[Message]) -> None:
        for call in plan_calls(messages):
            try:
                await self._send(external_id, call.messages, call.retry_key)
            except (ApiException, aiohttp.ClientError, TimeoutError) as error:
                raise delivery_error(error, call.sent_before) from error

    async def _send(self, user_id: str, messages: list[LineMessage], retry_key: str) -> None:
        """Reply while the citizen's reply token is fresh (free, no message quota), else push."""
        assert self._api is not None
        token = self._reply_tokens.take(user_id)
        if token is not None:
            try:
                await self._api.reply_message(
                    ReplyMessageRequest(reply_token=token, messages=messages), _request_timeout=API_TIMEOUT_SECONDS
                )
                return
            except (ApiException, aiohttp.ClientError, TimeoutError) as error:
                log.info("LINE: reply failed (%s); pushing instead", delivery_error(error, 0).reason)
        try:
            await self._api.push_message(
                PushMessageRequest(to=user_id, messages=messages),
                x_line_retry_key=retry_key,
                _request_timeout=API_TIMEOUT_SECONDS,
            )
        except ApiException as error:
            if error.status != 409:
                raise
            # The same retry key was accepted before: an earlier attempt got through
            # although its answer was lost. Nothing is sent twice.
            log.info("LINE: push %s had already been accepted", retry_key)

    async def _notify(self, user_id: str, message_name: str) -> None:
        """Tell the citizen why their message was not taken (both languages: it may be their first)."""
        notice = TextMessage(text=hub_messages()[message_name].bilingual())
        try:
            await self._send(user_id, [notice], str(uuid.uuid4()))
        except (ApiException, aiohttp.ClientError, TimeoutError) as error:
            log.warning("LINE: could not send the %s notice: %s", message_name, delivery_error(error, 0).reason)

    async def acknowledge(self, external_id: str, message: Message) -> None:
        """LINE shows the citizen's own message; nothing to echo."""

    async def show_typing(self, external_id: str, active: bool) -> None:
        """LINE's loading animation; it stops by itself when the answer arrives, so ``active=False`` needs nothing."""
        if not active:
            return
        assert self._api is not None
        try:
            await self._api.show_loading_animation(
                ShowLoadingAnimationRequest(chat_id=external_id, loading_seconds=LOADING_SECONDS),
                _request_timeout=API_TIMEOUT_SECONDS,
            )
        except (ApiException, aiohttp.ClientError, TimeoutError) as error:
            log.warning("LINE: loading animation not shown: %s", delivery_error(error, 0).reason)
