from hub.domain.language import detect_language


def test_thai_letters_make_a_message_thai() -> None:
    assert detect_language("ถนนหน้าบ้านเป็นหลุมใหญ่ครับ") == "th"
    assert detect_language("ขอ report ปัญหาครับ", previous="en") == "th"


def test_latin_letters_only_make_it_english() -> None:
    assert detect_language("I want to report a broken streetlight") == "en"


def test_no_letters_keeps_the_conversation_language() -> None:
    assert detect_language("081-234-5678", previous="en") == "en"
    assert detect_language("081-234-5678", previous="th") == "th"
    assert detect_language("👍", previous="en") == "en"
