"""Several bot processes on one database (`python app.py`, Slack HTTP mode, different ports):
Slack's event de-duplication is shared, so an event delivered to two instances — as Slack does
when it retries to another instance behind a load balancer — is answered once, and a follow-up
question keeps its context whichever instance it reaches. On a SQLite file
and on PostgreSQL (the `database_url` fixture; see tests/database_support.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.conftest import DATA_PATH
from tests.fakes.fake_slack import FakeSlack
from tests.fakes.slack_app import CHANNEL, event_callback, mention
from tests.process_support import Bots, bot_env, post_signed_event

pytestmark = pytest.mark.process

ALREADY_TAKEN = "already taken; acknowledged without answering"


async def test_one_event_sent_to_two_instances_is_answered_once(
    slack: FakeSlack, tmp_path: Path, database_url: str,
) -> None:
    bots = Bots(bot_env(slack, DATA_PATH, database_url, SCHEDULER="off"))
    try:
        first, second = await asyncio.gather(bots.start(), bots.start())
        assert first.url != second.url
        payload = event_callback(mention("<@UBOT> 帯広の連携事項は?"), event_id="EvShared0001")
        responses = await asyncio.gather(post_signed_event(first.url, payload),
                                         post_signed_event(second.url, payload, retry_num=1))
        other = event_callback(mention("<@UBOT> 旭川の締結式の場所は?"), event_id="EvOnlySecond")
        responses.append(await post_signed_event(second.url, other))
        # SIGTERM lets each finish the answers it took on, so the count below is final.
        exit_codes = [await bot.terminate() for bot in (first, second)]
    finally:
        await bots.stop_all()

    assert [status for status, _ in responses] == [200, 200, 200]
    assert exit_codes == [0, 0]
    posts = slack.calls_to("chat.postMessage")
    assert len(posts) == 2, [post.body.get("text") for post in posts]
    assert all(post.body["channel"] == CHANNEL for post in posts)
    # Each answer goes to its question's thread: one for the shared event, one for the other.
    assert sorted(post.body["thread_ts"] for post in posts) == sorted([payload["event"]["ts"], other["event"]["ts"]])
    assert sum(ALREADY_TAKEN in bot.log for bot in (first, second)) == 1


async def test_a_follow_up_in_a_thread_reaches_another_instance(
    slack: FakeSlack, tmp_path: Path, database_url: str,
) -> None:
    bots = Bots(bot_env(slack, DATA_PATH, database_url, SCHEDULER="off"))
    try:
        first, second = await asyncio.gather(bots.start(), bots.start())
        question = event_callback(mention("<@UBOT> 帯広の連携事項は?"))
        await post_signed_event(first.url, question)
        await slack.wait_for("chat.postMessage", timeout=10)
        thread = question["event"]["ts"]
        follow_up = event_callback(mention("<@UBOT> 式典はいつ?", thread_ts=thread))
        await post_signed_event(second.url, follow_up)
        exit_codes = [await bot.terminate() for bot in (first, second)]
    finally:
        await bots.stop_all()

    assert exit_codes == [0, 0]
    first_answer, second_answer = slack.calls_to("chat.postMessage")
    assert first_answer.body["thread_ts"] == second_answer.body["thread_ts"] == thread
    assert "2020年2月7日" in str(second_answer.body["text"]) and "2020年1月20日" not in str(second_answer.body["text"])
