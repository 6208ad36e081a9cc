"""Which conversations receive reminders, and where a Teams conversation can be posted to later."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from bot.store.database import Part
from bot.store.records import Subscriber, Target
from bot.store.tables import reference_table, subscription_table, utcnow


@dataclass(frozen=True)
class Subscription:
    platform: str
    target_id: str
    user_id: str
    created_at: datetime

    @property
    def target(self) -> Target:
        return Target(self.platform, self.target_id)


class Subscriptions(Part):
    """The conversations that turned reminders on (the commands' `SubscriptionBook`)."""

    def subscribe(self, target: Target, user_id: str, now: datetime | None = None) -> bool:
        """Subscribe a channel; False when it already was."""
        return self.db.insert_new(subscription_table, platform=target.platform, target_id=target.id,
                                  user_id=user_id, created_at=now or utcnow())

    def unsubscribe(self, target: Target) -> bool:
        with self.db.statement() as connection:
            result = connection.execute(delete(subscription_table).where(
                subscription_table.c.platform == target.platform, subscription_table.c.target_id == target.id,
            ))
        return result.rowcount > 0

    def subscription(self, target: Target) -> Subscription | None:
        with self.db.statement() as connection:
            row = connection.execute(select(subscription_table).where(
                subscription_table.c.platform == target.platform, subscription_table.c.target_id == target.id,
            )).first()
        return None if row is None else Subscription(row.platform, row.target_id, row.user_id, row.created_at)

    def all(self, platform: str | None = None) -> list[Subscription]:
        query = select(subscription_table).order_by(subscription_table.c.created_at, subscription_table.c.id)
        if platform:
            query = query.where(subscription_table.c.platform == platform)
        with self.db.statement() as connection:
            rows = connection.execute(query).all()
        return [Subscription(r.platform, r.target_id, r.user_id, r.created_at) for r in rows]

    # The commands' SubscriptionBook, off the event loop.

    async def turn_on(self, target: Target, user_id: str, now: datetime) -> bool:
        return await self.call(self.subscribe, target, user_id, now)

    async def turn_off(self, target: Target) -> bool:
        return await self.call(self.unsubscribe, target)

    async def subscriber(self, target: Target) -> Subscriber | None:
        found = await self.call(self.subscription, target)
        return Subscriber(found.user_id, found.created_at) if found else None


class ConversationReferences(Part):
    """What a proactive post to a Teams conversation needs (service URL, conversation, bot, tenant)."""

    def save(self, platform: str, conversation_id: str, reference: dict[str, Any],
             now: datetime | None = None) -> None:
        values = {"reference": json.dumps(reference, ensure_ascii=False, sort_keys=True),
                  "updated_at": now or utcnow()}
        self.db.upsert(reference_table, {"platform": platform, "conversation_id": conversation_id}, values)

    def load(self, platform: str, conversation_id: str) -> dict[str, Any] | None:
        with self.db.statement() as connection:
            text = connection.execute(select(reference_table.c.reference).where(
                reference_table.c.platform == platform,
                reference_table.c.conversation_id == conversation_id,
            )).scalar()
        return None if text is None else dict(json.loads(text))

    async def remember(self, platform: str, conversation_id: str, reference: dict[str, Any]) -> None:
        await self.call(self.save, platform, conversation_id, reference)

    async def find(self, platform: str, conversation_id: str) -> dict[str, Any] | None:
        return await self.call(self.load, platform, conversation_id)
