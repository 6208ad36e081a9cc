"""The store's tables: one per concern, in one SQLAlchemy `MetaData`."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Dialect,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out; stored as naive UTC so SQLite and PostgreSQL
    compare them the same way (the ledger's unique key contains one)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; pass an aware one")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


metadata = MetaData()

subscription_table = Table(
    "subscriptions", metadata,
    Column("id", Integer, primary_key=True),
    Column("platform", String(16), nullable=False),
    Column("target_id", String(256), nullable=False),
    Column("user_id", String(256), nullable=False, default=""),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("platform", "target_id", name="uq_subscription"),
)

delivery_table = Table(
    "deliveries", metadata,
    Column("id", Integer, primary_key=True),
    Column("event_id", String(128), nullable=False),
    Column("event_start", UtcDateTime, nullable=False),
    Column("offset_seconds", Integer, nullable=False),
    Column("platform", String(16), nullable=False),
    Column("target_id", String(256), nullable=False),
    Column("due_at", UtcDateTime, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", String(500)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime),
    UniqueConstraint("event_id", "event_start", "offset_seconds", "platform", "target_id", name="uq_delivery"),
)

vote_table = Table(
    "feedback_votes", metadata,
    Column("id", Integer, primary_key=True),
    Column("question", Text, nullable=False),
    Column("answer_kind", String(16), nullable=False),
    Column("topic_id", String(64)),
    Column("helpful", Boolean, nullable=False),
    Column("platform", String(16), nullable=False),
    Column("conversation_id", String(256), nullable=False),
    Column("user_id", String(256)),
    Column("voted_at", UtcDateTime, nullable=False),
)

# One row per person and answer voted on (a hash, bot/ops/feedback.py): the second vote is not kept.
voter_table = Table(
    "feedback_voters", metadata,
    Column("voter_key", String(64), primary_key=True),
    Column("voted_at", UtcDateTime, nullable=False),
)

processed_event_table = Table(
    "processed_events", metadata,
    Column("event_id", String(128), primary_key=True),
    Column("seen_at", UtcDateTime, nullable=False),
)

# Acknowledged Slack events not yet answered when a stop ran out of time: answered on the next
# start (by whichever instance takes the row first). The event body as Slack sent it (JSON).
pending_answer_table = Table(
    "pending_answers", metadata,
    Column("event_id", String(128), primary_key=True),
    Column("body", Text, nullable=False),
    Column("saved_at", UtcDateTime, nullable=False),
)

interaction_table = Table(
    "interactions", metadata,
    Column("id", Integer, primary_key=True),
    Column("question", Text, nullable=False),
    Column("platform", String(16), nullable=False),
    Column("conversation_id", String(256), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("title", Text, nullable=False),
    Column("choices", Text, nullable=False, default="[]"),
    Column("user_id", String(256)),
    Column("at", UtcDateTime, nullable=False),
)

# Conversation context as JSON (bot.store.records.Conversation.to_json): partners, topic, ceremonies,
# person, terms and what was offered. A table of its own name, so databases of earlier versions
# (whose `conversations` table had fixed columns) need no migration.
conversation_table = Table(
    "conversation_states", metadata,
    Column("conversation_id", String(256), primary_key=True),
    Column("state", Text, nullable=False, default="{}"),
    Column("updated_at", UtcDateTime, nullable=False),
)

reference_table = Table(
    "conversation_references", metadata,
    Column("id", Integer, primary_key=True),
    Column("platform", String(16), nullable=False),
    Column("conversation_id", String(256), nullable=False),
    Column("reference", Text, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    UniqueConstraint("platform", "conversation_id", name="uq_conversation_reference"),
)

# The calendar feed (issue 19): each event's content fingerprint, and the SEQUENCE and
# LAST-MODIFIED of its VEVENT, which change (once, whichever process sees it first) when it does.
calendar_revision_table = Table(
    "calendar_revisions", metadata,
    Column("event_id", String(128), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("sequence", Integer, nullable=False, default=0),
    Column("modified_at", UtcDateTime, nullable=False),
)

# New memoranda (issue 19): every document the bot has seen, never deleted (a document removed
# and added back is not new). `baseline`: present at the very first start, so never announced.
# `version` counts the changes to what an announcement says; each version's facts are kept so a
# correction can say what changed since what a conversation was told.
known_document_table = Table(
    "known_documents", metadata,
    Column("document_id", String(128), primary_key=True),
    Column("version", Integer, nullable=False, default=0),
    Column("fingerprint", String(64), nullable=False),
    Column("baseline", Boolean, nullable=False, default=False),
    Column("first_seen_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

document_version_table = Table(
    "document_versions", metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", String(128), nullable=False),
    Column("version", Integer, nullable=False),
    Column("facts", Text, nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    UniqueConstraint("document_id", "version", name="uq_document_version"),
)
