"""Slack buttons in one-to-one and shared conversations (issue 13), end to end over signed HTTP
on the real Bolt app and the fake Slack Web API: a related question pressed in a channel or group
DM is answered in the thread and the answer stays; in a DM it replaces the message; a clarification
may be replaced anywhere. A vote counts once per person and answer; in a DM its buttons become a
thank-you line, in a channel the thank-you is ephemeral and the others keep their buttons."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.ops.feedback import InMemoryFeedbackRecorder, PrivateFeedback
from bot.store.store import Store
from handlers.slack.answer_blocks import (
    FEEDBACK_BLOCK_ID,
    FEEDBACK_DOWN_ACTION,
    FEEDBACK_UP_ACTION,
    VOTED,
    ButtonPayload,
)
from handlers.slack.listeners import PLATFORM
from tests.fakes.fake_slack import Call, FakeSlack
from tests.fakes.slack_app import (
    CHANNEL,
    DM_CHANNEL,
    TEAM_ID,
    RunningApp,
    block_action,
    direct_message,
    event_callback,
    make_dispatcher,
    make_settings,
    mention,
    running_app,
    sign,
    to_form,
    to_texts,
)

pytestmark = pytest.mark.adapter

QUESTION = "旭川市の締結式はいつ?"
GROUP_DM = "G0GROUPDM"  # a multi-person DM: shared, like a channel
ANSWER_TS = "1700000000.000901"  # the bot's answer, in the thread of the question


@pytest.fixture
async def app(slack: FakeSlack, feedback: InMemoryFeedbackRecorder) -> AsyncIterator[RunningApp]:
    async with running_app(make_settings(slack), make_dispatcher(), feedback=feedback) as running:
        yield running


async def ask(app: RunningApp, slack: FakeSlack, *, channel: str, question: str = QUESTION) -> tuple[Call, str | None]:
    """Ask `question` in `channel` (a mention, or a message in a DM); the answer posted and its thread."""
    if channel == DM_CHANNEL:
        await app.post_event(event_callback(direct_message(question)))
        thread = None
    else:
        thread = "1700000000.000900"
        await app.post_event(event_callback(mention(f"<@UBOT> {question}", channel=channel, ts=thread)))
    await app.settle()
    [answer] = slack.calls_to("chat.postMessage")
    return answer, thread


def press(answer: Call, title: str, slack: FakeSlack, *, thread: str | None, user: str = "U0ASKER") -> dict[str, Any]:
    """Pressing the button titled `title` on the posted `answer`, as Slack sends it."""
    button = next(element for block in answer.body["blocks"] if block["type"] == "actions"
                  for element in block["elements"] if element["text"]["text"] == title)
    return block_action(button["action_id"], button["value"], response_url=slack.response_url(title),
                        channel=answer.body["channel"], message_ts=ANSWER_TS, thread_ts=thread, user=user,
                        message={"text": answer.body["text"], "blocks": answer.body["blocks"]})


def header(call: Call) -> str:
    return str(call.body["blocks"][0]["text"]["text"])


# --- related questions and choices ---------------------------------------------------------------


@pytest.mark.parametrize("channel", [CHANNEL, GROUP_DM])
async def test_a_related_question_in_a_shared_conversation_is_answered_in_the_thread(
        app: RunningApp, slack: FakeSlack, channel: str) -> None:
    answer, thread = await ask(app, slack, channel=channel)
    await app.post_action(press(answer, "主な連携・協力事項", slack, thread=thread))
    await app.settle()

    _, reply = slack.calls_to("chat.postMessage")
    assert (reply.body["channel"], reply.body["thread_ts"]) == (channel, thread)
    assert header(reply) == "旭川市の主な連携・協力事項"
    assert slack.calls_to("chat.update") == [] and slack.calls_to("response_url") == []


async def test_a_related_question_in_a_dm_replaces_the_answer(app: RunningApp, slack: FakeSlack) -> None:
    answer, thread = await ask(app, slack, channel=DM_CHANNEL)
    await app.post_action(press(answer, "主な連携・協力事項", slack, thread=thread))
    await app.settle()

    [update] = slack.calls_to("chat.update")
    assert (update.body["channel"], update.body["ts"]) == (DM_CHANNEL, ANSWER_TS)
    assert header(update) == "旭川市の主な連携・協力事項"
    assert len(slack.calls_to("chat.postMessage")) == 1


async def test_a_clarification_in_a_channel_is_replaced_by_its_answer(app: RunningApp, slack: FakeSlack) -> None:
    await app.post_event(event_callback(mention("<@UBOT> 連携事項は?", ts="1700000000.000900")))
    await app.settle()
    [clarify] = slack.calls_to("chat.postMessage")
    action = press(clarify, "旭川市", slack, thread="1700000000.000900")
    assert ButtonPayload.from_value(action["actions"][0]["value"]).kind == "clarify"  # what allows replacing
    await app.post_action(action)
    await app.settle()

    [update] = slack.calls_to("chat.update")
    assert (update.body["channel"], update.body["ts"]) == (CHANNEL, ANSWER_TS)
    assert header(update) == "旭川市の主な連携・協力事項"
    assert len(slack.calls_to("chat.postMessage")) == 1


# --- feedback ------------------------------------------------------------------------------------


async def test_a_vote_in_a_dm_turns_its_buttons_into_a_thank_you(app: RunningApp, slack: FakeSlack,
                                                                  feedback: InMemoryFeedbackRecorder) -> None:
    answer, thread = await ask(app, slack, channel=DM_CHANNEL)
    await app.post_action(press(answer, "👍 役に立った", slack, thread=thread))
    await app.settle()

    [update] = slack.calls_to("chat.update")
    assert (update.body["channel"], update.body["ts"]) == (DM_CHANNEL, ANSWER_TS)
    assert FEEDBACK_BLOCK_ID not in [block.get("block_id") for block in update.body["blocks"]]
    assert update.body["blocks"][-1] == {"type": "context", "elements": [{"type": "mrkdwn", "text": VOTED}]}
    assert update.body["blocks"][:-1] == answer.body["blocks"][:-1]  # the answer itself unchanged
    assert slack.calls_to("response_url") == [] and len(slack.calls_to("chat.postMessage")) == 1
    assert [vote.helpful for vote in feedback.votes] == [True]


async def test_a_vote_in_a_channel_is_thanked_privately_and_the_answer_stays(
        app: RunningApp, slack: FakeSlack, feedback: InMemoryFeedbackRecorder) -> None:
    answer, thread = await ask(app, slack, channel=CHANNEL)
    await app.post_action(press(answer, "👎 役に立たなかった", slack, thread=thread))
    await app.settle()

    [thanks] = slack.calls_to("response_url")
    assert (thanks.body["response_type"], thanks.body["replace_original"]) == ("ephemeral", False)
    assert "フィードバックありがとうございます" in "\n".join(to_texts(thanks.body))
    assert slack.calls_to("chat.update") == [] and len(slack.calls_to("chat.postMessage")) == 1
    assert [vote.helpful for vote in feedback.votes] == [False]


@pytest.mark.parametrize("channel", [CHANNEL, DM_CHANNEL])
async def test_a_person_votes_once_per_answer_in_the_store(slack: FakeSlack, tmp_path: Path, channel: str) -> None:
    store = Store(f"sqlite:///{tmp_path / 'votes.db'}")
    recorder = PrivateFeedback(store.votes, keep_user_ids=False)  # as the bot is built: no user ids kept
    try:
        async with running_app(make_settings(slack), make_dispatcher(), feedback=recorder) as app:
            answer, thread = await ask(app, slack, channel=channel)
            for title, user in (("👍 役に立った", "U0ASKER"), ("👎 役に立たなかった", "U0ASKER"),
                                ("👎 役に立たなかった", "U0OTHER")):
                await app.post_action(press(answer, title, slack, thread=thread, user=user))
                await app.settle()
        votes = store.votes.all()
    finally:
        store.close()
    assert [(vote.helpful, vote.user_id) for vote in votes] == [(True, ""), (False, "")]
    conversation = f"{PLATFORM}:{TEAM_ID}:{channel}" + (f":{thread}" if thread else "")
    assert {vote.conversation_id for vote in votes} == {conversation}


async def test_a_vote_on_an_ephemeral_answer_is_thanked_ephemerally(app: RunningApp, slack: FakeSlack,
                                                                     feedback: InMemoryFeedbackRecorder) -> None:
    value = ButtonPayload(QUESTION, f"{PLATFORM}:{TEAM_ID}:{CHANNEL}:u1", "answer").to_value()
    await app.post_action(block_action(FEEDBACK_UP_ACTION, value, response_url=slack.response_url(), ephemeral=True))
    await app.post_action(block_action(FEEDBACK_DOWN_ACTION, value, response_url=slack.response_url(),
                                       ephemeral=True))
    await app.settle()

    assert [call.body["replace_original"] for call in slack.calls_to("response_url")] == [False, False]
    assert slack.calls_to("chat.update") == []
    assert [vote.helpful for vote in feedback.votes] == [True]  # the same person, the same message


# --- replays (issue 20, item 8) ------------------------------------------------------------------


async def test_a_replayed_button_press_is_answered_once(slack: FakeSlack, database_url: str) -> None:
    store = Store(database_url)
    async with running_app(make_settings(slack), make_dispatcher(), deduplicator=store.event_claims) as app:
        answer, thread = await ask(app, slack, channel=CHANNEL)
        body = to_form({"payload": json.dumps(press(answer, "主な連携・協力事項", slack, thread=thread),
                                              ensure_ascii=False)})
        statuses = [(await app.post(body, "application/x-www-form-urlencoded", sign(body)))[0] for _ in range(5)]
        await app.settle()
        assert statuses == [200] * 5
        assert len(slack.calls_to("chat.postMessage")) == 2  # the question's answer, and one to the press

        await app.post_action(press(answer, "主な連携・協力事項", slack, thread=thread))  # a new press
        await app.settle()
        assert len(slack.calls_to("chat.postMessage")) == 3
    store.close()


# --- English (issue 18): the thank-you follows the answer's language ------------------------------

ENGLISH = "When is the Asahikawa signing ceremony?"


async def test_a_vote_on_an_english_answer_in_a_dm_is_thanked_in_english(
        app: RunningApp, slack: FakeSlack, feedback: InMemoryFeedbackRecorder) -> None:
    answer, thread = await ask(app, slack, channel=DM_CHANNEL, question=ENGLISH)
    await app.post_action(press(answer, "👍 Helpful", slack, thread=thread))
    await app.settle()
    [update] = slack.calls_to("chat.update")
    assert update.body["blocks"][-1] == {"type": "context", "elements": [
        {"type": "mrkdwn", "text": "Thank you for the feedback"}]}
    assert [(vote.helpful, vote.question) for vote in feedback.votes] == [(True, ENGLISH)]


async def test_a_vote_on_an_english_answer_in_a_channel_is_thanked_in_english(
        app: RunningApp, slack: FakeSlack, feedback: InMemoryFeedbackRecorder) -> None:
    answer, thread = await ask(app, slack, channel=CHANNEL, question=ENGLISH)
    await app.post_action(press(answer, "👎 Not helpful", slack, thread=thread))
    await app.settle()
    [thanks] = slack.calls_to("response_url")
    assert set(to_texts(thanks.body)) == {"Thank you for the feedback: it helps us improve the answers."}
    assert [(vote.helpful, vote.question) for vote in feedback.votes] == [(False, ENGLISH)]
