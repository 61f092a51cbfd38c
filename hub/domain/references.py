"""Ticket reference numbers: ``2026-K7MX-3QH9``.

Short enough to read aloud over the phone, in groups of four; no characters
people confuse (0/O, 1/I/L, and U/V); the year the ticket was filed; and drawn at
random from 30**8 (6.6e11) values, so knowing one reference tells nothing about
another. Uniqueness is enforced by the database, which retries on a clash.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
_GROUP = f"[{ALPHABET}]{{4}}"
_PATTERN = re.compile(
    rf"(?<![0-9A-Za-z])(20\d\d)[-\s]?({_GROUP})[-\s]?({_GROUP})(?![0-9A-Za-z])",
    re.IGNORECASE,
)


def new_reference(year: int) -> str:
    """Draw a fresh random reference for a ticket filed in ``year``."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{year}-{body[:4]}-{body[4:]}"


def find_reference(text: str) -> str | None:
    """Find a well-formed reference in free text and return it normalised.

    Citizens type references in lower case, without dashes or with spaces.
    """
    match = _PATTERN.search(text)
    if match is None:
        return None
    year, first, second = match.groups()
    return f"{year}-{first.upper()}-{second.upper()}"


def parse_reference(text: str) -> str | None:
    """Return the normalised reference if ``text`` is exactly one reference."""
    stripped = text.strip()
    reference = find_reference(stripped)
    if reference is None or len(re.sub(r"[-\s]", "", stripped)) != 12:
        return None
    return reference
