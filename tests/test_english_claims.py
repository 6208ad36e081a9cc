"""English yes/no and only/all questions (issue 18), written as English-speaking users write them:
the verdict (Yes/No), the statement after it, the counts, the lists of which city and the notes are
the bot's own words in English; the facts and names stay as the documents write them. Each case
also checks that the verdict is the right one, so that an English question is not merely answered
in English but understood."""

from __future__ import annotations

import pytest

from bot.answering.answer import to_text
from tests.test_english_answers import ask, assert_english, engine, japanese_left

pytestmark = pytest.mark.unit

# 「北見市 (Kitami)」: the documents' name, with the romaji the data gives.
ASAHIKAWA, MURORAN, OBIHIRO, KITAMI = (
    engine().kb.partner(pid).name_in("en") for pid in ("asahikawa", "muroran", "obihiro", "kitami")
)

# (question, the verdict the title starts with, what the title must name)
YES_NO = [
    ("Is the Muroran ceremony on a Friday?", "Yes", [MURORAN, "2020-01-31 (Fri)"]),
    ("is the obihiro ceremony on friday?", "Yes", [OBIHIRO]),
    ("Is the Kitami ceremony on a Friday?", "No", [KITAMI, "(Thu)"]),
    ("just to confirm, the Obihiro ceremony starts at 10:30, right?", "No", [OBIHIRO, "10:00–10:30"]),
    ("Hi, could you tell me if the Asahikawa ceremony is in the morning?", "Yes", [ASAHIKAWA, "10:30–11:00"]),
    ("Is the Kitami ceremony in the afternoon?", "No", [KITAMI]),
    ("Is the Muroran ceremony on the 2nd floor?", "Yes", ["室蘭市役所 2階3号会議室"]),
    ("Is the Muroran ceremony 30 minutes long?", "Yes", ["30 minutes"]),
    ("Does the Kitami ceremony take an hour?", "No", ["30 minutes", "9:30–10:00"]),
    ("is the muroan ceremony on a friday?", "Yes", [MURORAN]),
    ("Is CASE an Asahikawa project?", "No", [f"not {ASAHIKAWA} but {MURORAN}"]),
    ("Do Asahikawa and Obihiro both promote tourism?", "Yes", ["each of them"]),
]

# Only / all / other than / without: (question, verdict, cities the title names, cities it must not name)
CLAIMS = [
    ("Is Kitami the only city with a ceremony in March?", "Yes", [KITAMI], [MURORAN]),
    ("Is Muroran the only city with a ceremony in March?", "No", [KITAMI], []),
    ("Hi, is Obihiro the only city whose ceremony was in February?", "Yes", [OBIHIRO], [KITAMI]),
    ("Is Asahikawa the only city with a ceremony in January?", "No", [MURORAN], []),
    ("Is Kitmi the only city with a ceremony in March?", "Yes", [KITAMI], []),
    ("Are all the ceremonies in the morning?", "Yes", [ASAHIKAWA, MURORAN, OBIHIRO, KITAMI], []),
    ("Hi there, quick question: are all the signing ceremonies in the morning? Thanks!", "Yes", [KITAMI], []),
    ("Are all ceremonies held on Friday?", "No", [ASAHIKAWA, KITAMI], [MURORAN, OBIHIRO]),
    ("Are all the ceremonies on weekdays?", "Yes", [ASAHIKAWA, KITAMI], []),
    ("Do all the ceremonies take 30 minutes?", "Yes", [MURORAN], []),
    ("Do all memoranda mention tourism?", "No", [MURORAN, KITAMI], [ASAHIKAWA, OBIHIRO]),
    ("Does every memorandum mention tourism?", "No", [MURORAN, KITAMI], [ASAHIKAWA]),
    ("Is Asahikawa the only city that mentions healthcare?", "No", [OBIHIRO], []),
    ("Is Kitami the only one that mentions curling?", "Yes", [KITAMI], [ASAHIKAWA]),
    ("Is Muroran the only city with aerospace industry projects?", "Yes", [MURORAN], []),
    ("Do all three cities mention manufacturing?", "No", [OBIHIRO], [ASAHIKAWA]),
    ("Does any city other than Kitami have a ceremony on the 4th floor?", "Yes", [OBIHIRO], [KITAMI]),
    ("Besides Kitami, is there a city whose ceremony was on the 4th floor?", "Yes", [OBIHIRO], [KITAMI]),
    ("Does the mayor attend every ceremony?", "Yes", [KITAMI], []),
    ("Is there a ceremony that is not on a Friday?", "Yes", [ASAHIKAWA, KITAMI], [OBIHIRO]),
    ("Is there a city without tourism?", "Yes", [MURORAN, KITAMI], [OBIHIRO]),
    ("Are there only three partner cities?", "No", [KITAMI], []),
    ("Did the bureau sign memoranda with only 3 cities?", "No", ["4", KITAMI], []),
]

