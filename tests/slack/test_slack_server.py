"""The server end to end with the Slack platform and other plug-ins, and the Slack adapter's small parts."""

from __future__ import annotations

import asyncio
import json
import logging
import logging.handlers
import socket
from datetime import datetime
from pathlib import Path

import aiohttp
import pytest
import yaml
from aiohttp import web
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.commands.registry import Commands, Services
from bot.knowledge.model import JST
from bot.ops.feedback import InMemoryFeedbackRecorder
from bot.ops.logs import install_secret_filter, remove_secret_filter, to_secrets
from bot.ops.settings import Settings, SettingsError
from bot.store.records import Vote
from handlers.runtime import to_health
from handlers.server import Plugin, Server, build_server, run_server, serve
from handlers.settings import read_settings
from handlers.slack.dedup import InMemoryEventDeduplicator
from handlers.slack.incoming import to_question
from handlers.slack.platform import SlackPlatform
from handlers.slack.settings import SlackSettings
from handlers.slack.wiring import build_web_client
from tests.fakes.fake_slack import FakeSlack
from tests.fakes.slack_app import (
    BOT_TOKEN,
    SIGNING_SECRET,
    event_callback,
    make_dispatcher,
    make_settings,
    mention,
    sign,
)

pytestmark = pytest.mark.adapter


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def wait_until_healthy(base_url: str, http: aiohttp.ClientSession) -> dict[str, object]:
    for _ in range(500):
        try:
            async with http.get(f"{base_url}/healthz") as response:
                if response.status == 200:
                    return dict(await response.json())
        except aiohttp.ClientConnectionError:
            pass
        await asyncio.sleep(0.01)
    raise AssertionError("the server never became healthy")


# --- serve() -------------------------------------------------------------------------------------


def slack_server(settings: Settings, *plugins: Plugin) -> Server:
    """The server with Slack (when configured) and `plugins`; build it on the loop that serves it."""
    dispatcher = make_dispatcher()
    commands = Commands(Services(knowledge=lambda: dispatcher.kb))
    slack = [SlackPlatform(settings, dispatcher, commands=commands)] if settings.section(SlackSettings).enabled else []
    return build_server([*slack, *plugins], health=lambda: to_health(settings, dispatcher))


def serving(settings: Settings, stop: asyncio.Event, *plugins: Plugin) -> asyncio.Task[None]:
    return asyncio.create_task(serve(slack_server(settings, *plugins), settings.host, settings.port, stop=stop))


async def test_serve_answers_signed_events_and_stops_cleanly(slack: FakeSlack) -> None:
    settings = make_settings(slack, port=free_port())
    stop = asyncio.Event()
    server = serving(settings, stop)
    base_url = f"http://127.0.0.1:{settings.port}"
    async with aiohttp.ClientSession() as http:
        health = await wait_until_healthy(base_url, http)
        body = json.dumps(event_callback(mention("<@UBOT> 帯広の連携事項は?")))
        async with http.post(f"{base_url}/slack/events", data=body,
                             headers={"Content-Type": "application/json", **sign(body)}) as response:
            status = response.status
        [post] = await slack.wait_for("chat.postMessage")
        stop.set()
        await server
        with pytest.raises(aiohttp.ClientConnectionError):
            await http.get(f"{base_url}/healthz")

    assert health["slack"] == "http"
    assert status == 200
    assert post.body["channel"] == "C0CHAN"


async def test_plugins_add_routes_health_readiness_and_a_lifecycle(slack: FakeSlack) -> None:
    settings = make_settings(slack, port=free_port())
    lifecycle: list[str] = []

    class Messages(Plugin):
        def routes(self) -> list[web.RouteDef]:
            return [web.post("/api/messages", self.handle)]

        async def handle(self, request: web.Request) -> web.Response:
            return web.json_response({"handled": True})

        async def start(self) -> None:
            lifecycle.append("started")

        async def stop_receiving(self) -> None:
            lifecycle.append("stop receiving")

        async def finish(self, seconds: float) -> None:
            lifecycle.append(f"finished within {seconds:.0f} s")

        async def health(self) -> dict[str, object]:
            return {"messages": "up"}

    stop = asyncio.Event()
    server = serving(settings, stop, Messages())
    async with aiohttp.ClientSession() as http:
        base_url = f"http://127.0.0.1:{settings.port}"
        health = await wait_until_healthy(base_url, http)
        async with http.post(f"{base_url}/api/messages") as response:
            handled = await response.json()
        stop.set()
        await server

    assert handled == {"handled": True}
    assert health["messages"] == "up" and health["slack"] == "http"
    assert lifecycle == ["started", "stop receiving", "finished within 10 s"]


