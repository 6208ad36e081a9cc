"""Event revisions for the calendar feed on SQLite and PostgreSQL: SEQUENCE and LAST-MODIFIED
change once per change of an event's data, however many instances record it."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from bot.store.store import Store

pytestmark = pytest.mark.adapter

T0 = datetime(2027, 1, 15, 1, 0, tzinfo=UTC)


def test_first_sighting_then_unchanged_then_changed(database_url: str) -> None:
    store = Store(database_url)
    try:
        assert store.revisions.record({"a": "f1", "b": "g1"}, T0) == ["a", "b"]
        assert store.revisions.record({"a": "f1", "b": "g1"}, T0 + timedelta(hours=1)) == []
        assert store.revisions.record({"a": "f2", "b": "g1"}, T0 + timedelta(hours=2)) == ["a"]
        revisions = store.revisions.revisions()
    finally:
        store.close()
    assert (revisions["a"].sequence, revisions["a"].modified_at) == (1, T0 + timedelta(hours=2))
    assert (revisions["b"].sequence, revisions["b"].modified_at) == (0, T0)


def test_two_instances_recording_the_same_change_bump_it_once(database_url: str) -> None:
    stores = [Store(database_url), Store(database_url)]
    try:
        stores[0].revisions.record({"a": "f1"}, T0)
        barrier = threading.Barrier(2)
        changed: list[list[str]] = []

        def record(store: Store) -> None:
            barrier.wait()
            changed.append(store.revisions.record({"a": "f2"}, T0 + timedelta(minutes=1)))

        threads = [threading.Thread(target=record, args=(store,)) for store in stores]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(changed) == [[], ["a"]]
        assert stores[1].revisions.revisions()["a"].sequence == 1
    finally:
        for store in stores:
            store.close()
