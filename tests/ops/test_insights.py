"""The maintainer's report: grouping, chosen options and votes per topic (pure functions)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.answering.engine import Engine
from bot.ops.insights import build_report, chosen_options, group_questions, to_interaction
from bot.store.records import Vote
from tests.conftest import NOW

pytestmark = pytest.mark.unit


def test_near_duplicates_group_together() -> None:
    groups = group_questions(["帯広の予算はいくら？", "おびひろの予算はいくら", "帯広の予算はいくら？", "ランチどこ"])
    assert [(g.representative, g.count) for g in groups] == [("帯広の予算はいくら？", 3), ("ランチどこ", 1)]
    assert groups[0].examples == ("帯広の予算はいくら？", "おびひろの予算はいくら")


def test_chosen_options_follow_the_clarification(engine: Engine) -> None:
    clarify = engine.answer("連携事項は?", context=None, now=NOW)
    picked = clarify.suggestions[2].question
    interactions = [
        to_interaction("連携事項は?", "slack", "C1", clarify, NOW),
        to_interaction(picked, "slack", "C1", engine.answer(picked, context=None, now=NOW), NOW + timedelta(seconds=5)),
        to_interaction("連携事項は?", "slack", "C2", clarify, NOW),
    ]
    assert chosen_options(interactions) == {("連携事項は?", picked): 1}


def test_report_lists_unanswered_clarified_and_votes(engine: Engine) -> None:
    fallback = engine.answer("ランチどこ行く", context=None, now=NOW)
    clarify = engine.answer("プロジェクトは?", context=None, now=NOW)
    interactions = [to_interaction("ランチどこ行く", "slack", "C1", fallback, NOW),
                    to_interaction("ランチどこ行く?", "teams", "T1", fallback, NOW),
                    to_interaction("プロジェクトは?", "slack", "C1", clarify, NOW)]
    votes = [Vote("slack", "C1", "U1", "帯広の連携事項", False, NOW, "answer", "cooperation"),
             Vote("slack", "C1", "U2", "帯広の連携事項", True, NOW, "answer", "cooperation")]
    report = build_report(interactions, votes)
    assert "2 unanswered, 1 clarified, 2 votes" in report
    assert "- 2× ランチどこ行く" in report
    assert "- cooperation: 👍 1 / 👎 1" in report
    assert "帯広の連携事項" in report.split("## Questions voted 👎")[1]
