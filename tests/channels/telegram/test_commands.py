"""The operator's side: the webhook command and the hub's start-up checks, as real
processes against the fake Bot API."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest

from tests.fakes.telegram_api import TOKEN, WEBHOOK_SECRET, FakeTelegramApi
from tests.integration.stack import HUB_PYTHON, ROOT, base_environment, free_port

WRONG_TOKEN = "4242424242:AAWrongTokenWrongTokenWrongToken_000"


@pytest.fixture
def api() -> Iterator[FakeTelegramApi]:
    fake = FakeTelegramApi()
    fake.start()
    yield fake
    fake.stop()


def run(module: str, environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(HUB_PYTHON), "-m", module],
        check=False,
        cwd=ROOT,
        env=base_environment(**environment),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_set_webhook_registers_the_hub_with_its_secret(api: FakeTelegramApi) -> None:
    environment = {**api.hub_environment(), "PUBLIC_BASE_URL": "https://saphan.example.go.th/"}
    done = run("channels.telegram.set_webhook", environment)
    assert done.returncode == 0, done.stderr
    url = "https://saphan.example.go.th/channels/telegram/webhook"
    assert done.stdout == f"Telegram now sends the updates of @saphan_test_bot to {url}\n"
    assert api.webhook == {"url": url, "secret_token": WEBHOOK_SECRET, "allowed_updates": ["message", "callback_query"]}


@pytest.mark.parametrize(
    ("change", "code", "error"),
    [
        ({"PUBLIC_BASE_URL": ""}, 2, "cannot set the webhook: PUBLIC_BASE_URL must be set"),
        ({"TELEGRAM_BOT_TOKEN": ""}, 2, "cannot set the webhook: TELEGRAM_BOT_TOKEN is not set"),
        ({"TELEGRAM_MODE": "polling"}, 2, "cannot set the webhook: TELEGRAM_MODE is polling"),
        ({"TELEGRAM_BOT_TOKEN": WRONG_TOKEN}, 1, "Telegram refused TELEGRAM_BOT_TOKEN (check it with BotFather)"),
    ],
)
def test_set_webhook_says_what_is_wrong(api: FakeTelegramApi, change: dict[str, str], code: int, error: str) -> None:
    environment = {**api.hub_environment(), "PUBLIC_BASE_URL": "https://saphan.example.go.th", **change}
    done = run("channels.telegram.set_webhook", environment)
    assert done.returncode == code
    assert done.stderr.startswith(error), done.stderr
    assert api.webhook is None
    assert WRONG_TOKEN not in done.stdout + done.stderr


def hub_environment(api: FakeTelegramApi, **change: str) -> dict[str, str]:
    return {
        **api.hub_environment(),
        "HUB_PORT": str(free_port()),
        "DATABASE_URL": "sqlite:///:memory:",
        **change,
    }


def test_the_hub_does_not_start_with_a_token_telegram_refuses(api: FakeTelegramApi) -> None:
    done = run("hub", hub_environment(api, TELEGRAM_BOT_TOKEN=WRONG_TOKEN))
    assert done.returncode == 2
    output = (done.stdout + done.stderr).strip()
    assert output.splitlines()[-1].endswith(
        "cannot start: TELEGRAM_BOT_TOKEN was refused by Telegram (check it with BotFather)"
    )
    assert WRONG_TOKEN not in output


def test_the_hub_does_not_start_half_configured(api: FakeTelegramApi) -> None:
    done = run("hub", hub_environment(api, TELEGRAM_WEBHOOK_SECRET=""))
    assert done.returncode == 2
    output = (done.stdout + done.stderr).strip()
    assert output.splitlines()[-1].endswith(
        "cannot start: TELEGRAM_WEBHOOK_SECRET must be set in webhook mode: 16 to 256 letters, digits, - or _ "
        "(or set TELEGRAM_MODE=polling)"
    )
    assert api.calls == []
    assert TOKEN not in output
