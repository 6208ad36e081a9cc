"""No answer shows the same thing twice: an item twice in a section, a heading repeated as its first
item, or a question both in the body and among the suggestions — over every question of the sets."""

from __future__ import annotations

import pytest

from bot.answering.answer import Answer
from bot.answering.engine import Engine
from bot.ops.evaluation import load_eval_set
from tests.conftest import NOW, ROOT, SHARED

pytestmark = pytest.mark.unit

QUESTIONS = sorted(
    {
        case.question
        for path in (ROOT / "eval" / "facts.yaml", ROOT / "eval" / "business.yaml", SHARED / "eval" / "questions.yaml")
        if path.is_file()
        for case in load_eval_set(path).cases
    }
)


def _repeats(answer: Answer) -> list[str]:
    problems = []
    for section in answer.sections:
        if len(set(section.items)) != len(section.items):
            problems.append(f"an item twice in {section.label!r}")
        label = section.label.split(" › ")[-1]
        if len(section.items) > 1 and section.items[0] == label:
            problems.append(f"heading {label!r} repeated as the first item")
    body = {item for section in answer.sections for item in section.items}
    problems += [f"{c.question!r} in the body and the suggestions" for c in answer.suggestions if c.question in body]
    return problems


def test_the_sets_are_large_enough() -> None:
    assert len(QUESTIONS) >= 400


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q[:30])
def test_no_answer_shows_anything_twice(engine: Engine, question: str) -> None:
    answer = engine.answer(question, context=None, now=NOW)
    assert not _repeats(answer), (question, _repeats(answer))
