"""Fault injection (issue 12): 200 mentions and 20 reminders while the fake Slack drops 10 % of
posts after receiving them, hangs 5 % past the client's timeout and answers 10 % with 429. Every
question is answered exactly once or reported failed, every reminder delivered once or recorded
unknown or failed — never twice — and a channel that Slack serves well is not held up by the
others' faults.

Issue 20 adds an operator's bad day: the database away (RENKEI_FAULT_OUTAGE_SECONDS, 30 s in CI)
while mentions arrive at 4 a second — every acknowledged mention answered exactly once after it —
and a reload storm (saves and `reload`s) under question load — no apology, no reload lost."""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.answering.context import OutageTolerantMemory
from bot.commands.registry import APOLOGY
from bot.knowledge.model import JST
from bot.ops.reload import KnowledgeReloader, ReloadResult
from bot.reminders.delivery import Deliverer, RetryPolicy
from bot.reminders.due import Due, Reminder
from bot.store.records import Target
from bot.store.store import Store
from handlers.slack.reminders import SlackReminderSender
from tests.conftest import DATA_PATH as DATA_FILE
from tests.fakes.fake_slack import FakeSlack
from tests.fakes.slack_app import event_callback, make_dispatcher, make_settings, mention, running_app, to_texts
from tests.outage_support import database_outage
from tests.reminder_support import event_entry, load_with_events

pytestmark = pytest.mark.adapter

MENTIONS = 200
REMINDERS = 20
CHANNELS = [f"C0FAULT{n:02d}" for n in range(19)]
CLEAN = "C0CLEAN"  # spared by the fake: its posts never fail
START = datetime(2027, 4, 10, 14, 0, tzinfo=JST)


def keys_of(slack: FakeSlack) -> Counter[str]:
    return Counter(str(message["metadata"]["event_payload"]["key"]) for message in slack.messages)


async def send_reminders(slack: FakeSlack, tmp_path: Path) -> list[str]:
    kb = load_with_events(tmp_path, [event_entry("review", START, title="旭川市との連携会議")])
    event = next(e for e in kb.all_events() if e.id == "review")
    client = AsyncWebClient(token="xoxb-test", base_url=slack.api_url, timeout=1, retry_handlers=[])
    store = Store(f"sqlite:///{tmp_path / 'renkei.db'}")
    deliverer = Deliverer(store.ledger, {"slack": SlackReminderSender(client)},
                          policy=RetryPolicy(max_attempts=4, backoff_seconds=0.05),
                          clock=lambda: START - timedelta(days=1))
    dues = [Due(Reminder(event, timedelta(days=1)), Target("slack", f"C0REMIND{n:02d}"), "send")
            for n in range(REMINDERS)]
    outcomes = await deliverer.deliver_all(dues, lambda _event: kb.document)
    rows = {row.key.target_id: row.status for row in store.ledger.rows()}
    store.close()
    assert set(outcomes) <= {"sent", "unknown", "failed"}
    assert sorted(rows.values()) == sorted(outcomes)
    return list(outcomes)


async def test_two_hundred_mentions_and_twenty_reminders_under_faults(slack: FakeSlack, tmp_path: Path) -> None:
    slack.faults("chat.postMessage", drop=0.10, hang=0.05, ratelimit=0.10, retry_after=1, seed=12, spared={CLEAN})
    settings = make_settings(slack, slack_timeout_seconds=1.0)
    async with running_app(settings, make_dispatcher()) as app:
        asked: dict[str, str] = {}
        for n in range(MENTIONS):
            channel = CLEAN if n % 20 == 0 else CHANNELS[n % 19]
            payload = event_callback(mention(f"<@UBOT> 帯広の連携事項は? ({n})", channel=channel))
            status, _ = await app.post_event(payload)
            assert status == 200
            asked[str(payload["event_id"])] = channel
        outcomes = await send_reminders(slack, tmp_path)
        await app.settle()
        counts = app.slack.bot.poster.counts.counts

    posted = keys_of(slack)
    assert max(posted.values()) == 1  # never twice, answers and reminders alike
    answers = {key for key in posted if key in asked}
    assert sum(counts.values()) == MENTIONS  # each question: posted, failed or unknown, once
    assert counts.get("posted", 0) == len(answers)
    assert {key for key, channel in asked.items() if channel == CLEAN} <= answers  # untouched by the others
    reminders = [key for key in posted if key.startswith("reminder:")]
    assert outcomes.count("sent") == len(reminders)
    assert len(answers) >= MENTIONS * 0.9 and outcomes.count("sent") >= REMINDERS * 0.8
    faults = Counter(call.status for call in slack.calls_to("chat.postMessage"))
    assert faults[429] > 0 and len(slack.calls_to("conversations.replies")) > 0  # the faults did happen


