"""Question files (the format of shared/eval/questions.yaml) run against the engine.

Each case: `q` (question), `expect` (requirements: a string, or a list of alternatives of which
one must appear), optional `forbid` (strings that must not appear) and `kind` (acceptable
kinds, default [answer]). Texts are compared after NFKC with all whitespace removed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from bot.answer import Answer, to_text
from bot.engine import Engine


class EvalFileError(ValueError):
    pass


@dataclass(frozen=True)
class Case:
    question: str
    expect: tuple[tuple[str, ...], ...]
    forbid: tuple[str, ...]
    kinds: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    case: Case
    answer: Answer
    problems: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.problems


def to_comparable(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def load_cases(path: str | Path) -> list[Case]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise EvalFileError(f"{path}: cannot read question file: {error}") from None
    raw_cases = data.get("cases") if isinstance(data, dict) else None
    if not isinstance(raw_cases, list):
        raise EvalFileError(f"{path}: expected a mapping with a list under 'cases'")
    return [_to_case(raw, f"{path}: cases[{i}]") for i, raw in enumerate(raw_cases)]


def _to_case(raw: Any, where: str) -> Case:
    if not isinstance(raw, dict) or not isinstance(raw.get("q"), str):
        raise EvalFileError(f"{where}: each case needs a question 'q'")
    expect = tuple(
        tuple(str(x) for x in item) if isinstance(item, list) else (str(item),) for item in raw.get("expect") or []
    )
    return Case(
        question=raw["q"],
        expect=expect,
        forbid=tuple(str(x) for x in raw.get("forbid") or []),
        kinds=tuple(raw.get("kind") or ["answer"]),
    )


def judge(case: Case, answer: Answer) -> Outcome:
    text = to_comparable(to_text(answer))
    problems = []
    for alternatives in case.expect:
        if not any(to_comparable(a) in text for a in alternatives):
            problems.append(f"missing {' | '.join(alternatives)}")
    problems += [f"forbidden {f}" for f in case.forbid if to_comparable(f) in text]
    if answer.kind not in case.kinds:
        problems.append(f"kind {answer.kind}, expected {'/'.join(case.kinds)}")
    return Outcome(case, answer, tuple(problems))


def run_cases(engine: Engine, cases: list[Case], now: datetime) -> list[Outcome]:
    """Each case on its own, with no conversation context."""
    return [judge(case, engine.answer(case.question, context=None, now=now)) for case in cases]
