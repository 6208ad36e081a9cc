"""The Slack side of reminders: signed `/renkei remind|schedule|reload` requests to the real app
(the server, the process's commands and the reminders plug-in) and the reminder card, all
against the fake Slack API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.answering.dispatch import Dispatcher
from bot.commands.registry import COMMANDS
from bot.knowledge.model import JST, KnowledgeBase, Person
from bot.ops.reload import KnowledgeReloader
from bot.ops.settings import Settings
from bot.reminders.delivery import ReminderMessage
from bot.store.records import DeliveryKey, Target
from bot.store.store import Store
from handlers.reminders import Reminders
from handlers.runtime import build_commands
from handlers.settings import read_settings
from handlers.slack.reminders import SlackReminderSender, build_reminder_client, to_reminder_message
from handlers.slack.settings import SlackSettings
from tests.conftest import NOW
from tests.fakes.fake_slack import FakeSlack
from tests.fakes.slack_app import (
    ASKER,
    CHANNEL,
    RunningApp,
    assert_round_trips,
    make_dispatcher,
    make_settings,
    running_app,
    slash_command,
)
from tests.knowledge.test_knowledge import with_kushiro
from tests.reminder_support import event_entry, write_knowledge

pytestmark = pytest.mark.adapter

ADMIN = "U0ADMIN"


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'renkei.db'}")


@pytest.fixture()
def settings(slack: FakeSlack, tmp_path: Path, data_path: Path) -> Settings:
    return make_settings(slack, admin_user_ids=(ADMIN,), data_path=str(data_path),
                         database_url=f"sqlite:///{tmp_path / 'renkei.db'}")


@asynccontextmanager
async def running_reminders(settings: Settings, store: Store, dispatcher: Dispatcher | None = None,
                            reloader: KnowledgeReloader | None = None) -> AsyncIterator[RunningApp]:
    """The app as `python app.py` wires it: one reloader shared by `reload` and the scheduler.
    The dispatcher's clock (which the commands follow) is after every bundled ceremony."""
    dispatcher = dispatcher or make_dispatcher(NOW)
    reloader = reloader or KnowledgeReloader(settings.data_path, dispatcher)
    commands = build_commands(settings, dispatcher, store, reloader)
    reminders = Reminders(settings, store, dispatcher,
                          senders={"slack": SlackReminderSender(build_reminder_client(settings))})
    reloader.listeners.append(reminders.reschedule)
    async with running_app(settings, dispatcher, commands=commands, plugins=(reminders,)) as running:
        yield running


def reminders_of(app: RunningApp) -> Reminders:
    (reminders,) = [plugin for plugin in app.server.plugins if isinstance(plugin, Reminders)]
    return reminders


@pytest.fixture()
async def app(settings: Settings, store: Store) -> AsyncIterator[RunningApp]:
    async with running_reminders(settings, store) as running:
        yield running


async def command(app: RunningApp, slack: FakeSlack, text: str, *, user: str = ASKER,
                  channel: str = CHANNEL) -> dict[str, Any]:
    """Send a signed `/renkei <text>` and return what the app posted to its response_url."""
    name = f"r{len(slack.calls)}"
    status, _ = await app.post_command(slash_command(text, response_url=slack.response_url(name), user=user,
                                                     channel=channel))
    assert status == 200
    await app.settle()
    (reply,) = [call for call in slack.calls_to("response_url") if call.path.endswith(name)]
    return reply.body


async def test_subscribe_list_and_unsubscribe_through_signed_slash_commands(
    app: RunningApp, slack: FakeSlack, store: Store,
) -> None:
    listed = await command(app, slack, "remind list")
    assert listed["response_type"] == "ephemeral" and "❌ 無効" in listed["text"]

    on = await command(app, slack, "remind on")
    assert on["response_type"] == "in_channel"
    assert f"<@{ASKER}> さんがこのチャンネルで締結式・イベントのリマインダーを有効にしました" in on["text"]
    subscription = store.subscriptions.subscription(Target("slack", CHANNEL))
    assert subscription is not None and subscription.user_id == ASKER
    again = await command(app, slack, "remind on", user="U0OTHER")
    assert "すでに" in again["text"] and again["response_type"] == "ephemeral"

    listed = await command(app, slack, "remind list")
    assert f"✅ 有効（<@{ASKER}> さんが" in listed["text"]
    assert "次のリマインダー*\n• なし" in listed["text"]  # every bundled ceremony is past

    off = await command(app, slack, "remind off")
    assert off["response_type"] == "in_channel" and "停止しました" in off["text"]
    assert store.subscriptions.all() == []
    assert "設定になっていません" in (await command(app, slack, "remind off"))["text"]


