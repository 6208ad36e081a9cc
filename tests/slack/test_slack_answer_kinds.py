"""Slack renders every kind of answer the engine gives: short facts, yes/no, small talk, help."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.ops.feedback import InMemoryFeedbackRecorder
from tests.english_rendering import added_japanese
from tests.fakes.fake_slack import FakeSlack
from tests.fakes.slack_app import (
    FIXED_NOW,
    RunningApp,
    assert_every_payload_round_trips,
    event_callback,
    make_dispatcher,
    make_settings,
    mention,
    running_app,
    shared_engine,
    to_texts,
)

pytestmark = pytest.mark.adapter


@pytest.fixture
async def app(slack: FakeSlack, feedback: InMemoryFeedbackRecorder) -> AsyncIterator[RunningApp]:
    async with running_app(make_settings(slack), make_dispatcher(), feedback=feedback) as running:
        yield running


async def reply_to(app: RunningApp, slack: FakeSlack, question: str) -> str:
    await app.post_event(event_callback(mention(f"<@UBOT> {question}", ts="1700000000.000100")))
    await app.settle()
    [post] = slack.calls_to("chat.postMessage")
    return "\n".join(to_texts(post.body))


@pytest.mark.parametrize(
    ("question", "expected", "absent"),
    [("室蘭の式典は午前?", "はい。室蘭市の締結式は2020年1月31日（金） 11:00～11:30です。", "記載は資料にありません"),
     ("帯広市役所の何階でやるの?", "帯広市役所 4階 第3応接室", "3号会議室"),
     ("こんにちは", "こんにちは。連携ボットです。", "記載は資料にありません"),
     ("使い方", "Renkei Bot（連携ボット）の使い方", "記載は資料にありません"),  # the help command
     ("北見の覚書の主な内容は?", "発表資料そのものの記載ではありません", "開催済み")],
)
async def test_each_kind_is_rendered(app: RunningApp, slack: FakeSlack, question: str, expected: str, absent: str) -> None:
    text = await reply_to(app, slack, question)
    assert expected in text and absent not in text


# --- English (issue 18) ---------------------------------------------------------------------------

ENGLISH = "Hi, could you tell me when the Obihiro signing ceremony is?"


async def test_an_english_answer_reaches_slack_with_english_labels(app: RunningApp, slack: FakeSlack) -> None:
    await app.post_event(event_callback(mention(f"<@UBOT> {ENGLISH}", ts="1700000000.000100")))
    await app.settle()
    [post] = slack.calls_to("chat.postMessage")
    shown = "\n".join(to_texts(post.body["blocks"]))

    for label in (f"💬 Question: {ENGLISH}", "Related questions:", "📄 Source: ", "👍 Helpful", "👎 Not helpful"):
        assert label in shown, label
    for japanese in ("質問:", "関連する質問", "出典", "役に立った"):
        assert japanese not in shown, japanese
    answer = shared_engine().answer(ENGLISH, context=None, now=FIXED_NOW)
    assert answer.language == "en"
    assert added_japanese("\n".join([shown, post.body["text"]]), answer) == []
    assert_every_payload_round_trips(slack)
