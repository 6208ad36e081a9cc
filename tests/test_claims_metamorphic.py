"""Claims generated from the data: every ceremony's own place, room, time, date and mayor, and every
memorandum's theme, plans and projects — and every other city's — written in the forms people use
(「〜で?」「〜で行われた?」「〜にて開催?」「〜だった?」「〜は帯広の計画?」, a business message). Its own
value is confirmed (はい), another's is denied (いいえ): a check that read only part of the claim (the
floor of 「2階3号会議室」), a particle read as part of the value (「室蘭市役所で」) or a city inside a
value (「第七期帯広市総合計画」) never decides it."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from bot.answering.answer import body_of
from bot.answering.engine import Engine
from bot.knowledge.model import Event, load_knowledge
from bot.language.text import to_key, tokenize
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
    "{city}の締結式の会場って{value}じゃなかったっけ?",
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
    # The hall as typed in kana (むろらん市役所): the city written another way is the same city.
    for partner in KB.partners:
        if partner.short_name in parts[0]:
            yield "hall in kana", parts[0].replace(partner.short_name, partner.readings.hiragana)


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
    yield "mayor", mayor.family_name


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


def wrong_verdict(engine: Engine, question: str, verdict: str) -> list[str]:
    """[] when the answer starts with `verdict`, else what was asked and answered."""
    body = body_of(engine.answer(question, context=None, now=NOW))
    return [] if body.startswith(verdict) else [f"{question} → {body[:50]!r} (expected {verdict})"]


def test_the_claims_cover_every_ceremony_and_kind() -> None:
    assert len(CEREMONIES) >= 4 and len(CLAIMS) > 500
    assert {verdict for _, verdict, _ in CLAIMS} == {"はい", "いいえ"}
    assert {kind for _, _, kind in CLAIMS} >= {"place", "hall", "room", "time", "date", "mayor"}


MEMORANDUM_FRAMES = {
    "theme": ("{city}のテーマは「{value}」?", "{city}のテーマって{value}でしたっけ?",
              "お疲れ様です。{city}の覚書のテーマは{value}で合っていますか。"),
    "plan": ("{city}の計画は{value}?", "{city}の総合計画は{value}ですか?", "{value}は{city}の計画?"),
    "project": ("{city}のプロジェクトに「{value}」はある?", "「{value}」は{city}のプロジェクト?",
                "{value}って{city}の取組ですか?", "{value}は{city}の覚書の内容ですか"),
}


def to_memorandum_values() -> dict[str, dict[str, list[str]]]:
    """kind → city → its values, as the documents name them."""
    values: dict[str, dict[str, list[str]]] = {kind: {} for kind in MEMORANDUM_FRAMES}
    for partner in KB.partners:
        for engagement in partner.engagements:
            named = {"theme": [engagement.theme] if engagement.theme else [],
                     "plan": [plan.name for plan in engagement.plans],
                     "project": [project.title for project in engagement.projects]}
            for kind, found in named.items():
                values[kind].setdefault(partner.short_name, []).extend(found)
    return values


def to_memorandum_claims() -> Iterator[tuple[str, str, str]]:
    for kind, per_city in to_memorandum_values().items():
        for city in per_city:
            for owner, values in per_city.items():
                for value in values:
                    if owner != city and value in per_city[city]:
                        continue
                    verdict = "はい" if owner == city else "いいえ"
                    for frame in MEMORANDUM_FRAMES[kind]:
                        yield frame.format(city=city, value=value), verdict, kind


MEMORANDUM_CLAIMS = list(to_memorandum_claims())


def test_the_memorandum_claims_cover_themes_plans_and_projects() -> None:
    assert {kind for _, _, kind in MEMORANDUM_CLAIMS} == set(MEMORANDUM_FRAMES) and len(MEMORANDUM_CLAIMS) > 150
    assert any("帯広市総合計画" in question and verdict == "いいえ" for question, verdict, _ in MEMORANDUM_CLAIMS)


COUNT_FRAMES = ("{city}の{label}は{n}つ?", "{city}の{label}って{n}件ですか?",
                "お疲れ様です。{city}の{label}は全部で{n}つという理解で合っていますか。")
ATTENDANCE_FRAMES = ("{city}の締結式に{name}市長は出席した?", "{name}市長は{city}の式に出ましたか?",
                     "{city}の式の出席者に{name}さんはいる?")
ANNOUNCEMENT_FRAMES = ("{city}の覚書の発表は{day}?", "{city}との覚書が発表されたのは{day}ですか?")


def to_fact_claims() -> Iterator[tuple[str, str, str]]:
    """How many projects and items (the true count and one either side), which mayor attended
    which ceremony, and on which day each memorandum was announced."""
    for partner in KB.partners:
        city = partner.short_name
        for engagement in partner.engagements:
            for label, count in (("プロジェクト", len(engagement.projects)), ("連携事項", len(engagement.cooperation_items))):
                for n in (m for m in (count - 1, count, count + 1) if count and m > 0):
                    for frame in COUNT_FRAMES:
                        yield frame.format(city=city, label=label, n=n), "はい" if n == count else "いいえ", "count"
        for event in CEREMONIES:
            mayor = next(p for p in event.attendees if p.role.endswith("市長"))
            verdict = "はい" if event.partner_id == partner.id else "いいえ"
            for frame in ATTENDANCE_FRAMES:
                yield frame.format(city=city, name=mayor.family_name), verdict, "attendance"
        for document in KB.documents:
            day = f"{document.date.year}年{document.date.month}月{document.date.day}日"
            verdict = "はい" if any(g.document_id == document.id for g in partner.engagements) else "いいえ"
            for frame in ANNOUNCEMENT_FRAMES:
                yield frame.format(city=city, day=day), verdict, "announcement"


FACT_CLAIMS = list(to_fact_claims())


def to_wrong_verdicts(engine: Engine, claims: list[tuple[str, str, str]], kind: str) -> list[str]:
    return [w for question, verdict, claimed in claims if claimed == kind for w in wrong_verdict(engine, question, verdict)]


@pytest.mark.parametrize(
    "kind", ["place", "hall", "hall in kana", "room", "time", "time colon", "time half", "date", "mayor"]
)
def test_a_claim_about_a_ceremony_gets_the_true_verdict(engine: Engine, kind: str) -> None:
    wrong = to_wrong_verdicts(engine, CLAIMS, kind)
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("kind", sorted(MEMORANDUM_FRAMES))
def test_a_claim_about_a_memorandum_gets_the_true_verdict(engine: Engine, kind: str) -> None:
    wrong = to_wrong_verdicts(engine, MEMORANDUM_CLAIMS, kind)
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("kind", ["count", "attendance", "announcement"])
def test_a_claim_of_a_count_an_attendance_or_an_announcement_gets_the_true_verdict(engine: Engine, kind: str) -> None:
    assert sum(claimed == kind for _, _, claimed in FACT_CLAIMS) >= 16
    wrong = to_wrong_verdicts(engine, FACT_CLAIMS, kind)
    assert not wrong, "\n".join(wrong)


def test_a_claim_that_corrects_itself_is_judged_by_what_it_settles_on(engine: Engine) -> None:
    """「AではなくB?」 claims B: B the city's own hall is はい, whichever other hall A names."""
    halls = {event.partner_id: event.place.split()[0] for event in CEREMONIES}
    wrong = []
    for event in CEREMONIES:
        city, own = SHORT_NAMES[event.partner_id or ""], halls[event.partner_id]
        for other in (hall for hall in halls.values() if hall != own):
            for question, verdict in ((f"{city}の締結式は{other}ではなく{own}ですよね?", "はい"),
                                      (f"{city}の締結式は{own}じゃなくて{other}だよね?", "いいえ")):
                wrong += wrong_verdict(engine, question, verdict)
    assert not wrong, "\n".join(wrong)


