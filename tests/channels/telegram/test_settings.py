"""The Telegram channel is configured from the environment and refuses to start half-configured."""

from __future__ import annotations

import pytest

from channels.telegram import TelegramChannel
from channels.telegram.settings import DEFAULT_API_BASE_URL, Mode, TelegramSettings
from hub.settings import SettingsError

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
SECRET = "a-webhook-secret_0123456789"


def test_without_a_token_the_channel_is_off() -> None:
    assert TelegramSettings.from_environment({}) is None
    assert TelegramSettings.from_environment({"TELEGRAM_BOT_TOKEN": " ", "TELEGRAM_WEBHOOK_SECRET": SECRET}) is None
    assert TelegramChannel.from_environment({}) is None


def test_webhook_mode_by_default_against_telegram() -> None:
    settings = TelegramSettings.from_environment({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_SECRET": SECRET})
    assert settings == TelegramSettings(TOKEN, SECRET, Mode.WEBHOOK, "https://api.telegram.org")
    assert DEFAULT_API_BASE_URL == "https://api.telegram.org"


def test_the_sdk_is_pointed_at_the_configured_api_server() -> None:
    settings = TelegramSettings.from_environment(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/",
        }
    )
    assert settings is not None
    bot = settings.bot()
    assert bot.base_url == f"http://127.0.0.1:8081/bot{TOKEN}"
    assert bot.base_file_url == f"http://127.0.0.1:8081/file/bot{TOKEN}"


def test_polling_needs_no_secret() -> None:
    settings = TelegramSettings.from_environment({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_MODE": "polling"})
    assert settings == TelegramSettings(TOKEN, "", Mode.POLLING)


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"TELEGRAM_BOT_TOKEN": "not-a-token", "TELEGRAM_WEBHOOK_SECRET": SECRET}, "does not look like a token"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN}, "TELEGRAM_WEBHOOK_SECRET must be set in webhook mode"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_SECRET": "short"}, "16 to 256 letters"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_SECRET": SECRET + "!"}, "16 to 256 letters"),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_MODE": "push"},
            "TELEGRAM_MODE must be webhook or polling, not 'push'",
        ),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_MODE": "polling", "TELEGRAM_API_BASE_URL": "api.telegram.org"},
            "TELEGRAM_API_BASE_URL must be an http(s) URL",
        ),
    ],
)
def test_a_half_configured_channel_is_refused_with_the_reason(environment: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError) as refused:
        TelegramSettings.from_environment(environment)
    assert message in str(refused.value)
    assert TOKEN not in str(refused.value)
