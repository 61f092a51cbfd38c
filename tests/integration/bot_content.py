"""What the bot's actions say (actions/messages.yml), for tests to expect exactly."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import yaml

from tests.integration.stack import ROOT


@cache
def _messages() -> dict[str, Any]:
    return dict(yaml.safe_load((ROOT / "actions" / "messages.yml").read_text(encoding="utf-8"))["messages"])


def action_text(key: str, language: str = "th", **values: object) -> str:
    """The message ``key`` in ``language`` with its placeholders filled."""
    return str(_messages()[key][language]).strip().format(**values)


def action_buttons(key: str, language: str = "th") -> list[dict[str, str]]:
    """The message's buttons: title in ``language`` and payload."""
    return [
        {"title": str(button[language]).strip(), "payload": str(button["payload"])}
        for button in _messages()[key].get("buttons", [])
    ]


def action_pattern(key: str, language: str = "th", **patterns: str) -> re.Pattern[str]:
    """The message ``key`` with each placeholder matching its pattern (any text if not given)."""
    template = str(_messages()[key][language]).strip()
    regex, seen = "", set()
    for position, part in enumerate(re.split(r"{(\w+)}", template)):
        if position % 2 == 0:
            regex += re.escape(part)
        elif part in seen:
            regex += f"(?P={part})"
        else:
            seen.add(part)
            regex += f"(?P<{part}>{patterns.get(part, '.+?')})"
    return re.compile(regex)
