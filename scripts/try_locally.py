"""Try the bot's Slack and Teams sides on this machine, without a workspace or a tenant.

Slack — the bot in HTTP mode, its Web API pointed at a small fake that this script runs:

    # terminal 1
    SLACK_BOT_TOKEN=xoxb-local-try SLACK_SIGNING_SECRET=local-try-secret \\
      SLACK_API_URL=http://127.0.0.1:3001/api/ .venv/bin/python app.py
    # terminal 2: signs an app_mention as Slack does, sends it, prints the answer the bot posts
    .venv/bin/python scripts/try_locally.py slack "室蘭の締結式はいつ?"

Teams — the bot in anonymous mode (TEAMS_ANONYMOUS=true, local testing only); this script plays
the Bot Connector that receives the replies, and curl sends the message (docs/teams.md):

    .venv/bin/python scripts/try_locally.py connector     # prints every reply the bot sends

Nothing here talks to Slack or Microsoft: everything stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import sys
import time
from typing import Any

import aiohttp
from aiohttp import web

SIGNING_SECRET = "local-try-secret"
BOT_URL = "http://127.0.0.1:3000"
FAKE_API_PORT = 3001
CONNECTOR_PORT = 3002
TEAM, CHANNEL, USER, BOT_USER = "T0LOCAL", "C0LOCAL", "U0LOCAL", "U0BOT"


def sign(body: str, secret: str, timestamp: int) -> dict[str, str]:
    """The headers Slack signs a request with (v0: HMAC-SHA256 of "v0:timestamp:body")."""
    base = f"v0:{timestamp}:{body}".encode()
    signature = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": signature,
            "Content-Type": "application/json"}


def to_mention(question: str) -> dict[str, Any]:
    now = time.time()
    return {
        "type": "event_callback", "team_id": TEAM, "api_app_id": "A0LOCAL", "event_id": f"Ev{int(now * 1000)}",
        "event_time": int(now), "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
        "event": {"type": "app_mention", "user": USER, "text": f"<@{BOT_USER}> {question}", "channel": CHANNEL,
                  "ts": f"{now:.6f}", "event_ts": f"{now:.6f}"},
    }


def to_text(body: dict[str, Any]) -> str:
    """A posted message as text: its blocks' texts (what a person reads), else its fallback text."""
    texts: list[str] = []

    def collect(value: Any) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("text"), str) and value.get("type") in ("mrkdwn", "plain_text"):
                texts.append(value["text"])
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    blocks = body.get("blocks")
    collect(json.loads(blocks) if isinstance(blocks, str) else blocks)
    return "\n".join(texts) or str(body.get("text", ""))


async def read_body(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        loaded = await request.json()
        return loaded if isinstance(loaded, dict) else {}
    return dict(await request.post())


async def fake_web_api(posted: asyncio.Queue[dict[str, Any]], port: int) -> web.AppRunner:
    """The few Web API methods the bot calls to answer a mention: auth.test, users.info, chat.postMessage."""

    async def handle(request: web.Request) -> web.Response:
        method, body = request.match_info["method"], await read_body(request)
        if method == "auth.test":
            return web.json_response({"ok": True, "team_id": TEAM, "user_id": BOT_USER, "bot_id": "B0LOCAL"})
        if method == "chat.postMessage":
            await posted.put(body)
            ts = f"{time.time():.6f}"
            return web.json_response({"ok": True, "channel": body.get("channel"), "ts": ts, "message": {"ts": ts}})
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/api/{method}", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner


async def try_slack(question: str, bot_url: str, port: int, secret: str, wait: float) -> int:
    posted: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    runner = await fake_web_api(posted, port)
    try:
        body = json.dumps(to_mention(question), ensure_ascii=False)
        timeout = aiohttp.ClientTimeout(total=10)
        async with aiohttp.ClientSession(timeout=timeout) as http, \
                http.post(f"{bot_url}/slack/events", data=body.encode(), headers=sign(body, secret, int(time.time()))) \
                as response:
            print(f"/slack/events answered HTTP {response.status}", file=sys.stderr)
            if response.status != 200:
                return 1
        message = await asyncio.wait_for(posted.get(), wait)
    except (aiohttp.ClientError, OSError) as error:
        print(f"cannot reach the bot at {bot_url} ({type(error).__name__}): is it running (terminal 1)?",
              file=sys.stderr)
        return 1
    except TimeoutError:
        print(f"no answer posted within {wait:.0f} s: is SLACK_API_URL=http://127.0.0.1:{port}/api/ set for the bot?",
              file=sys.stderr)
        return 1
    finally:
        await runner.cleanup()
    print(to_text(message))
    return 0


async def run_connector(port: int, once: bool) -> int:
    """A Bot Connector that prints each reply the bot sends (the serviceUrl of the curl example)."""
    done = asyncio.Event()

    async def handle(request: web.Request) -> web.Response:
        activity = await request.json()
        attachments = activity.get("attachments") or []
        texts = [to_card_text(a.get("content", {})) for a in attachments] or [str(activity.get("text", ""))]
        print("\n".join(texts), flush=True)
        if once:
            done.set()
        return web.json_response({"id": f"reply-{time.time_ns()}"})

    app = web.Application()
    app.router.add_route("*", "/v3/conversations/{conversation}/activities{rest:.*}", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    print(f"fake Bot Connector on http://127.0.0.1:{port}/ (Ctrl-C to stop)", file=sys.stderr, flush=True)
    try:
        await done.wait() if once else asyncio.Event().wait()
    finally:
        await runner.cleanup()
    return 0


def to_card_text(card: dict[str, Any]) -> str:
    texts: list[str] = []

    def collect(value: Any) -> None:
        if isinstance(value, dict):
            if value.get("type") == "TextBlock" and isinstance(value.get("text"), str):
                texts.append(value["text"])
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    collect(card)
    return "\n".join(texts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    slack = sub.add_parser("slack", help="send a signed mention to the local bot and print its answer")
    slack.add_argument("question")
    slack.add_argument("--bot", default=BOT_URL, help=f"the bot's address (default {BOT_URL})")
    slack.add_argument("--api-port", type=int, default=FAKE_API_PORT, help="the fake Web API's port")
    slack.add_argument("--secret", default=SIGNING_SECRET, help="the bot's SLACK_SIGNING_SECRET")
    slack.add_argument("--wait", type=float, default=20.0, help="seconds to wait for the answer")
    connector = sub.add_parser("connector", help="a fake Bot Connector printing the Teams replies")
    connector.add_argument("--port", type=int, default=CONNECTOR_PORT)
    connector.add_argument("--once", action="store_true", help="exit after the first reply")
    args = parser.parse_args()
    try:
        if args.command == "slack":
            return asyncio.run(try_slack(args.question, args.bot, args.api_port, args.secret, args.wait))
        return asyncio.run(run_connector(args.port, args.once))
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
