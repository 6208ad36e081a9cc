"""Operating the bot, on a real process: `python app.py` in Slack HTTP mode against the fake Slack
Web API, signed requests over HTTP, a real SQLite file and a watched YAML file.

- /readyz and /metrics (questions by platform and kind, answer latency, reminder deliveries,
  knowledge reloads);
- unanswered questions recorded, grouped by `python app.py report`, with no user id stored
  (and, in process, with user ids and message text only when LOG_USER_IDS / LOG_MESSAGES say so);
- LOG_FORMAT=json: one JSON object a line, conversation ids, no message text, never a token;
- hot reload: a valid edit is live in the Slack answer within seconds and reschedules the
  reminders; an invalid one logs the `check` messages and the last good data keeps serving.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import sys
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.knowledge.model import JST, load_knowledge
from bot.ops.logs import JsonFormatter
from bot.ops.settings import Settings
from bot.store.store import Store
from handlers.runtime import Core, assemble, build_core, build_platforms
from handlers.slack.answer_blocks import FEEDBACK_DOWN_ACTION
from handlers.slack.listeners import THANKS
from handlers.slack.platform import SlackPlatform
from handlers.slack.settings import SlackSettings
from tests.conftest import DATA_PATH, ROOT
from tests.fakes.fake_slack import Call, FakeSlack
from tests.fakes.slack_app import (
    ASKER,
    CHANNEL,
    DM_CHANNEL,
    TEAM_ID,
    RunningApp,
    block_action,
    direct_message,
    event_callback,
    mention,
    running_server,
    sign,
    slash_command,
    to_form,
)
from tests.reminder_support import event_entry, offset_until, whole_minute_after, write_knowledge

pytestmark = pytest.mark.process

BOT_TOKEN = "xoxb-9999-operations-test-token"
SIGNING_SECRET = "operations-signing-secret-0123456789"
REMINDER_CHANNEL = "C0OPS"
LUNCH = "ランチどこ行く"
MURORAN_PLACE = "室蘭の締結式の場所は?"


# --- a bot process -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def bot_env(slack: FakeSlack, tmp_path: Path, data_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "TEAMS_", "REMINDER_", "DATABASE_", "LOG_", "CONNECTIONS__"))}
    env.update({
        "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": slack.api_url,
        "HOST": "127.0.0.1", "PORT": str(free_port()), "DATA_PATH": str(data_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'renkei.db'}", "LOG_FORMAT": "json", "LOG_LEVEL": "INFO",
        "SCHEDULER": "off", "WATCH_DATA": "true",
    })
    env.update(extra)
    return env


@dataclass
class BotProcess:
    """`python app.py` with `env`; its stderr collected line by line."""

    env: dict[str, str]
    http: aiohttp.ClientSession
    lines: list[str] = field(default_factory=list)
    process: asyncio.subprocess.Process | None = None
    _reader: asyncio.Task[None] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.env['PORT']}"

    @property
    def log(self) -> str:
        return "\n".join(self.lines)

    def records(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.lines if line.strip()]

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, str(ROOT / "app.py"), cwd=ROOT, env=self.env,
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
        self._reader = asyncio.create_task(self._read())
        await wait_until(self._is_healthy, timeout=30, what=lambda: f"a healthy bot; log:\n{self.log}")

    async def _is_healthy(self) -> bool:
        assert self.process is not None
        if self.process.returncode is not None:
            raise AssertionError(f"the bot exited with {self.process.returncode}:\n{self.log}")
        try:
            status, _ = await self.get("/healthz")
        except aiohttp.ClientConnectionError:
            return False
        return status == 200

    async def _read(self) -> None:
        assert self.process is not None and self.process.stderr is not None
        async for raw in self.process.stderr:
            self.lines.append(raw.decode("utf-8", errors="replace").rstrip("\n"))

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 15)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        if self._reader is not None:
            await self._reader

    async def get(self, path: str) -> tuple[int, str]:
        async with self.http.get(self.base_url + path) as response:
            return response.status, await response.text()

    async def post_signed(self, body: str, content_type: str) -> int:
        headers = {"Content-Type": content_type, **sign(body, secret=SIGNING_SECRET)}
        async with self.http.post(f"{self.base_url}/slack/events", data=body.encode(), headers=headers) as response:
            await response.read()
            return response.status

    async def post_event(self, payload: Mapping[str, Any]) -> None:
        assert await self.post_signed(json.dumps(payload, ensure_ascii=False), "application/json") == 200

    async def metrics(self) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
        status, text = await self.get("/metrics")
        assert status == 200
        return {(sample.name, frozenset(sample.labels.items())): sample.value
                for family in text_string_to_metric_families(text) for sample in family.samples}


async def wait_until(ready: Callable[[], Any], *, timeout: float, what: Callable[[], str]) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        outcome = ready()
        if asyncio.iscoroutine(outcome):
            outcome = await outcome
        if outcome:
            return
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what()}")
        await asyncio.sleep(0.1)


def sample(metrics: Mapping[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    return metrics.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture()
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def ask_in_channel(bot: BotProcess, slack: FakeSlack, question: str, **event: Any) -> Call:
    """A signed @mention; the bot's reply in the thread."""
    sent = len(slack.calls_to("chat.postMessage"))
    await bot.post_event(event_callback(mention(f"<@UBOT> {question}", **event)))
    return (await slack.wait_for("chat.postMessage", sent + 1, timeout=10))[-1]


