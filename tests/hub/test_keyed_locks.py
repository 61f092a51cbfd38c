"""One lock per key, handed out in the order it was asked for, and forgotten when idle."""

from __future__ import annotations

import asyncio
import gc
import weakref

from hub.keyed_locks import KeyedLocks


async def test_one_key_one_lock_granted_in_order() -> None:
    locks: KeyedLocks[str] = KeyedLocks()
    assert locks("a") is locks("a")
    assert locks("a") is not locks("b")
    order: list[int] = []

    async def take(number: int) -> None:
        async with locks("a"):
            order.append(number)
            await asyncio.sleep(0)

    async with locks("a"):
        tasks = [asyncio.create_task(take(number)) for number in range(5)]
        await asyncio.sleep(0)  # all five are waiting now
    await asyncio.gather(*tasks)
    assert order == [0, 1, 2, 3, 4]


async def test_an_idle_key_costs_nothing() -> None:
    locks: KeyedLocks[str] = KeyedLocks()
    lock = locks("citizen")
    async with lock:
        assert locks("citizen") is lock
    forgotten = weakref.ref(lock)
    del lock
    gc.collect()
    assert forgotten() is None  # only the users of a lock keep it alive
