"""Keeping the knowledge base live: reload on demand or when the file changes.

A reload validates the new file completely before anything changes: an invalid edit is logged
with the `check` messages and the last good data keeps serving. A valid one swaps the engine in
the dispatcher (one assignment, so no question in flight is dropped) and tells every listener,
such as the reminder scheduler, to follow.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from watchfiles import Change, awatch

from bot.dispatch import Dispatcher
from bot.knowledge import KnowledgeBase, KnowledgeError, Problem, load_knowledge
from bot.yaml_reader import DEFAULT_LIMITS, YamlLimits

log = logging.getLogger(__name__)

ReloadListener = Callable[[KnowledgeBase], str]


@dataclass(frozen=True)
class ReloadResult:
    ok: bool
    summary: str
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass
class KnowledgeReloader:
    path: str
    dispatcher: Dispatcher
    listeners: list[ReloadListener] = field(default_factory=list)
    on_result: list[Callable[[ReloadResult], None]] = field(default_factory=list)
    limits: YamlLimits = DEFAULT_LIMITS
    # The outcome of the last reload (None before the first): /readyz is not ready after a rejected one.
    last: ReloadResult | None = None

    def reload(self) -> ReloadResult:
        """Load, validate and, when valid, switch every part of the bot to the new data."""
        try:
            kb = load_knowledge(self.path, self.limits)
        except RecursionError:
            # Every known way to get here is stopped by the limits; if one is found, the last good
            # data keeps serving and the watcher keeps watching.
            error = KnowledgeError([Problem(self.path, 0, "(file)", "nested too deeply to read")])
            return self._rejected(error)
        except KnowledgeError as error:
            return self._rejected(error)
        self.dispatcher.replace_knowledge(kb)
        notes = tuple(listener(kb) for listener in self.listeners)
        log.info("knowledge reloaded: %s", kb.summary_line())
        return self._tell(ReloadResult(True, kb.summary_line(), notes=notes))

    def _rejected(self, error: KnowledgeError) -> ReloadResult:
        problems = tuple(str(p) for p in error.problems)
        for problem in problems:
            log.error("knowledge reload rejected: %s", problem)
        summary = f"{self.path}: {len(problems)} problem(s); still serving the last good data"
        return self._tell(ReloadResult(False, summary, problems))

    def _tell(self, result: ReloadResult) -> ReloadResult:
        self.last = result
        for callback in self.on_result:
            callback(result)
        return result

    async def reload_async(self) -> ReloadResult:
        return await asyncio.to_thread(self.reload)

    async def watch(self, stop: asyncio.Event) -> None:
        """Reload whenever the file is written or replaced (editors often save by renaming)."""
        target = Path(self.path).resolve()

        def is_target(change: Change, changed: str) -> bool:
            return Path(changed).resolve() == target and change != Change.deleted

        async for _ in awatch(target.parent, watch_filter=is_target, stop_event=stop, debounce=400, step=100):
            try:
                await self.reload_async()
            except Exception:  # a listener's failure must not stop the watching
                log.exception("knowledge reload failed; still watching %s", target.name)
