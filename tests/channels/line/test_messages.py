"""Hub messages as LINE messages: splitting, quick replies, the Flex list, postback data, call planning."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from channels.line.messages import (
    ButtonPress,
    LanguageSwitch,
    decode_postback,
    encode_language_switch,
    encode_postback,
    line_length,
    line_messages,
    plan_calls,
    text_parts,
)
from hub.domain.conversations import Button, Message, MessageStatus, Sender


def message(text: str, *buttons: Button, id: str = "m1") -> Message:
    return Message(
        id=id,
        conversation_id="c1",
        sender=Sender.BOT,
        text=text,
        language="th",
        created_at=datetime(2026, 11, 21, tzinfo=UTC),
        status=MessageStatus.PENDING,
        buttons=buttons,
    )


def dicts(messages: list) -> list[dict]:
    return [line_message.to_dict() for line_message in messages]


CATEGORY = Button("เจ้าหน้าที่ทุจริต ประพฤติมิชอบ", '/inform{"category":"misconduct"}')


def test_postback_data_carries_payload_and_title_and_reads_back() -> None:
    data = encode_postback(CATEGORY.payload, CATEGORY.title)
    assert data == '{"payload":"/inform{\\"category\\":\\"misconduct\\"}","title":"เจ้าหน้าที่ทุจริต ประพฤติมิชอบ"}'
    assert decode_postback(data) == ButtonPress(CATEGORY.payload, CATEGORY.title)
    assert decode_postback(encode_language_switch("en")) == LanguageSwitch("en")


def test_postback_data_shortens_a_long_title_to_300_characters_but_never_the_payload() -> None:
    title = "ก" * 400
    data = encode_postback("/skip", title)
    assert data is not None and len(data) == 300
    pressed = decode_postback(data)
    assert pressed == ButtonPress("/skip", "ก" * 269 + "…")
    quotes = encode_postback("/skip", '"' * 200)  # JSON escapes take two characters each
    assert quotes is not None and len(quotes) <= 300 and decode_postback(quotes).title.endswith("…")  # type: ignore[union-attr]
    assert encode_postback("/" + "x" * 290, "title") is None


def test_postback_data_not_written_by_the_hub_means_nothing() -> None:
    for data in ("action=buy&itemid=1", "[]", '{"payload": "", "title": "x"}', '{"language": "fr"}', '{"title": "x"}'):
        assert decode_postback(data) is None


def test_buttons_of_the_last_message_become_quick_replies_with_labels_of_twenty_characters() -> None:
    skip = Button("ข้าม", "/skip")
    [text] = dicts(line_messages(message("ขอเบอร์โทรศัพท์", CATEGORY, skip), last=True))
    assert text == {
        "type": "text",
        "text": "ขอเบอร์โทรศัพท์",
        "quickReply": {
            "items": [
                {
                    "type": "action",
                    "action": {
                        "type": "postback",
                        "label": "เจ้าหน้าที่ทุจริต…",
                        "data": encode_postback(CATEGORY.payload, CATEGORY.title),
                        "displayText": "เจ้าหน้าที่ทุจริต ประพฤติมิชอบ",
                    },
                },
                {
                    "type": "action",
                    "action": {
                        "type": "postback",
                        "label": "ข้าม",
                        "data": '{"payload":"/skip","title":"ข้าม"}',
                        "displayText": "ข้าม",
                    },
                },
            ]
        },
    }


def test_thirteen_buttons_fit_quick_replies_fourteen_become_a_flex_list() -> None:
    buttons = [Button(f"ตัวเลือกที่ {number}", f'/choose{{"n":{number}}}') for number in range(1, 15)]
    [thirteen] = dicts(line_messages(message("เลือกค่ะ", *buttons[:13]), last=True))
    assert len(thirteen["quickReply"]["items"]) == 13
    text, flex = dicts(line_messages(message("เลือกค่ะ", *buttons), last=True))
    assert text == {"type": "text", "text": "เลือกค่ะ"}
    rows = flex["contents"]["body"]["contents"]
    assert [row["contents"][0]["text"] for row in rows] == [button.title for button in buttons]
    assert [row["action"]["data"] for row in rows] == [encode_postback(b.payload, b.title) for b in buttons]
    assert all(row["contents"][0]["wrap"] for row in rows)
    assert flex["altText"] == "เลือกค่ะ\n" + "\n".join(f"• {button.title}" for button in buttons)


def test_buttons_on_an_earlier_message_stay_in_the_chat_as_a_flex_list() -> None:
    # A quick reply disappears when the next message arrives, so it only suits the last one.
    messages = dicts(line_messages(message("ต้องการอะไรคะ", Button("ข้าม", "/skip")), last=False))
    assert [line_message["type"] for line_message in messages] == ["text", "flex"]
    assert "quickReply" not in messages[0]


def test_a_payload_too_long_for_a_postback_sends_the_title_as_text() -> None:
    long = Button("ข้อมูลเพิ่มเติม", "/" + "x" * 290)
    [text] = dicts(line_messages(message("ดูเพิ่ม", long), last=True))
    assert text["quickReply"]["items"][0]["action"] == {
        "type": "message",
        "label": "ข้อมูลเพิ่มเติม",
        "text": "ข้อมูลเพิ่มเติม",
    }


def test_long_texts_are_split_below_five_thousand_characters_as_line_counts_them() -> None:
    paragraph = "ถนนชำรุดหลายจุด " * 400  # 6,400 characters with spaces to cut at (one dropped at the cut)
    parts = text_parts(paragraph.strip())
    assert [len(part) for part in parts] == [4991, 1407]
    assert " ".join(parts) == paragraph.strip()
    emoji = "😊" * 3000  # each counts 2 for LINE: 6,000
    emoji_parts = text_parts(emoji)
    assert [line_length(part) for part in emoji_parts] == [5000, 1000]
    assert "".join(emoji_parts) == emoji
    only_emoji = "😊" * 5000
    assert [line_length(part) for part in text_parts(only_emoji)] == [5000, 5000]


def test_a_delivery_is_planned_in_calls_of_five_keeping_messages_whole() -> None:
    long_text = "ก" * 12_000  # three LINE messages
    messages = [message(f"ข้อความ {n}", id=f"m{n}") for n in range(3)] + [message(long_text, id="m3")]
    calls = plan_calls(messages)
    assert [len(call.messages) for call in calls] == [3, 3]
    assert [(call.sent_before, call.sent_after) for call in calls] == [(0, 3), (3, 4)]
    assert [len(message.text) for message in calls[1].messages] == [5000, 5000, 2000]
    assert len({call.retry_key for call in calls}) == 2
    assert [call.retry_key for call in plan_calls(messages)] == [call.retry_key for call in calls]  # same on retry


def test_a_message_longer_than_one_call_is_spread_over_several() -> None:
    calls = plan_calls([message("ก" * 31_000, id="huge"), message("จบ", Button("ข้าม", "/skip"), id="end")])
    assert [len(call.messages) for call in calls] == [5, 3]  # 7 parts of the long one, then "จบ"
    assert [(call.sent_before, call.sent_after) for call in calls] == [(0, 0), (0, 2)]
    assert json.loads(calls[1].messages[-1].to_json())["quickReply"]["items"][0]["action"]["displayText"] == "ข้าม"
