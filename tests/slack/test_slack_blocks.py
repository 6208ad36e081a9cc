"""Block Kit rendering: escaping, Slack's limits, and slack_sdk round-trips of every shape."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from slack_sdk.models.views import View

from bot.answering.answer import Answer, Citation, EventStatus, Section, Source
from bot.commands.registry import COMMANDS, to_help_view, to_partners_view, to_schedule_view
from bot.knowledge.model import JST
from bot.language.messages import language_of_question
from bot.ops.insights import build_report
from bot.store.records import Choice
from handlers.slack.answer_blocks import (
    CALENDAR_BLOCK_ID,
    CHOICE_ACTION_PREFIX,
    FEEDBACK_UP_ACTION,
    SHARE_ACTION,
    VOTED,
    AnswerOptions,
    ButtonPayload,
    CalendarOptions,
    to_answer_message,
    to_calendar_language,
    to_voted_blocks,
)
from handlers.slack.blocks import (
    MAX_BUTTON_TEXT_CHARS,
    MAX_HEADER_CHARS,
    MAX_MESSAGE_BLOCKS,
    MAX_TEXT_CHARS,
    escape_mrkdwn,
    to_plain_text,
    truncate,
    unescape_mrkdwn,
)
from handlers.slack.command_blocks import (
    FULL_REPORT_HINT,
    to_help_message,
    to_home_view,
    to_list_message,
    to_report_message,
    to_schedule_message,
)
from tests.english_rendering import ENGLISH_QUESTION, added_japanese, english_answer, japanese_left, shown_text
from tests.fakes.slack_app import assert_round_trips, make_dispatcher, to_texts
from tests.test_english_answers import ask, english_questions

pytestmark = pytest.mark.unit

SOURCE = Source((Citation("道内基礎自治体との連携の推進", "2019-12-17", "帯広市 › 主な連携・協力事項"),))
OPTIONS = AnswerOptions("帯広の連携事項は?", "slack:T:C:1.0")


def make_answer(**fields: object) -> Answer:
    defaults: dict[str, object] = {
        "kind": "answer", "confidence": 0.9, "title": "帯広市の主な連携・協力事項",
        "sections": (Section("主な連携・協力事項", items=("支援", "プロモーション活動の実施")),),
        "source": SOURCE, "topic_id": "cooperation",
    }
    return Answer(**{**defaults, **fields})  # type: ignore[arg-type]


def actions(blocks: list[dict[str, object]]) -> list[dict[str, object]]:
    return [element for block in blocks if block["type"] == "actions"
            for element in block["elements"]]  # type: ignore[attr-defined]


# --- escaping and truncation ---------------------------------------------------------------------


def test_escape_mrkdwn_neutralises_control_characters() -> None:
    assert escape_mrkdwn("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"


@given(st.text())
def test_escaping_round_trips_and_leaves_no_brackets(text: str) -> None:
    escaped = escape_mrkdwn(text)
    assert "<" not in escaped and ">" not in escaped
    assert unescape_mrkdwn(escaped) == text


@given(st.text(), st.integers(min_value=1, max_value=200))
def test_truncate_respects_the_limit(text: str, limit: int) -> None:
    cut = truncate(text, limit)
    assert len(cut) <= limit
    assert cut == text or cut.endswith("…")


def test_plain_text_cannot_carry_a_mention() -> None:
    assert to_plain_text("<!here> hi") == "＜!here＞ hi"


# --- answers -------------------------------------------------------------------------------------


def test_answer_has_header_question_sections_source_and_feedback() -> None:
    message = to_answer_message(make_answer(), OPTIONS)

    assert_round_trips(message.blocks)
    header, question, section, source, buttons = message.blocks
    assert header["text"]["text"] == "帯広市の主な連携・協力事項"
    assert "帯広の連携事項は?" in question["elements"][0]["text"]
    assert section["fields"][1]["text"] == "• プロモーション活動の実施"
    assert "出典" in source["elements"][0]["text"] and "2019-12-17" in source["elements"][0]["text"]
    assert [b["action_id"] for b in buttons["elements"]] == [FEEDBACK_UP_ACTION, "renkei_feedback_down"]
    assert message.text.startswith("帯広市の主な連携・協力事項")


def test_long_items_are_a_bulleted_list_not_fields() -> None:
    long_item = "経済産業省予算を活用したプロジェクト参加企業への支援や、ネットワーク形成に向けた取組への支援"
    message = to_answer_message(make_answer(sections=(Section("事項", "本文", (long_item, "短い")),)), OPTIONS)

    assert_round_trips(message.blocks)
    section = message.blocks[2]
    assert "fields" not in section
    assert section["text"]["text"] == f"*事項*\n本文\n• {long_item}\n• 短い"


def test_status_is_shown_for_a_ceremony() -> None:
    status = EventStatus("obihiro-ceremony", datetime(2020, 2, 7, 10, tzinfo=JST), False, "帯広市との覚書締結式は開催予定です")
    message = to_answer_message(make_answer(statuses=(status,)), OPTIONS)

    assert_round_trips(message.blocks)
    assert any("開催予定" in text for text in to_texts(message.blocks))


def test_clarification_offers_choices_as_buttons_without_feedback() -> None:
    choices = tuple(Choice(name, f"{name}の連携事項は?") for name in ("旭川市", "室蘭市", "帯広市"))
    answer = make_answer(kind="clarify", title="どの市についてですか?", sections=(), suggestions=choices, source=None)
    message = to_answer_message(answer, OPTIONS)

    assert_round_trips(message.blocks)
    buttons = actions(message.blocks)
    assert [b["action_id"] for b in buttons] == [f"{CHOICE_ACTION_PREFIX}{i}" for i in range(3)]
    assert [ButtonPayload.from_value(str(b["value"])).question for b in buttons] == [c.question for c in choices]
    assert {ButtonPayload.from_value(str(b["value"])).conversation_id for b in buttons} == {OPTIONS.conversation_id}


def test_share_button_only_when_asked() -> None:
    plain = to_answer_message(make_answer(), OPTIONS)
    shared = to_answer_message(make_answer(), AnswerOptions(OPTIONS.question, OPTIONS.conversation_id,
                                                            share_button=True))

    assert SHARE_ACTION not in json.dumps(plain.blocks)
    assert [b["action_id"] for b in actions(shared.blocks)][-1] == SHARE_ACTION


def test_oversized_answers_are_cut_to_slack_limits() -> None:
    huge = make_answer(
        title="題" * 400,
        sections=tuple(Section(f"節{i}", "文" * 5000, tuple(f"項目{j}" for j in range(30))) for i in range(80)),
        suggestions=tuple(Choice("選" * 200, "q" * 3000) for _ in range(40)),
        notes=("注" * 4000,),
    )
    message = to_answer_message(huge, AnswerOptions("問" * 1000, "slack:T:C:1.0", share_button=True))

    assert_round_trips(message.blocks)
    assert len(message.blocks) == MAX_MESSAGE_BLOCKS
    assert len(message.blocks[0]["text"]["text"]) == MAX_HEADER_CHARS
    assert message.blocks[0]["text"]["text"].endswith("…")
    assert all(len(text) <= MAX_TEXT_CHARS for text in to_texts(message.blocks))
    assert all(len(str(b["text"]["text"])) <= MAX_BUTTON_TEXT_CHARS for b in actions(message.blocks))  # type: ignore[index]
    assert any("省略" in text for text in to_texts(message.blocks))
    assert message.blocks[-1]["block_id"] == "renkei_feedback", "the buttons survive the cut"


def test_user_text_is_escaped_everywhere() -> None:
    hostile = "<!channel> <@U123> & <https://evil.example|click>"
    answer = make_answer(title=hostile, notes=(hostile,), sections=(Section(hostile, hostile, (hostile,)),),
                         suggestions=(Choice(hostile, hostile),))
    message = to_answer_message(answer, AnswerOptions(hostile, "slack:T:C:1.0", share_button=True))

    assert_round_trips(message.blocks)
    payload = json.dumps({"text": message.text, "blocks": message.blocks}, ensure_ascii=False)
    assert "<!" not in payload and "<@" not in payload and "<http" not in payload


@given(st.text(min_size=1, max_size=1200), st.from_regex(r"slack:T[A-Z0-9]{1,11}:[CDG][A-Z0-9]{1,11}(:[0-9.]{1,20})?",
                                                         fullmatch=True))
def test_button_payload_round_trips_within_the_value_limit(question: str, conversation_id: str) -> None:
    value = ButtonPayload(question, conversation_id, "answer", "cooperation").to_value()
    parsed = ButtonPayload.from_value(value)

    assert len(value) <= 2000
    assert "<" not in value
    assert parsed.conversation_id == conversation_id
    if len(escape_mrkdwn(question)) <= 1900:  # what any question under the 1,000-character cap needs
        assert parsed.question == question


@pytest.mark.parametrize("value", ["", "not json", "[]", '{"q": 1}', '{"q": "x"}'])
def test_foreign_button_values_are_rejected(value: str) -> None:
    with pytest.raises(ValueError):
        ButtonPayload.from_value(value)


# --- help, list, App Home ------------------------------------------------------------------------


def test_help_list_schedule_and_home_round_trip() -> None:
    dispatcher = make_dispatcher()
    kb, now = dispatcher.kb, dispatcher.clock()
    help_message = to_help_message(to_help_view(kb, COMMANDS), "/renkei")
    list_message = to_list_message(to_partners_view(kb, now))
    schedule_message = to_schedule_message(to_schedule_view(kb, now))
    home = to_home_view(to_partners_view(kb, now, with_intro=True), "/renkei")

    for blocks in (help_message.blocks, list_message.blocks, schedule_message.blocks, home["blocks"]):
        assert_round_trips(blocks)
    View(**home).validate_json()
    assert "/renkei remind on|off|list" in "\n".join(to_texts(help_message.blocks))
    assert all(partner.theme in "\n".join(to_texts(list_message.blocks)) for partner in kb.partners)
    assert "室蘭市との覚書締結式" in schedule_message.text and "⏳ 開催予定" in str(schedule_message.blocks)


def test_home_marks_held_and_upcoming_ceremonies() -> None:
    kb = make_dispatcher().kb

    def home_text(now: datetime) -> str:
        return "\n".join(to_texts(to_home_view(to_partners_view(kb, now, with_intro=True), "/renkei")))

    before_all = home_text(datetime(2019, 12, 17, tzinfo=JST))
    after_all = home_text(datetime(2020, 3, 1, tzinfo=JST))

    assert before_all.count("開催予定") == 4 and "予定日を過ぎています" not in before_all
    assert after_all.count("予定日を過ぎています") == 3 and after_all.count("開催予定") == 1  # 北見 is in 2021
    assert "開催済み" not in after_all and "開催されました" not in after_all  # the documents announce; they do not report


# --- English (issue 18): the bot's own words follow the answer's and the user's language ---------


def english_options(**fields: object) -> AnswerOptions:
    defaults: dict[str, object] = {"question": ENGLISH_QUESTION, "conversation_id": "slack:T:C:1.0",
                                   "share_button": True, "calendar": CalendarOptions(upload=True)}
    return AnswerOptions(**{**defaults, **fields})  # type: ignore[arg-type]


def test_an_english_answer_has_english_labels_and_the_documents_words_only() -> None:
    message = to_answer_message(english_answer(), english_options())
    shown = shown_text(message.blocks) + "\n" + message.text

    assert japanese_left(shown) == [], shown
    for label in ("💬 Question: Hi, what are Obihiro's cooperation items?", "Note: This comes from",
                  "Related questions:", "📄 Source: 道内基礎自治体との連携の推進 / 2019-12-17",
                  "📅 Add to calendar", "👍 Helpful", "👎 Not helpful", "Share in the channel", "Main cooperation items"):
        assert label in shown, label
    assert_round_trips(message.blocks)
    # Japanese answers' words are unchanged: the same answer in Japanese still says 質問 and 役に立った.
    japanese = shown_text(to_answer_message(make_answer(), OPTIONS).blocks)
    assert "💬 質問: 帯広の連携事項は?" in japanese and "👍 役に立った" in japanese and "Helpful" not in japanese


def test_an_english_answers_buttons_carry_its_language_to_the_thank_you_and_the_calendar_file() -> None:
    message = to_answer_message(english_answer(), english_options())
    values = [ButtonPayload.from_value(str(element["value"])) for element in actions(message.blocks)
              if str(element["action_id"]).startswith(("renkei_feedback", "renkei_share", CHOICE_ACTION_PREFIX))]
    assert values and {payload.language for payload in values} == {"en"}
    assert {language_of_question(payload.question) for payload in values} == {"en"}  # asked in English
    voted = to_voted_blocks(message.blocks)
    assert voted[-1] == {"type": "context", "elements": [{"type": "mrkdwn", "text": "Thank you for the feedback"}]}
    [calendar] = [block for block in message.blocks if str(block.get("block_id", "")).startswith(CALENDAR_BLOCK_ID)]
    assert to_calendar_language(calendar["block_id"]) == "en"
    # A Japanese answer's buttons are as they always were: no language in their values.
    japanese = to_answer_message(make_answer(calendar_event_ids=("obihiro-ceremony",)),
                                 AnswerOptions("帯広の連携事項は?", "c", calendar=CalendarOptions(upload=True)))
    assert all('"l"' not in str(element["value"]) for element in actions(japanese.blocks)
               if str(element["action_id"]).startswith("renkei_feedback"))
    assert to_voted_blocks(japanese.blocks)[-1]["elements"][0]["text"] == VOTED == "フィードバックありがとうございました"
    assert next(b["block_id"] for b in japanese.blocks if b["type"] == "actions") == CALENDAR_BLOCK_ID


def test_an_english_clarification_and_a_cut_answer_say_so_in_english() -> None:
    clarify = to_answer_message(english_answer("clarify"), english_options())
    shown = shown_text(clarify.blocks)
    assert "Which one would you like?" in shown and "Helpful" not in shown and japanese_left(shown) == []
    many = tuple(Section(f"Part {n}", text="x" * 40) for n in range(80))
    cut = to_answer_message(replace(english_answer(), sections=many), english_options())
    assert len(cut.blocks) == MAX_MESSAGE_BLOCKS and "… (cut short: too long)" in shown_text(cut.blocks)


def test_slack_adds_no_japanese_to_any_english_answer() -> None:
    added = {}
    for question in english_questions():  # one test: the questions are test_english_answers.py's
        answer = ask(question)
        message = to_answer_message(answer, english_options(question=question))
        added[question] = added_japanese("\n".join([*to_texts(message.blocks), message.text]), answer)
    assert {question: words for question, words in added.items() if words} == {}
    assert len(added) > 100


def test_english_help_list_schedule_and_home_have_english_labels() -> None:
    dispatcher = make_dispatcher()
    kb, now = dispatcher.kb, dispatcher.clock()
    messages = {
        "help": to_help_message(to_help_view(kb, COMMANDS, "en"), "/renkei").blocks,
        "list": to_list_message(to_partners_view(kb, now, language="en")).blocks,
        "schedule": to_schedule_message(to_schedule_view(kb, now, language="en")).blocks,
        "home": to_home_view(to_partners_view(kb, now, with_intro=True, language="en"), "/renkei")["blocks"],
    }
    for name, blocks in messages.items():
        assert_round_trips(blocks)
        assert japanese_left(shown_text(blocks)) == [], (name, shown_text(blocks))
    assert "Partner cities and their themes" in shown_text(messages["list"])
    assert "Theme: " in shown_text(messages["list"]) and "帯広市 (Obihiro)" in shown_text(messages["list"])
    schedule = shown_text(messages["schedule"])
    assert "Ahead (3):" in schedule and "2020-01-31 (Fri) 11:00–11:30 (in 6 days)" in schedule
    assert "Reminders: " in schedule and "(1 day before)" in schedule and "⏳ Ahead" in schedule
    assert "📅 Planned date passed" in schedule and "📄 Source: " in schedule
    home = shown_text(messages["home"])
    assert "How to ask" in home and "`/renkei question`, `/renkei help`, `/renkei list`" in home
    assert "Share in the channel" in shown_text(messages["help"])


def test_an_english_report_message_says_how_to_see_it_all_in_english() -> None:
    report = build_report([], [], language="en")
    message = to_report_message(report, "en")
    shown = shown_text(message.blocks)
    assert "The whole report: run `python app.py report` on the server." in shown and japanese_left(shown) == []
    assert to_report_message(build_report([], [])).blocks[-1]["elements"][0]["text"] == FULL_REPORT_HINT
