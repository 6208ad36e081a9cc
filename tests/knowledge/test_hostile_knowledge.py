"""Hostile knowledge-base files while the bot runs: each is rejected with a reason, the last good
data keeps serving, and the file watcher keeps watching (a later valid edit still loads)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.answering.answer import body_of
from bot.answering.dispatch import Dispatcher
from bot.answering.engine import Engine
from bot.knowledge.model import load_knowledge
from bot.ops.reload import KnowledgeReloader, ReloadResult
from tests.conftest import DATA_PATH, NOW

pytestmark = pytest.mark.adapter

LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(9))
HOSTILE = {
    "deep": ("documents: " + "[" * 20_000 + "]" * 20_000, "nested too deeply"),
    "laughs": (LAUGHS, "too many aliases"),
    "huge": ("x: " + "a" * 3_000_000, "too large"),
}


async def wait_for(results: list[ReloadResult], count: int) -> None:
    for _ in range(100):
        if len(results) >= count:
            return
        await asyncio.sleep(0.1)


@pytest.mark.parametrize("name", sorted(HOSTILE))
async def test_the_watcher_survives_a_hostile_file(tmp_path: Path, name: str) -> None:
    data = tmp_path / "partnerships.yaml"
    data.write_text(DATA_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    dispatcher = Dispatcher(Engine(load_knowledge(data)), clock=lambda: NOW)
    results: list[ReloadResult] = []
    reloader = KnowledgeReloader(str(data), dispatcher, on_result=[results.append])
    stop = asyncio.Event()
    watcher = asyncio.create_task(reloader.watch(stop))
    await asyncio.sleep(0.5)
    text, reason = HOSTILE[name]
    data.write_text(text, encoding="utf-8")
    await wait_for(results, 1)
    assert results and not results[0].ok and any(reason in p for p in results[0].problems)
    assert "3号会議室" in body_of(await dispatcher.ask("室蘭の締結式の場所", "c1"))  # the last good data
    data.write_text(DATA_PATH.read_text(encoding="utf-8").replace("青山 剛", "青山 剛（更新）"), encoding="utf-8")
    await wait_for(results, 2)
    stop.set()
    await asyncio.wait_for(watcher, 5)
    assert results[-1].ok  # still watching: the valid edit loaded
    assert "青山 剛（更新）" in body_of(await dispatcher.ask("室蘭の市長は?", "c2"))


# Issue 20, item 4: an empty YAML value (a list whose entries are all commented out, a file cut
# right after a key) is read as nothing, never a bare ParserError.
def cut_after_key(text: str) -> str:
    """The file as an editor might leave it mid-save: cut right after the first `title:` key."""
    return text[: text.index("title:") + len("title:")]


def test_a_list_with_every_entry_commented_out_is_an_empty_list(tmp_path: Path) -> None:
    data = tmp_path / "partnerships.yaml"
    data.write_text(DATA_PATH.read_text(encoding="utf-8").replace(
        "events: []", "events:\n#  - id: review\n#    title: 連携会議\n"), encoding="utf-8")
    kb = load_knowledge(data)
    assert list(kb.all_events()) == list(load_knowledge(DATA_PATH).all_events())


@pytest.mark.parametrize("text", [cut_after_key(DATA_PATH.read_text(encoding="utf-8")), "documents:\n  - id: !unknown x\n"],
                         ids=["cut after a key", "unknown tag"])
async def test_an_empty_or_unreadable_value_is_rejected_with_its_line(tmp_path: Path, text: str) -> None:
    data = tmp_path / "partnerships.yaml"
    data.write_text(DATA_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    dispatcher = Dispatcher(Engine(load_knowledge(data)), clock=lambda: NOW)
    data.write_text(text, encoding="utf-8")
    result = await KnowledgeReloader(str(data), dispatcher).reload_async()
    assert not result.ok and result.problems
    assert all(problem.startswith(f"{data}:") for problem in result.problems)  # file and line, no traceback
    assert "3号会議室" in body_of(await dispatcher.ask("室蘭の締結式の場所", "c1"))  # the last good data
