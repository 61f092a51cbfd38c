"""endpoints.yml takes the action server's address from the environment."""

import pytest
from rasa.core.utils import read_endpoints_from_path


def test_action_endpoint_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACTION_ENDPOINT_URL", "http://127.0.0.1:5999/webhook")
    endpoints = read_endpoints_from_path("endpoints.yml")
    assert endpoints.action.url == "http://127.0.0.1:5999/webhook"
