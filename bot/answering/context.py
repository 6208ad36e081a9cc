"""Conversation memory: what each conversation last asked about, forgotten after a while."""

from __future__ import annotations

import logging
from collections import OrderedDict
from datetime import datetime, timedelta
from typing import Protocol

from bot.store.records import DEFAULT_TTL, Conversation, is_expired

log = logging.getLogger(__name__)


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


class OutageTolerantMemory:
    """A shared (database) memory whose failures cost a follow-up its context, never the answer:
    while the database is away a question is answered without context, and the new context is
    not kept (logged once per outage)."""

    def __init__(self, memory: ConversationMemory) -> None:
        self.memory = memory
        self._failing = False

    async def get(self, conversation_id: str, now: datetime) -> Conversation:
        try:
            conversation = await self.memory.get(conversation_id, now)
        except Exception as error:
            self._failed("read", error)
            return Conversation()
        self._failing = False
        return conversation

    async def put(self, conversation_id: str, conversation: Conversation) -> None:
        try:
            await self.memory.put(conversation_id, conversation)
        except Exception as error:
            self._failed("kept", error)
            return
        self._failing = False

    def _failed(self, what: str, error: Exception) -> None:
        if not self._failing:
            log.warning("conversation context not %s (%s); answering without it until the database is back",
                        what, type(error).__name__)
        self._failing = True
