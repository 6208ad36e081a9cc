"""New memoranda announced once (bot/reminders/announcer.py) on SQLite and PostgreSQL, through the real
store and the reminders' ledger and deliverer, to a recording sender: the first start's baseline,
a document added, two instances racing, one started after the other stopped, a document removed
and added back, a correction, an ambiguous post, and what `remind list` and `schedule` show."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.commands.registry import Commands, Mention, Notice, Request, ScheduleView, Services
from bot.knowledge.model import JST, KnowledgeBase
from bot.ops.settings import Settings
from bot.reminders.announcements import Announcement
from bot.reminders.announcer import Announcer
from bot.reminders.delivery import Deliverer, DeliveryError, ReminderMessage, RetryPolicy, UnknownOutcome
from bot.reminders.service import build_announcement_book, load_listeners
from bot.store.records import Target
from bot.store.store import Store
from handlers.slack.settings import SlackSettings
from handlers.targets import configured_targets
from tests.memorandum_support import KUSHIRO_DOCUMENT_ID, Memorandum, load_memoranda

pytestmark = pytest.mark.adapter

T0 = datetime(2027, 1, 15, 9, 0, tzinfo=JST)
STARTS = datetime(2027, 2, 3, 10, 0, tzinfo=JST)
C1, C2, TEAMS = Target("slack", "C1"), Target("slack", "C2"), Target("teams", "19:conv")
SETTINGS = Settings(sections=(SlackSettings(reminder_channels=("C1",)),))


@dataclass
class RecordingSender:
    """A platform that records what it is asked to post; `errors` are raised first, in turn."""

    posts: list[tuple[Target, Announcement]] = field(default_factory=list)
    errors: list[DeliveryError] = field(default_factory=list)

    async def send(self, target: Target, message: ReminderMessage) -> None:
        raise AssertionError("no reminder is due in these tests")

    async def announce(self, target: Target, announcement: Announcement) -> None:
        self.posts.append((target, announcement))
        if self.errors:
            raise self.errors.pop(0)


@dataclass
class Instance:
    """One bot process's announcer: its own store (connections) on the shared database."""

    store: Store
    kb: KnowledgeBase
    slack: RecordingSender
    teams: RecordingSender
    now: datetime = T0

    @property
    def announcer(self) -> Announcer:
        deliverer = Deliverer(self.store.ledger, {"slack": self.slack, "teams": self.teams},
                              policy=RetryPolicy(max_attempts=2, backoff_seconds=0.01), clock=lambda: self.now)
        return Announcer(knowledge=lambda: self.kb, documents=self.store.documents, ledger=self.store.ledger,
                         revisions=self.store.revisions, deliverer=deliverer, clock=lambda: self.now,
                         listeners=lambda: load_listeners(configured_targets(SETTINGS), self.store.subscriptions))

    def posts(self) -> list[tuple[Target, str]]:
        return [(target, a.title) for target, a in self.slack.posts + self.teams.posts]


@pytest.fixture()
def instances(database_url: str, kb: KnowledgeBase) -> Iterator[list[Instance]]:
    made = [Instance(Store(database_url), kb, RecordingSender(), RecordingSender()) for _ in range(2)]
    yield made
    for instance in made:
        instance.store.close()


def subscribe(store: Store, *targets: Target, at: datetime = T0 - timedelta(days=30)) -> None:
    for target in targets:
        store.subscriptions.subscribe(target, "U1", at)


def with_kushiro(tmp_path: Path, name: str = "kb.yaml", *, starts_at: datetime = STARTS,
                 place: str = Memorandum.place) -> KnowledgeBase:
    return load_memoranda(tmp_path, [Memorandum(starts_at, place=place)], name)


NEW = "新しい覚書: 北海道経済産業局と釧路市（発表 2027年1月15日（金））"


async def test_the_first_start_records_the_existing_memoranda_without_announcing(
        instances: list[Instance], tmp_path: Path) -> None:
    first = instances[0]
    first.kb = with_kushiro(tmp_path)  # even a memorandum with a ceremony ahead: it was there at install
    subscribe(first.store, C2)
    assert await first.announcer.run() == []
    assert first.posts() == []
    known = first.store.documents.known()
    assert len(known) == 3 and all(document.baseline for document in known.values())  # the 2 bundled + 釧路


