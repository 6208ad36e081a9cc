"""The persistent store: subscriptions, the delivery ledger, feedback votes, processed Slack
events, Teams conversation references and the questions the bot could not answer well, in one
SQLAlchemy database (`DATABASE_URL`).

Exactly-once rests on unique keys, not on locks held by one process: a delivery is claimed by
inserting its ledger row, and only the process whose insert succeeds posts. Every write is a
single statement in its own transaction, so SQLite (WAL, busy timeout) lets several processes
on one machine share one file, and the same SQL runs on PostgreSQL for instances on several
machines (`postgresql+psycopg://…`; a bare `postgresql://` or `postgres://` URL gets the psycopg
driver too). Inserts that may collide use `ON CONFLICT DO NOTHING` on both, so a duplicate is an
ordinary outcome rather than a server-side error.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Dialect,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    and_,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.schema import CreateIndex, CreateTable
from sqlalchemy.sql.expression import Insert

from bot.answer import Conversation
from bot.commands import FailedDelivery, Subscriber
from bot.context import DEFAULT_TTL, is_expired
from bot.feedback import Vote
from bot.insights import Interaction, build_report
from bot.reminders import DeliveryKey, Target

log = logging.getLogger(__name__)


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

processed_event_table = Table(
    "processed_events", metadata,
    Column("event_id", String(128), primary_key=True),
    Column("seen_at", UtcDateTime, nullable=False),
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

conversation_table = Table(
    "conversations", metadata,
    Column("conversation_id", String(256), primary_key=True),
    Column("partner_ids", Text, nullable=False, default=""),
    Column("topic_id", String(64)),
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


@dataclass(frozen=True)
class Subscription:
    platform: str
    target_id: str
    user_id: str
    created_at: datetime

    @property
    def target(self) -> Target:
        return Target(self.platform, self.target_id)


@dataclass(frozen=True)
class LedgerRow:
    """One ledger row as read back."""

    key: DeliveryKey
    due_at: datetime
    status: str
    attempts: int
    last_error: str | None
    updated_at: datetime
    sent_at: datetime | None


# Any constant: the key of the PostgreSQL advisory lock that serialises creating the tables.
_CREATE_TABLES_LOCK = 0x52454E4B  # "RENK"


def to_engine_url(url: str) -> URL:
    """`url` parsed; PostgreSQL without a driver named gets psycopg (3), the one installed."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def create_store_engine(url: str) -> Engine:
    """An engine for `url`; for a SQLite file, creates its folder and sets WAL + busy timeout
    (those pragmas are SQLite's only: PostgreSQL needs none of it)."""
    parsed = to_engine_url(url)
    is_sqlite = parsed.get_backend_name() == "sqlite"
    if is_sqlite and parsed.database and parsed.database != ":memory:" and not parsed.database.startswith("file:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, pool_pre_ping=not is_sqlite)
    if is_sqlite:
        event.listen(engine, "connect", _configure_sqlite)
    return engine


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers and one writer work at once across processes; the busy timeout makes a
    # second writer wait for the lock instead of failing with "database is locked".
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout = 10000")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


class Store:
    def __init__(self, url: str) -> None:
        self.engine = create_store_engine(url)
        self._create_tables()
        self._claims_since_prune = 0

    @property
    def dialect(self) -> str:
        """"sqlite" or "postgresql" (or another SQLAlchemy dialect's name)."""
        return self.engine.dialect.name

    def _create_tables(self) -> None:
        # Several processes may start on a new database at once. CREATE … IF NOT EXISTS makes
        # each statement safe to repeat (a check-then-create can lose the race); on PostgreSQL an
        # advisory lock also makes the second wait for the first. A busy database is retried.
        for attempt in range(3):
            try:
                with self._begin() as connection:
                    if self.dialect == "postgresql":
                        connection.execute(select(func.pg_advisory_xact_lock(_CREATE_TABLES_LOCK)))
                    for table in metadata.sorted_tables:
                        connection.execute(CreateTable(table, if_not_exists=True))
                        for index in table.indexes:
                            connection.execute(CreateIndex(index, if_not_exists=True))
                return
            except (OperationalError, ProgrammingError, IntegrityError):
                if attempt == 2:
                    raise

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _begin(self) -> Iterator[Connection]:
        with self.engine.begin() as connection:
            yield connection

    def _insert_new(self, table: Table, **values: Any) -> bool:
        """INSERT one row; False when a unique key says it is already there."""
        if self.dialect in ("sqlite", "postgresql"):
            # RETURNING says whether the row went in (rowcount is not reliable with RETURNING).
            statement = self._insert_or_ignore(table).values(**values).returning(*table.primary_key.columns)
            with self._begin() as connection:
                return connection.execute(statement).first() is not None
        try:
            with self._begin() as connection:
                connection.execute(insert(table).values(**values))
        except IntegrityError:
            return False
        return True

    def _insert_or_ignore(self, table: Table) -> Insert:
        # ON CONFLICT DO NOTHING: a retried Slack event or a second claim of a reminder is an
        # expected outcome; as an error it would abort the transaction and fill PostgreSQL's log.
        if self.dialect == "postgresql":
            return postgresql.insert(table).on_conflict_do_nothing()
        return sqlite.insert(table).on_conflict_do_nothing()

    def journal_mode(self) -> str:
        """SQLite's journal mode ("wal"); "" on a database without one."""
        if self.dialect != "sqlite":
            return ""
        with self.engine.connect() as connection:
            return str(connection.exec_driver_sql("PRAGMA journal_mode").scalar())

    # --- subscriptions --------------------------------------------------------------------------

    def subscribe(self, target: Target, user_id: str, now: datetime | None = None) -> bool:
        """Subscribe a channel; False when it already was."""
        return self._insert_new(
            subscription_table, platform=target.platform, target_id=target.id, user_id=user_id,
            created_at=now or utcnow(),
        )

    def unsubscribe(self, target: Target) -> bool:
        with self._begin() as connection:
            result = connection.execute(delete(subscription_table).where(
                subscription_table.c.platform == target.platform, subscription_table.c.target_id == target.id,
            ))
        return result.rowcount > 0

    def subscription(self, target: Target) -> Subscription | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(subscription_table).where(
                subscription_table.c.platform == target.platform, subscription_table.c.target_id == target.id,
            )).first()
        return None if row is None else Subscription(row.platform, row.target_id, row.user_id, row.created_at)

    def subscriptions(self, platform: str | None = None) -> list[Subscription]:
        query = select(subscription_table).order_by(subscription_table.c.created_at, subscription_table.c.id)
        if platform:
            query = query.where(subscription_table.c.platform == platform)
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [Subscription(r.platform, r.target_id, r.user_id, r.created_at) for r in rows]

    # --- delivery ledger ------------------------------------------------------------------------

    def ledger_keys(self, events_since: datetime) -> set[DeliveryKey]:
        """Keys of every ledger row for events starting at or after `events_since`."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(delivery_table.c.event_id, delivery_table.c.event_start, delivery_table.c.offset_seconds,
                       delivery_table.c.platform, delivery_table.c.target_id)
                .where(delivery_table.c.event_start >= events_since)
            ).all()
        return {DeliveryKey(*row) for row in rows}

    def claim(self, key: DeliveryKey, due_at: datetime, now: datetime | None = None) -> bool:
        """Atomically take the right to post this reminder; False when any process already has."""
        now = now or utcnow()
        return self._insert_new(
            delivery_table, **_key_values(key), due_at=due_at, status="claimed", attempts=0, created_at=now,
            updated_at=now,
        )

    def record_missed(self, key: DeliveryKey, due_at: datetime, reason: str, now: datetime | None = None) -> bool:
        """Record a reminder that will never be sent; False when the ledger already has it."""
        now = now or utcnow()
        return self._insert_new(
            delivery_table, **_key_values(key), due_at=due_at, status="missed", attempts=0,
            last_error=reason[:500], created_at=now, updated_at=now,
        )

    def note_attempt(self, key: DeliveryKey, now: datetime | None = None) -> None:
        """Count a post about to be made; a claim with attempts is never handed to another process."""
        self._update_claimed(key, attempts=delivery_table.c.attempts + 1, updated_at=now or utcnow())

    def note_error(self, key: DeliveryKey, error: str, now: datetime | None = None) -> None:
        self._update_claimed(key, last_error=error[:500], updated_at=now or utcnow())

    def mark_sent(self, key: DeliveryKey, *, late: bool, now: datetime | None = None) -> None:
        now = now or utcnow()
        self._update_claimed(key, status="late" if late else "sent", sent_at=now, updated_at=now)

    def mark_failed(self, key: DeliveryKey, reason: str, now: datetime | None = None) -> None:
        self._update_claimed(key, status="failed", last_error=reason[:500], updated_at=now or utcnow())

    def mark_missed(self, key: DeliveryKey, reason: str, now: datetime | None = None) -> None:
        self._update_claimed(key, status="missed", last_error=reason[:500], updated_at=now or utcnow())

    def _update_claimed(self, key: DeliveryKey, **values: Any) -> None:
        with self._begin() as connection:
            connection.execute(
                update(delivery_table).where(_key_clause(key), delivery_table.c.status == "claimed").values(**values)
            )

    def release_claim(self, key: DeliveryKey) -> bool:
        """Give a claim back (the reminder is due again for any process); False when not claimed."""
        with self._begin() as connection:
            return connection.execute(delete(delivery_table).where(
                _key_clause(key), delivery_table.c.status == "claimed",
            )).rowcount > 0

    def abandon_claim(self, key: DeliveryKey, reason: str, now: datetime | None = None) -> str:
        """Settle a claim whose post was interrupted, as `recover_stale_claims` does for a dead
        process: released when no attempt was made, else marked failed (it may have been posted).
        Returns "released", "failed" or "" (the row was no longer claimed)."""
        claimed = and_(_key_clause(key), delivery_table.c.status == "claimed")
        with self._begin() as connection:
            if connection.execute(delete(delivery_table).where(claimed, delivery_table.c.attempts == 0)).rowcount:
                return "released"
            failed = connection.execute(update(delivery_table).where(claimed).values(
                status="failed", updated_at=now or utcnow(),
                last_error=f"{reason}; not resent so that it is never posted twice"[:500],
            )).rowcount
        return "failed" if failed else ""

    def recover_stale_claims(self, older_than: datetime, now: datetime | None = None) -> tuple[int, int]:
        """Claims left by a process that died: (released, failed).

        A claim with no attempt was never posted, so its row is deleted and the reminder is due
        again. A claim that had started posting may or may not have reached the platform; it is
        marked failed rather than posted a second time.
        """
        stale = and_(delivery_table.c.status == "claimed", delivery_table.c.updated_at < older_than)
        with self._begin() as connection:
            released = connection.execute(delete(delivery_table).where(stale, delivery_table.c.attempts == 0)).rowcount
            failed = connection.execute(
                update(delivery_table).where(stale, delivery_table.c.attempts > 0).values(
                    status="failed", updated_at=now or utcnow(),
                    last_error="interrupted while posting; not resent so that it is never posted twice",
                )
            ).rowcount
        return released, failed

    def deliveries(
        self, *, target: Target | None = None, statuses: Sequence[str] = (), event_id: str | None = None,
    ) -> list[LedgerRow]:
        query = select(delivery_table).order_by(delivery_table.c.due_at, delivery_table.c.id)
        if target:
            query = query.where(delivery_table.c.platform == target.platform, delivery_table.c.target_id == target.id)
        if statuses:
            query = query.where(delivery_table.c.status.in_(statuses))
        if event_id:
            query = query.where(delivery_table.c.event_id == event_id)
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [
            LedgerRow(
                key=DeliveryKey(r.event_id, r.event_start, r.offset_seconds, r.platform, r.target_id),
                due_at=r.due_at, status=r.status, attempts=r.attempts, last_error=r.last_error,
                updated_at=r.updated_at, sent_at=r.sent_at,
            )
            for r in rows
        ]

    def delivery_counts(self) -> dict[str, int]:
        """Ledger rows by status (sent, late, failed, missed, claimed), across every process."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(delivery_table.c.status, func.count()).group_by(delivery_table.c.status)
            ).all()
        return {status: int(count) for status, count in rows}

    def is_reachable(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(select(1))
        except Exception:  # any driver error means "not reachable" to a readiness probe
            return False
        return True

    # --- feedback -------------------------------------------------------------------------------

    def record_vote(self, vote: Vote) -> None:
        with self._begin() as connection:
            connection.execute(insert(vote_table).values(
                question=vote.question, answer_kind=vote.answer_kind, topic_id=vote.topic_id, helpful=vote.helpful,
                platform=vote.platform, conversation_id=vote.conversation_id, user_id=vote.user_id or None,
                voted_at=vote.voted_at,
            ))

    def votes(self) -> list[Vote]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(vote_table).order_by(vote_table.c.id)).all()
        return [
            Vote(platform=r.platform, conversation_id=r.conversation_id, user_id=r.user_id or "", question=r.question,
                 helpful=r.helpful, voted_at=r.voted_at, answer_kind=r.answer_kind, topic_id=r.topic_id)
            for r in rows
        ]

    # --- what the bot could not answer well --------------------------------------------------

    def record_interaction(self, interaction: Interaction) -> None:
        with self._begin() as connection:
            connection.execute(insert(interaction_table).values(
                question=interaction.question, platform=interaction.platform,
                conversation_id=interaction.conversation_id, kind=interaction.kind, title=interaction.title,
                choices=json.dumps(list(interaction.choices), ensure_ascii=False),
                user_id=interaction.user_id or None, at=interaction.at,
            ))

    def interactions(self, since: datetime | None = None) -> list[Interaction]:
        query = select(interaction_table).order_by(interaction_table.c.at, interaction_table.c.id)
        if since is not None:
            query = query.where(interaction_table.c.at >= since)
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [
            Interaction(r.question, r.platform, r.conversation_id, r.kind, r.title, r.at,
                        tuple(json.loads(r.choices)), r.user_id or "")
            for r in rows
        ]

    # --- processed Slack events -----------------------------------------------------------------

    def claim_event(self, event_id: str, now: datetime | None = None, *, keep: timedelta = timedelta(days=1)) -> bool:
        """True the first time any process sees `event_id`; False for Slack's retries of it."""
        now = now or utcnow()
        self._claims_since_prune += 1
        if self._claims_since_prune >= 500:
            self._claims_since_prune = 0
            self.prune_events(now - keep)
        return self._insert_new(processed_event_table, event_id=event_id, seen_at=now)

    def prune_events(self, older_than: datetime) -> int:
        with self._begin() as connection:
            stale = processed_event_table.c.seen_at < older_than
            return connection.execute(delete(processed_event_table).where(stale)).rowcount

    # --- conversation context (follow-up questions), shared by every instance --------------------

    def load_conversation(self, conversation_id: str) -> Conversation | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(conversation_table).where(
                conversation_table.c.conversation_id == conversation_id)).first()
        if row is None:
            return None
        partner_ids = tuple(p for p in row.partner_ids.split(",") if p)
        return Conversation(partner_ids, row.topic_id, row.updated_at)

    def save_conversation(self, conversation_id: str, conversation: Conversation) -> None:
        values = {"partner_ids": ",".join(conversation.partner_ids), "topic_id": conversation.topic_id,
                  "updated_at": conversation.updated_at or utcnow()}
        self._upsert(conversation_table, {"conversation_id": conversation_id}, values)

    def forget_conversations(self, older_than: datetime) -> int:
        with self._begin() as connection:
            stale = conversation_table.c.updated_at < older_than
            return connection.execute(delete(conversation_table).where(stale)).rowcount

    # --- Teams conversation references ----------------------------------------------------------

    def save_conversation_reference(
        self, platform: str, conversation_id: str, reference: dict[str, Any], now: datetime | None = None,
    ) -> None:
        values = {"reference": json.dumps(reference, ensure_ascii=False, sort_keys=True), "updated_at": now or utcnow()}
        self._upsert(reference_table, {"platform": platform, "conversation_id": conversation_id}, values)

    def _upsert(self, table: Table, key: dict[str, Any], values: dict[str, Any]) -> None:
        """Insert or replace; portable (update, else insert, else update after a race)."""
        where = and_(*(table.c[name] == value for name, value in key.items()))
        for _ in range(2):
            with self._begin() as connection:
                if connection.execute(update(table).where(where).values(**values)).rowcount:
                    return
            if self._insert_new(table, **key, **values):
                return

    def conversation_reference(self, platform: str, conversation_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as connection:
            text = connection.execute(select(reference_table.c.reference).where(
                reference_table.c.platform == platform,
                reference_table.c.conversation_id == conversation_id,
            )).scalar()
        return None if text is None else dict(json.loads(text))


class SqlFeedbackRecorder:
    """The `FeedbackRecorder` of bot/feedback.py, backed by the store (one INSERT per vote)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def record(self, vote: Vote) -> None:
        self.store.record_vote(vote)


class SqlEventDeduplicator:
    """The Slack adapter's `EventDeduplicator`, shared by every process on the database."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def claim(self, event_id: str) -> bool:
        return self.store.claim_event(event_id)


def _key_values(key: DeliveryKey) -> dict[str, Any]:
    return {
        "event_id": key.event_id, "event_start": key.event_start, "offset_seconds": key.offset_seconds,
        "platform": key.platform, "target_id": key.target_id,
    }


def _key_clause(key: DeliveryKey) -> Any:
    return and_(*(delivery_table.c[name] == value for name, value in _key_values(key).items()))


class SqlConversationMemory:
    """Conversation context in the store, so a follow-up may reach any instance (and survive a
    restart); rows older than the expiry are pruned now and then."""

    def __init__(self, store: Store, ttl: timedelta = DEFAULT_TTL, prune_every: int = 500) -> None:
        self.store = store
        self.ttl = ttl
        self.prune_every = prune_every
        self._puts = 0

    def get(self, conversation_id: str, now: datetime) -> Conversation:
        conversation = self.store.load_conversation(conversation_id)
        if conversation is None or is_expired(conversation, now, self.ttl):
            return Conversation()
        return conversation

    def put(self, conversation_id: str, conversation: Conversation) -> None:
        self.store.save_conversation(conversation_id, conversation)
        self._puts += 1
        if self._puts % self.prune_every == 0 and conversation.updated_at is not None:
            self.store.forget_conversations(conversation.updated_at - self.ttl)



class StoreForCommands:
    """The commands' view of the store (bot/commands.py: reminders and the report), each call in a
    worker thread so the event loop never waits on the database."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def subscribe(self, target: Target, user_id: str, now: datetime) -> bool:
        return await asyncio.to_thread(self.store.subscribe, target, user_id, now)

    async def unsubscribe(self, target: Target) -> bool:
        return await asyncio.to_thread(self.store.unsubscribe, target)

    async def subscriber(self, target: Target) -> Subscriber | None:
        found = await asyncio.to_thread(self.store.subscription, target)
        return Subscriber(found.user_id, found.created_at) if found else None

    async def failed_deliveries(self, target: Target, limit: int) -> list[FailedDelivery]:
        rows = await asyncio.to_thread(self.store.deliveries, target=target, statuses=("failed",))
        return [FailedDelivery(row.key.event_id, row.due_at, row.last_error or "") for row in rows[-limit:]]

    async def build_report(self) -> str:
        return await asyncio.to_thread(lambda: build_report(self.store.interactions(), self.store.votes()))
