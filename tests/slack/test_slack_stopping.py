"""Stopping loses nothing acknowledged (issue 12): questions acknowledged but still waiting when
the grace period runs out are saved in the database and answered on the next start — late, but
once — and an event retried by Slack after that is not answered again. Real app, real SQLite."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from pathlib import Path

import pytest

from bot.commands.registry import Commands, Services
from bot.ops.settings import Settings
from bot.store.store import Store
from handlers.server import build_server
from handlers.slack.platform import SlackPlatform
from tests.fakes.fake_slack import FakeSlack
from tests.fakes.slack_app import (
    RunningApp,
    event_callback,
    make_dispatcher,
    make_settings,
    mention,
    running_server,
    slash_command,
)

pytestmark = pytest.mark.adapter


def platform(settings: Settings, store: Store) -> SlackPlatform:
    dispatcher = make_dispatcher()
    return SlackPlatform(settings, dispatcher, commands=Commands(Services(knowledge=lambda: dispatcher.kb)),
                         deduplicator=store.event_claims, pending=store.pending_answers)


def answered(slack: FakeSlack) -> Counter[str]:
    return Counter(str(message["metadata"]["event_payload"]["key"]) for message in slack.messages)


async def test_questions_waiting_at_a_stop_are_answered_once_on_the_next_start(slack: FakeSlack,
                                                                              database_url: str) -> None:
    settings = make_settings(slack, shutdown_grace_seconds=0.2)
    store = Store(database_url)
    first = platform(settings, store)
    first.bot.tasks._slots = asyncio.Semaphore(0)  # the store is stuck: every answer waits for a slot
    payloads = [event_callback(mention(f"<@UBOT> 帯広の連携事項は? {n}")) for n in range(5)]
    command = slash_command("北見の連携事項は?", response_url=slack.response_url("cmd"))
    async with running_server(build_server([first], grace_seconds=0.2), first) as app:
        assert [(await app.post_event(payload))[0] for payload in payloads] == [200] * 5
        assert (await app.post_command(command))[0] == 200
    assert slack.messages == [] and slack.calls_to("response_url") == []  # stopped: nothing answered yet

    second, third = platform(settings, store), platform(settings, store)  # two instances start
    async with running_server(build_server([second]), second) as app, \
            running_server(build_server([third]), third) as other:
        await app.settle()
        await other.settle()
        retried = await app.post_event(payloads[0], retry_num=1)  # Slack's late retry of one of them
        await app.settle()
    store.close()

    assert retried[0] == 200
    assert answered(slack) == {str(payload["event_id"]): 1 for payload in payloads}
    [reply] = slack.calls_to("response_url")
    assert "北見" in json.dumps(reply.body, ensure_ascii=False)
    assert all(message["thread_ts"] for message in slack.messages)


async def test_a_full_queue_sends_slack_away_for_later(slack: FakeSlack, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("handlers.slack.platform.MAX_ANSWERS_WAITING", 2)
    store = Store(f"sqlite:///{tmp_path / 'renkei.db'}")
    slack_platform = platform(make_settings(slack), store)
    slack_platform.bot.tasks._slots = asyncio.Semaphore(0)
    async with running_server(build_server([slack_platform], grace_seconds=0.1), slack_platform) as app:
        statuses = [(await app.post_event(event_callback(mention(f"<@UBOT> 質問 {n}"))))[0] for n in range(3)]
        assert isinstance(app, RunningApp)
    store.close()

    assert statuses == [200, 200, 503]
