"""Client of the hub's internal ticket API."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import quote

import httpx


class HubUnavailable(RuntimeError):
    """The hub could not be reached or refused the request."""


@dataclass(frozen=True)
class Coordinates:
    """A point the citizen shared on a map (WGS 84 degrees)."""

    latitude: float
    longitude: float


@dataclass(frozen=True)
class TicketInfo:
    reference: str
    status: str
    category: str
    created_at: str  # ISO 8601, UTC


class HubApi:
    def __init__(self, base_url: str | None = None, secret: str | None = None, timeout_seconds: float = 10.0) -> None:
        self._base_url = (base_url or os.environ.get("HUB_URL", "http://127.0.0.1:8000")).rstrip("/")
        self._secret = secret if secret is not None else os.environ.get("HUB_INTERNAL_SECRET", "")
        self._timeout = timeout_seconds

    async def file_ticket(
        self,
        conversation_id: str,
        category: str,
        description: str,
        location: str,
        phone: str | None,
        photos: Sequence[str] = (),
        coordinates: Coordinates | None = None,
    ) -> TicketInfo:
        """``photos`` are media ids of the hub's media store, in the order the citizen sent them."""
        body = {
            "conversation_id": conversation_id,
            "category": category,
            "description": description,
            "location": location,
            "phone": phone,
            "photos": list(photos),
            "coordinates": None if coordinates is None else asdict(coordinates),
        }
        return _ticket((await self._call("POST", "/internal/tickets", expected=(201,), json=body)).json())

    async def find_ticket(self, reference: str, conversation_id: str) -> TicketInfo | None:
        """The ticket if it belongs to this conversation's citizen, else ``None``."""
        response = await self._call(
            "GET",
            f"/internal/tickets/{quote(reference, safe='')}",
            expected=(200, 404),
            params={"conversation_id": conversation_id},
        )
        return None if response.status_code == 404 else _ticket(response.json())

    async def tickets_of_contact(self, conversation_id: str) -> list[TicketInfo]:
        """The latest tickets of the citizen this conversation belongs to, newest first."""
        response = await self._call(
            "GET", f"/internal/conversations/{quote(conversation_id, safe='')}/tickets", expected=(200,)
        )
        return [_ticket(ticket) for ticket in response.json()["tickets"]]

    async def add_feedback(self, conversation_id: str, text: str) -> str:
        """Store a suggestion or compliment; returns its reference."""
        body = {"conversation_id": conversation_id, "text": text}
        return str((await self._call("POST", "/internal/feedback", expected=(201,), json=body)).json()["reference"])

    async def _call(self, method: str, path: str, expected: tuple[int, ...], **kwargs: Any) -> httpx.Response:
        """One request; any status not in ``expected`` means the hub refused or failed."""
        try:
            async with httpx.AsyncClient(base_url=self._base_url, timeout=self._timeout) as client:
                response = await client.request(
                    method, path, headers={"Authorization": f"Bearer {self._secret}"}, **kwargs
                )
        except httpx.HTTPError as error:
            raise HubUnavailable(f"{type(error).__name__}: {error}") from error
        if response.status_code not in expected:
            raise HubUnavailable(f"{method} {path}: {response.status_code} {response.text[:200]}")
        return response


def _ticket(body: dict[str, Any]) -> TicketInfo:
    return TicketInfo(
        reference=body["reference"], status=body["status"], category=body["category"], created_at=body["created_at"]
    )
