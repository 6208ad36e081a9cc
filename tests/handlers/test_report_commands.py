"""`/renkei report` (Slack, ADMIN_USER_IDS) and `report` (Teams, TEAMS_ADMIN_IDS): what
`python app.py report` prints, escaped and cut to each platform's limits. Signed slash commands
to the real Slack app, activities to the real /api/messages, both against a real SQLite file."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.ops.insights import build_report, to_interaction
from bot.store.records import Vote
from bot.store.store import Store
from handlers.runtime import build_commands
from handlers.settings import read_settings
from handlers.slack.blocks import MAX_MESSAGE_BLOCKS, MAX_TEXT_CHARS, escape_mrkdwn
from handlers.slack.command_blocks import FULL_REPORT_HINT, to_report_message
from handlers.slack.settings import SlackSettings
from handlers.teams.cards import to_card_activity, to_card_text
from handlers.teams.command_cards import to_report_card
from handlers.teams.settings import TeamsSettings
from tests.conftest import NOW
from tests.fakes.fake_slack import FakeSlack
from tests.fakes.slack_app import (
    ASKER,
    RunningApp,
    assert_round_trips,
    make_dispatcher,
    make_settings,
    running_app,
    slash_command,
    to_texts,
)
from tests.teams_support import USER, assert_valid_card, running_teams

pytestmark = pytest.mark.adapter

ADMIN = "U0ADMIN"
HOSTILE_QUESTION = "<!channel> ランチ&どこ行く <@U0OTHER>"
# Teams refuses a message over about 28 KB.
TEAMS_MAX_BYTES = 28_000


def fill(store: Store, unanswered: int = 0) -> str:
    """Fallbacks, a clarification and votes in `store`; returns `python app.py report`'s text."""
    engine = make_dispatcher().engine
    fallback = engine.answer("ランチどこ行く", context=None, now=NOW)
    clarify = engine.answer("プロジェクトは?", context=None, now=NOW)
    rows = [to_interaction(HOSTILE_QUESTION, "slack", "C1", fallback, NOW),
            to_interaction("ランチどこ行く?", "teams", "T1", fallback, NOW + timedelta(seconds=1)),
            to_interaction("プロジェクトは?", "slack", "C1", clarify, NOW + timedelta(seconds=2))]
    rows += [to_interaction(f"質問その{n}について詳しく教えてください【{'長' * 80}】{n}", "slack", f"C{n}", fallback, NOW)
             for n in range(unanswered)]
    for row in rows:
        store.questions.add(row)
    store.votes.add(Vote("slack", "C1", "", "帯広の連携事項", False, NOW, "answer", "cooperation"))
    store.votes.add(Vote("teams", "T1", "", "帯広の連携事項", True, NOW, "answer", "cooperation"))
    return build_report(store.questions.all(), store.votes.all())


# --- Slack ---------------------------------------------------------------------------------------


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'renkei.db'}")


@pytest.fixture()
async def app(slack: FakeSlack, store: Store) -> AsyncIterator[RunningApp]:
    settings = make_settings(slack, admin_user_ids=(ADMIN,))
    dispatcher = make_dispatcher()
    async with running_app(settings, dispatcher, commands=build_commands(settings, dispatcher, store)) as running:
        yield running


async def command(app: RunningApp, slack: FakeSlack, text: str, *, user: str = ASKER) -> dict[str, Any]:
    name = f"report{len(slack.calls)}"
    status, _ = await app.post_command(slash_command(text, response_url=slack.response_url(name), user=user))
    assert status == 200
    await app.settle()
    (reply,) = [call for call in slack.calls_to("response_url") if call.path.endswith(name)]
    return reply.body


async def test_slack_report_is_for_admins_and_matches_the_cli(app: RunningApp, slack: FakeSlack,
                                                              store: Store) -> None:
    report = fill(store)
    refused = await command(app, slack, "report")
    assert refused["text"] == "この操作は管理者のみ実行できます。" and "ランチ" not in json.dumps(refused, ensure_ascii=False)

    reply = await command(app, slack, "report", user=ADMIN)
    assert reply["response_type"] == "ephemeral"
    blocks = reply["blocks"]
    assert blocks[0]["type"] == "header" and blocks[0]["text"]["text"] == report.splitlines()[0].removeprefix("# ")
    shown = "\n".join(to_texts(blocks))
    for line in report.splitlines()[1:]:
        expected = f"*{escape_mrkdwn(line[3:])}*" if line.startswith("## ") else escape_mrkdwn(line)
        assert expected in shown, line
    assert "&lt;!channel&gt; ランチ&amp;どこ行く &lt;@U0OTHER&gt;" in shown
    assert "<!channel>" not in json.dumps(reply, ensure_ascii=False) and "<@U0OTHER>" not in shown
    assert "2 unanswered, 1 clarified, 2 votes" in shown and "cooperation: 👍 1 / 👎 1" in shown
    assert FULL_REPORT_HINT in shown


