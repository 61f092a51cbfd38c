"""The migrations build exactly the tables the code declares, and undo cleanly."""

from __future__ import annotations

import subprocess

from tests.integration.stack import HUB_PYTHON, ROOT, base_environment


def alembic(database_url: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(HUB_PYTHON), "-m", "alembic", "-c", "hub/alembic.ini", *arguments],
        cwd=ROOT,
        env=base_environment(DATABASE_URL=database_url),
        capture_output=True,
        text=True,
        check=False,  # the tests read the exit code
    )


def test_the_migrated_schema_matches_the_models(database_url: str) -> None:
    checked = alembic(database_url, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "No new upgrade operations detected" in checked.stdout + checked.stderr
    for step in (("downgrade", "0003"), ("upgrade", "head")):
        result = alembic(database_url, *step)
        assert result.returncode == 0, result.stderr
