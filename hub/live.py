"""Live events for the console: a conversation entered or left the queue, a
message was stored or its delivery status changed.

The publisher is in-process: it reaches the console websockets of this hub
process only. With several hub replicas behind a load balancer, publish these
events through Redis pub/sub (one channel, every replica subscribed) so that a
citizen message arriving at one replica reaches agents connected to another.
Nothing is lost meanwhile: the database is the record, and a console that
(re)connects starts from a full queue.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from hub.domain.conversations import Message


@dataclass(frozen=True)
class QueueChanged:
    """A conversation arrived in the queue, was claimed or reassigned, or left it."""


@dataclass(frozen=True)
class MessageStored:
    """A new message, or a message whose delivery status changed."""

    message: Message


LiveEvent = QueueChanged | MessageStored


class LiveEvents:
    def __init__(self) -> None:
        self._subscribers: set[asyncio.Queue[LiveEvent]] = set()

    @contextmanager
    def subscribe(self) -> Iterator[asyncio.Queue[LiveEvent]]:
        """Every event published while the ``with`` block runs, in order."""
        queue: asyncio.Queue[LiveEvent] = asyncio.Queue()
        self._subscribers.add(queue)
        try:
            yield queue
        finally:
            self._subscribers.discard(queue)

    def publish(self, event: LiveEvent) -> None:
        for queue in self._subscribers:
            queue.put_nowait(event)