async def test_slack_report_alias_and_help(app: RunningApp, slack: FakeSlack, store: Store) -> None:
    fill(store)
    assert "unanswered" in str((await command(app, slack, "レポート", user=ADMIN))["blocks"])
    help_text = str((await command(app, slack, "help"))["blocks"])
    assert "report" in help_text and "管理者のみ" in help_text


async def test_slack_report_of_an_empty_store_says_none(app: RunningApp, slack: FakeSlack) -> None:
    shown = "\n".join(to_texts((await command(app, slack, "report", user=ADMIN))["blocks"]))
    assert "0 unanswered, 0 clarified, 0 votes" in shown and "(none)" in shown


def test_a_long_report_fits_slack_limits(store: Store) -> None:
    report = fill(store, unanswered=400) + "\n" + "\n".join(f"- {'&' * 4000}" for _ in range(60))
    message = to_report_message(report)
    assert len(message.blocks) == MAX_MESSAGE_BLOCKS
    assert all(len(block["text"]["text"]) <= MAX_TEXT_CHARS for block in message.blocks if block["type"] == "section")
    assert "一部を省略しました" in str(message.blocks[-2]) and FULL_REPORT_HINT in str(message.blocks[-1])
    assert_round_trips(message.blocks)


# --- Teams ---------------------------------------------------------------------------------------


def teams_admins(*ids: str) -> dict[str, str]:
    return {"TEAMS_ADMIN_IDS": ",".join(ids)}


async def test_teams_report_is_for_admins_and_matches_the_cli(tmp_path: Path) -> None:
    async with running_teams(tmp_path, env=teams_admins("someone-else", str(USER["aadObjectId"]))) as teams:
        report = fill(teams.store)
        for text in ("report", "レポート", "help"):
            assert await teams.post(teams.activities.message(text)) == 202
        card, alias, help_card = await teams.connector.wait_for(3)
    assert_valid_card(card.card)
    shown = card.card_text
    assert shown.splitlines()[0] == report.splitlines()[0].removeprefix("# ")
    for line in filter(str.strip, report.splitlines()[1:]):
        assert to_card_text(line.removeprefix("## ")) in shown, line
    assert HOSTILE_QUESTION in shown  # shown as typed: card text does not turn it into mentions
    assert alias.card == card.card
    assert "report: 答えられなかった質問" in help_card.card_text


async def test_teams_report_refuses_everyone_else(tmp_path: Path) -> None:
    async with running_teams(tmp_path, env=teams_admins("9a1b2c3d-0000-4000-8000-00000000ffff")) as teams:
        fill(teams.store)
        await teams.post(teams.activities.message("report"))
        (reply,) = await teams.connector.wait_for(1)
    assert reply.card_text == "この操作は管理者のみ実行できます。"


async def test_teams_admins_can_be_named_by_their_teams_id(tmp_path: Path) -> None:
    async with running_teams(tmp_path, env=teams_admins(str(USER["id"]))) as teams:
        fill(teams.store)
        await teams.post(teams.activities.message("report"))
        (reply,) = await teams.connector.wait_for(1)
    assert "unanswered" in reply.card_text


def test_a_long_report_fits_a_teams_message(store: Store) -> None:
    card = to_report_card(fill(store) + "\n" + "\n".join(f"- {n}× {'長い質問' * 100}" for n in range(80)))
    assert_valid_card(card)
    assert "一部を省略しました" in card["body"][-2]["text"]
    activity = to_card_activity(card).model_dump(mode="json", by_alias=True, exclude_none=True)
    # As the SDK sends it (aiohttp's json.dumps: every non-ASCII character escaped).
    assert len(json.dumps(activity).encode()) < TEAMS_MAX_BYTES


def test_teams_admin_ids_are_read_from_the_environment() -> None:
    settings = read_settings({"TEAMS_ADMIN_IDS": " a-1 , 29:b ,", "ADMIN_USER_IDS": "U1"})
    assert settings.section(TeamsSettings).admin_ids == ("a-1", "29:b")
    assert settings.section(SlackSettings).admin_user_ids == ("U1",)
    assert read_settings({}).section(TeamsSettings).admin_ids == ()
