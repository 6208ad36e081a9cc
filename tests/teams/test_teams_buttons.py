"""Teams card buttons in every conversation and delivery mode (issue 13): in a personal chat a
button's answer replaces its card; in a channel or group chat it is a new reply in the thread
(a clarification excepted); a vote turns its card's 👍 / 👎 into a thank-you line and counts once
per person and answer; with `deliveryMode: expectReplies` every reply is in the HTTP body and
nothing reaches the connector; an Action.Execute invoke gets a 200 "not supported"."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from bot.commands.registry import APOLOGY
from handlers.teams.answer_cards import VOTED
from handlers.teams.card_actions import NOT_SUPPORTED, SentCards
from handlers.teams.cards import CARD_CONTENT_TYPE
from tests.fakes.fake_connector import REPLY, UPDATE, Call
from tests.outage_support import database_outage
from tests.teams_support import CHANNEL, GROUP, PERSONAL, USER, TeamsRig, assert_valid_card, in_thread, running_teams

pytestmark = pytest.mark.adapter

RELATED = "主な連携・協力事項"  # a related question under the answer to 旭川市の締結式はいつ?
RELATED_TITLE = "旭川市の主な連携・協力事項"
FIRST_CARD_ID = "1000000000001"  # the id the fake connector gives the first card sent
ANOTHER_USER = {"id": "29:user-suzuki", "name": "鈴木 一郎", "aadObjectId": "9a1b2c3d-0000-4000-8000-00000000ef01"}


@pytest.fixture()
async def teams(tmp_path: Path) -> AsyncIterator[TeamsRig]:
    async with running_teams(tmp_path) as rig:
        yield rig


async def post_for_body(rig: TeamsRig, activity: Mapping[str, Any]) -> tuple[int, Any]:
    async with rig.session.post(f"{rig.url}/api/messages", data=json.dumps(activity),
                                headers={"Content-Type": "application/json"}) as response:
        text = await response.text()
        return response.status, json.loads(text) if text else None


def submit_data(card: Mapping[str, Any], title: str) -> dict[str, Any]:
    actions = list(card.get("actions", []))
    for element in card["body"]:
        actions += element.get("actions", []) if element["type"] == "ActionSet" else []
    return dict(next(action["data"] for action in actions if action["title"] == title))


def card_texts(card: Mapping[str, Any]) -> list[str]:
    return [element.get("text", "") for element in card["body"]]


def body_cards(body: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [attachment["content"] for activity in body["activities"] for attachment in activity.get("attachments", [])
            if attachment["contentType"] == CARD_CONTENT_TYPE]


async def ask(rig: TeamsRig, question: str, *, scope: str) -> tuple[dict[str, Any], Call]:
    """Ask in `scope` (personal, channel, group); the asking activity and the answer card sent."""
    if scope == "channel":
        activity = rig.activities.channel_mention(question)
    elif scope == "group":
        activity = rig.activities.message(f"<at>Renkei Bot</at> {question}", conversation=GROUP,
                                          conversation_type="groupChat", mention=True)
    else:
        activity = rig.activities.message(question)
    assert await rig.post(activity) == 202
    (answer,) = await rig.connector.wait_for(1)
    return activity, answer


def press(rig: TeamsRig, asked: Mapping[str, Any], data: Mapping[str, Any], *, card_id: str | None = FIRST_CARD_ID,
          user: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The Action.Submit activity of a button on the card answering `asked`, in its conversation."""
    conversation = asked["conversation"]
    activity = rig.activities.message(None, conversation=conversation["id"],
                                      conversation_type=conversation["conversationType"], value=data,
                                      reply_to_id=card_id)
    if user is not None:
        activity["from"] = dict(user)
    return activity


# --- related questions and choices ---------------------------------------------------------------


async def test_a_related_question_in_a_personal_chat_replaces_the_card(teams: TeamsRig) -> None:
    asked, answer = await ask(teams, "旭川市の締結式はいつ?", scope="personal")
    assert await teams.post(press(teams, asked, submit_data(answer.card, RELATED))) == 202
    assert [call.kind for call in teams.connector.calls] == [REPLY, UPDATE]
    update = teams.connector.calls[1]
    assert (update.conversation_id, update.activity_id) == (PERSONAL, FIRST_CARD_ID)
    assert card_texts(update.card)[0] == RELATED_TITLE
    assert_valid_card(update.card)


@pytest.mark.parametrize("scope", ["channel", "group"])
async def test_a_related_question_in_a_shared_conversation_is_a_new_reply_and_the_answer_stays(
        teams: TeamsRig, scope: str) -> None:
    asked, answer = await ask(teams, "旭川市の締結式はいつ?", scope=scope)
    assert await teams.post(press(teams, asked, submit_data(answer.card, RELATED))) == 202
    assert [call.kind for call in teams.connector.calls] == [REPLY, REPLY]  # no UPDATE: the answer stays
    reply = teams.connector.calls[1]
    assert reply.conversation_id == asked["conversation"]["id"]  # the same chat / channel thread
    assert card_texts(reply.card)[0] == RELATED_TITLE


