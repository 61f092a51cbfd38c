"""Fitting hub messages into platform limits, shared by the chat-app adapters."""

from __future__ import annotations

import unicodedata

ELLIPSIS = "…"


def split_text(text: str, limit: int) -> list[str]:
    """Split a long text into parts of at most ``limit`` characters, nothing lost.

    Cuts at the last paragraph break, else line break, else space before the
    limit (Thai has no spaces between words, so a long Thai run may be cut
    anywhere). The whitespace at a cut is dropped.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[: limit + 1]  # a separator right at the limit is a clean cut
        cut = next((at for separator in ("\n\n", "\n", " ") if (at := window.rfind(separator)) > 0), None)
        cut = cut or _before_marks(rest, limit)
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not parts:
        parts.append(rest)
    return parts


def shorten(label: str, limit: int) -> str:
    """A label of at most ``limit`` characters: whole words where possible, then an ellipsis."""
    if len(label) <= limit:
        return label
    room = label[: _before_marks(label, limit - len(ELLIPSIS))]
    at_space = room.rfind(" ")
    if at_space >= limit // 2:  # keep whole words unless that loses half the label
        room = room[:at_space]
    return room.rstrip() + ELLIPSIS


def _before_marks(text: str, at: int) -> int:
    """Move a cut back so that no vowel or tone mark (Thai ั ิ ่ ้...) is torn from its letter."""
    cut = at
    while 0 < cut < len(text) and unicodedata.category(text[cut]) == "Mn":
        cut -= 1
    return cut or at
