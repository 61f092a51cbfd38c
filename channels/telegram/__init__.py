"""The Telegram channel (python-telegram-bot); set-up in docs/channels/telegram.md."""

from channels.telegram.channel import TelegramChannel

__all__ = ["TelegramChannel"]
