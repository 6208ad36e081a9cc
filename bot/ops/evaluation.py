"""Question files (the format of shared/eval/questions.yaml and eval/facts.yaml) run against the engine.

A file holds `cases:` and optionally `conversations:` and `facts:`.

Each case: `q` (question), `expect` (requirements: a string, or a list of alternatives of which
one must appear), optional `forbid` (strings that must not appear), `kind` (acceptable kinds,
default [answer]), `type` (the kind of question, for per-type accuracy) and `fact` (the id, or
list of ids, of the facts it tests).

Each conversation: `turns` (questions asked in order, each with the previous answer's
conversation as context), `expect_last`, optional `forbid_last`, `kind` and `type`; only the last
answer is judged. A turn that is a bare number picks that choice of the previous clarification.

Each fact: `id`, `quote` (a verbatim substring of its source) and `source` (a file name).

Only the answer's BODY is judged: title, notes and sections — not the suggestions and not the
出典 line, which name every city. Texts are compared after NFKC with all whitespace removed.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import yaml

from bot.answering.answer import Answer, body_of
from bot.store.records import Conversation

CONFIDENT = 0.6
"""An answer of kind "answer" at or above this confidence that fails is "confident wrong"."""

NOT_ONE_FACT_TYPES = frozenset({"greeting", "help", "compare", "out-of-scope"})
"""Case types left out of the median body length of one-fact answers."""


class EvalFileError(ValueError):
    pass


class Answerer(Protocol):
    def answer(self, question: str, *, context: Conversation | None, now: datetime) -> Answer: ...


@dataclass(frozen=True)
class Case:
    question: str
    expect: tuple[tuple[str, ...], ...]
    forbid: tuple[str, ...]
    kinds: tuple[str, ...]
    type: str = ""
    facts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Dialogue:
    """A conversation of the question file: several turns, the last answer judged."""

    turns: tuple[str, ...]
    expect: tuple[tuple[str, ...], ...]
    forbid: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ("answer",)
    type: str = ""


@dataclass(frozen=True)
class Fact:
    id: str
    quote: str
    source: str


@dataclass(frozen=True)
class EvalSet:
    facts: tuple[Fact, ...]
    cases: tuple[Case, ...]
    conversations: tuple[Dialogue, ...]


@dataclass(frozen=True)
class Outcome:
    """One judged answer; for a conversation, `case` is its last turn as asked."""

    case: Case
    answer: Answer
    problems: tuple[str, ...]
    conversation: Dialogue | None = None

    @property
    def passed(self) -> bool:
        return not self.problems

    @property
    def confident_wrong(self) -> bool:
        return not self.passed and self.answer.kind == "answer" and self.answer.confidence >= CONFIDENT


@dataclass(frozen=True)
class TypeScore:
    type: str
    passed: int
    total: int

    @property
    def accuracy(self) -> float:
        return _ratio(self.passed, self.total)


@dataclass(frozen=True)
class Summary:
    cases_passed: int
    cases_total: int
    conversations_passed: int
    conversations_total: int
    confident_wrong: int
    median_body_chars: float | None
    by_type: tuple[TypeScore, ...]

    @property
    def case_accuracy(self) -> float:
        return _ratio(self.cases_passed, self.cases_total)

    @property
    def conversation_accuracy(self) -> float:
        return _ratio(self.conversations_passed, self.conversations_total)

    @property
    def accuracy(self) -> float:
        return _ratio(self.cases_passed + self.conversations_passed, self.cases_total + self.conversations_total)


# ---------------------------------------------------------------------------- text


def to_comparable(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def body_text(answer: Answer) -> str:
    """The part of an answer that is judged: title, notes, and each section's label, text and items."""
    return body_of(answer)


# ---------------------------------------------------------------------------- loading


def load_cases(path: str | Path) -> list[Case]:
    return list(load_eval_set(path).cases)


def load_conversations(path: str | Path) -> list[Dialogue]:
    return list(load_eval_set(path).conversations)


def load_eval_set(path: str | Path) -> EvalSet:
    data = _read_yaml(path)
    raw_cases = data.get("cases")
    if not isinstance(raw_cases, list):
        raise EvalFileError(f"{path}: expected a mapping with a list under 'cases'")
    return EvalSet(
        facts=tuple(_to_fact(raw, f"{path}: facts[{i}]") for i, raw in enumerate(_list_of(data, "facts", path))),
        cases=tuple(_to_case(raw, f"{path}: cases[{i}]") for i, raw in enumerate(raw_cases)),
        conversations=tuple(
            _to_dialogue(raw, f"{path}: conversations[{i}]")
            for i, raw in enumerate(_list_of(data, "conversations", path))
        ),
    )


