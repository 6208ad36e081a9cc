"""The one pipe from every adapter into the engine.

An adapter calls `dispatcher.ask(question, conversation_id, platform=...)`; the dispatcher looks
up the conversation's context, asks the current engine, remembers the new context, tells the
observers (metrics, the log of unanswered questions) and returns the platform-neutral `Answer`.
Reloading the knowledge base swaps the engine in one assignment, so a question in flight
finishes on the engine it started with.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.answer import Answer
from bot.context import ConversationMemory, ConversationStore
from bot.engine import Engine
from bot.knowledge import JST, KnowledgeBase

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def now_jst() -> datetime:
    return datetime.now(JST)


@dataclass(frozen=True)
class Asked:
    """One question and its answer, as observers see it."""

    question: str
    platform: str
    conversation_id: str
    user_id: str
    answer: Answer
    seconds: float
    at: datetime


AskObserver = Callable[[Asked], None]


class Dispatcher:
    def __init__(
        self,
        engine: Engine,
        *,
        clock: Clock = now_jst,
        conversations: ConversationMemory | None = None,
        observers: list[AskObserver] | None = None,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.conversations: ConversationMemory = conversations or ConversationStore()
        self.observers = observers if observers is not None else []

    @property
    def kb(self) -> KnowledgeBase:
        return self.engine.kb

    def ask(self, question: str, conversation_id: str, *, platform: str = "console", user_id: str = "") -> Answer:
        now = self.clock()
        engine = self.engine
        context = self.conversations.get(conversation_id, now)
        started = time.perf_counter()
        answer = engine.answer(question, context=context, now=now)
        seconds = time.perf_counter() - started
        self.conversations.put(conversation_id, answer.conversation)
        self._notify(Asked(question, platform, conversation_id, user_id, answer, seconds, now))
        return answer

    def _notify(self, asked: Asked) -> None:
        for observer in self.observers:
            try:
                observer(asked)
            except Exception:  # an observer's failure must never cost the user the answer
                log.exception("answer observer failed")

    def replace_knowledge(self, kb: KnowledgeBase) -> None:
        self.engine = Engine(kb)
