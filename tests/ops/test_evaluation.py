"""bot/ops/evaluation.py: judging the body only, conversations, the summary, and the eval/facts.yaml set."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import cast

import pytest

from bot.answering.answer import Answer, Kind, Section, Source
from bot.ops.evaluation import (
    Case,
    Dialogue,
    EvalFileError,
    EvalSet,
    Fact,
    Outcome,
    body_text,
    check_eval_set,
    format_summary,
    judge,
    load_cases,
    load_conversations,
    load_eval_set,
    resolve_turn,
    run_cases,
    run_conversation,
    run_eval_set,
    summarize,
)
from bot.store.records import Choice, Conversation

pytestmark = pytest.mark.unit

REPO = Path(__file__).parents[2]
FACTS_FILE = REPO / "eval" / "facts.yaml"
SOURCES = Path(__file__).parents[2].parent / "shared" / "source"
NOW = datetime(2026, 1, 1, 12, 0)


def case(*expect: str | tuple[str, ...], forbid: tuple[str, ...] = (), kinds: tuple[str, ...] = ("answer",),
         type_: str = "when") -> Case:
    wanted = tuple(e if isinstance(e, tuple) else (e,) for e in expect)
    return Case("q", wanted, forbid, kinds, type_)


def answer(title: str = "室蘭市の締結式", text: str = "", *, kind: str = "answer", confidence: float = 1.0,
           suggestions: tuple[Choice, ...] = (), topic: str | None = None) -> Answer:
    return Answer(kind=cast(Kind, kind), confidence=confidence, title=title,
                  sections=(Section("日時", text),) if text else (), suggestions=suggestions,
                  conversation=Conversation(topic_id=topic))


@dataclass(frozen=True)
class FakeSource:
    """Stands for any source line: the judge never looks at it."""

    text: str

    def to_text(self) -> str:
        return self.text


@dataclass
class FakeEngine:
    """Answers from a table of question → Answer, and records every call."""

    replies: dict[str, Answer]
    calls: list[tuple[str, Conversation | None]] = field(default_factory=list)

    def answer(self, question: str, *, context: Conversation | None, now: datetime) -> Answer:
        self.calls.append((question, context))
        return self.replies.get(question, answer("見つかりませんでした", kind="fallback", confidence=0.0))


# ---------------------------------------------------------------------------- judging


def test_judge_passes_when_every_requirement_has_one_alternative() -> None:
    outcome = judge(case("1月31日", ("(金)", "金曜")), answer(text="2020年1月31日（金） 11:00～11:30"))
    assert outcome.passed, outcome.problems


def test_judge_compares_after_nfkc_without_whitespace() -> None:
    assert judge(case("青山剛", "3号会議室"), answer(text="室蘭市長 青山 剛 / ３号会議室")).passed


def test_judge_names_missing_forbidden_and_kind_problems() -> None:
    outcome = judge(case("11:00", forbid=("開催済み",)), answer(text="開催済み", kind="fallback"))
    assert outcome.problems == ("missing 11:00", "forbidden 開催済み", "kind fallback, expected answer")
    assert not outcome.passed


def test_body_text_is_title_notes_and_sections() -> None:
    reply = Answer(kind="answer", confidence=1.0, title="題", notes=("注",),
                   sections=(Section("見出し", "本文", ("項目1", "項目2")),))
    assert body_text(reply) == "題\n注\n見出し\n本文\n項目1\n項目2"


def test_suggestions_and_source_are_not_judged() -> None:
    reply = Answer(kind="answer", confidence=1.0, title="旭川市の締結式",
                   suggestions=(Choice("室蘭市", "室蘭の締結式は?"),),
                   source=cast(Source, FakeSource("出典: 道内基礎自治体との連携の推進 ～旭川市、室蘭市、帯広市と覚書を締結～")))
    assert not judge(case("室蘭"), reply).passed
    assert not judge(case("帯広"), reply).passed
    assert judge(case("旭川"), reply).passed


def test_forbidden_text_in_suggestions_is_not_a_problem() -> None:
    reply = answer(text="はい", suggestions=(Choice("記載は資料にありません", "x"),))
    assert judge(case("はい", forbid=("記載は資料にありません",)), reply).passed


# ---------------------------------------------------------------------------- loading


def test_load_cases_keeps_type_and_facts(tmp_path: Path) -> None:
    path = tmp_path / "q.yaml"
    path.write_text("cases:\n- {q: '室蘭?', expect: [a, [b, c]], fact: [x.1, x.2], type: when}\n"
                    "- {q: '帯広?', fact: y.1}\n", encoding="utf-8")
    first, second = load_cases(path)
    assert first == Case("室蘭?", (("a",), ("b", "c")), (), ("answer",), "when", ("x.1", "x.2"))
    assert second.facts == ("y.1",) and second.expect == () and second.type == ""


def test_load_conversations(tmp_path: Path) -> None:
    path = tmp_path / "q.yaml"
    path.write_text("cases: []\nconversations:\n- {turns: [a, '2'], expect_last: [x], forbid_last: [y], type: t}\n",
                    encoding="utf-8")
    assert load_conversations(path) == [Dialogue(("a", "2"), (("x",),), ("y",), ("answer",), "t")]


def test_load_without_conversations_or_facts(tmp_path: Path) -> None:
    path = tmp_path / "q.yaml"
    path.write_text("cases:\n- {q: a, expect: [b]}\n", encoding="utf-8")
    assert load_eval_set(path) == EvalSet((), (Case("a", (("b",),), (), ("answer",)),), ())


@pytest.mark.parametrize("text", ["cases: {}\n", "- a\n", "cases:\n- {expect: [a]}\n",
                                  "cases: []\nconversations:\n- {turns: []}\n", "cases: []\nfacts:\n- {id: a}\n",
                                  "cases: [\n"])
def test_bad_files_are_named(tmp_path: Path, text: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(EvalFileError, match=r"bad\.yaml"):
        load_eval_set(path)


# ---------------------------------------------------------------------------- running


def test_run_cases_asks_without_context() -> None:
    engine = FakeEngine({"室蘭の締結式は?": answer(text="11:00")})
    [outcome] = run_cases(engine, [Case("室蘭の締結式は?", (("11:00",),), (), ("answer",))], NOW)
    assert outcome.passed and engine.calls == [("室蘭の締結式は?", None)]


def test_conversation_passes_each_answers_context_to_the_next_turn() -> None:
    first = answer(text="1月31日", topic="ceremony_when")
    second = answer(text="3号会議室", topic="ceremony_where")
    engine = FakeEngine({"室蘭の締結式は?": first, "場所は?": second, "何階?": answer(text="2階")})
    outcome = run_conversation(engine, Dialogue(("室蘭の締結式は?", "場所は?", "何階?"), (("2階",),)), NOW)
    assert outcome.passed
    assert engine.calls == [("室蘭の締結式は?", None), ("場所は?", first.conversation), ("何階?", second.conversation)]
    assert outcome.case.question == "何階?" and outcome.conversation is not None


def test_conversation_judges_only_the_last_answer() -> None:
    engine = FakeEngine({"a": answer(text="3号会議室"), "b": answer(text="何もなし")})
    outcome = run_conversation(engine, Dialogue(("a", "b"), (("3号会議室",),)), NOW)
    assert outcome.problems == ("missing 3号会議室",)


def test_a_bare_number_picks_that_choice_of_the_clarification() -> None:
    clarify = answer("どの市?", kind="clarify", confidence=0.5,
                     suggestions=(Choice("旭川市", "旭川の連携事項は?"), Choice("室蘭市", "室蘭の連携事項は?")))
    engine = FakeEngine({"連携事項は?": clarify, "室蘭の連携事項は?": answer(text="地方創生推進交付金")})
    outcome = run_conversation(engine, Dialogue(("連携事項は?", "２"), (("交付金",),)), NOW)
    assert outcome.passed
    assert [q for q, _ in engine.calls] == ["連携事項は?", "室蘭の連携事項は?"]


@pytest.mark.parametrize(("turn", "kind", "expected"), [
    ("1", "clarify", "A?"), ("3", "clarify", "3"), ("0", "clarify", "0"), ("1", "answer", "1"), ("1番", "clarify", "1番"),
])
def test_resolve_turn(turn: str, kind: str, expected: str) -> None:
    previous = answer("?", kind=kind, suggestions=(Choice("A", "A?"), Choice("B", "B?")))
    assert resolve_turn(turn, previous) == expected


def test_resolve_turn_without_a_previous_answer() -> None:
    assert resolve_turn("1", None) == "1"


def test_run_eval_set_runs_cases_then_conversations() -> None:
    engine = FakeEngine({"a": answer(text="x"), "b": answer(text="y")})
    eval_set = EvalSet((), (Case("a", (("x",),), (), ("answer",)),), (Dialogue(("a", "b"), (("y",),)),))
    outcomes = run_eval_set(engine, eval_set, NOW)
    assert [o.conversation is None for o in outcomes] == [True, False]
    assert all(o.passed for o in outcomes)


# ---------------------------------------------------------------------------- summary


def outcome(passed: bool, *, type_: str = "when", expect: int = 1, kind: str = "answer", confidence: float = 1.0,
            body: str = "x", conversation: bool = False) -> Outcome:
    judged = Case("q", tuple(("e",) for _ in range(expect)), (), ("answer",), type_)
    reply = Answer(kind=cast(Kind, kind), confidence=confidence, title=body)
    return Outcome(judged, reply, () if passed else ("missing e",), Dialogue(("q",), ()) if conversation else None)


def test_summary_accuracy_cases_and_conversations_separately() -> None:
    summary = summarize([outcome(True), outcome(False), outcome(True, conversation=True)])
    assert (summary.cases_passed, summary.cases_total) == (1, 2)
    assert (summary.conversations_passed, summary.conversations_total) == (1, 1)
    assert summary.case_accuracy == 0.5 and summary.conversation_accuracy == 1.0
    assert summary.accuracy == pytest.approx(2 / 3)


def test_summary_counts_confident_wrong_answers_only() -> None:
    summary = summarize([
        outcome(False, confidence=0.6),
        outcome(False, confidence=0.9, conversation=True),
        outcome(False, confidence=0.59),
        outcome(False, kind="clarify", confidence=1.0),
        outcome(True, confidence=1.0),
    ])
    assert summary.confident_wrong == 2


def test_summary_median_body_length_of_passing_one_fact_answers() -> None:
    summary = summarize([
        outcome(True, body="12345"),
        outcome(True, body="123", expect=2),
        outcome(True, body="1234567"),
        outcome(True, body="x" * 99, expect=3),
        outcome(True, body="x" * 99, type_="greeting"),
        outcome(True, body="x" * 99, type_="compare"),
        outcome(True, body="x" * 99, type_="help"),
        outcome(True, body="x" * 99, type_="out-of-scope"),
        outcome(False, body="x" * 99),
        outcome(True, body="x" * 99, conversation=True),
    ])
    assert summary.median_body_chars == 5


def test_summary_of_nothing() -> None:
    summary = summarize([])
    assert summary.accuracy == 0.0 and summary.median_body_chars is None and summary.by_type == ()


def test_summary_per_type_accuracy() -> None:
    summary = summarize([outcome(True, type_="who"), outcome(False, type_="who"), outcome(True, type_="when"),
                         outcome(False, type_="follow-up", conversation=True)])
    assert [(s.type, s.passed, s.total) for s in summary.by_type] == [
        ("conversation:follow-up", 0, 1), ("when", 1, 1), ("who", 1, 2)]
    assert summary.by_type[2].accuracy == 0.5


def test_format_summary_names_every_figure() -> None:
    text = "\n".join(format_summary(summarize([outcome(True, body="abcd"), outcome(False, conversation=True)])))
    for part in ("cases 1/1", "conversations 0/1", "accuracy 50.0%", "confident wrong 1", "chars (one-fact answers) 4"):
        assert part in text


# ---------------------------------------------------------------------------- checking an eval set


def test_check_eval_set_names_unknown_and_unused_facts(tmp_path: Path) -> None:
    (tmp_path / "s.md").write_text("室蘭市役所 2階3号会議室", encoding="utf-8")
    facts = (Fact("a", "3号会議室", "s.md"), Fact("b", "4号会議室", "s.md"))
    cases = (Case("q", (), (), ("answer",), "where", ("a", "z")), Case("q2", (), (), ("answer",), "where", ("a",)))
    problems = check_eval_set(EvalSet(facts, cases, ()), tmp_path)
    assert problems == ["case 'q': unknown fact z", "fact b: 0 case(s), fewer than 2",
                        "fact b: quote not in s.md: '4号会議室'"]


# ---------------------------------------------------------------------------- the project's eval set


@pytest.fixture(scope="module")
def facts_set() -> EvalSet:
    return load_eval_set(FACTS_FILE)


def test_facts_file_loads_with_enough_facts_cases_and_conversations(facts_set: EvalSet) -> None:
    assert len(facts_set.facts) >= 110
    assert len(facts_set.cases) >= 350
    assert len(facts_set.conversations) >= 40


def test_every_case_fact_exists_and_every_fact_has_two_cases(facts_set: EvalSet) -> None:
    assert check_eval_set(facts_set) == []


def test_every_fact_quote_is_in_its_source(facts_set: EvalSet) -> None:
    if not SOURCES.is_dir():
        pytest.skip(f"{SOURCES} is absent")
    assert check_eval_set(facts_set, SOURCES) == []


def test_cases_without_a_fact_are_small_talk_or_out_of_scope(facts_set: EvalSet) -> None:
    assert {c.type for c in facts_set.cases if not c.facts} <= {"greeting", "help", "out-of-scope"}


def test_every_case_has_a_known_type_and_kind(facts_set: EvalSet) -> None:
    types = set("which-partner who when where duration yes-no count order filter compare why plan project cooperation"
                " glossary announcement contact ceremony theme greeting help out-of-scope programme".split())
    kinds = {"answer", "clarify", "fallback", "smalltalk", "help"}
    assert {c.type for c in facts_set.cases} <= types
    assert {k for c in facts_set.cases for k in c.kinds} <= kinds


def test_no_case_expects_a_ceremony_to_be_held(facts_set: EvalSet) -> None:
    expected = [a for c in facts_set.cases for e in c.expect for a in e]
    expected += [a for d in facts_set.conversations for e in d.expect for a in e]
    assert not [a for a in expected if any(word in a for word in ("済み", "開催済", "締結済", "実施済"))]


def test_yes_no_cases_expect_yes_or_no(facts_set: EvalSet) -> None:
    for yes_no in (c for c in facts_set.cases if c.type == "yes-no"):
        assert yes_no.expect[0] in {("はい",), ("いいえ",)}, yes_no.question
