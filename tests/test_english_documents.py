"""English questions about the announcements, the glossary, why, the partners, greetings and help
(DocumentAnswers, TalkAnswers) get the bot's own words in English, written the way English-speaking
users write: short, polite, in the business register, with typos. The facts (titles, the issuer,
the purpose) stay as the documents state them; what the answers offer is asked again in English."""

from __future__ import annotations

import pytest

from bot.answering.answer import Answer, to_text
from tests.test_english_answers import ask, assert_english, engine

pytestmark = pytest.mark.unit

KITAMI_TITLE = next(d.title for d in engine().kb.documents if d.date.isoformat() == "2021-03-23")
FIRST_TITLE = next(d.title for d in engine().kb.documents if d.date.isoformat() == "2019-12-17")


def assert_offers_english(answer: Answer) -> None:
    """Every choice the answer offers is a question asked, and answered, in English."""
    for choice in answer.suggestions:
        followed = ask(choice.question, context=answer.conversation)
        assert followed.language == "en", choice
        assert followed.kind != "fallback", (choice, to_text(followed))


@pytest.mark.parametrize(
    "question",
    [
        "When was the Kitami memorandum announced?",
        "Hi, could you tell me when the Kitami memorandum was announced? Thanks",
        "Good afternoon,\nWhen was the memorandum with Kitami City announced?\nBest regards",
        "when was kitami memorandum announced??",
        "When was the memorandum with Kitami announced",
    ],
)
def test_when_an_announcement_was_made(question: str) -> None:
    answer = ask(question)
    text = assert_english(answer)
    assert answer.title == "Date of the announcement: 2021年3月23日（火）.", text  # the fact as written


def test_who_issued_an_announcement() -> None:
    answer = ask("Who issued the Kitami announcement?")
    assert_english(answer)
    assert answer.title == "Issuer: 北海道経済産業局."


@pytest.mark.parametrize(
    "question", ["What was announced on 2019-12-17?", "Hello, what was announced on 2019-12-17? Thank you."]
)
def test_what_was_announced_on_a_day_is_that_days_announcement(question: str) -> None:
    answer = ask(question)
    text = assert_english(answer)
    assert answer.title == f"On 2019-12-17 (Tue), 北海道経済産業局 announced “{FIRST_TITLE}”.", text
    assert KITAMI_TITLE not in text  # the other announcement is not that day's
    assert all(item.startswith("Summary of the announcement: ") for s in answer.sections for item in s.items)


@pytest.mark.parametrize(
    "question", ["Is there a memorandum from 2022?", "Did the bureau sign any memorandum in 2022?"]
)
def test_no_memorandum_in_a_year_is_said_so_with_those_there_are(question: str) -> None:
    answer = ask(question)
    text = assert_english(answer)
    assert answer.title.startswith("No. The documents have no memorandum from 2022."), text
    assert "北見市 (Kitami) — announced 2021-03-23 (Tue)" in text
    assert "the 4th memorandum" in text
    assert_offers_english(answer)


@pytest.mark.parametrize("question", ["What is MaaS?", "whats maas?", "Hi, what does MaaS stand for? Thanks"])
def test_a_term_is_explained_in_english(question: str) -> None:
    answer = ask(question)
    text = assert_english(answer)
    assert answer.title == "What MaaS means", text
    assert "MaaS (Mobility as a Service)" in text
    assert "It appears in the project “大学や民間企業との連携強化とプロジェクト形成” of 室蘭市 (Muroran)." in text


def test_where_a_term_comes_from_after_it_was_explained() -> None:
    explained = ask("What does CASE stand for?")
    assert_english(explained)
    where = ask("which city is that?", context=explained.conversation)
    assert_english(where)
    assert where.title == "It is the project “大学や民間企業との連携強化とプロジェクト形成” of 室蘭市 (Muroran)."


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("Why did the bureau sign these memoranda?", "Purpose of the memoranda"),
        ("why kitami?", "Purpose of the memorandum with 北見市 (Kitami)"),
        ("Hi, may I ask why the bureau signed a memorandum with Kitami? Thanks", None),
    ],
)
def test_why_is_the_purpose_the_announcement_states(question: str, title: str | None) -> None:
    answer = ask(question)
    text = assert_english(answer)
    if title:
        assert answer.title == title, text
    assert "Summary of the announcement" in text
    assert answer.topic_id == "purpose"


def test_the_source_of_what_was_just_answered() -> None:
    theme = ask("What is the theme of Muroran?")
    source = ask("what's the source of that?", context=theme.conversation)
    text = assert_english(source)
    assert source.title == "Source of the theme of 室蘭市 (Muroran)", text
    assert f"{FIRST_TITLE}" in text and "室蘭市 (Muroran) › Theme" in text


@pytest.mark.parametrize("question", ["which city is this about?", "Whose document is that?"])
def test_whose_document_the_last_answer_was(question: str) -> None:
    theme = ask("What is the theme of Muroran?")
    whose = ask(question, context=theme.conversation)
    assert_english(whose)
    assert whose.title == "That is from the documents about 室蘭市 (Muroran)."


