"""What the bot does besides complaints: cases, feedback, officers, fallback, corrections."""

from __future__ import annotations

import re

from tests.integration.console import conversation_of, expected_waiting_notice
from tests.integration.stack import Chat, Stack, texts

REFERENCE = r"20\d\d-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}"


async def file_complaint(chat: Chat) -> str:
    await chat.say("I want to report uncollected garbage")
    await chat.say("Nobody collected the bins this week")
    await chat.say("Soi 7, next to the school")
    await chat.say("skip")
    answers = await chat.say("yes")
    match = re.search(REFERENCE, answers[0]["text"])
    assert match, texts(answers)
    return match.group(0)


async def test_list_my_cases(stack: Stack, chat: Chat) -> None:
    answers = await chat.say("show my cases")
    assert texts(answers) == ["You have not reported any case yet. Would you like to report a problem?"]
    reference = await file_complaint(chat)
    answers = await chat.say("เรื่องที่ฉันแจ้งไว้มีอะไรบ้างคะ")
    [listing] = texts(answers)
    assert re.fullmatch(
        rf"เรื่องที่ท่านแจ้งไว้ล่าสุด:\n• {reference} ขยะ \(รับเรื่องแล้ว, \d{{1,2}} \S+ 25\d\d เวลา \d\d:\d\d น\.\)\n"
        r"พิมพ์ ติดตามเรื่อง ตามด้วยเลขที่เรื่อง เพื่อดูรายละเอียดค่ะ",
        listing,
    )


async def test_feedback_is_stored_with_a_reference(stack: Stack, chat: Chat) -> None:
    answers = await chat.say("อยากเสนอแนะเรื่องบริการค่ะ")
    assert texts(answers) == ["ยินดีรับฟังค่ะ กรุณาพิมพ์ข้อเสนอแนะหรือคำชมของท่านได้เลยค่ะ"]
    answers = await chat.say("อยากให้เปิดช่องบริการช่วงพักเที่ยงด้วยค่ะ")
    [thanks] = texts(answers)
    match = re.fullmatch(rf"ขอบคุณสำหรับความคิดเห็นค่ะ บันทึกไว้แล้ว เลขที่อ้างอิง ({REFERENCE})", thanks)
    assert match, thanks
    [feedback] = stack.rows("SELECT text, language FROM feedback WHERE reference = :r", r=match.group(1))
    assert feedback == {"text": "อยากให้เปิดช่องบริการช่วงพักเที่ยงด้วยค่ะ", "language": "th"}


async def test_out_of_scope_says_what_the_bot_can_do(stack: Stack, chat: Chat) -> None:
    answers = await chat.say("what will the weather be like tomorrow?")
    assert texts(answers) == [
        "Sorry, that is outside what the municipality can help with. I can take a report of a problem, "
        "follow up a case, or answer questions about municipal services."
    ]
    assert [button["payload"] for button in answers[0]["buttons"]] == [
        "/report_problem",
        "/check_status",
        "/request_human",
    ]


async def test_two_stage_fallback(stack: Stack, chat: Chat) -> None:
    answers = await chat.say("qwxz plorf zzkk")
    assert texts(answers) == ["Sorry, I am not sure what you mean. Could you say it another way, or choose below?"]
    assert len(answers[0]["buttons"]) == 3
    answers = await chat.say("blorp snarf")  # the second in a row: handed to an officer
    conversation = conversation_of(stack, answers[0]["id"])
    assert texts(answers) == [
        "Sorry I still do not understand. I am passing you to an officer.",
        expected_waiting_notice(stack, conversation, "en")["text"],
    ]
    [request] = stack.rows("SELECT reason FROM handoff_requests WHERE conversation_id = :c", c=conversation)
    assert request == {"reason": "repeated_fallback"}


async def test_correcting_the_location_inside_the_form(stack: Stack, chat: Chat) -> None:
    await chat.say("ไฟถนนดับครับ")
    await chat.say("ดับทั้งซอยมาสามคืนแล้ว")
    await chat.say("ซอย 5")
    answers = await chat.say("แก้ที่อยู่ครับ")
    assert texts(answers) == ["ปัญหาอยู่ที่ไหนคะ (เช่น ซอย ถนน จุดสังเกต)"]
    answers = await chat.say("ซอย 15 หน้าวัด")
    assert texts(answers) == ["ขอเบอร์โทรศัพท์สำหรับติดต่อกลับค่ะ (ไม่บังคับ กด ข้าม ได้)"]
    answers = await chat.say("ข้าม")
    assert "สถานที่: ซอย 15 หน้าวัด\n" in texts(answers)[0]
    answers = await chat.say("change the description")
    assert texts(answers) == ["Please describe the problem."]
    answers = await chat.say("All the lamps in the soi are dark")
    assert texts(answers)[0].startswith("Please check your report:\nCategory: Streetlight\nDescription: All the lamps")
