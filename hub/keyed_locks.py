"""One asyncio lock per key (a citizen, a chat), alive only while in use."""

from __future__ import annotations

import asyncio
from collections.abc import Hashable
from typing import Generic, TypeVar
from weakref import WeakValueDictionary

Key = TypeVar("Key", bound=Hashable)


class KeyedLocks(Generic[Key]):
    """``locks(key)`` is the lock of that key.

    A lock lives only while someone holds or waits for it, so keys that have
    gone quiet cost no memory. Waiters get the lock in the order they asked.
    """

    def __init__(self) -> None:
        self._locks: WeakValueDictionary[Key, asyncio.Lock] = WeakValueDictionary()

    def __call__(self, key: Key) -> asyncio.Lock:
        return self._locks.get(key) or self._locks.setdefault(key, asyncio.Lock())
