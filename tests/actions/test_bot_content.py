"""The bot's words: every response exists in Thai and in English."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
THAI = re.compile(r"[\u0E00-\u0E7F]")
ENGLISH = [{"type": "slot", "name": "language", "value": "en"}]


def responses() -> dict:
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]


def test_every_response_has_a_thai_default_and_an_english_variation() -> None:
    for name, variations in responses().items():
        thai = [variation for variation in variations if "condition" not in variation]
        english = [variation for variation in variations if variation.get("condition") == ENGLISH]
        assert thai and english, name
        assert len(thai) + len(english) == len(variations), name
        for variation in thai:
            assert THAI.search(variation["text"]), name
        for variation in english:
            assert not THAI.search(variation["text"]), name


def test_both_languages_have_the_same_placeholders_and_buttons() -> None:
    for name, variations in responses().items():
        placeholders = {tuple(sorted(re.findall(r"{(\w+)}", variation["text"]))) for variation in variations}
        assert len(placeholders) == 1, name
        payloads = {tuple(button["payload"] for button in variation.get("buttons", [])) for variation in variations}
        assert len(payloads) == 1, name
