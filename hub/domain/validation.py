"""Validating request bodies of the internal API: each error names its field."""

from __future__ import annotations

from typing import Any


class InvalidField(ValueError):
    """A field of a request failed validation; ``field`` names it."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def request_object(body: Any) -> dict[str, Any]:
    """The body as a JSON object; anything else (a list, malformed JSON) is refused as ``body``."""
    if not isinstance(body, dict):
        raise InvalidField("body", "expected a JSON object")
    return body


def required_text(body: dict[str, Any], field: str, max_length: int) -> str:
    """A non-empty string field of a request body, stripped; raises :class:`InvalidField`."""
    value = body.get(field)
    if not isinstance(value, str) or not value.strip():
        raise InvalidField(field, "required; expected a non-empty string")
    if len(value) > max_length:
        raise InvalidField(field, f"longer than {max_length} characters")
    return value.strip()
