"""Small talk, help, and questions that point at nothing said before."""

from __future__ import annotations

import re

from bot.answering.answer import Answer, Section
from bot.answering.base import POINTING, Answering, Turn, to_language
from bot.answering.help import MAX_NAMES, MAX_QUESTION_CHARS, to_city, to_examples, to_intro, too_long_text
from bot.language.messages import say
from bot.language.question import (
    is_help,
    is_smalltalk,
)
from bot.language.text import clean
from bot.store.records import Choice

# English words that point back at something said before (「its address?」, "that city").
_POINTING_EN = re.compile(
    r"\b(?:its|his|their|that (?:one|city|place|ceremony|memorandum|project|person))\b", re.IGNORECASE
)
# 「How many cities had their ceremony…」: a possessive whose owner the question names itself.
_OWNER_NAMED_EN = re.compile(r"\b(?:cities|ceremonies|memoranda|partners|all|each|every)\b.*\b(?:their|its)\b", re.I)


def to_examples_section(language: str) -> Section:
    """The examples are offered once, as choices (buttons, or numbered in the console); the section
    only says so."""
    return Section(say("help_examples", language), text=say("talk_pick_example", language))


class TalkAnswers(Answering):
    def smalltalk(self, turn: Turn) -> Answer | None:
        named = turn.intent.partners or turn.intent.topics or turn.intent.glossary or turn.intent.people
        if named and not is_help(turn.read):
            return None
        examples = self._examples(turn.language)
        if is_help(turn.read):
            return Answer(
                kind="help",
                confidence=1.0,
                title=turn.say("help_usage"),
                sections=(
                    Section("", text=to_intro(self.kb, turn.language) + "\n" + turn.say("talk_for_example")),
                    to_examples_section(turn.language),
                ),
                suggestions=examples,
            )
        if not is_smalltalk(turn.read):
            return None
        thanks = re.search(
            r"アリガト|タスカ|サンキュ|THX|THANK", turn.read.reading.upper() + " ".join(turn.read.words).upper()
        )
        return Answer(
            kind="smalltalk",
            confidence=1.0,
            title=turn.say("talk_thanks" if thanks else "talk_hello"),
            sections=(to_examples_section(turn.language),),
            suggestions=examples,
        )

    def nothing_to_refer_to(self, turn: Turn) -> Answer | None:
        """「そこの住所は?」 with no conversation before it: ask what is meant rather than guess."""
        pointing = (
            any(t.reading in POINTING for t in turn.intent.tokens)
            or turn.read.refers_person
            or (bool(_POINTING_EN.search(turn.read.text)) and not _OWNER_NAMED_EN.search(turn.read.text))
        )
        if not pointing or turn.context.partner_ids or turn.context.person:
            return None
        if turn.intent.partner_ids or turn.intent.people or turn.intent.glossary or turn.intent.documents:
            return None
        return Answer(
            kind="clarify",
            confidence=0.4,
            title=turn.say("talk_which_one"),
            suggestions=tuple(
                Choice(p.name_in(turn.language), turn.say("documents_ask_overview", city=to_city(p, turn.language)))
                for p in self.kb.partners[:MAX_NAMES]
            ),
        )

    def input_problem(self, question: str, language: str = "ja") -> Answer | None:
        """An empty, symbol-only or too long message: said plainly, in `language` (the
        conversation's when the message has no words to tell)."""
        text = clean(question)
        if not text or re.fullmatch(r"[?？!！.。…・\s]+", text):
            return Answer(
                kind="help",
                confidence=1.0,
                title=say("talk_ask_away", language),
                sections=(to_examples_section(language),),
                suggestions=self._examples(language),
                language=to_language(language),
            )
        if len(text) > MAX_QUESTION_CHARS:
            return self._fallback(None, too_long_text(len(text), language), language)
        if not any(ch.isalnum() for ch in text):
            return self._fallback(None, say("talk_unreadable", language), language)
        return None

    def _examples(self, language: str) -> tuple[Choice, ...]:
        return tuple(Choice(q, q) for q in to_examples(self.kb, language)[:3])
