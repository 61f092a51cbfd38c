"""Tell Telegram where to send the bot's updates: ``python -m channels.telegram.set_webhook``.

Registers ``$PUBLIC_BASE_URL/channels/telegram/webhook`` with the secret token
from TELEGRAM_WEBHOOK_SECRET and the update types the hub handles. Run it once
after deploying, and again whenever the public URL or the secret changes.
Telegram only calls HTTPS URLs (ports 443, 80, 88 or 8443).
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Mapping

from telegram.error import InvalidToken, TelegramError

from channels.telegram.channel import WEBHOOK_PATH
from channels.telegram.messages import ALLOWED_UPDATES
from channels.telegram.settings import Mode, TelegramSettings
from hub.settings import SettingsError


def webhook_url(environment: Mapping[str, str]) -> str:
    public_base_url = environment.get("PUBLIC_BASE_URL", "").strip().rstrip("/")
    if not public_base_url:
        raise SettingsError(
            "PUBLIC_BASE_URL must be set to the hub's public address, e.g. https://saphan.example.go.th"
        )
    return public_base_url + WEBHOOK_PATH


async def set_webhook(settings: TelegramSettings, url: str) -> str:
    """Register the webhook; returns the bot's username."""
    async with settings.bot() as bot:
        await bot.set_webhook(url, secret_token=settings.webhook_secret, allowed_updates=list(ALLOWED_UPDATES))
        return bot.username


def main(environment: Mapping[str, str] = os.environ) -> int:
    try:
        settings = TelegramSettings.from_environment(environment)
        if settings is None:
            raise SettingsError("TELEGRAM_BOT_TOKEN is not set")
        if settings.mode is not Mode.WEBHOOK:
            raise SettingsError("TELEGRAM_MODE is polling: the hub asks Telegram for updates, no webhook is needed")
        url = webhook_url(environment)
    except SettingsError as error:
        print(f"cannot set the webhook: {error}", file=sys.stderr)
        return 2
    try:
        username = asyncio.run(set_webhook(settings, url))
    except InvalidToken:  # PTB's message repeats the token
        print("Telegram refused TELEGRAM_BOT_TOKEN (check it with BotFather)", file=sys.stderr)
        return 1
    except TelegramError as error:
        print(f"Telegram refused the webhook: {error.message}", file=sys.stderr)
        return 1
    print(f"Telegram now sends the updates of @{username} to {url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
