"""Benchmark: Slack HTTP mode under load (not a test).

Starts the fake Slack Web API (tests/fakes/fake_slack.py) in this process and the real app
(`handlers.web.run_server`, HTTP mode) in a child process, exactly as `python app.py` runs it.
Then sends N signed `app_mention` events to http://127.0.0.1:PORT/slack/events from
`--concurrency` workers and reports:

- ack latency (request sent → HTTP 200 received) p50 / p90 / p99 / max, and
- answers/s (first event sent → N-th `chat.postMessage` received by the fake).

    .venv/bin/python bench/slack_http.py --events 2000 --concurrency 50

Target: ack p99 ≤ 50 ms on the development machine (Slack allows 3 s).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import socket
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from slack_sdk.signature import SignatureVerifier  # noqa: E402

from bot.dispatch import Dispatcher  # noqa: E402
from bot.engine import Engine  # noqa: E402
from bot.knowledge import load_knowledge  # noqa: E402
from bot.settings import Settings  # noqa: E402
from handlers.web import run_server  # noqa: E402
from tests.fakes.fake_slack import FakeSlack  # noqa: E402

SIGNING_SECRET = "bench-signing-secret-0123456789abcdef"
BOT_TOKEN = "xoxb-0000-1111-bench-token"
QUESTIONS = ("帯広の連携事項は?", "旭川の締結式はいつ?", "室蘭のプロジェクトは?", "各市のテーマ", "問い合わせ先は?")


@dataclass(frozen=True)
class Result:
    latencies_ms: list[float]
    failures: int
    answers_per_second: float


def serve_app(settings: Settings) -> None:
    """The child process: the app exactly as `python app.py` runs it with Slack credentials."""
    dispatcher = Dispatcher(Engine(load_knowledge(settings.data_path)))
    sys.exit(run_server(settings, dispatcher))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def to_signed_event(index: int, verifier: SignatureVerifier) -> tuple[bytes, dict[str, str]]:
    payload = {
        "token": "legacy", "team_id": "T0BENCH", "api_app_id": "A0BENCH", "type": "event_callback",
        "event_id": f"EvBENCH{index:08d}", "event_time": int(time.time()),
        "event": {"type": "app_mention", "user": "U0ASKER", "channel": "C0BENCH", "ts": f"1700000000.{index:06d}",
                  "text": f"<@UBOT> {QUESTIONS[index % len(QUESTIONS)]}"},
    }
    body = json.dumps(payload, ensure_ascii=False)
    stamp = str(int(time.time()))
    signature = verifier.generate_signature(timestamp=stamp, body=body) or ""
    headers = {"Content-Type": "application/json", "X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}
    return body.encode(), headers


async def wait_until_healthy(http: aiohttp.ClientSession, base_url: str) -> None:
    for _ in range(1000):
        try:
            async with http.get(f"{base_url}/healthz") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientConnectionError:
            pass
        await asyncio.sleep(0.02)
    raise SystemExit("the app did not start")


async def send_all(http: aiohttp.ClientSession, url: str, requests: list[tuple[bytes, dict[str, str]]],
                   concurrency: int) -> tuple[list[float], int]:
    queue = iter(requests)
    latencies: list[float] = []
    failures = 0

    async def worker() -> None:
        nonlocal failures
        for body, headers in queue:
            started = time.perf_counter()
            async with http.post(url, data=body, headers=headers) as response:
                await response.read()
                if response.status != 200:
                    failures += 1
            latencies.append((time.perf_counter() - started) * 1000)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, failures


async def run(events: int, concurrency: int, warmup: int) -> Result:
    verifier = SignatureVerifier(SIGNING_SECRET)
    async with FakeSlack() as slack:
        settings = Settings(host="127.0.0.1", port=free_port(), log_level="WARNING", slack_bot_token=BOT_TOKEN,
                            slack_signing_secret=SIGNING_SECRET, slack_api_url=slack.api_url,
                            data_path=str(ROOT / "data" / "partnerships.yaml"))
        child = multiprocessing.get_context("spawn").Process(target=serve_app, args=(settings,), daemon=True)
        child.start()
        base_url = f"http://127.0.0.1:{settings.port}"
        connector = aiohttp.TCPConnector(limit=concurrency)
        try:
            async with aiohttp.ClientSession(connector=connector) as http:
                await wait_until_healthy(http, base_url)
                signed = [to_signed_event(index, verifier) for index in range(warmup + events)]
                await send_all(http, f"{base_url}/slack/events", signed[:warmup], concurrency)
                await slack.wait_for("chat.postMessage", warmup, timeout=60)
                started = time.perf_counter()
                latencies, failures = await send_all(http, f"{base_url}/slack/events", signed[warmup:], concurrency)
                await slack.wait_for("chat.postMessage", warmup + events, timeout=120)
                elapsed = time.perf_counter() - started
        finally:
            if child.pid is not None:
                os.kill(child.pid, 15)
            child.join(10)
    return Result(latencies, failures, events / elapsed)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=100)
    args = parser.parse_args()
    result = asyncio.run(run(args.events, args.concurrency, args.warmup))
    latencies = result.latencies_ms
    print(f"events {args.events}, concurrency {args.concurrency}, failures {result.failures}")
    print(f"ack latency ms: p50 {percentile(latencies, 0.5):.1f}  p90 {percentile(latencies, 0.9):.1f}  "
          f"p99 {percentile(latencies, 0.99):.1f}  max {max(latencies):.1f}  mean {statistics.fmean(latencies):.1f}")
    print(f"answers/s: {result.answers_per_second:.0f}")
    target_met = percentile(latencies, 0.99) <= 50 and result.failures == 0
    print("target ack p99 <= 50 ms:", "met" if target_met else "NOT met")
    return 0 if target_met else 1


if __name__ == "__main__":
    sys.exit(main())
