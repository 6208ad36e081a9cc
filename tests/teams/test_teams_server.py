"""Teams end to end: activities POSTed over real HTTP to the running aiohttp app's /api/messages
(anonymous mode, TEAMS_ANONYMOUS=true), replies recorded by the fake Bot Connector."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.answering.dispatch import Asked
from bot.store.records import Target
from tests.fakes.fake_connector import REPLY, UPDATE, Call
from tests.teams_support import (
    BOT,
    CHANNEL,
    GROUP,
    PERSONAL,
    USER,
    TeamsRig,
    assert_valid_card,
    in_thread,
    running_teams,
)

pytestmark = pytest.mark.adapter


@pytest.fixture()
async def teams(tmp_path: Path) -> AsyncIterator[TeamsRig]:
    async with running_teams(tmp_path) as rig:
        yield rig


def question_line(call: Call) -> str:
    return next(line for line in call.card_text.splitlines() if line.startswith("💬 質問: "))


def submit_data(card: dict[str, Any], title: str) -> dict[str, Any]:
    """The data of the card's button titled `title` (in an ActionSet or the action bar)."""
    actions = list(card.get("actions", []))
    for element in card["body"]:
        actions += element.get("actions", []) if element["type"] == "ActionSet" else []
    return dict(next(action["data"] for action in actions if action["title"] == title))


async def test_a_personal_message_is_answered_with_a_card_in_the_chat(teams: TeamsRig) -> None:
    asked: list[Asked] = []
    teams.dispatcher.observers.append(asked.append)
    activity = teams.activities.message("旭川市の締結式はいつ?")
    assert await teams.post(activity) == 202
    (question,) = asked
    assert (question.platform, question.conversation_id, question.user_id) == (
        "teams", f"teams:{PERSONAL}", USER["aadObjectId"])
    (reply,) = await teams.connector.wait_for(1)
    assert (reply.kind, reply.conversation_id, reply.activity_id) == (REPLY, PERSONAL, activity["id"])
    assert reply.path == f"/v3/conversations/{PERSONAL}/activities/{activity['id']}"
    assert reply.authorization is None  # anonymous mode: no token is sent
    assert reply.body["replyToId"] == activity["id"]
    assert reply.body["recipient"]["id"] == USER["id"] and reply.body["from"]["id"] == BOT["id"]
    assert_valid_card(reply.card)
    text = reply.card_text
    assert text.splitlines()[0] == "旭川市の締結式の日時"
    assert "2020年1月20日（月） 10:30～11:00" in text
    assert "予定日（2020年1月20日（月））を過ぎています" in text and "出典: 道内基礎自治体との連携の推進" in text
    assert question_line(reply) == "💬 質問: 旭川市の締結式はいつ?"
    assert [action["title"] for action in reply.card["actions"]] == ["👍 役に立った", "👎 役に立たなかった"]
    # The first message stored where to send reminders later.
    reference = teams.store.references.load("teams", PERSONAL)
    assert reference is not None and reference["serviceUrl"] == teams.connector.service_url
    assert reference["conversation"]["id"] == PERSONAL and "activityId" not in reference


async def test_a_channel_mention_is_answered_in_its_thread_without_the_mention(teams: TeamsRig) -> None:
    activity = teams.activities.channel_mention("旭川市の締結式はいつ?", root_id="1700000000900")
    assert await teams.post(activity) == 202
    (reply,) = await teams.connector.wait_for(1)
    thread = in_thread(CHANNEL, "1700000000900")
    assert (reply.kind, reply.conversation_id) == (REPLY, thread)
    assert question_line(reply) == "💬 質問: 旭川市の締結式はいつ?"
    assert "Renkei Bot" not in question_line(reply) and "<at>" not in reply.card_text
    assert reply.card_text.splitlines()[0] == "旭川市の締結式の日時"
    # Reminders go to the channel itself, so the reference is stored for the channel, not the thread.
    reference = teams.store.references.load("teams", CHANNEL)
    assert reference is not None and reference["conversation"]["id"] == CHANNEL
    assert teams.store.references.load("teams", thread) is None


async def test_a_mention_without_its_entity_is_still_removed_and_other_mentions_stay(teams: TeamsRig) -> None:
    activity = teams.activities.message("<at>Renkei Bot</at> <at>鈴木</at>さんと &quot;旭川市の締結式はいつ?&quot;",
                                        conversation=GROUP, conversation_type="groupChat")
    assert await teams.post(activity) == 202
    (reply,) = await teams.connector.wait_for(1)
    assert reply.conversation_id == GROUP
    assert question_line(reply) == '💬 質問: @鈴木さんと "旭川市の締結式はいつ?"'