async def test_remind_list_reports_failed_deliveries(app: RunningApp, slack: FakeSlack, store: Store) -> None:
    due = datetime(2027, 4, 9, 14, 0, tzinfo=JST)
    for channel, reason in [(CHANNEL, "not_in_channel"), ("C0OTHER", "channel_not_found")]:
        key = DeliveryKey("asahikawa-review", due + timedelta(days=1), 86400, "slack", channel)
        store.ledger.claim(key, due)
        store.ledger.mark_failed(key, reason)
    listed = await command(app, slack, "remind list")
    assert "送信できなかったリマインダー" in listed["text"] and "`not_in_channel`" in listed["text"]
    assert "channel_not_found" not in listed["text"]  # another channel's failure


async def test_reminder_channels_show_in_list(slack: FakeSlack, settings: Settings, store: Store) -> None:
    configured = settings.replace_in(SlackSettings, reminder_channels=(CHANNEL,))
    async with running_reminders(configured, store) as app:
        listed = await command(app, slack, "remind list")
        off = await command(app, slack, "remind off")
    assert "REMINDER_CHANNELS で設定" in listed["text"] and "REMINDER_CHANNELS" in off["text"]


async def test_schedule_names_the_last_ceremony_held(app: RunningApp, slack: FakeSlack) -> None:
    reply = await command(app, slack, "schedule")
    assert reply["text"].startswith("今後予定されている締結式・イベントはありません。")
    assert "北見市との覚書締結式" in reply["text"] and "予定日を過ぎています" in reply["text"]


async def test_help_lists_the_reminder_subcommands(app: RunningApp, slack: FakeSlack) -> None:
    text = str((await command(app, slack, "help"))["blocks"])
    assert "remind on|off|list" in text and "schedule" in text and "reload" in text
    assert [entry.name for entry in COMMANDS] == ["help", "list", "schedule", "remind", "report", "reload"]


async def test_reload_is_for_admins_and_reschedules(
    app: RunningApp, slack: FakeSlack, data_path: Path,
) -> None:
    refused = await command(app, slack, "reload")
    assert "管理者" in refused["text"]
    services = reminders_of(app)
    assert services.scheduler is not None and services.scheduler.scheduled() == {}

    start = datetime(2099, 4, 10, 14, 0, tzinfo=JST)
    write_knowledge(data_path, [event_entry("asahikawa-review", start, title="旭川市との連携会議")])
    reloaded = await command(app, slack, "reload", user=ADMIN)
    assert "再読み込みしました" in reloaded["text"] and "追加 3" in reloaded["text"]
    assert any(e.id == "asahikawa-review" for e in app.slack.bot.dispatcher.kb.all_events())
    assert sorted(services.scheduler.scheduled().values())[0] == start - timedelta(days=7)
    schedule = await command(app, slack, "schedule")
    assert "旭川市との連携会議" in schedule["text"] and "2099年4月3日（金） 14:00（7日前）" in schedule["text"]

    data_path.write_text("partners: [oops", encoding="utf-8")
    broken = await command(app, slack, "reload", user=ADMIN)
    assert "読み込めませんでした" in broken["text"]
    assert any(e.id == "asahikawa-review" for e in app.slack.bot.dispatcher.kb.all_events())  # kept the old one


async def test_a_hot_reload_reschedules_too(slack: FakeSlack, settings: Settings, store: Store,
                                            data_path: Path) -> None:
    dispatcher = make_dispatcher(NOW)
    reloader = KnowledgeReloader(str(data_path), dispatcher)
    async with running_reminders(settings, store, dispatcher, reloader) as app:
        services = reminders_of(app)
        assert services.scheduler is not None
        write_knowledge(data_path, [event_entry("watched", datetime(2099, 1, 5, 0, 0, tzinfo=JST))])
        result = await reloader.reload_async()  # what the file watcher does on a save
        assert result.ok and "追加 3" in result.notes[0]
        assert sorted(services.scheduler.scheduled())[0].startswith("reminder:watched:")
        data_path.write_text("partners: [oops", encoding="utf-8")
        reply = await command(app, slack, "reload", user=ADMIN)  # through the same reloader
        assert "読み込めませんでした" in reply["text"] and "(yaml)" in reply["text"]