DONE = [
    "Has the Kitami ceremony already taken place?",
    "has the obihiro signing ceremony happened yet?",
    "Hi! Is the Muroran memorandum already signed?",
    "Is the Asahikawa ceremony over?",
]


def english_title(question: str) -> str:
    """The title of the answer to an English question, checked to be an English answer."""
    answer = ask(question)
    text = assert_english(answer)
    assert answer.kind == "answer", text
    return answer.title


@pytest.mark.parametrize(("question", "verdict", "named"), YES_NO)
def test_a_yes_no_question_in_english_gets_an_english_verdict(question: str, verdict: str, named: list[str]) -> None:
    title = english_title(question)
    assert title.startswith(verdict), title
    for name in named:
        assert name in title, title


@pytest.mark.parametrize(("question", "verdict", "named", "not_named"), CLAIMS)
def test_an_only_or_all_claim_in_english_is_checked_over_every_city(
    question: str, verdict: str, named: list[str], not_named: list[str]
) -> None:
    title = english_title(question)
    assert title.startswith(verdict), title
    for name in named:
        assert name in title, title
    for name in not_named:
        assert name not in title, title


@pytest.mark.parametrize("question", DONE)
def test_whether_a_ceremony_took_place_is_said_in_english(question: str) -> None:
    title = english_title(question)
    # Both documents announce the ceremonies as planned: the date is past, nothing says they were held.
    assert (
        title
        == "The planned date of the signing ceremony has passed, but the documents do not say whether it was held."
    )


@pytest.mark.parametrize(
    ("question", "verdict"),
    [
        ("Does Obihiro have 3 projects?", "No. "),
        ("Does Obihiro have two projects?", "Yes. "),
        ("Does Asahikawa have 4 cooperation items?", "No. "),
        ("Did four cities sign memoranda?", "Yes. "),
    ],
)
def test_a_count_claimed_in_english_gets_an_english_verdict(question: str, verdict: str) -> None:
    # The count itself is the count answer's (CeremonyAnswers); the verdict before it is the claim's.
    answer = ask(question)
    assert answer.title.startswith(verdict), to_text(answer)


@pytest.mark.parametrize(
    ("question", "title"),
    [
        (
            "At the time of the announcement, had the Kitami ceremony already taken place?",
            "No. As of 2021-03-23 (Tue), the signing ceremony is still only planned.",
        ),
        (
            "Had the Muroran ceremony already been held when it was announced?",
            "No. As of 2019-12-17 (Tue), the signing ceremony is still only planned.",
        ),
    ],
)
def test_whether_it_was_done_at_the_time_of_the_announcement(question: str, title: str) -> None:
    assert english_title(question) == title


def test_whether_a_plan_is_done_quotes_what_the_documents_say() -> None:
    title = english_title("Has Muroran's next comprehensive plan already been drawn up?")
    assert title.startswith("No. At the time of the documents, they say: “室蘭市総合計画"), title


def test_a_claim_for_a_word_the_documents_do_not_have_is_not_answered_yes() -> None:
    answer = ask("Do all memoranda mention pizza?")
    assert not answer.title.startswith("Yes"), to_text(answer)


def test_the_same_claim_in_japanese_keeps_its_japanese_words() -> None:
    assert ask("締結式はすべて午前中に行われましたか?").title.startswith(
        "はい。旭川市・室蘭市・帯広市・北見市のすべてが"
    )
    assert ask("室蘭の締結式は金曜?").title == "はい。室蘭市の締結式は2020年1月31日（金） 11:00～11:30です。"
    assert ask("北見以外に4階で式をした市はありますか?").title == "はい。帯広市が当てはまります。"


