"""What people asked that the bot could not answer well, turned into a maintainer's to-do list.

The dispatcher's observer records every fallback and clarification (`Interaction`); feedback
votes come from the same store. `build_report` groups near-duplicate questions (after the same
normalisation the engine uses), pairs each clarification with the option the user then chose,
and counts votes per topic — the list a maintainer turns into new aliases and synonyms.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from bot.answering.answer import Answer
from bot.language.messages import say
from bot.language.text import reading_of
from bot.store.records import Interaction, Vote

if TYPE_CHECKING:  # the store's SQL is loaded only by the processes that open it
    from bot.store.store import Store

NEAR_DUPLICATE = 85.0
CHOICE_WINDOW = timedelta(minutes=10)


def to_interaction(question: str, platform: str, conversation_id: str, answer: Answer, at: datetime,
                   user_id: str = "") -> Interaction:
    return Interaction(question, platform, conversation_id, answer.kind, answer.title, at,
                       tuple(c.question for c in answer.suggestions) if answer.kind == "clarify" else (), user_id)


def is_worth_recording(answer: Answer) -> bool:
    return answer.kind in ("fallback", "clarify")


@dataclass(frozen=True)
class QuestionGroup:
    representative: str
    count: int
    examples: tuple[str, ...]


def group_questions(questions: Sequence[str], threshold: float = NEAR_DUPLICATE) -> list[QuestionGroup]:
    """Near-duplicates together (おびひろの予算 / オビヒロの予算？), most frequent first."""
    groups: list[tuple[str, list[str]]] = []
    for question in questions:
        key = reading_of(question)  # by reading, so kana and kanji spellings meet
        for group_key, members in groups:
            if fuzz.ratio(key, group_key) >= threshold:
                members.append(question)
                break
        else:
            groups.append((key, [question]))
    result = []
    for _, members in groups:
        ranked = Counter(members).most_common()
        result.append(QuestionGroup(ranked[0][0], len(members), tuple(q for q, _ in ranked[:3])))
    return sorted(result, key=lambda g: (-g.count, g.representative))


def chosen_options(interactions: Sequence[Interaction]) -> Counter[tuple[str, str]]:
    """(clarified question, option chosen) → how often, from what the same conversation asked next."""
    chosen: Counter[tuple[str, str]] = Counter()
    ordered = sorted(interactions, key=lambda i: i.at)
    for index, clarification in enumerate(ordered):
        if clarification.kind != "clarify":
            continue
        for later in ordered[index + 1:]:
            if later.conversation_id != clarification.conversation_id:
                continue
            if later.at - clarification.at > CHOICE_WINDOW:
                break
            if later.question in clarification.choices:
                chosen[(clarification.question, later.question)] += 1
                break
    return chosen


def build_report(interactions: Sequence[Interaction], votes: Sequence[Vote], *, limit: int = 20,
                 language: str = "ja") -> str:
    """The report as markdown-like text, its own words in `language` (the questions as asked)."""
    fallbacks = [i.question for i in interactions if i.kind == "fallback"]
    clarifications = [i.question for i in interactions if i.kind == "clarify"]
    none = say("report_none", language)
    # Counts as digits (no thousands separator), as the report always wrote them.
    title = say("report_title", language, unanswered=str(len(fallbacks)), clarified=str(len(clarifications)),
                votes=str(len(votes)))
    lines = [f"# {title}", "", f"## {say('report_unanswered', language)}"]
    lines += [_group_line(g, language) for g in group_questions(fallbacks)[:limit]] or [none]
    lines += ["", f"## {say('report_clarifications', language)}"]
    lines += [_group_line(g, language) for g in group_questions(clarifications)[:limit]] or [none]
    options = chosen_options(interactions)
    if options:
        lines += ["", f"## {say('report_options', language)}"]
        lines += [say("report_option", language, count=str(n), asked=asked, picked=picked)
                  for (asked, picked), n in options.most_common(limit)]
    lines += ["", f"## {say('report_feedback', language)}"]
    lines += _vote_lines(votes, language) or [none]
    negative = group_questions([v.question for v in votes if not v.helpful])
    if negative:
        lines += ["", f"## {say('report_voted_down', language)}"]
        lines += [_group_line(g, language) for g in negative[:limit]]
    return "\n".join(lines)


class StoreReport:
    """The report over the store's questions and votes: the commands' `ReportSource`, and what
    `python app.py report` prints (the store keeps the rows; the report is built here)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def report(self, language: str = "ja") -> str:
        return build_report(self.store.questions.all(), self.store.votes.all(), language=language)

    async def build_report(self, language: str = "ja") -> str:
        # On the database's worker, like the reads it needs: the grouping never blocks the loop.
        return await self.store.db.run(self.report, language)


REPORT_TITLE = "Renkei Bot report"


def split_report(report: str) -> tuple[str, list[str]]:
    """The `# title` line of a `build_report` text and the lines under it."""
    lines = report.splitlines()
    if lines and lines[0].startswith("# "):
        return lines[0].removeprefix("# ").strip(), lines[1:]
    return REPORT_TITLE, lines


def _group_line(group: QuestionGroup, language: str = "ja") -> str:
    others = [e for e in group.examples if e != group.representative]
    similar = say("report_similar", language, others=" / ".join(others)) if others else ""
    return f"- {group.count}× {group.representative}{similar}"


def _vote_lines(votes: Sequence[Vote], language: str = "ja") -> list[str]:
    tally: dict[str, list[int]] = {}
    for vote in votes:
        counts = tally.setdefault(vote.topic_id or say("report_no_topic", language), [0, 0])
        counts[0 if vote.helpful else 1] += 1
    return [f"- {topic}: 👍 {up} / 👎 {down}" for topic, (up, down) in sorted(tally.items(), key=lambda t: -t[1][1])]
