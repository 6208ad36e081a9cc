"""The one pipe from every adapter into the engine.

An adapter awaits `dispatcher.ask(question, conversation_id, platform=...)`; the dispatcher looks
up the conversation's context, asks the current engine, remembers the new context, tells the
observers (metrics, the log of unanswered questions) and returns the platform-neutral `Answer`.
Reading and writing the context may be a database call: it is awaited, never run on the loop.
Reloading the knowledge base swaps the engine in one assignment, so a question in flight
finishes on the engine it started with.
"""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from bot.answering.actions import add_actions
from bot.answering.answer import Answer
from bot.answering.context import ConversationMemory, InMemoryConversationMemory
from bot.answering.engine import Engine
from bot.knowledge.model import JST, KnowledgeBase

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def now_jst() -> datetime:
    return datetime.now(JST)


@dataclass(frozen=True)
class Asked:
    """One question and its answer, as observers see it; `seconds` is the engine's time alone,
    `received_at` (time.perf_counter) when the event carrying the question arrived, if known."""

    question: str
    platform: str
    conversation_id: str
    user_id: str
    answer: Answer
    seconds: float
    at: datetime
    received_at: float | None = None


@dataclass(frozen=True)
class Replied:
    """An answer posted: `seconds` from the event's arrival to the reply posted, the engine's
    share in `asked.seconds`."""

    asked: Asked
    seconds: float


# An observer may be a plain function (metrics, the log) or a coroutine function (a database write).
AskObserver = Callable[[Asked], Awaitable[None] | None]
ReplyObserver = Callable[[Replied], None]


class Dispatcher:
    def __init__(
        self,
        engine: Engine,
        *,
        clock: Clock = now_jst,
        conversations: ConversationMemory | None = None,
        observers: list[AskObserver] | None = None,
        reply_observers: list[ReplyObserver] | None = None,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.conversations: ConversationMemory = conversations or InMemoryConversationMemory()
        self.observers = observers if observers is not None else []
        self.reply_observers = reply_observers if reply_observers is not None else []

    @property
    def kb(self) -> KnowledgeBase:
        return self.engine.kb

    async def ask(self, question: str, conversation_id: str, *, platform: str = "console",
                  user_id: str = "") -> Answer:
        return (await self.take_turn(question, conversation_id, platform=platform, user_id=user_id)).answer

    async def take_turn(self, question: str, conversation_id: str, *, platform: str = "console", user_id: str = "",
                        received_at: float | None = None) -> Asked:
        """`ask`, for an adapter that posts the answer and then reports it with `replied`."""
        now = self.clock()
        engine = self.engine  # a reload meanwhile does not change the engine of this question
        context = await self.conversations.get(conversation_id, now)
        started = time.perf_counter()
        answer = add_actions(engine.answer(question, context=context, now=now), now)
        seconds = time.perf_counter() - started
        await self.conversations.put(conversation_id, answer.conversation)
        asked = Asked(question, platform, conversation_id, user_id, answer, seconds, now, received_at)
        await self._notify(asked)
        return asked

    def replied(self, asked: Asked) -> None:
        """The answer is posted: tell the reply observers how long it took since the event arrived."""
        if asked.received_at is None:
            return
        replied = Replied(asked, time.perf_counter() - asked.received_at)
        for observer in self.reply_observers:
            try:
                observer(replied)
            except Exception:  # as for answers: never the user's problem
                log.exception("reply observer failed")

    async def _notify(self, asked: Asked) -> None:
        for observer in self.observers:
            try:
                result = observer(asked)
                if inspect.isawaitable(result):
                    await result
            except Exception:  # an observer's failure must never cost the user the answer
                log.exception("answer observer failed")

    def replace_knowledge(self, kb: KnowledgeBase) -> None:
        self.engine = Engine(kb)
