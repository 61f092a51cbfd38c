"""Trackers as Rasa sends them to the action server, built from real parses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.training_data.message import Message
from rasa_sdk import Tracker

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = Domain.load(str(ROOT / "domain.yml"))


def parse(text: str) -> dict[str, Any]:
    """What Rasa makes of a hub message such as ``/share_photo{"photo": "..."}``
    (the same code as the Rasa server: no NLU model needed for these)."""
    message = YAMLStoryReader.unpack_regex_message(Message({"text": text}), domain=DOMAIN)
    assert message.get("intent"), f"not an /intent message of the domain: {text}"
    return {"text": text, "intent": message.get("intent"), "entities": message.get("entities")}


def typed(text: str, intent: str) -> dict[str, Any]:
    """A typed message the NLU classified as ``intent``, without entities."""
    return {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []}


def tracker(latest_message: dict[str, Any], language: str = "th", **slots: Any) -> Tracker:
    return Tracker(
        sender_id="3f9c1e2a5b7d4c6e8f0a1b2c3d4e5f60",
        slots={"language": language, **slots},
        latest_message=latest_message,
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )
