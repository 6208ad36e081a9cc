"""Conversation context in the store, so a follow-up may reach any instance (and survive a
restart): the dispatcher's `ConversationMemory`."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select

from bot.store.database import Database, Part
from bot.store.records import DEFAULT_TTL, Conversation, is_expired
from bot.store.tables import conversation_table, utcnow


class SqlConversationMemory(Part):
    """One row per conversation; rows older than the expiry are pruned now and then."""

    def __init__(self, db: Database, ttl: timedelta = DEFAULT_TTL, prune_every: int = 500) -> None:
        super().__init__(db)
        self.ttl = ttl
        self.prune_every = prune_every
        self._puts = 0

    def load(self, conversation_id: str) -> Conversation | None:
        with self.db.statement() as connection:
            row = connection.execute(select(conversation_table).where(
                conversation_table.c.conversation_id == conversation_id)).first()
        if row is None:
            return None
        return Conversation.from_json(row.state, row.updated_at)

    def save(self, conversation_id: str, conversation: Conversation) -> None:
        values = {"state": conversation.to_json(), "updated_at": conversation.updated_at or utcnow()}
        self.db.upsert(conversation_table, {"conversation_id": conversation_id}, values)

    def forget(self, older_than: datetime) -> int:
        with self.db.statement() as connection:
            stale = conversation_table.c.updated_at < older_than
            return connection.execute(delete(conversation_table).where(stale)).rowcount

    async def get(self, conversation_id: str, now: datetime) -> Conversation:
        conversation = await self.call(self.load, conversation_id)
        if conversation is None or is_expired(conversation, now, self.ttl):
            return Conversation()
        return conversation

    async def put(self, conversation_id: str, conversation: Conversation) -> None:
        await self.call(self._save_and_prune, conversation_id, conversation)

    def _save_and_prune(self, conversation_id: str, conversation: Conversation) -> None:
        self.save(conversation_id, conversation)
        self._puts += 1
        if self._puts % self.prune_every == 0 and conversation.updated_at is not None:
            self.forget(conversation.updated_at - self.ttl)
