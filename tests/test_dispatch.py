"""The dispatcher times a turn twice: the engine's share when it answers, and from the event's
arrival to the reply posted when the adapter says it is out."""

from __future__ import annotations

import time

from bot.answering.dispatch import Asked, Dispatcher, Replied
from bot.answering.engine import Engine
from tests.conftest import NOW


async def test_a_posted_reply_is_timed_from_the_events_arrival(engine: Engine) -> None:
    asked_seen: list[Asked] = []
    replied_seen: list[Replied] = []
    dispatcher = Dispatcher(engine, clock=lambda: NOW, observers=[asked_seen.append],
                            reply_observers=[replied_seen.append])
    arrived = time.perf_counter() - 0.05  # the event came in 50 ms ago
    asked = await dispatcher.take_turn("帯広の連携事項は?", "c1", platform="slack", received_at=arrived)
    assert asked_seen == [asked] and replied_seen == []
    dispatcher.replied(asked)
    (replied,) = replied_seen
    assert replied.asked is asked and replied.seconds >= 0.05 > asked.seconds > 0


async def test_an_answer_of_unknown_arrival_is_not_timed_again(engine: Engine) -> None:
    replied_seen: list[Replied] = []
    dispatcher = Dispatcher(engine, clock=lambda: NOW, reply_observers=[replied_seen.append])
    asked = await dispatcher.take_turn("帯広の連携事項は?", "c1")
    dispatcher.replied(asked)
    assert replied_seen == [] and (await dispatcher.ask("帯広", "c2")).kind == "answer"
