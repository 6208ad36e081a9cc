"""Benchmark: Microsoft Teams under load (not a test).

Starts the fake Bot Connector (tests/fakes/fake_connector.py) in this process and `python app.py`
with TEAMS_ANONYMOUS=true (no client id: no token is checked or sent; the whole runtime with a
throw-away SQLite database; bench/app_process.py) in a child process. Then POSTs N personal-chat
message activities to http://127.0.0.1:PORT/api/messages from `--concurrency` workers, as Teams
would (500 users, each in their own chat), and reports:

- ack latency: request sent → HTTP response of /api/messages. The Agents SDK answers the request
  only once the turn is over, so this includes computing the answer, storing the conversation
  reference and posting the reply card to the connector;
- answers/s: first activity sent → N-th reply received by the fake connector.

    .venv/bin/python bench/teams_http.py --requests 2000 --concurrency 50

`measure(requests=N, concurrency=50)` is the same run for bench/compare.py --e2e. Teams waits
15 s for the response before it retries.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402

from bench.app_process import running_bot  # noqa: E402
from bench.databases import DATABASES, database_settings  # noqa: E402
from bench.slack_http import QUESTIONS, send_all  # noqa: E402
from bench.stats import Result, to_arguments  # noqa: E402
from tests.fakes.fake_connector import FakeConnector  # noqa: E402

USERS = 500
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
BOT = {"id": "28:renkei-bot-bench", "name": "Renkei Bot"}
_ids = itertools.count(1_700_000_000_001)


def to_activity(index: int, service_url: str) -> dict[str, Any]:
    """A message in user `index % USERS`'s personal chat with the bot, as Teams posts it."""
    user = index % USERS
    return {
        "type": "message", "id": str(next(_ids)), "timestamp": "2026-11-29T00:00:00.000Z",
        "serviceUrl": service_url, "channelId": "msteams",
        "from": {"id": f"29:bench-user-{user}", "name": f"利用者 {user}",
                 "aadObjectId": f"00000000-0000-4000-8000-{user:012d}"},
        "conversation": {"id": f"a:bench-chat-{user}", "conversationType": "personal", "tenantId": TENANT},
        "recipient": dict(BOT), "channelData": {"tenant": {"id": TENANT}}, "locale": "ja-JP",
        "text": QUESTIONS[index % len(QUESTIONS)], "textFormat": "plain",
    }


def to_request(activity: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    return json.dumps(activity, ensure_ascii=False).encode(), {"Content-Type": "application/json"}


async def run(requests: int, concurrency: int, warmup: int, database: str = "sqlite") -> Result:
    async with FakeConnector() as connector, database_settings(database) as database_env, \
            running_bot({"TEAMS_ANONYMOUS": "true", **database_env}) as base_url, \
            aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as http:
        url = f"{base_url}/api/messages"
        posts = [to_request(to_activity(index, connector.service_url)) for index in range(warmup + requests)]
        await send_all(http, url, posts[:warmup], concurrency, ok=(200, 202))
        await connector.wait_for(warmup, timeout=60)
        started = time.perf_counter()
        latencies, failures = await send_all(http, url, posts[warmup:], concurrency, ok=(200, 202))
        await connector.wait_for(warmup + requests - failures, timeout=300)
        elapsed = time.perf_counter() - started
        await asyncio.sleep(1)  # a second reply to any activity would arrive meanwhile
        replied = [call.body.get("replyToId") for call in connector.calls]
    once = len(replied) == len(set(replied)) == warmup + requests
    return Result(latencies, failures, (requests - failures) / elapsed, once)


async def measure(requests: int = 1000, concurrency: int = 50, warmup: int = 100) -> tuple[float, float, float]:
    """(ack p50 ms, ack p99 ms, answers/s) of `requests` activities: bench/compare.py's --e2e."""
    return (await run(requests, concurrency, warmup)).summary()


def main() -> int:
    args = to_arguments(__doc__.splitlines()[0] if __doc__ else None, "--requests", DATABASES)
    result = asyncio.run(run(args.count, args.concurrency, args.warmup, args.database))
    print(result.describe("activities", args))
    return 0 if result.failures == 0 and result.answered_once else 1


if __name__ == "__main__":
    sys.exit(main())
