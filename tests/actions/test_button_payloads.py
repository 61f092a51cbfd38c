"""Every button the bot can show fits the strictest chat app: Telegram sends at
most 64 bytes of callback data back, and a cut payload would be another message."""

from __future__ import annotations

import asyncio
from functools import cache
from pathlib import Path

import pytest
from rasa.shared.importers.importer import TrainingDataImporter
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.complaint import AskComplaintCategory, ChangeAnswer
from actions.handoff import Fallback
from actions.messages import messages
from hub.domain.content import main_menu, suggestions
from hub.domain.conversations import MAX_BUTTON_PAYLOAD_BYTES

ROOT = Path(__file__).resolve().parents[2]


def domain_payloads() -> list[str]:
    importer = TrainingDataImporter.load_from_config(
        str(ROOT / "config.yml"), str(ROOT / "domain.yml"), [str(ROOT / "data")]
    )
    return [
        button["payload"]
        for variations in importer.get_domain().responses.values()
        for variation in variations
        for button in variation.get("buttons", [])
    ]


def tracker(language: str, intent_ranking: list[str] | None = None) -> Tracker:
    ranking = [{"name": intent, "confidence": 0.2} for intent in intent_ranking or []]
    latest_message = {"text": "?", "intent": {"name": "nlu_fallback"}, "intent_ranking": ranking, "entities": []}
    return Tracker("conversation", {"language": language}, latest_message, [], False, None, {}, None)


def action_payloads(action: Action, language: str, intent_ranking: list[str] | None = None) -> list[str]:
    dispatcher = CollectingDispatcher()
    asyncio.run(action.run(dispatcher, tracker(language, intent_ranking), {}))
    return [button["payload"] for message in dispatcher.messages for button in message.get("buttons") or []]


@cache
def every_payload() -> tuple[str, ...]:
    payloads = domain_payloads() + [action.payload for action in main_menu()]
    payloads += [button.payload for message in messages().values() for button in message.buttons]
    for language in ("th", "en"):
        payloads += action_payloads(AskComplaintCategory(), language)
        payloads += action_payloads(ChangeAnswer(), language)
        intents = list(suggestions())
        for start in range(len(intents)):  # each suggestion at the top of the ranking once
            payloads += action_payloads(Fallback(), language, intents[start:] + intents[:start])
    return tuple(payloads)


def test_the_bot_shows_every_kind_of_button() -> None:
    payloads = set(every_payload())
    assert '/inform{"category":"parking_encroachment"}' in payloads
    assert '/change_answer{"complaint_field":"complaint_description"}' in payloads
    assert {f"/{intent}" for intent in suggestions()} <= payloads
    assert {"/report_problem", "/check_status", "/affirm", "/deny", "/skip"} <= payloads


@pytest.mark.parametrize("payload", sorted(set(every_payload())))
def test_every_button_payload_fits_in_telegram_callback_data(payload: str) -> None:
    assert len(payload.encode("utf-8")) <= MAX_BUTTON_PAYLOAD_BYTES
