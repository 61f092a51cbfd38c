"""The rich menu: its definition in both languages, and the command that installs it, run against the fake."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from channels.line.rich_menu import LAYOUT_FILE, load_layout, rich_menu_request
from hub.domain.content import ContentError, main_menu
from hub.domain.language import LANGUAGES
from tests.fakes.line_api import FakeLineApi

ROOT = Path(__file__).resolve().parents[3]


def png_size(image: Path) -> tuple[int, int]:
    data = image.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", f"{image} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_every_language_has_a_menu_with_an_image_of_the_menus_size() -> None:
    layout = load_layout()
    assert set(layout.menus) == set(LANGUAGES)
    for menu in layout.menus.values():
        assert png_size(menu.image) == (layout.width, layout.height)
        assert menu.image.stat().st_size <= 1024 * 1024  # LINE's limit


def test_thai_menu_sends_the_main_actions_with_their_thai_labels_and_switches_by_tabs() -> None:
    request = rich_menu_request(load_layout(), "th").to_dict()
    assert (request["size"], request["chatBarText"], request["name"], request["selected"]) == (
        {"width": 2500, "height": 1686},
        "เมนู",
        "saphan-th",
        True,
    )
    actions = [area["action"] for area in request["areas"]]
    assert actions[:2] == [
        {"type": "richmenuswitch", "label": "ภาษาไทย", "data": '{"language":"th"}', "richMenuAliasId": "saphan-th"},
        {"type": "richmenuswitch", "label": "English", "data": '{"language":"en"}', "richMenuAliasId": "saphan-en"},
    ]
    assert actions[2:] == [
        {
            "type": "postback",
            "label": "แจ้งปัญหา",
            "data": '{"payload":"/report_problem","title":"แจ้งปัญหา"}',
            "displayText": "แจ้งปัญหา",
        },
        {
            "type": "postback",
            "label": "เรื่องที่ฉันแจ้งไว้",
            "data": '{"payload":"/list_my_cases","title":"เรื่องที่ฉันแจ้งไว้"}',
            "displayText": "เรื่องที่ฉันแจ้งไว้",
        },
        {
            "type": "postback",
            "label": "คำถามที่พบบ่อย",
            "data": '{"payload":"/browse_faq","title":"คำถามที่พบบ่อย"}',
            "displayText": "คำถามที่พบบ่อย",
        },
        {
            "type": "postback",
            "label": "คุยกับเจ้าหน้าที่",
            "data": '{"payload":"/request_human","title":"คุยกับเจ้าหน้าที่"}',
            "displayText": "คุยกับเจ้าหน้าที่",
        },
    ]
    assert [area["bounds"] for area in request["areas"]][2:] == [
        {"x": 0, "y": 200, "width": 1250, "height": 743},
        {"x": 1250, "y": 200, "width": 1250, "height": 743},
        {"x": 0, "y": 943, "width": 1250, "height": 743},
        {"x": 1250, "y": 943, "width": 1250, "height": 743},
    ]


def test_english_menu_uses_the_english_labels() -> None:
    request = rich_menu_request(load_layout(), "en").to_dict()
    assert request["chatBarText"] == "Menu"
    assert [area["action"].get("displayText") for area in request["areas"][2:]] == [
        action.label.en for action in main_menu()
    ]


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (lambda raw: raw["menus"].pop("en"), "missing or malformed 'en'"),
        (lambda raw: raw["actions"].pop(), "3 action areas for the 4 actions of main_menu.yml"),
        (lambda raw: raw["actions"][0].update(width=1300), "two areas overlap"),
        (lambda raw: raw["tabs"]["en"].update(x=1300), "an area reaches outside the 2500x1686 menu"),
        (lambda raw: raw["size"].update(height=1000), "not 2500x1000"),
        (lambda raw: raw["menus"]["th"].update(chat_bar_text="เมนูของเทศบาลนครสวรรค์"), "chat_bar_text of th"),
        (lambda raw: raw["menus"]["en"].update(alias="other-en"), "alias 'other-en' must start with saphan-"),
    ],
)
def test_a_broken_layout_is_refused_with_what_is_wrong(tmp_path: Path, change, error: str) -> None:  # type: ignore[no-untyped-def]
    raw = yaml.safe_load(LAYOUT_FILE.read_text(encoding="utf-8"))
    change(raw)
    broken = tmp_path / "rich_menu.yml"
    broken.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError, match=error):
        load_layout(broken)


@pytest.fixture
def fake() -> Iterator[FakeLineApi]:
    started = FakeLineApi()
    started.start()
    yield started
    started.stop()


def run_command(**settings: str) -> subprocess.CompletedProcess[str]:
    """``python -m channels.line.rich_menu`` with these LINE settings (and none of the developer's)."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("LINE_")}
    environment.update(settings, PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "channels.line.rich_menu"]
    return subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, check=False)


def install(fake: FakeLineApi) -> subprocess.CompletedProcess[str]:
    return run_command(**fake.hub_environment())


def test_command_creates_both_menus_with_images_aliases_and_thai_as_default(fake: FakeLineApi) -> None:
    done = install(fake)
    assert done.returncode == 0, done.stderr
    menus = fake.rich_menus()
    by_name = {menu["name"]: menu["richMenuId"] for menu in menus.values()}
    assert set(by_name) == {"saphan-th", "saphan-en"}
    assert done.stdout == f"th: {by_name['saphan-th']} (default)\nen: {by_name['saphan-en']}\n"
    layout = load_layout()
    for language in LANGUAGES:
        created = menus[by_name[f"saphan-{language}"]]
        assert {key: value for key, value in created.items() if key != "richMenuId"} == rich_menu_request(
            layout, language
        ).to_dict()
        assert fake.rich_menu_image(created["richMenuId"]) == (layout.menus[language].image.read_bytes(), "image/png")
    assert fake.rich_menu_aliases() == {"saphan-th": by_name["saphan-th"], "saphan-en": by_name["saphan-en"]}
    assert fake.default_rich_menu() == by_name["saphan-th"]
    image_uploads = [request for request in fake.requests() if request.path.endswith("/content")]
    assert {request.host for request in image_uploads} == {"data"}  # LINE_DATA_API_BASE_URL


def test_running_the_command_again_replaces_the_menus(fake: FakeLineApi) -> None:
    assert install(fake).returncode == 0
    first = set(fake.rich_menus())
    assert install(fake).returncode == 0
    second = set(fake.rich_menus())
    assert len(second) == 2 and not first & second  # the old ones deleted after the new ones took over
    assert set(fake.rich_menu_aliases().values()) == second
    assert fake.default_rich_menu() in second


def test_command_without_line_settings_says_what_is_missing() -> None:
    done = run_command(LINE_CHANNEL_ACCESS_TOKEN="token")
    assert done.returncode == 2
    assert "LINE_CHANNEL_SECRET is not set" in done.stderr


def test_command_reports_what_line_refused(fake: FakeLineApi) -> None:
    fake.access_token = "a token LINE does not know"  # hub_environment() now hands out a wrong token
    done = install(fake)
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "LINE refused (401): Authentication failed. Confirm that the access token in the authorization header is valid."
    )
    assert fake.rich_menus() == {}
