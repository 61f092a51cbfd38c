"""The production model (models/saphan.tar.gz, trained by `make train`, which
`make test` runs first) on messages it was not trained on, among them ones it
used to get wrong, and on the hub's photo and location messages."""

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from rasa.core.agent import Agent  # noqa: E402

MODEL = Path(__file__).resolve().parents[2] / "models" / "saphan.tar.gz"


@pytest.fixture(scope="module")
def agent() -> Agent:
    assert MODEL.exists(), f"{MODEL} is missing: run `make train` (make test does)"
    return Agent.load(str(MODEL))


def parse(agent: Agent, text: str) -> dict[str, Any]:
    return asyncio.run(agent.parse_message(text))


def categories(parsed: dict[str, Any]) -> set[str]:
    return {entity["value"] for entity in parsed["entities"] if entity["entity"] == "category"}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("หมาจรจัดกัดเด็กแถวบ้าน", "stray_animal"),
        ("หมาจรจัดกัดเด็กแถวบ้านค่ะ", "stray_animal"),
        ("สุนัขจรจัดไล่กัดคนแถวตลาดครับ", "stray_animal"),
        ("เจ้าหน้าที่เรียกเงินใต้โต๊ะค่ะ", "misconduct"),
        ("stray dogs bit my daughter on the way to school", "stray_animal"),
    ],
)
def test_a_problem_stated_is_a_report_with_its_category(agent: Agent, text: str, category: str) -> None:
    parsed = parse(agent, text)
    assert parsed["intent"]["name"] == "report_problem"
    assert categories(parsed) == {category}


@pytest.mark.parametrize("text", ["ซอย 5", "ซอย ๙", "ซอย 15 ค่ะ", "Soi Ari 3", "soi 7 near the market"])
def test_a_place_with_a_number_is_an_answer_not_a_status_lookup(agent: Agent, text: str) -> None:
    assert parse(agent, text)["intent"]["name"] == "inform"


@pytest.mark.parametrize("text", ["คำถามที่พบบ่อย", "FAQ", "ขอดูคำถามที่ถามบ่อยๆหน่อยค่ะ", "common questions please"])
def test_the_faq_menu(agent: Agent, text: str) -> None:
    assert parse(agent, text)["intent"]["name"] == "browse_faq"


def test_the_hubs_photo_and_location_messages(agent: Agent) -> None:
    photo = parse(agent, '/share_photo{"photo": "0123456789abcdef0123456789abcdef"}')
    assert photo["intent"]["name"] == "share_photo"
    assert [(e["entity"], e["value"]) for e in photo["entities"]] == [("photo", "0123456789abcdef0123456789abcdef")]
    location = parse(
        agent, '/share_location{"latitude": 13.7563, "longitude": 100.5018, "address": "ถนนสุขุมวิท แขวงคลองเตย"}'
    )
    assert location["intent"]["name"] == "share_location"
    assert [(e["entity"], e["value"]) for e in location["entities"]] == [
        ("latitude", 13.7563),
        ("longitude", 100.5018),
        ("address", "ถนนสุขุมวิท แขวงคลองเตย"),
    ]
