"""Running the real Slack app for tests: settings, signed requests and Slack payloads.

    async with FakeSlack() as slack, running_app(make_settings(slack), make_dispatcher()) as app:
        status, _ = await app.post_event(event_callback(mention("<@UBOT> 帯広の連携事項は?")))
        await app.settle()                     # every answer in flight has been sent
        [post] = slack.calls_to("chat.postMessage")

`running_app` serves the Slack platform on the real server (handlers.server) at 127.0.0.1 (random
port) with a real aiohttp runner; requests go over real HTTP, signed with the test signing secret.
"""

from __future__ import annotations

import functools
import json
import time
import urllib.parse
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, fields, replace
from datetime import datetime
from itertools import count
from typing import Any

import aiohttp
from aiohttp import web
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from slack_sdk.signature import SignatureVerifier

from bot.answering.dispatch import Dispatcher
from bot.answering.engine import Engine
from bot.commands.registry import Commands, Services
from bot.knowledge.model import JST, load_knowledge
from bot.ops.feedback import FeedbackRecorder
from bot.ops.settings import Settings
from handlers.runtime import to_health
from handlers.server import Plugin, Server, build_server
from handlers.slack.dedup import EventDeduplicator
from handlers.slack.platform import SlackPlatform
from handlers.slack.settings import SlackSettings
from tests.fakes.fake_slack import Call, FakeSlack

SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
BOT_TOKEN = "xoxb-0000-1111-test-bot-token"
APP_TOKEN = "xapp-1-A0TEST-2222-test-app-token"
TEAM_ID = "T0TEST"
ASKER = "U0ASKER"
CHANNEL = "C0CHAN"
DM_CHANNEL = "D0DIRECT"
# Between the Asahikawa ceremony (held) and the Muroran and Obihiro ones (upcoming).
FIXED_NOW = datetime(2020, 1, 25, 10, 0, tzinfo=JST)
DATA_PATH = "data/partnerships.yaml"

_ids = count(1)


@functools.cache
def shared_engine() -> Engine:
    # The engine holds no per-conversation state, so tests share one (building it takes a while).
    return Engine(load_knowledge(DATA_PATH))


def make_dispatcher(now: datetime = FIXED_NOW) -> Dispatcher:
    return Dispatcher(shared_engine(), clock=lambda: now)


def make_settings(slack: FakeSlack, *, socket_mode: bool = False, **overrides: Any) -> Settings:
    section = SlackSettings(bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET,
                            app_token=APP_TOKEN if socket_mode else "", api_url=slack.api_url)
    return with_overrides(Settings(host="127.0.0.1", port=0, sections=(section,)), **overrides)


_SLACK_FIELDS = frozenset(item.name for item in fields(SlackSettings))


def with_overrides(settings: Settings, **overrides: Any) -> Settings:
    """`settings` with some fields changed: the core's by their names, Slack's by the names of their
    variables (slack_timeout_seconds, admin_user_ids, reminder_channels, …)."""
    core = {name: value for name, value in overrides.items() if name.removeprefix("slack_") not in _SLACK_FIELDS}
    slack = {name.removeprefix("slack_"): value for name, value in overrides.items() if name not in core}
    return replace(settings, **core).replace_in(SlackSettings, **slack)


def next_id(prefix: str) -> str:
    return f"{prefix}{next(_ids):06d}"


# --- payloads as Slack sends them ----------------------------------------------------------------


def event_callback(event: Mapping[str, Any], *, event_id: str | None = None, team_id: str = TEAM_ID) -> dict[str, Any]:
    return {
        "token": "legacy-verification-token",
        "team_id": team_id,
        "api_app_id": "A0TEST",
        "event": dict(event),
        "type": "event_callback",
        "event_id": event_id or next_id("Ev"),
        "event_time": int(time.time()),
        "authorizations": [{"team_id": team_id, "user_id": "UBOT", "is_bot": True}],
    }


def mention(text: str, *, channel: str = CHANNEL, user: str = ASKER, ts: str | None = None,
            thread_ts: str | None = None) -> dict[str, Any]:
    event = {"type": "app_mention", "user": user, "text": text, "ts": ts or f"1700000000.{next(_ids):06d}",
             "channel": channel, "event_ts": ts or "1700000000.000000"}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def direct_message(text: str, *, channel: str = DM_CHANNEL, user: str = ASKER, ts: str | None = None,
                   thread_ts: str | None = None, **extra: Any) -> dict[str, Any]:
    event = {"type": "message", "channel_type": "im", "user": user, "text": text,
             "ts": ts or f"1700000001.{next(_ids):06d}", "channel": channel, "event_ts": "1700000001.000000", **extra}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def home_opened(user: str = ASKER, tab: str = "home") -> dict[str, Any]:
    return {"type": "app_home_opened", "user": user, "channel": DM_CHANNEL, "tab": tab,
            "event_ts": "1700000002.000000"}


def slash_command(text: str, *, response_url: str, user: str = ASKER, channel: str = CHANNEL,
                  command: str = "/renkei") -> dict[str, str]:
    return {
        "token": "legacy-verification-token", "team_id": TEAM_ID, "team_domain": "fake", "channel_id": channel,
        "channel_name": "general", "user_id": user, "user_name": "asker", "command": command, "text": text,
        "api_app_id": "A0TEST", "is_enterprise_install": "false", "response_url": response_url,
        "trigger_id": next_id("trigger."),
    }


