"""bot/commands/registry.py: one registry of commands, their words normalised once, their replies neutral;
and end to end, that every platform runs the same command for every spelling of its words, and
that a command declared in one place appears on every platform, in help and in the README."""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import jaconv
import pytest

from bot.commands.registry import (
    COMMANDS,
    Command,
    Commands,
    Mention,
    Notice,
    Registry,
    Reply,
    Request,
    Services,
    Typed,
    normalise_word,
    split_first_word,
    to_commands_table,
)
from bot.ops.insights import build_report
from bot.store.records import AnnouncementRecord, AnnouncementStatus, FailedDelivery, Subscriber, Target
from bot.store.store import Store
from handlers.console import run_chat, to_reply_text
from handlers.runtime import build_commands
from tests.command_support import declared
from tests.conftest import NOW, ROOT
from tests.english_rendering import japanese_left, strings_of
from tests.fakes.fake_slack import FakeSlack
from tests.fakes.slack_app import (
    ASKER,
    assert_every_payload_round_trips,
    event_callback,
    home_opened,
    make_dispatcher,
    make_settings,
    running_app,
    slash_command,
    to_texts,
)
from tests.teams_support import USER, assert_valid_card, running_teams

# --- the command word ----------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "word"), [
    ("ＲＥＭＩＮＤ", "remind"), ("Remind", "remind"), ("ｒｅｍｉｎｄ", "remind"), ("りまいんだー", "リマインダー"),
    ("ﾘﾏｲﾝﾀﾞｰ", "リマインダー"), ("？", "?"), ("ヘルプ", "ヘルプ"), ("へるぷ", "ヘルプ"), ("予定", "予定"),
])
def test_a_word_has_one_spelling(typed: str, word: str) -> None:
    assert normalise_word(typed) == word


def test_the_first_word_is_split_from_its_arguments_as_typed() -> None:
    assert split_first_word("ＨＥＬＰ  me please") == ("help", "me please")
    assert split_first_word("remind　ＯＮ") == ("remind", "ＯＮ")
    assert split_first_word("") == ("", "")


async def _say_hi(request: Request, services: Services) -> Reply:
    return Notice.of(f"hi {request.arguments}")


def test_the_registry_routes_names_and_aliases_and_refuses_clashes() -> None:
    registry = Registry()
    registry.add(Command("greet", _say_hi, "挨拶", aliases=("あいさつ",), takes_arguments=True))
    found = registry.parse("アイサツ　ＡＬＬ")
    assert found is not None and found.command.name == "greet" and found.arguments == "ＡＬＬ"
    assert registry.parse("帯広の連携事項") is None
    with pytest.raises(ValueError, match="greet"):
        registry.add(Command("greet", _say_hi, "again"))
    with pytest.raises(ValueError, match="アイサツ"):
        registry.add(Command("hello", _say_hi, "x", aliases=("アイサツ",)))
    registry.remove("greet")
    assert registry.parse("greet") is None


def test_a_command_word_followed_by_words_is_a_question_unless_it_takes_arguments() -> None:
    assert COMMANDS.parse("list 帯広の連携事項は?") is None
    assert COMMANDS.parse("help me") is None
    remind = COMMANDS.parse("リマインダー　on")
    assert remind is not None and (remind.command.name, remind.arguments) == ("remind", "on")
    empty = COMMANDS.parse("  ")
    assert empty is not None and empty.command.name == "help"


# --- the commands, without a platform ------------------------------------------------------------


class MemoryBook:
    """Subscriptions and failed posts in memory (the commands' SubscriptionBook and DeliveryHistory)."""

    def __init__(self) -> None:
        self.subscribers: dict[Target, Subscriber] = {}
        self.failures: list[FailedDelivery] = []

    async def turn_on(self, target: Target, user_id: str, now: datetime) -> bool:
        if target in self.subscribers:
            return False
        self.subscribers[target] = Subscriber(user_id, now)
        return True

    async def turn_off(self, target: Target) -> bool:
        return self.subscribers.pop(target, None) is not None

    async def subscriber(self, target: Target) -> Subscriber | None:
        return self.subscribers.get(target)

    async def failed_deliveries(self, target: Target, limit: int) -> list[FailedDelivery]:
        return self.failures[-limit:]


