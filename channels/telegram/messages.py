"""Between Telegram's objects and the hub's: commands, shared media, keyboards and limits.

Plain functions on python-telegram-bot's classes, no I/O.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MaybeInaccessibleMessage,
    PhotoSize,
    User,
)
from telegram import Message as TelegramMessage
from telegram.constants import InlineKeyboardButtonLimit, MessageLimit, UpdateType
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

from channels.base import DeliveryError
from channels.text import split_text
from hub.domain.content import MenuAction, Text, hub_messages
from hub.domain.conversations import Button, Location, Message
from hub.domain.language import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES, Language

# The updates the hub asks Telegram for (edits, reactions, group events are not needed).
ALLOWED_UPDATES: tuple[str, ...] = (UpdateType.MESSAGE, UpdateType.CALLBACK_QUERY)
TEXT_LIMIT = MessageLimit.MAX_TEXT_LENGTH  # 4,096 characters
CALLBACK_DATA_LIMIT = InlineKeyboardButtonLimit.MAX_CALLBACK_DATA  # 64 bytes
# Callback data of the /language buttons; bot payloads start with "/", so they never clash.
LANGUAGE_CHOICE = "language:"

# A command is "/" and 1-32 letters, digits or _, maybe addressed to the bot (/status@SaphanBot).
_COMMAND = re.compile(r"/([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]+)?(?:\s+(.*))?", re.DOTALL)


@dataclass(frozen=True)
class Command:
    name: str  # lower case, without the "/"
    argument: str  # what follows the command, stripped


def parse_command(text: str) -> Command | None:
    """The bot command a message is, or None for ordinary text."""
    match = _COMMAND.fullmatch(text.strip())
    if match is None:
        return None
    return Command(match.group(1).lower(), (match.group(2) or "").strip())


def status_payload(reference: str) -> str:
    """What ``/status <reference>`` asks the bot: its ``check_status`` intent, with the reference if given."""
    if not reference:
        return "/check_status"
    return "/check_status" + json.dumps({"reference": reference}, ensure_ascii=False)


def language_of(user: User | None) -> Language:
    """The language of the citizen's Telegram app: Thai for th, English for any other;
    Thai (the office's language) when the app does not say."""
    code = user.language_code if user is not None else None
    if not code:
        return DEFAULT_LANGUAGE
    return "th" if code.lower().startswith("th") else "en"


def language_choices() -> tuple[MenuAction, ...]:
    """The /language buttons: each language named in itself."""
    return tuple(
        MenuAction(f"{LANGUAGE_CHOICE}{language}", Text(th=LANGUAGE_NAMES[language], en=LANGUAGE_NAMES[language]))
        for language in LANGUAGES
    )


def chosen_language(callback_data: str) -> Language | None:
    """The language a /language button chose, or None for any other button."""
    if not callback_data.startswith(LANGUAGE_CHOICE):
        return None
    code = callback_data.removeprefix(LANGUAGE_CHOICE)
    return next((language for language in LANGUAGES if language == code), None)


def pressed_title(query: CallbackQuery) -> str | None:
    """The title of the button that was pressed, read from the message it is on.

    None when Telegram no longer sends that message (older than 48 hours).
    """
    message: MaybeInaccessibleMessage | None = query.message
    if not isinstance(message, TelegramMessage) or message.reply_markup is None:
        return None
    for row in message.reply_markup.inline_keyboard:
        for button in row:
            if button.callback_data == query.data:
                return button.text
    return None


def largest_photo(sizes: Sequence[PhotoSize]) -> PhotoSize:
    """Telegram sends each photo in several sizes; the hub keeps the largest."""
    return max(sizes, key=lambda size: size.width * size.height)


def shared_location(message: TelegramMessage) -> Location:
    """The point a citizen shared; a venue (a place picked from the map's list) adds its name and address.

    Raises :class:`hub.domain.conversations.InvalidMessage` for coordinates off the globe.
    """
    if message.venue is not None:
        venue = message.venue
        address = ", ".join(part for part in (venue.title, venue.address) if part)
        return Location(venue.location.latitude, venue.location.longitude, address)
    assert message.location is not None
    return Location(message.location.latitude, message.location.longitude)


class ButtonPayloadTooLong(ValueError):
    """A button payload exceeds Telegram's callback_data limit; cutting it would send the bot something else."""


def inline_keyboard(buttons: Sequence[Button]) -> InlineKeyboardMarkup:
    """One button per row: Thai labels are long, and phones are narrow."""
    for button in buttons:
        size = len(button.payload.encode("utf-8"))
        if size > CALLBACK_DATA_LIMIT:
            raise ButtonPayloadTooLong(
                f"button {button.title!r}: payload {button.payload!r} is {size} bytes; "
                f"Telegram allows {CALLBACK_DATA_LIMIT}"
            )
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(button.title, callback_data=button.payload)] for button in buttons]
    )


@dataclass(frozen=True)
class OutgoingText:
    """One sendMessage call. No parse mode: the text arrives exactly as written."""

    text: str
    keyboard: InlineKeyboardMarkup | None = None


def outgoing_texts(message: Message) -> list[OutgoingText]:
    """The Telegram messages for one hub message: long texts split, the buttons under the last part."""
    text = message.text
    if message.buttons and not text.strip():  # Telegram sends no buttons without a text
        text = hub_messages()["telegram.choose_below"].in_language(message.language)
    parts = split_text(text, TEXT_LIMIT)
    keyboard = inline_keyboard(message.buttons) if message.buttons else None
    return [OutgoingText(part) for part in parts[:-1]] + [OutgoingText(parts[-1], keyboard)]


def delivery_error(error: TelegramError, sent: int) -> DeliveryError:
    """What a failed Bot API call means for the hub's outbox."""
    reason = f"Telegram: {error.message}"
    if isinstance(error, RetryAfter):
        return DeliveryError(reason, sent=sent, retryable=True, retry_after_seconds=_retry_after_seconds(error))
    if isinstance(error, Forbidden):  # blocked by the user, or the account was deleted
        return DeliveryError(reason, sent=sent, recipient_unreachable=True)
    if isinstance(error, BadRequest):  # a subclass of NetworkError, but sending it again fails again
        return DeliveryError(reason, sent=sent)
    if isinstance(error, NetworkError):  # connection failures, timeouts, 5xx
        return DeliveryError(reason, sent=sent, retryable=True)
    return DeliveryError(reason, sent=sent)  # a refused token, a migrated chat: not for retrying


def _retry_after_seconds(error: RetryAfter) -> float:
    # PTB 22 warns that the int becomes a timedelta in its next major version; both are read.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        retry_after = error.retry_after
    return retry_after.total_seconds() if isinstance(retry_after, timedelta) else float(retry_after)
