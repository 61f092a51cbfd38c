"""Complaint categories agree between the hub's content and the bot's training data."""

from pathlib import Path

from rasa.shared.nlu.training_data.loading import load_data

from hub.domain.content import categories

ROOT = Path(__file__).resolve().parents[2]


def test_every_synonym_maps_to_a_known_category_and_every_category_has_words() -> None:
    training_data = load_data(str(ROOT / "data" / "nlu"))
    targets = set(training_data.entity_synonyms.values())
    assert targets <= set(categories())
    assert set(categories()) - {"other"} <= targets


def test_every_category_word_is_in_the_lookup_table() -> None:
    training_data = load_data(str(ROOT / "data" / "nlu"))
    [lookup] = [table for table in training_data.lookup_tables if table["name"] == "category"]
    words = {word.lower() for word in lookup["elements"]}
    assert set(training_data.entity_synonyms) <= words
