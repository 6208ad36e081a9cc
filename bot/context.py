"""Conversation memory: what each conversation last asked about, forgotten after a while."""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime, timedelta
from typing import Protocol

from bot.answer import Conversation

DEFAULT_TTL = timedelta(minutes=30)


class ConversationMemory(Protocol):
    """Where the dispatcher keeps each conversation's context between two questions."""

    async def get(self, conversation_id: str, now: datetime) -> Conversation: ...

    async def put(self, conversation_id: str, conversation: Conversation) -> None: ...


class InMemoryConversationMemory:
    """Per-conversation context in this process, bounded in size, expiring after `ttl` of silence
    (the store's conversation memory shares it between instances)."""

    def __init__(self, ttl: timedelta = DEFAULT_TTL, max_conversations: int = 10_000) -> None:
        self.ttl = ttl
        self.max_conversations = max_conversations
        self._items: OrderedDict[str, Conversation] = OrderedDict()

    async def get(self, conversation_id: str, now: datetime) -> Conversation:
        # No lock: every call runs on the event loop and none awaits in between.
        conversation = self._items.get(conversation_id)
        if conversation is None:
            return Conversation()
        if is_expired(conversation, now, self.ttl):
            del self._items[conversation_id]
            return Conversation()
        return conversation

    async def put(self, conversation_id: str, conversation: Conversation) -> None:
        self._items[conversation_id] = conversation
        self._items.move_to_end(conversation_id)
        while len(self._items) > self.max_conversations:
            self._items.popitem(last=False)


def is_expired(conversation: Conversation, now: datetime, ttl: timedelta = DEFAULT_TTL) -> bool:
    return conversation.updated_at is None or now - conversation.updated_at > ttl
