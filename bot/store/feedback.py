"""What people told the bot: 👍 / 👎 votes, and the questions it could not answer well."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import insert, select

from bot.store.database import Part
from bot.store.records import Interaction, Vote
from bot.store.tables import interaction_table, vote_table, voter_table


class SqlVotes(Part):
    """Votes as they are given (bot/ops/feedback.py decides what of the voter is kept), once per
    person and answer when the vote carries a voter key."""

    def add(self, vote: Vote) -> bool:
        """Insert the vote; False (nothing stored) when its voter already voted on that answer."""
        if vote.voter_key and not self.db.insert_new(voter_table, voter_key=vote.voter_key, voted_at=vote.voted_at):
            return False
        with self.db.statement() as connection:
            connection.execute(insert(vote_table).values(
                question=vote.question, answer_kind=vote.answer_kind, topic_id=vote.topic_id, helpful=vote.helpful,
                platform=vote.platform, conversation_id=vote.conversation_id, user_id=vote.user_id or None,
                voted_at=vote.voted_at,
            ))
        return True

    def all(self) -> list[Vote]:
        with self.db.statement() as connection:
            rows = connection.execute(select(vote_table).order_by(vote_table.c.id)).all()
        return [
            Vote(platform=r.platform, conversation_id=r.conversation_id, user_id=r.user_id or "", question=r.question,
                 helpful=r.helpful, voted_at=r.voted_at, answer_kind=r.answer_kind, topic_id=r.topic_id)
            for r in rows
        ]

    async def record(self, vote: Vote) -> None:
        await self.call(self.add, vote)


class SqlQuestions(Part):
    """Every question answered with a fallback or a clarification, for the report."""

    def add(self, interaction: Interaction) -> None:
        with self.db.statement() as connection:
            connection.execute(insert(interaction_table).values(
                question=interaction.question, platform=interaction.platform,
                conversation_id=interaction.conversation_id, kind=interaction.kind, title=interaction.title,
                choices=json.dumps(list(interaction.choices), ensure_ascii=False),
                user_id=interaction.user_id or None, at=interaction.at,
            ))

    def all(self, since: datetime | None = None) -> list[Interaction]:
        query = select(interaction_table).order_by(interaction_table.c.at, interaction_table.c.id)
        if since is not None:
            query = query.where(interaction_table.c.at >= since)
        with self.db.statement() as connection:
            rows = connection.execute(query).all()
        return [
            Interaction(r.question, r.platform, r.conversation_id, r.kind, r.title, r.at,
                        tuple(json.loads(r.choices)), r.user_id or "")
            for r in rows
        ]

    async def record(self, interaction: Interaction) -> None:
        await self.call(self.add, interaction)
