"""English for the answers that look facts up (issue 18): one field or list (slots), a passage and
which city it is (passages), a person, what the documents lack (absence) and where a word occurs
(retrieval). Asked the way English speakers write — greetings, "could you", typos — every answer is
in English but for the documents' own words, and every choice it offers is an English question the
bot answers in English. The same questions in Japanese keep their Japanese words."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.answering.answer import to_text
from tests.test_english_answers import ask, assert_english, engine

pytestmark = pytest.mark.unit

# Each answerer of the area, asked beyond the evaluation sets' wording.
QUESTIONS = [
    # A field or list of a partner (slots).
    "Hi, could you tell me the theme of the Obihiro memorandum?",
    "hey what's kitami's theme",
    "Could you tell me the cooperation items for Muroran, please?",
    "What are the joint projects with Asahikawa?",
    "asahikwa cooperation items",
    "mororan cooperation items",
    "obihrio projects",
    "Where will the Kitami signing ceremony be held?",
    "Who from Muroran attends the ceremony?",
    "What are the themes of all the cities?",
    "Where are the signing ceremonies held?",
    "What is the address of the Obihiro ceremony?",
    "What is the address of the Asahikawa ceremony?",
    "Tell me about Kitami",
    "What is the Obihiro plan period?",
    "What is Asahikawa's related plan period?",
    "What is the related plan of Kitami?",
    "What is the period of the Kitami plan?",
    "Could you tell me the mayor's name for Asahikawa?",
    "ceremony place?",
    "What is the date of the Kitami ceremony, please?",
    "Hi there, what time is the Asahikawa ceremony? Thanks!",
    "Who attends the signing ceremonies?",
    "Who signs for the Hokkaido Bureau?",
    "What are the cooperation items of Kitami and Sapporo?",
    "What are Obihiro's cooperation items about drones?",
    # A passage, and which city (passages).
    "Which city wants to attract wealthy tourists?",
    "Which city is working on aerospace?",
    "Which city is the design one?",
    "Muroran robots",
    "Muroran aerospace penguins",
    "What does Asahikawa say about furniture?",
    "Where is the satellite office ceremony held?",
    "When is the curling hall ceremony?",
    "Kitami zebra",
    "What is the Kitami memorandum's budget?",
    # People.
    "Who is Yonezawa?",
    "Who is Miyamoto?",
    "When does Mayor Yonezawa attend the ceremony?",
    "Where is Mayor Nishikawa's ceremony?",
    # What the documents lack (absence).
    "Do you have an agreement with Sapporo city?",
    "What is the population of Kitami?",
    "How old is the mayor of Obihiro?",
    "What's the weather like in Muroran?",
    # Where a word occurs (retrieval).
    "Does any memorandum mention IoT?",
    "Which city mentions snow sports?",
    "Which memoranda mention healthcare?",
    "Do the Obihiro documents mention tourism?",
    "What does Obihiro do for wealthy tourists?",
]


@pytest.mark.parametrize("question", QUESTIONS)
def test_a_lookup_asked_in_english_is_answered_in_english(question: str) -> None:
    assert_english(ask(question))


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_choice_of_a_lookup_is_an_english_question_the_bot_answers(question: str) -> None:
    answer = ask(question)
    for choice in answer.suggestions:
        followed = ask(choice.question, context=answer.conversation)
        assert followed.kind != "fallback", (choice, to_text(followed))
        assert_english(followed)


def test_a_partners_field_is_titled_with_its_name_and_the_topic_in_english() -> None:
    assert ask("Hi, could you tell me Obihiro's cooperation items?").title == "帯広市 (Obihiro): main cooperation items"
    assert ask("帯広の連携事項は?").title == "帯広市の主な連携・協力事項"


def test_every_citys_list_is_titled_for_every_city() -> None:
    assert ask("What are the themes of all the cities?").title == "Every city: theme"
    assert ask("各市のテーマは?").title == "各市のテーマ"


def test_a_picked_city_of_a_list_is_answered_in_english() -> None:
    listed = ask("What are the themes of all the cities?")
    picked = ask("2", context=listed.conversation)
    assert picked.title == "室蘭市 (Muroran): theme"
    assert_english(picked)


def test_the_nearest_field_says_in_english_what_is_missing() -> None:
    answer = ask("hey what's kitami's theme")
    assert "The documents give no theme for 北見市 (Kitami); here is the nearest they give." in answer.notes
    assert "北見市のテーマとしての記載はないため、近い記載をお示しします。" in ask("北見のテーマは?").notes


def test_a_follow_up_says_in_english_which_city_it_continues_with() -> None:
    first = ask("When is the Muroran ceremony?")
    follow_up = ask("Who attends?", context=first.conversation)
    assert "Continuing from the previous question, this is about 室蘭市 (Muroran)." in follow_up.notes
    assert_english(follow_up)


def test_a_city_without_a_memorandum_is_left_out_in_english() -> None:
    answer = ask("What are the cooperation items of Kitami and Sapporo?")
    assert any(note.startswith("The documents have no memorandum with") for note in answer.notes), answer.notes


def test_a_clarification_offers_english_questions_for_every_city() -> None:
    answer = ask("ceremony place?")
    assert answer.kind == "clarify"
    assert answer.title == "Which city's place of the signing ceremony would you like?"
    assert all(choice.question.isascii() for choice in answer.suggestions), answer.suggestions
    assert_english(ask(answer.suggestions[0].question, context=answer.conversation))


def test_which_city_names_it_in_english() -> None:
    assert ask("Which city is working on aerospace?").title == "室蘭市 (Muroran)."
    assert ask("航空宇宙はどの市?").title == "室蘭市です。"


def test_a_field_no_passage_has_is_refused_in_english_naming_what_was_asked() -> None:
    answer = ask("Where is the satellite office ceremony held?")
    assert answer.kind == "fallback"
    assert answer.title == "The documents give no place for “satellite office”."


def test_people_are_described_in_english() -> None:
    mayor = ask("Who is Yonezawa?")
    assert mayor.title == "帯広市長 米沢則寿."
    assert mayor.sections[0].text.startswith("Signing ceremonies attended: the signing ceremony with 帯広市 (Obihiro)")
    contact = ask("Who is Miyamoto?")
    assert contact.sections[0].text.startswith("Person in charge of the contact for ")


def test_a_city_without_a_memorandum_is_refused_in_english_with_english_choices() -> None:
    answer = ask("Do you have an agreement with Sapporo city?")
    assert answer.kind == "fallback"
    assert answer.title == "The documents have no memorandum with “Sapporo”."
    for choice in answer.suggestions:
        overview = ask(choice.question, context=answer.conversation)
        assert overview.title.startswith("The memorandum with "), choice
        assert_english(overview)


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("What is the population of Kitami?", "The documents give no population for 北見市 (Kitami)."),
        (
            "What is the budget of the Obihiro project?",
            "The documents give no amount (budget or cost) for 帯広市 (Obihiro).",
        ),
        ("How many employees does the bureau have?", "The documents give no number of staff."),
    ],
)
def test_a_kind_of_value_the_documents_lack_is_refused_in_english(question: str, title: str) -> None:
    answer = ask(question)
    assert (answer.kind, answer.title) == ("fallback", title)


def test_a_word_nowhere_in_the_documents_is_denied_in_english() -> None:
    answer = ask("Kitami zebra")
    assert answer.title == "The documents say nothing of “zebra” about 北見市 (Kitami)."
    assert ask("北見のシマウマは?").title == "北見市について「シマウマ」に当たる記載は資料にありません。"


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("Does any memorandum mention IoT?", "Yes. The documents mention “IoT” under 室蘭市 (Muroran)."),
        # Found through the vocabulary's translations: named by the English that was typed, once.
        (
            "Which memoranda mention healthcare?",
            "The documents mention “healthcare” under 旭川市 (Asahikawa), 帯広市 (Obihiro).",
        ),
        ("Which city's memorandum mentions a curling hall?", "The documents mention “curling hall” under 北見市 (Kitami)."),
    ],
)
def test_where_a_word_occurs_is_said_in_english(question: str, title: str) -> None:
    assert ask(question).title == title


def test_a_numbered_pick_of_a_passages_list_keeps_english() -> None:
    answer = ask("What are Muroran's cooperation items?")
    picked = ask("2", context=answer.conversation)
    assert_english(picked)
    assert picked.language == "en"


def test_japanese_lookups_keep_their_words() -> None:
    assert ask("IoTって出てくる?").title.startswith("はい。「IoT」は室蘭市の記載にあります")
    assert ask("札幌との覚書は?").title == "「札幌」との覚書は資料にありません。"
    choices = ask("札幌との覚書は?").suggestions
    assert [c.question for c in choices] == [f"{p.short_name}の概要は?" for p in engine().kb.partners]
    assert ask("北見の人口は?").title == "北見市の人口に当たる記載は資料にありません。"
    assert to_text(ask("旭川の連携事項は?")).count("・(") == 3


def test_did_you_mean_offers_an_english_question_the_bot_answers_in_english() -> None:
    unsure = replace(ask("What is the theme of Muroran?"), confidence=0.4)
    asked_back = engine()._did_you_mean(unsure)
    assert asked_back.title == "Did you mean “室蘭市 (Muroran): theme”?"
    (choice,) = asked_back.suggestions
    assert_english(ask(choice.question))
    assert ask(choice.question).title == "室蘭市 (Muroran): theme"


@pytest.mark.parametrize(
    ("question", "says_yes"),
    [
        ("Which memoranda mention healthcare?", False),
        ("Which city's memorandum mentions a curling hall?", False),
        ("Does any memorandum mention healthcare?", True),
        ("Is curling mentioned anywhere?", True),
    ],
)
def test_which_asks_where_and_does_asks_whether(question: str, says_yes: bool) -> None:
    answer = ask(question)
    assert answer.title.startswith("Yes.") == says_yes, answer.title


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("局長は全員同じ方?", "はい。北海道経済産業局長 安藤保彦です。"),
        ("局長の名前は?", "北海道経済産業局長 安藤保彦です。"),
    ],
)
def test_whether_the_bureaus_chief_is_one_person_is_answered_yes(question: str, title: str) -> None:
    assert ask(question).title == title


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("What is the theme of Asahikawa city?", "旭川市 (Asahikawa): theme"),
        ("Could you tell me the ceremony venue for Obihiro City?", "帯広市 (Obihiro): place of the signing ceremony"),
        ("Obihiro venue?", "帯広市 (Obihiro): place of the signing ceremony"),
    ],
)
def test_a_city_written_with_city_and_a_topic_word_are_understood(question: str, title: str) -> None:
    # "City" after the name is the name; "venue" named the place asked: neither is "missing".
    answer = ask(question)
    assert (answer.title, answer.notes) == (title[:1].upper() + title[1:], ()), to_text(answer)


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("How many people live in Obihiro?", "The documents give no population for 帯広市 (Obihiro)."),
        ("When does the Muroran memorandum expire?", "The documents give no period of validity for 室蘭市 (Muroran)."),
        ("How many companies take part in the Obihiro projects?", "The documents give no company names for 帯広市 (Obihiro)."),
    ],
)
def test_a_kind_of_value_asked_in_english_that_the_documents_lack(question: str, title: str) -> None:
    # Before: the ceremony's attendees counted as people, the ceremony's date as the expiry.
    answer = ask(question)
    assert (answer.kind, answer.title) == ("fallback", title)


def test_do_you_have_asks_for_the_thing() -> None:
    first = ask("Where was the Kitami ceremony?")
    address = ask("Do you have the address?", context=first.conversation)
    assert "大通西3丁目1番地1" in to_text(address) and not address.title.startswith("No"), to_text(address)


def test_and_the_other_one_follows_the_topic_asked_before() -> None:
    first = ask("When was the 2019 press release published?")
    then = ask("And the Kitami one?", context=first.conversation)
    assert "2021年3月23日" in to_text(then), to_text(then)


@pytest.mark.parametrize(
    "question", ["What's the Obihiro memorandum about, in one line?", "Whose memorandum talks about the Tokachi brand?"]
)
def test_words_that_only_ask_are_never_said_to_be_missing(question: str) -> None:
    answer = ask(question)
    assert answer.kind == "answer" and "帯広市" in to_text(answer), to_text(answer)