async def test_socket_mode_survives_a_refused_connection_and_closes_on_stop(slack: FakeSlack) -> None:
    slack.fail("apps.connections.open", 200, error="invalid_auth", times=None)
    settings = make_settings(slack, socket_mode=True, port=free_port())
    stop = asyncio.Event()
    server = serving(settings, stop)
    async with aiohttp.ClientSession() as http:
        health = await wait_until_healthy(f"http://127.0.0.1:{settings.port}", http)
        await slack.wait_for("apps.connections.open")
        stop.set()
        await server

    assert health["slack"] == "socket"
    assert health["slack_socket_connected"] is False


async def test_socket_mode_connection_is_closed_on_stop(slack: FakeSlack) -> None:
    settings = make_settings(slack, socket_mode=True, port=free_port())
    stop = asyncio.Event()
    server = serving(settings, stop)
    await slack.wait_for_socket()
    assert slack.socket_count == 1
    stop.set()
    await server
    await slack.wait_for_no_socket()

    assert slack.socket_count == 0


async def test_without_slack_only_health_is_served() -> None:
    settings = Settings(host="127.0.0.1", port=free_port())
    stop = asyncio.Event()
    server = serving(settings, stop)
    async with aiohttp.ClientSession() as http:
        base_url = f"http://127.0.0.1:{settings.port}"
        health = await wait_until_healthy(base_url, http)
        async with http.post(f"{base_url}/slack/events", data="{}") as response:
            events_status = response.status
        stop.set()
        await server

    assert health == {"status": "ok", "partners": 4, "events": 4, "slack": "off"}
    assert events_status in (404, 405)


def test_run_server_reports_a_port_in_use() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        settings = Settings(host="127.0.0.1", port=taken.getsockname()[1])

        async def build() -> Server:
            return slack_server(settings)

        assert run_server(build, settings.host, settings.port) == 1


# --- secrets in logs -----------------------------------------------------------------------------


def test_secret_filter_covers_every_hidden_setting_and_existing_handlers(slack: FakeSlack) -> None:
    settings = make_settings(slack, database_url="postgresql://renkei:db-password-123@db/renkei")
    handler = logging.handlers.BufferingHandler(10)
    logging.getLogger().addHandler(handler)
    try:
        secret_filter = install_secret_filter(settings)
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "using %s, %s and %s",
                                   (BOT_TOKEN, SIGNING_SECRET, settings.database_url), None)
        handler.handle(record)
        remove_secret_filter(secret_filter)
    finally:
        logging.getLogger().removeHandler(handler)

    assert [r.getMessage() for r in handler.buffer] == ["using [redacted], [redacted] and [redacted]"]
    assert set(to_secrets(settings)) == {BOT_TOKEN, SIGNING_SECRET, settings.database_url}


# --- small parts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "question"), [
    ("<@UBOT> 帯広の連携事項は?", "帯広の連携事項は?"),
    ("帯広の <@UBOT> 連携事項", "帯広の 連携事項"),
    ("<@UBOT> <!channel> <!here|here> <!subteam^S1|@team> 質問", "@channel @here @@team 質問"),
    ("<@U1|sato> と <@U2> の <#C1|general> <https://example.com|資料> <https://x.test>",
     "@sato と @U2 の #general 資料 https://x.test"),
    ("&lt;!channel&gt; &amp; A", "<!channel> & A"),
    ("  帯広\u3000の\n連携  ", "帯広 の 連携"),
])
def test_to_question_makes_slack_markup_readable(text: str, question: str) -> None:
    assert to_question(text, "UBOT") == question


