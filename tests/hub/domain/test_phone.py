import pytest

from hub.domain.phone import mask_phone, mask_phones_in_text, normalize_thai_phone


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0812345678", "081-234-5678"),
        ("081-234-5678", "081-234-5678"),
        ("081 234 5678", "081-234-5678"),
        ("  0912345678 ", "091-234-5678"),
        ("0612345678", "061-234-5678"),
        ("+66812345678", "081-234-5678"),
        ("+66 81 234 5678", "081-234-5678"),
        ("+66-81-234-5678", "081-234-5678"),
        ("66812345678", "081-234-5678"),
        ("๐๘๑๒๓๔๕๖๗๘", "081-234-5678"),
    ],
)
def test_accepts_thai_mobile_numbers(raw: str, expected: str) -> None:
    assert normalize_thai_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "hello",
        "081234567",  # 9 digits
        "08123456789",  # 11 digits
        "0212345678",  # Bangkok landline: not a mobile number
        "0712345678",  # 07x is not a mobile prefix
        "+668123456789",
        "+1 812 345 6789",
        "081-234-567a",
        "1669",
    ],
)
def test_refuses_anything_else(raw: str) -> None:
    assert normalize_thai_phone(raw) is None


def test_mask_keeps_prefix_and_last_two_digits() -> None:
    assert mask_phone("081-234-5678") == "081-XXX-XX78"


def test_masks_every_number_in_a_log_line() -> None:
    line = "citizen 0812345678 called, then +66 91 234 5678; ticket 2026-K7MX-3QH9"
    assert mask_phones_in_text(line) == "citizen 081-XXX-XX78 called, then 091-XXX-XX78; ticket 2026-K7MX-3QH9"
