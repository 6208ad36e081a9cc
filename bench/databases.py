"""The databases the end-to-end benchmarks run the bot on: `--database sqlite` (a throw-away
file, the default), `postgresql` (a schema of its own on the server named by TEST_POSTGRES_URL,
e.g. `export TEST_POSTGRES_URL="$(bash .ci/start-postgres)"`), and `postgresql+5ms` (the same
through bench/relay.py, 5 ms added to every round trip, as to a server across a network)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

from tests.database_support import fresh_schema

DATABASES = ("sqlite", "postgresql", "postgresql+5ms")
ADDED_ROUND_TRIP_SECONDS = 0.005


@asynccontextmanager
async def database_settings(kind: str, *, shared: bool = False) -> AsyncIterator[dict[str, str]]:
    """The bot's environment for `kind`: DATABASE_URL, or nothing for a SQLite file of each bot's
    own; `shared`: one SQLite file for every bot."""
    if kind == "sqlite":
        if not shared:
            yield {}
            return
        with tempfile.TemporaryDirectory(prefix="renkei-bench-shared-") as folder:
            yield {"DATABASE_URL": f"sqlite:///{Path(folder) / 'renkei.db'}"}
        return
    server_url = os.environ.get("TEST_POSTGRES_URL", "").strip()
    if not server_url:
        raise SystemExit('set TEST_POSTGRES_URL, e.g. export TEST_POSTGRES_URL="$(bash .ci/start-postgres)"')
    with fresh_schema(server_url) as url:
        if kind == "postgresql":
            yield {"DATABASE_URL": url}
            return
        parsed = make_url(url)
        with relay_process(parsed.host or "127.0.0.1", parsed.port or 5432) as port:
            relayed = parsed.set(host="127.0.0.1", port=port)
            yield {"DATABASE_URL": relayed.render_as_string(hide_password=False)}


@contextmanager
def relay_process(host: str, port: int) -> Iterator[int]:
    """bench/relay.py in a process of its own (a thread would share the benchmark's GIL); its port."""
    relay = subprocess.Popen([sys.executable, str(Path(__file__).with_name("relay.py")), host, str(port),
                              str(ADDED_ROUND_TRIP_SECONDS)], stdout=subprocess.PIPE, text=True)
    try:
        assert relay.stdout is not None
        yield int(relay.stdout.readline())
    finally:
        relay.terminate()
        relay.wait(10)
