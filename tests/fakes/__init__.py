"""Fakes of the outside platforms we cannot reach from tests (LINE, Telegram).

Each fake is a real HTTP server on a loopback port, run in a thread of the test
process so tests can read what it received; the hub's official SDK clients are
pointed at it through the settings in :meth:`PlatformFake.hub_environment`.
"""

from __future__ import annotations

from typing import Protocol


class PlatformFake(Protocol):
    def start(self) -> None:
        """Serve on a free loopback port (in a background thread)."""
        ...

    def hub_environment(self) -> dict[str, str]:
        """The hub's settings that enable the channel and point its SDK at this fake."""
        ...

    def stop(self) -> None: ...