TARGET = Target("slack", "C1")


def request(now: datetime = NOW, *, admin: bool = False) -> Request:
    return Request(platform="slack", target=TARGET, user=Mention("U1", "佐藤"), is_admin=admin, now=now,
                   place="チャンネル")


async def run(commands: Commands, text: str, now: datetime = NOW, *, admin: bool = False) -> Reply:
    invocation = commands.parse(text)
    assert invocation is not None
    base = request(now, admin=admin)
    return await commands.run(invocation, Request(**{**base.__dict__, "arguments": invocation.arguments}))


def lines_of(reply: Reply) -> list[tuple[Any, ...]]:
    assert isinstance(reply, Notice)
    return [line for paragraph in reply.paragraphs for line in paragraph.lines]


async def test_remind_on_uses_the_requests_clock_and_is_visible(kb: Any) -> None:
    book = MemoryBook()
    commands = Commands(Services(knowledge=lambda: kb, subscriptions=book))
    earlier = NOW - timedelta(days=400)
    on = await run(commands, "remind ＯＮ", earlier)
    assert isinstance(on, Notice) and on.visible
    assert lines_of(on)[0] == (Mention("U1", "佐藤"), " さんがこのチャンネルで締結式・イベントのリマインダーを有効にしました。")
    assert book.subscribers[TARGET] == Subscriber("U1", earlier)
    again = await run(commands, "remind on")
    assert isinstance(again, Notice) and not again.visible and "すでに" in str(lines_of(again))


async def test_remind_list_names_the_subscriber_the_next_reminders_and_failures(kb: Any) -> None:
    book = MemoryBook()
    book.failures.append(FailedDelivery("obihiro", NOW, "not_in_channel"))
    commands = Commands(Services(knowledge=lambda: kb, subscriptions=book, deliveries=book,
                                 configured_targets=(TARGET,)))
    await run(commands, "remind on", datetime(2020, 1, 25, 10, 0, tzinfo=NOW.tzinfo))
    listed = await run(commands, "リマインダー", datetime(2020, 1, 25, 10, 0, tzinfo=NOW.tzinfo))
    assert isinstance(listed, Notice)
    headings = [paragraph.heading for paragraph in listed.paragraphs]
    assert headings == ["このチャンネルのリマインダー", "次のリマインダー", "送信できなかったリマインダー"]
    state, upcoming, failed = (paragraph.lines for paragraph in listed.paragraphs)
    assert state[0][1] == Mention("U1") and state[1] == ("✅ 有効（REMINDER_CHANNELS で設定）",)
    assert "室蘭市との覚書締結式" in upcoming[0][0]
    assert failed[0][-1].text == "not_in_channel"
    usage = await run(commands, "remind sometimes")
    assert Typed("remind off") in lines_of(usage)[0]


async def test_admin_commands_refuse_everyone_else_and_missing_parts_say_so(kb: Any) -> None:
    commands = Commands(Services(knowledge=lambda: kb))
    for text in ("report", "reload"):
        assert lines_of(await run(commands, text)) == [("この操作は管理者のみ実行できます。",)]
    assert "データベース" in str(lines_of(await run(commands, "report", admin=True)))
    assert "データベース" in str(lines_of(await run(commands, "remind on")))


# --- every platform, every spelling --------------------------------------------------------------


def spellings(word: str) -> set[str]:
    """How people type `word`: full width (an IME), upper case, hiragana for katakana, half-width kana."""
    forms = {jaconv.h2z(word, ascii=True, digit=True), word.upper(), word.title(), jaconv.kata2hira(word),
             jaconv.z2h(word, kana=True, ascii=False, digit=False)}
    return forms - {word}


Send = Callable[[str], Awaitable[Any]]


