"""Small talk, help, and questions that point at nothing said before."""

from __future__ import annotations

import re

from bot.answering.answer import Answer, Section
from bot.answering.base import POINTING, Answering, Turn
from bot.answering.help import MAX_NAMES, MAX_QUESTION_CHARS, to_examples, to_intro, too_long_text
from bot.language.question import (
    is_help,
    is_smalltalk,
)
from bot.language.text import clean
from bot.store.records import Choice

# The examples are offered once, as choices (buttons, or numbered in the console); the section
# only says so.
EXAMPLES_SECTION = Section("質問の例", text="次の例から選ぶか、そのまま質問を入力してください。")


class TalkAnswers(Answering):
    def smalltalk(self, turn: Turn) -> Answer | None:
        named = turn.intent.partners or turn.intent.topics or turn.intent.glossary or turn.intent.people
        if named and not is_help(turn.read):
            return None
        examples = tuple(Choice(q, q) for q in to_examples(self.kb)[:3])
        if is_help(turn.read):
            return Answer(
                kind="help",
                confidence=1.0,
                title="使い方",
                sections=(
                    Section("", text=to_intro(self.kb) + "\n例えば次のように聞いてください。"),
                    EXAMPLES_SECTION,
                ),
                suggestions=examples,
            )
        if not is_smalltalk(turn.read):
            return None
        thanks = re.search(
            r"アリガト|タスカ|サンキュ|THX|THANK", turn.read.reading.upper() + " ".join(turn.read.words).upper()
        )
        title = "どういたしまして。ほかにもどうぞ。" if thanks else "こんにちは。連携ボットです。"
        return Answer(
            kind="smalltalk",
            confidence=1.0,
            title=title,
            sections=(EXAMPLES_SECTION,),
            suggestions=examples,
        )

    def nothing_to_refer_to(self, turn: Turn) -> Answer | None:
        """「そこの住所は?」 with no conversation before it: ask what is meant rather than guess."""
        pointing = any(t.reading in POINTING for t in turn.intent.tokens) or turn.read.refers_person
        if not pointing or turn.context.partner_ids or turn.context.person:
            return None
        if turn.intent.partner_ids or turn.intent.people or turn.intent.glossary or turn.intent.documents:
            return None
        return Answer(
            kind="clarify",
            confidence=0.4,
            title="どの市（どなた）についてのお尋ねでしょうか?",
            suggestions=tuple(Choice(p.name, f"{p.short_name}の概要は?") for p in self.kb.partners[:MAX_NAMES]),
        )

    def input_problem(self, question: str) -> Answer | None:
        text = clean(question)
        examples = tuple(Choice(q, q) for q in to_examples(self.kb)[:3])
        if not text or re.fullmatch(r"[?？!！.。…・\s]+", text):
            return Answer(
                kind="help",
                confidence=1.0,
                title="ご質問をどうぞ。",
                sections=(EXAMPLES_SECTION,),
                suggestions=examples,
            )
        if len(text) > MAX_QUESTION_CHARS:
            return self._fallback(None, too_long_text(len(text)))
        if not any(ch.isalnum() for ch in text):
            return self._fallback(None, "ご質問を読み取れませんでした。文字で質問してください。")
        return None
