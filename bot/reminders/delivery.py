"""Delivering due reminders: claim in the ledger → post through a platform `Sender` → mark sent.

Senders translate platform failures into three typed errors so the retry rules live here once:
`RateLimited` waits for the platform's Retry-After, `TransientError` (5xx, timeouts, connection
errors) retries with exponential backoff, `PermanentError` (`channel_not_found`,
`not_in_channel`, …) is not retried. A post that keeps failing is marked failed with the reason.

Stopping (`stop()`, on SIGTERM) never leaves a ledger row claimed: nothing new is claimed, a post
under way finishes and is marked, a claim waiting for its (next) attempt is released for another
instance or the next start, and a post cancelled half-way is marked failed (it may have reached
the platform, so it is never posted twice).

A database outage never leaves a row saying something other than what happened: every ledger
write about a delivery (its attempt, its outcome) is tried again until the database is back, so a
reminder posted during an outage is recorded `sent`, not left `claimed` for the stale-claim sweep
to mark failed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, ParamSpec, Protocol, TypeVar, runtime_checkable

from bot.knowledge.model import JST, Document, Event
from bot.reminders.announcements import Announcement, AnnouncementDue, announcement_key
from bot.reminders.due import Due, format_offset_code, is_started
from bot.store.ledger import DeliveryLedger
from bot.store.records import DeliveryKey, Target

log = logging.getLogger(__name__)

Outcome = Literal["sent", "late", "failed", "missed", "skipped", "unknown"]
Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[None]]
P = ParamSpec("P")
R = TypeVar("R")
# While the database cannot be reached, a ledger write is tried again after these waits (doubling).
RECORD_RETRY_SECONDS = 0.25
RECORD_RETRY_MAX_SECONDS = 5.0


class DeliveryError(Exception):
    """A post failed; `reason` is safe to log and store (never a token)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RateLimited(DeliveryError):
    def __init__(self, retry_after: float, reason: str = "ratelimited") -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class TransientError(DeliveryError):
    """Worth retrying: a 5xx, a timeout, a dropped connection."""


class PermanentError(DeliveryError):
    """Retrying cannot help: the channel is gone, the bot is not in it, the token is invalid."""


class UnknownOutcome(DeliveryError):
    """The post may have reached the platform (the connection dropped after sending, a timeout)
    and the sender could not find out: recorded as `unknown`, never posted again."""


@dataclass(frozen=True)
class ReminderMessage:
    """Everything a sender needs to render a reminder, with no platform in it."""

    event: Event
    offset: timedelta
    late: bool
    now: datetime
    document: Document
    # The delivery's identity, which a sender may attach to the post to find it again.
    key: str = ""

    @property
    def source(self) -> str:
        doc = self.document
        return f"出典: {doc.title}（{doc.issuer}、{doc.date.year}年{doc.date.month}月{doc.date.day}日）"


class Sender(Protocol):
    async def send(self, target: Target, message: ReminderMessage) -> None:
        """Post `message` to `target`; raise a `DeliveryError` subclass on failure."""


@runtime_checkable
class AnnouncementSender(Protocol):
    """A sender that also posts new-memorandum announcements (the platforms' senders do)."""

    async def announce(self, target: Target, announcement: Announcement) -> None:
        """Post `announcement` to `target`; raise a `DeliveryError` subclass on failure."""


def _never(_now: datetime) -> bool:
    return False


@dataclass(frozen=True)
class Post:
    """One claimed delivery on its way: its ledger key, where it goes, what it is (for the log:
    "reminder …", "announcement …"), how to post it, and when it is too late to."""

    key: DeliveryKey
    target: Target
    what: str
    send: Callable[[datetime], Awaitable[None]]
    late: bool = False
    expired: Callable[[datetime], bool] = _never


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    backoff_seconds: float = 2.0
    max_backoff_seconds: float = 60.0
    # A Retry-After longer than this is not waited for in one go: the attempt counts as failed.
    max_retry_after_seconds: float = 300.0

    def backoff(self, attempt: int) -> float:
        return float(min(self.backoff_seconds * 2 ** (attempt - 1), self.max_backoff_seconds))


def now_jst() -> datetime:
    return datetime.now(JST)


