"""The bot asking for a human: how it says so in a reply."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

REASONS = frozenset({"citizen_request", "repeated_fallback", "sensitive_category"})


@dataclass(frozen=True)
class HandoffRequest:
    """Parsed from the custom payload ``{"handoff": {"reason": …, "summary": {…}}}`` of a bot reply."""

    reason: str
    summary: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_custom_payload(cls, custom: dict[str, Any] | None) -> HandoffRequest | None:
        handoff = (custom or {}).get("handoff")
        if not isinstance(handoff, dict) or handoff.get("reason") not in REASONS:
            return None
        summary = handoff.get("summary")
        return cls(reason=handoff["reason"], summary=summary if isinstance(summary, dict) else {})
