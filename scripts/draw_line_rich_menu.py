"""Draws the LINE rich menu images (channels/line/rich_menu_<language>.png).

Run after changing channels/line/rich_menu.yml or the labels in
hub/content/main_menu.yml, then commit the images. Needs Pillow (not in the
locks: ``pip install pillow``) and a Thai font (Debian: fonts-thai-tlwg):

    PYTHONPATH=. .venv/bin/python scripts/draw_line_rich_menu.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from channels.line.rich_menu import Bounds, Layout, load_layout
from hub.domain.content import main_menu
from hub.domain.language import LANGUAGES, Language

FONT = "/usr/share/fonts/truetype/tlwg/Garuda-Bold.ttf"
BACKGROUND, TILE, INK, ACCENT, TAB, TAB_ACTIVE = "#F4F7FB", "#FFFFFF", "#123A63", "#1F6FB2", "#D9E3EF", "#1F6FB2"


def draw_icon(draw: ImageDraw.ImageDraw, payload: str, centre: tuple[int, int], size: int) -> None:
    """A simple line icon per action, so the tiles read without the words too."""
    x, y = centre
    half = size // 2
    width = size // 12
    if payload == "/report_problem":  # a warning triangle
        draw.polygon([(x, y - half), (x + half, y + half), (x - half, y + half)], outline=ACCENT, width=width)
        draw.line([(x, y - half // 3), (x, y + half // 3)], fill=ACCENT, width=width)
        draw.ellipse([x - width, y + half // 2 - width, x + width, y + half // 2 + width], fill=ACCENT)
    elif payload == "/list_my_cases":  # a clipboard with lines
        draw.rounded_rectangle(
            [x - half * 3 // 4, y - half, x + half * 3 // 4, y + half], 20, outline=ACCENT, width=width
        )
        for row in (-1, 0, 1):
            line_y = y + row * half // 2
            draw.line([(x - half // 2 + 10, line_y), (x + half // 2 - 10, line_y)], fill=ACCENT, width=width)
    elif payload == "/browse_faq":  # a question mark in a circle
        draw.ellipse([x - half, y - half, x + half, y + half], outline=ACCENT, width=width)
        mark = ImageFont.truetype(FONT, size * 2 // 3)
        draw.text((x, y), "?", font=mark, fill=ACCENT, anchor="mm")
    else:  # a person: talk to an officer
        draw.ellipse([x - half // 3, y - half, x + half // 3, y - half // 3], outline=ACCENT, width=width)
        draw.arc(
            [x - half * 2 // 3, y - half // 5, x + half * 2 // 3, y + half * 6 // 5], 180, 360, fill=ACCENT, width=width
        )
        draw.line([(x - half * 2 // 3, y + half // 2), (x + half * 2 // 3, y + half // 2)], fill=ACCENT, width=width)


def centred(
    draw: ImageDraw.ImageDraw, bounds: Bounds, text: str, font: ImageFont.FreeTypeFont, fill: str, dy: int
) -> None:
    draw.text(
        (bounds.x + bounds.width // 2, bounds.y + bounds.height // 2 + dy), text, font=font, fill=fill, anchor="mm"
    )


def draw_menu(layout: Layout, language: Language) -> Image.Image:
    image = Image.new("RGB", (layout.width, layout.height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    label_font = ImageFont.truetype(FONT, 110)
    tab_font = ImageFont.truetype(FONT, 80)
    for tab_language in LANGUAGES:
        bounds = layout.tabs[tab_language]
        active = tab_language == language
        draw.rectangle(
            [bounds.x, bounds.y, bounds.x + bounds.width, bounds.y + bounds.height], fill=TAB_ACTIVE if active else TAB
        )
        centred(draw, bounds, layout.menus[tab_language].tab_label, tab_font, "#FFFFFF" if active else INK, 0)
    gap = 24
    for bounds, action in zip(layout.actions, main_menu(), strict=True):
        box = [bounds.x + gap, bounds.y + gap, bounds.x + bounds.width - gap, bounds.y + bounds.height - gap]
        draw.rounded_rectangle(box, 40, fill=TILE, outline=TAB, width=6)
        draw_icon(draw, action.payload, (bounds.x + bounds.width // 2, bounds.y + bounds.height // 2 - 110), 260)
        centred(draw, bounds, action.label.in_language(language), label_font, INK, 170)
    return image


def main() -> None:
    layout = load_layout()
    for language, menu in layout.menus.items():
        draw_menu(layout, language).save(menu.image, optimize=True)
        print(f"wrote {menu.image}")


if __name__ == "__main__":
    main()
