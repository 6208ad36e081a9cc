"""The one pipe from every adapter into the engine.

An adapter calls `dispatcher.ask(question, conversation_id)`; the dispatcher looks up the
conversation's context, asks the current engine, remembers the new context and returns the
platform-neutral `Answer`. Reloading the knowledge base swaps the engine in one assignment, so a
question in flight finishes on the engine it started with.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.answer import Answer
from bot.context import ConversationStore
from bot.engine import Engine
from bot.knowledge import JST, KnowledgeBase

Clock = Callable[[], datetime]


def now_jst() -> datetime:
    return datetime.now(JST)


class Dispatcher:
    def __init__(
        self, engine: Engine, *, clock: Clock = now_jst, conversations: ConversationStore | None = None
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.conversations = conversations or ConversationStore()

    @property
    def kb(self) -> KnowledgeBase:
        return self.engine.kb

    def ask(self, question: str, conversation_id: str) -> Answer:
        now = self.clock()
        context = self.conversations.get(conversation_id, now)
        answer = self.engine.answer(question, context=context, now=now)
        self.conversations.put(conversation_id, answer.conversation)
        return answer

    def replace_knowledge(self, kb: KnowledgeBase) -> None:
        self.engine = Engine(kb)