async def test_a_new_memorandum_is_announced_once_to_every_conversation_even_with_two_instances_racing(
        instances: list[Instance], tmp_path: Path) -> None:
    first, second = instances
    subscribe(first.store, C2, TEAMS)
    await first.announcer.run()  # the first start: the bundled memoranda are the baseline
    kb = with_kushiro(tmp_path)
    first.kb = second.kb = kb
    first.now = second.now = T0 + timedelta(minutes=1)
    outcomes = await asyncio.gather(first.announcer.run(), second.announcer.run())
    assert sorted(o for run in outcomes for o in run) == ["sent"] * 3 + ["skipped"] * (len(outcomes[0]) +
                                                                                      len(outcomes[1]) - 3)
    posts = first.posts() + second.posts()
    assert sorted(posts) == sorted([(C1, NEW), (C2, NEW), (TEAMS, NEW)])
    # Later sweeps, on either instance, post nothing more.
    assert await first.announcer.run() == [] and await second.announcer.run() == []
    statuses = first.store.ledger.announcement_counts()
    assert statuses == {"sent": 3}
    assert first.store.ledger.counts() == {}  # the reminders' metric counts reminders only


async def test_a_memorandum_added_while_an_instance_was_stopped_is_announced_by_the_next_start(
        instances: list[Instance], tmp_path: Path) -> None:
    first, second = instances
    await first.announcer.run()
    first.store.close()  # stopped; meanwhile a maintainer adds a memorandum
    second.kb = with_kushiro(tmp_path)
    second.now = T0 + timedelta(hours=5)
    assert await second.announcer.run() == ["sent"]
    assert second.posts() == [(C1, NEW)]
    first.store = Store(str(second.store.db.engine.url.render_as_string(hide_password=False)))
    first.kb, first.now = second.kb, second.now
    assert await first.announcer.run() == []  # restarted: nothing twice


async def test_a_document_removed_and_added_back_is_not_announced_again(
        instances: list[Instance], tmp_path: Path, kb: KnowledgeBase) -> None:
    first = instances[0]
    await first.announcer.run()
    first.kb = with_kushiro(tmp_path)
    assert await first.announcer.run() == ["sent"]
    first.kb = kb
    assert await first.announcer.run() == []
    first.kb = with_kushiro(tmp_path, "again.yaml")
    assert await first.announcer.run() == []
    assert len(first.posts()) == 1


async def test_a_correction_is_announced_once_to_those_told_saying_what_changed(
        instances: list[Instance], tmp_path: Path) -> None:
    first, second = instances
    subscribe(first.store, C2)
    await first.announcer.run()
    first.kb = second.kb = with_kushiro(tmp_path)
    assert sorted(await first.announcer.run()) == ["sent", "sent"]
    # A conversation subscribing now was not told of the memorandum, so gets no correction either.
    subscribe(first.store, TEAMS, at=T0 + timedelta(hours=1))
    moved = with_kushiro(tmp_path, "moved.yaml", starts_at=STARTS + timedelta(hours=4), place="釧路市民文化会館")
    first.kb = second.kb = moved
    first.now = second.now = T0 + timedelta(hours=2)
    runs = await asyncio.gather(first.announcer.run(), second.announcer.run())
    assert sorted(o for run in runs for o in run if o != "skipped") == ["sent", "sent"]
    corrections = [(t, a) for t, a in first.slack.posts + second.slack.posts if a.kind == "correction"]
    assert sorted(t.id for t, _ in corrections) == ["C1", "C2"]
    _, correction = corrections[0]
    assert correction.title == "覚書の訂正: 北海道経済産業局と釧路市（発表 2027年1月15日（金））"
    assert correction.changes == (
        "釧路市との覚書締結式の日時: 2027年2月3日（水） 10:00～10:30 → 2027年2月3日（水） 14:00～14:30",
        "釧路市との覚書締結式の場所: 釧路市役所 3階 市長応接室 → 釧路市民文化会館",
    )
    assert correction.ceremonies[0].when == "2027年2月3日（水） 14:00～14:30"
    assert await first.announcer.run() == [] and await second.announcer.run() == []
    assert first.teams.posts == []