def button_value(call: Call, action_id: str) -> str:
    return next(str(element["value"]) for block in call.body["blocks"] for element in block.get("elements", [])
                if element.get("action_id") == action_id)


# --- the process ---------------------------------------------------------------------------------


async def test_ready_metrics_unanswered_questions_and_json_logs(slack: FakeSlack, tmp_path: Path, data_path: Path,
                                                                http: aiohttp.ClientSession) -> None:
    bot = BotProcess(bot_env(slack, tmp_path, data_path), http)
    try:
        await bot.start()
        status, body = await bot.get("/readyz")
        assert status == 200 and json.loads(body) == {"ready": True, "problems": []}

        answered = await ask_in_channel(bot, slack, "帯広の連携事項は?", ts="1700000000.000100")
        assert "帯広市の主な連携・協力事項" in answered.body["text"]
        unanswered = await ask_in_channel(bot, slack, LUNCH, ts="1700000000.000200")
        await bot.post_event(event_callback(direct_message(LUNCH + "?")))
        status = await bot.post_signed(to_form(slash_command(LUNCH, response_url=slack.response_url("slash"))),
                                       "application/x-www-form-urlencoded")
        assert status == 200
        await slack.wait_for("chat.postMessage", 3, timeout=10)
        await slack.wait_for("response_url", 1, timeout=10)
        # 👎 under the unanswered mention.
        vote = block_action(FEEDBACK_DOWN_ACTION, button_value(unanswered, FEEDBACK_DOWN_ACTION),
                            response_url=slack.response_url("vote"))
        assert await bot.post_signed(to_form({"payload": json.dumps(vote, ensure_ascii=False)}),
                                     "application/x-www-form-urlencoded") == 200
        (_, thanks) = await slack.wait_for("response_url", 2, timeout=10)
        assert thanks.body["text"] == THANKS

        metrics = await bot.metrics()
        assert sample(metrics, "renkei_questions_total", platform="slack", kind="answer") == 1
        assert sample(metrics, "renkei_questions_total", platform="slack", kind="fallback") == 3
        assert sample(metrics, "renkei_answer_seconds_count", platform="slack") == 4
        assert sample(metrics, "renkei_answer_seconds_bucket", platform="slack", le="+Inf") == 4
        assert sample(metrics, "renkei_engine_seconds_count", platform="slack") == 4
        _, text = await bot.get("/metrics")
        assert "# TYPE renkei_reminder_deliveries gauge" in text
        assert "# TYPE renkei_knowledge_reloads_total counter" in text
    finally:
        await bot.stop()

    store = Store(bot.env["DATABASE_URL"])
    try:
        interactions, votes = store.questions.all(), store.votes.all()
    finally:
        store.close()
    assert sorted(i.question for i in interactions) == [LUNCH, LUNCH, LUNCH + "?"]
    assert {i.platform for i in interactions} == {"slack"} and {i.kind for i in interactions} == {"fallback"}
    assert [(v.question, v.helpful) for v in votes] == [(LUNCH, False)]
    # No user id anywhere in the database without LOG_USER_IDS=true (nor in a conversation id).
    assert all(i.user_id == "" and ASKER not in i.conversation_id for i in interactions)
    assert all(v.user_id == "" and ASKER not in v.conversation_id for v in votes)
    for database_file in tmp_path.glob("renkei.db*"):
        assert ASKER.encode() not in database_file.read_bytes()

    report = await run_app(bot.env, "report")
    assert f"- 3× {LUNCH}（似た質問: {LUNCH}?）" in report
    assert report.splitlines()[0].startswith("# Renkei Bot report — 3 unanswered, 0 clarified, 1 votes")
    assert LUNCH in report.split("## Questions voted 👎")[1]

    records = bot.records()  # every line of stderr is one JSON object
    assert all({"time", "level", "logger", "message"} <= set(record) for record in records)
    answers = [record for record in records if record["message"].startswith("answered ")]
    assert [record["conversation_id"] for record in answers[:2]] == [
        f"slack:{TEAM_ID}:{CHANNEL}:1700000000.000100", f"slack:{TEAM_ID}:{CHANNEL}:1700000000.000200"]
    assert f"slack:{TEAM_ID}:{DM_CHANNEL}" in [record["conversation_id"] for record in answers]
    assert {record["kind"] for record in answers} == {"answer", "fallback"}
    for forbidden in (LUNCH, "帯広の連携事項", ASKER, BOT_TOKEN, SIGNING_SECRET, "xoxb-"):
        assert forbidden not in bot.log