def _read_yaml(path: str | Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise EvalFileError(f"{path}: cannot read question file: {error}") from None
    if not isinstance(data, dict):
        raise EvalFileError(f"{path}: expected a mapping with a list under 'cases'")
    return data


def _list_of(data: dict[str, Any], key: str, path: str | Path) -> list[Any]:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise EvalFileError(f"{path}: '{key}' must be a list")
    return value


def _to_case(raw: Any, where: str) -> Case:
    if not isinstance(raw, dict) or not isinstance(raw.get("q"), str):
        raise EvalFileError(f"{where}: each case needs a question 'q'")
    return Case(
        question=raw["q"],
        expect=_to_expect(raw.get("expect")),
        forbid=_strings(raw.get("forbid")),
        kinds=_strings(raw.get("kind")) or ("answer",),
        type=str(raw.get("type") or ""),
        facts=_strings(raw.get("fact")),
    )


def _to_dialogue(raw: Any, where: str) -> Dialogue:
    turns = raw.get("turns") if isinstance(raw, dict) else None
    if not isinstance(turns, list) or not turns:
        raise EvalFileError(f"{where}: each conversation needs a non-empty list of 'turns'")
    return Dialogue(
        turns=tuple(str(turn) for turn in turns),
        expect=_to_expect(raw.get("expect_last")),
        forbid=_strings(raw.get("forbid_last")),
        kinds=_strings(raw.get("kind")) or ("answer",),
        type=str(raw.get("type") or ""),
    )


def _to_fact(raw: Any, where: str) -> Fact:
    if not isinstance(raw, dict) or not all(isinstance(raw.get(key), str | int) for key in ("id", "quote", "source")):
        raise EvalFileError(f"{where}: each fact needs 'id', 'quote' and 'source'")
    return Fact(id=str(raw["id"]), quote=str(raw["quote"]), source=str(raw["source"]))


def _to_expect(raw: Any) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(str(x) for x in item) if isinstance(item, list) else (str(item),) for item in raw or [])


def _strings(raw: Any) -> tuple[str, ...]:
    """A string or a list of strings (None: empty)."""
    if raw is None:
        return ()
    return tuple(str(x) for x in raw) if isinstance(raw, list) else (str(raw),)


# ---------------------------------------------------------------------------- judging and running


def judge(case: Case, answer: Answer) -> Outcome:
    text = to_comparable(body_text(answer))
    problems = []
    for alternatives in case.expect:
        if not any(to_comparable(a) in text for a in alternatives):
            problems.append(f"missing {' | '.join(alternatives)}")
    problems += [f"forbidden {f}" for f in case.forbid if to_comparable(f) in text]
    if answer.kind not in case.kinds:
        problems.append(f"kind {answer.kind}, expected {'/'.join(case.kinds)}")
    return Outcome(case, answer, tuple(problems))


def run_cases(engine: Answerer, cases: Iterable[Case], now: datetime) -> list[Outcome]:
    """Each case on its own, with no conversation context."""
    return [judge(case, engine.answer(case.question, context=None, now=now)) for case in cases]


def run_conversation(engine: Answerer, dialogue: Dialogue, now: datetime) -> Outcome:
    """Ask the turns in order, each with the previous answer's conversation; judge the last answer."""
    previous: Answer | None = None
    asked = ""
    for turn in dialogue.turns:
        asked = resolve_turn(turn, previous)
        previous = engine.answer(asked, context=previous.conversation if previous else None, now=now)
    if previous is None:
        raise ValueError("a conversation needs at least one turn")
    last = Case(asked, dialogue.expect, dialogue.forbid, dialogue.kinds, dialogue.type)
    return replace(judge(last, previous), conversation=dialogue)


def run_conversations(engine: Answerer, dialogues: Iterable[Dialogue], now: datetime) -> list[Outcome]:
    return [run_conversation(engine, dialogue, now) for dialogue in dialogues]


def run_eval_set(engine: Answerer, eval_set: EvalSet, now: datetime) -> list[Outcome]:
    """Every case, then every conversation."""
    return run_cases(engine, eval_set.cases, now) + run_conversations(engine, eval_set.conversations, now)


