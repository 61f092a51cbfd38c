"""The content files a non-programmer edits must have both languages everywhere."""

import re
from pathlib import Path

import pytest
import yaml

from hub.domain.content import ContentError, Text, _text, categories, hub_messages

THAI = re.compile(r"[\u0E00-\u0E7F]")
ROOT = Path(__file__).resolve().parents[3]


def test_every_category_has_a_thai_and_an_english_label() -> None:
    assert set(categories()) == {"road", "streetlight", "garbage", "flooding", "noise", "water_supply", "other"}
    for label in categories().values():
        assert THAI.search(label.th)
        assert not THAI.search(label.en)


def test_every_hub_message_has_both_languages() -> None:
    assert "bot_unavailable" in hub_messages()
    for text in hub_messages().values():
        assert THAI.search(text.th)
        assert not THAI.search(text.en)


def test_a_missing_language_is_refused() -> None:
    with pytest.raises(ContentError, match="the en text is missing"):
        _text("somewhere", {"th": "สวัสดี"})
    assert _text("x", {"th": " ก ", "en": " a "}) == Text("ก", "a")


def test_categories_agree_with_the_bot_training_data() -> None:
    """Every category id is a synonym target in the NLU data, and no other value is."""
    nlu = yaml.safe_load((ROOT / "data/nlu/complaints.yml").read_text(encoding="utf-8"))["nlu"]
    synonyms = {item["synonym"] for item in nlu if "synonym" in item}
    assert synonyms == set(categories()) - {"other"} or synonyms == set(categories())
