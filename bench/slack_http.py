"""Benchmark: Slack HTTP mode under load (not a test).

Starts the fake Slack Web API (tests/fakes/fake_slack.py) in this process and `python app.py` (Slack
HTTP mode, the whole runtime with a throw-away SQLite database; bench/app_process.py) in a child
process. Then sends N signed `app_mention` events to http://127.0.0.1:PORT/slack/events from
`--concurrency` workers and reports:

- ack latency (request sent → HTTP 200 received) p50 / p90 / p99 / max, and
- answers/s (first event sent → N-th `chat.postMessage` received by the fake).

    .venv/bin/python bench/slack_http.py --events 2000 --concurrency 50 [--database postgresql+5ms]

`measure(requests=N, concurrency=50)` is the same run for bench/compare.py --e2e.
Target: ack p99 ≤ 50 ms on the development machine (Slack allows 3 s).
"""

from __future__ import annotations

import asyncio
import gc
import json
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import AsyncExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from slack_sdk.signature import SignatureVerifier  # noqa: E402

from bench.app_process import running_bot  # noqa: E402
from bench.databases import DATABASES, database_settings  # noqa: E402
from bench.stats import Result, percentile, to_arguments  # noqa: E402
from tests.fakes.fake_slack import FakeSlack  # noqa: E402

SIGNING_SECRET = "bench-signing-secret-0123456789abcdef"
BOT_TOKEN = "xoxb-0000-1111-bench-token"
QUESTIONS = ("帯広の連携事項は?", "旭川の締結式はいつ?", "室蘭のプロジェクトは?", "各市のテーマ", "問い合わせ先は?")


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


async def send_all(http: aiohttp.ClientSession, url: str | Sequence[str], requests: list[tuple[bytes, dict[str, str]]],
                   concurrency: int, ok: tuple[int, ...] = (200,)) -> tuple[list[float], int]:
    """POST every (body, headers) from `concurrency` workers, to `url` or, given several, to each in
    turn: (latency of each in ms, failures). The collector is off meanwhile: its pauses in this
    process would count as the bot's latency."""
    with collector_paused():
        return await _send_all(http, [url] if isinstance(url, str) else list(url), requests, concurrency, ok)


@contextmanager
def collector_paused() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


async def _send_all(http: aiohttp.ClientSession, urls: list[str], requests: list[tuple[bytes, dict[str, str]]],
                    concurrency: int, ok: tuple[int, ...]) -> tuple[list[float], int]:
    queue = iter(enumerate(requests))
    latencies: list[float] = []
    failures = 0

    async def worker() -> None:
        nonlocal failures
        for index, (body, headers) in queue:
            started = time.perf_counter()
            async with http.post(urls[index % len(urls)], data=body, headers=headers) as response:
                await response.read()
                if response.status not in ok:
                    failures += 1
            latencies.append((time.perf_counter() - started) * 1000)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, failures


async def run(events: int, concurrency: int, warmup: int, database: str = "sqlite", instances: int = 1) -> Result:
    verifier = SignatureVerifier(SIGNING_SECRET)
    async with FakeSlack() as slack, database_settings(database, shared=instances > 1) as database_env, \
            AsyncExitStack() as bots:
        settings = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                    "SLACK_API_URL": slack.api_url, **database_env}
        urls = [f"{await bots.enter_async_context(running_bot(settings))}/slack/events" for _ in range(instances)]
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as http:
            signed = [to_signed_event(index, verifier) for index in range(warmup + events)]
            await send_all(http, urls, signed[:warmup], concurrency)
            await slack.wait_for("chat.postMessage", warmup, timeout=60)
            started = time.perf_counter()
            latencies, failures = await send_all(http, urls, signed[warmup:], concurrency)
            await slack.wait_for("chat.postMessage", warmup + events, timeout=300)
            elapsed = time.perf_counter() - started
            await asyncio.sleep(1)  # a second answer to any event would arrive meanwhile
            answered = [call.body.get("thread_ts") for call in slack.calls_to("chat.postMessage")]
    once = len(answered) == len(set(answered)) == warmup + events
    return Result(latencies, failures, events / elapsed, once)


async def measure(requests: int = 1000, concurrency: int = 50, warmup: int = 100) -> tuple[float, float, float]:
    """(ack p50 ms, ack p99 ms, answers/s) of `requests` mentions: bench/compare.py's --e2e."""
    return (await run(requests, concurrency, warmup)).summary()


def main() -> int:
    args = to_arguments(__doc__.splitlines()[0] if __doc__ else None, "--events", DATABASES)
    result = asyncio.run(run(args.count, args.concurrency, args.warmup, args.database, args.instances))
    print(result.describe("events", args))
    target_met = percentile(result.latencies_ms, 0.99) <= 50 and result.failures == 0 and result.answered_once
    print("target ack p99 <= 50 ms:", "met" if target_met else "NOT met")
    return 0 if target_met else 1


if __name__ == "__main__":
    sys.exit(main())