# Words the documents use of some cities and not others (a kanji of its own, a place, a field).
EACH_WORDS = ("観光", "デザイン", "ロボット", "ものづくり", "スポーツ", "航空宇宙", "アウトドア", "カーリング", "IoT",
              "温泉", "食", "大学", "首都圏", "サテライトオフィス", "プロモーション", "交付金")
EACH_FRAMES = ("{a}と{b}、どちらも{word}に取り組んでいますか?", "{a}も{b}も{word}の話がある?",
               "{a}と{b}、どちらも{word}の記載がありますか")


def test_a_claim_of_each_city_named_holds_only_when_each_documents_say_it(engine: Engine) -> None:
    """「旭川と帯広、どちらも観光に〜?」: はい only when every city named has a fact with the word."""
    said = {p.id: to_key(" ".join(f"{f.label} {f.text}" for f in engine.facts if f.partner_id == p.id))
            for p in KB.partners}
    wrong, asked = [], 0
    for first, second in itertools.combinations(KB.partners, 2):
        for word in EACH_WORDS:
            holders = [p for p in (first, second) if to_key(word) in said[p.id]]
            if not holders:
                continue  # neither: a question for the denial tests
            verdict = "はい" if len(holders) == 2 else "いいえ"
            for frame in EACH_FRAMES:
                question = frame.format(a=first.short_name, b=second.short_name, word=word)
                wrong, asked = wrong + wrong_verdict(engine, question, verdict), asked + 1
    assert asked > 100 and not wrong, "\n".join(wrong)


