"""Thai phone numbers: validation, normalisation and masking."""

from __future__ import annotations

import re

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_SEPARATORS = re.compile(r"[\s\-.()]")
# Mobile numbers: 06x, 08x, 09x followed by 7 digits; +66 replaces the leading 0.
_MOBILE = re.compile(r"^(?:0|\+66|66)([689]\d{8})$")
# Anything in a log line that looks like a Thai phone number, separators included.
_PHONE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?66[\s\-]?|0)[689](?:[\s\-.]?\d){8}(?!\d)")

EXAMPLE_PHONE = "081-234-5678"


def normalize_thai_phone(raw: str) -> str | None:
    """Return the number as ``0XX-XXX-XXXX``, or ``None`` if it is not a Thai mobile number.

    Accepts ``0812345678``, ``081-234-5678``, ``+66 81 234 5678``, ``+66812345678``
    and Thai digits (``๐๘๑…``).
    """
    compact = _SEPARATORS.sub("", raw.strip().translate(_THAI_DIGITS))
    match = _MOBILE.match(compact)
    if match is None:
        return None
    digits = "0" + match.group(1)
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"


def mask_phone(phone: str) -> str:
    """Keep only what a person needs to recognise a number: ``081-XXX-XX78``."""
    digits = re.sub(r"\D", "", normalize_thai_phone(phone) or phone)
    if len(digits) < 6:
        return "X" * len(phone)
    return f"{digits[:3]}-XXX-XX{digits[-2:]}"


def mask_phones_in_text(text: str) -> str:
    """Mask every phone number in free text (for log lines)."""
    return _PHONE_IN_TEXT.sub(lambda match: mask_phone(match.group(0)), text.translate(_THAI_DIGITS))
