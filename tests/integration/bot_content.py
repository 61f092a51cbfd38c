"""What the bot says, read from its content files, for tests that check exact answers."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import yaml

from tests.integration.stack import ROOT


@cache
def action_messages() -> dict[str, Any]:
    """What the bot's actions say (actions/messages.yml)."""
    return dict(yaml.safe_load((ROOT / "actions" / "messages.yml").read_text(encoding="utf-8"))["messages"])


def bot_says(key: str, language: str = "th", **values: object) -> str:
    """A message of actions/messages.yml in one language, its placeholders filled in."""
    return str(action_messages()[key][language]).strip().format(**values)


def action_buttons(key: str, language: str = "th") -> list[dict[str, str]]:
    """The message's buttons: title in ``language`` and payload."""
    return [
        {"title": str(button[language]).strip(), "payload": str(button["payload"])}
        for button in action_messages()[key].get("buttons", [])
    ]


def action_pattern(key: str, language: str = "th", **patterns: str) -> re.Pattern[str]:
    """The message ``key`` with each placeholder matching its pattern (any text if not given)."""
    template = str(action_messages()[key][language]).strip()
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


@cache
def _responses() -> dict[str, Any]:
    return dict(yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"])


def bot_response(name: str, language: str = "th") -> dict[str, Any]:
    """A response of domain.yml (what rules make the bot say) in one language: text and buttons."""
    for variation in _responses()[name]:
        conditions = variation.get("condition") or []
        if (language == "th" and not conditions) or any(c.get("value") == language for c in conditions):
            return dict(variation)
    raise KeyError(f"{name} has no {language} variation")
