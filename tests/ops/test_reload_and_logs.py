"""Hot reload of the knowledge base, redaction of secrets in logs, JSON logs, metrics."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import shutil
from pathlib import Path

import pytest

from bot.answering.answer import body_of
from bot.answering.dispatch import Asked, Dispatcher
from bot.answering.engine import Engine
from bot.knowledge.model import load_knowledge
from bot.ops.logs import MASK, JsonFormatter, RedactSecrets
from bot.ops.metrics import Metrics
from bot.ops.reload import KnowledgeReloader, ReloadResult
from tests.conftest import DATA_PATH, NOW

pytestmark = pytest.mark.unit


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "kb.yaml"
    shutil.copy(DATA_PATH, path)
    return path


def make_dispatcher(path: Path) -> Dispatcher:
    return Dispatcher(Engine(load_knowledge(path)), clock=lambda: NOW)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


async def test_a_valid_edit_is_served_and_listeners_follow(data_file: Path) -> None:
    dispatcher = make_dispatcher(data_file)
    seen: list[str] = []
    reloader = KnowledgeReloader(str(data_file), dispatcher, listeners=[lambda kb: seen.append(kb.path) or "ok"])
    edit(data_file, "3号会議室", "5号会議室")
    result = reloader.reload()
    assert result.ok and result.notes == ("ok",) and seen == [str(data_file)]
    assert "5号会議室" in (await dispatcher.ask("室蘭の締結式の場所", "c1")).sections[0].text


async def test_an_invalid_edit_keeps_the_last_good_data(data_file: Path, caplog: pytest.LogCaptureFixture) -> None:
    dispatcher = make_dispatcher(data_file)
    reloader = KnowledgeReloader(str(data_file), dispatcher)
    edit(data_file, 'start: "11:00"', 'start: "25:00"')
    with caplog.at_level(logging.ERROR):
        result = reloader.reload()
    assert not result.ok
    assert any('partners[1].ceremony.start: not a time "25:00"' in p for p in result.problems)
    assert 'partners[1].ceremony.start: not a time "25:00"' in caplog.text
    assert "3号会議室" in (await dispatcher.ask("室蘭の締結式の場所", "c1")).sections[0].text


async def test_the_file_is_watched(data_file: Path) -> None:
    dispatcher = make_dispatcher(data_file)
    results: list[ReloadResult] = []
    reloader = KnowledgeReloader(str(data_file), dispatcher, on_result=[results.append])
    stop = asyncio.Event()
    watcher = asyncio.create_task(reloader.watch(stop))
    await asyncio.sleep(0.5)
    edit(data_file, "青山 剛", "青山 剛（テスト）")
    for _ in range(100):
        if results:
            break
        await asyncio.sleep(0.1)
    stop.set()
    await asyncio.wait_for(watcher, 5)
    assert results and results[-1].ok
    assert "青山 剛（テスト）" in "".join((await dispatcher.ask("室蘭の出席者", "c1")).sections[0].items)


async def test_a_file_caught_mid_save_is_no_verdict_but_a_saved_broken_file_is(data_file: Path) -> None:
    """An editor truncates, then writes: a read between the two is not told as a rejection when
    the file changes again within the settle time; a broken file that stays broken is."""
    dispatcher = make_dispatcher(data_file)
    results: list[ReloadResult] = []
    reloader = KnowledgeReloader(str(data_file), dispatcher, on_result=[results.append], settle_seconds=0.3)
    text = data_file.read_text(encoding="utf-8")
    data_file.write_text("", encoding="utf-8")  # the truncation the watcher saw

    async def finish_the_save() -> None:
        await asyncio.sleep(0.1)
        data_file.write_text(text.replace("青山 剛", "青山 剛（保存）"), encoding="utf-8")

    saving = asyncio.create_task(finish_the_save())
    assert await reloader.reload_when_settled() is None and results == []
    await saving
    assert (await reloader.reload_when_settled()) == results[-1] and results[-1].ok
    assert "青山 剛（保存）" in "".join((await dispatcher.ask("室蘭の出席者", "c1")).sections[0].items)

    data_file.write_text("", encoding="utf-8")  # saved empty, and left so
    result = await reloader.reload_when_settled()
    assert result is not None and not result.ok and results[-1] == result
    assert any("the file is empty" in problem for problem in result.problems)


async def test_observers_see_every_answer_and_cannot_break_one(data_file: Path) -> None:
    metrics = Metrics()
    seen: list[Asked] = []

    def count(asked: Asked) -> None:
        metrics.questions.labels(asked.platform, asked.answer.kind).inc()

    def broken(asked: Asked) -> None:
        raise RuntimeError("observer down")

    dispatcher = Dispatcher(Engine(load_knowledge(data_file)), clock=lambda: NOW, observers=[count, broken, seen.append])
    assert (await dispatcher.ask("帯広の連携事項", "c1", platform="slack")).kind == "answer"
    await dispatcher.ask("qwertyuiop", "c1", platform="slack")
    assert [a.answer.kind for a in seen] == ["answer", "fallback"]
    text = metrics.render().decode()
    assert 'renkei_questions_total{kind="answer",platform="slack"} 1.0' in text
    assert 'renkei_questions_total{kind="fallback",platform="slack"} 1.0' in text


def test_tokens_and_secrets_never_reach_the_log() -> None:
    stream = io.StringIO()
    logger = logging.getLogger("test.redact")
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactSecrets(["signing-secret-value-123"]))
    logger.addHandler(handler)
    try:
        logger.error("token %s and %s", "xoxb-1234-5678-abcdef", "Bearer abc.def.ghi")
        logger.error("secret signing-secret-value-123 app xapp-1-A1-2-ff")
        try:
            raise ValueError("failed with xoxb-9999-secret")
        except ValueError:
            logger.exception("boom")
    finally:
        logger.removeHandler(handler)
    out = stream.getvalue()
    for secret in ("xoxb-1234", "abc.def.ghi", "signing-secret-value-123", "xapp-1-A1", "xoxb-9999"):
        assert secret not in out
    assert out.count(MASK) >= 5


def test_json_logs_are_one_object_a_line_with_context() -> None:
    record = logging.LogRecord("bot", logging.INFO, __file__, 1, "answered %s", ("帯広",), None)
    record.conversation_id = "C1:1.2"
    line = JsonFormatter().format(record)
    data = json.loads(line)
    assert "\n" not in line
    assert data["message"] == "answered 帯広" and data["conversation_id"] == "C1:1.2" and data["level"] == "info"


# Issue 20, item 3: reloads under question load.
async def test_a_reload_storm_under_questions_costs_no_answer_and_no_reload(data_file: Path) -> None:
    dispatcher = make_dispatcher(data_file)
    results: list[ReloadResult] = []
    reloader = KnowledgeReloader(str(data_file), dispatcher, on_result=[results.append])
    storm = asyncio.gather(*(reloader.reload_async() for _ in range(12)))
    answered = 0
    while not storm.done():
        assert "3号会議室" in body_of(await dispatcher.ask("室蘭の締結式の場所", f"c{answered}"))
        answered += 1
        await asyncio.sleep(0)
    await storm
    assert answered > 0 and len(results) == 12 and all(result.ok for result in results)


async def test_a_reload_that_fails_is_retried_and_counted(data_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.ops.reload

    failures = [RuntimeError("Tokenizer is already in use")]
    real_load = bot.ops.reload.load_knowledge

    def flaky_load(*args: object, **kwargs: object) -> object:
        if failures:
            raise failures.pop()
        return real_load(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(bot.ops.reload, "load_knowledge", flaky_load)
    metrics = Metrics()
    from handlers.runtime import count_reload

    reloader = KnowledgeReloader(str(data_file), make_dispatcher(data_file), on_result=[count_reload(metrics)],
                                 retry_seconds=0.01)
    assert (await reloader.reload_async()).ok  # the second attempt
    failures.extend(RuntimeError("still failing") for _ in range(reloader.attempts))
    result = await reloader.reload_async()
    assert not result.ok and result.failed and "still serving the last good data" in result.summary
    assert metrics.reloads.labels("ok")._value.get() == 1
    assert metrics.reloads.labels("failed")._value.get() == 1


# Issue 20, item 5: a Kubernetes ConfigMap volume. The file is `..data/<name>` (and a symlink to
# it beside `..data`); an update writes a new timestamped folder, points a new link at it and
# renames that link over `..data` (atomic), then deletes the old folder.
def configmap_update(volume: Path, text: str, version: int) -> None:
    folder = volume / f"..2026_12_02_{version:02d}"
    folder.mkdir()
    (folder / "kb.yaml").write_text(text, encoding="utf-8")
    old = (volume / "..data").resolve() if (volume / "..data").exists() else None
    (volume / "..data_tmp").symlink_to(folder.name)
    (volume / "..data_tmp").rename(volume / "..data")
    if old is not None:
        shutil.rmtree(old)


@pytest.mark.parametrize("given", ["kb.yaml", "..data/kb.yaml"])
async def test_a_configmap_update_is_picked_up(tmp_path: Path, given: str) -> None:
    volume = tmp_path / "config"
    volume.mkdir()
    text = DATA_PATH.read_text(encoding="utf-8")
    configmap_update(volume, text, 1)
    (volume / "kb.yaml").symlink_to("..data/kb.yaml")
    path = volume / given
    dispatcher = make_dispatcher(path)
    results: list[ReloadResult] = []
    reloader = KnowledgeReloader(str(path), dispatcher, on_result=[results.append])
    stop = asyncio.Event()
    watcher = asyncio.create_task(reloader.watch(stop))
    await asyncio.sleep(0.5)
    for version, name in ((2, "青山 剛（二）"), (3, "青山 剛（三）")):  # twice: it follows the new folder
        configmap_update(volume, text.replace("青山 剛", name), version)
        for _ in range(50):
            if results and name in "".join((await dispatcher.ask("室蘭の出席者", f"c{version}")).sections[0].items):
                break
            await asyncio.sleep(0.1)
        assert name in "".join((await dispatcher.ask("室蘭の出席者", f"d{version}")).sections[0].items)
    stop.set()
    await asyncio.wait_for(watcher, 5)
    assert results and all(result.ok for result in results)