# --- issue 20: a database outage under mention load, a reload storm under question load ----------

# Failover of a managed PostgreSQL takes 10-60 s; CI (.ci/run) runs the outage for 30 s. A local
# `make test` runs it for 5 s: the same path (every claim fails, is retried, then succeeds), in a
# sixth of the time. See docs/testing.md.
OUTAGE_SECONDS = float(os.environ.get("RENKEI_FAULT_OUTAGE_SECONDS", "5"))
MENTIONS_PER_SECOND = 4


def apologies(slack: FakeSlack) -> list[str]:
    return [text for message in slack.messages for text in to_texts(message) if APOLOGY in text]


async def test_a_database_outage_under_mention_load(slack: FakeSlack, database_url: str) -> None:
    with database_outage(database_url) as outage:
        store = Store(outage.url)
        outage.attach(store.db)
        dispatcher = make_dispatcher()
        dispatcher.conversations = OutageTolerantMemory(store.conversations)
        acknowledged: list[str] = []
        async with running_app(make_settings(slack), dispatcher, deduplicator=store.event_claims) as app:
            async def ask(n: int) -> dict[str, Any]:
                payload = event_callback(mention(f"<@UBOT> 帯広の連携事項は? ({n})", channel=CHANNELS[n % 19]))
                status, _ = await app.post_event(payload)
                if status == 200:
                    acknowledged.append(str(payload["event_id"]))
                return payload

            before = [await ask(n) for n in range(10)]
            outage.down()
            during: list[dict[str, Any]] = []
            for n in range(int(OUTAGE_SECONDS * MENTIONS_PER_SECOND)):
                during.append(await ask(100 + n))
                await asyncio.sleep(1 / MENTIONS_PER_SECOND)
            outage.up()
            after = [await ask(1000 + n) for n in range(10)]
            for payload in during[:5]:  # Slack's late retries of events answered after the outage
                await app.post_event(payload, retry_num=1)
            await app.settle()
        store.close()

    posted = keys_of(slack)
    assert len(acknowledged) == len(before) + len(during) + len(after)  # all acknowledged at once
    assert posted == Counter({event_id: 1 for event_id in acknowledged})  # every one answered, once
    assert apologies(slack) == []


async def test_a_reload_storm_under_question_load(slack: FakeSlack, tmp_path: Path) -> None:
    data = tmp_path / "partnerships.yaml"
    text = DATA_FILE.read_text(encoding="utf-8")
    data.write_text(text, encoding="utf-8")
    dispatcher = make_dispatcher()
    results: list[ReloadResult] = []
    reloader = KnowledgeReloader(str(data), dispatcher, on_result=[results.append])
    stop = asyncio.Event()
    watcher = asyncio.create_task(reloader.watch(stop))
    asked: list[str] = []
    async with running_app(make_settings(slack), dispatcher) as app:
        async def storm() -> None:
            for n in range(20):
                # A maintainer saving (the watcher reloads), and an admin's `reload`, over and over.
                data.write_text(text.replace("青山 剛", f"青山 剛（{n}）"), encoding="utf-8")
                await reloader.reload_async()
                await asyncio.sleep(0.05)

        storming = asyncio.create_task(storm())
        n = 0
        while not storming.done():
            payload = event_callback(mention(f"<@UBOT> 室蘭の締結式の場所は? ({n})", channel=CHANNELS[n % 19]))
            status, _ = await app.post_event(payload)
            assert status == 200
            asked.append(str(payload["event_id"]))
            n += 1
            await asyncio.sleep(0.01)
        await storming
        await asyncio.sleep(1.0)  # the watcher's last reloads
        await app.settle()
    stop.set()
    await asyncio.wait_for(watcher, 5)

    assert len(asked) > 20 and keys_of(slack) == Counter({event_id: 1 for event_id in asked})
    assert apologies(slack) == []  # no reload cost anyone an answer
    assert len(results) >= 20 and all(result.ok for result in results)  # and no answer cost a reload
