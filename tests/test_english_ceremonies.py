"""English questions about the ceremonies — how many, in which order, which ones (by weekday, time of
day, month, year), how long, the same as, compared — get English words (issue 18): the bot's own
words from the ceremonies catalog, the facts (places, people) as the documents write them, the
cities as 「室蘭市 (Muroran)」. Asked as English speakers write: short, polite, with typos.
The Japanese of the same answers stays as it was."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.answering.answer import Answer, to_text
from bot.store.records import Conversation
from tests.test_english_answers import ask, assert_english, engine

pytestmark = pytest.mark.unit


def english(question: str, context: Conversation | None = None) -> Answer:
    """The answer to an English question, checked to be in English but for the documents' words."""
    answer = ask(question, context=context)
    text = assert_english(answer)
    assert answer.kind == "answer", text
    return answer


COUNTS = [
    ("Hi, how many cities has the bureau signed memoranda with?", "4 cities: 旭川市 (Asahikawa), 室蘭市 (Muroran)"),
    ("how many ceremonies r there", "Signing ceremonies: 4."),
    ("Could you tell me how many signing ceremonies were held on a Friday?", "Signing ceremonies: 2."),
    ("Sorry to bother you, how many ceremonis were held in 2020?", "Signing ceremonies: 3."),
    ("How many ceremonies were in January 2020?", "Signing ceremonies: 2."),
    ("How many ceremonies are in the afternoon?", "The documents have no signing ceremonies that fit"),
    ("How many cities signed in 2021?", "1 city: 北見市 (Kitami)."),
    ("How many cities had their ceremony on a Friday?", "2 cities: 室蘭市 (Muroran), 帯広市 (Obihiro)."),
    ("how many people attended the Obihiro ceremony?", "Attendees of the signing ceremony of 帯広市 (Obihiro): 2 people"),
    ("How many people attend the ceremonies?", "Attendees of the signing ceremony: 2 people each (8 people in all)."),
    ("How many cooperation items does Obihiro have?", "Main cooperation items of 帯広市 (Obihiro): 3."),
    ("How many cooperation items do Asahikawa and Muroran have?", "3 items each (6 items in all)"),
]

ORDERS = [
    ("wich ceremony was first?", "The earliest signing ceremony is the one with 旭川市 (Asahikawa)."),
    ("Hi, could you tell me which ceremony came last? thx", "The last signing ceremony is the one with 北見市 (Kitami)."),
    ("What was the second signing ceremony?", "The 2nd signing ceremony is the one with 室蘭市 (Muroran)."),
    ("What was the 3rd ceremony?", "The 3rd signing ceremony is the one with 帯広市 (Obihiro)."),
    ("Which ceremony was second to last?", "The 2nd-to-last signing ceremony is the one with 帯広市 (Obihiro)."),
    ("Which ceremony started the latest in the day?", "starts latest in the day is the one with 室蘭市 (Muroran)."),
    ("Which ceremony ended earliest?", "ends earliest in the day is the one with 北見市 (Kitami)."),
    ("Which was earlier, Obihiro or Kitami?", "The signing ceremony with 帯広市 (Obihiro) is the earlier one."),
    ("Which one is later, Kitami or Obihiro?", "The signing ceremony with 北見市 (Kitami) is the later one."),
    ("Which ceremony came after Asahikawa's?", "after the one with 旭川市 (Asahikawa) is the one with 室蘭市 (Muroran)."),
    ("What was the ceremony before Kitami?", "before the one with 北見市 (Kitami) is the one with 帯広市 (Obihiro)."),
    ("Which ceremony is after Kitami?", "The documents have no signing ceremony after the one with 北見市 (Kitami)."),
    ("Which ceremony is the longest?", "Each takes 30 minutes."),
]

FILTERS = [
    ("Hello, which ceremonies were on a friday?", "The signing ceremonies with 室蘭市 (Muroran), 帯広市 (Obihiro)."),
    ("Which ceremonies took place on Monday?", "The signing ceremony with 旭川市 (Asahikawa)."),
    ("Which ceremonies were in the morning?", "旭川市 (Asahikawa), 室蘭市 (Muroran), 帯広市 (Obihiro), 北見市 (Kitami)"),
    ("Hi team, which ceremonies took place in the afternoon?", "No, no signing ceremony in the documents fits"),
    ("Which ceremonies were in January?", "The signing ceremonies with 旭川市 (Asahikawa), 室蘭市 (Muroran)."),
    ("Which signing ceremonies were in february 2020?", "The signing ceremony with 帯広市 (Obihiro)."),
    ("Which ceremonies took place in 2021?", "The signing ceremony with 北見市 (Kitami)."),
    ("Any ceremonies on Saturday?", "No, none of the signing ceremonies in the documents fits."),
    ("Which ceremonies are on the 2nd floor?", "The signing ceremonies with 旭川市 (Asahikawa), 室蘭市 (Muroran)."),
]

DURATIONS = [
    ("How long was the Obihiro ceremony? Thanks!", "30 minutes (10:00–10:30)."),
    ("how long is each ceremony", "Each takes 30 minutes."),
    ("How long did the ceremonies last?", "北見市 (Kitami): 30 minutes (9:30–10:00)"),
]

