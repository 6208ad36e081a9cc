"""Fault injection (issue 12): 200 mentions and 20 reminders while the fake Slack drops 10 % of
posts after receiving them, hangs 5 % past the client's timeout and answers 10 % with 429. Every
question is answered exactly once or reported failed, every reminder delivered once or recorded
unknown or failed — never twice — and a channel that Slack serves well is not held up by the
others' faults."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.delivery import Deliverer, RetryPolicy
from bot.knowledge import JST
from bot.reminders import Due, Reminder, Target
from bot.store import Store
from handlers.slack.reminders import SlackReminderSender
from tests.fakes.fake_slack import FakeSlack
from tests.fakes.slack_app import event_callback, make_dispatcher, make_settings, mention, running_app
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
