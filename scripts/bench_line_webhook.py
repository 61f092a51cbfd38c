"""Benchmarks the LINE webhook: how fast the hub acknowledges LINE, and how long a citizen waits.

Starts the real stack (Rasa, the action server and the hub on SQLite, exactly as
the integration tests do; --database-url for PostgreSQL) with the fake LINE Messaging API, then lets N simulated
LINE users (default 50, concurrently) each hold a 6-turn Thai conversation
(greeting, a complaint started, described, located, cancelled, thanks), twice:
600 signed webhook requests by default. Each user waits for the bot's answer
before the next turn, as a person would.

Reports the webhook's acknowledgement time (request sent to 200 received; LINE
wants it fast, the issue's target is p95 under 50 ms) and, in-process, what the
handler itself costs (signature check and event parsing), the time from the webhook
to the answer arriving at the fake LINE API, throughput, and lost or duplicated
answers (must be zero). Prints a Markdown row for docs/benchmarks.md.

    PYTHONPATH=. .venv/bin/python scripts/bench_line_webhook.py [--users 50] [--rounds 2]

Needs a trained model (make train).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from channels.line.channel import parse_events, signature_is_valid
from tests.fakes.line_api import FakeLineApi
from tests.integration.stack import Stack

CONVERSATION = (
    "สวัสดีครับ",
    "ถนนหน้าบ้านเป็นหลุมใหญ่ครับ อยากแจ้งเรื่อง",
    "หลุมลึกประมาณ 30 ซม. มอเตอร์ไซค์ล้มไปแล้วสองคัน",
    "ซอยสุขุมวิท 71 หน้าร้านสะดวกซื้อ",
    "ยกเลิก",
    "ขอบคุณครับ",
)
ANSWER_TIMEOUT_SECONDS = 120.0


def percentile_ms(values: list[float], percent: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(percent / 100 * (len(ordered) - 1)))] * 1000


async def citizen(
    number: int,
    rounds: int,
    stack: Stack,
    fake: FakeLineApi,
    client: httpx.AsyncClient,
    results: dict[str, list[float]],
) -> None:
    user_id = f"U{number:032x}"
    answered = 0
    for _ in range(rounds):
        for text in CONVERSATION:
            body, headers = fake.webhook(fake.text_event(user_id, text))
            sent = time.monotonic()
            response = await client.post(f"{stack.hub_url}/channels/line/webhook", content=body, headers=headers)
            results["ack"].append(time.monotonic() - sent)
            if response.status_code != 200:
                results["refused"].append(1)
                continue
            deadline = sent + ANSWER_TIMEOUT_SECONDS
            while len(deliveries := fake.deliveries(user_id)) <= answered and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
            if len(deliveries) <= answered:
                print(f"no answer to {user_id} for {text!r}", file=sys.stderr)
                results["lost"].append(1)
                continue
            answered += 1
            results["answer"].append(deliveries[answered - 1].received_at - sent)
    await asyncio.sleep(1)  # anything late or twice would show up now
    results["duplicated"] += [1] * (len(fake.deliveries(user_id)) - answered)


async def run(users: int, rounds: int, stack: Stack, fake: FakeLineApi) -> dict[str, list[float]]:
    results: dict[str, list[float]] = {"ack": [], "answer": [], "lost": [], "duplicated": [], "refused": []}
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        for warm_up in range(3):  # first requests load code paths and connections
            body, headers = fake.webhook(fake.text_event(f"W{warm_up:032x}", "สวัสดีครับ"))
            await client.post(f"{stack.hub_url}/channels/line/webhook", content=body, headers=headers)
        fake.wait_for_deliveries(f"W{2:032x}", 1)
        started = time.monotonic()
        await asyncio.gather(*(citizen(number, rounds, stack, fake, client, results) for number in range(users)))
    last_answer = max(
        delivery.received_at for number in range(users) for delivery in fake.deliveries(f"U{number:032x}")
    )
    results["elapsed"] = [last_answer - started]
    return results


def handler_cpu(fake: FakeLineApi, requests: int) -> list[float]:
    """What the webhook itself costs per request, in-process: signature check and parsing the events."""
    bodies = [fake.webhook(fake.text_event(f"U{n:032x}", CONVERSATION[n % len(CONVERSATION)])) for n in range(requests)]
    timings = []
    for body, headers in bodies:
        started = time.perf_counter()
        assert signature_is_valid(fake.channel_secret, body, headers["X-Line-Signature"])
        parse_events(body)
        timings.append(time.perf_counter() - started)
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=2, help="conversations of 6 turns per user")
    parser.add_argument(
        "--database-url", help="the hub's database (its schema is dropped and migrated!); default: a new SQLite file"
    )
    arguments = parser.parse_args()
    fake = FakeLineApi()
    workdir = Path(tempfile.mkdtemp(prefix="bench-line-"))
    stack = Stack(arguments.database_url or f"sqlite:///{workdir}/hub.db", workdir, fakes={"line": fake})
    try:
        stack.start_bot()
        stack.wait_for_bot()
        stack.start_hub()
        results = asyncio.run(run(arguments.users, arguments.rounds, stack, fake))
    finally:
        stack.stop()
    print(f"logs of the hub, Rasa and the action server: {workdir}", file=sys.stderr)
    ack, answer, handler = results["ack"], results["answer"], handler_cpu(fake, len(results["ack"]))
    summary = {
        "requests": len(ack),
        "users": arguments.users,
        "ack_p50_ms": percentile_ms(ack, 50),
        "ack_p95_ms": percentile_ms(ack, 95),
        "ack_p99_ms": percentile_ms(ack, 99),
        "ack_max_ms": max(ack) * 1000,
        "handler_cpu_p50_ms": percentile_ms(handler, 50),
        "handler_cpu_p95_ms": percentile_ms(handler, 95),
        "answer_p50_ms": percentile_ms(answer, 50),
        "answer_p95_ms": percentile_ms(answer, 95),
        "answer_p99_ms": percentile_ms(answer, 99),
        "answer_mean_ms": statistics.mean(answer) * 1000,
        "messages_per_second": len(answer) / results["elapsed"][0],
        "lost": len(results["lost"]),
        "duplicated": len(results["duplicated"]),
        "refused": len(results["refused"]),
        # The machine is shared: other work competes for the same cores.
        "load_average_1min_at_end": os.getloadavg()[0],
    }
    print(json.dumps(summary, indent=2))
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False)
    print(
        f"| {time.strftime('%Y-%m-%d')} | {commit.stdout.strip()} | {summary['users']} users, {summary['requests']} requests "
        f"| {summary['ack_p50_ms']:.1f} ms | {summary['ack_p95_ms']:.1f} ms | {summary['ack_p99_ms']:.1f} ms "
        f"| {summary['answer_p50_ms']:.0f} ms | {summary['answer_p95_ms']:.0f} ms | {summary['answer_p99_ms']:.0f} ms "
        f"| {summary['messages_per_second']:.1f} | {summary['lost']} / {summary['duplicated']} |"
    )
    return 0 if summary["lost"] == summary["duplicated"] == summary["refused"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