@asynccontextmanager
async def slack_platform(tmp_path: Path) -> AsyncIterator[Send]:
    async with FakeSlack() as slack:
        settings = make_settings(slack, database_url=f"sqlite:///{tmp_path / 'renkei.db'}")
        dispatcher, store = make_dispatcher(), Store(settings.database_url)
        commands = build_commands(settings, dispatcher, store)
        try:
            async with running_app(settings, dispatcher, commands=commands) as app:

                async def send(text: str) -> Any:
                    await app.post_command(slash_command(text, response_url=slack.response_url()))
                    await app.settle()
                    body = slack.calls_to("response_url")[-1].body
                    return body["response_type"], body["text"], body["blocks"]

                yield send
        finally:
            store.close()


@asynccontextmanager
async def teams_platform(tmp_path: Path) -> AsyncIterator[Send]:
    async with running_teams(tmp_path) as teams:

        async def send(text: str) -> Any:
            sent = len(teams.connector.calls)
            await teams.post(teams.activities.message(text))
            return (await teams.connector.wait_for(sent + 1))[-1].card

        yield send


@asynccontextmanager
async def console_platform(tmp_path: Path) -> AsyncIterator[Send]:
    dispatcher = make_dispatcher()

    async def send(text: str) -> Any:
        out = io.StringIO()
        await asyncio.to_thread(run_chat, dispatcher, io.StringIO(text + "\n"), out)  # the chat runs its own loop
        return out.getvalue()

    yield send


PLATFORMS = {"slack": slack_platform, "teams": teams_platform, "console": console_platform}


@pytest.mark.adapter
@pytest.mark.parametrize("platform", PLATFORMS)
async def test_every_spelling_of_every_command_word_runs_the_same_command(platform: str, tmp_path: Path) -> None:
    async with PLATFORMS[platform](tmp_path) as send:
        for known in COMMANDS:
            expected = await send(known.name)
            for word in (known.name, *known.aliases):
                for typed in sorted(spellings(word) | {word}):
                    assert await send(typed) == expected, f"{platform}: {typed!r} is not {known.name!r}"


@pytest.mark.adapter
@pytest.mark.parametrize("platform", ["slack", "teams"])
async def test_remind_on_typed_full_width_subscribes_on_every_platform(platform: str, tmp_path: Path) -> None:
    async with PLATFORMS[platform](tmp_path) as send:
        on = str(await send("ｒｅｍｉｎｄ　ＯＮ"))
        assert "リマインダーを有効にしました" in on
        assert "✅ 有効" in str(await send("りまいんだー　りすと"))
        assert "停止しました" in str(await send("REMIND Off"))


# --- one function in one place -------------------------------------------------------------------


async def wave(request: Request, services: Services) -> Reply:
    return Notice.of(f"👋 {request.platform} {request.arguments}".strip())


@pytest.mark.adapter
@pytest.mark.parametrize("platform", PLATFORMS)
async def test_a_declared_command_appears_on_every_platform_and_in_help(platform: str, tmp_path: Path) -> None:
    with declared("wave", wave, aliases=("手を振る",), usage="（誰に）", takes_arguments=True,
                  description="手を振る（テスト用）"):
        async with PLATFORMS[platform](tmp_path) as send:
            waved = str(await send("ＷＡＶＥ みんな"))
            helped = str(await send("help"))
        assert to_commands_table().count("| `wave （誰に）`") == 1
    assert f"👋 {platform} みんな" in waved
    assert "wave （誰に）" in helped and "手を振る（テスト用）" in helped
    assert "`wave" not in to_commands_table()


def test_the_readme_lists_every_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = re.search(r"<!-- commands -->\n(.*?)<!-- /commands -->", readme, re.S)
    assert table is not None, "README.md: the commands table sits between <!-- commands --> markers"
    assert table[1] == to_commands_table(), "regenerate it: python app.py commands"


# --- English (issue 18): the commands answer in the user's language -------------------------------

SCHEDULE_NOW = datetime(2020, 1, 25, 10, 0, tzinfo=NOW.tzinfo)  # 室蘭 and 帯広 ahead, 旭川 past


