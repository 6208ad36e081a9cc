"""The store on a real SQLite file and on a real PostgreSQL server (TEST_POSTGRES_URL; see
tests/database_support.py): subscriptions, the ledger's atomic claims, votes, event ids."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answering.dispatch import Dispatcher
from bot.answering.engine import Engine
from bot.knowledge.model import JST
from bot.ops.feedback import FeedbackRecorder, PrivateFeedback, to_voter_key
from bot.ops.settings import Settings
from bot.store.database import to_engine_url
from bot.store.records import Conversation, DeliveryKey, Target, Vote
from bot.store.store import Store

pytestmark = pytest.mark.adapter

START = datetime(2027, 4, 10, 14, 0, tzinfo=JST)
C1 = Target("slack", "C1")


def key(offset: int = 3600, target: Target = C1, event_id: str = "review") -> DeliveryKey:
    return DeliveryKey(event_id, START, offset, target.platform, target.id)


@pytest.fixture()
def db_url(database_url: str) -> str:
    return database_url


@pytest.fixture()
def store(db_url: str) -> Iterator[Store]:
    store = Store(db_url)
    yield store
    store.close()


def test_the_default_url_is_a_sqlite_file_under_var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    url = Settings.from_env({}).database_url
    assert url == "sqlite:///var/renkei.db"
    Store(url).close()
    assert (tmp_path / "var" / "renkei.db").is_file()


def test_sqlite_runs_in_wal_mode_with_its_folder_created(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'nested' / 'renkei.db'}")
    assert store.db.journal_mode() == "wal"
    assert (tmp_path / "nested" / "renkei.db").is_file()
    store.close()


def test_a_bare_postgresql_url_gets_the_installed_driver() -> None:
    assert to_engine_url("postgresql://u:p@127.0.0.1/renkei").drivername == "postgresql+psycopg"
    assert to_engine_url("postgres://u:p@127.0.0.1/renkei").drivername == "postgresql+psycopg"
    assert to_engine_url("postgresql+psycopg://u:p@127.0.0.1/renkei").drivername == "postgresql+psycopg"
    assert to_engine_url("sqlite:///var/renkei.db").drivername == "sqlite"


def test_long_teams_user_ids_fit(store: Store) -> None:
    teams_user = "29:1" + "x" * 120  # Teams ids are longer than Slack's; PostgreSQL enforces lengths
    assert store.subscriptions.subscribe(Target("teams", "19:" + "c" * 200 + "@thread.tacv2"), teams_user) is True
    assert store.subscriptions.all("teams")[0].user_id == teams_user


def test_subscribe_unsubscribe_and_list(store: Store) -> None:
    when = datetime(2026, 11, 29, 9, 0, tzinfo=JST)
    assert store.subscriptions.subscribe(C1, "U1", when) is True
    assert store.subscriptions.subscribe(C1, "U2", when) is False  # already subscribed: the first one stays
    assert store.subscriptions.subscribe(Target("slack", "C2"), "U2", when) is True
    sub = store.subscriptions.subscription(C1)
    assert sub is not None and (sub.user_id, sub.created_at) == ("U1", when)
    assert [s.target for s in store.subscriptions.all()] == [C1, Target("slack", "C2")]
    assert store.subscriptions.unsubscribe(C1) is True
    assert store.subscriptions.unsubscribe(C1) is False
    assert store.subscriptions.subscription(C1) is None
    assert [s.target_id for s in store.subscriptions.all("slack")] == ["C2"]
    assert store.subscriptions.all("teams") == []


def test_a_claim_is_granted_once(store: Store) -> None:
    due = START - timedelta(hours=1)
    assert store.ledger.claim(key(), due) is True
    assert store.ledger.claim(key(), due) is False
    assert store.ledger.claim(key(offset=86400), due) is True
    assert store.ledger.record_missed(key(), due, "late") is False  # the ledger already has it
    assert store.ledger.keys(START - timedelta(days=1)) == {key(), key(offset=86400)}
    assert store.ledger.keys(START + timedelta(seconds=1)) == set()


def test_concurrent_claims_from_two_stores_grant_each_key_once(db_url: str) -> None:
    stores = [Store(db_url), Store(db_url)]  # two engines: separate connections, as two processes have
    keys = [key(offset=n) for n in range(1, 41)]
    granted: list[DeliveryKey] = []
    lock = threading.Lock()

    def claim_all(store: Store) -> None:
        for k in keys:
            if store.ledger.claim(k, START):
                with lock:
                    granted.append(k)

    threads = [threading.Thread(target=claim_all, args=(stores[i % 2],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(granted) == sorted(keys)


def test_ledger_lifecycle(store: Store) -> None:
    due = START - timedelta(hours=1)
    store.ledger.claim(key(), due)
    store.ledger.note_attempt(key())
    store.ledger.note_error(key(), "ratelimited")
    store.ledger.note_attempt(key())
    store.ledger.mark_sent(key(), late=True)
    (row,) = store.ledger.rows(target=C1)
    assert (row.status, row.attempts, row.last_error, row.due_at) == ("late", 2, "ratelimited", due)
    assert row.sent_at is not None
    # Marks only apply to claimed rows: a finished delivery is never re-opened.
    store.ledger.mark_failed(key(), "too late")
    assert store.ledger.rows(target=C1)[0].status == "late"


def test_failed_and_missed_rows_keep_their_reason(store: Store) -> None:
    store.ledger.claim(key(), START)
    store.ledger.mark_failed(key(), "channel_not_found")
    assert store.ledger.record_missed(key(offset=60), START, "the event had started") is True
    rows = {r.key.offset_seconds: r for r in store.ledger.rows(target=C1)}
    assert (rows[3600].status, rows[3600].last_error) == ("failed", "channel_not_found")
    assert (rows[60].status, rows[60].last_error) == ("missed", "the event had started")
    assert [r.key for r in store.ledger.rows(statuses=("failed",))] == [key()]


def test_stale_claims_are_released_or_failed_but_fresh_ones_kept(store: Store) -> None:
    then = datetime.now(UTC) - timedelta(hours=1)
    store.ledger.claim(key(offset=1), START, then)  # died before posting
    store.ledger.claim(key(offset=2), START, then)
    store.ledger.note_attempt(key(offset=2), then)  # died while posting
    store.ledger.claim(key(offset=3), START)  # alive
    released, failed = store.ledger.recover_stale_claims(datetime.now(UTC) - timedelta(minutes=10))
    assert (released, failed) == (1, 1)
    statuses = {r.key.offset_seconds: r.status for r in store.ledger.rows()}
    assert statuses == {2: "failed", 3: "claimed"}
    assert store.ledger.claim(key(offset=1), START) is True  # the released one can be claimed again


def test_claim_event_is_true_once_across_processes(db_url: str) -> None:
    first, second = Store(db_url), Store(db_url)
    assert first.event_claims.take("Ev123") is True
    assert second.event_claims.take("Ev123") is False
    assert first.event_claims.take("Ev123") is False
    assert second.event_claims.take("Ev456") is True


def test_processed_events_are_pruned(store: Store) -> None:
    old = datetime.now(UTC) - timedelta(days=2)
    store.event_claims.take("EvOld", old)
    store.event_claims.take("EvNew")
    assert store.event_claims.prune(datetime.now(UTC) - timedelta(days=1)) == 1
    assert store.event_claims.take("EvOld") is True
    assert store.event_claims.take("EvNew") is False


async def test_the_stores_votes_are_a_feedback_recorder(store: Store) -> None:
    recorder: FeedbackRecorder = store.votes
    when = datetime(2026, 11, 29, 9, 0, tzinfo=JST)
    up = Vote(platform="slack", conversation_id="C1:1.2", user_id="U1", question="帯広の連携事項は?", helpful=True,
              voted_at=when, answer_kind="answer", topic_id="cooperation")
    down = Vote(platform="slack", conversation_id="D1", user_id="", question="<!channel> 小樽?", helpful=False,
                voted_at=when, answer_kind="fallback")
    await recorder.record(up)
    await recorder.record(down)
    assert store.votes.all() == [up, down]


async def test_a_vote_is_recorded_once_per_person_and_answer_even_without_the_user_id(store: Store) -> None:
    recorder = PrivateFeedback(store.votes, keep_user_ids=False)
    when = datetime(2026, 11, 29, 9, 0, tzinfo=JST)
    first = Vote(platform="teams", conversation_id="teams:19:c", user_id="u-sato", question="帯広?", helpful=True,
                 voted_at=when, voter_key=to_voter_key("teams", "u-sato", "19:c|100"))
    await recorder.record(first)
    await recorder.record(replace(first, helpful=False))  # the same person, the same answer
    await recorder.record(replace(first, user_id="u-suzuki", voter_key=to_voter_key("teams", "u-suzuki", "19:c|100")))
    await recorder.record(replace(first, voter_key=to_voter_key("teams", "u-sato", "19:c|200")))  # another answer
    assert [(vote.helpful, vote.user_id) for vote in store.votes.all()] == [(True, "")] * 3
    assert "u-sato" not in first.voter_key and to_voter_key("teams", "", "19:c|100") == ""


def test_conversation_references_are_upserted(store: Store) -> None:
    store.references.save("teams", "19:abc", {"serviceUrl": "https://x", "n": 1})
    store.references.save("teams", "19:abc", {"serviceUrl": "https://x", "n": 2})
    store.references.save("teams", "19:def", {"n": 3})
    assert store.references.load("teams", "19:abc") == {"serviceUrl": "https://x", "n": 2}
    assert store.references.load("teams", "19:zzz") is None
    assert store.references.load("teams", "19:def") == {"n": 3}


def test_naive_datetimes_are_refused(store: Store) -> None:
    with pytest.raises(Exception, match="naive datetime"):
        store.subscriptions.subscribe(C1, "U1", datetime(2026, 11, 29, 9, 0))


def test_stores_opening_a_new_database_at_once_all_work(database_url: str) -> None:
    url = database_url
    errors: list[BaseException] = []
    opened: list[Store] = []

    def open_store() -> None:
        try:
            opened.append(Store(url))
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=open_store) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(opened) == 4
    assert opened[0].subscriptions.subscribe(C1, "U1") and not opened[3].subscriptions.subscribe(C1, "U2")
    for store in opened:
        store.close()


async def test_a_follow_up_may_reach_another_instance(db_url: str, engine: Engine) -> None:
    # Two instances (two stores, two dispatchers) on one database, as behind a load balancer.
    first, second = Store(db_url), Store(db_url)
    clock = iter([datetime(2026, 11, 29, 9, 0, tzinfo=JST), datetime(2026, 11, 29, 9, 2, tzinfo=JST),
                  datetime(2026, 11, 29, 11, 0, tzinfo=JST)])
    now = lambda: next(clock)  # noqa: E731
    try:
        a = Dispatcher(engine, clock=now, conversations=first.conversations)
        b = Dispatcher(engine, clock=now, conversations=second.conversations)
        assert (await a.ask("帯広の連携事項は?", "slack:T:C:1")).partner_ids == ("obihiro",)
        follow_up = await b.ask("式典はいつ?", "slack:T:C:1")
        assert follow_up.partner_ids == ("obihiro",)
        assert "2020年2月7日" in "".join(s.text for s in follow_up.sections)
        expired = await a.ask("式典はいつ?", "slack:T:C:1")  # two hours later: forgotten
        # Forgotten: which city is asked back (it would be 帯広 again if remembered).
        assert expired.kind == "clarify" and expired.partner_ids == ()
    finally:
        first.close()
        second.close()


def test_old_conversations_are_pruned(store: Store) -> None:
    old = Conversation(("asahikawa",), "theme", datetime(2026, 1, 1, tzinfo=JST))
    new = Conversation(("muroran",), None, datetime(2026, 11, 29, tzinfo=JST))
    store.conversations.save("c-old", old)
    store.conversations.save("c-new", new)
    store.conversations.save("c-new", new)  # replaced, not duplicated
    assert store.conversations.forget(datetime(2026, 6, 1, tzinfo=JST)) == 1
    assert store.conversations.load("c-old") is None
    assert store.conversations.load("c-new") == new
