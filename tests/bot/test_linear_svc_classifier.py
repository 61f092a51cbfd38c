"""Tests of bot.linear_svc_classifier.LinearSVCIntentClassifier in a real Rasa pipeline.

Run in .venv-rasa from the repository root: `.venv-rasa/bin/python -m pytest tests/bot`.
"""

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest

# The hub's environment (.venv) collects tests/ too but has no Rasa.
pytest.importorskip("rasa")

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from rasa.core.agent import Agent  # noqa: E402
from rasa.model_training import train_nlu  # noqa: E402
from rasa.shared.exceptions import InvalidConfigException  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[2]

CONFIG = f"""recipe: default.v1
language: th
pipeline:
  - name: bot.thai_tokenizer.ThaiTokenizer
    domain_words_file: {REPO_ROOT / "bot/domain_words.txt"}
  - name: bot.count_vectors.TokenCountVectorsFeaturizer
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 2
    max_ngram: 4
  - name: bot.linear_svc_classifier.LinearSVCIntentClassifier
    ranking_length: 2
"""

NLU = """version: "3.1"
nlu:
- intent: greet
  examples: |
    - สวัสดีครับ
    - สวัสดีค่ะ
    - หวัดดี
    - hello
    - hi there
    - good morning
- intent: thanks
  examples: |
    - ขอบคุณครับ
    - ขอบคุณมากค่ะ
    - ขอบใจนะ
    - thank you
    - thanks a lot
    - many thanks
- intent: report_problem
  examples: |
    - ถนนเป็นหลุมครับ
    - ไฟถนนดับ
    - ขยะไม่มีคนเก็บ
    - the road has a hole
    - the streetlight is broken
    - garbage was not collected
"""


def train(tmp_path: Path, nlu: str) -> Agent:
    """Trains `nlu` with CONFIG and loads the model from its archive."""
    (tmp_path / "config.yml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "nlu.yml").write_text(nlu, encoding="utf-8")
    os.environ["RASA_CACHE_DIRECTORY"] = str(tmp_path / "cache")
    model = train_nlu(str(tmp_path / "config.yml"), str(tmp_path / "nlu.yml"), str(tmp_path / "models"))
    assert model is not None
    return Agent.load(model)


@pytest.fixture(scope="module")
def agent(tmp_path_factory: pytest.TempPathFactory) -> Agent:
    """One model for the module: training takes a few seconds."""
    return train(tmp_path_factory.mktemp("svc"), NLU)


def parse(agent: Agent, text: str) -> dict[str, Any]:
    """Parses `text` as the Rasa server does."""
    return asyncio.run(agent.parse_message(text))


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("สวัสดีครับ ขอสอบถามหน่อย", "greet"),
        ("hello, good evening", "greet"),
        ("ขอบคุณมากครับ", "thanks"),
        ("thanks!", "thanks"),
        ("ไฟถนนหน้าบ้านดับครับ", "report_problem"),
        ("a broken streetlight", "report_problem"),
    ],
)
def test_classifies_unseen_thai_and_english(agent: Agent, text: str, intent: str) -> None:
    assert parse(agent, text)["intent"]["name"] == intent


def test_confidences_are_probabilities(agent: Agent) -> None:
    parsed = parse(agent, "ขอบคุณครับ")
    ranking = parsed["intent_ranking"]
    confidences = [r["confidence"] for r in ranking]
    # ranking_length 2 keeps the two best of three; together they are at most 1.
    assert [r["name"] for r in ranking][0] == "thanks" == parsed["intent"]["name"]
    assert len(ranking) == 2
    assert confidences == sorted(confidences, reverse=True)
    assert all(0.0 <= c <= 1.0 for c in confidences)
    assert parsed["intent"]["confidence"] == confidences[0] > 0.5
    assert sum(confidences) <= 1.0 + 1e-9


def test_an_intent_with_one_example_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidConfigException, match="'lonely' has 1"):
        train(tmp_path, NLU + "- intent: lonely\n  examples: |\n    - ว่างไหม\n")
