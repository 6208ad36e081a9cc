"""The Slack app in Socket Mode: the same payloads, delivered as Socket Mode envelopes.

The fake Slack server hands out its own WebSocket URL from `apps.connections.open`; the app's
real Socket Mode client (slack_bolt's aiohttp handler, started by handlers.server on the server's
loop) connects to it, receives envelopes and acknowledges them over the socket.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from bot.ops.feedback import InMemoryFeedbackRecorder
from handlers.slack.answer_blocks import FEEDBACK_UP_ACTION, AnswerOptions, ButtonPayload, to_answer_message
from handlers.slack.incoming import to_user_key
from handlers.slack.listeners import PLATFORM
from tests.fakes.fake_slack import FakeSlack
from tests.fakes.slack_app import (
    APP_TOKEN,
    ASKER,
    BOT_TOKEN,
    CHANNEL,
    DM_CHANNEL,
    TEAM_ID,
    RunningApp,
    block_action,
    direct_message,
    event_callback,
    home_opened,
    make_dispatcher,
    make_settings,
    mention,
    running_app,
    sign,
    slash_command,
)

pytestmark = pytest.mark.adapter

QUESTION = "帯広の連携事項は?"


@pytest.fixture
async def app(slack: FakeSlack, feedback: InMemoryFeedbackRecorder) -> AsyncIterator[RunningApp]:
    settings = make_settings(slack, socket_mode=True)
    async with running_app(settings, make_dispatcher(), feedback=feedback) as running:
        await slack.wait_for_socket()
        yield running


async def expected_blocks(question: str, conversation_id: str, *, share: bool = False) -> list[dict[str, object]]:
    answer = await make_dispatcher().ask(question, conversation_id)
    return to_answer_message(answer, AnswerOptions(question, conversation_id, share_button=share)).blocks


async def test_connects_with_the_app_token_and_reports_it(app: RunningApp, slack: FakeSlack) -> None:
    [open_call] = slack.calls_to("apps.connections.open")
    status, health = await app.get("/healthz")

    assert open_call.token == APP_TOKEN
    assert status == 200
    assert health["slack"] == "socket"
    assert health["slack_socket_connected"] is True


async def test_http_events_endpoint_is_not_mounted_in_socket_mode(app: RunningApp, slack: FakeSlack) -> None:
    body = json.dumps(event_callback(mention(f"<@UBOT> {QUESTION}")))
    status, _ = await app.post(body, "application/json", sign(body))
    await app.settle()

    assert status in (404, 405)
    assert slack.calls_to("chat.postMessage") == []


async def test_mention_envelope_is_acknowledged_and_answered_in_thread(app: RunningApp, slack: FakeSlack) -> None:
    envelope_id = await slack.send_envelope(event_callback(mention(f"<@UBOT> {QUESTION}", ts="1700000000.000700")))
    ack = await slack.wait_for_ack(envelope_id)
    await app.settle()

    assert ack == {"envelope_id": envelope_id}
    [post] = slack.calls_to("chat.postMessage")
    assert post.token == BOT_TOKEN
    assert post.body["thread_ts"] == "1700000000.000700"
    assert post.body["blocks"] == await expected_blocks(QUESTION, f"{PLATFORM}:{TEAM_ID}:{CHANNEL}:1700000000.000700")


async def test_retried_envelope_is_acknowledged_but_answered_once(app: RunningApp, slack: FakeSlack) -> None:
    payload = event_callback(mention(f"<@UBOT> {QUESTION}"))
    first = await slack.send_envelope(payload)
    retry = await slack.send_envelope(payload, retry_attempt=1, retry_reason="timeout")
    await slack.wait_for_ack(first)
    await slack.wait_for_ack(retry)
    await app.settle()

    assert len(slack.calls_to("chat.postMessage")) == 1


async def test_direct_message_envelope_is_answered_in_the_dm(app: RunningApp, slack: FakeSlack) -> None:
    envelope_id = await slack.send_envelope(event_callback(direct_message(QUESTION)))
    await slack.wait_for_ack(envelope_id)
    await app.settle()

    [post] = slack.calls_to("chat.postMessage")
    assert post.body["channel"] == DM_CHANNEL
    assert post.body["blocks"] == await expected_blocks(QUESTION, f"{PLATFORM}:{TEAM_ID}:{DM_CHANNEL}")


async def test_slash_command_envelope_answers_ephemerally(app: RunningApp, slack: FakeSlack) -> None:
    envelope_id = await slack.send_envelope(slash_command(QUESTION, response_url=slack.response_url("cmd")),
                                            type="slash_commands")
    ack = await slack.wait_for_ack(envelope_id)
    await app.settle()

    assert ack == {"envelope_id": envelope_id}
    [response] = slack.calls_to("response_url")
    assert response.body["response_type"] == "ephemeral"
    assert response.body["blocks"] == await expected_blocks(QUESTION, f"{PLATFORM}:{TEAM_ID}:{CHANNEL}:{to_user_key(ASKER)}",
                                                      share=True)


async def test_button_envelopes_update_in_place_and_record_feedback(app: RunningApp, slack: FakeSlack,
                                                                    feedback: InMemoryFeedbackRecorder) -> None:
    conversation_id = f"{PLATFORM}:{TEAM_ID}:{DM_CHANNEL}"
    value = ButtonPayload(QUESTION, conversation_id, "answer", "cooperation").to_value()
    choice = await slack.send_envelope(block_action("renkei_choice_0", value, response_url=slack.response_url(),
                                                    channel=DM_CHANNEL, message_ts="1700000000.000801"),
                                       type="interactive")
    vote = await slack.send_envelope(block_action(FEEDBACK_UP_ACTION, value, response_url=slack.response_url()),
                                     type="interactive")
    await slack.wait_for_ack(choice)
    await slack.wait_for_ack(vote)
    await app.settle()

    [update] = slack.calls_to("chat.update")
    assert update.body["ts"] == "1700000000.000801"
    assert update.body["blocks"] == await expected_blocks(QUESTION, conversation_id)
    [recorded] = feedback.votes
    assert (recorded.helpful, recorded.question, recorded.topic_id) == (True, QUESTION, "cooperation")


async def test_app_home_envelope_publishes_the_home_tab(app: RunningApp, slack: FakeSlack) -> None:
    envelope_id = await slack.send_envelope(event_callback(home_opened()))
    await slack.wait_for_ack(envelope_id)
    await app.settle()

    [publish] = slack.calls_to("views.publish")
    assert publish.body["user_id"] == ASKER
    assert publish.body["view"]["type"] == "home"
