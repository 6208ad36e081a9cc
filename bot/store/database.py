"""One database for every part of the store: the engine, the tables, and the bounded worker
that keeps the event loop from ever waiting on it.

Why a worker and not an asyncio driver: every part's SQL stays plain synchronous SQLAlchemy
(tested directly, used as is by the command line), and a request pays one thread hop per call.
The worker has as many threads as the pool has connections, so a burst queues in the worker
instead of holding threads that wait for a connection.

Round trips: on PostgreSQL a single statement runs in autocommit (one round trip: no BEGIN, no
COMMIT, no ROLLBACK when the connection goes back to the pool), and there is no pre-ping per
checkout; a connection the server dropped is noticed by the statement that uses it, the pool is
refreshed and the call is retried once. Several statements that must hold together run in one
transaction.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import Engine, Table, and_, create_engine, event, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.schema import CreateIndex, CreateTable
from sqlalchemy.sql.expression import Insert

from bot.store.tables import metadata

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

# Connections per process: enough for the answers and reminder posts in flight at once.
POOL_SIZE = 8
POOL_OVERFLOW = 8
# Any constant: the key of the PostgreSQL advisory lock that serialises creating the tables.
_CREATE_TABLES_LOCK = 0x52454E4B  # "RENK"


# Seconds to wait for a PostgreSQL server that does not answer (a dropped packet, a wrong host).
CONNECT_TIMEOUT_SECONDS = 10


class DatabaseUnavailable(Exception):
    """The database of DATABASE_URL cannot be opened; the message says why, never the URL."""


_REASONS = (
    ("password authentication failed", "the server refused the user name or password"),
    ("role \"", "the server does not know that user"),
    ("does not exist", "the database named in it does not exist on the server"),
    ("connection refused", "nothing listens at that host and port (is the server running?)"),
    ("could not translate host name", "the host name cannot be resolved"),
    ("name or service not known", "the host name cannot be resolved"),
    ("timeout", f"the server did not answer within {CONNECT_TIMEOUT_SECONDS} s (host, port, firewall?)"),
    ("timed out", f"the server did not answer within {CONNECT_TIMEOUT_SECONDS} s (host, port, firewall?)"),
    ("unable to open database file", "the SQLite file cannot be created or opened (does its folder exist, "
                                     "is it writable?)"),
    ("no password supplied", "the server wants a password and the URL has none"),
)


def describe_open_error(error: BaseException) -> str:
    """Why the database did not open, in one line without the URL (it may hold a password)."""
    text = str(getattr(error, "orig", None) or error).lower()
    reason = next((said for found, said in _REASONS if found in text), None)
    if reason is None:
        reason = f"{type(getattr(error, 'orig', None) or error).__name__} (see the database server's log)"
    return f"DATABASE_URL: cannot open the database: {reason}"


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
    if is_sqlite:
        engine = create_engine(parsed)
        event.listen(engine, "connect", _configure_sqlite)
        return engine
    return create_engine(parsed, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW,
                         connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS})


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers and one writer work at once across processes; the busy timeout makes a
    # second writer wait for the lock instead of failing with "database is locked".
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout = 10000")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


class Database:
    def __init__(self, url: str) -> None:
        """Opens the database and creates its tables; DatabaseUnavailable when it cannot."""
        try:
            self.engine = create_store_engine(url)
        except OSError as error:
            raise DatabaseUnavailable(f"DATABASE_URL: the SQLite file's folder cannot be created ({error.strerror})") \
                from None
        except (ArgumentError, ImportError, ValueError) as error:
            raise DatabaseUnavailable(f"DATABASE_URL is not a URL the store can open ({type(error).__name__})") \
                from None
        self._worker = ThreadPoolExecutor(POOL_SIZE + POOL_OVERFLOW, thread_name_prefix="store")
        try:
            self._create_tables()
        except DBAPIError as error:
            self.close()
            raise DatabaseUnavailable(describe_open_error(error)) from None

    @property
    def dialect(self) -> str:
        """"sqlite" or "postgresql" (or another SQLAlchemy dialect's name)."""
        return self.engine.dialect.name

    def close(self) -> None:
        self._worker.shutdown(wait=True)
        self.engine.dispose()

    async def run(self, work: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """`work(*args, **kwargs)` on the worker, so the event loop goes on meanwhile."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._worker, functools.partial(self._retry_once, work, *args, **kwargs))

    @staticmethod
    def _retry_once(work: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        try:
            return work(*args, **kwargs)
        except DBAPIError as error:
            if not error.connection_invalidated:
                raise
            log.warning("database connection lost; retrying once on a new one")
            return work(*args, **kwargs)

    @contextmanager
    def statement(self) -> Iterator[Connection]:
        """A connection for one statement, committed by itself (autocommit on PostgreSQL)."""
        if self.dialect == "postgresql":
            with self.engine.connect() as connection:
                yield connection.execution_options(isolation_level="AUTOCOMMIT")
            return
        with self.engine.begin() as connection:
            yield connection

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """Several statements that hold together, committed at once."""
        with self.engine.begin() as connection:
            yield connection

    def _create_tables(self) -> None:
        # Several processes may start on a new database at once. CREATE … IF NOT EXISTS makes
        # each statement safe to repeat (a check-then-create can lose the race); on PostgreSQL an
        # advisory lock also makes the second wait for the first. A busy database is retried.
        for attempt in range(3):
            try:
                with self.transaction() as connection:
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

    def insert_new(self, table: Table, **values: Any) -> bool:
        """INSERT one row; False when a unique key says it is already there."""
        if self.dialect in ("sqlite", "postgresql"):
            # RETURNING says whether the row went in (rowcount is not reliable with RETURNING).
            statement = self._insert_or_ignore(table).values(**values).returning(*table.primary_key.columns)
            with self.statement() as connection:
                return connection.execute(statement).first() is not None
        try:
            with self.statement() as connection:
                connection.execute(insert(table).values(**values))
        except IntegrityError:
            return False
        return True

    def insert_all_new(self, table: Table, rows: list[dict[str, Any]]) -> list[Any]:
        """INSERT many rows in ONE statement (so another process sees all of them or none); the
        first primary-key column of each row that went in (the others were already there)."""
        if not rows:
            return []
        key = table.primary_key.columns[0]
        if self.dialect in ("sqlite", "postgresql"):
            statement = self._insert_or_ignore(table).values(rows).returning(key)
            with self.statement() as connection:
                return [row[0] for row in connection.execute(statement).all()]
        return [row[key.name] for row in rows if self.insert_new(table, **row)]

    def _insert_or_ignore(self, table: Table) -> Insert:
        # ON CONFLICT DO NOTHING: a retried Slack event or a second claim of a reminder is an
        # expected outcome; as an error it would abort the transaction and fill PostgreSQL's log.
        if self.dialect == "postgresql":
            return postgresql.insert(table).on_conflict_do_nothing()
        return sqlite.insert(table).on_conflict_do_nothing()

    def upsert(self, table: Table, key: dict[str, Any], values: dict[str, Any]) -> None:
        """Insert or replace. On SQLite and PostgreSQL one `INSERT … ON CONFLICT DO UPDATE`;
        elsewhere update, else insert, else update after a race."""
        if self.dialect in ("sqlite", "postgresql"):
            dialect_insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
            statement = dialect_insert(table).values(**key, **values)
            with self.statement() as connection:
                connection.execute(statement.on_conflict_do_update(index_elements=list(key), set_=values))
            return
        where = and_(*(table.c[name] == value for name, value in key.items()))
        for _ in range(2):
            with self.transaction() as connection:
                if connection.execute(update(table).where(where).values(**values)).rowcount:
                    return
            if self.insert_new(table, **key, **values):
                return

    def journal_mode(self) -> str:
        """SQLite's journal mode ("wal"); "" on a database without one."""
        if self.dialect != "sqlite":
            return ""
        with self.engine.connect() as connection:
            return str(connection.exec_driver_sql("PRAGMA journal_mode").scalar())

    def is_reachable(self) -> bool:
        try:
            with self.statement() as connection:
                connection.execute(select(1))
        except Exception:  # any driver error means "not reachable" to a readiness probe
            return False
        return True


class Part:
    """A part of the store: one concern's SQL on the shared database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def call(self, work: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """One of this part's methods on the database's worker, off the event loop."""
        return await self.db.run(work, *args, **kwargs)
