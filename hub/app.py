"""The hub's Sanic application: wires the store, the bot and the channels."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Mapping
from datetime import timedelta

from sanic import Request, Sanic
from sanic.response import HTTPResponse, json

from channels.base import Channel
from channels.line import LineChannel
from channels.telegram import TelegramChannel
from channels.webchat import WebChatChannel
from hub.bot_client import BotClient
from hub.console.api import console_blueprint
from hub.console.auth import ConsoleAuth
from hub.desk import Desk
from hub.domain.content import office_hours
from hub.handoffs import Handoffs
from hub.http.internal import internal_api
from hub.inbox import Router
from hub.live import LiveEvents
from hub.outbox import Outbox
from hub.satisfaction import Satisfaction
from hub.settings import Settings
from hub.store import Store

log = logging.getLogger("hub")


# Every channel adapter the hub knows. Each reads its own settings from the
# environment and returns None when it is not configured.
CHANNEL_ADAPTERS: tuple[Callable[[Mapping[str, str]], Channel | None], ...] = (
    WebChatChannel.from_environment,
    LineChannel.from_environment,
    TelegramChannel.from_environment,
)


async def wait_for_bot(bot: BotClient, public_base_url: str, channels: Mapping[str, Channel]) -> None:
    """Say where the web chat is once Rasa answers (loading a model takes a while)."""
    while not await bot.is_ready():
        await asyncio.sleep(2)
    log.info("Saphan is ready: open the web chat at %s/ (active channels: %s)", public_base_url, ", ".join(channels))


def enabled_channels(environment: Mapping[str, str]) -> dict[str, Channel]:
    """The channels this hub serves: web chat always, the chat apps when configured."""
    channels = [channel for adapter in CHANNEL_ADAPTERS if (channel := adapter(environment)) is not None]
    return {channel.name: channel for channel in channels}


def create_app(settings: Settings) -> Sanic:
    app = Sanic("saphan_hub", configure_logging=False)  # one log format: hub.logging_setup
    app.config.WEBSOCKET_MAX_SIZE = 64 * 1024  # a 2,000-character message is ~8 KB of UTF-8 JSON
    store = Store(settings.database_url)
    bot = BotClient(settings.rasa_url, settings.rasa_timeout_seconds)
    channels = enabled_channels(os.environ)
    log.info("active channels: %s", ", ".join(channels))
    events = LiveEvents()
    outbox = Outbox(store, channels, events=events)
    satisfaction = Satisfaction(store, outbox)
    hours = office_hours()
    handoffs = Handoffs(store, outbox, events, hours, timedelta(minutes=settings.handoff_timeout_minutes))
    router = Router(store, bot, channels, outbox, handoffs, satisfaction, events)
    desk = Desk(store, outbox, satisfaction, events, hours.time_zone)
    app.ctx.channels = channels

    for channel in channels.values():
        app.blueprint(channel.blueprint(router))
    app.blueprint(internal_api(store, settings.internal_secret))
    app.blueprint(console_blueprint(desk, ConsoleAuth(store), events, settings.public_base_url))

    @app.get("/health")
    async def health(request: Request) -> HTTPResponse:
        return json({"status": "ok", "channels": sorted(channels)})

    @app.after_server_start
    async def start_background_work(app: Sanic) -> None:
        app.add_task(wait_for_bot(bot, settings.public_base_url, channels), name="wait_for_bot")
        app.add_task(handoffs.watch(), name="handoff_timeouts")

    @app.after_server_stop
    async def close(app: Sanic) -> None:
        await bot.close()
        await store.close()

    return app
