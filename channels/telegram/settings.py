"""The Telegram channel's settings, read from the environment."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from telegram import Bot
from telegram.request import HTTPXRequest

from hub.settings import SettingsError

DEFAULT_API_BASE_URL = "https://api.telegram.org"
# BotFather's tokens: the bot's numeric id, a colon, then letters, digits, - and _.
_TOKEN = re.compile(r"\d+:[A-Za-z0-9_-]{20,}")
# Telegram allows 1-256 of these characters; 16 or more keep it unguessable.
_SECRET = re.compile(r"[A-Za-z0-9_-]{16,256}")
# Messages for many citizens are sent at once (PTB's default is one connection).
CONNECTION_POOL_SIZE = 16


class Mode(StrEnum):
    WEBHOOK = "webhook"  # Telegram calls the hub (production: needs a public HTTPS URL)
    POLLING = "polling"  # the hub asks Telegram (a laptop without a public URL)


@dataclass(frozen=True)
class TelegramSettings:
    bot_token: str
    webhook_secret: str  # empty in polling mode
    mode: Mode = Mode.WEBHOOK
    api_base_url: str = DEFAULT_API_BASE_URL

    @classmethod
    def from_environment(cls, environment: Mapping[str, str]) -> TelegramSettings | None:
        """The settings, or None when TELEGRAM_BOT_TOKEN is not set (the channel is off).

        Raises :class:`SettingsError` for a channel that is switched on but cannot work.
        """
        token = environment.get("TELEGRAM_BOT_TOKEN", "").strip()
        if not token:
            return None
        if not _TOKEN.fullmatch(token):
            raise SettingsError("TELEGRAM_BOT_TOKEN does not look like a token from BotFather (<digits>:<letters>)")
        mode_name = environment.get("TELEGRAM_MODE", "").strip() or Mode.WEBHOOK.value
        try:
            mode = Mode(mode_name)
        except ValueError:
            raise SettingsError(f"TELEGRAM_MODE must be webhook or polling, not {mode_name!r}") from None
        secret = environment.get("TELEGRAM_WEBHOOK_SECRET", "").strip()
        if mode is Mode.WEBHOOK and not _SECRET.fullmatch(secret):
            raise SettingsError(
                "TELEGRAM_WEBHOOK_SECRET must be set in webhook mode: 16 to 256 letters, digits, - or _ "
                "(or set TELEGRAM_MODE=polling)"
            )
        base_url = environment.get("TELEGRAM_API_BASE_URL", "").strip().rstrip("/") or DEFAULT_API_BASE_URL
        if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", base_url):
            raise SettingsError(f"TELEGRAM_API_BASE_URL must be an http(s) URL, not {base_url!r}")
        return cls(
            bot_token=token, webhook_secret=secret if mode is Mode.WEBHOOK else "", mode=mode, api_base_url=base_url
        )

    def bot(self) -> Bot:
        """A python-telegram-bot client for this bot and API server."""
        return Bot(
            self.bot_token,
            base_url=f"{self.api_base_url}/bot",
            base_file_url=f"{self.api_base_url}/file/bot",
            request=HTTPXRequest(connection_pool_size=CONNECTION_POOL_SIZE),
        )
