"""The answers in flight: listeners acknowledge at once and queue a work item (a function that makes
the answering coroutine); a bounded number run at a time (answer slots), drained on shutdown. A work
item cancelled before its turn is simply never started: nothing to close, nothing to inspect."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

log = logging.getLogger(__name__)

# At most this many answers wait (HTTP mode: 503 beyond it; Socket Mode: no ack), so that a burst
# Slack would send again anyway cannot grow the memory without bound.
MAX_ANSWERS_WAITING = 1000

Work = Callable[[], Coroutine[Any, Any, None]]
"""A work item: called when its slot is free, so an item cancelled while it waits never starts."""


# --- background answering ------------------------------------------------------------------------


class BackgroundTasks:
    """Answers in flight: kept referenced until done, failures logged, awaited on shutdown."""

    def __init__(self, concurrency: int = 8) -> None:
        self._tasks: set[asyncio.Task[None]] = set()
        # A few answers at a time: a burst then queues here, at no cost, instead of filling every
        # turn of the event loop with answer work while acknowledgements wait.
        self._slots = asyncio.Semaphore(concurrency)

        self._in_slot: set[asyncio.Task[Any]] = set()

    def spawn(self, work: Work, name: str) -> None:
        task = asyncio.create_task(self._run_in_slot(work, name), name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run_in_slot(self, work: Work, name: str) -> None:
        await self._slots.acquire()
        task = asyncio.current_task()
        assert task is not None
        self._in_slot.add(task)
        try:
            await self._run(work, name)
        finally:
            self.leave_slot()

    def leave_slot(self) -> None:
        """The calling task's answer is computed: its posting (which may wait for a rate-limited
        or slow channel) no longer holds one of the slots other answers need."""
        task = asyncio.current_task()
        if task in self._in_slot:
            self._in_slot.discard(task)
            self._slots.release()

    async def drain(self) -> None:
        """Wait until every task, including ones spawned meanwhile, has finished."""
        while self._tasks:
            await asyncio.wait(set(self._tasks))

    def __len__(self) -> int:
        return len(self._tasks)

    async def cancel_all(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    @staticmethod
    async def _run(work: Work, name: str) -> None:
        try:
            await work()
        except Exception:
            log.exception("Slack %s failed", name)
