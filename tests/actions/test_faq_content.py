"""The public-service FAQ (data/faq/): every topic has questions and an answer in
Thai and in English, every answer gives the same five facts, and the domain and
rules answer every topic, also in the middle of the complaint form."""

import re
from pathlib import Path

import pytest
import yaml
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Event, UserUttered
from rasa.shared.core.training_data.structures import RuleStep
from rasa.shared.importers.importer import TrainingDataImporter

ROOT = Path(__file__).resolve().parents[2]
FAQ = ROOT / "data" / "faq"
THAI = re.compile(r"[\u0E00-\u0E7F]")
ENGLISH = [{"type": "slot", "name": "language", "value": "en"}]
MINIMUM_EXAMPLES_PER_LANGUAGE = 30
# The labelled lines every answer has, in this order (see data/faq/responses.yml).
THAI_LABELS = ["เอกสาร:", "ค่าธรรมเนียม:", "ระยะเวลา:", "สถานที่และเวลา:", "ออนไลน์:"]
ENGLISH_LABELS = ["Documents:", "Fee:", "Time:", "Where and when:", "Online:"]


def load(name: str) -> dict:
    return yaml.safe_load((FAQ / name).read_text(encoding="utf-8"))


def examples_by_topic() -> dict[str, list[str]]:
    topics = {}
    for block in load("nlu.yml")["nlu"]:
        lines = block["examples"].splitlines()
        assert all(line.startswith("- ") for line in lines), block["intent"]
        topics[block["intent"]] = [line[2:].strip() for line in lines]
    return topics


TOPICS = sorted(examples_by_topic())
RESPONSES = load("responses.yml")["responses"]


def test_at_least_25_topics_each_with_exactly_one_answer() -> None:
    assert len(TOPICS) >= 25
    assert all(topic.startswith("faq_") for topic in TOPICS)
    assert sorted(RESPONSES) == [f"utter_{topic}" for topic in TOPICS]


@pytest.mark.parametrize("topic", TOPICS)
def test_topic_has_enough_distinct_examples_in_both_languages(topic: str) -> None:
    examples = examples_by_topic()[topic]
    thai = [example for example in examples if THAI.search(example)]
    english = [example for example in examples if not THAI.search(example)]
    assert len(thai) >= MINIMUM_EXAMPLES_PER_LANGUAGE, len(thai)
    assert len(english) >= MINIMUM_EXAMPLES_PER_LANGUAGE, len(english)
    normalized = [re.sub(r"[\s?!.,]+", " ", example.lower()).strip() for example in examples]
    assert len(set(normalized)) == len(normalized), "duplicate examples"


def test_no_example_belongs_to_two_topics() -> None:
    seen: dict[str, str] = {}
    clashes = []
    for topic, examples in examples_by_topic().items():
        for example in examples:
            key = example.lower()
            if key in seen and seen[key] != topic:
                clashes.append((example, seen[key], topic))
            seen[key] = topic
    assert clashes == []


@pytest.mark.parametrize("topic", TOPICS)
def test_answer_has_thai_and_english_with_every_label(topic: str) -> None:
    variations = RESPONSES[f"utter_{topic}"]
    [thai] = [variation for variation in variations if "condition" not in variation]
    [english] = [variation for variation in variations if variation.get("condition") == ENGLISH]
    assert len(variations) == 2
    assert THAI.search(thai["text"])
    assert not THAI.search(english["text"])
    for text, labels in ((thai["text"], THAI_LABELS), (english["text"], ENGLISH_LABELS)):
        lines = text.splitlines()
        starts = [next((i for i, line in enumerate(lines) if line.startswith(label)), None) for label in labels]
        assert None not in starts, (labels, text)
        assert starts == sorted(starts), f"labels out of order: {labels}"
        for index in starts:
            assert len(lines[index]) > len(lines[index].split(":")[0]) + 3, f"empty: {lines[index]}"


def rule_step(event: Event) -> tuple[str, str | None] | None:
    """A rule's condition and steps as (kind, name), without Rasa's bookkeeping."""
    if isinstance(event, UserUttered):
        return ("intent", event.intent_name)
    if isinstance(event, ActiveLoop):
        return ("loop", event.name)
    if isinstance(event, ActionExecuted) and event.action_name not in ("action_listen", "...", None):
        return ("action", event.action_name)
    return None


def test_rasa_merges_the_faq_into_the_domain_and_every_topic_has_both_rules() -> None:
    importer = TrainingDataImporter.load_from_config(
        str(ROOT / "config.yml"), str(ROOT / "domain.yml"), [str(ROOT / "data")]
    )
    domain = importer.get_domain()
    rules = [
        [step for step in map(rule_step, story.events) if step is not None]
        for story in importer.get_stories().story_steps
        if isinstance(story, RuleStep)
    ]
    for topic in TOPICS:
        assert topic in domain.intents
        assert domain.responses[f"utter_{topic}"][1]["condition"] == ENGLISH
        answer = [("intent", topic), ("action", f"utter_{topic}")]
        in_form = [("loop", "complaint_form"), *answer, ("action", "complaint_form"), ("loop", "complaint_form")]
        assert answer in rules, f"no rule answers {topic}"
        assert in_form in rules, f"no rule answers {topic} during the complaint form"



def test_a_question_is_never_taken_as_a_complaint_form_answer() -> None:
    """Every free-text slot of the form ignores every FAQ intent."""
    slots = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["slots"]
    for name, slot in slots.items():
        for mapping in slot["mappings"]:
            if mapping["type"] == "from_text":
                assert set(TOPICS) <= set(mapping["not_intent"]), name
