"""English answers as the renderers get them (issue 18): a complete English answer built from the
documents' words and the catalog, and what a renderer added that is Japanese.

`english_answer()` holds every part a renderer shows — a note, sections, a status, related
questions, the source, an event ahead for 「カレンダーに追加」 — with the bot's own words in English,
so a rendering of it must hold no kana or kanji except the documents' (`japanese_left`).
`added_japanese` checks any engine answer: the Japanese a rendering holds beyond the answer's own
text, i.e. the renderer's words (the answerers' words are their areas' business).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

from bot.answering.answer import Answer, Citation, EventStatus, Source, to_text
from bot.knowledge.dates import format_date
from bot.language.messages import say, to_label
from bot.store.records import Choice
from tests.test_english_answers import NOW, ask, engine, japanese_left

ENGLISH_QUESTION = "Hi, what are Obihiro's cooperation items?"


def english_answer(kind: str = "answer") -> Answer:
    """The engine's answer about 帯広市's cooperation items (its facts), its own words in English."""
    kb = engine().kb
    obihiro = next(p for p in kb.partners if p.id == "obihiro")
    muroran = next(p for p in kb.partners if p.id == "muroran")
    facts = ask(ENGLISH_QUESTION).sections[0]
    ceremony = muroran.ceremony
    assert ceremony is not None
    document = kb.documents[0]
    status = EventStatus(ceremony.id, ceremony.starts_at, False, say(
        "status_past", "en", event=say("ceremony_with", "en", partner=muroran.name_in("en")),
        date=format_date(ceremony.date, "en")))
    topic = to_label("主な連携・協力事項", "en")
    return Answer(
        kind=kind,  # type: ignore[arg-type]
        confidence=0.9,
        title=say("partner_topic", "en", partner=obihiro.name_in("en"), topic=topic),
        sections=(replace(facts, label=topic),),
        source=Source((Citation(document.title, document.date.isoformat(),
                                to_label(f"{obihiro.name} › 主な連携・協力事項", "en")),)),
        suggestions=(Choice(to_label("覚書締結式", "en"),
                            say("ask_topic", "en", topic="signing ceremony", partner="Obihiro")),
                     Choice(to_label("テーマ", "en"), say("ask_topic", "en", topic="theme", partner="Obihiro"))),
        statuses=(status,),
        notes=(say("secondary_note", "en", reports=say("secondary_report", "en")),),
        topic_id="cooperation",
        partner_ids=(obihiro.id,),
        calendar_event_ids=(ceremony.id,),
        language="en",
    )


def strings_of(value: Any, keys: Iterable[str] = ("text", "title", "fallbackText", "value")) -> Iterator[str]:
    """Every string under one of `keys` in a Slack payload or an Adaptive Card (what users read)."""
    wanted = tuple(keys)
    if isinstance(value, dict):
        for key, item in value.items():
            if key in wanted and isinstance(item, str):
                yield item
            else:
                yield from strings_of(item, wanted)
    elif isinstance(value, list):
        for item in value:
            yield from strings_of(item, wanted)


def shown_text(value: Any) -> str:
    """What users read of a payload or card: its texts, titles and fact values, one a line."""
    return "\n".join(strings_of(value))


def added_japanese(rendered: str, answer: Answer) -> list[str]:
    """The Japanese in `rendered` that is neither the documents' words nor in the answer's own text."""
    own = set(japanese_left(to_text(answer)))
    return [words for words in japanese_left(rendered) if words not in own]


__all__ = ["ENGLISH_QUESTION", "NOW", "added_japanese", "english_answer", "japanese_left", "shown_text",
           "strings_of"]
