"""Store tests; the fixtures are in conftest.py."""

from __future__ import annotations

from hub.store import Store


async def conversation_id(store: Store, external_id: str) -> str:
    """A new citizen's open conversation."""
    identity = await store.identify("webchat", external_id, "th")
    return (await store.open_conversation(identity, "th")).id