EN_PLACE_FRAMES = ("Was the {city} ceremony held at {hall} City Hall?", "Is the {city} signing ceremony at {hall} City Hall?",
                   "Hi, quick check: the {city} ceremony took place at {hall} City Hall?")


def test_an_english_claim_of_a_city_hall_is_read_in_japanese(engine: Engine) -> None:
    """"Held at Obihiro City Hall?" is 帯広市役所: Yes for the city's own, No for another's."""
    wrong = []
    for event in CEREMONIES:
        city = KB.partner(event.partner_id or "").readings.romaji.title()
        for partner in KB.partners:
            verdict = "Yes" if partner.id == event.partner_id else "No"
            for frame in EN_PLACE_FRAMES:
                question = frame.format(city=city, hall=partner.readings.romaji.title())
                wrong += wrong_verdict(engine, question, verdict)
    assert not wrong, "\n".join(wrong)


def test_a_claim_after_a_question_is_about_the_ceremony_talked_about(engine: Engine) -> None:
    """「室蘭の締結式はいつ?」 then 「出席者に青山市長はいる?」「場所は帯広市役所?」: the city of the
    conversation is the one claimed about."""
    wrong = []
    for event in CEREMONIES:
        opener = f"{SHORT_NAMES[event.partner_id or '']}の締結式はいつ?"
        for other in CEREMONIES:
            verdict = "はい" if other is event else "いいえ"
            mayor = next(p for p in other.attendees if p.role.endswith("市長"))
            for follow_up in (f"出席者に{mayor.family_name}市長はいる?", f"場所は{other.place.split()[0]}?",
                              f"それって{other.place.split()[0]}でやったんでしたっけ?"):
                context = engine.answer(opener, context=None, now=NOW).conversation
                body = body_of(engine.answer(follow_up, context=context, now=NOW))
                if not body.startswith(verdict):
                    wrong.append(f"{opener} → {follow_up} → {body[:40]!r} (expected {verdict})")
    assert not wrong, "\n".join(wrong)


def test_an_english_claim_of_a_start_time_reads_a_bare_hour(engine: Engine) -> None:
    """"Is the Kitami ceremony at 10?" is 10:00 (Kitami starts at 9:30: No); "at 11 am" too."""
    wrong = []
    for event in CEREMONIES:
        city = KB.partner(event.partner_id or "").readings.romaji.title()
        for hour in sorted({e.start.hour for e in CEREMONIES} | {e.start.hour + 1 for e in CEREMONIES}):
            verdict = "Yes" if (event.start.hour, event.start.minute) == (hour, 0) else "No"
            for question in (f"Is the {city} ceremony at {hour}?", f"Does the {city} ceremony start at {hour} am?"):
                wrong += wrong_verdict(engine, question, verdict)
    assert not wrong, "\n".join(wrong)


