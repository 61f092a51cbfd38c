"""A citizen reports a problem in web chat, gets a reference and follows it up,
against the real Rasa server, action server and hub."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import httpx

from channels.webchat.channel import external_id_for
from tests.integration.stack import Chat, Stack, texts

REFERENCE = re.compile(r"\b(20\d\d-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4})\b")
THAI_MONTHS = "มกราคม|กุมภาพันธ์|มีนาคม|เมษายน|พฤษภาคม|มิถุนายน|กรกฎาคม|สิงหาคม|กันยายน|ตุลาคม|พฤศจิกายน|ธันวาคม"


def reference_in(answers: list[dict]) -> str:
    found = [match.group(1) for answer in answers if (match := REFERENCE.search(answer["text"]))]
    assert len(set(found)) == 1, texts(answers)
    return found[0]


async def test_thai_complaint_gets_a_reference_and_a_status(stack: Stack, chat: Chat) -> None:
    answers = await chat.say("ถนนหน้าบ้านเป็นหลุมใหญ่ครับ อยากแจ้งเรื่อง")
    assert texts(answers) == ["กรุณาเล่ารายละเอียดของปัญหาค่ะ"]  # the category (road) was understood

    answers = await chat.say("หลุมลึกประมาณ 30 ซม. มอเตอร์ไซค์ล้มไปแล้วสองคัน")
    assert texts(answers) == ["ปัญหาอยู่ที่ไหนคะ (เช่น ซอย ถนน จุดสังเกต)"]

    answers = await chat.say("ซอยสุขุมวิท 71 หน้าร้านสะดวกซื้อ")
    assert texts(answers) == ["ขอเบอร์โทรศัพท์สำหรับติดต่อกลับค่ะ (ไม่บังคับ กด ข้าม ได้)"]
    assert answers[0]["buttons"] == [{"title": "ข้าม", "payload": "/skip"}]

    answers = await chat.say("081 234 5678")
    assert texts(answers) == [
        "กรุณาตรวจสอบข้อมูลค่ะ\nประเภท: ถนน ทางเท้า\nรายละเอียด: หลุมลึกประมาณ 30 ซม. มอเตอร์ไซค์ล้มไปแล้วสองคัน"
        "\nสถานที่: ซอยสุขุมวิท 71 หน้าร้านสะดวกซื้อ\nเบอร์ติดต่อ: 081-234-5678\nข้อมูลถูกต้องไหมคะ"
    ]

    answers = await chat.press(answers[0], "ถูกต้อง ส่งเรื่อง")
    reference = reference_in(answers)
    assert texts(answers)[0].startswith(f"รับเรื่องเรียบร้อยแล้วค่ะ เลขที่เรื่องของท่านคือ {reference} (แจ้งเมื่อ ")
    assert re.search(rf"แจ้งเมื่อ \d{{1,2}} ({THAI_MONTHS}) 25\d\d เวลา \d\d:\d\d น\.", texts(answers)[0])

    [ticket] = stack.rows("SELECT * FROM tickets WHERE reference = :reference", reference=reference)
    assert ticket["category"] == "road"
    assert ticket["description"] == "หลุมลึกประมาณ 30 ซม. มอเตอร์ไซค์ล้มไปแล้วสองคัน"
    assert ticket["location"] == "ซอยสุขุมวิท 71 หน้าร้านสะดวกซื้อ"
    assert ticket["phone"] == "081-234-5678"
    assert ticket["status"] == "received"
    assert ticket["language"] == "th"
    [conversation] = stack.rows("SELECT * FROM conversations WHERE id = :id", id=ticket["conversation_id"])
    assert conversation["contact_id"] == ticket["contact_id"]
    events = stack.rows("SELECT kind, status FROM ticket_events WHERE ticket_id = :id", id=ticket["id"])
    assert events == [{"kind": "filed", "status": "received"}]

    for process in stack.processes:  # phone numbers never reach a log
        assert "234-5678" not in process.log() and "234 5678" not in process.log(), process.name

    answers = await chat.say(f"ติดตามเรื่อง {reference}")
    [status] = texts(answers)
    assert status.startswith(f"เรื่อง {reference} (ถนน ทางเท้า): รับเรื่องแล้ว รอเจ้าหน้าที่ดำเนินการ แจ้งเมื่อ ")
    buddhist_year = datetime.now(UTC).year + 543
    assert re.search(rf"แจ้งเมื่อ \d{{1,2}} ({THAI_MONTHS}) {buddhist_year} เวลา \d\d:\d\d น\.$", status)


async def test_english_complaint_with_category_buttons_and_skipped_phone(stack: Stack, chat: Chat) -> None:
    answers = await chat.say("I want to report a broken streetlight")
    assert texts(answers) == ["Please describe the problem."]

    answers = await chat.say("The lamp at the corner has been dark for a week")
    assert texts(answers) == ["Where is it? (street, soi, a landmark nearby)"]
    answers = await chat.say("Soi Ari 3, in front of the temple")
    assert texts(answers) == ["A phone number so an officer can call you back? (optional; press Skip)"]
    answers = await chat.press(answers[0], "Skip")
    assert texts(answers) == [
        "Please check your report:\nCategory: Streetlight\nDescription: The lamp at the corner has been dark for a week"
        "\nLocation: Soi Ari 3, in front of the temple\nPhone: -\nIs this correct?"
    ]
    answers = await chat.say("yes")
    reference = reference_in(answers)
    assert texts(answers)[0].startswith(f"Your report has been received. Your reference number is {reference}")

    [ticket] = stack.rows("SELECT category, phone, language FROM tickets WHERE reference = :r", r=reference)
    assert ticket == {"category": "streetlight", "phone": None, "language": "en"}

    answers = await chat.say(f"status of {reference.lower()}")
    [status] = texts(answers)
    year = datetime.now(UTC).year
    assert re.fullmatch(
        rf"Case {reference} \(Streetlight\): received, waiting for an officer\. Filed \d{{1,2}} \w+ {year}, \d\d:\d\d\.",
        status,
    )


async def test_category_asked_with_buttons_when_not_said(stack: Stack, chat: Chat) -> None:
    answers = await chat.say("อยากแจ้งเรื่องร้องเรียนค่ะ")
    assert texts(answers) == ["ต้องการแจ้งปัญหาเรื่องใดคะ"]
    titles = [button["title"] for button in answers[0]["buttons"]]
    assert titles == [
        "ถนน ทางเท้า",
        "ไฟถนน",
        "ขยะ",
        "น้ำท่วม ท่อระบายน้ำ",
        "เสียงรบกวน",
        "น้ำประปา",
        "สัตว์จรจัด",
        "จอดรถกีดขวาง รุกล้ำทางเท้า",
        "ต้นไม้ล้ม กิ่งไม้",
        "ห้องน้ำสาธารณะ สวนสาธารณะ",
        "เจ้าหน้าที่ทุจริต ประพฤติมิชอบ",
        "บริการไม่ดี เจ้าหน้าที่ไม่สุภาพ",
        "เรื่องอื่น ๆ",
    ]
    answers = await chat.press(answers[0], "ขยะ")
    assert texts(answers) == ["กรุณาเล่ารายละเอียดของปัญหาค่ะ"]
    answers = await chat.say("ยกเลิก")
    assert texts(answers) == ["ยกเลิกการแจ้งเรื่องแล้วค่ะ ไม่มีการบันทึกเรื่องใด ๆ หากต้องการแจ้งใหม่ พิมพ์ แจ้งปัญหา ได้เลยค่ะ"]
    [message] = stack.rows("SELECT conversation_id FROM messages WHERE id = :id", id=answers[0]["id"])
    assert stack.rows("SELECT * FROM tickets WHERE conversation_id = :c", c=message["conversation_id"]) == []


async def test_invalid_phone_is_asked_again_with_an_example(stack: Stack, chat: Chat) -> None:
    await chat.say("ไฟถนนดับครับ")
    await chat.say("ดับมาสามคืนแล้ว")
    await chat.say("หน้าโรงเรียนวัดใหม่")
    answers = await chat.say("12345")
    assert texts(answers) == [
        "เบอร์โทรศัพท์ไม่ถูกต้องค่ะ กรุณาพิมพ์เบอร์มือถือ 10 หลัก เช่น 081-234-5678 หรือกด ข้าม",
        "ขอเบอร์โทรศัพท์สำหรับติดต่อกลับค่ะ (ไม่บังคับ กด ข้าม ได้)",
    ]
    answers = await chat.say("+66 91 234 5678")
    assert "เบอร์ติดต่อ: 091-234-5678" in texts(answers)[0]
    answers = await chat.say("cancel")
    assert texts(answers) == ["Cancelled; nothing was filed. To start again, type: report a problem"]


async def test_language_follows_the_latest_message(stack: Stack, chat: Chat) -> None:
    answers = await chat.say("สวัสดีครับ")
    assert answers[0]["text"].startswith("สวัสดีค่ะ")
    assert answers[0]["language"] == "th"
    answers = await chat.say("hello")
    assert answers[0]["text"] == "Hello! How can I help? You can report a problem or follow up a case you reported."
    assert answers[0]["language"] == "en"
    answers = await chat.say("I want to report a noise problem")
    assert texts(answers) == ["Please describe the problem."]
    answers = await chat.say("เพื่อนบ้านเปิดเพลงเสียงดังทุกคืน")
    assert texts(answers) == ["ปัญหาอยู่ที่ไหนคะ (เช่น ซอย ถนน จุดสังเกต)"]


async def test_status_of_someone_elses_reference_is_not_found(stack: Stack, chat: Chat) -> None:
    await chat.say("garbage has not been collected for a week, I want to report it")
    await chat.say("Bins overflowing")
    await chat.say("Moo 4, near the market")
    await chat.say("skip")
    reference = reference_in(await chat.say("yes"))

    stranger = await Chat.open(stack.websocket_url)
    try:
        answers = await stranger.say(f"status of {reference}")
        assert texts(answers) == [
            f"I could not find a case with the reference {reference}. Please check the number (it looks like 2026-K7MX-3QH9)."
        ]
        answers = await stranger.say(f"ติดตามเรื่อง {reference}")
        assert texts(answers) == [
            f"ไม่พบเรื่องเลขที่ {reference} ค่ะ กรุณาตรวจสอบเลขที่อีกครั้ง (รูปแบบ 2026-K7MX-3QH9)"
        ]
    finally:
        await stranger.close()


async def test_unknown_and_malformed_references(stack: Stack, chat: Chat) -> None:
    answers = await chat.say("ติดตามเรื่อง 2026-ABCD-EFGH")
    assert texts(answers) == ["ไม่พบเรื่องเลขที่ 2026-ABCD-EFGH ค่ะ กรุณาตรวจสอบเลขที่อีกครั้ง (รูปแบบ 2026-K7MX-3QH9)"]
    answers = await chat.say("status of 2026-AB12")
    assert texts(answers) == [
        "I could not find a case with the reference 2026-AB12. Please check the number (it looks like 2026-K7MX-3QH9)."
    ]
    answers = await chat.say("ขอติดตามเรื่องที่แจ้งไว้ค่ะ")
    assert texts(answers) == ["กรุณาพิมพ์เลขที่เรื่องที่ได้รับ เช่น ติดตามเรื่อง 2026-K7MX-3QH9 ค่ะ"]


async def test_rasa_knows_only_the_opaque_conversation_id(stack: Stack, chat: Chat) -> None:
    answers = await chat.say("สวัสดีครับ")
    [message] = stack.rows("SELECT conversation_id FROM messages WHERE id = :id", id=answers[0]["id"])
    response = httpx.get(f"{stack.rasa_url}/conversations/{message['conversation_id']}/tracker")
    tracker = response.json()
    assert tracker["sender_id"] == message["conversation_id"]
    [user_event] = [event for event in tracker["events"] if event["event"] == "user"]
    # Rasa adds its own model_id and assistant_id; from the hub come only these two.
    hub_metadata = {key: value for key, value in user_event["metadata"].items() if key not in ("model_id", "assistant_id")}
    assert hub_metadata == {"channel": "webchat", "language": "th"}
    serialized = json.dumps(tracker)
    assert chat.session_token not in serialized
    assert external_id_for(chat.session_token) not in serialized


async def test_conversation_survives_a_reconnect(stack: Stack, chat: Chat) -> None:
    await chat.say("hello")
    again = await Chat.open(stack.websocket_url, chat.session_token)
    try:
        assert again.session_token == chat.session_token
        history = again.welcome["history"]
        assert [(message["sender"], message["text"]) for message in history][:2] == [
            ("citizen", "hello"),
            ("bot", "Hello! How can I help? You can report a problem or follow up a case you reported."),
        ]
    finally:
        await again.close()