async def test_a_clarification_in_a_group_chat_is_replaced_by_its_answer(teams: TeamsRig) -> None:
    asked, clarify = await ask(teams, "連携事項は?", scope="group")
    assert await teams.post(press(teams, asked, submit_data(clarify.card, "旭川市"))) == 202
    assert [call.kind for call in teams.connector.calls] == [REPLY, UPDATE]
    assert card_texts(teams.connector.calls[1].card)[0] == RELATED_TITLE


# --- feedback ------------------------------------------------------------------------------------


@pytest.mark.parametrize("scope", ["personal", "channel"])
async def test_a_vote_updates_its_card_and_posts_nothing_new(teams: TeamsRig, scope: str) -> None:
    asked, answer = await ask(teams, "旭川市の締結式はいつ?", scope=scope)
    assert await teams.post(press(teams, asked, submit_data(answer.card, "👍 役に立った"))) == 202
    assert [call.kind for call in teams.connector.calls] == [REPLY, UPDATE]
    update = teams.connector.calls[1]
    assert (update.conversation_id, update.activity_id) == (asked["conversation"]["id"], FIRST_CARD_ID)
    assert "actions" not in update.card  # the 👍 / 👎 are gone
    assert card_texts(update.card)[-1] == VOTED
    assert card_texts(update.card)[:-1] == card_texts(answer.card)  # the answer itself unchanged
    assert_valid_card(update.card)
    (vote,) = teams.store.votes.all()
    assert (vote.helpful, vote.question, vote.conversation_id) == (True, "旭川市の締結式はいつ?",
                                                                   f"teams:{asked['conversation']['id']}")


@pytest.mark.parametrize("scope", ["personal", "channel"])
async def test_a_second_vote_by_the_same_person_on_the_same_answer_is_not_recorded(
        teams: TeamsRig, scope: str) -> None:
    asked, answer = await ask(teams, "旭川市の締結式はいつ?", scope=scope)
    for title in ("👍 役に立った", "👎 役に立たなかった"):  # a stale client still shows the buttons
        assert await teams.post(press(teams, asked, submit_data(answer.card, title))) == 202
    assert await teams.post(press(teams, asked, submit_data(answer.card, "👎 役に立たなかった"),
                                  user=ANOTHER_USER)) == 202
    votes = teams.store.votes.all()
    assert [(vote.user_id, vote.helpful) for vote in votes] == [
        (USER["aadObjectId"], True), (ANOTHER_USER["aadObjectId"], False)]
    assert REPLY not in [call.kind for call in teams.connector.calls[1:]]


async def test_a_vote_on_a_card_this_process_did_not_send_is_recorded_and_nothing_is_posted(
        teams: TeamsRig) -> None:
    data = {"renkei": "feedback", "q": "旭川市の締結式はいつ?", "helpful": True, "k": "answer", "t": None}
    activity = teams.activities.channel_mention("x")
    assert await teams.post(press(teams, activity, data, card_id="1999999999999")) == 202
    assert teams.connector.calls == []
    assert [vote.helpful for vote in teams.store.votes.all()] == [True]


# --- expectReplies -------------------------------------------------------------------------------


@pytest.mark.parametrize("scope", ["personal", "channel"])
async def test_expect_replies_returns_a_buttons_answer_in_the_body_and_sends_nothing(
        teams: TeamsRig, scope: str) -> None:
    asked, answer = await ask(teams, "旭川市の締結式はいつ?", scope=scope)
    teams.connector.clear()
    activity = press(teams, asked, submit_data(answer.card, RELATED)) | {"deliveryMode": "expectReplies"}
    status, body = await post_for_body(teams, activity)
    assert status == 200
    (card,) = body_cards(body)
    assert card_texts(card)[0] == RELATED_TITLE and "申し訳ありません" not in json.dumps(card, ensure_ascii=False)
    assert_valid_card(card)
    assert teams.connector.calls == []


async def test_expect_replies_answers_a_clarification_choice_in_the_body(teams: TeamsRig) -> None:
    asked, clarify = await ask(teams, "連携事項は?", scope="channel")
    teams.connector.clear()
    activity = press(teams, asked, submit_data(clarify.card, "旭川市")) | {"deliveryMode": "expectReplies"}
    status, body = await post_for_body(teams, activity)
    assert status == 200 and [card_texts(card)[0] for card in body_cards(body)] == [RELATED_TITLE]
    assert teams.connector.calls == []


