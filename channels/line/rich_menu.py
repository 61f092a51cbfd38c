"""The LINE rich menu: ``python -m channels.line.rich_menu`` creates it and makes it the default.

One menu per language (``rich_menu.yml``, labels from ``hub/content/main_menu.yml``),
linked by rich menu aliases: the tabs at the top switch between them on the
citizen's phone without a round trip through the hub, and LINE also sends the
switch as a postback so the bot answers in the chosen language. The Thai menu
is the default for everyone. Running the command again replaces the menus
(new ones first, then the aliases and the default move, then the old ones go).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from linebot.v3.messaging import (
    ApiException,
    AsyncApiClient,
    AsyncMessagingApi,
    AsyncMessagingApiBlob,
    Configuration,
    CreateRichMenuAliasRequest,
    PostbackAction,
    RichMenuArea,
    RichMenuBounds,
    RichMenuRequest,
    RichMenuSize,
    RichMenuSwitchAction,
    UpdateRichMenuAliasRequest,
)

from channels.line.channel import LineSettings, api_error_message
from channels.line.messages import (
    MAX_DISPLAY_TEXT_LENGTH,
    MAX_LABEL_LENGTH,
    encode_language_switch,
    encode_postback,
)
from channels.text import shorten
from hub.domain.content import ContentError, main_menu
from hub.domain.language import DEFAULT_LANGUAGE, LANGUAGES, Language
from hub.settings import SettingsError

log = logging.getLogger(__name__)

LAYOUT_FILE = Path(__file__).resolve().with_name("rich_menu.yml")
NAME_PREFIX = "saphan-"  # the rich menus this command manages (and replaces)
MAX_CHAT_BAR_TEXT = 14
MAX_ALIAS_LENGTH = 32


@dataclass(frozen=True)
class Bounds:
    x: int
    y: int
    width: int
    height: int

    def inside(self, width: int, height: int) -> bool:
        return self.x >= 0 and self.y >= 0 and self.x + self.width <= width and self.y + self.height <= height

    def overlaps(self, other: Bounds) -> bool:
        return (
            self.x < other.x + other.width
            and other.x < self.x + self.width
            and self.y < other.y + other.height
            and other.y < self.y + self.height
        )


@dataclass(frozen=True)
class Menu:
    """One language's menu."""

    language: Language
    alias: str
    chat_bar_text: str
    tab_label: str
    image: Path


@dataclass(frozen=True)
class Layout:
    width: int
    height: int
    tabs: dict[Language, Bounds]
    actions: tuple[Bounds, ...]  # for main_menu()'s actions, in order
    menus: dict[Language, Menu]


def load_layout(path: Path = LAYOUT_FILE) -> Layout:
    """The rich menu definition, checked against LINE's rules; raises :class:`ContentError`."""
    with open(path, encoding="utf-8") as layout_file:
        raw: Any = yaml.safe_load(layout_file)
    try:
        width, height = int(raw["size"]["width"]), int(raw["size"]["height"])
        tabs = {language: Bounds(**raw["tabs"][language]) for language in LANGUAGES}
        actions = tuple(Bounds(**bounds) for bounds in raw["actions"])
        menus = {
            language: Menu(
                language,
                str(raw["menus"][language]["alias"]),
                str(raw["menus"][language]["chat_bar_text"]),
                str(raw["menus"][language]["tab_label"]),
                path.with_name(str(raw["menus"][language]["image"])),
            )
            for language in LANGUAGES
        }
    except (KeyError, TypeError, ValueError) as error:
        raise ContentError(f"{path.name}: missing or malformed {error}") from error
    if width != 2500 or height not in (843, 1686):
        raise ContentError(f"{path.name}: LINE takes rich menus of 2500x1686 or 2500x843, not {width}x{height}")
    if len(actions) != len(main_menu()):
        raise ContentError(
            f"{path.name}: {len(actions)} action areas for the {len(main_menu())} actions of main_menu.yml"
        )
    areas = [*tabs.values(), *actions]
    if any(not area.inside(width, height) for area in areas):
        raise ContentError(f"{path.name}: an area reaches outside the {width}x{height} menu")
    if any(first.overlaps(second) for index, first in enumerate(areas) for second in areas[index + 1 :]):
        raise ContentError(f"{path.name}: two areas overlap")
    for menu in menus.values():
        if not menu.alias.startswith(NAME_PREFIX) or len(menu.alias) > MAX_ALIAS_LENGTH:
            raise ContentError(
                f"{path.name}: alias {menu.alias!r} must start with {NAME_PREFIX} (32 characters at most)"
            )
        if not 0 < len(menu.chat_bar_text) <= MAX_CHAT_BAR_TEXT:
            raise ContentError(f"{path.name}: chat_bar_text of {menu.language} must have 1 to 14 characters")
        if not 0 < len(menu.tab_label) <= MAX_LABEL_LENGTH:
            raise ContentError(f"{path.name}: tab_label of {menu.language} must have 1 to 20 characters")
    return Layout(width, height, tabs, actions, menus)


