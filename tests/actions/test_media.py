"""Photos and shared locations (actions/media.py), from the messages the hub sends."""

from __future__ import annotations

import json
from typing import Any

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.media import MAX_PHOTOS, TakePhoto, TakeSharedLocation
from tests.actions.trackers import parse, tracker, typed

PHOTO = "0123456789abcdef0123456789abcdef"


def photo(media_id: str) -> dict[str, Any]:
    return parse(f'/share_photo{{"photo": "{media_id}"}}')


def location(**fields: Any) -> dict[str, Any]:
    return parse(f"/share_location{json.dumps(fields, ensure_ascii=False)}")


async def run(action: Any, **tracker_arguments: Any) -> tuple[list[str], list[Any]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker(**tracker_arguments), {})
    return [message["text"] for message in dispatcher.messages], events


async def test_a_photo_is_added_and_acknowledged() -> None:
    texts, events = await run(TakePhoto(), latest_message=photo(PHOTO))
    assert texts == ["รับรูปภาพแล้วค่ะ"]
    assert events == [SlotSet("complaint_photos", [PHOTO])]


async def test_photos_keep_their_order_and_the_acknowledgement_follows_the_language() -> None:
    second = "fedcba9876543210fedcba9876543210"
    texts, events = await run(TakePhoto(), latest_message=photo(second), language="en", complaint_photos=[PHOTO])
    assert texts == ["Photo received."]
    assert events == [SlotSet("complaint_photos", [PHOTO, second])]


async def test_the_same_photo_twice_is_attached_once() -> None:
    texts, events = await run(TakePhoto(), latest_message=photo(PHOTO), complaint_photos=[PHOTO])
    assert texts == ["รับรูปภาพแล้วค่ะ"]
    assert events == []


async def test_a_photo_beyond_the_limit_is_not_attached_and_the_citizen_is_told() -> None:
    attached = [f"{index:032x}" for index in range(MAX_PHOTOS)]
    texts, events = await run(TakePhoto(), latest_message=photo(PHOTO), complaint_photos=attached)
    assert texts == ["แนบรูปได้สูงสุด 5 รูปต่อเรื่องค่ะ รูปนี้จึงไม่ได้แนบไปกับเรื่อง (ระบบเก็บไว้แล้ว)"]
    assert events == []


async def test_a_media_id_that_is_not_32_hex_characters_is_refused() -> None:
    for media_id in ("../../etc/passwd", PHOTO[:-1], PHOTO + "0", "g" * 32):
        texts, events = await run(TakePhoto(), latest_message=photo(media_id), language="en")
        assert texts == ["Sorry, that photo did not come through. Please send it again."], media_id
        assert events == []


async def test_typing_about_a_photo_gets_how_to_send_one() -> None:
    texts, events = await run(TakePhoto(), latest_message=typed("ส่งรูปได้ไหมคะ", "share_photo"))
    assert texts == ["ส่งรูปได้เลยค่ะ กดปุ่มรูปภาพหรือกล้องในแอป LINE หรือ Telegram (ได้สูงสุด 5 รูปต่อเรื่อง)"]
    assert events == []


async def test_a_shared_location_answers_the_location_with_its_address() -> None:
    message = location(latitude=13.7563, longitude=100.5018, address="ถนนสุขุมวิท แขวงคลองเตย")
    texts, events = await run(TakeSharedLocation(), latest_message=message)
    assert texts == ["รับตำแหน่งแล้วค่ะ: ถนนสุขุมวิท แขวงคลองเตย"]
    assert events == [
        SlotSet("complaint_latitude", 13.7563),
        SlotSet("complaint_longitude", 100.5018),
        SlotSet("complaint_location", "ถนนสุขุมวิท แขวงคลองเตย"),
    ]


async def test_without_an_address_the_location_is_the_coordinates() -> None:
    for message in (
        location(latitude=13.7563, longitude=100.5018),
        location(latitude=13.7563, longitude=100.5018, address=""),
        location(latitude=13.7563, longitude=100.5018, address="   "),
    ):
        texts, events = await run(TakeSharedLocation(), latest_message=message, language="en")
        assert texts == ["Location received: 13.7563, 100.5018"]
        assert events == [
            SlotSet("complaint_latitude", 13.7563),
            SlotSet("complaint_longitude", 100.5018),
            SlotSet("complaint_location", "13.7563, 100.5018"),
        ]


async def test_coordinates_are_written_with_at_most_six_decimals() -> None:
    texts, events = await run(TakeSharedLocation(), latest_message=location(latitude=-33.8567844, longitude=151))
    assert events[2] == SlotSet("complaint_location", "-33.856784, 151")


async def test_coordinates_outside_the_earth_or_not_numbers_are_refused() -> None:
    for message in (
        location(latitude=91, longitude=100.5),
        location(latitude=13.7, longitude=-180.01),
        location(latitude="north", longitude=100.5),
        location(latitude=13.7),
        location(latitude=True, longitude=100.5),
    ):
        texts, events = await run(TakeSharedLocation(), latest_message=message)
        assert texts == ["ขออภัยค่ะ อ่านตำแหน่งที่ส่งมาไม่ได้ กรุณาพิมพ์ที่อยู่หรือจุดสังเกตแทนค่ะ"], message
        assert events == []


async def test_typing_about_a_location_gets_how_to_share_one() -> None:
    texts, events = await run(
        TakeSharedLocation(), latest_message=typed("can i share my location?", "share_location"), language="en"
    )
    assert texts == [
        "Please share it from the app: in LINE press + and choose Location; in Telegram press the paperclip "
        "and choose Location. Or type the address."
    ]
    assert events == []
