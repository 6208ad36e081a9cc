"""Keeping the knowledge base live: reload on demand or when the file changes.

A reload validates the new file completely before anything changes: an invalid edit is logged
with the `check` messages and the last good data keeps serving. A valid one swaps the engine in
the dispatcher (one assignment, so no question in flight is dropped) and tells every listener,
such as the reminder scheduler, to follow.

The new knowledge base and its engine are built in a thread (the event loop keeps answering; each
thread tokenizes with its own Sudachi tokenizer, bot/language/text.py); the swap and the listeners run on
the loop. A reload that fails for any reason other than the file's content (an error while
building) is retried, and every outcome is told to `on_result` (counted in /metrics). The watcher
does not judge a file caught mid-save: a rejected read of a file that changes again within
`settle_seconds` is left to the reload that change brings.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from watchfiles import Change, awatch

from bot.answering.dispatch import Dispatcher
from bot.answering.engine import Engine
from bot.knowledge.model import KnowledgeBase, KnowledgeError, Problem, load_knowledge
from bot.knowledge.yaml_reader import DEFAULT_LIMITS, YamlLimits

log = logging.getLogger(__name__)

ReloadListener = Callable[[KnowledgeBase], str]
RELOAD_ATTEMPTS = 3
RETRY_SECONDS = 0.5
SETTLE_SECONDS = 0.5
FileState = tuple[int, int, int] | None


@dataclass(frozen=True)
class ReloadResult:
    ok: bool
    summary: str
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    failed: bool = False  # not the file's fault: building the new data failed every attempt


@dataclass
class KnowledgeReloader:
    path: str
    dispatcher: Dispatcher
    listeners: list[ReloadListener] = field(default_factory=list)
    on_result: list[Callable[[ReloadResult], None]] = field(default_factory=list)
    limits: YamlLimits = DEFAULT_LIMITS
    # The outcome of the last reload (None before the first): /readyz is not ready after a rejected one.
    last: ReloadResult | None = None

    attempts: int = RELOAD_ATTEMPTS
    retry_seconds: float = RETRY_SECONDS
    settle_seconds: float = SETTLE_SECONDS

    def reload(self) -> ReloadResult:
        """Load, validate and, when valid, switch every part of the bot to the new data."""
        return self._apply(self._load())

    def _load(self) -> tuple[KnowledgeBase, Engine] | KnowledgeError:
        """The new data and its engine, or why the file is not valid (may run in a thread)."""
        try:
            kb = load_knowledge(self.path, self.limits)
        except RecursionError:
            # Every known way to get here is stopped by the limits; if one is found, the last good
            # data keeps serving and the watcher keeps watching.
            return KnowledgeError([Problem(self.path, 0, "(file)", "nested too deeply to read")])
        except KnowledgeError as error:
            return error
        return kb, Engine(kb)

    def _apply(self, loaded: tuple[KnowledgeBase, Engine] | KnowledgeError) -> ReloadResult:
        if isinstance(loaded, KnowledgeError):
            return self._rejected(loaded)
        kb, engine = loaded
        self.dispatcher.engine = engine  # one assignment: a question in flight keeps its engine
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
        """`reload` with the building in a thread, retried when it fails for a reason other than
        the file's content; a reload that never succeeds is counted and the last good data kept."""
        loaded = await self._load_async()
        return loaded if isinstance(loaded, ReloadResult) else self._apply(loaded)

    async def reload_when_settled(self) -> ReloadResult | None:
        """What the watcher does on a change: `reload_async`, except that a rejection of a file
        that changes again within `settle_seconds` is no verdict — an editor truncates, then writes,
        and the read fell between — so nothing is told (None) and the next change reloads."""
        before = to_file_state(self.path)
        loaded = await self._load_async()
        if isinstance(loaded, KnowledgeError):
            await asyncio.sleep(self.settle_seconds)
            if to_file_state(self.path) != before:
                log.info("knowledge file changed while being read; waiting for the save to finish")
                return None
        return loaded if isinstance(loaded, ReloadResult) else self._apply(loaded)

    async def _load_async(self) -> tuple[KnowledgeBase, Engine] | KnowledgeError | ReloadResult:
        """`_load` in a thread, retried; a ReloadResult (already told) when every attempt failed."""
        attempt = 1
        while True:
            try:
                return await asyncio.to_thread(self._load)
            except Exception as error:
                log.warning("knowledge reload failed (attempt %d of %d): %s", attempt, self.attempts,
                            type(error).__name__, exc_info=attempt >= self.attempts)
                if attempt >= self.attempts:
                    summary = f"{self.path}: reload failed ({type(error).__name__}); still serving the last good data"
                    return self._tell(ReloadResult(False, summary, (summary,), failed=True))
                attempt += 1
                await asyncio.sleep(self.retry_seconds)

    async def watch(self, stop: asyncio.Event) -> None:
        """Reload whenever the file is written or replaced (editors often save by renaming), or a
        symlink on its way is swapped (a Kubernetes ConfigMap swaps its `..data` link): the path is
        watched as given, never only the folder it resolved to at start."""
        while not stop.is_set():
            folders, relevant = to_watched(self.path)
            name = Path(self.path).name

            changes = awatch(*folders, watch_filter=functools.partial(is_relevant, relevant), stop_event=stop,
                             debounce=400, step=100, recursive=False)
            async for _ in changes:
                try:
                    await self.reload_when_settled()
                except Exception:  # a listener's failure must not stop the watching
                    log.exception("knowledge reload failed; still watching %s", name)
                if to_watched(self.path) != (folders, relevant):
                    break  # the file now lives elsewhere (a new ConfigMap folder): watch that


def to_file_state(path: str) -> FileState:
    """What changes when the file is written or replaced: inode, size and modification time."""
    try:
        stat = Path(path).stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


def is_relevant(relevant: frozenset[Path], change: Change, changed: str) -> bool:
    return change != Change.deleted and Path(changed) in relevant


def to_watched(path: str) -> tuple[tuple[Path, ...], frozenset[Path]]:
    """The folders to watch for `path`, and the paths whose change means the file changed: the
    path as given, every symlink on the way to the file (each watched in the folder holding it:
    `kb.yaml` → `..data/kb.yaml`, then `..data` → `..2026_12_02_01`) and the file it is now."""
    given = Path(path).absolute()
    links = to_symlinks(given)
    resolved = given.resolve()
    relevant = frozenset({given, *links, resolved})
    folders = {given.parent, *(link.parent for link in links), resolved.parent}
    return tuple(sorted(folder for folder in folders if folder.is_dir())), relevant


def to_symlinks(path: Path, limit: int = 40) -> list[Path]:
    """Every symlink met on the way from `path` to the file it names (at most `limit`: a loop)."""
    links: list[Path] = []
    pending = [path]
    while pending and len(links) < limit:
        current = pending.pop()
        for part in (current, *current.parents):
            if part.is_symlink() and part not in links:
                links.append(part)
                pending.append((part.parent / os.readlink(part)) / current.relative_to(part))
                break
    return links
