"""What the bot says about itself, the same on every platform; each adapter renders it its way."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.knowledge.dates import format_date
from bot.knowledge.model import KnowledgeBase, Partner
from bot.language.messages import say

MAX_QUESTION_CHARS = 1_000
# A chat message names at most this many partners; it is no place for a directory.
MAX_NAMES = 10


def too_long_text(length: int, language: str = "ja") -> str:
    return say("too_long", language, length=length, limit=MAX_QUESTION_CHARS)


def to_names(partners: Sequence[Partner], limit: int = MAX_NAMES, language: str = "ja") -> str:
    """「旭川市・室蘭市・帯広市」, or the first few and how many more; in English with the romaji the
    data gives (旭川市 (Asahikawa)): the names are facts and stay as the documents write them."""
    shown = say("word_separator", language).join(p.name_in(language) for p in partners[:limit])
    more = len(partners) - limit
    return say("names_more", language, shown=shown, more=more) if more > 0 else shown


def to_intro(kb: KnowledgeBase, language: str = "ja") -> str:
    names = to_names(kb.partners, language=language)
    first, last = kb.documents[0], kb.documents[-1]
    when = format_date if language == "ja" else to_english_date
    if first is last:
        return say("intro_one", language, issuer=first.issuer, names=names, date=when(first.date))
    return say("intro_many", language, issuer=first.issuer, names=names, first=when(first.date),
               last=when(last.date), count=len(kb.documents))


def to_english_date(day: date) -> str:
    """「17 Dec 2019」: an announcement's day in running English text."""
    return f"{day.day} {day:%b %Y}"


def to_city(partner: Partner, language: str = "ja") -> str:
    """A partner as a question the bot offers names it: 「北見」, or "Kitami" in English (its romaji,
    so that the offered question is read as English again)."""
    return partner.short_name if language == "ja" else (partner.readings.romaji.title() or partner.name)


def to_examples(kb: KnowledgeBase, language: str = "ja") -> list[str]:
    first, last, middle = kb.partners[0], kb.partners[-1], kb.partners[len(kb.partners) // 2]
    return [
        say("example_cooperation", language, city=to_city(last, language)),
        say("example_ceremony", language, city=to_city(first, language)),
        say("example_projects", language, city=to_city(middle, language)),
        say("example_themes", language),
        say("example_contact", language),
    ]