@pytest.mark.parametrize("scope", ["personal", "channel"])
async def test_expect_replies_acknowledges_a_vote_in_the_body_and_sends_nothing(teams: TeamsRig, scope: str) -> None:
    asked, answer = await ask(teams, "旭川市の締結式はいつ?", scope=scope)
    teams.connector.clear()
    activity = press(teams, asked, submit_data(answer.card, "👎 役に立たなかった")) | {"deliveryMode": "expectReplies"}
    status, body = await post_for_body(teams, activity)
    assert status == 200
    (card,) = body_cards(body)
    assert card_texts(card)[-1] == VOTED and "actions" not in card
    assert teams.connector.calls == []
    assert [vote.helpful for vote in teams.store.votes.all()] == [False]


async def test_expect_replies_answers_a_typed_question_in_the_body(teams: TeamsRig) -> None:
    activity = teams.activities.channel_mention("旭川市の締結式はいつ?") | {"deliveryMode": "expectReplies"}
    status, body = await post_for_body(teams, activity)
    assert status == 200
    (card,) = body_cards(body)
    assert card_texts(card)[0] == "旭川市の締結式の日時" and "actions" in card
    assert teams.connector.calls == []


# --- Action.Execute ------------------------------------------------------------------------------


@pytest.mark.parametrize("conversation", [PERSONAL, in_thread(CHANNEL, "1700000000900")])
async def test_an_action_execute_invoke_gets_a_200_not_supported_message(teams: TeamsRig, conversation: str) -> None:
    activity = teams.activities.message(None, conversation=conversation,
                                        conversation_type="personal" if conversation == PERSONAL else "channel")
    activity |= {"type": "invoke", "name": "adaptiveCard/action",
                 "value": {"action": {"type": "Action.Execute", "verb": "renkei", "data": {"q": "旭川"}},
                           "trigger": "manual"}}
    status, body = await post_for_body(teams, activity)
    assert status == 200
    assert body == {"statusCode": 200, "type": "application/vnd.microsoft.activity.message", "value": NOT_SUPPORTED}
    assert teams.connector.calls == []


def test_the_cards_kept_for_votes_are_the_latest_ones() -> None:
    sent = SentCards(max_cards=2)
    for activity_id in ("1", "2", "3"):
        sent.remember(activity_id, {"body": [{"text": activity_id}]})
    assert (sent.get("1"), sent.get(None)) == (None, None)
    assert [sent.get(activity_id) for activity_id in ("2", "3")] == [{"body": [{"text": "2"}]}, {"body": [{"text": "3"}]}]


# --- replays (issue 20, item 8) ------------------------------------------------------------------


async def test_a_replayed_card_action_is_answered_once(tmp_path: Path, database_url: str) -> None:
    async with running_teams(tmp_path, env={"DATABASE_URL": database_url}) as rig:
        asked, answer = await ask(rig, "旭川市の締結式はいつ?", scope="channel")
        action = press(rig, asked, submit_data(answer.card, RELATED))
        assert [await rig.post(action) for _ in range(5)] == [202] * 5
        assert [call.kind for call in rig.connector.calls] == [REPLY, REPLY]  # the answer, one reply to the press
        assert await rig.post(press(rig, asked, submit_data(answer.card, RELATED))) == 202  # a new press
        assert [call.kind for call in rig.connector.calls] == [REPLY, REPLY, REPLY]


async def test_a_question_during_a_database_outage_is_answered(tmp_path: Path, database_url: str) -> None:
    # Issue 20: the conversation reference (kept for reminders) cannot be saved; the answer is due.
    with database_outage(database_url) as outage:
        async with running_teams(tmp_path, env={"DATABASE_URL": outage.url}) as rig:
            outage.attach(rig.store.db)
            outage.down()
            _, answer = await ask(rig, "旭川市の締結式はいつ?", scope="personal")
            outage.up()
    assert card_texts(answer.card)[0] != APOLOGY and "旭川" in "".join(card_texts(answer.card))


# --- English (issue 18): the thank-you follows the card's language --------------------------------


async def test_a_vote_on_an_english_card_is_thanked_in_english(teams: TeamsRig) -> None:
    asked, answer = await ask(teams, "When is the Asahikawa signing ceremony?", scope="personal")
    assert answer.card["lang"] == "en"
    assert await teams.post(press(teams, asked, submit_data(answer.card, "👍 Helpful"))) == 202
    assert [call.kind for call in teams.connector.calls] == [REPLY, UPDATE]
    update = teams.connector.calls[1]
    assert card_texts(update.card)[-1] == "Thank you for the feedback" and "actions" not in update.card
    assert card_texts(update.card)[:-1] == card_texts(answer.card)
    assert_valid_card(update.card)
