"""Hub messages as LINE messages, within the Messaging API's limits.

Limits (LINE Messaging API reference): at most 5 messages per reply or push
call; a text of at most 5,000 characters, counted in UTF-16 code units (an
emoji outside the Basic Multilingual Plane counts 2); at most 13 quick-reply
buttons, each labelled with at most 20 characters; postback ``data`` and
``displayText`` of at most 300 characters; a Flex message's ``altText`` of at
most 1,500.

Buttons become quick replies on the last message of a delivery: LINE shows a
quick reply only while its message is the latest in the chat, so buttons on an
earlier message, and more than 13 buttons, go into a Flex message that lists
every button with its full title and stays tappable in the chat history.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from linebot.v3.messaging import (
    FlexBox,
    FlexBubble,
    FlexMessage,
    FlexText,
    MessageAction,
    PostbackAction,
    QuickReply,
    QuickReplyItem,
    TextMessage,
)
from linebot.v3.messaging import Message as LineMessage

from channels.text import shorten, split_text
from hub.domain.conversations import Button, Message
from hub.domain.language import LANGUAGES, Language

MAX_MESSAGES_PER_CALL = 5
MAX_TEXT_LENGTH = 5000
MAX_QUICK_REPLY_ITEMS = 13
MAX_LABEL_LENGTH = 20
MAX_POSTBACK_DATA_LENGTH = 300
MAX_DISPLAY_TEXT_LENGTH = 300
MAX_ALT_TEXT_LENGTH = 1500

# Retry keys are derived from the messages they send, so a retried push carries
# the same key and LINE refuses to deliver it twice (409 Conflict).
_RETRY_KEY_NAMESPACE = uuid.UUID("6f1c3f0e-4b7a-4d43-9a53-2f0f6d3b9c51")


@dataclass(frozen=True)
class ButtonPress:
    """A pressed button: what the bot gets (payload) and what the citizen saw (title)."""

    payload: str
    title: str


@dataclass(frozen=True)
class LanguageSwitch:
    """The rich menu's language tab was pressed."""

    language: Language


def encode_postback(payload: str, title: str) -> str | None:
    """The postback ``data`` for a button, carrying its payload and as much of its title as fits.

    LINE's postback webhook carries only ``data`` (not the ``displayText`` the
    citizen saw), so the title travels with the payload; it is stored as the
    citizen's message. None when the payload leaves no room for a title.
    """
    room = MAX_POSTBACK_DATA_LENGTH - len(_compact_json({"payload": payload, "title": ""}))
    for length in range(min(len(title), room), 0, -1):  # JSON escapes may need a few more characters
        data = _compact_json({"payload": payload, "title": shorten(title, length)})
        if len(data) <= MAX_POSTBACK_DATA_LENGTH:
            return data
    return None


def encode_language_switch(language: Language) -> str:
    return _compact_json({"language": language})


def decode_postback(data: str) -> ButtonPress | LanguageSwitch | None:
    """What a postback means; None for data this hub did not write (e.g. a menu of an older version)."""
    try:
        decoded = json.loads(data)
    except ValueError:
        return None
    if not isinstance(decoded, dict):
        return None
    payload, title, language = decoded.get("payload"), decoded.get("title"), decoded.get("language")
    if isinstance(payload, str) and payload and isinstance(title, str) and title.strip():
        return ButtonPress(payload, title)
    if language in LANGUAGES:
        return LanguageSwitch(language)
    return None


def button_action(button: Button) -> PostbackAction | MessageAction:
    """What pressing a button does: a postback with the payload, or, for a payload too
    long for a postback, a message with the title for the bot to understand."""
    label = shorten(button.title, MAX_LABEL_LENGTH)
    data = encode_postback(button.payload, button.title)
    if data is None:
        return MessageAction(label=label, text=shorten(button.title, MAX_DISPLAY_TEXT_LENGTH))
    return PostbackAction(label=label, data=data, display_text=shorten(button.title, MAX_DISPLAY_TEXT_LENGTH))


def line_length(text: str) -> int:
    """A text's length as LINE counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def text_parts(text: str) -> list[str]:
    """A text split into parts LINE accepts, nothing lost."""
    parts: list[str] = []
    for part in split_text(text, MAX_TEXT_LENGTH):
        if line_length(part) <= MAX_TEXT_LENGTH:
            parts.append(part)
        else:  # characters LINE counts twice: cut shorter by as many (half the limit always fits)
            extra = line_length(part) - len(part)
            parts += split_text(part, max(MAX_TEXT_LENGTH - extra, MAX_TEXT_LENGTH // 2))
    return parts


def button_list(message: Message) -> FlexMessage:
    """Every button of a message, full titles, as a Flex bubble that stays in the chat."""
    rows = [
        FlexBox(
            layout="vertical",
            padding_all="md",
            corner_radius="md",
            background_color="#E8EEF6",
            action=button_action(button),
            contents=[FlexText(text=button.title, wrap=True, color="#123A63", size="md")],
        )
        for button in message.buttons
    ]
    titles = "\n".join(f"• {button.title}" for button in message.buttons)
    alt_text = shorten(f"{message.text}\n{titles}" if message.text else titles, MAX_ALT_TEXT_LENGTH)
    return FlexMessage(
        alt_text=alt_text,
        contents=FlexBubble(body=FlexBox(layout="vertical", spacing="sm", contents=rows)),
    )


def line_messages(message: Message, *, last: bool) -> list[LineMessage]:
    """One hub message as LINE messages; ``last`` when nothing follows it in the delivery."""
    parts = text_parts(message.text) if message.text else []
    if last and parts and 0 < len(message.buttons) <= MAX_QUICK_REPLY_ITEMS:
        items = [QuickReplyItem(action=button_action(button)) for button in message.buttons]
        return [
            *(TextMessage(text=part) for part in parts[:-1]),
            TextMessage(text=parts[-1], quick_reply=QuickReply(items=items)),
        ]
    texts: list[LineMessage] = [TextMessage(text=part) for part in parts]
    return [*texts, button_list(message)] if message.buttons else texts


@dataclass(frozen=True)
class Call:
    """One reply or push call: at most 5 LINE messages."""

    messages: list[LineMessage]
    sent_before: int  # hub messages of the delivery fully sent before this call
    sent_after: int  # ... once this call succeeds
    retry_key: str


def plan_calls(messages: Sequence[Message]) -> list[Call]:
    """Pack a delivery into as few calls as LINE allows, keeping each hub message in one call where it fits."""
    calls: list[Call] = []
    batch: list[LineMessage] = []
    parts_in_batch: list[str] = []
    sent = sent_at_batch_start = 0

    def flush() -> None:
        nonlocal batch, parts_in_batch, sent_at_batch_start
        key = str(uuid.uuid5(_RETRY_KEY_NAMESPACE, ";".join(parts_in_batch)))
        calls.append(Call(batch, sent_at_batch_start, sent, key))
        batch, parts_in_batch, sent_at_batch_start = [], [], sent

    for index, message in enumerate(messages):
        parts = line_messages(message, last=index == len(messages) - 1)
        if batch and len(batch) + len(parts) > MAX_MESSAGES_PER_CALL:
            flush()
        for number, part in enumerate(parts):
            if len(batch) == MAX_MESSAGES_PER_CALL:
                flush()
            batch.append(part)
            parts_in_batch.append(f"{message.id}:{number}")
        sent = index + 1
    if batch:
        flush()
    return calls


def _compact_json(value: dict[str, str]) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