def test_an_english_item_is_listed_without_japanese_punctuation() -> None:
    # The ceremony's date and time are the documents' words: they stay as written.
    text = to_text(ask("Is Kitami the only city with a ceremony in March?"))
    assert f"• {KITAMI}: 2021年3月25日（木） 9:30～10:00" in text
    assert f"・{KITAMI}" not in text


def test_a_follow_up_yes_no_question_in_english_is_about_the_ceremony_asked_before() -> None:
    first = ask("When is the Kitami ceremony?")
    done = ask("Has it already taken place?", context=first.conversation)
    assert done.language == "en" and japanese_left(to_text(done)) == [], to_text(done)
    assert done.title.startswith("The planned date of the signing ceremony has passed"), to_text(done)
    friday = ask("Is it on a Friday?", context=first.conversation)
    assert friday.title.startswith("No. ") and KITAMI in friday.title, to_text(friday)


@pytest.mark.parametrize(
    ("question", "verdict"),
    [("Were all the ceremonies held on Fridays?", "No. "), ("Are all the ceremonies on weekdays?", "Yes. ")],
)
def test_a_plural_weekday_is_read_as_the_weekday(question: str, verdict: str) -> None:
    assert english_title(question).startswith(verdict)


@pytest.mark.parametrize(
    ("question", "verdict"),
    [
        ("Is the fax number 011-709-1775?", "Yes. "),
        ("Is the phone number 011-709-1775?", "No. "),
        ("Just to confirm, the contact email is hokkaido-kikakuchosa@meti.go.jp, right?", "Yes. "),
        ("FAXは011-709-2311?", "いいえ。"),
    ],
)
def test_a_number_or_address_claimed_is_checked_in_any_language(question: str, verdict: str) -> None:
    assert ask(question).title.startswith(verdict), to_text(ask(question))


@pytest.mark.parametrize(
    ("first", "then", "title"),
    [
        (
            "北見市の締結式の出席者を教えてください。",
            "その局長は他の市の式にも出席していますか?",
            "はい。北海道経済産業局長 安藤 保彦は旭川市・室蘭市・帯広市の締結式にも出席します。",
        ),
        ("室蘭の締結式の出席者は?", "その市長は他の市の式にも出た?", "いいえ。室蘭市長 青山 剛が出席する締結式はほかにありません。"),
        (
            "Who attended the Kitami ceremony?",
            "Did the director-general attend the other cities' ceremonies too?",
            "Yes. 北海道経済産業局長 安藤 保彦 attends the signing ceremonies of 旭川市 (Asahikawa), 室蘭市 (Muroran), "
            "帯広市 (Obihiro) too.",
        ),
    ],
)
def test_a_role_at_the_ceremony_just_answered_and_the_other_ceremonies_they_attend(
    first: str, then: str, title: str
) -> None:
    assert ask(then, context=ask(first).conversation).title == title


def test_only_before_people_restricts_the_people_not_the_cities() -> None:
    """"Were only the mayor and the Director-General at the Obihiro ceremony?" is no claim that the
    Obihiro ceremony is the only one they attended: never "No. It also holds for …"."""
    text = to_text(ask("Were only the mayor and the Director-General at the Obihiro ceremony?"))
    assert "also holds for" not in text and "米沢" in text
    assert to_text(ask("Was only the Obihiro ceremony held in February?")).startswith("Yes")


def test_a_hyphenated_floor_is_a_floor_not_a_place_in_the_order() -> None:
    """"a 4th-floor ceremony" is on the 4th floor; "the 4th ceremony" is the 4th in order."""
    assert to_text(ask("Is there a 4th-floor ceremony other than Kitami?")).startswith(f"Yes. It holds for {OBIHIRO}")
    assert to_text(ask("Was the Muroran ceremony on the 2nd-floor?")).startswith("Yes")
    assert "number 4 of 4" in to_text(ask("Is Kitami the 4th ceremony?"))