async def test_a_new_memorandum_with_a_future_ceremony_gets_reminders_on_reload(
    slack: FakeSlack, settings: Settings, store: Store, data_path: Path,
) -> None:
    """Adding a document is a data change only: the watcher's reload plans its ceremony's reminders."""
    dispatcher = make_dispatcher(NOW)
    reloader = KnowledgeReloader(str(data_path), dispatcher)
    async with running_reminders(settings, store, dispatcher, reloader) as app:
        services = reminders_of(app)
        assert services.scheduler is not None and services.scheduler.scheduled() == {}
        data_path.write_text(with_kushiro(data_path.read_text(encoding="utf-8")), encoding="utf-8")
        result = await reloader.reload_async()
        assert result.ok and "追加 3" in result.notes[0]
        assert all(job.startswith("reminder:kushiro-ceremony:") for job in services.scheduler.scheduled())
        schedule = await command(app, slack, "schedule")
        assert "釧路市との覚書締結式" in schedule["text"] and "2030年5月1日（水）" in schedule["text"]


async def test_scheduler_off_answers_commands_without_scheduling(
    slack: FakeSlack, settings: Settings, store: Store,
) -> None:
    off = replace(settings, scheduler_enabled=False)
    async with running_reminders(off, store) as app:
        assert reminders_of(app).scheduler is None
        reloaded = await command(app, slack, "reload", user=ADMIN)
        assert "SCHEDULER=off" in reloaded["text"]
        await command(app, slack, "remind on")
        assert "✅ 有効" in (await command(app, slack, "remind list"))["text"]


# --- the reminder card -------------------------------------------------------------------------


def late_message(kb: KnowledgeBase, **changes: Any) -> ReminderMessage:
    event = replace(kb.partners[0].ceremony, **changes)
    return ReminderMessage(event, timedelta(days=1), True, event.starts_at - timedelta(days=1, seconds=-3), kb.document)


def test_the_card_says_what_when_where_who_and_source(kb: KnowledgeBase) -> None:
    card = to_reminder_message(late_message(kb))
    assert_round_trips(card.blocks)
    text = str(card.blocks)
    assert card.blocks[0]["text"]["text"] == "⏰ 旭川市との覚書締結式"
    assert "2020年1月20日（月） 10:30～11:00" in text and "（あと1日）" in text
    assert "旭川市役所 2階 秘書課第2応接室" in text and "旭川市長 西川将人" in text
    assert "1日前のリマインダー" in text and "遅れてお知らせ" in text
    assert "出典: 道内基礎自治体との連携の推進" in text
    assert card.text == "リマインダー: 旭川市との覚書締結式 — 2020年1月20日（月） 10:30～11:00（あと1日）"


def test_the_card_escapes_and_truncates(kb: KnowledgeBase) -> None:
    card = to_reminder_message(late_message(
        kb, title="<!channel> " + "長" * 300, place="<@U123> & 会議室",
        attendees=(Person(role="<!here>", name="x" * 3000),),
    ))
    assert_round_trips(card.blocks)
    text = str(card.blocks) + card.text
    assert "<!channel>" not in text and "<@U123>" not in text and "<!here>" not in text
    assert len(card.blocks[0]["text"]["text"]) <= 150 and card.blocks[0]["text"]["text"].endswith("…")
    assert all(len(f["text"]) <= 2000 for f in card.blocks[1]["fields"])


async def test_the_sender_posts_the_card_to_the_fake(slack: FakeSlack, kb: KnowledgeBase) -> None:
    sender = SlackReminderSender(AsyncWebClient(token="xoxb-card", base_url=slack.api_url, retry_handlers=[]))
    message = replace(late_message(kb), late=False)
    await sender.send(Target("slack", "C9"), message)
    (post,) = slack.calls_to("chat.postMessage")
    assert post.body["channel"] == "C9" and post.body["blocks"] == to_reminder_message(message).blocks
    assert post.body["unfurl_links"] is False


def test_settings_read_the_reminder_variables() -> None:
    settings = read_settings({
        "DATABASE_URL": "postgresql+psycopg://bot:secret@db/renkei", "REMINDER_CHANNELS": "C1, C2,",
        "ADMIN_USER_IDS": "U1", "SCHEDULER": "off", "REMINDER_SWEEP_SECONDS": "5",
    })
    slack = settings.section(SlackSettings)
    assert slack.reminder_channels == ("C1", "C2") and slack.admin_user_ids == ("U1",)
    assert settings.scheduler_enabled is False and settings.reminder_sweep_seconds == 5.0
    assert "secret" not in repr(settings)
    defaults = read_settings({})
    assert (defaults.database_url, defaults.scheduler_enabled, defaults.section(SlackSettings).reminder_channels) == (
        "sqlite:///var/renkei.db", True, ())
