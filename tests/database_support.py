"""The databases the store and the multi-process tests run on: a SQLite file, and PostgreSQL.

The `database_url` fixture (tests/conftest.py) is parametrised over both and gives each test a
fresh, empty database: a new SQLite file, or a schema of its own on the PostgreSQL server named
by TEST_POSTGRES_URL (`search_path` set through the URL, so bot subprocesses given the same
DATABASE_URL land in it too), dropped afterwards.

Without TEST_POSTGRES_URL (a developer machine without PostgreSQL) the PostgreSQL cases skip and
say how to enable them; with CI=true they fail instead, so CI can never pass without them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from bot.store.database import to_engine_url

POSTGRES_URL_VARIABLE = "TEST_POSTGRES_URL"
DATABASES = ("sqlite", "postgresql")
HOW_TO_ENABLE = (
    f"set {POSTGRES_URL_VARIABLE} to run the PostgreSQL cases, e.g. "
    f'export {POSTGRES_URL_VARIABLE}="$(bash .ci/start-postgres)" (installs and starts a local server as root)'
)


def is_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def postgres_url() -> str:
    """TEST_POSTGRES_URL; skips the test without it (fails it under CI=true)."""
    url = os.environ.get(POSTGRES_URL_VARIABLE, "").strip()
    if not url:
        if is_ci():
            pytest.fail(f"{POSTGRES_URL_VARIABLE} is not set but CI=true: .ci/run must start PostgreSQL; "
                        f"{HOW_TO_ENABLE}", pytrace=False)
        pytest.skip(HOW_TO_ENABLE)
    return url


@contextmanager
def fresh_database(kind: str, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database of `kind` ("sqlite" or "postgresql") for one test."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'db' / 'renkei.db'}"
        return
    with fresh_schema(postgres_url()) as url:
        yield url


@contextmanager
def fresh_schema(server_url: str) -> Iterator[str]:
    """A new schema on `server_url`'s database and a URL whose connections use it; dropped after."""
    schema = f"test_{uuid.uuid4().hex[:16]}"
    base = to_engine_url(server_url)
    admin = create_engine(base)
    try:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        yield base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()