SAME_AND_COMPARED = [
    ("Were the Muroran and Obihiro ceremonies on the same day of the week?", "Yes, both are on a Friday."),
    ("Are the Asahikawa and Muroran ceremonies in the same month?", "Yes, both are in January."),
    ("Are the Asahikawa and Obihiro ceremonies in the same month?", "No: 旭川市 (Asahikawa) is in January, 帯広市"),
    ("Did the Muroran and Obihiro ceremonies take the same time?", "Yes, both are 30 minutes long."),
    ("Was any other ceremony on the same weekday as Obihiro's?", "Yes: 室蘭市 (Muroran)."),
    ("Was another ceremony in the same month as Asahikawa's?", "Yes: 室蘭市 (Muroran)."),
    ("Compare the Asahikawa and Kitami ceremonies please", "Attendees of the signing ceremony"),
    ("How far apart are the start times of the Muroran and Obihiro ceremonies?", "60 minutes apart"),
    ("How many minutes apart did the Asahikawa and Obihiro ceremonies start?", "30 minutes apart"),
    ("Compare the end times of the Asahikawa and Muroran ceremonies", "Their end times are 30 minutes apart"),
    ("What do Asahikawa and Obihiro have in common in their cooperation items?", "In common (the same or nearly"),
    ("Compare the cooperation items of Muroran and Kitami", "The main cooperation items of 室蘭市 (Muroran), 北見市"),
]


@pytest.mark.parametrize(("question", "expected"), COUNTS + ORDERS + FILTERS + DURATIONS + SAME_AND_COMPARED)
def test_an_english_question_about_the_ceremonies_is_answered_in_english(question: str, expected: str) -> None:
    assert expected in to_text(english(question))


def test_is_the_next_one_follows_the_ceremony_last_answered() -> None:
    first = ask("Which ceremony was first?")
    after = english("Is the next one on a Friday?", context=first.conversation)
    assert after.title == "The signing ceremony after the one with 旭川市 (Asahikawa) is the one with 室蘭市 (Muroran)."
    assert "2020年1月31日（金） 11:00～11:30" in to_text(after)  # the fact as the documents write it
    later = english("and the one after that?", context=after.conversation)
    assert "is the one with 帯広市 (Obihiro)." in later.title
    back = english("and the previous one?", context=later.conversation)
    assert back.title.endswith("is the one with 室蘭市 (Muroran).")


def test_which_of_them_was_first_orders_the_ceremonies_just_listed() -> None:
    fridays = english("Which ceremonies were on a Friday?")
    first = english("Which of them was first?", context=fridays.conversation)
    assert first.title == "The signing ceremony with 室蘭市 (Muroran) is the earlier one."


def test_the_next_ceremony_has_an_english_status() -> None:
    answer = english("Which ceremony comes after Muroran?")
    assert [s.label for s in answer.statuses] == [
        "The planned date of the signing ceremony with 帯広市 (Obihiro), 2020-02-07 (Fri), has passed."
    ]


def test_a_ceremony_ahead_counts_down_in_english() -> None:
    answer = engine().answer("Which ceremony is the last one?", now=datetime.fromisoformat("2021-03-22T09:30:00+09:00"))
    assert answer.language == "en"
    assert [s.label for s in answer.statuses] == ["The signing ceremony with 北見市 (Kitami) is ahead (in 3 days)."]


def test_the_source_line_of_a_ceremony_answer_is_in_english() -> None:
    text = to_text(english("Which ceremonies were on Friday?"))
    assert text.splitlines()[-1].startswith("Source: ")
    assert "室蘭市 (Muroran), 帯広市 (Obihiro) › Signing ceremony" in text


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("室蘭と帯広の締結式は同じ曜日?", "はい、どちらも金曜日です。"),
        ("旭川と帯広の締結式は同じ月?", "いいえ、旭川市は1月、帯広市は2月です。"),
        ("2番目の締結式は?", "2番目の締結式は室蘭市です。"),
        ("いちばん遅い締結式は?", "いちばん遅い締結式は北見市です。"),
        ("旭川と室蘭、どっちが早い?", "旭川市の締結式のほうが早いです。"),
        ("締結式は何件?", "締結式は4件です。"),
        ("金曜日の締結式は?", "室蘭市・帯広市の締結式です。"),
        ("室蘭と旭川の式、開始時刻の差は?", "開始時刻の差は30分です（室蘭市と旭川市）。"),
    ],
)
def test_the_same_answers_in_japanese_keep_their_words(question: str, title: str) -> None:
    answer = ask(question)
    assert answer.language == "ja"
    assert answer.title == title


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("北見を含めて何市と締結?", "4市です（旭川市・室蘭市・帯広市・北見市）。"),
        ("北見も含めて全部で何市?", "4市です（旭川市・室蘭市・帯広市・北見市）。"),
        (
            "How many municipalities has the bureau signed with in total, including Kitami?",
            "4 cities: 旭川市 (Asahikawa), 室蘭市 (Muroran), 帯広市 (Obihiro), 北見市 (Kitami).",
        ),
    ],
)
def test_a_partner_named_to_be_included_widens_the_count(question: str, title: str) -> None:
    # Before: 「1市です（北見市）」 — the partner counted in was taken as the only one asked about.
    assert ask(question).title == title
