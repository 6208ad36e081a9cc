"""Hostile input thrown at the engine: arbitrary Unicode, huge input, markup, control characters."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answering.answer import to_text
from bot.answering.engine import Engine
from bot.answering.help import MAX_QUESTION_CHARS
from tests.conftest import NOW

FRAGMENTS = st.sampled_from([
    "帯広", "おびひろ", "ｵﾋﾞﾋﾛ", "muroran", "連携事項", "締結式", "いつ", "どこ", "<!channel>", "<@U123>", "&amp;",
    "\x00", "\u202e", "\ufeff", "\n", "🍣", "札幌", "各市", "MaaS", "?", "　", "\udcff",
])
QUESTIONS = st.one_of(
    st.text(max_size=300),
    st.lists(FRAGMENTS, max_size=12).map("".join),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=MAX_QUESTION_CHARS - 5, max_size=MAX_QUESTION_CHARS + 50),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(question=QUESTIONS)
def test_every_question_gets_a_reply(engine: Engine, question: str) -> None:
    answer = engine.answer(question, context=None, now=NOW)
    assert answer.kind in ("answer", "clarify", "fallback", "smalltalk", "help")
    assert 0.0 <= answer.confidence <= 1.0
    assert answer.title
    assert to_text(answer)
    if answer.kind == "clarify":
        assert answer.suggestions


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(first=QUESTIONS, second=QUESTIONS)
def test_follow_ups_never_fail(engine: Engine, first: str, second: str) -> None:
    previous = engine.answer(first, context=None, now=NOW)
    answer = engine.answer(second, context=previous.conversation, now=NOW)
    assert answer.kind in ("answer", "clarify", "fallback", "smalltalk", "help")
