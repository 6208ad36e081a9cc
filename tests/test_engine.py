"""The engine, question by question: the behaviours of section 2, with questions not in the sample."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from bot.answer import Answer, Conversation, to_text
from bot.engine import Engine
from bot.evaluation import to_comparable
from bot.knowledge import JST, KnowledgeBase, parse_knowledge
from tests.conftest import DATA_PATH, NOW


def ask(engine: Engine, question: str, context: Conversation | None = None, now: datetime = NOW) -> Answer:
    return engine.answer(question, context=context, now=now)


def text_of(answer: Answer) -> str:
    return to_comparable(to_text(answer))


OBIHIRO_ITEM = "プロモーション活動"
MURORAN_ITEM = "地方創生推進交付金"
ASAHIKAWA_ITEM = "地方創生推進のための事業構築への支援"


@pytest.mark.parametrize(
    "question",
    [
        "帯広の連携事項は?",
        "おびひろの連携事項",
        "オビヒロ 連携事項",
        "ｵﾋﾞﾋﾛの連携事項",
        "Obihiro cooperation",
        "OBIHIRO の協力内容",
        "obihiro no renkei",
        "帯広市との連携・協力事項を教えてください",
        "十勝の協力事項",
        "帯広　連携事項？",
        "ＯＢＩＨＩＲＯ 連携",
        "れんけいじこう おびひろ",
    ],
)
def test_every_spelling_of_a_city_means_the_same(engine: Engine, question: str) -> None:
    answer = ask(engine, question)
    assert answer.kind == "answer"
    assert answer.partner_ids == ("obihiro",)
    assert OBIHIRO_ITEM in text_of(answer)
    assert MURORAN_ITEM not in text_of(answer)


@pytest.mark.parametrize(
    ("question", "partner", "typed"),
    [
        ("室欄の連携事項", "muroran", "室欄"),
        ("旭河の協力事項", "asahikawa", "旭河"),
        ("おびひらの連携事項", "obihiro", "オビヒラ"),
        ("muroan cooperation", "muroran", "muroan"),
    ],
)
def test_typos_are_understood_and_said(engine: Engine, question: str, partner: str, typed: str) -> None:
    answer = ask(engine, question)
    assert answer.kind == "answer" and answer.partner_ids == (partner,)
    assert 0.6 <= answer.confidence < 1.0
    assert any(typed in note for note in answer.notes)


@pytest.mark.parametrize(
    ("question", "expected", "absent"),
    [
        ("室蘭の締結式の場所は?", "室蘭市役所2階3号会議室", "青山"),
        ("旭川の式典はどこ", "秘書課第2応接室", "西川"),
        ("帯広の調印式の日程", "2020年2月7日(金)10:00~10:30", "第3応接室"),
        ("室蘭の式典に出席するのは誰", "青山剛", "3号会議室"),
        ("旭川市長", "西川将人", "応接室"),
        ("When is the Obihiro ceremony?", "2020年2月7日", "米沢"),
        ("where is the muroran signing ceremony", "3号会議室", "青山"),
    ],
)
def test_city_and_topic_give_exactly_that_slot(engine: Engine, question: str, expected: str, absent: str) -> None:
    text = text_of(ask(engine, question))
    assert expected in text
    assert absent not in text


@pytest.mark.parametrize(
    "question", ["各市の連携事項", "3市の協力事項", "全部の連携事項", "cooperation items of all cities"]
)
def test_all_cities_get_one_answer(engine: Engine, question: str) -> None:
    answer = ask(engine, question)
    text = text_of(answer)
    assert answer.kind == "answer"
    assert answer.partner_ids == ("asahikawa", "muroran", "obihiro")
    assert all(item in text for item in (OBIHIRO_ITEM, MURORAN_ITEM, ASAHIKAWA_ITEM))


def test_a_topic_without_a_city_asks_which(engine: Engine) -> None:
    answer = ask(engine, "プロジェクトを教えて")
    assert answer.kind == "clarify"
    assert [c.label for c in answer.suggestions] == ["旭川市", "室蘭市", "帯広市", "すべての市"]
    picked = ask(engine, answer.suggestions[1].question)
    assert picked.kind == "answer" and picked.partner_ids == ("muroran",)
    assert "航空宇宙" in text_of(picked)


def test_a_short_topic_without_a_city_is_answered_for_all(engine: Engine) -> None:
    answer = ask(engine, "調印式の日時は?")
    text = text_of(answer)
    assert answer.kind == "answer"
    assert all(day in text for day in ("2020年1月20日", "2020年1月31日", "2020年2月7日"))


def test_a_city_alone_gets_an_overview_with_topics_to_pick(engine: Engine) -> None:
    answer = ask(engine, "むろらん")
    assert answer.kind == "answer" and answer.partner_ids == ("muroran",)
    assert "企業城下町" in text_of(answer) and MURORAN_ITEM in text_of(answer)
    assert {c.label for c in answer.suggestions} >= {"主な連携・協力事項", "覚書締結式"}


@pytest.mark.parametrize(
    ("question", "city", "expected"),
    [
        ("スノースポーツのプロジェクトはどこ?", "旭川市", "スノースポーツ×滞在型観光"),
        ("航空宇宙産業への参入", "室蘭市", "先端ものづくり産業への参入支援"),
        ("温泉を活用した集客", "帯広市", "新たな分野における集客プロジェクトの支援"),
        ("ローカルデザイナーの育成", "旭川市", "デザイン力向上"),
        ("中心市街地の賑わい", "旭川市", "中心市街地エリアでの賑わい創出"),
        ("地域未来投資促進法", "室蘭市", "室蘭市地域基本計画"),
    ],
)
def test_passage_search_finds_the_passage_and_its_city(engine: Engine, question: str, city: str, expected: str) -> None:
    answer = ask(engine, question)
    assert answer.kind == "answer"
    assert answer.title.startswith(city)
    assert expected in text_of(answer)
    assert answer.source is not None and city in answer.source.section


@pytest.mark.parametrize(
    ("question", "term", "expansion"),
    [
        ("MaaSとは?", "MaaS", "MobilityasaService"),
        ("CASEって何", "CASE", "Connected/Autonomous"),
        ("マースって何", "MaaS", "MobilityasaService"),
    ],
)
def test_glossary_terms(engine: Engine, question: str, term: str, expansion: str) -> None:
    answer = ask(engine, question)
    assert answer.kind == "answer" and answer.title.startswith(term)
    assert expansion in text_of(answer)


@pytest.mark.parametrize(
    "question",
    [
        "札幌の連携事項は?",
        "函館のプロジェクト",
        "釧路",
        "おたるの締結式",
        "Sapporo projects",
        "旭川じゃなくて苫小牧の連携事項",
    ],
)
def test_places_that_are_not_partners_get_a_clear_no(engine: Engine, question: str) -> None:
    answer = ask(engine, question)
    text = text_of(answer)
    if answer.partner_ids:  # a partner was named too: it is answered, the other place is called out
        assert answer.partner_ids == ("asahikawa",) and any("苫小牧" in n for n in answer.notes)
        return
    assert answer.kind == "fallback"
    assert "旭川市・室蘭市・帯広市" in text
    for content in (OBIHIRO_ITEM, MURORAN_ITEM, ASAHIKAWA_ITEM, "アウトドア", "航空宇宙"):
        assert content not in text


@pytest.mark.parametrize(
    "question",
    [
        "こんにちは",
        "ありがとう",
        "今日の天気は?",
        "asdfghjkl",
        "ランチどこ行く?",
        "会議室を予約したい",
        "hello there",
        "🍣🍣🍣",
    ],
)
def test_noise_and_small_talk_fall_back_with_what_the_bot_can_do(engine: Engine, question: str) -> None:
    answer = ask(engine, question)
    assert answer.kind in ("fallback", "clarify")
    assert answer.kind == "fallback" or answer.suggestions
    assert OBIHIRO_ITEM not in text_of(answer)


@pytest.mark.parametrize("question", ["", "   ", "\x00\x01\x02", "x" * 100_000, "\udcff\ufffe?", "？？？"])
def test_bad_input_gets_a_clear_reply(engine: Engine, question: str) -> None:
    answer = ask(engine, question)
    assert answer.kind == "fallback"
    assert answer.title


def test_ceremony_status_follows_the_clock(kb: KnowledgeBase) -> None:
    engine = Engine(kb)
    before = ask(engine, "旭川の締結式はいつ", now=datetime(2020, 1, 17, 10, 30, tzinfo=JST))
    after = ask(engine, "旭川の締結式はいつ", now=datetime(2020, 1, 20, 10, 30, tzinfo=JST))
    assert before.statuses[0].held is False and "あと3日" in before.statuses[0].label
    assert after.statuses[0].held is True and "開催済み" in after.statuses[0].label


def test_a_follow_up_keeps_its_city(engine: Engine) -> None:
    first = ask(engine, "帯広の連携事項は?")
    follow = ask(engine, "式典はいつ?", context=first.conversation, now=NOW + timedelta(minutes=2))
    assert follow.partner_ids == ("obihiro",)
    assert "2020年2月7日" in text_of(follow) and "2020年1月20日" not in text_of(follow)
    other_city = ask(engine, "室蘭は?", context=follow.conversation, now=NOW + timedelta(minutes=3))
    assert other_city.partner_ids == ("muroran",) and "2020年1月31日" in text_of(other_city)


def test_context_expires(engine: Engine) -> None:
    first = ask(engine, "帯広の連携事項は?")
    later = ask(engine, "式典はいつ?", context=first.conversation, now=NOW + timedelta(hours=2))
    assert len(later.partner_ids) == 3


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("what is the theme of asahikawa", "創造都市"),
        ("Muroran projects", "航空宇宙"),
        ("contact phone number", "011-709-2311"),
        ("Which cities signed the memoranda?", "帯広市"),
    ],
)
def test_english_questions(engine: Engine, question: str, expected: str) -> None:
    answer = ask(engine, question)
    assert answer.kind == "answer" and expected in text_of(answer)


def test_answers_carry_title_sections_source_and_confidence(engine: Engine) -> None:
    answer = ask(engine, "帯広の連携事項は?")
    assert answer.title == "帯広市の主な連携・協力事項"
    assert answer.sections[0].items[1].endswith(OBIHIRO_ITEM + "の実施")
    assert answer.source is not None and answer.source.date == "2019-12-17"
    assert answer.confidence == 1.0
    data = answer.to_dict()
    assert data["kind"] == "answer" and OBIHIRO_ITEM in str(data["text"])


def test_an_added_city_is_understood_without_code(kb: KnowledgeBase) -> None:
    text = (
        DATA_PATH.read_text(encoding="utf-8")
        .replace("short_name: 室蘭", "short_name: 室蘭")
        .replace(
            "  - id: obihiro",
            """  - id: kitami
    name: 北見市
    short_name: 北見
    readings: {hiragana: きたみ, katakana: キタミ, romaji: kitami}
    aliases: []
    theme: 試験用テーマ文
    projects: [{title: 試験用事業, description: 試験用の説明文}]
    promotion: {text: 試験用の推進文, plans: [試験用計画]}
    cooperation_items: [試験用の協力事項]
    ceremony: {title: 北見市との覚書締結式, date: 2030-01-01, start: "10:00", place: 北見市役所,
               attendees: [{role: 北見市長, name: 試験太郎}]}
  - id: obihiro""",
            1,
        )
    )
    engine = Engine(parse_knowledge(text, "four.yaml"))
    answer = ask(engine, "きたみの連携事項")
    assert answer.partner_ids == ("kitami",) and "試験用の協力事項" in text_of(answer)
    upcoming = ask(engine, "北見の締結式はいつ")
    assert upcoming.statuses[0].held is False


def test_conversation_is_remembered_in_the_answer(engine: Engine) -> None:
    answer = ask(engine, "旭川のテーマ")
    assert answer.conversation == Conversation(("asahikawa",), "theme", NOW)
    assert replace(answer.conversation, topic_id=None).partner_ids == ("asahikawa",)


@pytest.mark.parametrize(("question", "expected"), [
    ("帯広の式典の出席者と場所", ("米沢則寿", "第3応接室")),
    ("旭川の締結式は何時からどこで", ("10:30", "秘書課第2応接室")),
])
def test_several_facets_in_one_question(engine: Engine, question: str, expected: tuple[str, ...]) -> None:
    text = text_of(ask(engine, question))
    assert all(part in text for part in expected)


def test_the_later_of_two_equal_topic_words_is_the_question(engine: Engine) -> None:
    # 「連携の目的」: the purpose (of the partnership), not the cooperation items.
    answer = ask(engine, "連携の目的は何ですか")
    assert answer.topic_id == "announcement" and "中核企業" in text_of(answer)


def test_one_kanji_words_find_their_passage(engine: Engine) -> None:
    answer = ask(engine, "食と農と自然")
    assert answer.kind == "answer" and answer.title.startswith("帯広市")


def test_english_about_a_city_gives_its_overview(engine: Engine) -> None:
    answer = ask(engine, "Tell me about Muroran")
    assert answer.partner_ids == ("muroran",) and "企業城下町" in text_of(answer)


@pytest.mark.parametrize(("question", "slot_text", "missing"), [
    ("室蘭市長の年齢", "青山剛", "年齢"),
    ("帯広の締結式の天気", "第3応接室", "天気"),
    ("帯広の連携事項の予算額", OBIHIRO_ITEM, "予算額"),
])
def test_what_the_document_does_not_say_is_said_plainly(engine: Engine, question: str, slot_text: str,
                                                        missing: str) -> None:
    answer = ask(engine, question)
    assert slot_text in text_of(answer)
    assert answer.confidence < 1.0
    assert any(f"「{missing}」についての記載は資料にありません" in note for note in answer.notes)


@pytest.mark.parametrize("question", ["帯広市長の名前", "帯広市の総合計画は何期?", "室蘭の締結式の場所を知りたい"])
def test_words_the_answer_covers_raise_no_doubt(engine: Engine, question: str) -> None:
    answer = ask(engine, question)
    assert answer.confidence == 1.0 and not answer.notes


@pytest.mark.parametrize(("question", "partner", "expected"), [
    ("2月7日に何がある?", "obihiro", "第3応接室"),
    ("2020年1月31日の式典", "muroran", "3号会議室"),
    ("1/20の締結式はどこ", "asahikawa", "秘書課第2応接室"),
    ("2020-02-07の出席者", "obihiro", "米沢則寿"),
])
def test_a_ceremony_date_names_its_city(engine: Engine, question: str, partner: str, expected: str) -> None:
    answer = ask(engine, question)
    assert answer.kind == "answer" and answer.partner_ids == (partner,)
    assert expected in text_of(answer) and not answer.notes


@pytest.mark.parametrize("question", ["3月1日の予定は?", "2019年2月7日の式典", "12/24"])
def test_a_date_with_no_ceremony_is_said_plainly(engine: Engine, question: str) -> None:
    answer = ask(engine, question)
    assert answer.kind == "fallback" and "資料にありません" in answer.title
    assert "2020年2月7日" in text_of(answer)  # the ceremonies the document does have


def test_version_numbers_are_not_dates(engine: Engine) -> None:
    assert "締結式・イベントは資料にありません" not in ask(engine, "ver 1.2.3").title