async def test_a_follow_up_uses_the_context_of_the_same_conversation_only(teams: TeamsRig) -> None:
    await teams.post(teams.activities.message("旭川市の締結式はいつ?"))
    await teams.post(teams.activities.message("場所は?"))
    other = teams.activities.message("場所は?", conversation=GROUP, conversation_type="groupChat")
    await teams.post(other)
    _, follow_up, elsewhere = await teams.connector.wait_for(3)
    assert follow_up.conversation_id == PERSONAL
    assert follow_up.card_text.splitlines()[0] == "旭川市の締結式の場所"
    assert "旭川市役所 2階 秘書課第2応接室" in follow_up.card_text
    # A new conversation has no context: it is asked which city.
    assert elsewhere.conversation_id == GROUP and "どの市" in elsewhere.card_text.splitlines()[0]


async def test_a_choice_button_replaces_the_clarification_with_the_answer(teams: TeamsRig) -> None:
    await teams.post(teams.activities.channel_mention("連携事項は?"))
    (clarify,) = await teams.connector.wait_for(1)
    assert_valid_card(clarify.card)
    assert "actions" not in clarify.card  # no 👍 / 👎 under a question back
    choice = submit_data(clarify.card, "旭川市")
    card_id = "1000000000001"  # the id the fake connector gave the clarification card
    press = teams.activities.message(None, conversation=clarify.conversation_id, conversation_type="channel",
                                     value=choice, reply_to_id=card_id)
    assert await teams.post(press) == 202
    _, update = await teams.connector.wait_for(2)
    assert (update.kind, update.http_method, update.activity_id) == (UPDATE, "PUT", card_id)
    assert update.path == f"/v3/conversations/{clarify.conversation_id}/activities/{card_id}"
    assert_valid_card(update.card)
    assert update.card_text.splitlines()[0] == "旭川市の主な連携・協力事項"
    assert question_line(update) == f"💬 質問: {choice['q']}"


async def test_a_choice_whose_card_cannot_be_edited_is_answered_in_a_new_message(teams: TeamsRig) -> None:
    await teams.post(teams.activities.message("連携事項は?"))
    (clarify,) = await teams.connector.wait_for(1)
    teams.connector.fail(404)
    press = teams.activities.message(None, value=submit_data(clarify.card, "帯広市"), reply_to_id="1000000000001")
    assert await teams.post(press) == 202
    _, failed_update, reply = await teams.connector.wait_for(3)
    assert (failed_update.kind, failed_update.status) == (UPDATE, 404)
    assert reply.kind == REPLY and reply.card_text.splitlines()[0] == "帯広市の主な連携・協力事項"


async def test_feedback_buttons_record_a_vote_in_the_store(teams: TeamsRig) -> None:
    await teams.post(teams.activities.message("旭川市の締結式はいつ?"))
    (answer,) = await teams.connector.wait_for(1)
    press = teams.activities.message(None, value=submit_data(answer.card, "👍 役に立った"), reply_to_id="1000000000001")
    assert await teams.post(press) == 202
    press = teams.activities.message(None, value=submit_data(answer.card, "👎 役に立たなかった"))
    assert await teams.post(press) == 202
    _, thanks = await teams.connector.wait_for(2)
    assert thanks.kind == UPDATE and "フィードバックありがとうございました" in thanks.card_text
    assert len(teams.connector.calls) == 2  # the card of the second vote is unknown: left as it is
    up, down = teams.store.votes.all()
    assert (up.platform, up.conversation_id, up.user_id) == ("teams", f"teams:{PERSONAL}", USER["aadObjectId"])
    assert (up.question, up.helpful, up.answer_kind, up.topic_id) == ("旭川市の締結式はいつ?", True, "answer",
                                                                      "ceremony_when")
    assert down.helpful is False


async def test_a_button_that_is_not_ours_is_ignored(teams: TeamsRig) -> None:
    assert await teams.post(teams.activities.message(None, value={"action": "something else"})) == 202
    assert await teams.post(teams.activities.message("list")) == 202
    (only,) = await teams.connector.wait_for(1)
    assert "覚書を締結した市とテーマ" in only.card_text
    assert teams.store.votes.all() == []