async def test_an_ambiguous_post_is_never_posted_again_and_a_failed_one_gets_no_correction(
        instances: list[Instance], tmp_path: Path) -> None:
    first = instances[0]
    subscribe(first.store, C2)
    await first.announcer.run()
    first.kb = with_kushiro(tmp_path)
    first.slack.errors = [UnknownOutcome("timeout after sending; not found in the channel's history")]
    outcomes = await first.announcer.run()
    assert sorted(outcomes) == ["sent", "unknown"]
    assert await first.announcer.run() == []
    rows = first.store.ledger.announcement_rows()
    assert sorted(rows[(KUSHIRO_DOCUMENT_ID, t)][0] for t in (C1, C2)) == ["sent", "unknown"]
    first.kb = with_kushiro(tmp_path, "moved.yaml", place="別の会場")
    assert sorted(await first.announcer.run()) == ["sent", "sent"]  # unknown: it may have arrived


async def test_remind_list_and_schedule_show_announcements_sent_and_pending(
        instances: list[Instance], tmp_path: Path) -> None:
    first = instances[0]
    subscribe(first.store, C2)
    await first.announcer.run()
    first.kb = with_kushiro(tmp_path)
    book = build_announcement_book(configured_targets(SETTINGS), lambda: first.kb, first.store)
    await first.store.db.run(first.store.documents.record, [], first.now)  # nothing recorded yet
    pending_status = await book.announcement_status(None)
    assert pending_status.pending == ()  # the new document is not recorded until the announcer runs
    await first.announcer.run()
    commands = Commands(Services(knowledge=lambda: first.kb, subscriptions=first.store.subscriptions,
                                 deliveries=first.store.ledger, announcements=book,
                                 configured_targets=(C1,)))
    listed = await run(commands, "remind list", C2)
    assert isinstance(listed, Notice)
    announced = next(p for p in listed.paragraphs if p.heading == "新しい覚書のお知らせ")
    assert len(announced.lines) == 1 and "✅ 送信済み" in announced.lines[0][0]
    assert "釧路市と覚書を締結します" in announced.lines[0][0]
    schedule = await run(commands, "schedule", C2)
    assert isinstance(schedule, ScheduleView)
    assert sorted(line.rsplit("→ ", 1)[1] for line in schedule.announcements) == ["slack:C1", "slack:C2"]
    # A due announcement not yet posted is listed as waiting.
    subscribe(first.store, Target("slack", "C9"), at=T0 - timedelta(days=1))
    waiting = await book.announcement_status(Target("slack", "C9"))
    assert [r.status for r in waiting.pending] == ["pending"]


async def run(commands: Commands, text: str, target: Target) -> object:
    invocation = commands.parse(text)
    assert invocation is not None
    request = Request(platform=target.platform, target=target, user=Mention("U1"), is_admin=False,
                      now=datetime.now(UTC), arguments=invocation.arguments)
    return await commands.run(invocation, request)



def test_two_instances_starting_on_an_empty_database_both_take_every_document_as_the_baseline(
        database_url: str, kb: KnowledgeBase, tmp_path: Path) -> None:
    import threading

    from bot.reminders.announcements import to_snapshots

    snapshots = to_snapshots(with_kushiro(tmp_path))
    stores = [Store(database_url), Store(database_url)]
    try:
        barrier = threading.Barrier(2)

        def record(store: Store) -> None:
            barrier.wait()
            store.documents.record(snapshots)

        threads = [threading.Thread(target=record, args=(store,)) for store in stores]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        known = stores[0].documents.known()
    finally:
        for store in stores:
            store.close()
    assert len(known) == 3 and all(document.baseline for document in known.values())


async def test_an_instance_that_has_not_reloaded_yet_never_turns_a_correction_back(
        instances: list[Instance], tmp_path: Path) -> None:
    first, second = instances
    await first.announcer.run()
    kb = with_kushiro(tmp_path)
    first.kb = second.kb = kb
    first_announcer, second_announcer = first.announcer, second.announcer  # each keeps what it recorded
    assert await first_announcer.run() == ["sent"]
    assert await second_announcer.run() == []
    first.kb = with_kushiro(tmp_path, "moved.yaml", place="釧路市民文化会館")  # the first instance reloads
    assert await first_announcer.run() == ["sent"]  # the correction
    for _ in range(3):  # the second still serves the old data for a while: it changes nothing
        assert await second_announcer.run() == []
    second.kb = first.kb  # then it reloads too
    assert await second_announcer.run() == [] and await first_announcer.run() == []
    assert [a.kind for _, a in first.slack.posts + second.slack.posts] == ["new", "correction"]
    assert first.store.documents.known()[KUSHIRO_DOCUMENT_ID].version == 1
    assert first.store.revisions.revisions()["kushiro-ceremony"].sequence == 1
