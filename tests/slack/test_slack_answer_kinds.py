"""Slack renders every kind of answer the engine gives: short facts, yes/no, small talk, help."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.ops.feedback import InMemoryFeedbackRecorder
from tests.fakes.fake_slack import FakeSlack
from tests.fakes.slack_app import (
    RunningApp,
    event_callback,
    make_dispatcher,
    make_settings,
    mention,
    running_app,
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
