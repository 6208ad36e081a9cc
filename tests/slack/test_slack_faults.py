"""A bad network between the bot and Slack (issue 12: F2, F3): answers are posted at most once
whatever happens after Slack received a post, and one slow or rate-limited channel never delays
another. Signed events over real HTTP to the real app; the fake Slack drops connections after
receiving, hangs, or answers 429 with Retry-After."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aiohttp
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.ops.settings import Settings
from handlers.runtime import assemble, build_core, build_platforms
from handlers.slack.answer_blocks import CHOICE_ACTION_PREFIX, FEEDBACK_UP_ACTION, SHARE_ACTION
from handlers.slack.client import (
    RateLimitRetryExceptPosts,
    UnsentConnectionRetryHandler,
    to_client_timeout,
    to_retry_handlers,
    to_trace_configs,
)
from handlers.slack.platform import SlackPlatform
from handlers.slack.posting import MAX_POSTS_PER_CHANNEL, METADATA_EVENT_TYPE, SlackPoster
from handlers.slack.settings import SlackSettings
from handlers.slack.wiring import build_web_client
from tests.fakes.fake_slack import FakeSlack
from tests.fakes.slack_app import (
    BOT_TOKEN,
    SIGNING_SECRET,
    RunningApp,
    block_action,
    event_callback,
    make_dispatcher,
    make_settings,
    mention,
    running_app,
    running_server,
    slash_command,
)

pytestmark = pytest.mark.adapter

QUESTION = "<@UBOT> 帯広の連携事項は?"
# Far longer than any test waits: a post that hangs is never ended by the client's timeout here.
LONG_TIMEOUT = 60.0


@pytest.fixture
async def app(slack: FakeSlack) -> AsyncIterator[RunningApp]:
    async with running_app(make_settings(slack, slack_timeout_seconds=LONG_TIMEOUT), make_dispatcher()) as running:
        yield running


@pytest.fixture
async def impatient_app(slack: FakeSlack) -> AsyncIterator[RunningApp]:
    """A client timeout shorter than a hung post."""
    async with running_app(make_settings(slack, slack_timeout_seconds=0.5), make_dispatcher()) as running:
        yield running


async def until(ready: Callable[[], bool], timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not ready():
            await asyncio.sleep(0.01)


def posts_per_key(slack: FakeSlack) -> Counter[str]:
    return Counter(str(message["metadata"]["event_payload"]["key"]) for message in slack.messages)


async def ask(app: RunningApp, channel: str = "C0CHAN") -> str:
    payload = event_callback(mention(QUESTION, channel=channel))
    status, _ = await app.post_event(payload)
    assert status == 200
    return str(payload["event_id"])


async def test_every_answer_carries_its_delivery_key(app: RunningApp, slack: FakeSlack) -> None:
    event_id = await ask(app)
    await app.settle()

    [message] = slack.messages
    assert message["metadata"] == {"event_type": METADATA_EVENT_TYPE, "event_payload": {"key": event_id}}


async def test_a_post_dropped_after_slack_received_it_is_not_posted_again(app: RunningApp, slack: FakeSlack) -> None:
    slack.drop("chat.postMessage")
    event_id = await ask(app)
    await app.settle()

    assert posts_per_key(slack) == {event_id: 1}
    assert slack.calls_to("conversations.replies")  # resolved by looking, not by posting again
    assert app.slack.bot.poster.counts.counts == {"posted": 1}


async def test_a_post_that_times_out_is_not_posted_again(impatient_app: RunningApp, slack: FakeSlack) -> None:
    slack.hang("chat.postMessage")
    event_id = await ask(impatient_app)
    await impatient_app.settle()

    assert posts_per_key(slack) == {event_id: 1}
    assert impatient_app.slack.bot.poster.counts.counts == {"posted": 1}


async def test_without_the_history_scope_an_ambiguous_post_is_unknown_and_not_retried(
    app: RunningApp, slack: FakeSlack, caplog: pytest.LogCaptureFixture,
) -> None:
    slack.fail("conversations.replies", 200, error="missing_scope", times=None)
    slack.drop("chat.postMessage")
    event_id = await ask(app)
    await app.settle()

    assert posts_per_key(slack) == {event_id: 1}
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert app.slack.bot.poster.counts.counts == {"unknown": 1}
    assert "outcome unknown" in caplog.text


async def test_a_connection_never_opened_is_retried(app: RunningApp, slack: FakeSlack) -> None:
    api_url = app.slack.client.base_url
    app.slack.client.base_url = "http://127.0.0.1:1/api/"  # nothing listens: the request never leaves
    try:
        outcome = await SlackPoster(max_attempts=2).post(app.slack.client, "C0CHAN", "k1", text="x")
    finally:
        app.slack.client.base_url = api_url
    assert outcome == "failed"
    assert slack.messages == []


async def test_a_rate_limited_channel_does_not_delay_another(app: RunningApp, slack: FakeSlack) -> None:
    slack.fail("chat.postMessage", 429, retry_after=20, times=None)
    busy = [await ask(app, channel="C0BUSY") for _ in range(8)]
    await slack.wait_for("chat.postMessage")
    assert app.slack.bot.poster.backoff.is_blocked("C0BUSY")  # the channel waits 20 s: no more calls

    slack.recover("chat.postMessage")
    other = await ask(app, channel="C0OTHER")
    await slack.wait_until(lambda: bool(slack.messages))
    assert [m["channel"] for m in slack.messages] == ["C0OTHER"]  # answered while C0BUSY waits
    assert app.slack.bot.poster.backoff.is_blocked("C0BUSY")

    app.slack.bot.poster.backoff.lift()  # as if Retry-After had passed
    await app.settle()
    assert posts_per_key(slack) == {key: 1 for key in [*busy, other]}


async def test_hung_posts_in_one_channel_do_not_delay_another(app: RunningApp, slack: FakeSlack) -> None:
    # 8 answers leave their slots; MAX_POSTS_PER_CHANNEL of them post (and hang), the rest wait
    # for their channel (issue 20: one channel cannot take every connection).
    slack.hang("chat.postMessage", times=MAX_POSTS_PER_CHANNEL)
    busy = [await ask(app, channel="C0BUSY") for _ in range(8)]
    await slack.wait_for_arrival("chat.postMessage", count=MAX_POSTS_PER_CHANNEL)

    other = await ask(app, channel="C0OTHER")
    await until(lambda: app.slack.bot.poster.counts.counts == {"posted": 1})  # C0OTHER's, while C0BUSY's hang
    assert len(slack.calls_to("chat.postMessage")) == MAX_POSTS_PER_CHANNEL + 1

    slack.release()
    await app.settle()
    assert posts_per_key(slack) == {key: 1 for key in [*busy, other]}


def test_the_answer_client_retries_no_post_that_may_have_been_sent() -> None:
    client = build_web_client(Settings(sections=(SlackSettings(bot_token="xoxb-0-test", api_url="http://127.0.0.1:1/api/"),)))

    kinds = {type(handler) for handler in client.retry_handlers}
    assert kinds == {UnsentConnectionRetryHandler, RateLimitRetryExceptPosts}
    [connection] = [h for h in client.retry_handlers if isinstance(h, UnsentConnectionRetryHandler)]
    assert connection.error_types_to_do_retries == [aiohttp.ClientConnectorError]


async def test_answer_outcomes_reach_the_metrics(slack: FakeSlack, tmp_path: Path) -> None:
    section = SlackSettings(bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET, api_url=slack.api_url)
    settings = Settings(host="127.0.0.1", port=0, sections=(section,), database_url=f"sqlite:///{tmp_path / 'renkei.db'}",
                        scheduler_enabled=False, watch_data=False)
    core = build_core(settings, make_dispatcher().kb)
    try:
        platforms = build_platforms(core)
        (slack_platform,) = [p for p in platforms if isinstance(p, SlackPlatform)]
        slack.fail("conversations.replies", 200, error="missing_scope", times=None)
        slack.drop("chat.postMessage")
        async with running_server(assemble(core, platforms), slack_platform) as app:
            await ask(app)
            await ask(app)
            await app.settle()
            text = (await core.store.db.run(core.metrics.render)).decode()
    finally:
        core.store.close()
    assert 'renkei_answer_posts_total{outcome="unknown",platform="slack"} 1.0' in text
    assert 'renkei_answer_posts_total{outcome="posted",platform="slack"} 1.0' in text


async def test_a_slash_reply_whose_answer_is_lost_is_not_sent_again(app: RunningApp, slack: FakeSlack,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    slack.drop("response_url")
    status, _ = await app.post_command(slash_command("帯広の連携事項は?", response_url=slack.response_url("cmd")))
    await app.settle()

    assert status == 200
    assert len(slack.calls_to("response_url")) == 1
    assert "outcome unknown" in caplog.text


# Issue 20, item 6: every kind of post leaves its answer slot before posting, as mentions do.
BUTTON_POSTS = {  # the button, and where its reply goes
    "related question": (CHOICE_ACTION_PREFIX, "chat.postMessage"),
    "vote": (FEEDBACK_UP_ACTION, "response_url"),
    "share": (SHARE_ACTION, "response_url"),  # pressed with the value of the answer's own buttons
}


@pytest.mark.parametrize("kind", sorted(BUTTON_POSTS))
async def test_hung_button_replies_in_one_channel_do_not_delay_another(app: RunningApp, slack: FakeSlack,
                                                                     kind: str) -> None:
    action_prefix, method = BUTTON_POSTS[kind]
    await ask(app, channel="C0BUSY")
    await app.settle()
    [answer] = slack.calls_to("chat.postMessage")
    button = next(element for block in answer.body["blocks"] if block["type"] == "actions"
                  for element in block["elements"]
                  if element["action_id"].startswith(FEEDBACK_UP_ACTION if kind == "share" else action_prefix))
    action_id = SHARE_ACTION if kind == "share" else button["action_id"]
    slack.hang(method, times=8)
    for _ in range(8):
        await app.post_action(block_action(action_id, button["value"], response_url=slack.response_url(kind),
                                           channel="C0BUSY", thread_ts=answer.body["thread_ts"]))
    if method == "chat.postMessage":
        await slack.wait_for_arrival(method, count=9)  # the answer, and the 8 replies hanging
    else:
        await slack.wait_until(lambda: len(slack.calls_to(method)) == 8)  # recorded, hanging

    other = await ask(app, channel="C0OTHER")
    await until(lambda: app.slack.bot.poster.counts.counts.get("posted") == 2)  # C0OTHER's, while C0BUSY's hang
    assert other in {m["metadata"]["event_payload"]["key"] for m in slack.messages if m.get("metadata")}
    slack.release()
    await app.settle()


# Issue 20, item 7: a full connection pool. A session whose pool holds 5 connections (the bot's
# holds aiohttp's default 100, filled here by 150 hung posts in production).
POOL = 5


@pytest.fixture
async def small_pool(slack: FakeSlack) -> AsyncIterator[AsyncWebClient]:
    connector = aiohttp.TCPConnector(limit=POOL)
    async with aiohttp.ClientSession(connector=connector, timeout=to_client_timeout(1.0),
                                     trace_configs=to_trace_configs()) as session:
        yield AsyncWebClient(token=BOT_TOKEN, base_url=slack.api_url, timeout=1, session=session,
                             retry_handlers=to_retry_handlers())


async def test_a_post_that_never_got_a_connection_is_retried_not_unknown(slack: FakeSlack,
                                                                        small_pool: AsyncWebClient) -> None:
    slack.hang("chat.postMessage", times=POOL)
    poster = SlackPoster()
    hung = [asyncio.create_task(poster.post(small_pool, f"C0BUSY{n}", f"busy{n}", text="x")) for n in range(POOL)]
    await slack.wait_for_arrival("chat.postMessage", count=POOL)  # every connection is taken

    outcome = await poster.post(small_pool, "C0OTHER", "other", text="x")  # waits for a connection, times out
    assert outcome == "posted"  # it never left: tried again once the hung posts had ended
    assert posts_per_key(slack)["other"] == 1
    slack.release()
    await asyncio.gather(*hung)


async def test_one_channel_cannot_take_the_whole_pool(slack: FakeSlack, small_pool: AsyncWebClient) -> None:
    slack.hang("chat.postMessage", times=8)
    poster = SlackPoster()
    hung = [asyncio.create_task(poster.post(small_pool, "C0BUSY", f"busy{n}", text="x")) for n in range(8)]
    await slack.wait_for_arrival("chat.postMessage", count=MAX_POSTS_PER_CHANNEL)
    await asyncio.sleep(0.1)
    assert slack.arrived.count("chat.postMessage") == MAX_POSTS_PER_CHANNEL  # the others wait their turn

    other = asyncio.create_task(poster.post(small_pool, "C0OTHER", "other", text="x"))
    await until(lambda: "other" in posts_per_key(slack), timeout=0.8)  # at once: a connection was free
    assert await other == "posted"
    slack.release()
    await asyncio.gather(*hung)