def resolve_turn(turn: str, previous: Answer | None) -> str:
    """A bare number after a clarification is that choice's question; anything else is asked as written."""
    number = unicodedata.normalize("NFKC", turn).strip()
    if previous is None or previous.kind != "clarify" or not number.isdigit():
        return turn
    index = int(number) - 1
    return previous.suggestions[index].question if 0 <= index < len(previous.suggestions) else turn


# ---------------------------------------------------------------------------- summary


def summarize(outcomes: Sequence[Outcome]) -> Summary:
    cases = [o for o in outcomes if o.conversation is None]
    dialogues = [o for o in outcomes if o.conversation is not None]
    return Summary(
        cases_passed=sum(o.passed for o in cases),
        cases_total=len(cases),
        conversations_passed=sum(o.passed for o in dialogues),
        conversations_total=len(dialogues),
        confident_wrong=sum(o.confident_wrong for o in outcomes),
        median_body_chars=median_body_chars(cases),
        by_type=scores_by_type(outcomes),
    )


def median_body_chars(outcomes: Iterable[Outcome]) -> float | None:
    """Median body length (characters) of the passing one-fact answers, None when there are none."""
    lengths = [len(body_text(o.answer)) for o in outcomes if o.passed and is_one_fact(o)]
    return float(statistics.median(lengths)) if lengths else None


def is_one_fact(outcome: Outcome) -> bool:
    """A single case (not a conversation) asking for one fact: at most two requirements, not small talk."""
    case = outcome.case
    return outcome.conversation is None and case.type not in NOT_ONE_FACT_TYPES and len(case.expect) <= 2


def scores_by_type(outcomes: Iterable[Outcome]) -> tuple[TypeScore, ...]:
    """Accuracy per type; conversation types are prefixed with "conversation:"."""
    totals: Counter[str] = Counter()
    passed: Counter[str] = Counter()
    for outcome in outcomes:
        key = _type_key(outcome)
        totals[key] += 1
        passed[key] += outcome.passed
    return tuple(TypeScore(key, passed[key], totals[key]) for key in sorted(totals))


def _type_key(outcome: Outcome) -> str:
    name = outcome.case.type or "untyped"
    return f"conversation:{name}" if outcome.conversation is not None else name


def format_summary(summary: Summary) -> list[str]:
    """Plain-text lines for a console report."""
    median = "-" if summary.median_body_chars is None else f"{summary.median_body_chars:.0f}"
    lines = [
        f"cases {summary.cases_passed}/{summary.cases_total} ({summary.case_accuracy:.1%})",
        f"conversations {summary.conversations_passed}/{summary.conversations_total}"
        f" ({summary.conversation_accuracy:.1%})",
        f"accuracy {summary.accuracy:.1%}",
        f"confident wrong {summary.confident_wrong}",
        f"median body chars (one-fact answers) {median}",
    ]
    return lines + [f"  {s.type}: {s.passed}/{s.total} ({s.accuracy:.1%})" for s in summary.by_type]


def _ratio(passed: int, total: int) -> float:
    return passed / total if total else 0.0


# ---------------------------------------------------------------------------- checking an eval set


def check_eval_set(eval_set: EvalSet, sources: Path | None = None, min_cases: int = 2) -> list[str]:
    """Problems of an eval set: unknown fact ids, facts with too few cases, quotes not in their source.

    Quotes are checked only when `sources` (the folder of the source files) is given.
    """
    known = {fact.id for fact in eval_set.facts}
    uses = Counter(fact_id for case in eval_set.cases for fact_id in case.facts)
    problems = [f"duplicate fact id {i}" for i, n in Counter(f.id for f in eval_set.facts).items() if n > 1]
    problems += [f"case {case.question!r}: unknown fact {i}" for case in eval_set.cases for i in case.facts
                 if i not in known]
    problems += [f"fact {i}: {uses[i]} case(s), fewer than {min_cases}" for i in sorted(known) if uses[i] < min_cases]
    return problems + (_quote_problems(eval_set.facts, sources) if sources is not None else [])


def _quote_problems(facts: Iterable[Fact], sources: Path) -> list[str]:
    texts: dict[str, str] = {}
    problems = []
    for fact in facts:
        if fact.source not in texts:
            path = sources / fact.source
            texts[fact.source] = path.read_text(encoding="utf-8") if path.is_file() else ""
        if fact.quote not in texts[fact.source]:
            problems.append(f"fact {fact.id}: quote not in {fact.source}: {fact.quote!r}")
    return problems
