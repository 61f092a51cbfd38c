from __future__ import annotations

import pytest

from channels.text import shorten, split_text


def test_a_short_text_is_one_part() -> None:
    assert split_text("สวัสดีค่ะ", 10) == ["สวัสดีค่ะ"]
    assert split_text("", 10) == [""]


def test_a_long_text_is_cut_at_paragraphs_then_lines_then_spaces() -> None:
    assert split_text("aaaa bbbb\n\ncccc", 12) == ["aaaa bbbb", "cccc"]
    assert split_text("aaaa\nbbbb cccc", 12) == ["aaaa", "bbbb cccc"]
    assert split_text("aaaa bbbb cccc", 10) == ["aaaa bbbb", "cccc"]


def test_a_run_without_spaces_is_cut_at_the_limit_and_nothing_is_lost() -> None:
    thai = "ก" * 25
    parts = split_text(thai, 10)
    assert parts == ["ก" * 10, "ก" * 10, "ก" * 5]
    assert "".join(parts) == thai


def test_a_cut_never_tears_a_thai_mark_from_its_letter() -> None:
    assert split_text("กกกกที่นี่", 6) == ["กกกก", "ที่นี่"]


@pytest.mark.parametrize("limit", [8, 50, 5000])
def test_every_part_fits_and_the_words_are_all_kept(limit: int) -> None:
    text = " ".join(f"word{number}" for number in range(3000))
    parts = split_text(text, limit)
    assert all(len(part) <= limit for part in parts)
    assert " ".join(parts).split() == text.split()


def test_labels_are_shortened_at_a_word_with_an_ellipsis() -> None:
    assert shorten("Talk to an officer", 20) == "Talk to an officer"
    assert shorten("Report a broken streetlight please", 20) == "Report a broken…"
    assert shorten("เรื่องร้องเรียนที่ฉันแจ้งไว้เมื่อวานนี้", 20) == "เรื่องร้องเรียนที่…"  # not "ฉ" without its "ั"
    assert len(shorten("x" * 50, 20)) == 20
