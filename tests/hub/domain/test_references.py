import re

from hub.domain.references import ALPHABET, find_reference, new_reference, parse_reference

FORMAT = re.compile(r"^2026-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$")


def test_format_contains_the_year_and_two_groups_of_four() -> None:
    for _ in range(1000):
        assert FORMAT.match(new_reference(2026))


def test_alphabet_has_no_ambiguous_characters() -> None:
    assert not set("01OILU") & set(ALPHABET)
    assert len(ALPHABET) == 30


def test_every_position_draws_from_the_whole_alphabet() -> None:
    # 30^8 = 6.6e11 references a year. Clashes stay possible (birthday bound:
    # about 1 in 130 among 100,000 tickets), so the store retries on a clash
    # (tests/hub/store); here: no position is biased or stuck. Missing a
    # character in 10,000 draws has probability 30 * (29/30)^10000, i.e. never.
    draws = [new_reference(2026).replace("-", "")[4:] for _ in range(10_000)]
    for position in range(8):
        assert {draw[position] for draw in draws} == set(ALPHABET)


def test_not_sequential() -> None:
    # Consecutive references share no structure: the random part differs almost everywhere.
    draws = [new_reference(2026) for _ in range(1000)]
    same_position = sum(a[i] == b[i] for a, b in zip(draws, draws[1:]) for i in range(5, 14) if a[i] != "-")
    # 8 random positions * 999 pairs, each equal with probability 1/30: about 266 expected.
    assert same_position < 400


def test_find_reference_in_free_text() -> None:
    assert find_reference("ติดตามเรื่อง 2026-K7MX-3QH9 ครับ") == "2026-K7MX-3QH9"
    assert find_reference("ติดตามเรื่อง2026-k7mx-3qh9") == "2026-K7MX-3QH9"
    assert find_reference("status of 2026 K7MX 3QH9 please") == "2026-K7MX-3QH9"
    assert find_reference("status of 2026K7MX3QH9") == "2026-K7MX-3QH9"


def test_find_reference_refuses_malformed() -> None:
    assert find_reference("2026-K7MX-3QH") is None  # too short
    assert find_reference("2026-K7MX-3QH9X") is None  # too long
    assert find_reference("2026-K0MX-3QH9") is None  # 0 is not in the alphabet
    assert find_reference("X2026-K7MX-3QH9") is None
    assert find_reference("ติดตามเรื่องที่แจ้งไว้") is None


def test_parse_reference_takes_exactly_one_reference() -> None:
    assert parse_reference(" 2026-k7mx-3qh9 ") == "2026-K7MX-3QH9"
    assert parse_reference("2026K7MX3QH9") == "2026-K7MX-3QH9"
    assert parse_reference("see 2026-K7MX-3QH9") is None
    assert parse_reference("2026-K7MX-3QH1") is None