async def run_app(env: Mapping[str, str], *args: str) -> str:
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "app.py"), *args, cwd=ROOT, env=dict(env),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
    return out.decode()


async def test_edits_of_the_data_file_are_live_or_rejected(slack: FakeSlack, tmp_path: Path, data_path: Path,
                                                           http: aiohttp.ClientSession) -> None:
    env = bot_env(slack, tmp_path, data_path, SCHEDULER="on", REMINDER_CHANNELS=REMINDER_CHANNEL,
                  REMINDER_SWEEP_SECONDS="1", REMINDER_GRACE_SECONDS="60")
    bot = BotProcess(env, http)
    try:
        await bot.start()
        assert "2階3号会議室" in (await ask_in_channel(bot, slack, MURORAN_PLACE)).body["text"]

        # A valid edit: a room changed and an event added whose reminder is due in a few seconds.
        edited_at = datetime.now(JST)
        starts_at = whole_minute_after(edited_at, timedelta(seconds=25))
        event = event_entry("ops-review", starts_at, title="運用テストの会議",
                            offsets=[offset_until(starts_at, edited_at + timedelta(seconds=3))])
        staged = write_knowledge(tmp_path / "staged.yaml", [event]).read_text(encoding="utf-8")
        data_path.write_text(staged.replace("2階3号会議室", "2階5号会議室"), encoding="utf-8")
        await wait_until(lambda: is_answered_with(bot, slack, "2階5号会議室"), timeout=15,
                         what=lambda: "the edited room in the answer")
        reminder = await wait_for_post_to(slack, REMINDER_CHANNEL, timeout=20)
        assert "運用テストの会議" in reminder.body["text"]

        # An invalid edit: rejected with the `check` message in the log; the last good data serves.
        data_path.write_text(data_path.read_text(encoding="utf-8").replace('start: "11:00"', 'start: "25:00"'),
                             encoding="utf-8")
        problem = 'partners[1].ceremony.start: not a time "25:00"'
        await wait_until(lambda: any(problem in r["message"] for r in bot.records()), timeout=15,
                         what=lambda: f"the rejection in the log:\n{bot.log}")
        assert "2階5号会議室" in (await ask_in_channel(bot, slack, MURORAN_PLACE)).body["text"]
        # Still answering, but not ready (issue 18): the file on disk is not what runs.
        status, body = await bot.get("/readyz")
        assert status == 503 and "the last reload was rejected" in body, body

        metrics = await bot.metrics()
        assert sample(metrics, "renkei_knowledge_reloads_total", result="ok") >= 1
        assert sample(metrics, "renkei_knowledge_reloads_total", result="rejected") >= 1
        delivered = (sample(metrics, "renkei_reminder_deliveries", status="sent")
                     + sample(metrics, "renkei_reminder_deliveries", status="late"))
        assert delivered == 1
    finally:
        await bot.stop()
    rejections = [r for r in bot.records() if r["level"] == "error" and problem in r["message"]]
    assert rejections and all(r["logger"] == "bot.ops.reload" for r in rejections)
    assert BOT_TOKEN not in bot.log and SIGNING_SECRET not in bot.log