def block_action(action_id: str, value: str, *, response_url: str, channel: str = CHANNEL,
                 message_ts: str = "1700000000.000500", ephemeral: bool = False,
                 user: str = ASKER, thread_ts: str | None = None,
                 message: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A block_actions payload; `thread_ts` when the message is in a thread, `message` (text and
    blocks, as Slack includes them for a non-ephemeral message) when the test needs it."""
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": "asker", "team_id": TEAM_ID},
        "api_app_id": "A0TEST",
        "token": "legacy-verification-token",
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel,
                      "is_ephemeral": ephemeral},
        "trigger_id": next_id("trigger."),
        "team": {"id": TEAM_ID, "domain": "fake"},
        "channel": {"id": channel, "name": "general"},
        "response_url": response_url,
        "actions": [{"action_id": action_id, "block_id": "renkei", "value": value, "type": "button",
                     "action_ts": "1700000003.000000", "text": {"type": "plain_text", "text": "button"}}],
    }
    if thread_ts is not None:
        payload["container"]["thread_ts"] = thread_ts
    if message is not None:
        payload["message"] = {"type": "message", "ts": message_ts, **message}
    return payload


# --- signing -------------------------------------------------------------------------------------


def sign(body: str, *, timestamp: int | None = None, secret: str = SIGNING_SECRET) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body) or ""
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}


def to_form(fields: Mapping[str, str]) -> str:
    return urllib.parse.urlencode(fields)


# --- the running app -----------------------------------------------------------------------------


@dataclass
class RunningApp:
    base_url: str
    server: Server
    slack: SlackPlatform
    http: aiohttp.ClientSession

    async def settle(self) -> None:
        """Wait until every answer spawned so far has been sent."""
        await self.slack.bot.drain()

    async def post(self, body: str, content_type: str, headers: Mapping[str, str] | None = None,
                   path: str = "/slack/events") -> tuple[int, str]:
        all_headers = {"Content-Type": content_type, **(headers or {})}
        async with self.http.post(self.base_url + path, data=body.encode(), headers=all_headers) as response:
            return response.status, await response.text()

    async def post_signed(self, body: str, content_type: str, **sign_options: Any) -> tuple[int, str]:
        extra = sign_options.pop("headers", {})
        return await self.post(body, content_type, {**sign(body, **sign_options), **extra})

    async def post_event(self, payload: Mapping[str, Any], *, retry_num: int | None = None) -> tuple[int, str]:
        headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"} if retry_num else {}
        return await self.post_signed(json.dumps(payload, ensure_ascii=False), "application/json", headers=headers)

    async def post_command(self, fields: Mapping[str, str]) -> tuple[int, str]:
        return await self.post_signed(to_form(fields), "application/x-www-form-urlencoded")

    async def post_action(self, payload: Mapping[str, Any]) -> tuple[int, str]:
        body = to_form({"payload": json.dumps(payload, ensure_ascii=False)})
        return await self.post_signed(body, "application/x-www-form-urlencoded")

    async def get(self, path: str) -> tuple[int, Any]:
        async with self.http.get(self.base_url + path) as response:
            return response.status, await response.json()


@asynccontextmanager
async def running_app(settings: Settings, dispatcher: Dispatcher, *, commands: Commands | None = None,
                      feedback: FeedbackRecorder | None = None, deduplicator: EventDeduplicator | None = None,
                      plugins: tuple[Plugin, ...] = ()) -> AsyncIterator[RunningApp]:
    """The Slack platform (and `plugins`) on the real server, at 127.0.0.1 on a free port."""
    slack = SlackPlatform(settings, dispatcher, commands=commands or Commands(Services(knowledge=lambda: dispatcher.kb)),
                          feedback=feedback, deduplicator=deduplicator)
    server = build_server([slack, *plugins], grace_seconds=settings.shutdown_grace_seconds,
                          health=lambda: to_health(settings, dispatcher))
    async with running_server(server, slack) as app:
        yield app


@asynccontextmanager
async def running_server(server: Server, slack: SlackPlatform) -> AsyncIterator[RunningApp]:
    """`server` (with `slack` among its plugins) served on 127.0.0.1 at a free port."""
    async with serving(server) as base_url, aiohttp.ClientSession() as http:
        yield RunningApp(base_url, server, slack, http)


@asynccontextmanager
async def serving(server: Server) -> AsyncIterator[str]:
    """`server` on 127.0.0.1 at a free port; its base URL."""
    runner = web.AppRunner(server.app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


# --- checking what was sent ----------------------------------------------------------------------


def to_block_lists(call: Call) -> Iterator[list[dict[str, Any]]]:
    """Every Block Kit list in a recorded call (message blocks, a view's blocks)."""
    blocks = call.body.get("blocks")
    if isinstance(blocks, list):
        yield blocks
    view = call.body.get("view")
    if isinstance(view, dict) and isinstance(view.get("blocks"), list):
        yield view["blocks"]


def assert_round_trips(blocks: list[dict[str, Any]]) -> None:
    """The blocks parse with slack_sdk's models, validate, and serialise back unchanged."""
    parsed = Block.parse_all(blocks)
    for block in parsed:
        assert block is not None
        block.validate_json()
    assert [block.to_dict() for block in parsed if block is not None] == blocks


def assert_every_payload_round_trips(slack: FakeSlack) -> int:
    """Check every Block Kit payload the fake received; returns how many were checked."""
    checked = 0
    for call in slack.calls:
        for blocks in to_block_lists(call):
            assert_round_trips(blocks)
            checked += 1
        view = call.body.get("view")
        if isinstance(view, dict):
            View(**view).validate_json()
    return checked


def to_texts(value: Any) -> Iterator[str]:
    """Every string under a "text" key in a payload (what Slack would render)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "text" and isinstance(item, str):
                yield item
            else:
                yield from to_texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from to_texts(item)
