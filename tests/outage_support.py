"""Taking the database away in the middle of a test, and bringing it back (issue 20).

- **PostgreSQL**: the store connects through a TCP proxy on 127.0.0.1 in front of the real
  server. `down()` is the server stopping: every open connection is cut and new ones are refused
  (connection refused), as during a restart or a managed failover; `up()` listens again on the
  same port.
- **SQLite** has no server to stop: `down()` makes every statement on the store's engine fail
  with the driver's own `sqlite3.OperationalError` ("disk I/O error"), raised where the driver
  would raise it (SQLAlchemy's `before_cursor_execute`), until `up()`.

    with database_outage(database_url) as outage:
        store = Store(outage.url)
        outage.attach(store.db)
        outage.down(); ...; outage.up()
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url

from bot.store.database import Database, to_engine_url


class TcpProxy:
    """Forwards 127.0.0.1:port to host:port, in a thread of its own (the store's calls block)."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="db-proxy", daemon=True)
        self._thread.start()
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self.up()

    def _run(self, work: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(work, self._loop).result(10)

    def up(self) -> None:
        self._run(self._listen())

    def down(self) -> None:
        self._run(self._cut())

    def close(self) -> None:
        self.down()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

    async def _listen(self) -> None:
        if self._server is None:
            self._server = await asyncio.start_server(self._pipe, "127.0.0.1", self.port, reuse_address=True)
            self.port = self._server.sockets[0].getsockname()[1]

    async def _cut(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def _pipe(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.transport.abort()
            return
        self._writers.update((client_writer, server_writer))
        await asyncio.gather(copy(client_reader, server_writer), copy(server_reader, client_writer))
        self._writers.difference_update((client_writer, server_writer))


async def copy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError, ConnectionError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    writer.transport.abort() if writer.transport.is_closing() else writer.close()


class DatabaseOutage:
    """A switch for the database a store under test uses (see the module's docstring)."""

    def __init__(self, database_url: str) -> None:
        parsed = to_engine_url(database_url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        self.proxy: TcpProxy | None = None
        self.url = database_url
        self.is_down = False
        if not self.is_sqlite:
            self.proxy = TcpProxy(parsed.host or "127.0.0.1", parsed.port or 5432)
            self.url = make_url(database_url).set(host="127.0.0.1", port=self.proxy.port).render_as_string(
                hide_password=False)

    def attach(self, db: Database) -> None:
        """Make `db`'s statements fail while down (SQLite; PostgreSQL needs nothing: the proxy)."""
        if self.is_sqlite:
            event.listen(db.engine, "before_cursor_execute", self._fail_while_down)

    def _fail_while_down(self, *_args: Any) -> None:
        if self.is_down:
            raise sqlite3.OperationalError("disk I/O error")

    def down(self) -> None:
        self.is_down = True
        if self.proxy is not None:
            self.proxy.down()

    def up(self) -> None:
        self.is_down = False
        if self.proxy is not None:
            self.proxy.up()

    def close(self) -> None:
        if self.proxy is not None:
            self.proxy.close()


@contextmanager
def database_outage(database_url: str) -> Iterator[DatabaseOutage]:
    outage = DatabaseOutage(database_url)
    try:
        yield outage
    finally:
        outage.close()
