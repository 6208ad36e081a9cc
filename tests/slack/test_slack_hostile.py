"""Hostile and unusual requests to `/slack/events` over real HTTP (issue 12: F1, unhandled event
types, replayed slash commands): 400/401 and never a 500 or a traceback, at most one short log
line a minute per kind, nothing parsed before the signature is checked."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import AsyncIterator

import pytest

from handlers.refusals import RateLimitedLog
from tests.fakes.fake_slack import FakeSlack
from tests.fakes.slack_app import (
    SIGNING_SECRET,
    RunningApp,
    event_callback,
    make_dispatcher,
    make_settings,
    running_app,
    sign,
    slash_command,
    to_form,
)

pytestmark = pytest.mark.adapter

GARBAGE: list[tuple[bytes, str]] = [
    (b'{"a":', "application/json"),
    (b"[1]", "application/json"),
    (b"null", "application/json"),
    (b"\xff\xfe{\x80}", "application/json"),
    (b"[" * 100_000 + b"]" * 100_000, "application/json"),
    (b"payload=x", "application/x-www-form-urlencoded"),
    (b"payload=%5B1%5D", "application/x-www-form-urlencoded"),
    (b"", "application/json"),
]
GARBAGE_IDS = ["truncated", "array", "null", "not-utf8", "deep", "payload-x", "payload-array", "empty"]


@pytest.fixture
async def app(slack: FakeSlack) -> AsyncIterator[RunningApp]:
    async with running_app(make_settings(slack), make_dispatcher()) as running:
        yield running


async def post_bytes(app: RunningApp, body: bytes, content_type: str, headers: dict[str, str]) -> int:
    async with app.http.post(app.base_url + "/slack/events", data=body,
                             headers={"Content-Type": content_type, **headers}) as response:
        return response.status


def sign_bytes(body: bytes, timestamp: str | None = None) -> dict[str, str]:
    """Slack's signature over raw bytes (the body need not be UTF-8)."""
    stamp = timestamp or str(int(time.time()))
    digest = hmac.new(SIGNING_SECRET.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": "v0=" + digest}


def assert_quiet(caplog: pytest.LogCaptureFixture, most: int = 1) -> None:
    records = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert len(records) <= most, [record.getMessage() for record in records]
    assert not any(record.exc_info or record.exc_text for record in caplog.records)
    assert all(len(record.getMessage()) < 200 for record in records)


@pytest.mark.parametrize(("body", "content_type"), GARBAGE, ids=GARBAGE_IDS)
async def test_unsigned_garbage_gets_401_and_no_traceback(app: RunningApp, slack: FakeSlack, body: bytes,
                                                         content_type: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    statuses = {await post_bytes(app, body, content_type, {}) for _ in range(3)}

    assert statuses == {401}
    assert_quiet(caplog)
    assert slack.calls == []


@pytest.mark.parametrize(("body", "content_type"), GARBAGE, ids=GARBAGE_IDS)
async def test_signed_garbage_gets_400_and_no_traceback(app: RunningApp, slack: FakeSlack, body: bytes,
                                                       content_type: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    status = await post_bytes(app, body, content_type, sign_bytes(body))

    assert status == 400
    assert_quiet(caplog)
    assert slack.calls == []


@pytest.mark.parametrize("timestamp", ["abc", "", "1e9", "٣٣٣", "9" * 40, "-5"])
async def test_a_non_numeric_timestamp_gets_401(app: RunningApp, timestamp: str,
                                                caplog: pytest.LogCaptureFixture) -> None:
    body = json.dumps(event_callback({"type": "app_mention", "text": "hi", "channel": "C1", "ts": "1.0"})).encode()
    headers = {**sign_bytes(body), "X-Slack-Request-Timestamp": timestamp}

    assert await post_bytes(app, body, "application/json", headers) == 401
    assert_quiet(caplog)


async def test_a_flood_of_refusals_logs_one_line(app: RunningApp, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    for _ in range(50):
        await post_bytes(app, b'{"a":', "application/json", {})

    refusals = [record for record in caplog.records if "refused" in record.getMessage()]
    assert len(refusals) == 1


def test_the_rate_limited_log_counts_what_it_left_out(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    refusals = RateLimitedLog("Slack request refused", every=60, clock=lambda: now[0])
    for _ in range(5):
        refusals.warn("unsigned")
    refusals.warn("bad signature")
    now[0] = 61.0
    refusals.warn("unsigned")

    assert [record.getMessage() for record in caplog.records] == [
        "Slack request refused: unsigned",
        "Slack request refused: bad signature",
        "Slack request refused: unsigned (and 4 more since the last line)",
    ]


async def test_a_signed_unhandled_event_type_gets_200(app: RunningApp, slack: FakeSlack,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    payload = event_callback({"type": "reaction_added", "user": "U1", "reaction": "thumbsup",
                              "item": {"type": "message", "channel": "C1", "ts": "1.0"}, "event_ts": "1.0"})
    status, _ = await app.post_event(payload)
    other_status, _ = await app.post_signed(to_form({"payload": json.dumps({"type": "unknown_kind"})}),
                                            "application/x-www-form-urlencoded")
    await app.settle()

    assert (status, other_status) == (200, 200)
    assert [call for call in slack.calls if call.method != "auth.test"] == []
    assert not [record for record in caplog.records if record.levelno >= logging.WARNING]


async def test_a_replayed_slash_command_is_answered_once(app: RunningApp, slack: FakeSlack) -> None:
    fields = slash_command("帯広の連携事項は?", response_url=slack.response_url("cmd"))
    body = to_form(fields)
    statuses = [(await app.post(body, "application/x-www-form-urlencoded", sign(body)))[0] for _ in range(3)]
    await app.settle()

    assert statuses == [200, 200, 200]
    assert len(slack.calls_to("response_url")) == 1


async def test_the_same_words_in_a_new_slash_command_are_answered_again(app: RunningApp, slack: FakeSlack) -> None:
    for _ in range(2):
        await app.post_command(slash_command("帯広の連携事項は?", response_url=slack.response_url("cmd")))
    await app.settle()

    assert len(slack.calls_to("response_url")) == 2
