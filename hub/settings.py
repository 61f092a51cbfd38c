"""The hub's settings, read from the environment (never from committed files)."""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_DATABASE_URL = "sqlite:///saphan.db"


class SettingsError(RuntimeError):
    """A required setting is missing or malformed."""


def database_url_from_environment() -> str | None:
    return os.environ.get("DATABASE_URL") or None


@dataclass(frozen=True)
class Settings:
    database_url: str
    rasa_url: str
    internal_secret: str  # shared with the action server for the internal ticket API
    host: str = "127.0.0.1"
    port: int = 8000
    public_base_url: str = "http://127.0.0.1:8000"
    rasa_timeout_seconds: float = 30.0
    # A conversation nobody claims for this long is offered a ticket instead.
    handoff_timeout_minutes: float = 10.0

    @classmethod
    def from_environment(cls) -> Settings:
        secret = os.environ.get("HUB_INTERNAL_SECRET", "")
        if len(secret) < 16:
            raise SettingsError("HUB_INTERNAL_SECRET must be set to a random string of at least 16 characters")
        host = os.environ.get("HUB_HOST", "127.0.0.1")
        try:
            port = int(os.environ.get("HUB_PORT", "8000"))
            rasa_timeout = float(os.environ.get("RASA_TIMEOUT_SECONDS", "30"))
            handoff_timeout = float(os.environ.get("HANDOFF_TIMEOUT_MINUTES", "10"))
        except ValueError as error:
            raise SettingsError(
                f"HUB_PORT, RASA_TIMEOUT_SECONDS and HANDOFF_TIMEOUT_MINUTES must be numbers: {error}"
            ) from error
        if handoff_timeout <= 0:
            raise SettingsError("HANDOFF_TIMEOUT_MINUTES must be more than 0")
        return cls(
            database_url=database_url_from_environment() or DEFAULT_DATABASE_URL,
            rasa_url=os.environ.get("RASA_URL", "http://127.0.0.1:5005").rstrip("/"),
            internal_secret=secret,
            host=host,
            port=port,
            public_base_url=os.environ.get("PUBLIC_BASE_URL", f"http://{host}:{port}").rstrip("/"),
            rasa_timeout_seconds=rasa_timeout,
            handoff_timeout_minutes=handoff_timeout,
        )