def to_item_only_claims() -> Iterator[tuple[str, str]]:
    """「〜は「X」だけ?」 of a list of two or more (いいえ), and the attendees named all (はい) or one."""
    for partner in KB.partners:
        city = partner.short_name
        for engagement in partner.engagements:
            lists = {"連携事項": list(engagement.cooperation_items), "プロジェクト": [p.title for p in engagement.projects]}
            for label, items in lists.items():
                for item in items if len(items) > 1 else ():
                    yield f"{city}の{label}は「{item}」だけ?", "いいえ"
                    yield f"お疲れ様です。{city}の{label}は「{item}」のみでしょうか。", "いいえ"
        if partner.ceremony is not None:
            mayor = next(p for p in partner.ceremony.attendees if p.role.endswith("市長"))
            chief = next(p for p in partner.ceremony.attendees if "局長" in p.role)
            yield f"{city}の締結式の出席者は{mayor.family_name}市長と{chief.family_name}局長だけ?", "はい"
            yield f"{city}の締結式の出席者は{mayor.family_name}市長だけですか", "いいえ"
            yield f"{city}の式に出たのは{chief.family_name}局長だけ?", "いいえ"


def test_a_claim_that_a_list_holds_only_what_it_names_is_checked_item_by_item(engine: Engine) -> None:
    """「室蘭のプロジェクトは航空宇宙だけ?」 is about the list, not whether 航空宇宙 is in it."""
    claims = list(to_item_only_claims())
    assert len(claims) >= 30
    wrong = []
    for question, verdict in claims:
        wrong += wrong_verdict(engine, question, verdict)
    assert not wrong, "\n".join(wrong)


def to_every_item_claims() -> Iterator[tuple[str, str]]:
    """「〜の連携事項は全部X関係?」 for nouns of the items: はい when every item has X."""
    for partner in KB.partners:
        for engagement in partner.engagements:
            lists = {"連携事項": list(engagement.cooperation_items),
                     "プロジェクト": [f"{p.title} {p.description}" for p in engagement.projects]}
            for label, items in lists.items():
                if len(items) < 2:
                    continue
                nouns = sorted({t.surface for item in items for t in tokenize(item)
                                if t.pos[:2] == ("名詞", "普通名詞") and len(t.surface) >= 2})
                for noun in nouns[:12]:
                    every = all(to_key(noun) in to_key(item) for item in items)
                    for frame in ("{city}の{label}は全部{noun}関係?", "{city}の{label}はどれも{noun}の話ですか"):
                        question = frame.format(city=partner.short_name, label=label, noun=noun)
                        yield question, "はい" if every else "いいえ"


def test_a_claim_that_every_item_of_a_list_says_something_is_checked_item_by_item(engine: Engine) -> None:
    claims = list(to_every_item_claims())
    assert len(claims) >= 100 and {verdict for _, verdict in claims} == {"はい", "いいえ"}
    wrong = []
    for question, verdict in claims:
        wrong += wrong_verdict(engine, question, verdict)
    assert not wrong, "\n".join(wrong)


WEEKDAYS = "月火水木金土日"


def test_a_negated_condition_lists_the_ceremonies_that_fail_it(engine: Engine) -> None:
    """「金曜日ではない締結式は?」「金曜日以外の締結式は?」 "not on a Friday": the others, never the Friday ones."""
    wrong = []
    for weekday in sorted({e.date.weekday() for e in CEREMONIES}):
        day = WEEKDAYS[weekday]
        failing = {SHORT_NAMES[e.partner_id or ""] for e in CEREMONIES if e.date.weekday() != weekday}
        holding = {SHORT_NAMES[e.partner_id or ""] for e in CEREMONIES} - failing
        for question in (f"{day}曜日ではない締結式は?", f"{day}曜日以外の締結式は?", f"{day}曜じゃない式はどこ?",
                         f"{day}曜日以外に締結式をした市は?"):
            title = engine.answer(question, context=None, now=NOW).title
            asked_which = not title.startswith(("はい", "いいえ"))  # a list asked: no verdict before it
            if not (asked_which and all(c in title for c in failing) and not any(c in title for c in holding)):
                wrong.append(f"{question} → {title!r} (expected {sorted(failing)})")
    assert not wrong, "\n".join(wrong)