def rich_menu_request(layout: Layout, language: Language) -> RichMenuRequest:
    """The Messaging API's rich menu object for one language."""
    menu = layout.menus[language]
    tabs = [
        RichMenuArea(
            bounds=_bounds(layout.tabs[tab_language]),
            action=RichMenuSwitchAction(
                label=layout.menus[tab_language].tab_label,
                rich_menu_alias_id=layout.menus[tab_language].alias,
                data=encode_language_switch(tab_language),
            ),
        )
        for tab_language in LANGUAGES
    ]
    actions = []
    for bounds, action in zip(layout.actions, main_menu(), strict=True):
        label = action.label.in_language(language)
        data = encode_postback(action.payload, label)
        if data is None:
            raise ContentError(f"main_menu.yml: payload {action.payload!r} too long for a LINE postback")
        postback = PostbackAction(
            label=shorten(label, MAX_LABEL_LENGTH),
            data=data,
            display_text=shorten(label, MAX_DISPLAY_TEXT_LENGTH),
        )
        actions.append(RichMenuArea(bounds=_bounds(bounds), action=postback))
    return RichMenuRequest(
        size=RichMenuSize(width=layout.width, height=layout.height),
        selected=True,  # shown open: the actions are the way in for citizens who do not know what to type
        name=menu.alias,
        chat_bar_text=menu.chat_bar_text,
        areas=tabs + actions,
    )


def _bounds(bounds: Bounds) -> RichMenuBounds:
    return RichMenuBounds(x=bounds.x, y=bounds.y, width=bounds.width, height=bounds.height)


async def install(settings: LineSettings, layout: Layout) -> dict[Language, str]:
    """Create each language's menu with its image, point the aliases at them, make Thai the default,
    then delete the menus they replace. Returns the new rich menu ids."""
    api_configuration = Configuration(host=settings.api_base_url, access_token=settings.access_token)
    data_configuration = Configuration(host=settings.data_api_base_url, access_token=settings.access_token)
    async with AsyncApiClient(api_configuration) as api_client, AsyncApiClient(data_configuration) as data_client:
        api, blob = AsyncMessagingApi(api_client), AsyncMessagingApiBlob(data_client)
        replaced = [
            menu.rich_menu_id
            for menu in (await api.get_rich_menu_list()).richmenus
            if menu.name.startswith(NAME_PREFIX)
        ]
        created: dict[Language, str] = {}
        for language, menu in layout.menus.items():
            rich_menu_id = (await api.create_rich_menu(rich_menu_request(layout, language))).rich_menu_id
            await blob.set_rich_menu_image(
                rich_menu_id, menu.image.read_bytes(), _headers={"Content-Type": _image_type(menu.image)}
            )
            created[language] = rich_menu_id
            log.info("created the %s rich menu %s", language, rich_menu_id)
        existing = {alias.rich_menu_alias_id for alias in (await api.get_rich_menu_alias_list()).aliases}
        for language, rich_menu_id in created.items():
            alias = layout.menus[language].alias
            if alias in existing:
                await api.update_rich_menu_alias(alias, UpdateRichMenuAliasRequest(rich_menu_id=rich_menu_id))
            else:
                await api.create_rich_menu_alias(
                    CreateRichMenuAliasRequest(rich_menu_alias_id=alias, rich_menu_id=rich_menu_id)
                )
        await api.set_default_rich_menu(created[DEFAULT_LANGUAGE])
        for rich_menu_id in replaced:
            await api.delete_rich_menu(rich_menu_id)
            log.info("deleted the replaced rich menu %s", rich_menu_id)
    return created


def _image_type(image: Path) -> str:
    return "image/png" if image.suffix.lower() == ".png" else "image/jpeg"


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        settings = LineSettings.from_environment(os.environ)
    except SettingsError as error:
        log.error("%s", error)
        return 2
    if settings is None:
        log.error("LINE is not configured: set LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN")
        return 2
    try:
        created = asyncio.run(install(settings, load_layout()))
    except ApiException as error:
        log.error("LINE refused (%s): %s", error.status, api_error_message(error))
        return 1
    for language, rich_menu_id in created.items():
        default = " (default)" if language == DEFAULT_LANGUAGE else ""
        print(f"{language}: {rich_menu_id}{default}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