class Deliverer:
    """Runs `Due` items against the ledger and the senders; safe to run in several processes."""

    def __init__(
        self,
        ledger: DeliveryLedger,
        senders: Mapping[str, Sender],
        *,
        policy: RetryPolicy | None = None,
        clock: Clock = now_jst,
        sleep: Sleep = asyncio.sleep,
        concurrency: int = 4,
    ) -> None:
        self.ledger = ledger
        self.senders = dict(senders)
        self.policy = policy or RetryPolicy()
        self.clock = clock
        self.sleep = sleep
        self._slots = asyncio.Semaphore(concurrency)
        self._stopping = asyncio.Event()

    def stop(self) -> None:
        """Claim nothing more and make no further attempt; a post under way carries on."""
        self._stopping.set()

    @property
    def is_stopping(self) -> bool:
        return self._stopping.is_set()

    async def deliver_all(self, dues: Sequence[Due], document_of: Callable[[Event], Document]) -> list[Outcome]:
        """Each reminder cites the document its event comes from (a memorandum of its own year)."""
        deliveries = (self._deliver_in_slot(due, document_of(due.reminder.event)) for due in dues)
        return list(await asyncio.gather(*deliveries))

    async def _deliver_in_slot(self, due: Due, document: Document) -> Outcome:
        async with self._slots:
            return await self.deliver(due, document)

    async def deliver(self, due: Due, document: Document) -> Outcome:
        if due.action == "missed":
            recorded = await self.ledger.call(
                self.ledger.record_missed, due.key, due.reminder.due_at, due.reason, self.clock(),
            )
            if recorded:
                log.info("reminder missed: %s → %s (%s)", _describe(due), due.target, due.reason)
            return "missed" if recorded else "skipped"
        sender = self.senders.get(due.target.platform)
        if sender is None:
            # No adapter for this platform in this process: leave it unclaimed for one that has.
            return "skipped"
        if self.is_stopping:
            return "skipped"
        if not await self.ledger.call(self.ledger.claim, due.key, due.reminder.due_at, self.clock()):
            return "skipped"
        try:
            return await self._post_claimed(due, sender, document)
        except asyncio.CancelledError:
            # Cancelled (shutdown past its grace period) with the claim ours: settle the row now,
            # synchronously, since this task may not get to await anything again.
            outcome = self.ledger.abandon_claim(due.key, "interrupted by shutdown while posting", self.clock())
            log.warning("reminder interrupted by shutdown: %s → %s (%s)", _describe(due), due.target, outcome)
            raise

    async def _post_claimed(self, due: Due, sender: Sender, document: Document) -> Outcome:
        late = due.action == "late"

        def started(now: datetime) -> bool:
            return is_started(due.reminder.event, now)

        async def post(now: datetime) -> None:
            message = ReminderMessage(due.reminder.event, due.reminder.offset, late, now, document, to_key_text(due))
            await sender.send(due.target, message)

        post_of = Post(due.key, due.target, f"reminder {_describe(due)}", post, late=late, expired=started)
        return await self._post_with_retries(post_of)

    async def deliver_announcement(self, due: AnnouncementDue, compose: Callable[[datetime], Announcement]) -> Outcome:
        """Claim the announcement's row, note the versions its message covers, post it once."""
        sender = self.senders.get(due.target.platform)
        if not isinstance(sender, AnnouncementSender) or self.is_stopping:
            return "skipped"
        now = self.clock()
        if not await self.ledger.call(self.ledger.claim, due.key, now, now):
            return "skipped"
        try:
            if due.kind == "new":
                # Written before posting: the versions this message describes are never "corrected".
                for version in range(1, due.version + 1):
                    await self.ledger.call(self.ledger.record_included,
                                           announcement_key(due.document_id, version, due.target), now)

            async def post(at: datetime) -> None:
                await sender.announce(due.target, compose(at))

            what = f"announcement {due.document_id} ({due.kind}, version {due.version})"
            return await self._post_with_retries(Post(due.key, due.target, what, post))
        except asyncio.CancelledError:
            outcome = self.ledger.abandon_claim(due.key, "interrupted by shutdown while posting", self.clock())
            log.warning("announcement interrupted by shutdown: %s → %s (%s)", due.document_id, due.target, outcome)
            raise

    async def _post_with_retries(self, post: Post) -> Outcome:
        """Post a claimed delivery: retry what cannot duplicate, record everything in the ledger."""
        noun, _, what = post.what.partition(" ")
        last_reason = "no attempt made"
        for attempt in range(1, self.policy.max_attempts + 1):
            if self.is_stopping:
                # Shutting down before this attempt: hand the delivery back rather than hold the
                # claim; the next start (or another instance) posts it, as a retry here would have.
                await self._record(self.ledger.release_claim, post.key)
                log.info("%s released on shutdown: %s → %s (attempt %d not made)", noun, what, post.target, attempt)
                return "skipped"
            now = self.clock()
            if post.expired(now):
                reason = f"the event started before the reminder could be posted (last error: {last_reason})"
                await self._record(self.ledger.mark_missed, post.key, reason, now)
                log.warning("%s missed: %s → %s (%s)", noun, what, post.target, reason)
                return "missed"
            await self._record(self.ledger.note_attempt, post.key, now)
            try:
                await post.send(now)
            except UnknownOutcome as error:
                await self._record(self.ledger.mark_unknown, post.key, error.reason, self.clock())
                log.warning("%s may or may not have been posted: %s → %s: %s (recorded unknown, not retried)",
                            noun, what, post.target, error.reason)
                return "unknown"
            except PermanentError as error:
                await self._record(self.ledger.mark_failed, post.key, error.reason, self.clock())
                log.error("%s not posted: %s → %s: %s (not retried)", noun, what, post.target, error.reason)
                return "failed"
            except DeliveryError as error:
                last_reason = error.reason
                await self._record(self.ledger.note_error, post.key, error.reason, self.clock())
                if attempt < self.policy.max_attempts:
                    wait = self._wait_before_retry(error, attempt)
                    log.warning("%s post failed: %s → %s: %s (attempt %d, retrying in %.1fs)",
                                noun, what, post.target, error.reason, attempt, wait)
                    await self._sleep_unless_stopped(wait)
                continue
            await self._record(self.ledger.mark_sent, post.key, late=post.late, now=self.clock())
            log.info("%s %s: %s → %s", noun, "posted late" if post.late else "posted", what, post.target)
            return "late" if post.late else "sent"
        reason = f"gave up after {self.policy.max_attempts} attempts: {last_reason}"
        await self._record(self.ledger.mark_failed, post.key, reason, self.clock())
        log.error("%s not posted: %s → %s: %s", noun, what, post.target, reason)
        return "failed"

    async def _record(self, work: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """A ledger write about a claimed delivery, tried again until the database takes it: the
        row must end up saying what happened (a post's outcome is known only to this process)."""
        wait, failures = RECORD_RETRY_SECONDS, 0
        while True:
            try:
                result = await self.ledger.call(work, *args, **kwargs)
            except Exception as error:
                failures += 1
                if failures == 1:
                    log.warning("cannot record a delivery (%s); trying again until the database is back",
                                type(error).__name__)
                await asyncio.sleep(wait)
                wait = min(wait * 2, RECORD_RETRY_MAX_SECONDS)
                continue
            if failures:
                log.info("reminder delivery recorded after %d failed attempt(s)", failures)
            return result

    async def _sleep_unless_stopped(self, seconds: float) -> None:
        """`self.sleep(seconds)`, cut short by `stop()`."""
        sleeping = asyncio.ensure_future(self.sleep(seconds))
        stopping = asyncio.ensure_future(self._stopping.wait())
        try:
            await asyncio.wait({sleeping, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeping.cancel()
            stopping.cancel()

    def _wait_before_retry(self, error: DeliveryError, attempt: int) -> float:
        if isinstance(error, RateLimited):
            return min(max(error.retry_after, 0.0), self.policy.max_retry_after_seconds)
        return self.policy.backoff(attempt)


def to_key_text(due: Due) -> str:
    key = due.key
    return f"reminder:{key.event_id}:{key.event_start.isoformat()}:{key.offset_seconds}:{key.platform}:{key.target_id}"


def _describe(due: Due) -> str:
    return f"{due.reminder.event.id} {format_offset_code(due.reminder.offset)}"
