"""The engine, one question type at a time, with questions of our own (not in any eval file).

Each test asks as a user would and checks the fact that was asked, the kind of reply, and what
must not be there (another city's fact, a false "not in the document", a claim that a ceremony
took place)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.answering.answer import Answer, to_text
from bot.answering.engine import Engine
from bot.knowledge.model import JST, KnowledgeBase, parse_knowledge
from bot.ops.evaluation import body_text, to_comparable
from bot.store.records import Conversation
from tests.conftest import DATA_PATH, NOW
from tests.knowledge.test_knowledge import with_kushiro

pytestmark = pytest.mark.unit

NOT_IN_DOCUMENT = "記載は資料にありません"


def ask(engine: Engine, question: str, context: Conversation | None = None, now: datetime = NOW) -> Answer:
    return engine.answer(question, context=context, now=now)


def body(answer: Answer) -> str:
    return to_comparable(body_text(answer))


def chat(engine: Engine, *questions: str) -> Answer:
    answer: Answer | None = None
    for question in questions:
        answer = ask(engine, question, answer.conversation if answer else None)
    assert answer is not None
    return answer


def assert_says(answer: Answer, *expected: str, absent: tuple[str, ...] = ()) -> None:
    text = body(answer)
    for value in expected:
        assert to_comparable(value) in text, (value, text)
    for value in absent:
        assert to_comparable(value) not in text, (value, text)


# --- spelling: every way of writing a city ---------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "帯広の連携事項は?",
        "おびひろ 連携事項",
        "ｵﾋﾞﾋﾛの連携事項",
        "OBIHIRO cooperation items",
        "obihiro no renkei jikou",
        "十勝の協力事項",
        "帯広　連携事項？",
        "れんけいじこう おびひろ",
    ],
)
def test_every_spelling_of_a_city_means_the_same(engine: Engine, question: str) -> None:
    answer = ask(engine, question)
    assert answer.kind == "answer" and answer.partner_ids == ("obihiro",)
    assert_says(answer, "プロモーション活動", absent=("地方創生推進交付金",))


@pytest.mark.parametrize(
    ("question", "partner", "typed"),
    [
        ("室欄の連携事項", "muroran", "室欄"),
        ("旭河の協力事項", "asahikawa", "旭河"),
        ("旭側の協力事項", "asahikawa", "旭側"),
        ("おびひらの連携事項", "obihiro", "オビヒラ"),
        ("muroan cooperation", "muroran", "muroan"),
    ],
)
def test_typos_are_understood_and_said(engine: Engine, question: str, partner: str, typed: str) -> None:
    answer = ask(engine, question)
    assert answer.kind == "answer" and answer.partner_ids == (partner,)
    assert any(typed in note for note in answer.notes)


# --- which partner ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "city", "detail"),
    [
        ("IoTの導入を支援するのはどこの市?", "室蘭市", "生産性革命"),
        ("十勝ブランドを海外に広げるのはどの市?", "帯広市", "十勝ブランド"),
        ("サテライトオフィスを活用するのはどこ?", "北見市", "サテライトオフィス北見"),
        ("富裕層をねらうのはどの市", "旭川市", "富裕層"),
    ],
)
def test_which_partner_from_a_detail(engine: Engine, question: str, city: str, detail: str) -> None:
    answer = ask(engine, question)
    assert answer.kind == "answer" and answer.title == f"{city}です。"
    assert_says(answer, detail)


# --- who ------------------------------------------------------------------------------------------


def test_who_by_family_name_is_the_mayor_not_a_place(engine: Engine) -> None:
    answer = ask(engine, "米沢市長が出るのはどの式?")
    assert answer.kind == "answer" and "obihiro" in answer.partner_ids
    assert_says(answer, "帯広市", absent=(NOT_IN_DOCUMENT, "覚書の対象ではありません"))


def test_the_bureau_chief_is_one_person_at_every_ceremony(engine: Engine) -> None:
    answer = ask(engine, "局長って誰?")
    assert answer.kind == "answer" and answer.title == "北海道経済産業局長 安藤保彦です。"
    assert len(answer.sections[0].items) == 4  # the ceremonies he attends, not four copies of him


@pytest.mark.parametrize(
    ("question", "expected"),
    [("12月17日に何があった?", "北海道経済産業局が「道内基礎自治体との連携の推進」を発表しました"),
     ("2月7日に何がある?", "帯広市の覚書締結式")],
)
def test_a_date_names_what_happened_on_it(engine: Engine, question: str, expected: str) -> None:
    assert expected in ask(engine, question).title


def test_a_shared_family_name_gives_both_people(engine: Engine) -> None:
    answer = ask(engine, "辻さんはどういう人?")
    assert_says(answer, "企画調査課", "北見市長")


# --- when, where, how long ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "expected", "absent"),
    [
        ("帯広市役所の何階でやるの?", "4階", "3号会議室"),
        ("北見の締結式の住所", "大通西3丁目1番地1", "秘書課"),
        ("旭川の式は何時に終わる?", "11:00", "第3応接室"),
        ("ﾑﾛﾗﾝ ﾉ ｼｷ ﾊ ﾅﾝｼﾞ ｶﾗ?", "11:00", "2階 秘書課"),
        ("When is the Kitami signing ceremony?", "2021年3月25日", "1月31日"),
    ],
)
def test_when_and_where(engine: Engine, question: str, expected: str, absent: str) -> None:
    answer = ask(engine, question)
    assert answer.kind == "answer"
    assert_says(answer, expected, absent=(absent, NOT_IN_DOCUMENT))


def test_how_long_is_computed_from_start_and_end(engine: Engine) -> None:
    assert_says(ask(engine, "北見の締結式は何分くらい?"), "30分")
    assert_says(ask(engine, "締結式の長さは?"), "いずれも30分")


# --- yes / no --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "verdict", "fact"),
    [
        ("旭川の締結式は月曜日?", "はい", "1月20日"),
        ("北見の式典は金曜?", "いいえ", "3月25日（木）"),
        ("室蘭の締結式は午後から?", "いいえ", "11:00"),
        ("帯広の締結式って2階?", "いいえ", "4階"),
        ("旭川の締結式は10時半開始?", "はい", "10:30"),
        ("北見の締結式は1時間ですか", "いいえ", "30分"),
        ("北見との覚書は4例目?", "はい", "4例目"),
        ("MaaSって帯広のプロジェクト?", "いいえ", "室蘭市"),
        ("帯広の市長は米沢さん?", "はい", "米沢則寿"),
        ("午後に始まる締結式はある?", "いいえ", ""),
    ],
)
def test_yes_no_starts_with_the_verdict_and_gives_the_fact(
    engine: Engine, question: str, verdict: str, fact: str
) -> None:
    answer = ask(engine, question)
    assert answer.kind == "answer" and answer.title.startswith(verdict), answer.title
    assert_says(answer, fact, absent=(NOT_IN_DOCUMENT,))


# --- count, order, filter (computed from the structured values) -----------------------------------


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("覚書を結んだ自治体は何市?", "4市"),
        ("2021年の発表で覚書を結んだのは何市?", "1市"),
        ("北見の主な内容はいくつ?", "3つ"),
        ("旭川のプロジェクトは何件?", "3つ"),
        ("室蘭の締結式に出るのは何人?", "2人"),
        ("金曜日の締結式は何件?", "2件"),
    ],
)
def test_counts(engine: Engine, question: str, expected: str) -> None:
    assert_says(ask(engine, question), expected)


@pytest.mark.parametrize(
    ("question", "city", "day"),
    [
        ("最初の締結式はどこ?", "旭川市", "1月20日"),
        ("いちばん新しい覚書は?", "北見市", ""),
        ("帯広の次の締結式は?", "北見市", "3月25日"),
        ("室蘭の前の締結式は?", "旭川市", "1月20日"),
        ("終わるのが一番遅い締結式は?", "室蘭市", "11:30"),
        ("2番目の締結式は?", "室蘭市", "1月31日"),
        ("2番目に遅い締結式は?", "帯広市", "2月7日"),
        ("旭川と室蘭、どっちが早い?", "旭川市", "1月20日"),
        ("帯広と北見はどちらが遅い?", "北見市", "3月25日"),
    ],
)
def test_order(engine: Engine, question: str, city: str, day: str) -> None:
    answer = ask(engine, question)
    assert answer.kind == "answer" and city in answer.title, answer.title
    assert_says(answer, day)


@pytest.mark.parametrize(
    ("question", "present", "absent"),
    [
        ("1月の締結式は?", ("旭川市", "室蘭市"), ("帯広市", "北見市")),
        ("木曜日の締結式", ("北見市",), ("旭川市",)),
        ("9時台に始まる締結式はどこ?", ("北見市",), ("室蘭市",)),
        ("2020年に締結式をした市", ("帯広市",), ("北見市",)),
        ("会議室で行う締結式は?", ("室蘭市",), ("帯広市",)),
    ],
)
def test_filters(engine: Engine, question: str, present: tuple[str, ...], absent: tuple[str, ...]) -> None:
    answer = ask(engine, question)
    assert answer.kind == "answer"
    assert_says(answer, *present, absent=absent)


# --- compare and why ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("室蘭と帯広の締結式は同じ曜日?", "はい、どちらも金曜日です。"),
        ("旭川と北見の式は同じ階?", "いいえ、旭川市は2階、北見市は4階です。"),
    ],
)
def test_the_same_value_for_two_cities(engine: Engine, question: str, expected: str) -> None:
    assert ask(engine, question).title == expected


def test_how_far_apart_two_start_times_are(engine: Engine) -> None:
    assert ask(engine, "室蘭と旭川の式、開始時刻の差は?").title == "開始時刻の差は30分です（室蘭市と旭川市）。"


def test_a_citys_heading_in_a_shared_announcement(engine: Engine) -> None:
    assert_says(ask(engine, "室蘭の覚書のタイトル"), "道内基礎自治体との連携の推進", "企業城下町")


def test_compare_two_cities_side_by_side(engine: Engine) -> None:
    answer = ask(engine, "室蘭と北見の締結式の場所を比べて")
    assert_says(answer, "3号会議室", "市長応接室", absent=("第3応接室",))


def test_what_is_common_is_computed_from_the_items(engine: Engine) -> None:
    assert_says(ask(engine, "旭川と室蘭の連携事項で共通するのは?"), "プロジェクトの広報に関する連携・協力")


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("なぜ基礎自治体と連携するの?", "基礎自治体との連携が重要との認識"),
        ("北見と覚書を結ぶ理由は?", "関係人口"),
        ("帯広との覚書のねらい", "アウトドアの聖地"),
    ],
)
def test_why_gives_the_purpose_the_document_states(engine: Engine, question: str, expected: str) -> None:
    answer = ask(engine, question)
    assert answer.kind == "answer"
    assert_says(answer, expected)


# --- honest absence and no false absence ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "expected"),
    [("4番目に覚書を結んだのはどこ?", "4例目は北見市です。"), ("旭川・室蘭・帯広に次いで覚書を結んだ市", "北見市"),
     ("北見の問い合わせ先は?", "お問い合わせ先の記載がありません")],
)
def test_the_programme_across_documents(engine: Engine, question: str, expected: str) -> None:
    assert expected in ask(engine, question).title


@pytest.mark.parametrize(
    "question",
    [
        "北見市の人口は?",
        "室蘭の締結式の参加費はいくら?",
        "帯広市長の年齢は?",
        "札幌市との締結式はいつ?",
        "旭川市の面積は?",
        "北見の締結式の天気は?",
    ],
)
def test_what_the_documents_do_not_hold_is_said_plainly(engine: Engine, question: str) -> None:
    answer = ask(engine, question)
    assert answer.kind == "fallback", (question, answer.title)
    assert not any(ch.isdigit() for ch in answer.title.replace("2019", "").replace("2021", ""))


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What is Obihiro's theme?", "アウトドアの聖地"),
        ("Who attends the Muroran ceremony?", "青山"),
        ("帯広の締結式の開場", "第3応接室"),
        ("旭川のテーマって何ですか", "創造都市"),
    ],
)
def test_inflections_and_question_words_are_never_missing(engine: Engine, question: str, expected: str) -> None:
    answer = ask(engine, question)
    assert answer.kind == "answer" and answer.confidence >= 0.6
    assert_says(answer, expected, absent=(NOT_IN_DOCUMENT,))


# --- documents: citations, secondary sources, time --------------------------------------------------------


def test_answers_cite_their_document_and_section(engine: Engine) -> None:
    answer = ask(engine, "北見の締結式の場所は?")
    assert answer.source is not None
    (citation,) = answer.source.citations
    assert citation.date == "2021-03-23" and citation.section == "北見市 › 覚書締結式"


def test_an_answer_from_two_documents_cites_both(engine: Engine) -> None:
    answer = ask(engine, "各市の締結式の日時")
    assert answer.source is not None
    assert [c.date for c in answer.source.citations] == ["2019-12-17", "2021-03-23"]


def test_news_facts_are_cited_and_said_as_news(engine: Engine) -> None:
    answer = ask(engine, "北見の覚書の主な内容は?")
    assert answer.source is not None and any(c.secondary for c in answer.source.citations)
    assert_says(answer, "カーリングホール", "local news", "2021-04-05")


def test_a_past_ceremony_is_never_said_to_have_taken_place(engine: Engine) -> None:
    text = to_text(ask(engine, "室蘭の締結式はいつ?"))
    assert "予定日（2020年1月31日（金））を過ぎています" in text and "開催済み" not in text
    assert_says(ask(engine, "帯広の締結式はもう終わった?"), "開催されたかどうかは資料に記載がありません")


def test_a_recorded_held_event_is_said_to_have_taken_place() -> None:
    text = DATA_PATH.read_text(encoding="utf-8").replace(
        "          place: 室蘭市役所 2階3号会議室\n", "          place: 室蘭市役所 2階3号会議室\n          held: true\n"
    )
    engine = Engine(parse_knowledge(text, "kb.yaml"))
    assert "開催されました" in to_text(ask(engine, "室蘭の締結式はいつ?"))


def test_an_upcoming_ceremony_counts_down(kb: KnowledgeBase) -> None:
    engine = Engine(parse_knowledge(with_kushiro(), "kb.yaml"))
    answer = ask(engine, "釧路の締結式はいつ?", now=datetime(2030, 4, 28, 9, 0, tzinfo=JST))
    assert answer.statuses and "開催予定です（あと3日）" in answer.statuses[0].label


# --- a new memorandum is understood without code ---------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("釧路の締結式の場所", "3階 会議室"),
        ("くしろとの覚書は何例目?", "5例目"),
        ("最新の覚書はどこ?", "釧路市"),
        ("釧路の覚書の主な内容", "港湾物流の振興"),
        ("なぜ釧路と覚書を結ぶの?", "港湾物流"),
        ("覚書を結んだ自治体は全部で何市?", "5市"),
    ],
)
def test_an_added_memorandum_answers_every_kind_of_question(question: str, expected: str) -> None:
    engine = Engine(parse_knowledge(with_kushiro(), "kb.yaml"))
    answer = ask(engine, question, now=datetime(2030, 4, 1, 9, 0, tzinfo=JST))
    assert answer.kind == "answer", answer.title
    assert_says(answer, expected)


# --- conversation ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("turns", "expected", "absent"),
    [
        (("帯広の締結式はいつ?", "誰が出る?"), "米沢則寿", "青山"),
        (("北見の締結式の場所は?", "何分間?"), "30分", ""),
        (("室蘭の締結式は?", "それって金曜?"), "はい", ""),
        (("一番遅い締結式は?", "そこの場所は?"), "市長応接室", "3号会議室"),
        (("旭川のプロジェクトは?", "3番目のやつ詳しく"), "中心市街地", "雪質"),
        (("帯広の連携事項", "室蘭と比べると?"), "地方創生推進交付金", ""),
        (("室蘭の市長は?", "その人が出る締結式はいつ?"), "1月31日", "2月7日"),
    ],
)
def test_follow_ups_keep_what_was_asked_about(
    engine: Engine, turns: tuple[str, ...], expected: str, absent: str
) -> None:
    answer = chat(engine, *turns)
    assert answer.kind == "answer", answer.title
    assert_says(answer, expected, absent=(absent,) if absent else ())


@pytest.mark.parametrize(("reply", "expected"), [("室蘭", "室蘭市"), ("2", "室蘭市"), ("全部", "各市")])
def test_a_clarification_is_answered_in_words_or_by_number(engine: Engine, reply: str, expected: str) -> None:
    first = ask(engine, "プロジェクトは?")
    assert first.kind == "clarify"
    answer = ask(engine, reply, first.conversation)
    assert answer.kind == "answer" and answer.title.startswith(expected), answer.title


def test_context_expires(engine: Engine) -> None:
    first = ask(engine, "帯広の締結式はいつ?")
    later = ask(engine, "場所は?", first.conversation, now=NOW + timedelta(hours=2))
    assert later.partner_ids != ("obihiro",)


# --- small talk, help and bad input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("おはようございます", "smalltalk"),
        ("どうもありがとう", "smalltalk"),
        ("thanks!", "smalltalk"),
        ("使い方を教えて", "help"),
        ("何を聞けばいいの?", "help"),
    ],
)
def test_small_talk_and_help(engine: Engine, question: str, kind: str) -> None:
    answer = ask(engine, question)
    assert answer.kind == kind and len(answer.suggestions) == 3
    assert NOT_IN_DOCUMENT not in to_text(answer)


@pytest.mark.parametrize("question", ["", "   ", "？", "\x00\x01\x02", "x" * 100_000, "\udcff\ufffe?"])
def test_bad_input_gets_a_clear_reply(engine: Engine, question: str) -> None:
    answer = ask(engine, question)
    assert answer.kind in ("help", "fallback") and answer.title
    assert len(to_text(answer)) < 2_000


def test_a_lone_question_mark_invites_a_question(engine: Engine) -> None:
    answer = ask(engine, "？")
    assert answer.title == "ご質問をどうぞ。" and len(answer.suggestions) == 3
