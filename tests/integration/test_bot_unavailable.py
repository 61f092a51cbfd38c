"""When Rasa is down or hangs, the citizen's message is kept and they get an apology;
when it is back, the same hub answers again without a restart."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.stack import Chat, Stack, free_port, texts

APOLOGY_TH = (
    "ได้รับข้อความของท่านแล้ว ขณะนี้ระบบตอบกลับอัตโนมัติขัดข้อง เจ้าหน้าที่จะติดต่อกลับโดยเร็วที่สุดค่ะ"
)
APOLOGY_EN = (
    "We have received your message. Our automatic assistant is unavailable right now; "
    "an officer will get back to you as soon as possible."
)


class RasaDoor:
    """A loopback port in front of the real Rasa server: closed, hanging, or forwarding."""

    def __init__(self, rasa_url: str) -> None:
        self.port = free_port()
        self._target = int(rasa_url.rsplit(":", 1)[1])
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.Server | None = None
        threading.Thread(target=self._loop.run_forever, daemon=True).start()

    def close(self) -> None:
        self._run(self._stop())

    def hang(self) -> None:
        self._run(self._listen(self._hang))

    def forward(self) -> None:
        self._run(self._listen(self._forward))

    def _run(self, coroutine: object) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=10)  # type: ignore[arg-type]

    async def _stop(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None

    async def _listen(self, handler: object) -> None:
        await self._stop()
        self._server = await asyncio.start_server(handler, "127.0.0.1", self.port)  # type: ignore[arg-type]

    @staticmethod
    async def _hang(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # never answers; the hub gives up after its timeout

    async def _forward(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", self._target)

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            while data := await source.read(65536):
                sink.write(data)
                await sink.drain()
            sink.close()

        await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer), return_exceptions=True)


@pytest.fixture(scope="module")
def door(sqlite_stack: Stack) -> Iterator[RasaDoor]:
    assert sqlite_stack.rasa_url is not None
    rasa_door = RasaDoor(sqlite_stack.rasa_url)
    yield rasa_door
    rasa_door.close()


@pytest.fixture(scope="module")
def lonely_hub(door: RasaDoor, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A hub whose Rasa is behind the door, on its own SQLite database."""
    workdir: Path = tmp_path_factory.mktemp("lonely")
    hub = Stack(f"sqlite:///{workdir / 'hub.db'}", workdir, rasa_timeout_seconds=2, rasa_url=f"http://127.0.0.1:{door.port}")
    hub.start_hub()
    yield hub
    hub.stop()


async def test_rasa_down_then_hanging_then_back(door: RasaDoor, lonely_hub: Stack) -> None:
    chat = await Chat.open(lonely_hub.websocket_url)
    try:
        door.close()
        answers = await chat.say("ถนนหน้าบ้านเป็นหลุมครับ")
        assert [(answer["sender"], answer["text"]) for answer in answers] == [("system", APOLOGY_TH)]

        door.hang()
        answers = await chat.say("Is anyone there?")
        assert [(answer["sender"], answer["text"]) for answer in answers] == [("system", APOLOGY_EN)]

        door.forward()
        answers = await chat.say("hello")
        assert texts(answers) == ["Hello! How can I help? You can report a problem or follow up a case you reported."]
    finally:
        await chat.close()

    stored = lonely_hub.rows("SELECT sender, text, status, failure_reason FROM messages ORDER BY created_at")
    assert [(row["sender"], row["text"], row["status"]) for row in stored] == [
        ("citizen", "ถนนหน้าบ้านเป็นหลุมครับ", "bot_unavailable"),
        ("system", APOLOGY_TH, "sent"),
        ("citizen", "Is anyone there?", "bot_unavailable"),
        ("system", APOLOGY_EN, "sent"),
        ("citizen", "hello", "answered"),
        ("bot", "Hello! How can I help? You can report a problem or follow up a case you reported.", "sent"),
    ]
    assert stored[0]["failure_reason"].startswith("ConnectError")
    assert stored[2]["failure_reason"].startswith("ReadTimeout")
    log = lonely_hub.hub_log()
    assert log.count("ERROR [hub.inbox] bot unavailable for conversation") == 2
    assert "Traceback" not in log


def test_port_really_closed_when_door_closed(door: RasaDoor) -> None:
    door.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", door.port), timeout=2)
