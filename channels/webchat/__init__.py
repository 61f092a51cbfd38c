"""Web chat: the embeddable widget and its websocket (see docs/webchat-protocol.md)."""

from channels.webchat.channel import WebChatChannel

__all__ = ["WebChatChannel"]
