"""Reading the citizen's rating and comment."""

from __future__ import annotations

import pytest

from hub.domain.conversations import Button
from hub.domain.csat import (
    SKIP_PAYLOAD,
    comment_question,
    parse_comment,
    parse_rating,
    rating_question,
    ticket_rating_request,
)


@pytest.mark.parametrize(
    ("text", "payload", "rating"),
    [
        ("4", None, 4),
        ("  5 ", None, 5),
        ("๔", None, 4),  # Thai digit
        ("๕ ดาว", None, 5),
        ("3/5", None, 3),
        ("2 stars", None, 2),
        ("1⭐", None, 1),
        ("4", "hub:csat:4", 4),
        ("anything", "hub:csat:2", 2),
        ("0", None, None),
        ("6", None, None),
        ("45", None, None),
        ("4 but the officer was late", None, None),
        ("ดีมาก", None, None),
        ("4", "/inform", None),  # a bot button is not a rating
        ("x", "hub:csat:9", None),
    ],
)
def test_ratings_from_buttons_and_typed_digits(text: str, payload: str | None, rating: int | None) -> None:
    assert parse_rating(text, payload) == rating


def test_a_comment_or_a_skip() -> None:
    assert parse_comment("  เจ้าหน้าที่สุภาพมากค่ะ ", None) == "เจ้าหน้าที่สุภาพมากค่ะ"
    assert parse_comment("ข้าม", None) is None
    assert parse_comment("Skip", None) is None
    assert parse_comment("ข้าม", SKIP_PAYLOAD) is None
    assert len(parse_comment("ก" * 3000, None) or "") == 2000


def test_the_questions_carry_native_buttons() -> None:
    question = rating_question("en", after_ticket=False)
    assert question.text.startswith("The officer has closed this conversation")
    assert question.buttons == tuple(Button(str(rating), f"hub:csat:{rating}") for rating in range(1, 6))
    assert rating_question("th", after_ticket=True).text.startswith("ท่านพอใจกับการแจ้งเรื่องครั้งนี้แค่ไหนคะ")
    assert comment_question("th").buttons == (Button("ข้าม", SKIP_PAYLOAD),)


def test_the_bots_rating_signal_after_a_ticket() -> None:
    assert ticket_rating_request({"csat": {"ticket": "2026-AAAA-BBBB"}}) == "2026-AAAA-BBBB"
    assert ticket_rating_request({"csat": {}}) is None
    assert ticket_rating_request({"handoff": {"reason": "citizen_request"}}) is None
    assert ticket_rating_request(None) is None
