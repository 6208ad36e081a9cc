"""The engine over the project's own fact set: every case and conversation of eval/facts.yaml must
pass (the held-out and known-gap sets are measured by `app.py eval`, not required here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answering.engine import Engine
from bot.ops.evaluation import Case, Dialogue, judge, load_eval_set, run_conversation
from tests.conftest import NOW, ROOT, SHARED

pytestmark = pytest.mark.unit

FACTS = load_eval_set(ROOT / "eval" / "facts.yaml")
SHARED_SETS = [SHARED / "eval" / name for name in ("questions.yaml", "dev-questions.yaml")]


def _cases() -> list[Case]:
    extra = [case for path in SHARED_SETS if path.is_file() for case in load_eval_set(path).cases]
    return [*FACTS.cases, *extra]


def _dialogues() -> list[Dialogue]:
    extra = [d for path in SHARED_SETS if path.is_file() for d in load_eval_set(path).conversations]
    return [*FACTS.conversations, *extra]


@pytest.mark.parametrize("case", _cases(), ids=lambda case: case.question[:40])
def test_every_fact_question(engine: Engine, case: Case) -> None:
    outcome = judge(case, engine.answer(case.question, context=None, now=NOW))
    assert outcome.passed, (outcome.problems, outcome.answer.title)


@pytest.mark.parametrize("dialogue", _dialogues(), ids=lambda d: " → ".join(d.turns)[:50])
def test_every_conversation(engine: Engine, dialogue: Dialogue) -> None:
    outcome = run_conversation(engine, dialogue, NOW)
    assert outcome.passed, (outcome.problems, outcome.answer.title)


def test_the_sets_are_where_they_should_be() -> None:
    assert len(FACTS.facts) >= 90 and len(FACTS.cases) >= 350 and len(FACTS.conversations) >= 40
    assert Path(ROOT / "eval" / "holdout.yaml").is_file() and Path(ROOT / "eval" / "gaps.yaml").is_file()
