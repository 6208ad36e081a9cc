"""The database goes away while mentions arrive (issue 20, items 1 and the outage half of the
fault injection): every acknowledged mention is answered once the database is back, none twice,
and an event's claim whose insert may or may not have landed is recognised as its own. SQLite and
PostgreSQL (behind a proxy that is cut, as when the server stops; tests/outage_support.py)."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event

from bot.answering.answer import body_of
from bot.answering.context import OutageTolerantMemory
from bot.store.store import Store
from tests.fakes.fake_slack import FakeSlack
from tests.fakes.slack_app import event_callback, make_dispatcher, make_settings, mention, running_app
from tests.outage_support import database_outage

pytestmark = pytest.mark.adapter


def answered(slack: FakeSlack) -> Counter[str]:
    return Counter(str(message["metadata"]["event_payload"]["key"]) for message in slack.messages)


async def test_mentions_acknowledged_during_an_outage_are_answered_once_it_is_over(
        slack: FakeSlack, database_url: str, recwarn: pytest.WarningsRecorder) -> None:
    with database_outage(database_url) as outage:
        store = Store(outage.url)
        outage.attach(store.db)
        async with running_app(make_settings(slack), make_dispatcher(), deduplicator=store.event_claims) as app:
            outage.down()
            payloads = [event_callback(mention(f"<@UBOT> 帯広の連携事項は? ({n})")) for n in range(6)]
            assert [(await app.post_event(payload))[0] for payload in payloads] == [200] * 6
            await asyncio.sleep(1.0)
            assert slack.messages == []  # nothing can be claimed yet: nothing answered
            outage.up()
            await app.settle()
            assert (await app.post_event(payloads[0], retry_num=1))[0] == 200  # Slack's late retry
            await app.settle()
        store.close()
    assert answered(slack) == Counter({str(payload["event_id"]): 1 for payload in payloads})
    assert not [w for w in recwarn if "never awaited" in str(w.message)]


async def test_a_claim_whose_reply_was_lost_is_still_this_claims_own(database_url: str) -> None:
    with database_outage(database_url) as outage:
        store = Store(outage.url)
        lost_replies = [1]

        def lose_the_reply(*_args: Any) -> None:
            # The statement ran (and on PostgreSQL, in autocommit, committed); its reply is lost.
            if lost_replies:
                lost_replies.pop()
                raise ConnectionResetError("connection lost after the statement was sent")

        event.listen(store.db.engine, "after_cursor_execute", lose_the_reply)
        with pytest.raises(ConnectionResetError):
            await store.event_claims.claim("Ev-ambiguous")
        assert await store.event_claims.claim("Ev-ambiguous") is True  # the retry: its own row, or a new one
        assert await store.event_claims.claim("Ev-ambiguous") is False  # a second delivery
        other = Store(outage.url)
        assert other.event_claims.take("Ev-ambiguous", datetime.now(UTC)) is False  # another instance
        other.close()
        store.close()


async def test_conversation_context_out_of_reach_costs_the_context_not_the_answer(database_url: str) -> None:
    dispatcher = make_dispatcher()
    with database_outage(database_url) as outage:
        store = Store(outage.url)
        outage.attach(store.db)
        dispatcher.conversations = OutageTolerantMemory(store.conversations)
        await dispatcher.ask("室蘭の締結式の場所は?", "c1")
        outage.down()
        answer = await dispatcher.ask("帯広の締結式の場所は?", "c1")  # neither read nor kept: answered
        assert "帯広" in body_of(answer) or "帯広" in answer.title
        outage.up()
        follow_up = await dispatcher.ask("何分間?", "c1")  # the context from before the outage
        assert follow_up.conversation.event_ids == ("muroran-ceremony",)
        store.close()
