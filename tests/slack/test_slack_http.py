"""The Slack app in HTTP mode, end to end on 127.0.0.1.

Signed requests go over real HTTP to the real Bolt AsyncApp served by handlers.server; every Web API
call and response_url post lands on the fake Slack server, which records it. Expected messages
are rendered from a second dispatcher asked the same questions in the same conversations, so
these tests check routing, threading, context and rendering whatever the engine answers; the
`test_engine_content_*` tests also check what the real engine says.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.commands.registry import Notice, Reply, Request, Services
from bot.ops.feedback import InMemoryFeedbackRecorder
from bot.ops.logs import install_secret_filter, remove_secret_filter
from bot.store.records import Conversation
from handlers.slack.answer_blocks import (
    FEEDBACK_DOWN_ACTION,
    FEEDBACK_UP_ACTION,
    SHARE_ACTION,
    AnswerOptions,
    ButtonPayload,
    to_answer_message,
)
from handlers.slack.blocks import Message
from handlers.slack.incoming import to_user_key
from handlers.slack.listeners import PLATFORM
from tests.command_support import declared
from tests.fakes.fake_slack import Call, FakeSlack
from tests.fakes.slack_app import (
    ASKER,
    BOT_TOKEN,
    CHANNEL,
    DM_CHANNEL,
    SIGNING_SECRET,
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
    slash_command,
    to_texts,
)

pytestmark = pytest.mark.adapter

QUESTION = "帯広の連携事項は?"


@pytest.fixture
async def app(slack: FakeSlack, feedback: InMemoryFeedbackRecorder) -> AsyncIterator[RunningApp]:
    async with running_app(make_settings(slack), make_dispatcher(), feedback=feedback) as running:
        yield running


async def expected_answers(*questions: str, conversation_id: str, share: bool = False) -> list[Message]:
    """What the app should send for `questions` asked in turn in one conversation."""
    reference = make_dispatcher()
    return [
        to_answer_message(await reference.ask(question, conversation_id),
                          AnswerOptions(question, conversation_id, share_button=share))
        for question in questions
    ]


def thread_conversation(thread_ts: str, channel: str = CHANNEL) -> str:
    return f"{PLATFORM}:{TEAM_ID}:{channel}:{thread_ts}"


def button_value(call: Call, action_id: str) -> str:
    for block in call.body["blocks"]:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return str(element["value"])
    raise AssertionError(f"no {action_id} button in {call.method}")


def all_text(call: Call) -> str:
    return "\n".join(to_texts(call.body))


# --- mentions and direct messages ----------------------------------------------------------------


async def test_mention_is_answered_in_its_thread_with_the_bot_token(app: RunningApp, slack: FakeSlack) -> None:
    event = mention(f"<@UBOT> {QUESTION}", ts="1700000000.000100")
    status, _ = await app.post_event(event_callback(event))
    await app.settle()

    assert status == 200
    [post] = slack.calls_to("chat.postMessage")
    [expected] = await expected_answers(QUESTION, conversation_id=thread_conversation("1700000000.000100"))
    assert post.token == BOT_TOKEN
    assert post.body["channel"] == CHANNEL
    assert post.body["thread_ts"] == "1700000000.000100"
    assert post.body["blocks"] == expected.blocks
    assert post.body["text"] == expected.text
    assert slack.calls_to("auth.test"), "Bolt authorises with auth.test on SLACK_API_URL"


async def test_follow_up_in_the_same_thread_keeps_context(app: RunningApp, slack: FakeSlack) -> None:
    parent = "1700000000.000200"
    await app.post_event(event_callback(mention(f"<@UBOT> {QUESTION}", ts=parent)))
    await app.settle()
    await app.post_event(event_callback(mention("<@UBOT> 締結式の場所は?", ts="1700000000.000201",
                                                thread_ts=parent)))
    await app.settle()
    await app.post_event(event_callback(mention("<@UBOT> 締結式の場所は?", ts="1700000000.000300")))
    await app.settle()

    _, follow_up, elsewhere = slack.calls_to("chat.postMessage")
    in_thread = await expected_answers(QUESTION, "締結式の場所は?", conversation_id=thread_conversation(parent))
    [fresh] = await expected_answers("締結式の場所は?", conversation_id=thread_conversation("1700000000.000300"))
    assert follow_up.body["thread_ts"] == parent
    assert follow_up.body["blocks"] == in_thread[1].blocks
    assert elsewhere.body["thread_ts"] == "1700000000.000300"
    assert elsewhere.body["blocks"] == fresh.blocks


async def test_direct_message_is_answered_in_the_dm(app: RunningApp, slack: FakeSlack) -> None:
    status, _ = await app.post_event(event_callback(direct_message(QUESTION)))
    await app.settle()

    assert status == 200
    [post] = slack.calls_to("chat.postMessage")
    [expected] = await expected_answers(QUESTION, conversation_id=f"{PLATFORM}:{TEAM_ID}:{DM_CHANNEL}")
    assert post.body["channel"] == DM_CHANNEL
    assert "thread_ts" not in post.body or post.body["thread_ts"] is None
    assert post.body["blocks"] == expected.blocks


@pytest.mark.parametrize("event", [
    direct_message(QUESTION, bot_id="B0OTHER"),
    direct_message(QUESTION, subtype="bot_message", bot_id="B0OTHER"),
    direct_message(QUESTION, user="UBOT"),
    direct_message(QUESTION, subtype="message_changed"),
    direct_message(QUESTION, channel_type="channel"),
    mention(f"<@UBOT> {QUESTION}") | {"bot_id": "B0OTHER"},
], ids=["other-bot", "bot-message", "own-message", "edited", "not-a-dm", "bot-mention"])
async def test_bot_and_non_question_messages_are_ignored(app: RunningApp, slack: FakeSlack,
                                                         event: dict[str, Any]) -> None:
    status, _ = await app.post_event(event_callback(event))
    await app.settle()

    assert status == 200
    assert slack.calls_to("chat.postMessage") == []


async def test_empty_mention_gets_the_help(app: RunningApp, slack: FakeSlack) -> None:
    await app.post_event(event_callback(mention("<@UBOT>")))
    await app.settle()

    [post] = slack.calls_to("chat.postMessage")
    assert "使い方" in post.body["blocks"][0]["text"]["text"]


@pytest.mark.parametrize(("text", "header"), [("help", "使い方"), ("ヘルプ", "使い方"), ("list", "覚書を締結した市")])
async def test_help_and_list_work_in_a_direct_message(app: RunningApp, slack: FakeSlack, text: str,
                                                      header: str) -> None:
    await app.post_event(event_callback(direct_message(text)))
    await app.settle()

    [post] = slack.calls_to("chat.postMessage")
    assert header in post.body["blocks"][0]["text"]["text"]


async def test_a_question_starting_with_a_subcommand_word_is_still_a_question(app: RunningApp,
                                                                              slack: FakeSlack) -> None:
    question = f"list {QUESTION}"
    await app.post_event(event_callback(direct_message(question)))
    await app.settle()

    [post] = slack.calls_to("chat.postMessage")
    [expected] = await expected_answers(question, conversation_id=f"{PLATFORM}:{TEAM_ID}:{DM_CHANNEL}")
    assert post.body["blocks"] == expected.blocks


async def test_over_long_question_is_refused_without_asking_the_engine(app: RunningApp, slack: FakeSlack) -> None:
    event = direct_message("帯" * 1001)
    await app.post_event(event_callback(event))
    await app.settle()

    [post] = slack.calls_to("chat.postMessage")
    assert "長すぎます" in post.body["text"]
    assert "1,001文字" in post.body["text"]
    dispatcher = app.slack.bot.dispatcher
    conversation_id = f"{PLATFORM}:{TEAM_ID}:{DM_CHANNEL}"
    assert await dispatcher.conversations.get(conversation_id, dispatcher.clock()) == Conversation()


# --- retries and signatures ----------------------------------------------------------------------


async def test_retried_event_is_answered_exactly_once(app: RunningApp, slack: FakeSlack) -> None:
    payload = event_callback(mention(f"<@UBOT> {QUESTION}"))
    first, concurrent_retry = await asyncio.gather(app.post_event(payload), app.post_event(payload, retry_num=1))
    late_retry = await app.post_event(payload, retry_num=2)
    await app.settle()

    assert [first[0], concurrent_retry[0], late_retry[0]] == [200, 200, 200]
    assert len(slack.calls_to("chat.postMessage")) == 1


async def test_distinct_events_with_the_same_text_are_each_answered(app: RunningApp, slack: FakeSlack) -> None:
    await app.post_event(event_callback(mention(f"<@UBOT> {QUESTION}")))
    await app.post_event(event_callback(mention(f"<@UBOT> {QUESTION}")))
    await app.settle()

    assert len(slack.calls_to("chat.postMessage")) == 2


@pytest.mark.parametrize("sign_options", [
    {"secret": "not-the-signing-secret"},
    {"timestamp": int(time.time()) - 6 * 60},
    {"headers": {"X-Slack-Signature": "v0=" + "0" * 64}},
], ids=["wrong-secret", "stale-timestamp", "forged-signature"])
async def test_badly_signed_requests_get_401_and_no_answer(app: RunningApp, slack: FakeSlack,
                                                           sign_options: dict[str, Any]) -> None:
    body = json.dumps(event_callback(mention(f"<@UBOT> {QUESTION}")))
    status, _ = await app.post_signed(body, "application/json", **sign_options)
    await app.settle()

    assert status == 401
    assert not [call for call in slack.calls if call.method.startswith("chat.")]


async def test_unsigned_request_gets_401(app: RunningApp, slack: FakeSlack) -> None:
    status, _ = await app.post(json.dumps(event_callback(mention(f"<@UBOT> {QUESTION}"))), "application/json")
    await app.settle()

    assert status == 401
    assert slack.calls_to("chat.postMessage") == []


async def test_url_verification_returns_the_challenge(app: RunningApp) -> None:
    body = json.dumps({"token": "legacy", "challenge": "challenge-123", "type": "url_verification"})
    status, text = await app.post_signed(body, "application/json")

    assert status == 200
    assert "challenge-123" in text


# --- the slash command ---------------------------------------------------------------------------


async def test_slash_question_is_answered_ephemerally_with_a_share_button(app: RunningApp, slack: FakeSlack) -> None:
    status, text = await app.post_command(slash_command(QUESTION, response_url=slack.response_url("cmd")))
    await app.settle()

    assert (status, text) == (200, "")
    [response] = slack.calls_to("response_url")
    [expected] = await expected_answers(QUESTION, conversation_id=f"{PLATFORM}:{TEAM_ID}:{CHANNEL}:{to_user_key(ASKER)}", share=True)
    assert response.path.endswith("/cmd")
    assert response.body["response_type"] == "ephemeral"
    assert response.body["blocks"] == expected.blocks
    assert button_value(response, SHARE_ACTION)
    assert slack.calls_to("chat.postMessage") == []


@pytest.mark.parametrize("text", ["help", "HELP", "ｈｅｌｐ", "ヘルプ", ""])
async def test_slash_help_explains_usage_and_lists_subcommands(app: RunningApp, slack: FakeSlack, text: str) -> None:
    await app.post_command(slash_command(text, response_url=slack.response_url()))
    await app.settle()

    [response] = slack.calls_to("response_url")
    rendered = all_text(response)
    assert response.body["response_type"] == "ephemeral"
    assert "/renkei list" in rendered
    assert "/renkei help" in rendered
    assert "北見の連携事項は?" in rendered


async def test_slash_list_names_every_partner_and_theme(app: RunningApp, slack: FakeSlack) -> None:
    await app.post_command(slash_command("list", response_url=slack.response_url()))
    await app.settle()

    [response] = slack.calls_to("response_url")
    rendered = all_text(response)
    kb = make_dispatcher().kb
    for partner in kb.partners:
        assert partner.name in rendered
        assert partner.theme in rendered


async def test_a_declared_command_is_routed_with_its_arguments(slack: FakeSlack) -> None:
    received: list[Request] = []

    async def remind_later(request: Request, services: Services) -> Reply:
        received.append(request)
        return Notice.of(f"リマインダーを{request.arguments}にしました", visible=True)

    with declared("later", remind_later, usage="on|off", takes_arguments=True, description="あとで知らせる"):
        async with running_app(make_settings(slack), make_dispatcher()) as app:
            await app.post_command(slash_command("ＬＡＴＥＲ  on", response_url=slack.response_url("later")))
            await app.post_command(slash_command("help", response_url=slack.response_url("help")))
            await app.settle()

    [request] = received
    assert (request.platform, request.arguments, request.user.user_id) == ("slack", "on", ASKER)
    assert request.target is not None and request.target.id == CHANNEL and not request.is_admin
    assert request.conversation_id == f"{PLATFORM}:{TEAM_ID}:{CHANNEL}:{to_user_key(ASKER)}"
    later_response, help_response = slack.calls_to("response_url")
    assert later_response.body["response_type"] == "in_channel"
    assert "リマインダーをonにしました" in later_response.body["text"]
    assert "/renkei later on|off" in all_text(help_response)


async def test_failing_command_gets_an_apology(slack: FakeSlack) -> None:
    async def broken(request: Request, services: Services) -> Reply:
        raise RuntimeError("boom")

    with declared("broken", broken):
        async with running_app(make_settings(slack), make_dispatcher()) as app:
            status, _ = await app.post_command(slash_command("broken", response_url=slack.response_url()))
            await app.settle()

    assert status == 200
    [response] = slack.calls_to("response_url")
    assert "エラー" in response.body["text"]


# --- buttons -------------------------------------------------------------------------------------


async def test_share_button_posts_the_answer_visibly_and_removes_the_ephemeral(app: RunningApp,
                                                                               slack: FakeSlack) -> None:
    await app.post_command(slash_command(QUESTION, response_url=slack.response_url("cmd")))
    await app.settle()
    [ephemeral] = slack.calls_to("response_url")

    status, _ = await app.post_action(block_action(SHARE_ACTION, button_value(ephemeral, SHARE_ACTION),
                                                   response_url=slack.response_url("share"), ephemeral=True))
    await app.settle()

    assert status == 200
    _, shared, deleted = slack.calls_to("response_url")
    conversation_id = f"{PLATFORM}:{TEAM_ID}:{CHANNEL}:{to_user_key(ASKER)}"
    _, expected = await expected_answers(QUESTION, QUESTION, conversation_id=conversation_id)
    assert shared.body["response_type"] == "in_channel"
    assert shared.body["replace_original"] is False
    assert shared.body["blocks"] == expected.blocks
    assert SHARE_ACTION not in json.dumps(shared.body)
    assert deleted.body["delete_original"] is True


async def test_choice_on_a_visible_answer_in_a_channel_is_a_new_reply_in_its_thread(app: RunningApp,
                                                                                    slack: FakeSlack) -> None:
    parent = "1700000000.000400"
    conversation_id = thread_conversation(parent)
    await app.post_event(event_callback(mention(f"<@UBOT> {QUESTION}", ts=parent)))
    await app.settle()
    value = ButtonPayload("締結式の場所は?", conversation_id).to_value()

    status, _ = await app.post_action(block_action("renkei_choice_0", value, response_url=slack.response_url(),
                                                   message_ts="1700000000.000401", thread_ts=parent))
    await app.settle()

    assert status == 200
    _, reply = slack.calls_to("chat.postMessage")
    _, expected = await expected_answers(QUESTION, "締結式の場所は?", conversation_id=conversation_id)
    assert (reply.body["channel"], reply.body["thread_ts"]) == (CHANNEL, parent)
    assert reply.body["blocks"] == expected.blocks
    assert slack.calls_to("chat.update") == [] and slack.calls_to("response_url") == []


async def test_choice_on_an_answer_in_a_dm_updates_that_message(app: RunningApp, slack: FakeSlack) -> None:
    conversation_id = f"{PLATFORM}:{TEAM_ID}:{DM_CHANNEL}"
    await app.post_event(event_callback(direct_message(QUESTION)))
    await app.settle()
    value = ButtonPayload("締結式の場所は?", conversation_id).to_value()

    await app.post_action(block_action("renkei_choice_0", value, response_url=slack.response_url(),
                                       channel=DM_CHANNEL, message_ts="1700000000.000401"))
    await app.settle()

    [update] = slack.calls_to("chat.update")
    _, expected = await expected_answers(QUESTION, "締結式の場所は?", conversation_id=conversation_id)
    assert (update.body["channel"], update.body["ts"]) == (DM_CHANNEL, "1700000000.000401")
    assert update.body["blocks"] == expected.blocks
    assert len(slack.calls_to("chat.postMessage")) == 1 and slack.calls_to("response_url") == []


async def test_choice_on_an_ephemeral_answer_replaces_it_via_response_url(app: RunningApp, slack: FakeSlack) -> None:
    conversation_id = f"{PLATFORM}:{TEAM_ID}:{CHANNEL}:{to_user_key(ASKER)}"
    value = ButtonPayload("室蘭の締結式はいつ?", conversation_id).to_value()

    await app.post_action(block_action("renkei_choice_2", value, response_url=slack.response_url("choice"),
                                       ephemeral=True))
    await app.settle()

    [response] = slack.calls_to("response_url")
    [expected] = await expected_answers("室蘭の締結式はいつ?", conversation_id=conversation_id, share=True)
    assert response.body["replace_original"] is True
    assert response.body["blocks"] == expected.blocks
    assert slack.calls_to("chat.update") == []


async def test_feedback_votes_are_recorded_with_the_question(app: RunningApp, slack: FakeSlack,
                                                             feedback: InMemoryFeedbackRecorder) -> None:
    await app.post_event(event_callback(mention(f"<@UBOT> {QUESTION}", ts="1700000000.000500")))
    await app.settle()
    [post] = slack.calls_to("chat.postMessage")

    for action_id, user in ((FEEDBACK_UP_ACTION, ASKER), (FEEDBACK_DOWN_ACTION, "U0OTHER")):
        status, _ = await app.post_action(block_action(action_id, button_value(post, action_id), user=user,
                                                       response_url=slack.response_url(action_id)))
        assert status == 200
    await app.settle()

    up, down = feedback.votes
    assert (up.helpful, down.helpful) == (True, False)
    assert up.question == QUESTION
    assert up.user_id == ASKER
    assert up.platform == "slack"
    assert up.conversation_id == thread_conversation("1700000000.000500")
    thanks = slack.calls_to("response_url")
    assert len(thanks) == 2
    assert all(call.body["response_type"] == "ephemeral" and call.body["replace_original"] is False
               for call in thanks)


async def test_button_with_a_foreign_value_is_acknowledged_and_ignored(app: RunningApp, slack: FakeSlack,
                                                                       feedback: InMemoryFeedbackRecorder) -> None:
    status, _ = await app.post_action(block_action(FEEDBACK_UP_ACTION, "not json",
                                                   response_url=slack.response_url()))
    await app.settle()

    assert status == 200
    assert feedback.votes == ()
    assert slack.calls_to("response_url") == []


# --- App Home ------------------------------------------------------------------------------------


async def test_app_home_shows_partners_ceremonies_and_how_to_ask(app: RunningApp, slack: FakeSlack) -> None:
    await app.post_event(event_callback(home_opened()))
    await app.settle()

    [publish] = slack.calls_to("views.publish")
    view = publish.body["view"]
    rendered = "\n".join(to_texts(view))
    assert publish.body["user_id"] == ASKER
    assert view["type"] == "home"
    kb = make_dispatcher().kb
    for partner in kb.partners:
        assert partner.name in rendered and partner.ceremony is not None and partner.ceremony.place in rendered
        assert partner.theme in rendered or not partner.theme
    asahikawa, muroran = (line for line in rendered.splitlines() if "旭川市との覚書締結式" in line or
                          "室蘭市との覚書締結式" in line)
    assert "予定日を過ぎています" in asahikawa  # 2020-01-20, before FIXED_NOW: past, not said to be held
    assert "開催予定" in muroran    # 2020-01-31, after FIXED_NOW
    assert "/renkei" in rendered


async def test_messages_tab_opening_publishes_nothing(app: RunningApp, slack: FakeSlack) -> None:
    await app.post_event(event_callback(home_opened(tab="messages")))
    await app.settle()

    assert slack.calls_to("views.publish") == []


# --- safety --------------------------------------------------------------------------------------

INJECTION = "<@UBOT> <!channel> <@U0OTHER|sato> &lt;!here&gt; &lt;@U0SECOND&gt; " + QUESTION


async def test_user_mentions_in_questions_never_become_live(app: RunningApp, slack: FakeSlack) -> None:
    await app.post_event(event_callback(mention(INJECTION)))
    await app.post_event(event_callback(direct_message(INJECTION)))
    await app.post_command(slash_command("<!channel> <@U0OTHER> " + QUESTION, response_url=slack.response_url()))
    await app.settle()

    sent = slack.calls_to("chat.postMessage") + slack.calls_to("response_url")
    assert len(sent) == 3
    for call in sent:
        payload = json.dumps(call.body, ensure_ascii=False)
        assert "<!" not in payload and "<@" not in payload and "<#" not in payload
    mention_text = all_text(sent[0])
    assert "@channel" in mention_text
    assert "&lt;!here&gt;" in mention_text  # the literal text the user typed, shown as typed


async def test_rate_limited_post_is_retried_after_retry_after(app: RunningApp, slack: FakeSlack) -> None:
    slack.fail("chat.postMessage", 429, retry_after=0)

    await app.post_event(event_callback(mention(f"<@UBOT> {QUESTION}")))
    await app.settle()

    assert [call.status for call in slack.calls_to("chat.postMessage")] == [429, 200]


async def test_failed_post_is_logged_without_the_token(app: RunningApp, slack: FakeSlack,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    secret_filter = install_secret_filter(make_settings(slack))
    slack.fail("chat.postMessage", 500, times=None)
    slack.fail("response_url", 404, times=None)
    try:
        with caplog.at_level(logging.DEBUG):
            status, _ = await app.post_event(event_callback(mention(f"<@UBOT> {QUESTION}")))
            await app.post_command(slash_command(QUESTION, response_url=slack.response_url()))
            await app.settle()
    finally:
        remove_secret_filter(secret_filter)

    assert status == 200
    assert "chat.postMessage to C0CHAN failed: fatal_error" in caplog.text
    assert "response_url post failed with HTTP 404" in caplog.text
    assert BOT_TOKEN not in caplog.text
    assert SIGNING_SECRET not in caplog.text


async def test_healthz_reports_http_mode_and_the_knowledge_base(app: RunningApp) -> None:
    status, body = await app.get("/healthz")

    assert status == 200
    assert body == {"status": "ok", "partners": 4, "events": 4, "slack": "http"}


# --- what the real engine says (these pass once bot/answering/engine.py answers for real) -------------------


async def test_engine_content_mention_answers_obihiro_cooperation(app: RunningApp, slack: FakeSlack) -> None:
    await app.post_event(event_callback(mention(f"<@UBOT> {QUESTION}")))
    await app.settle()

    [post] = slack.calls_to("chat.postMessage")
    assert "プロモーション活動" in all_text(post)
    assert "出典" in all_text(post)


async def test_engine_content_slash_ceremony_shows_its_status(app: RunningApp, slack: FakeSlack) -> None:
    await app.post_command(slash_command("帯広の締結式はいつ?", response_url=slack.response_url()))
    await app.settle()

    [response] = slack.calls_to("response_url")
    rendered = all_text(response)
    assert "2020年2月7日" in rendered
    assert "開催予定" in rendered  # FIXED_NOW is 2020-01-25


async def test_engine_content_clarification_choice_answers_in_place(app: RunningApp, slack: FakeSlack) -> None:
    await app.post_event(event_callback(mention("<@UBOT> 連携事項は?", ts="1700000000.000600")))
    await app.settle()
    [post] = slack.calls_to("chat.postMessage")
    choices = {element["text"]["text"]: element for block in post.body["blocks"] if block["type"] == "actions"
               for element in block["elements"] if element["action_id"].startswith("renkei_choice_")}
    assert "帯広市" in choices, "the clarification offers the cities as buttons"
    obihiro = choices["帯広市"]

    await app.post_action(block_action(obihiro["action_id"], obihiro["value"],
                                       response_url=slack.response_url(), message_ts="1700000000.000601"))
    await app.settle()

    [update] = slack.calls_to("chat.update")
    chosen = ButtonPayload.from_value(obihiro["value"]).question
    _, expected = await expected_answers("連携事項は?", chosen, conversation_id=thread_conversation("1700000000.000600"))
    assert update.body["blocks"] == expected.blocks
    assert "プロモーション活動" in all_text(update)
