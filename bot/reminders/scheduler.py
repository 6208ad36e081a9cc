"""The reminder scheduler: the only module that touches APScheduler.

One `AsyncIOScheduler` on the bot's running loop (timezone Asia/Tokyo) holds a date job per
upcoming reminder, with a stable id (`reminder:<event>:<offset seconds>`) and
`replace_existing`, so reloading the knowledge base moves, adds and removes jobs instead of
duplicating them. A periodic sweep (and one at start) catches up on whatever was due while the
bot was down and releases claims left by a dead process.

Jobs live in memory: each process schedules its own, and the delivery ledger in the store is
what makes a reminder go out once even when several processes run schedulers (APScheduler 3's
FAQ warns against sharing a job store between schedulers).

Stopping (SIGTERM) is `await stop(timeout)`: no job starts any more, a post in flight finishes and
is marked in the ledger, and only then does APScheduler shut down — its asyncio executor cancels
running jobs, which would abandon a claimed ledger row half-way.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.knowledge.model import JST, KnowledgeBase
from bot.reminders.delivery import Clock, Deliverer, Outcome, now_jst
from bot.reminders.due import DEFAULT_GRACE, DEFAULT_MISSED_WINDOW, due_reminders, upcoming_reminders
from bot.store.ledger import DeliveryLedger
from bot.store.records import Target

log = logging.getLogger(__name__)

JOB_PREFIX = "reminder:"
SWEEP_JOB_ID = "reminder-sweep"
ANNOUNCE_JOB_ID = "announce-now"


@dataclass(frozen=True)
class ScheduleChange:
    added: tuple[str, ...] = ()
    moved: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()

    def to_text(self) -> str:
        return (
            f"リマインダー {len(self.added) + len(self.moved) + len(self.kept)}件を予定"
            f"（追加 {len(self.added)}、時刻変更 {len(self.moved)}、削除 {len(self.removed)}）"
        )


class ReminderScheduler:
    def __init__(
        self,
        *,
        knowledge: Callable[[], KnowledgeBase],
        targets: Callable[[], Sequence[Target]],
        ledger: DeliveryLedger,
        deliverer: Deliverer,
        clock: Clock = now_jst,
        sweep_seconds: float = 60.0,
        grace: timedelta = DEFAULT_GRACE,
        missed_window: timedelta = DEFAULT_MISSED_WINDOW,
        claim_lease: timedelta = timedelta(minutes=10),
        announcer: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        self.knowledge = knowledge
        self.targets = targets
        self.ledger = ledger
        self.deliverer = deliverer
        self.clock = clock
        self.sweep_seconds = sweep_seconds
        self.grace = grace
        self.missed_window = missed_window
        self.claim_lease = claim_lease
        # New memoranda (bot/reminders/announcer.py): run on every sweep, and at once after a reload.
        self.announcer = announcer
        self._scheduler = AsyncIOScheduler(
            timezone=JST,
            # The ledger decides whether a late run is "late" or "missed", so every job runs
            # however late its loop wakes up, once.
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )
        self._jobs_in_flight: set[asyncio.Task[object]] = set()
        self._stopping = False

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    def start(self) -> ScheduleChange:
        """Start on the running loop: schedule every upcoming reminder and sweep at once (catch-up)."""
        self._scheduler.start()
        change = self.reschedule()
        self._scheduler.add_job(
            self._sweep_job, IntervalTrigger(seconds=self.sweep_seconds, timezone=JST), id=SWEEP_JOB_ID,
            replace_existing=True, next_run_time=self.clock(),
        )
        log.info("reminder scheduler started: %s", change.to_text())
        return change

    def shutdown(self) -> None:
        """Stop at once; a job still running is cancelled (use `stop` to let it finish)."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    @property
    def is_stopping(self) -> bool:
        return self._stopping

    def begin_stop(self) -> None:
        """Start no job and no post from now on; what is in flight carries on."""
        if self._stopping:
            return
        self._stopping = True
        self.deliverer.stop()
        if self._scheduler.running:
            self._scheduler.pause()
        log.info("reminder scheduler stopping: no new posts")

    async def stop(self, timeout: float) -> bool:
        """Stop cleanly: wait up to `timeout` seconds for the reminder jobs in flight (their posts
        finish and are marked sent or failed), then shut APScheduler down. False when a job had
        to be cancelled at the timeout (its delivery is then marked, see `Deliverer`)."""
        self.begin_stop()
        running = {task for task in self._jobs_in_flight if not task.done()}
        if running:
            log.info("waiting up to %.0f s for %d reminder job(s) in flight", timeout, len(running))
            _, running = await asyncio.wait(running, timeout=timeout)
        self.shutdown()
        if running:
            log.warning("stopped with %d reminder job(s) unfinished after %.0f s; cancelled", len(running), timeout)
            for task in running:
                task.cancel()
            await asyncio.wait(running)
        log.info("reminder scheduler stopped")
        return not running

    def scheduled(self) -> dict[str, datetime]:
        """The reminder jobs and their run times."""
        return {
            job.id: job.next_run_time
            for job in self._scheduler.get_jobs()
            if job.id.startswith(JOB_PREFIX) and job.next_run_time is not None
        }

    def reschedule(self, kb: KnowledgeBase | None = None) -> ScheduleChange:
        """Bring the jobs in line with the knowledge base: new events gain reminders, changed
        times move them, removed events lose them."""
        kb = kb or self.knowledge()
        wanted = {r.job_id: r for r in upcoming_reminders(kb.all_events(), self.clock())}
        current = self.scheduled()
        for job_id in current.keys() - wanted.keys():
            self._scheduler.remove_job(job_id)
        for job_id, reminder in wanted.items():
            if current.get(job_id) == reminder.due_at:
                continue
            self._scheduler.add_job(
                self._fire, DateTrigger(run_date=reminder.due_at, timezone=JST), args=(reminder.event.id,),
                id=job_id, name=f"{reminder.event.title} ({job_id})", replace_existing=True,
            )
        return ScheduleChange(
            added=tuple(sorted(wanted.keys() - current.keys())),
            moved=tuple(sorted(j for j in wanted.keys() & current.keys() if current[j] != wanted[j].due_at)),
            removed=tuple(sorted(current.keys() - wanted.keys())),
            kept=tuple(sorted(j for j in wanted.keys() & current.keys() if current[j] == wanted[j].due_at)),
        )

    def announce_soon(self) -> None:
        """Look for new or corrected memoranda now (after a reload), not at the next sweep."""
        if self.announcer is None or not self._scheduler.running or self._stopping:
            return
        self._scheduler.add_job(self._announce_job, DateTrigger(run_date=self.clock(), timezone=JST),
                                id=ANNOUNCE_JOB_ID, replace_existing=True)

    async def _fire(self, event_id: str) -> None:
        await self._run_job(lambda: self.run_due({event_id}))

    async def _sweep_job(self) -> None:
        await self._run_job(self.sweep)

    async def _announce_job(self) -> None:
        await self._run_job(self.announce)

    async def announce(self) -> None:
        if self.announcer is None:
            return
        try:
            await self.announcer()
        except Exception:  # the reminders go on; the next sweep tries again
            log.exception("announcing new memoranda failed")

    async def _run_job(self, work: Callable[[], Awaitable[object]]) -> None:
        # A job APScheduler had already handed to its executor when stopping began starts no work.
        if self._stopping:
            return
        task = asyncio.current_task()
        if task is not None:
            self._jobs_in_flight.add(task)
        try:
            await work()
        finally:
            if task is not None:
                self._jobs_in_flight.discard(task)

    async def sweep(self) -> list[Outcome]:
        now = self.clock()
        released, failed = await self.ledger.call(self.ledger.recover_stale_claims, now - self.claim_lease, now)
        if released or failed:
            log.warning("stale reminder claims: %d released for another try, %d marked failed", released, failed)
        outcomes = await self.run_due()
        await self.announce()
        return outcomes

    async def run_due(self, event_ids: Collection[str] | None = None) -> list[Outcome]:
        """Deliver whatever is due now (for the given events, or all)."""
        kb = self.knowledge()
        now = self.clock()
        events = [e for e in kb.all_events() if event_ids is None or e.id in event_ids]
        targets = await self.ledger.call(self.targets)
        ledger = await self.ledger.call(self.ledger.keys, now - self.missed_window)
        dues = due_reminders(events, targets, ledger, now, grace=self.grace, missed_window=self.missed_window)
        if not dues:
            return []
        return await self.deliverer.deliver_all(dues, kb.document_of)
