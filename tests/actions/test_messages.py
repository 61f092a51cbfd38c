"""What the actions say (actions/messages.yml): both languages, the same placeholders
and buttons, and every message the actions name exists."""

import re
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.messages import MESSAGES_FILE, message_text, messages, say
from actions.questions import FormQuestion
from hub.domain.content import ContentError

ROOT = Path(__file__).resolve().parents[2]
THAI = re.compile(r"[\u0E00-\u0E7F]")


def tracker(language: str) -> Tracker:
    return Tracker("conversation-1", {"language": language}, {}, [], False, None, {}, "action_listen")


def test_every_message_has_thai_and_english_with_the_same_placeholders() -> None:
    raw = yaml.safe_load(MESSAGES_FILE.read_text(encoding="utf-8"))["messages"]
    assert set(messages()) == set(raw)
    for key, message in messages().items():
        assert THAI.search(message.text.th), key
        assert not THAI.search(message.text.en), key
        assert set(re.findall(r"{(\w+)}", message.text.en)) == message.placeholders(), key
        for button in message.buttons:
            assert THAI.search(button.title.th) and not THAI.search(button.title.en), key
            assert button.payload.startswith("/"), key


def test_every_message_is_said_by_an_action_and_every_message_said_exists() -> None:
    """The counterpart of `rasa data validate` for domain responses: nothing unused, nothing missing."""
    named = set()
    for source in (ROOT / "actions").glob("*.py"):
        text = source.read_text(encoding="utf-8")
        named |= set(re.findall(r'(?:say\(\s*dispatcher,\s*tracker,\s*|message_text\(\s*)"(\w+)"', text))
    # Named from a variable: f"ask_{self.slot}" (actions/questions.py) and
    # f"ticket_status_{ticket.status}" (actions/status.py).
    named |= {f"ask_{question.slot}" for question in FormQuestion.__subclasses__()}
    statuses = yaml.safe_load((ROOT / "hub/content/ticket_statuses.yml").read_text(encoding="utf-8"))["statuses"]
    named |= {f"ticket_status_{status}" for status in statuses}
    assert named == set(messages())


def test_say_uses_the_citizens_language_fills_placeholders_and_adds_the_buttons() -> None:
    dispatcher = CollectingDispatcher()
    say(dispatcher, tracker("en"), "ask_complaint_phone")
    say(dispatcher, tracker("th"), "feedback_received", reference="2026-K7MX-3QH9")
    assert dispatcher.messages == [
        {
            "text": "A phone number so an officer can call you back? (optional; press Skip)",
            "buttons": [{"title": "Skip", "payload": "/skip"}],
            "elements": [],
            "custom": {},
            "template": None,
            "response": None,
            "image": None,
            "attachment": None,
        },
        {
            "text": "ขอบคุณสำหรับความคิดเห็นค่ะ บันทึกไว้แล้ว เลขที่อ้างอิง 2026-K7MX-3QH9",
            "buttons": [],
            "elements": [],
            "custom": {},
            "template": None,
            "response": None,
            "image": None,
            "attachment": None,
        },
    ]


def test_given_buttons_replace_the_messages_own() -> None:
    dispatcher = CollectingDispatcher()
    say(dispatcher, tracker("th"), "ask_which_field", buttons=[{"title": "สถานที่", "payload": "/x"}])
    assert dispatcher.messages[0]["buttons"] == [{"title": "สถานที่", "payload": "/x"}]


def test_a_missing_placeholder_value_is_an_error() -> None:
    with pytest.raises(KeyError):
        message_text("ticket_filed", "th", reference="2026-K7MX-3QH9")


def test_a_message_without_english_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "messages.yml"
    broken.write_text("messages:\n  hello:\n    th: สวัสดีค่ะ\n", encoding="utf-8")
    monkeypatch.setattr("actions.messages.MESSAGES_FILE", broken)
    messages.cache_clear()
    try:
        with pytest.raises(ContentError, match="hello: the en text is missing or empty"):
            messages()
    finally:
        messages.cache_clear()


def test_different_placeholders_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "messages.yml"
    broken.write_text("messages:\n  filed:\n    th: เลขที่ {reference}\n    en: Reference {ref}\n", encoding="utf-8")
    monkeypatch.setattr("actions.messages.MESSAGES_FILE", broken)
    messages.cache_clear()
    try:
        with pytest.raises(ContentError, match="filed: Thai and English have different placeholders"):
            messages()
    finally:
        messages.cache_clear()