async def is_answered_with(bot: BotProcess, slack: FakeSlack, expected: str) -> bool:
    return expected in (await ask_in_channel(bot, slack, MURORAN_PLACE)).body["text"]


async def wait_for_post_to(slack: FakeSlack, channel: str, *, timeout: float) -> Call:
    posts: list[Call] = []

    def found() -> bool:
        posts[:] = [call for call in slack.calls_to("chat.postMessage") if call.body.get("channel") == channel]
        return bool(posts)

    await wait_until(found, timeout=timeout, what=lambda: f"a post to {channel}")
    return posts[0]


# --- in process: what LOG_USER_IDS and LOG_MESSAGES change, and readiness ------------------------


@asynccontextmanager
async def running_core(core: Core) -> AsyncIterator[RunningApp]:
    """The server `python app.py` assembles from `core`, served in this process."""
    platforms = build_platforms(core)
    (slack,) = [platform for platform in platforms if isinstance(platform, SlackPlatform)]
    async with running_server(assemble(core, platforms), slack) as app:
        yield app


def runtime_settings(slack: FakeSlack, tmp_path: Path, **overrides: Any) -> Settings:
    section = SlackSettings(bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET, api_url=slack.api_url)
    settings = Settings(host="127.0.0.1", port=0, sections=(section,), database_url=f"sqlite:///{tmp_path / 'renkei.db'}",
                        data_path=str(DATA_PATH), scheduler_enabled=False, watch_data=False, log_format="json")
    return replace(settings, **overrides)


async def test_user_ids_and_message_text_are_kept_only_when_configured(
    slack: FakeSlack, tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    settings = runtime_settings(slack, tmp_path, log_user_ids=True, log_messages=True)
    core = build_core(settings, load_knowledge(DATA_PATH))
    try:
        with caplog.at_level(logging.INFO, logger="handlers.runtime"):
            async with running_core(core) as app:
                await app.post_signed(json.dumps(event_callback(mention(f"<@UBOT> {LUNCH}"))), "application/json",
                                      secret=SIGNING_SECRET)
                await app.settle()
                (reply,) = slack.calls_to("chat.postMessage")
                vote = block_action(FEEDBACK_DOWN_ACTION, button_value(reply, FEEDBACK_DOWN_ACTION),
                                    response_url=slack.response_url())
                await app.post_signed(to_form({"payload": json.dumps(vote)}), "application/x-www-form-urlencoded",
                                      secret=SIGNING_SECRET)
                await app.settle()
        (interaction,) = core.store.questions.all()
        (stored_vote,) = core.store.votes.all()
    finally:
        core.store.close()
    assert interaction.user_id == ASKER and stored_vote.user_id == ASKER
    [logged] = [json.loads(JsonFormatter().format(r)) for r in caplog.records if r.getMessage().startswith("answered")]
    assert logged["question"] == LUNCH and logged["user_id"] == ASKER and logged["kind"] == "fallback"


async def test_readyz_fails_when_the_database_is_unusable(slack: FakeSlack, tmp_path: Path) -> None:
    settings = runtime_settings(slack, tmp_path)
    core = build_core(settings, load_knowledge(DATA_PATH))
    try:
        async with running_core(core) as app:
            assert await app.get("/readyz") == (200, {"ready": True, "problems": []})
            core.store.db.engine.dispose()  # drop pooled connections; the next one opens the broken file
            for leftover in tmp_path.glob("renkei.db-*"):
                leftover.unlink()
            (tmp_path / "renkei.db").write_bytes(b"this is not a SQLite database" * 100)
            status, body = await app.get("/readyz")
            assert (await app.get("/healthz"))[0] == 200  # the process itself is up
    finally:
        core.store.close()
    assert status == 503 and body == {"ready": False, "problems": ["database not reachable"]}


async def test_readyz_says_when_the_server_is_stopping(slack: FakeSlack, tmp_path: Path) -> None:
    settings = runtime_settings(slack, tmp_path)
    core = build_core(settings, load_knowledge(DATA_PATH))
    try:
        async with running_core(core) as app:
            app.server.shutdown.begin()
            status, body = await app.get("/readyz")
    finally:
        core.store.close()
    assert status == 503 and body == {"ready": False, "problems": ["shutting down"]}
