"""Socket Mode has the same bound on answers waiting as HTTP mode: beyond it, an event is not
acknowledged (the real Bolt app answers 503, so the Socket Mode handler sends no ack) and Slack
sends it again later; below it, the event is acknowledged and answered in the background."""

from __future__ import annotations

import pytest
from slack_bolt.request.async_request import AsyncBoltRequest

from handlers.slack.wiring import build_slack_app
from tests.fakes.fake_slack import FakeSlack
from tests.fakes.slack_app import make_dispatcher, make_settings

pytestmark = pytest.mark.adapter

MENTION = {
    "type": "event_callback",
    "team_id": "T1",
    "event_id": "Ev1",
    "event": {"type": "app_mention", "user": "U1", "text": "<@UBOT> 帯広の連携事項は?", "channel": "C1", "ts": "1.0"},
}


async def test_socket_mode_refuses_beyond_the_bound_and_acknowledges_below(
    slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = build_slack_app(make_settings(slack, socket_mode=True), make_dispatcher())
    app, bot = service.app, service.bot
    monkeypatch.setattr("handlers.slack.wiring.MAX_ANSWERS_WAITING", 0)
    refused = await app.async_dispatch(AsyncBoltRequest(body=dict(MENTION), mode="socket_mode"))
    assert refused.status == 503 and len(bot.tasks) == 0
    monkeypatch.setattr("handlers.slack.wiring.MAX_ANSWERS_WAITING", 1000)
    taken = await app.async_dispatch(AsyncBoltRequest(body=dict(MENTION), mode="socket_mode"))
    assert taken.status == 200 and len(bot.tasks) == 1
    await bot.tasks.cancel_all()
