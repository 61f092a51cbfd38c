"""Real processes on loopback ports: the Rasa server, the action server and the hub.

Test infrastructure only: every process is the one `make run` starts.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import websockets
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from hub.store import sync_database_url
from tests.fakes import PlatformFake

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "saphan.tar.gz"
RASA_BIN = ROOT / ".venv-rasa" / "bin" / "rasa"
HUB_PYTHON = ROOT / ".venv" / "bin" / "python"
SECRET = "integration-test-secret-0123456789"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def base_environment(**extra: str) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "RASA_URL", "HUB_URL", "HUB_INTERNAL_SECRET", "PUBLIC_BASE_URL")
        and not key.startswith(("LINE_", "TELEGRAM_"))  # a developer's real channels stay out of tests
    }
    environment.update(RASA_TELEMETRY_ENABLED="false", PYTHONPATH=str(ROOT), HUB_INTERNAL_SECRET=SECRET)
    environment.update(extra)
    return environment


@dataclass
class Process:
    name: str
    command: list[str]
    environment: dict[str, str]
    log_path: Path
    popen: subprocess.Popen[bytes] | None = None

    def start(self) -> Process:
        log_file = open(self.log_path, "wb")
        self.popen = subprocess.Popen(
            self.command, cwd=ROOT, env=self.environment, stdout=log_file, stderr=subprocess.STDOUT
        )
        return self

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_until(self, ready: Callable[[], bool], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.popen is not None
            if self.popen.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.popen.returncode}:\n{self.log()[-4000:]}")
            if ready():
                return
            time.sleep(0.5)
        raise RuntimeError(f"{self.name} not ready after {timeout:.0f}s:\n{self.log()[-4000:]}")

    def stop(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


def answers(url: str) -> Callable[[], bool]:
    def ready() -> bool:
        try:
            return httpx.get(url, timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    return ready


def migrate(database_url: str) -> None:
    """A clean schema: drop whatever is there, then run the migrations."""
    engine = create_engine(sync_database_url(database_url))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    subprocess.run(
        [str(HUB_PYTHON), "-m", "alembic", "-c", "hub/alembic.ini", "upgrade", "head"],
        cwd=ROOT,
        env=base_environment(DATABASE_URL=database_url),
        check=True,
        capture_output=True,
    )


@dataclass
class Stack:
    """One Rasa server + action server + hub on one database."""

    database_url: str
    workdir: Path
    rasa_timeout_seconds: float = 30.0
    rasa_url: str | None = None  # None: start our own Rasa server
    fakes: dict[str, PlatformFake] = field(default_factory=dict)  # by channel name; started with the hub
    hub_settings: dict[str, str] = field(default_factory=dict)  # more environment for the hub
    processes: list[Process] = field(default_factory=list)
    hub_port: int = 0
    engine: Engine | None = None

    @property
    def hub_url(self) -> str:
        return f"http://127.0.0.1:{self.hub_port}"

    @property
    def websocket_url(self) -> str:
        return f"ws://127.0.0.1:{self.hub_port}/channels/webchat/ws"

    def start_bot(self) -> list[Process]:
        """Start the action server and Rasa (without waiting: Rasa loads for a while)."""
        self.hub_port = free_port()
        actions_port, rasa_port = free_port(), free_port()
        environment = base_environment(
            HUB_URL=f"http://127.0.0.1:{self.hub_port}",
            ACTION_ENDPOINT_URL=f"http://127.0.0.1:{actions_port}/webhook",
        )
        actions = Process(
            "actions",
            [str(RASA_BIN), "run", "actions", "--port", str(actions_port), "--actions", "actions"],
            environment,
            self.workdir / "actions.log",
        ).start()
        rasa = Process(
            "rasa",
            [
                str(RASA_BIN),
                "run",
                "--enable-api",
                "--interface",
                "127.0.0.1",
                "--port",
                str(rasa_port),
                "--model",
                str(MODEL),
                "--endpoints",
                "endpoints.yml",
                "--credentials",
                "credentials.yml",
            ],
            environment,
            self.workdir / "rasa.log",
        ).start()
        self.rasa_url = f"http://127.0.0.1:{rasa_port}"
        self.processes += [actions, rasa]
        self._actions_health = f"http://127.0.0.1:{actions_port}/health"
        return [actions, rasa]

    def wait_for_bot(self) -> None:
        actions, rasa = self.processes[0], self.processes[1]
        actions.wait_until(answers(self._actions_health), timeout=120)
        rasa.wait_until(answers(f"{self.rasa_url}/"), timeout=300)

    def start_hub(self) -> Process:
        if not self.hub_port:
            self.hub_port = free_port()
        migrate(self.database_url)
        assert self.rasa_url is not None
        platforms: dict[str, str] = {}
        for fake in self.fakes.values():
            fake.start()
            platforms.update(fake.hub_environment())
        hub = Process(
            "hub",
            [str(HUB_PYTHON), "-m", "hub"],
            base_environment(
                DATABASE_URL=self.database_url,
                RASA_URL=self.rasa_url,
                HUB_PORT=str(self.hub_port),
                PUBLIC_BASE_URL=self.hub_url,
                RASA_TIMEOUT_SECONDS=str(self.rasa_timeout_seconds),
                **platforms,
                **self.hub_settings,
            ),
            self.workdir / "hub.log",
        ).start()
        hub.wait_until(answers(f"{self.hub_url}/health"), timeout=60)
        self.processes.append(hub)
        self.engine = create_engine(sync_database_url(self.database_url))
        return hub

    def create_user(self, email: str, name: str, role: str, password: str) -> None:
        """A console user, made with the documented command."""
        subprocess.run(
            [str(HUB_PYTHON), "-m", "hub.console.users", "create", "--email", email, "--name", name, "--role", role]
            + ["--password-stdin"],
            cwd=ROOT,
            env=base_environment(DATABASE_URL=self.database_url),
            input=password + "\n",
            text=True,
            check=True,
            capture_output=True,
        )

    def hub_log(self) -> str:
        return next(process for process in self.processes if process.name == "hub").log()

    def rows(self, query: str, **parameters: Any) -> list[dict[str, Any]]:
        assert self.engine is not None
        with self.engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(text(query), parameters)]

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.stop()
        for fake in self.fakes.values():
            fake.stop()
        if self.engine is not None:
            self.engine.dispose()


class Chat:
    """A web chat session driven over the real websocket, as the widget does."""

    def __init__(self, websocket: Any, session_token: str, welcome: dict[str, Any]) -> None:
        self.websocket = websocket
        self.session_token = session_token
        self.welcome = welcome

    @classmethod
    async def open(cls, websocket_url: str, session_token: str | None = None) -> Chat:
        websocket = await websockets.connect(websocket_url, max_size=2**20)
        await websocket.send(json.dumps({"type": "hello", "session_token": session_token}))
        welcome = await cls._receive(websocket)
        assert welcome["type"] == "welcome", welcome
        return cls(websocket, welcome["session_token"], welcome)

    async def close(self) -> None:
        await self.websocket.close()

    async def send_raw(self, frame: str | bytes) -> dict[str, Any]:
        await self.websocket.send(frame)
        return await self.next_frame()

    async def next_frame(self, timeout: float = 60) -> dict[str, Any]:
        return await self._receive(self.websocket, timeout)

    async def say(self, text: str, payload: str | None = None, timeout: float = 60) -> list[dict[str, Any]]:
        """Send a message; return the messages of the answer (bot or system), in order.

        The hub echoes the citizen's message, then ends the bot's turn with
        ``typing: false`` after the answers.
        """
        frame: dict[str, Any] = {"type": "message", "text": text}
        if payload is not None:
            frame["payload"] = payload
        await self.websocket.send(json.dumps(frame, ensure_ascii=False))
        echo = await self.next_frame(timeout)
        assert echo["type"] == "message" and echo["sender"] == "citizen", echo
        assert echo["text"] == text.strip()
        answers: list[dict[str, Any]] = []
        while True:
            received = await self.next_frame(timeout)
            if received["type"] == "typing" and received["active"] is False:
                return answers
            if received["type"] == "message":
                answers.append(received)

    async def send(self, text: str, payload: str | None = None) -> dict[str, Any]:
        """Send a message the hub itself answers (or nobody: an agent will); return its echo."""
        frame: dict[str, Any] = {"type": "message", "text": text}
        if payload is not None:
            frame["payload"] = payload
        await self.websocket.send(json.dumps(frame, ensure_ascii=False))
        echo = await self.next_frame()
        assert echo["type"] == "message" and echo["sender"] == "citizen", echo
        return echo

    async def next_messages(self, count: int, timeout: float = 60) -> list[dict[str, Any]]:
        """The next ``count`` messages to the citizen (typing frames skipped)."""
        received: list[dict[str, Any]] = []
        while len(received) < count:
            frame = await self.next_frame(timeout)
            if frame["type"] == "message":
                received.append(frame)
        return received

    async def press(self, answer: dict[str, Any], title: str) -> list[dict[str, Any]]:
        """Press the button with this title on a bot message, as the widget does."""
        button = next(button for button in answer["buttons"] if button["title"] == title)
        return await self.say(button["title"], payload=button["payload"])

    @staticmethod
    async def _receive(websocket: Any, timeout: float = 60) -> dict[str, Any]:
        raw = await asyncio.wait_for(websocket.recv(), timeout)
        frame = json.loads(raw)
        assert isinstance(frame, dict)
        return frame


def texts(answers: list[dict[str, Any]]) -> list[str]:
    return [answer["text"] for answer in answers]
