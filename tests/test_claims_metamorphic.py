"""Claims about a ceremony, generated from the data: every ceremony's own place, room, time, date
and mayor, and every other ceremony's, written in the forms people use (「〜で?」「〜で行われた?」
「〜にて開催?」「〜だった?」, a business message). Its own value is confirmed (はい), another's is
denied (いいえ): a check that read only part of the claim (the floor of 「2階3号会議室」) or a particle
read as part of the value (「室蘭市役所で」) never decides it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.answering.answer import body_of
from bot.answering.engine import Engine
from bot.knowledge.model import Event, Person, load_knowledge
from tests.conftest import DATA_PATH, NOW

pytestmark = pytest.mark.unit

KB = load_knowledge(DATA_PATH)
CEREMONIES = KB.ceremonies()
SHORT_NAMES = {partner.id: partner.short_name for partner in KB.partners}

PLACE_FRAMES = (
    "{city}の締結式は{value}?",
    "{city}の締結式は{value}で?",
    "{city}の締結式は{value}で行われた?",
    "{city}の締結式は{value}にて開催されましたか",
    "{city}の締結式って{value}でやったんだっけ?",
    "{city}の締結式は{value}でしたか?",
    "お疲れ様です。{city}の締結式の件ですが、{value}で間違いないでしょうか。",
)
TIME_FRAMES = (
    "{city}の締結式は{value}から?",
    "{city}の締結式は{value}からでしたか?",
    "{city}の締結式って{value}開始で合ってる?",
    "お疲れ様です。{city}の締結式の件ですが、{value}からという理解でよろしいでしょうか。",
)
DATE_FRAMES = (
    "{city}の締結式は{value}?",
    "{city}の締結式は{value}でしたっけ?",
    "お世話になっております。{city}の締結式は{value}で間違いないでしょうか。",
)
PERSON_FRAMES = (
    "{city}の締結式に{value}市長は出席しますか",
    "{city}の締結式には{value}さんが出席?",
)


def to_places(event: Event) -> Iterator[tuple[str, str]]:
    parts = event.place.split()
    yield "place", event.place
    yield "hall", parts[0]
    if len(parts) > 1:
        yield "room", parts[-1]


def to_times(event: Event) -> Iterator[tuple[str, str]]:
    hour, minute = event.start.hour, event.start.minute
    yield "time", f"{hour}時" + (f"{minute}分" if minute else "")
    yield "time colon", f"{hour}:{minute:02d}"
    if minute == 30:
        yield "time half", f"{hour}時半"


def to_dates(event: Event) -> Iterator[tuple[str, str]]:
    yield "date", f"{event.date.month}月{event.date.day}日"


def to_mayors(event: Event) -> Iterator[tuple[str, str]]:
    mayor = next(p for p in event.attendees if p.role.endswith("市長"))
    yield "mayor", mayor.family_name if isinstance(mayor, Person) else mayor


KINDS = ((to_places, PLACE_FRAMES), (to_times, TIME_FRAMES), (to_dates, DATE_FRAMES), (to_mayors, PERSON_FRAMES))


# As the claim arrives at work: alone, after a greeting, after an introduction that names another
# city's office (not the subject), or as a mail with a subject line. Each claim gets one, in turn.
WRAPPERS = (
    "{question}",
    "お疲れ様です。{question}",
    "{office}の田中です。{question}よろしくお願いいたします。",
    "件名: 締結式について\nお世話になっております。株式会社サンプル商事の佐藤と申します。\n{question}",
)


def to_claims() -> Iterator[tuple[str, str, str]]:
    """(question, expected verdict, what it claims) for every ceremony and every value kind."""
    count = 0
    for event in CEREMONIES:
        city = SHORT_NAMES[event.partner_id or ""]
        office = next(f"{p.name}役所" for p in KB.partners if p.id != event.partner_id)
        for to_values, frames in KINDS:
            own = dict(to_values(event))
            for other in CEREMONIES:
                for kind, value in to_values(other):
                    if other is not event and value == own.get(kind):
                        continue  # the same value: no claim to deny
                    verdict = "はい" if other is event else "いいえ"
                    for frame in frames:
                        wrapper = WRAPPERS[count % len(WRAPPERS)]
                        count += 1
                        question = frame.format(city=city, value=value)
                        yield wrapper.format(question=question, office=office), verdict, kind


CLAIMS = list(to_claims())


def test_the_claims_cover_every_ceremony_and_kind() -> None:
    assert len(CEREMONIES) >= 4 and len(CLAIMS) > 500
    assert {verdict for _, verdict, _ in CLAIMS} == {"はい", "いいえ"}
    assert {kind for _, _, kind in CLAIMS} >= {"place", "hall", "room", "time", "date", "mayor"}


@pytest.mark.parametrize("kind", ["place", "hall", "room", "time", "time colon", "time half", "date", "mayor"])
def test_a_claim_about_a_ceremony_gets_the_true_verdict(engine: Engine, kind: str) -> None:
    wrong = []
    for question, verdict, claimed in CLAIMS:
        if claimed != kind:
            continue
        answer = engine.answer(question, context=None, now=NOW)
        if not body_of(answer).startswith(verdict):
            wrong.append(f"{question} → {body_of(answer)[:60]!r} (expected {verdict})")
    assert not wrong, "\n".join(wrong)