def test_the_nth_memorandum() -> None:
    answer = ask("Which city signed the fourth memorandum?")
    text = assert_english(answer)
    assert answer.title == "The 4th memorandum is with 北見市 (Kitami).", text


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("hello", "Hello, I'm Renkei Bot."),
        ("Hi there!", "Hello, I'm Renkei Bot."),
        ("good morning", "Hello, I'm Renkei Bot."),
        ("thanks", "You're welcome. Feel free to ask anything else."),
        ("Thank you so much!", "You're welcome. Feel free to ask anything else."),
        ("thx", "You're welcome. Feel free to ask anything else."),
    ],
)
def test_greetings_and_thanks(question: str, title: str) -> None:
    answer = ask(question)
    assert_english(answer)
    assert answer.kind == "smalltalk"
    assert answer.title == title
    assert [c.question for c in answer.suggestions][:1] == ["What are Kitami's cooperation items?"]
    assert_offers_english(answer)


@pytest.mark.parametrize("question", ["help", "what can you do?", "How do I use this?"])
def test_help_says_what_the_bot_answers_and_offers_english_examples(question: str) -> None:
    answer = ask(question)
    text = assert_english(answer)
    assert answer.kind == "help"
    assert "Answers questions about the memoranda of 北海道経済産業局 with 旭川市 (Asahikawa)" in text
    assert "For example, you can ask:" in text
    assert_offers_english(answer)


@pytest.mark.parametrize("question", ["what is its address?", "When is that ceremony?", "who is his deputy?"])
def test_pointing_back_at_nothing_asks_which_city(question: str) -> None:
    answer = ask(question)
    text = assert_english(answer)
    assert answer.kind == "clarify"
    assert answer.title == "Which city (or whom) do you mean?", text
    assert [c.label for c in answer.suggestions][-1] == "北見市 (Kitami)"
    assert_offers_english(answer)


def test_an_empty_message_in_an_english_conversation_is_answered_in_english() -> None:
    before = ask("hello")
    answer = ask("?", context=before.conversation)
    assert_english(answer)
    assert answer.title == "Please go ahead with your question."


def test_too_long_and_unreadable_messages_are_said_so_in_english() -> None:
    long = ask("Could you tell me about the ceremonies " * 40)
    assert_english(long)
    assert long.title.startswith("Your question is too long")
    unreadable = ask("🙂🙂", context=ask("hi").conversation)
    assert_english(unreadable)
    assert unreadable.title == "I could not read a question in that. Please ask in words."


def test_the_same_answers_stay_japanese_for_japanese_questions() -> None:
    assert ask("こんにちは").title == "こんにちは。連携ボットです。"
    assert ask("MaaSとは?").title == "MaaSとは"
    assert ask("2022年に結んだ覚書はある?").title.startswith("いいえ。2022年の覚書は資料にありません。")
    assert ask("そこの住所は?").suggestions[0].question == "旭川の概要は?"


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("phone number for inquiries?", "Phone: 011-709-2311（内線2520）."),
        ("Hi, which section should I contact about the memoranda? Thanks", None),
        ("What is the title of the December 2019 press release?", f"Title: {FIRST_TITLE}."),
    ],
)
def test_an_announcements_own_fields(question: str, title: str | None) -> None:
    answer = ask(question)
    text = assert_english(answer)
    if title:
        assert answer.title == title, text
    assert answer.source is not None


def test_an_announcement_without_the_field_asked_says_so() -> None:
    answer = ask("What is the Kitami contact?")
    text = assert_english(answer)
    assert answer.kind == "fallback"
    assert answer.title == f"The announcement “{KITAMI_TITLE}” about 北見市 (Kitami) does not give the contact.", text
    assert_offers_english(answer)


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("旭川市役所の代表電話番号をお伺いしたく。", "旭川市の役所の電話番号は資料にありません。資料にあるのは発表の問い合わせ先です。"),
        ("室蘭市役所のメールアドレスは?", "室蘭市の役所のメールアドレスは資料にありません。資料にあるのは発表の問い合わせ先です。"),
    ],
)
def test_a_city_offices_contact_is_not_the_announcements(question: str, title: str) -> None:
    # The documents give the issuer's contact only: said plainly, with the contact they do give.
    answer = ask(question)
    assert (answer.kind, answer.title) == ("fallback", title)
    assert any("011-709-2311" in note or "hokkaido-kikakuchosa" in note for note in answer.notes), answer.notes


def test_the_announcements_contact_is_still_answered() -> None:
    assert ask("問い合わせの電話番号は?").title == "電話は「011-709-2311（内線2520）」です。"


@pytest.mark.parametrize("question", ["inquiries?", "Where do I send inquiries?", "Who should I contact about the memoranda?"])
def test_inquiries_are_the_contact(question: str) -> None:
    answer = ask(question)
    text = assert_english(answer)
    assert answer.kind == "answer" and answer.title[:1].isupper(), text
    assert "企画調査課" in text or "011-709-2311" in text or "辻" in text, text


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("Is Kitami the fourth city?", "Yes. The memorandum with 北見市 (Kitami) is the 4th."),
        ("Is Kitami the first city to sign a memorandum with the bureau?", "No. The memorandum with 北見市 (Kitami) is the 4th."),
        ("Which city was the fourth partner?", "The 4th memorandum is with 北見市 (Kitami)."),
    ],
)
def test_the_order_of_a_memorandum_asked_with_an_english_ordinal(question: str, title: str) -> None:
    assert ask(question).title == title
