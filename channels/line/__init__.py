"""LINE Messaging API channel (docs/channels/line.md)."""

from channels.line.channel import LineChannel

__all__ = ["LineChannel"]
