"""Placeholder: replaced by the real engine in this same change."""
from __future__ import annotations

from datetime import datetime

from bot.answer import Answer, Conversation
from bot.knowledge import KnowledgeBase


class Engine:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def answer(self, question: str, *, context: Conversation | None = None, now: datetime) -> Answer:
        return Answer(kind="fallback", confidence=0.0, title="…", conversation=Conversation(updated_at=now))
