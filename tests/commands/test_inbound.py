"""The one inbound turn every platform uses: the length limit, commands, questions and the apology,
decided once in the core (the adapters only render what it says)."""

from __future__ import annotations

import pytest

from bot.answering.dispatch import Dispatcher
from bot.answering.engine import Engine
from bot.answering.help import MAX_QUESTION_CHARS
from bot.commands.inbound import Inbound, InboundTurn
from bot.commands.registry import APOLOGY, Commands, HelpView, Mention, Services
from tests.conftest import NOW

pytestmark = pytest.mark.unit


def _turn(engine: Engine) -> InboundTurn:
    dispatcher = Dispatcher(engine, clock=lambda: NOW)
    return InboundTurn(dispatcher, Commands(Services(knowledge=lambda: dispatcher.kb)))


def _inbound(text: str) -> Inbound:
    return Inbound(text, "c1", "test", Mention("U1"))


async def test_a_question_is_answered_by_the_engine(engine: Engine) -> None:
    said = await _turn(engine).take(_inbound("お疲れ様です。帯広の件で確認です。締結式は何時からでしょうか？"))
    assert said.asked is not None and said.reply is None and not said.notice
    assert "10:00" in "".join(s.text for s in said.asked.answer.sections) + said.asked.answer.title


async def test_a_command_is_run_and_language_is_asked_only_then(engine: Engine) -> None:
    asked: list[str] = []

    async def language() -> str:
        asked.append("asked")
        return "en"

    turn = _turn(engine)
    said = await turn.take(_inbound("help"), language=language)
    assert isinstance(said.reply, HelpView) and said.asked is None and asked == ["asked"]
    await turn.take(_inbound("帯広の連携事項は?"), language=language)
    assert asked == ["asked"]  # a question never looks the user's language up


async def test_a_button_question_is_never_a_command(engine: Engine) -> None:
    said = await _turn(engine).take(_inbound("help"), commands=False)
    assert said.reply is None and said.asked is not None


async def test_too_long_text_is_refused_before_anything_else(engine: Engine) -> None:
    said = await _turn(engine).take(_inbound("あ" * (MAX_QUESTION_CHARS + 1)))
    assert said.asked is None and said.reply is None and str(MAX_QUESTION_CHARS) in said.notice.replace(",", "")


async def test_an_engine_failure_is_the_apology(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    turn = _turn(engine)

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(turn.dispatcher.engine, "answer", fail)
    said = await turn.take(_inbound("帯広の連携事項は?"))
    assert said.notice == APOLOGY and said.asked is None
