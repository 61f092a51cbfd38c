"""The bot's training data: at least 30 distinct examples per intent in each language.

Thai examples are those with Thai characters, English those with Latin letters
and no Thai; a phone number alone is neither. FAQ topics are counted too
(data/faq/nlu.yml).
"""

import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
THAI = re.compile(r"[\u0E00-\u0E7F]")
LATIN = re.compile(r"[A-Za-z]")
# [text](entity) and [text]{"entity": ...} become their text.
ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")
MINIMUM_PER_LANGUAGE = 30


def examples_by_intent() -> dict[str, list[str]]:
    examples: dict[str, list[str]] = defaultdict(list)
    for path in sorted((ROOT / "data").rglob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
            if "intent" in block:
                examples[block["intent"]] += [
                    ANNOTATION.sub(r"\1", line.strip()[2:].strip()) for line in block["examples"].splitlines()
                ]
    return examples


EXAMPLES = examples_by_intent()


def language_of(example: str) -> str | None:
    if THAI.search(example):
        return "th"
    return "en" if LATIN.search(example) else None


def normalized(example: str) -> str:
    """Case, punctuation and repeated spaces do not make two examples distinct
    (a space more or less does: it changes the tokens)."""
    return " ".join(re.sub(r"[?!.,'’]+", " ", example.lower()).split())


def test_every_intent_of_the_domain_has_examples() -> None:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert sorted(EXAMPLES) == sorted(domain["intents"])


@pytest.mark.parametrize("intent", sorted(EXAMPLES))
@pytest.mark.parametrize("language", ["th", "en"])
def test_enough_examples_in_each_language(intent: str, language: str) -> None:
    found = [example for example in EXAMPLES[intent] if language_of(example) == language]
    assert len(found) >= MINIMUM_PER_LANGUAGE, f"{intent}: {len(found)} {language} examples"


def test_no_example_is_repeated_or_differs_only_in_case_or_punctuation() -> None:
    seen: dict[str, tuple[str, str]] = {}
    repeated = []
    for intent, examples in EXAMPLES.items():
        for example in examples:
            key = normalized(example)
            if key in seen:
                repeated.append((example, intent, *seen[key]))
            seen[key] = (example, intent)
    assert repeated == []


def test_language_rule() -> None:
    assert language_of("หมาจรจัดกัดเด็กแถวบ้าน") == "th"
    assert language_of("ขอเช็ค status เรื่อง 2026-HQKF-TCGM") == "th"
    assert language_of("status of 2026-M4TP-9WQA") == "en"
    assert language_of("081-234-5678") is None
    assert normalized("Status?  ") == normalized("status")
    assert normalized("thank you") != normalized("thankyou")