async def test_installing_in_a_team_stores_the_reference_and_welcomes(teams: TeamsRig) -> None:
    update = teams.activities.conversation_update(conversation=CHANNEL)
    assert await teams.post(update) == 202
    (welcome,) = await teams.connector.wait_for(1)
    assert (welcome.kind, welcome.conversation_id, welcome.activity_id) == (REPLY, CHANNEL, update["id"])
    assert_valid_card(welcome.card)
    assert welcome.card_text.splitlines()[0] == "Renkei Bot（連携ボット）の使い方"
    assert "remind on|off|list: この会話・チャンネルで締結式・イベントのリマインダーを受け取る（on / off / list）" in welcome.card_text
    reference = teams.store.references.load("teams", CHANNEL)
    assert reference is not None and reference["serviceUrl"] == teams.connector.service_url
    assert reference["bot"]["id"] == BOT["id"]


async def test_an_installation_update_stores_the_reference_and_a_removal_stops_reminders(teams: TeamsRig) -> None:
    assert await teams.post(teams.activities.installation_update("add")) == 202
    assert teams.store.references.load("teams", PERSONAL) is not None
    assert teams.connector.calls == []  # conversationUpdate welcomes; installationUpdate only stores
    await teams.post(teams.activities.message("remind on"))
    assert teams.store.subscriptions.subscription(Target("teams", PERSONAL)) is not None
    assert await teams.post(teams.activities.installation_update("remove")) == 202
    assert teams.store.subscriptions.subscription(Target("teams", PERSONAL)) is None


async def test_remind_commands_subscribe_the_channel_not_the_thread(teams: TeamsRig) -> None:
    await teams.post(teams.activities.channel_mention("remind on"))
    await teams.post(teams.activities.channel_mention("remind on"))
    await teams.post(teams.activities.channel_mention("remind list"))
    await teams.post(teams.activities.channel_mention("remind off"))
    await teams.post(teams.activities.channel_mention("remind sometimes"))
    on, again, listing, off, usage = await teams.connector.wait_for(5)
    for call in (on, again, listing, off, usage):
        assert_valid_card(call.card)
    assert "佐藤 花子 さんがこの会話で締結式・イベントのリマインダーを有効にしました。" in on.card_text
    assert "すでにリマインダーを受け取る設定です" in again.card_text
    assert "✅ 有効" in listing.card_text and "\n次のリマインダー\n・なし" in listing.card_text
    assert "佐藤 花子 さんがこの会話のリマインダーを停止しました。" in off.card_text
    assert "使い方: 「remind on」（この会話で受け取る）" in usage.card_text
    assert teams.store.subscriptions.all("teams") == []


async def test_help_list_and_schedule_commands(teams: TeamsRig) -> None:
    for text in ("help", "ＬＩＳＴ", "schedule", "", "？"):
        await teams.post(teams.activities.message(text))
    help_card, list_card, schedule, empty, question_mark = await teams.connector.wait_for(5)
    for call in (help_card, list_card, schedule, empty, question_mark):
        assert_valid_card(call.card)
    assert help_card.card_text.splitlines()[0] == "Renkei Bot（連携ボット）の使い方"
    assert empty.card == help_card.card and question_mark.card == help_card.card
    assert "旭川市" in list_card.card_text and "覚書を締結した市とテーマ" in list_card.card_text
    assert "今後予定されている締結式・イベントはありません。" in schedule.card_text
    assert "北見市との覚書締結式" in schedule.card_text and "予定日を過ぎています" in schedule.card_text


async def test_a_too_long_question_is_refused(teams: TeamsRig) -> None:
    await teams.post(teams.activities.message("旭川" * 600))
    (reply,) = await teams.connector.wait_for(1)
    assert "ご質問が長すぎます（1,200文字）" in reply.card_text


async def test_anonymous_mode_refuses_a_service_url_off_this_machine(teams: TeamsRig) -> None:
    activity = teams.activities.message("旭川市の締結式はいつ?")
    activity["serviceUrl"] = "https://smba.trafficmanager.net/amer/"
    assert await teams.post(activity) == 401
    assert teams.store.references.load("teams", PERSONAL) is None


async def test_anonymous_mode_still_refuses_a_bad_token(teams: TeamsRig) -> None:
    activity = teams.activities.message("旭川市の締結式はいつ?")
    assert await teams.post(activity, headers={"Authorization": "Bearer not-a-jwt"}) == 401
    assert await teams.post(teams.activities.message("list")) == 202
    (only,) = await teams.connector.wait_for(1)
    assert "覚書を締結した市とテーマ" in only.card_text


async def test_health_check_still_served_alongside_teams(teams: TeamsRig) -> None:
    async with teams.session.get(f"{teams.url}/healthz") as response:
        assert response.status == 200
        assert (await response.json())["status"] == "ok"
