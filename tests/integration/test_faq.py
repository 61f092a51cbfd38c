"""Citizens ask public-service questions in web chat, also in the middle of a
complaint, against the real Rasa server, action server and hub."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.integration.stack import ROOT, Chat, Stack, texts

ENGLISH = [{"type": "slot", "name": "language", "value": "en"}]


def answer(topic: str, language: str) -> str:
    """The answer to `topic` exactly as data/faq/responses.yml words it."""
    responses = yaml.safe_load(Path(ROOT, "data", "faq", "responses.yml").read_text(encoding="utf-8"))["responses"]
    [variation] = [
        variation
        for variation in responses[f"utter_faq_{topic}"]
        if (variation.get("condition") == ENGLISH) == (language == "en")
    ]
    return variation["text"]


async def test_thai_question_gets_the_thai_answer(stack: Stack, chat: Chat) -> None:
    answers = await chat.say("เทศบาลเปิดกี่โมงคะ")
    assert texts(answers) == [answer("office_hours", "th")]
    assert texts(answers)[0].startswith("เวลาทำการของสำนักงานเทศบาล\n")
    assert "08.30–16.30 น." in texts(answers)[0]
    assert answers[0]["language"] == "th"

    answers = await chat.say("บัตรประชาชนหายค่ะ ต้องทำยังไง")
    assert texts(answers) == [answer("id_card_lost", "th")]
    assert "ค่าธรรมเนียม: 20 บาท" in texts(answers)[0]


async def test_english_question_gets_the_english_answer(stack: Stack, chat: Chat) -> None:
    answers = await chat.say("I lost my ID card, what should I do?")
    assert texts(answers) == [answer("id_card_lost", "en")]
    assert "\nFee: 20 baht\n" in texts(answers)[0]
    assert answers[0]["language"] == "en"

    answers = await chat.say("how much is the elderly allowance?")
    assert texts(answers) == [answer("elderly_allowance", "en")]
    # The language follows the latest message.
    answers = await chat.say("เบี้ยผู้สูงอายุได้เดือนละเท่าไหร่คะ")
    assert texts(answers) == [answer("elderly_allowance", "th")]


async def test_question_during_the_complaint_form_is_answered_and_the_form_goes_on(
    stack: Stack, chat: Chat
) -> None:
    answers = await chat.say("อยากแจ้งเรื่องร้องเรียนค่ะ")
    assert texts(answers) == ["ต้องการแจ้งปัญหาเรื่องใดคะ"]
    answers = await chat.press(answers[0], "ขยะ")
    assert texts(answers) == ["กรุณาเล่ารายละเอียดของปัญหาค่ะ"]

    # A question instead of the description: answered, then the form asks again.
    answers = await chat.say("ค่าเก็บขยะเดือนละเท่าไหร่คะ")
    assert texts(answers) == [answer("garbage_fee", "th"), "กรุณาเล่ารายละเอียดของปัญหาค่ะ"]

    answers = await chat.say("รถขยะไม่มาเก็บสองอาทิตย์แล้ว")
    assert texts(answers) == ["ปัญหาอยู่ที่ไหนคะ (เช่น ซอย ถนน จุดสังเกต)"]
    answers = await chat.say("ร้องเรียนแล้วกี่วันได้เรื่องคะ")
    assert texts(answers) == [answer("complaint_time", "th"), "ปัญหาอยู่ที่ไหนคะ (เช่น ซอย ถนน จุดสังเกต)"]
    answers = await chat.say("หมู่ 4 ใกล้ตลาดสด")
    assert texts(answers) == ["ขอเบอร์โทรศัพท์สำหรับติดต่อกลับค่ะ (ไม่บังคับ กด ข้าม ได้)"]
    answers = await chat.press(answers[0], "ข้าม")
    assert texts(answers) == [
        "กรุณาตรวจสอบข้อมูลค่ะ\nประเภท: ขยะ\nรายละเอียด: รถขยะไม่มาเก็บสองอาทิตย์แล้ว"
        "\nสถานที่: หมู่ 4 ใกล้ตลาดสด\nเบอร์ติดต่อ: -\nข้อมูลถูกต้องไหมคะ"
    ]
    answers = await chat.press(answers[0], "ถูกต้อง ส่งเรื่อง")
    assert texts(answers)[0].startswith("รับเรื่องเรียบร้อยแล้วค่ะ เลขที่เรื่องของท่านคือ ")

    [message] = stack.rows("SELECT conversation_id FROM messages WHERE id = :id", id=answers[0]["id"])
    [ticket] = stack.rows(
        "SELECT category, description, location FROM tickets WHERE conversation_id = :c", c=message["conversation_id"]
    )
    assert ticket == {"category": "garbage", "description": "รถขยะไม่มาเก็บสองอาทิตย์แล้ว", "location": "หมู่ 4 ใกล้ตลาดสด"}


async def test_english_question_at_the_location_and_phone_questions(stack: Stack, chat: Chat) -> None:
    answers = await chat.say("I want to report a broken streetlight")
    assert texts(answers) == ["Please describe the problem."]
    answers = await chat.say("The lamp at the corner has been dark for a week")
    assert texts(answers) == ["Where is it? (street, soi, a landmark nearby)"]

    answers = await chat.say("what are your office hours?")
    assert texts(answers) == [answer("office_hours", "en"), "Where is it? (street, soi, a landmark nearby)"]
    answers = await chat.say("Soi Ari 3, in front of the temple")
    assert texts(answers) == ["A phone number so an officer can call you back? (optional; press Skip)"]

    answers = await chat.say("how long does it usually take to sort out a complaint?")
    assert texts(answers) == [
        answer("complaint_time", "en"),
        "A phone number so an officer can call you back? (optional; press Skip)",
    ]
    assert answers[1]["buttons"] == [{"title": "Skip", "payload": "/skip"}]
    answers = await chat.say("cancel")
    assert texts(answers) == ["Cancelled; nothing was filed. To start again, type: report a problem"]
