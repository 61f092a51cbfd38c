import pytest

from channels.webchat.channel import FrameError, error_frame, external_id_for, parse_frame


def test_parses_hello_and_messages() -> None:
    assert parse_frame('{"type": "hello", "session_token": null}') == {"type": "hello", "session_token": None}
    assert parse_frame(b'{"type": "message", "text": "\xe0\xb8\x81"}') == {"type": "message", "text": "ก"}
    assert parse_frame('{"type": "message", "text": "ok", "payload": "/affirm"}')["payload"] == "/affirm"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("nope", "invalid_json"),
        (b"\xc3\x28", "invalid_utf8"),
        ('{"type": "message", "text": "\\udc00"}', "invalid_utf8"),
        ('{"type": "message", "text": "a", "payload": "\\ud800"}', "invalid_utf8"),
        ("[]", "invalid_frame"),
        ('{"type": "hello", "session_token": 5}', "invalid_frame"),
        ('{"type": "message"}', "invalid_frame"),
        ('{"type": "message", "text": "a", "payload": 1}', "invalid_frame"),
        ('{"text": "a"}', "invalid_frame"),
    ],
)
def test_refuses_bad_frames_with_a_code(raw: str | bytes, code: str) -> None:
    with pytest.raises(FrameError) as refused:
        parse_frame(raw)
    assert refused.value.code == code


def test_session_tokens_are_stored_hashed() -> None:
    external_id = external_id_for("token")
    assert external_id != "token" and len(external_id) == 64
    assert external_id == external_id_for("token")


def test_error_frames_are_bilingual() -> None:
    assert error_frame("empty_message") == {
        "type": "error",
        "code": "empty_message",
        "message": "กรุณาพิมพ์ข้อความก่อนส่ง / Please type a message before sending.",
    }
