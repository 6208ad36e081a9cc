"""Teams renders every kind of answer the engine gives: short facts, yes/no, small talk, help."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.english_rendering import added_japanese
from tests.teams_support import TeamsRig, assert_valid_card, running_teams

pytestmark = pytest.mark.adapter


@pytest.fixture()
async def teams(tmp_path: Path) -> AsyncIterator[TeamsRig]:
    async with running_teams(tmp_path) as rig:
        yield rig


@pytest.mark.parametrize(
    ("question", "expected", "absent"),
    [("北見の締結式は午後から？", "いいえ。北見市の締結式は2021年3月25日（木） 9:30～10:00です。", "記載は資料にありません"),
     ("FAX番号教えて", "011-709-1775", "2520"),
     ("ありがとう！", "どういたしまして。", "記載は資料にありません"),
     ("何ができるの?", "質問の例", "記載は資料にありません")],
)
async def test_each_kind_is_rendered(teams: TeamsRig, question: str, expected: str, absent: str) -> None:
    await teams.post(teams.activities.message(question))
    (reply,) = await teams.connector.wait_for(1)
    assert_valid_card(reply.card)
    assert expected in reply.card_text and absent not in reply.card_text


# --- English (issue 18) ---------------------------------------------------------------------------

ENGLISH = "Hi, could you tell me when the Obihiro signing ceremony is?"


async def test_an_english_answer_reaches_teams_with_english_labels(teams: TeamsRig) -> None:
    await teams.post(teams.activities.message(ENGLISH))
    (reply,) = await teams.connector.wait_for(1)
    assert_valid_card(reply.card)
    shown = reply.card_text
    titles = [action["title"] for action in reply.card["actions"]]

    assert reply.card["lang"] == "en" and titles == ["👍 Helpful", "👎 Not helpful"]
    for label in (f"💬 Question: {ENGLISH}", "Related questions:", "📄 Source: ", "🗓️ Status"):
        assert label in shown, label
    for japanese in ("質問:", "関連する質問", "出典", "状況"):
        assert japanese not in shown, japanese
    answer = teams.dispatcher.engine.answer(ENGLISH, context=None, now=teams.dispatcher.clock())
    assert answer.language == "en"
    assert added_japanese(shown, answer) == []
