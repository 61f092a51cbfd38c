"""Benchmarks the production bot: training time and parse latency, in one run.

Trains exactly as `make train` does (`rasa train --fixed-model-name saphan`, NLU
and core on the full data) but into a temporary folder with an empty Rasa cache,
so the time is that of a cold training; then loads that model in-process and
parses every training utterance once (after a short warm-up), as the Rasa server
does. Prints a Markdown row for docs/benchmarks.md and writes reports/bench_bot.json.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from rasa.core.agent import Agent  # noqa: E402
from rasa.shared.nlu.training_data.loading import load_data  # noqa: E402
from rasa.utils.log_utils import configure_structlog  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eval_nlu import REPO_ROOT, environment, percentile_ms, timed_parses  # noqa: E402

WARM_UP_MESSAGES = 5


def main() -> None:
    """Trains, parses, reports."""
    configure_structlog(logging.WARNING)  # Rasa logs every parse at debug level
    texts = [m.get("text") for m in load_data(str(REPO_ROOT / "data" / "nlu")).intent_examples]
    with tempfile.TemporaryDirectory(prefix="bench-bot-") as workdir:
        env = {**os.environ, "RASA_CACHE_DIRECTORY": str(Path(workdir) / "cache"), "PYTHONPATH": str(REPO_ROOT)}
        start = time.perf_counter()
        subprocess.run(
            [str(Path(sys.executable).parent / "rasa"), "train", "--fixed-model-name", "saphan", "--out", workdir],
            cwd=REPO_ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
        )
        train_seconds = time.perf_counter() - start
        agent = Agent.load(str(Path(workdir) / "saphan.tar.gz"))
        # The first parses fill lazy caches; a server has done that long before.
        asyncio.run(timed_parses(agent, texts[:WARM_UP_MESSAGES]))
        _, seconds = asyncio.run(timed_parses(agent, texts))
    env_info = environment()
    result = {
        **env_info,
        "train_seconds": round(train_seconds, 1),
        "parsed_messages": len(seconds),
        "parse_ms_p50": round(percentile_ms(seconds, 50), 2),
        "parse_ms_p95": round(percentile_ms(seconds, 95), 2),
    }
    out = REPO_ROOT / "reports"
    out.mkdir(exist_ok=True)
    (out / "bench_bot.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print("| date | commit | machine | `make train` (cold) | parse p50 | parse p95 | messages |")
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {env_info['date'][:10]} | {env_info['commit']} | {env_info['cpus']} cores, Python {env_info['python']} | "
        f"{result['train_seconds']} s | {result['parse_ms_p50']} ms | {result['parse_ms_p95']} ms | {len(seconds)} |"
    )


if __name__ == "__main__":
    main()
