"""The agent console's page: its UI strings exist in Thai and English alike, and each is used."""

from __future__ import annotations

import json
import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "hub" / "console" / "static"
THAI = re.compile(r"[\u0E00-\u0E7F]")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def strings(language: str) -> dict[str, str]:
    loaded = json.loads((STATIC / "strings" / f"{language}.json").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def page_sources() -> str:
    return "\n".join((STATIC / name).read_text(encoding="utf-8") for name in ("index.html", "app.js", "charts.js"))


def test_thai_and_english_have_the_same_keys_and_placeholders() -> None:
    thai, english = strings("th"), strings("en")
    assert sorted(thai) == sorted(english)
    for key in thai:
        assert thai[key].strip() and english[key].strip(), key
        assert sorted(PLACEHOLDER.findall(thai[key])) == sorted(PLACEHOLDER.findall(english[key])), key


def test_thai_strings_are_thai_and_english_strings_are_not() -> None:
    # Names of products and the language switch (which names the other language) are the same or swapped.
    same_in_both = {"channel_line", "channel_telegram", "switch_language"}
    for key, text in strings("th").items():
        if key not in same_in_both:
            assert THAI.search(text), f"th.{key} has no Thai: {text!r}"
    for key, text in strings("en").items():
        if key not in same_in_both:
            assert not THAI.search(text), f"en.{key} has Thai: {text!r}"


def test_every_key_the_page_asks_for_exists() -> None:
    sources = page_sources()
    wanted = set(re.findall(r"""\bt\('(\w+)'""", sources))
    wanted |= set(re.findall(r'data-i18n(?:-aria-label)?="(\w+)"', sources))
    assert wanted, "the pattern no longer finds the page's string keys"
    assert wanted - set(strings("th")) == set()


def test_every_string_is_used() -> None:
    sources = page_sources()
    # Keys built from a value of the API: labelFor('channel_', item.channel).
    prefixes = set(re.findall(r"""labelFor\('(\w+_)'""", sources))
    assert "channel_" in prefixes
    unused = [
        key
        for key in strings("th")
        if not re.search(rf"""['"]{key}['"]""", sources) and not any(key.startswith(prefix) for prefix in prefixes)
    ]
    assert unused == []


def test_the_page_loads_nothing_from_elsewhere() -> None:
    # No CDN, no fonts, no analytics: the only outside address is the map link an agent may open
    # (the SVG namespace is a name, never fetched).
    sources = page_sources() + (STATIC / "app.css").read_text(encoding="utf-8")
    assert set(re.findall(r"https?://[^\s'\"]+", sources)) == {
        "https://www.openstreetmap.org/",
        "http://www.w3.org/2000/svg",
    }


def test_data_is_never_written_as_html() -> None:
    sources = page_sources()
    assert re.findall(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write", sources) == []