class EnglishReports:
    """A report source that says which language it was asked for."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def build_report(self, language: str = "ja") -> str:
        self.asked.append(language)
        return build_report([], [], language=language)


class Announced:
    async def announcement_status(self, target: Target | None) -> AnnouncementStatus:
        title = "北見市と北海道経済産業局が、関係人口の創出・拡大等により新たな人の流れをつくるために覚書を締結します"
        return AnnouncementStatus(sent=(AnnouncementRecord(title, TARGET, "sent", SCHEDULE_NOW, correction=True),),
                                  pending=(AnnouncementRecord(title, TARGET, "pending", None),))


async def run_in(commands: Commands, text: str, language: str, *, admin: bool = False) -> Reply:
    invocation = commands.parse(text)
    assert invocation is not None
    base = request(SCHEDULE_NOW, admin=admin)
    return await commands.run(invocation, Request(**{**base.__dict__, "arguments": invocation.arguments,
                                                     "language": language}))


async def test_list_schedule_remind_list_report_and_help_speak_english(kb: Any) -> None:
    book, reports = MemoryBook(), EnglishReports()
    book.failures.append(FailedDelivery("obihiro-ceremony", SCHEDULE_NOW, "not_in_channel"))
    commands = Commands(Services(knowledge=lambda: kb, subscriptions=book, deliveries=book, reports=reports,
                                 announcements=Announced(), configured_targets=(TARGET,)))
    await run_in(commands, "remind on", "en")
    replies = {text: await run_in(commands, text, "en", admin=True)
               for text in ("list", "schedule", "remind list", "report", "help")}
    shown = {text: to_reply_text(reply) for text, reply in replies.items()}

    for text, words in shown.items():
        assert japanese_left(words) == [], (text, words)
    assert "帯広市 (Obihiro): " in shown["list"] and shown["list"].endswith(
        "Source: 道内基礎自治体との連携の推進 / 2019-12-17 (Tue) / 北見市と北海道経済産業局が、関係人口の創出・拡大等により"
        "新たな人の流れをつくるために覚書を締結します / 2021-03-23 (Tue)")
    schedule = shown["schedule"]
    assert schedule.startswith("Ahead (3):\n- ") and "  Place: " in schedule
    assert "2020-01-31 (Fri) 11:00–11:30 (in 6 days)" in schedule
    assert "  Reminders: 2020-01-30 (Thu) 11:00 (1 day before), 2020-01-31 (Fri) 10:00 (1 hour before)" in schedule
    assert "New memoranda announced:\n• ✅ Sent 2020-01-25 (Sat) 10:00 — 北見市と" in schedule
    assert " (correction) → slack:C1" in schedule and "• ⏳ Waiting — 北見市と" in schedule
    remind = shown["remind list"]
    for words in ("Reminders here:", "✅ On (you since 2020-01-25 (Sat) 10:00)", "✅ On (REMINDER_CHANNELS)",
                  "Next reminders:", "• 2020-01-30 (Thu) 11:00 — ", " (1 day before)",
                  "Reminders that could not be posted:", "• 2020-01-25 (Sat) 10:00 obihiro-ceremony: not_in_channel",
                  "New memoranda announced:", "• ✅ Sent 2020-01-25 (Sat) 10:00 — 北見市と"):
        assert words in remind, words
    assert shown["report"].startswith("# Renkei Bot report — 0 unanswered") and reports.asked == ["en"]
    assert "Examples:" in shown["help"]
    assert all(getattr(reply, "language", "en") == "en" for reply in replies.values())


async def test_the_same_commands_in_japanese_are_unchanged(kb: Any) -> None:
    commands = Commands(Services(knowledge=lambda: kb, announcements=Announced()))
    schedule = to_reply_text(await run_in(commands, "schedule", "ja"))
    assert schedule.startswith("今後の予定（3件）:\n・") and "2020年1月31日（金） 11:00～11:30（あと6日）" in schedule
    assert "　リマインダー: 2020年1月30日（木） 11:00（1日前）、2020年1月31日（金） 10:00（1時間前）" in schedule
    assert "新しい覚書のお知らせ:\n・✅ 送信済み 2020年1月25日（土） 10:00 — 北見市と" in schedule and "（訂正） → slack:C1" in schedule
    listed = to_reply_text(await run_in(commands, "list", "ja"))
    assert "帯広市: " in listed and "(Obihiro)" not in listed and "出典: 道内基礎自治体との連携の推進 / 2019年12月17日（火） ／ " in listed


@pytest.mark.adapter
async def test_slack_commands_and_app_home_follow_the_users_locale(tmp_path: Path) -> None:
    async with FakeSlack() as slack:
        slack.locales[ASKER] = "en-US"
        settings = make_settings(slack, database_url=f"sqlite:///{tmp_path / 'renkei.db'}")
        dispatcher, store = make_dispatcher(), Store(settings.database_url)
        try:
            async with running_app(settings, dispatcher, commands=build_commands(settings, dispatcher, store)) as app:
                for text in ("list", "schedule", "remind on", "remind list"):
                    await app.post_command(slash_command(text, response_url=slack.response_url(text)))
                await app.post_event(event_callback(home_opened()))
                await app.settle()
        finally:
            store.close()
    shown = {call.path.rsplit("/", 1)[-1]: "\n".join(to_texts(call.body)) for call in slack.calls_to("response_url")}
    [home] = slack.calls_to("views.publish")
    shown["home"] = "\n".join(to_texts(home.body["view"]))
    assert set(shown) >= {"list", "schedule", "remind on", "remind list", "home"}, set(shown)
    for name, text in shown.items():
        assert japanese_left(text) == [], (name, text)
    assert "Partner cities and their themes" in shown["list"] and "Theme: " in shown["list"]
    assert "Each city's signing ceremony" in shown["schedule"] and "(in 6 days)" in shown["schedule"]
    assert "turned on reminders of ceremonies and events here." in shown["remind on"]
    assert "*Reminders here*" in shown["remind list"] and "*Next reminders*" in shown["remind list"]
    assert "How to ask" in shown["home"] and "📅 Planned date passed" in shown["home"]
    assert_every_payload_round_trips(slack)


@pytest.mark.adapter
async def test_teams_commands_follow_the_activitys_locale(tmp_path: Path) -> None:
    async with running_teams(tmp_path) as teams:
        cards = {}
        for text in ("list", "schedule", "remind on", "remind list"):
            activity = teams.activities.message(text)
            activity["locale"] = "en-US"
            sent = len(teams.connector.calls)
            assert await teams.post(activity) == 202
            cards[text] = (await teams.connector.wait_for(sent + 1))[-1].card
    for text, card in cards.items():
        assert_valid_card(card)
        assert card["lang"] == "en", text
        shown = "\n".join(strings_of(card)).replace(str(USER["name"]), "")  # the user's name is theirs
        assert japanese_left(shown) == [], (text, card)
    assert strings_of_first(cards["list"]) == "Partner cities and their themes"
    assert strings_of_first(cards["schedule"]) == "Ceremonies and events"
    assert "Reminders here" in list(strings_of(cards["remind list"]))


def strings_of_first(card: dict[str, Any]) -> str:
    return next(strings_of(card))


def test_the_console_speaks_the_language_of_the_last_question() -> None:
    lines = "When is the Obihiro signing ceremony?\nlist\n帯広の締結式はいつ?\nlist\n"
    out = io.StringIO()
    run_chat(make_dispatcher(), io.StringIO(lines), out)
    english_answer, english_list, japanese_answer, japanese_list = out.getvalue().split("あなた> ")[1:5]

    assert "Related questions:" in english_answer and "Source: 道内基礎自治体との連携の推進" in english_answer
    assert "📅 Add to calendar: " in english_answer and "obihiro-ceremony" in english_answer
    assert "帯広市 (Obihiro): " in english_list and "Source: " in english_list
    assert japanese_left(english_list) == [], english_list
    assert "関連する質問:" in japanese_answer and "📅 カレンダーに追加: " in japanese_answer
    assert "帯広市: " in japanese_list and "出典: " in japanese_list and "(Obihiro)" not in japanese_list