def test_a_confirmation_that_it_is_not_so_is_answered_yes_when_it_is_not(engine: Engine) -> None:
    """「北見の締結式は金曜日じゃないよね?」 (Thursday): はい; of a Friday ceremony: いいえ."""
    wrong = []
    for event in CEREMONIES:
        city = SHORT_NAMES[event.partner_id or ""]
        for weekday in sorted({e.date.weekday() for e in CEREMONIES}):
            verdict = "いいえ" if event.date.weekday() == weekday else "はい"
            for frame in ("{city}の締結式は{day}曜日じゃないよね?", "{city}の式って{day}曜ではないですよね"):
                question = frame.format(city=city, day=WEEKDAYS[weekday])
                wrong += wrong_verdict(engine, question, verdict)
    assert not wrong, "\n".join(wrong)


def test_weekday_classes_and_end_times_are_conditions(engine: Engine) -> None:
    """「平日?」「週末?」「土日?」 and 「10時に終わる?」: checked against each ceremony, never "not in the documents"."""
    wrong = []
    for event in CEREMONIES:
        city = SHORT_NAMES[event.partner_id or ""]
        weekday = event.date.weekday() < 5
        end = event.end
        assert end is not None
        for question, verdict in (
            (f"{city}の締結式は平日?", "はい" if weekday else "いいえ"),
            (f"お疲れ様です。{city}の締結式は週末でしたでしょうか。", "いいえ" if weekday else "はい"),
            (f"{city}の式は土日だった?", "いいえ" if weekday else "はい"),
            (f"{city}の締結式は{end.hour}時{end.minute or ''}{'分' if end.minute else ''}に終わる?", "はい"),
            (f"{city}の締結式は{end.hour + 1}時に終わりましたか", "いいえ"),
        ):
            wrong += wrong_verdict(engine, question, verdict)
    assert not wrong, "\n".join(wrong)


def test_a_claim_of_a_ceremonys_place_in_the_order_counts_from_the_start_or_the_end(engine: Engine) -> None:
    """「帯広の締結式は3番目?」「3番目に行われたという理解で合っていますか」「後ろから2番目?」."""
    order = sorted(CEREMONIES, key=lambda e: (e.date, e.start))
    wrong = []
    for rank, event in enumerate(order, 1):
        city = SHORT_NAMES[event.partner_id or ""]
        for n in range(1, len(order) + 1):
            for question, verdict in (
                (f"{city}の締結式は{n}番目?", "はい" if n == rank else "いいえ"),
                (f"お疲れ様です。{city}の締結式は{n}番目に行われたという理解で合っていますか。",
                 "はい" if n == rank else "いいえ"),
                (f"{city}の式は後ろから{n}番目?", "はい" if n == len(order) + 1 - rank else "いいえ"),
            ):
                wrong += wrong_verdict(engine, question, verdict)
    assert not wrong, "\n".join(wrong)


def test_the_city_of_a_room_is_the_one_whose_place_holds_the_room_whole(engine: Engine) -> None:
    """「第3応接室で締結式をしたのはどこの市?」 is 帯広 alone (three rooms are 応接室);
    「2階3号会議室で〜」 室蘭 alone (two ceremonies were on the 2nd floor)."""
    wrong = []
    for event in CEREMONIES:
        city, room = SHORT_NAMES[event.partner_id or ""], event.place.split()[-1]
        others = [SHORT_NAMES[e.partner_id or ""] for e in CEREMONIES if e is not event]
        for question in (f"{room}で締結式をしたのはどこの市?",
                         f"お疲れ様です。{room}で式典を行ったのはどちらの市でしたでしょうか。"):
            title = engine.answer(question, context=None, now=NOW).title
            if city not in title or any(other in title for other in others):
                wrong.append(f"{question} → {title!r} (expected {city})")
    assert not wrong, "\n".join(wrong)


def test_a_mayor_asked_by_family_name_and_role_is_that_mayor_alone(engine: Engine) -> None:
    """「辻市長はどこの市長?」: the mayor, not every 辻 of the documents (a contact person is one)."""
    for event in CEREMONIES:
        mayor = next(p for p in event.attendees if p.role.endswith("市長"))
        answer = engine.answer(f"{mayor.family_name}市長はどこの市長?", context=None, now=NOW)
        assert answer.title.startswith(mayor.role) and len(answer.sections) == 1, answer.title
