"""Batch lines: plain questions alone, JSON lines in their conversation."""

from __future__ import annotations

import pytest

from bot.answering.batch import answer_lines, to_batch_line
from bot.answering.engine import Engine
from tests.conftest import NOW

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("line", "question", "conversation", "problem"),
    [("帯広の連携事項", "帯広の連携事項", None, ""), ('{"conversation": "a", "q": "場所は?"}', "場所は?", "a", ""),
     ('{"conversation": 7, "q": "x"}', "x", "7", ""), ('{"q": "単独"}', "単独", None, ""),
     ('{"conversation": "a"}', "", None, 'a conversation line needs a question "q" (text)'),
     ('{"conversation": [1], "q": "x"}', "", None, '"conversation" must be text or a number'),
     ("{not json", "", None, "not a JSON object")],
)
def test_lines(line: str, question: str, conversation: str | None, problem: str) -> None:
    batch = to_batch_line(line)
    assert (batch.question, batch.conversation_id, batch.problem) == (question, conversation, problem)


def test_a_conversation_shares_context_and_plain_lines_do_not(engine: Engine) -> None:
    lines = ['{"conversation": "x", "q": "北見の締結式はいつ?"}', "場所は?", '{"conversation": "x", "q": "場所は?"}']
    first, alone, follow_up = answer_lines(engine, lines, lambda: NOW)
    assert first["partners"] == ["kitami"] and follow_up["partners"] == ["kitami"]
    assert alone["partners"] != ["kitami"]
