"""Complaint categories agree between the hub's content and the bot's training data."""

from pathlib import Path

from rasa.shared.nlu.training_data.loading import load_data

from hub.domain.content import categories

ROOT = Path(__file__).resolve().parents[2]
TRAINING_DATA = load_data(str(ROOT / "data" / "nlu"))


def category_synonyms() -> dict[str, str]:
    """Synonyms of the `category` entity (other entities have synonyms too)."""
    [lookup] = [table for table in TRAINING_DATA.lookup_tables if table["name"] == "category"]
    words = {word.lower() for word in lookup["elements"]}
    return {word: target for word, target in TRAINING_DATA.entity_synonyms.items() if word in words}


def test_every_synonym_maps_to_a_known_category_and_every_category_has_words() -> None:
    targets = set(category_synonyms().values())
    assert targets <= set(categories())
    assert set(categories()) - {"other"} <= targets


def test_every_lookup_word_maps_to_a_category() -> None:
    """A lookup word the synonym mapper does not know would reach the form as a raw word."""
    [lookup] = [table for table in TRAINING_DATA.lookup_tables if table["name"] == "category"]
    synonyms = {word.lower(): category for word, category in TRAINING_DATA.entity_synonyms.items()}
    unmapped = [word for word in lookup["elements"] if synonyms.get(word.lower(), word) not in categories()]
    assert unmapped == []
