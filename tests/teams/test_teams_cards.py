"""Adaptive Card rendering: every card validates against the Adaptive Card 1.5 JSON schema, user
text cannot become markdown, buttons carry what the handlers need."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.answering.answer import Answer, Citation, EventStatus, Section, Source
from bot.answering.dispatch import Dispatcher
from bot.answering.engine import Engine
from bot.answering.help import too_long_text
from bot.commands.registry import (
    COMMANDS,
    Code,
    Mention,
    Notice,
    Paragraph,
    ReportView,
    Typed,
    to_help_view,
    to_partners_view,
    to_schedule_view,
)
from bot.knowledge.model import JST, KnowledgeBase
from bot.ops.insights import build_report
from bot.reminders.delivery import ReminderMessage
from bot.reminders.ical import to_calendar_links
from bot.store.records import Choice
from handlers.teams.answer_cards import (
    CHOICE_ACTION,
    FEEDBACK_ACTION,
    MAX_CHOICES,
    VOTED,
    CardOptions,
    SubmitPayload,
    to_answer_card,
    to_voted_card,
)
from handlers.teams.cards import MAX_BODY_ELEMENTS, MAX_TEXT_CHARS, to_card_activity
from handlers.teams.command_cards import to_help_card, to_list_card, to_notice_card, to_reply_card, to_schedule_card
from handlers.teams.reminder_cards import to_reminder_card
from tests.conftest import NOW
from tests.english_rendering import ENGLISH_QUESTION, added_japanese, english_answer, japanese_left
from tests.reminder_support import event_entry, load_with_events
from tests.teams_support import assert_valid_card, card_validator
from tests.test_english_answers import ask, english_questions

pytestmark = pytest.mark.unit

SOURCE = Source((Citation("道内基礎自治体との連携の推進", "2019-12-17", "旭川市"),))


def texts(card: dict[str, Any]) -> list[str]:
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in ("text", "title", "value") and isinstance(item, str):
                    found.append(item)
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(card)
    return found


def full_answer(**changes: Any) -> Answer:
    base = Answer(
        kind="answer", confidence=0.9, title="旭川市の主な連携・協力事項",
        sections=(Section("連携事項", "一行目\n二行目", ("産業振興", "人材育成")), Section("", "ラベルなし")),
        source=SOURCE, suggestions=(Choice("締結式", "旭川市の締結式は?"),),
        statuses=(EventStatus("asahikawa-ceremony", datetime(2020, 1, 20, 10, 30, tzinfo=JST), True,
                              "旭川市との覚書締結式は2020年1月20日（月）に開催済みです。"),),
        notes=("「札幌」は対象外です。",), topic_id="cooperation", partner_ids=("asahikawa",),
    )
    return Answer(**{**base.__dict__, **changes})


@pytest.mark.parametrize("question", ["旭川市の締結式はいつ?", "連携事項は?", "天気は?", "問い合わせ先は?", "各市のテーマ"])
async def test_engine_answers_render_as_valid_cards(kb: KnowledgeBase, question: str) -> None:
    answer = await Dispatcher(Engine(kb), clock=lambda: NOW).ask(question, "teams:test")
    card = to_answer_card(answer, CardOptions(question))
    assert_valid_card(card)
    assert texts(card)[0] == answer.title and f"💬 質問: {question}" in texts(card)
    assert len(json.dumps(card, ensure_ascii=False).encode()) < 28_000  # Teams' message size limit


def test_an_answer_card_shows_every_part_and_feedback_buttons() -> None:
    card = to_answer_card(full_answer(), CardOptions("旭川の連携事項は?"))
    assert_valid_card(card)
    shown = texts(card)
    for expected in ("旭川市の主な連携・協力事項", "※ 「札幌」は対象外です。", "連携事項", "一行目", "二行目",
                     "・産業振興", "・人材育成", "ラベルなし", "関連する質問:", "締結式",
                     "旭川市との覚書締結式は2020年1月20日（月）に開催済みです。",
                     "📄 出典: 道内基礎自治体との連携の推進 / 2019-12-17 / 旭川市"):
        assert expected in shown, expected
    up, down = card["actions"]
    assert SubmitPayload.from_value(up["data"]) == SubmitPayload(FEEDBACK_ACTION, "旭川の連携事項は?", True,
                                                                 "answer", "cooperation")
    assert SubmitPayload.from_value(down["data"]).helpful is False
    assert card["fallbackText"].startswith("旭川市の主な連携・協力事項")


def test_a_clarification_offers_at_most_six_choices_and_no_feedback() -> None:
    choices = tuple(Choice(f"候補{i}", f"質問{i}") for i in range(9))
    card = to_answer_card(full_answer(kind="clarify", suggestions=choices), CardOptions("連携事項は?"))
    assert_valid_card(card)
    assert "actions" not in card
    (action_set,) = [element for element in card["body"] if element["type"] == "ActionSet"]
    assert len(action_set["actions"]) == MAX_CHOICES
    first = SubmitPayload.from_value(action_set["actions"][0]["data"])
    assert (first.action, first.question) == (CHOICE_ACTION, "質問0")
    assert "どれについてお答えしましょうか？" in texts(card)


def test_user_text_cannot_become_markdown() -> None:
    question = "[ここをクリック](https://evil.example) **重要** _斜体_"
    card = to_answer_card(full_answer(), CardOptions(question))
    line = next(text for text in texts(card) if text.startswith("💬 質問: "))
    assert line == "💬 質問: ［ここをクリック］(https://evil.example) ＊＊重要＊＊ ＿斜体＿"
    assert not any(char in text for text in texts(card) for char in "[]*_")
    # The question itself travels unchanged in the buttons' data.
    assert SubmitPayload.from_value(card["actions"][0]["data"]).question == question


def test_long_answers_are_cut_to_teams_limits() -> None:
    sections = tuple(Section(f"見出し{i}", "本文" * 1500) for i in range(80))
    card = to_answer_card(full_answer(sections=sections), CardOptions("長い"))
    assert_valid_card(card)
    assert len(card["body"]) == MAX_BODY_ELEMENTS
    assert "（長いため一部を省略しました）" in card["body"][-2]["text"]
    assert card["body"][-1]["text"].startswith("📄 出典")
    assert max(len(text) for text in texts(card)) <= MAX_TEXT_CHARS


@pytest.mark.parametrize("value", [None, "choice", {"renkei": "choice"}, {"renkei": "delete", "q": "x"},
                                   {"q": "x"}, {"renkei": "choice", "q": 3}])
def test_only_our_button_values_are_accepted(value: object) -> None:
    with pytest.raises(ValueError, match="not a Renkei Bot card action"):
        SubmitPayload.from_value(value)


def test_help_list_notice_and_too_long_cards_are_valid(kb: KnowledgeBase) -> None:
    help_card = to_help_card(to_help_view(kb, COMMANDS))
    list_card = to_list_card(to_partners_view(kb, NOW))
    notice = Notice((Paragraph((("✅ ", Mention("29:x", "佐藤"), " さん ", Typed("remind on"), " ", Code("e_1")),),
                               heading="見出し"),
                     Paragraph((("一",), ("二",)), bulleted=True)), title="題")
    notice_card = to_reply_card(notice)
    for card in (help_card, list_card, to_notice_card("一行目\n二行目", title="題"), to_notice_card(too_long_text(1200)),
                 notice_card):
        assert_valid_card(card)
    assert "・remind on|off|list: この会話・チャンネルで締結式・イベントのリマインダーを受け取る（on / off / list）" in texts(help_card)
    assert texts(notice_card) == ["題", "見出し", "✅ 佐藤 さん 「remind on」 e＿1", "・一", "・二"]
    assert "北海道経済産業局と旭川市・室蘭市・帯広市・北見市の覚書（2019年12月17日（火）から2021年3月23日（火）までの発表2件）について答えます。" in texts(help_card)
    assert [fact["title"] for fact in list_card["body"][1]["facts"]] == [p.name for p in kb.partners]


def test_schedule_cards_are_valid_with_and_without_upcoming_events(tmp_path: Path, kb: KnowledgeBase) -> None:
    assert_valid_card(to_schedule_card(to_schedule_view(kb, NOW)))
    future = load_with_events(tmp_path, [event_entry("review", datetime(2027, 4, 10, 14, 0, tzinfo=JST))])
    now = datetime(2027, 4, 5, 9, 0, tzinfo=JST)
    card = to_schedule_card(to_schedule_view(future, now))
    assert_valid_card(card)
    assert "今後の予定（1件）:" in texts(card)


@pytest.mark.parametrize("late", [False, True])
def test_reminder_cards_are_valid(kb: KnowledgeBase, late: bool) -> None:
    ceremony = kb.partners[1].ceremony
    message = ReminderMessage(ceremony, timedelta(hours=1), late, ceremony.starts_at - timedelta(hours=1) + timedelta(seconds=2),
                              kb.document)
    card = to_reminder_card(message)
    assert_valid_card(card)
    shown = texts(card)
    assert shown[0] == f"⏰ {ceremony.title}"
    assert any("あと1時間" in text for text in shown) and "🔔 1時間前のリマインダー" in shown
    assert any(text.startswith("⚠️") for text in shown) is late


def test_a_card_activity_carries_one_adaptive_card_and_a_summary() -> None:
    card = to_notice_card("フィードバックありがとうございます。")
    activity = to_card_activity(card)
    data = activity.model_dump(mode="json", by_alias=True, exclude_unset=True)
    assert data["type"] == "message" and data["summary"] == "フィードバックありがとうございます。"
    (attachment,) = data["attachments"]
    assert attachment == {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}


def test_the_schema_check_rejects_what_teams_would_reject() -> None:
    card = to_notice_card("x")
    broken = {**card, "body": [{**card["body"][0], "size": "Huge"}]}
    assert list(card_validator().iter_errors(broken))
    assert list(card_validator().iter_errors({**card, "msteams": {"width": "Full"}}))


# --- English (issue 18): the bot's own words follow the answer's and the user's language ---------


def test_an_english_answer_card_has_english_labels_and_the_documents_words_only() -> None:
    links = to_calendar_links("https://bot.example", "")
    card = to_answer_card(english_answer(), CardOptions(ENGLISH_QUESTION, calendar_links=links))
    assert_valid_card(card)
    shown = "\n".join([*texts(card), card["fallbackText"]])

    assert japanese_left(shown) == [], shown
    for label in ("💬 Question: Hi, what are Obihiro's cooperation items?", "Note: This comes from",
                  "🗓️ Status", "Related questions:", "📄 Source: 道内基礎自治体との連携の推進 / 2019-12-17",
                  "📅 Add to calendar", "👍 Helpful", "👎 Not helpful", "• (1) "):
        assert label in shown, label
    assert card["lang"] == "en"
    voted = to_voted_card(card)
    assert_valid_card(voted)
    assert texts(voted)[-1] == "Thank you for the feedback"
    # A Japanese answer's card is as it always was.
    japanese = to_answer_card(full_answer(), CardOptions("旭川の連携事項は?"))
    assert japanese["lang"] == "ja" and texts(to_voted_card(japanese))[-1] == VOTED == "フィードバックありがとうございました"
    assert [action["title"] for action in japanese["actions"]] == ["👍 役に立った", "👎 役に立たなかった"]


def test_an_english_clarification_card_asks_in_english() -> None:
    card = to_answer_card(english_answer("clarify"), CardOptions(ENGLISH_QUESTION))
    assert_valid_card(card)
    assert "Which one would you like?" in texts(card) and "actions" not in card
    assert japanese_left("\n".join(texts(card))) == []


def test_teams_adds_no_japanese_to_any_english_answer() -> None:
    added, links = {}, to_calendar_links("https://bot.example", "")
    for question in english_questions():  # one test: the questions are test_english_answers.py's
        answer = ask(question)
        card = to_answer_card(answer, CardOptions(question, calendar_links=links))
        assert card["lang"] == "en", question
        added[question] = added_japanese("\n".join([*texts(card), card["fallbackText"]]), answer)
    assert {question: words for question, words in added.items() if words} == {}
    assert len(added) > 100


def test_english_help_list_schedule_and_report_cards_have_english_labels(kb: KnowledgeBase) -> None:
    now = datetime(2020, 1, 25, 10, 0, tzinfo=JST)
    cards = {
        "help": to_help_card(to_help_view(kb, COMMANDS, "en")),
        "list": to_list_card(to_partners_view(kb, now, language="en")),
        "schedule": to_schedule_card(to_schedule_view(kb, now, language="en")),
        "report": to_reply_card(ReportView(build_report([], [], language="en"), "en")),
    }
    for name, card in cards.items():
        assert_valid_card(card)
        assert card["lang"] == "en", name
        assert japanese_left("\n".join([*texts(card), card.get("fallbackText", "")])) == [], (name, texts(card))
    assert texts(cards["help"])[0] == "How to use Renkei Bot"
    assert texts(cards["list"])[0] == "Partner cities and their themes" and "北見市 (Kitami)" in texts(cards["list"])
    schedule = texts(cards["schedule"])
    assert schedule[0] == "Ceremonies and events" and "Each city's signing ceremony" in schedule
    assert any(text.endswith("— 📅 Planned date passed") for text in schedule)
    assert "The whole report: run python app.py report on the server." in texts(cards["report"])


def test_an_english_notice_names_an_unnamed_user_in_english() -> None:
    notice = Notice((Paragraph(((Mention("29:x"), " turned reminders off here."),)),), language="en")
    card = to_reply_card(notice)
    assert_valid_card(card)
    assert texts(card) == ["a member turned reminders off here."] and card["lang"] == "en"
    assert texts(to_reply_card(Notice.of((Mention("29:x"), " さんが停止しました。"))))[0] == "メンバー さんが停止しました。"
