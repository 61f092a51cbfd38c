"""The store on a real database: SQLite always, PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from hub.store import Store
from tests.integration.stack import migrate


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
    else:
        url = os.environ.get("TEST_DATABASE_URL", "")
        if not url:
            message = "TEST_DATABASE_URL is not set, so the PostgreSQL run is skipped"
            if os.environ.get("CI"):
                pytest.fail(message + " (CI must set it: see .ci/run)")
            pytest.skip(message)
    migrate(url)
    return url


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Store]:
    opened = Store(database_url)
    yield opened
    await opened.close()
