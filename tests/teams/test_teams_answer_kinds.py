"""Teams renders every kind of answer the engine gives: short facts, yes/no, small talk, help."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

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
