"""The bot's own words in one catalog (bot/language/messages.py), in Japanese and English: every message in
both, the same placeholders in both; help, refusals and thanks in the user's language where the
platform gives it (Teams' locale, Slack's users.info), the facts always as the documents state them."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

from bot.answering.dispatch import now_jst
from bot.answering.help import to_examples, to_intro
from bot.commands.registry import Commands, Mention, Request, Services
from bot.knowledge.model import load_knowledge
from bot.language.messages import CATALOG, LANGUAGES, language_of_locale, language_of_text, placeholders, say
from bot.store.records import Subscriber, Target
from handlers.console import to_reply_text
from tests.conftest import DATA_PATH
from tests.fakes.fake_slack import FakeSlack
from tests.fakes.slack_app import ASKER, make_dispatcher, make_settings, running_app, slash_command
from tests.teams_support import running_teams

pytestmark = pytest.mark.unit

KB = load_knowledge(DATA_PATH)


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_every_message_is_in_both_languages_needing_no_other_values(key: str) -> None:
    texts = CATALOG[key]
    assert set(texts) == set(LANGUAGES)
    # English may leave out where (「この${place}で」 is "here"), never need more than Japanese is given.
    assert placeholders(texts["en"]) <= placeholders(texts["ja"]), key
    # No Japanese words in the English text, except quoted (「…」) ones.
    assert not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", re.sub(r"「[^」]*」", "", texts["en"])), key


@pytest.mark.parametrize(("locale", "language"), [
    ("en-US", "en"), ("en_GB", "en"), ("EN", "en"), ("ja-JP", "ja"), ("", "ja"), (None, "ja"), ("fr-FR", "ja"),
    ("ena", "ja"),
])
def test_language_of_a_locale(locale: str | None, language: str) -> None:
    assert language_of_locale(locale) == language


@pytest.mark.parametrize(("text", "language"), [
    ("When is the Muroran ceremony?", "en"), ("室蘭の締結式はいつ?", "ja"), ("muroran no renkei", "en"),
    ("MaaSって帯広?", "ja"), ("12:30", "ja"),
])
def test_language_of_a_question(text: str, language: str) -> None:
    assert language_of_text(text) == language


def test_english_help_keeps_the_facts_as_the_documents_state_them() -> None:
    intro = to_intro(KB, "en")
    assert intro.startswith("Answers questions about the memoranda of 北海道経済産業局 with 旭川市 (Asahikawa), ")
    assert "(2 announcements, 17 Dec 2019 to 23 Mar 2021)" in intro
    assert to_examples(KB, "en")[:2] == ["What are Kitami's cooperation items?", "When is Asahikawa's signing ceremony?"]
    assert to_intro(KB) == to_intro(KB, "ja") and "について答えます" in to_intro(KB)


async def run(text: str, language: str, *, is_admin: bool = False) -> str:
    commands = Commands(Services(knowledge=lambda: KB))
    invocation = commands.parse(text)
    assert invocation is not None
    request = Request(platform="console", target=None, user=Mention(""), is_admin=is_admin, now=now_jst(),
                      arguments=invocation.arguments, language=language)
    return to_reply_text(await commands.run(invocation, request))


async def test_commands_speak_the_requests_language() -> None:
    english = await run("help", "en")
    assert "Examples:" in english and "What are Kitami's cooperation items?" in english
    assert "help (how to use it, with example questions)" in english and "質問の例" not in english
    assert "質問の例:" in await run("help", "ja")
    assert await run("report", "en") == "Only admins can do this."
    assert await run("report", "ja") == "この操作は管理者のみ実行できます。"
    assert "This needs the database, and none is configured (DATABASE_URL)." in await run("remind on", "en")


@pytest.mark.adapter
async def test_teams_help_follows_the_activitys_locale(tmp_path: Path) -> None:
    async with running_teams(tmp_path) as teams:
        english = teams.activities.message("help")
        english["locale"] = "en-US"
        assert await teams.post(english) == 202
        japanese = teams.activities.message("help")
        japanese["locale"] = "ja-JP"
        assert await teams.post(japanese) == 202
        first, second = await teams.connector.wait_for(2)
    assert first.card_text.splitlines()[0].startswith("How to use Renkei Bot")
    assert "Examples" in first.card_text and "旭川市 (Asahikawa)" in first.card_text
    assert second.card_text.splitlines()[0].endswith("の使い方")


@pytest.mark.adapter
async def test_slack_help_follows_the_users_locale(slack: FakeSlack) -> None:
    slack.locales[ASKER] = "en-US"
    async with running_app(make_settings(slack), make_dispatcher()) as app:
        await app.post_command(slash_command("help", response_url=slack.response_url()))
        await app.settle()
    [response] = slack.calls_to("response_url")
    blocks = response.body["blocks"]
    assert blocks[0]["text"]["text"].startswith("How to use Renkei Bot")
    assert any("*Examples*" in block.get("text", {}).get("text", "") for block in blocks)
    [lookup] = slack.calls_to("users.info")
    assert lookup.body["user"] == ASKER and str(lookup.body["include_locale"]).lower() in ("1", "true")


def test_say_fills_numbers_with_separators() -> None:
    assert say("too_long", "en", length=1200, limit=1000) == (
        "Your question is too long (1,200 characters). Please ask in at most 1,000 characters.")


def test_the_slack_manifest_names_all_partners_or_none() -> None:
    import yaml

    from tests.conftest import ROOT

    manifest = yaml.safe_load((ROOT / "deploy" / "slack" / "manifest.yaml").read_text(encoding="utf-8"))
    description = manifest["display_information"]["description"]
    named = [p.name for p in KB.partners if p.name in description]
    assert named in ([], [p.name for p in KB.partners]), f"the description names only {named}"
    assert "users:read" in manifest["oauth_config"]["scopes"]["bot"]  # users.info: the user's language


class Book:
    """A SubscriptionBook in memory."""

    def __init__(self) -> None:
        self.on: dict[object, Subscriber] = {}

    async def turn_on(self, target: Target, user_id: str, now: datetime) -> bool:
        if target in self.on:
            return False
        self.on[target] = Subscriber(user_id, now)
        return True

    async def turn_off(self, target: Target) -> bool:
        return self.on.pop(target, None) is not None

    async def subscriber(self, target: Target) -> Subscriber | None:
        return self.on.get(target)


@pytest.mark.parametrize(("language", "expected"), [
    ("en", ["Reminders of ceremonies and events", "sato turned on reminders of ceremonies and events here.",
            "Reminders are already on here.", "✅ On (", "Next reminders", "sato turned reminders off here."]),
    ("ja", ["締結式・イベントのリマインダー", "さんがこのチャンネルで締結式・イベントのリマインダーを有効にしました。",
            "このチャンネルはすでにリマインダーを受け取る設定です。", "✅ 有効（", "次のリマインダー",
            "さんがこのチャンネルのリマインダーを停止しました。"]),
])
async def test_remind_speaks_the_requests_language(language: str, expected: list[str]) -> None:
    commands = Commands(Services(knowledge=lambda: KB, subscriptions=Book()))
    texts = []
    for words in ("remind on", "remind on", "remind list", "remind off"):
        invocation = commands.parse(words)
        assert invocation is not None
        request = Request(platform="slack", target=Target("slack", "C1"), user=Mention("U1", "sato"),
                          is_admin=False, now=now_jst(), arguments=invocation.arguments, place="チャンネル",
                          language=language)
        texts.append(to_reply_text(await commands.run(invocation, request)))
    joined = "\n".join(texts)
    for part in expected:
        assert part in joined, joined