async def test_deduplicator_claims_once_and_forgets_after_ttl() -> None:
    now = [0.0]
    dedup = InMemoryEventDeduplicator(ttl_seconds=60, max_events=2, clock=lambda: now[0])

    assert await dedup.claim("Ev1") and not await dedup.claim("Ev1")
    now[0] = 61
    assert await dedup.claim("Ev1"), "Slack stops retrying long before the TTL"
    assert await dedup.claim("Ev2") and await dedup.claim("Ev3")
    assert await dedup.claim("Ev1"), "the oldest claim is dropped once max_events are held"
    assert not await dedup.claim("Ev3")


async def test_feedback_recorder_keeps_the_latest_votes() -> None:
    recorder = InMemoryFeedbackRecorder(max_votes=2)
    now = datetime(2020, 1, 25, tzinfo=JST)
    for index in range(3):
        await recorder.record(Vote("slack", "c", "U1", f"q{index}", helpful=index != 1, voted_at=now))

    assert [vote.question for vote in recorder.votes] == ["q1", "q2"]
    assert (recorder.count(helpful=True), recorder.count(helpful=False)) == (1, 1)


def test_web_client_uses_the_configured_api_url(slack: FakeSlack) -> None:
    client = build_web_client(make_settings(slack))

    assert client.base_url == slack.api_url
    assert client.token == BOT_TOKEN


@pytest.mark.parametrize(("value", "ok"), [("/renkei", True), ("/renkei-dev", True), ("renkei", False),
                                           ("/Renkei", False), ("/ren kei", False)])
def test_slack_command_setting_is_validated(value: str, ok: bool) -> None:
    env = {"SLACK_COMMAND": value}
    if ok:
        assert read_settings(env).section(SlackSettings).command == value
    else:
        with pytest.raises(SettingsError, match="SLACK_COMMAND"):
            read_settings(env)


def test_settings_never_show_secrets() -> None:
    settings = Settings().with_section(SlackSettings(bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET))
    assert BOT_TOKEN not in repr(settings) and SIGNING_SECRET not in repr(settings)


# --- the manifest --------------------------------------------------------------------------------


def test_manifest_declares_what_the_app_listens_to() -> None:
    manifest = yaml.safe_load(Path("deploy/slack/manifest.yaml").read_text(encoding="utf-8"))
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    settings = manifest["settings"]

    assert {"app_mentions:read", "chat:write", "commands", "im:history", "channels:history", "groups:history",
            "files:write"} <= scopes
    assert set(settings["event_subscriptions"]["bot_events"]) == {"app_mention", "message.im", "app_home_opened"}
    assert [command["command"] for command in manifest["features"]["slash_commands"]] == ["/renkei"]
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is True


# --- the fake itself -----------------------------------------------------------------------------


async def test_fake_slack_checks_tokens_and_decodes_form_bodies() -> None:
    async with FakeSlack(tokens={"xoxb-good"}) as fake:
        good = AsyncWebClient(token="xoxb-good", base_url=fake.api_url)
        bad = AsyncWebClient(token="xoxb-bad", base_url=fake.api_url)
        await good.api_call("chat.postMessage", data={"channel": "C1", "blocks": '[{"type": "divider"}]'})
        with pytest.raises(SlackApiError) as refused:
            await bad.chat_postMessage(channel="C1", text="hi")
        fake.fail("chat.postMessage", 200, error="channel_not_found")
        with pytest.raises(SlackApiError) as missing:
            await good.chat_postMessage(channel="C404", text="hi")

    first, second, third = fake.calls_to("chat.postMessage")
    assert first.body == {"channel": "C1", "blocks": [{"type": "divider"}]}
    assert first.content_type == "application/x-www-form-urlencoded"
    assert (second.token, refused.value.response["error"]) == ("xoxb-bad", "invalid_auth")
    assert (third.body["channel"], missing.value.response["error"]) == ("C404", "channel_not_found")
