"""Questions in batch (`app.py ask --json -`): one a line, each alone or in a named conversation.

A line is either a plain question, asked on its own, or a JSON object
`{"conversation": "c1", "q": "場所は?"}`: lines with the same conversation id share context, in
order, exactly as one chat would, and a bare number picks from that conversation's last offer.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from bot.answering.answer import Answer
from bot.answering.engine import Engine
from bot.language.messages import say
from bot.store.records import Conversation


@dataclass(frozen=True)
class BatchLine:
    question: str
    conversation_id: str | None = None
    problem: str = ""


def to_batch_line(line: str, language: str = "en") -> BatchLine:
    """A plain question, or a conversation line; a malformed object says what is wrong (in English by
    default: the JSON interface's words)."""
    text = line.rstrip("\n")
    if not text.lstrip().startswith("{"):
        return BatchLine(text)
    try:
        data = json.loads(text)
    except ValueError:
        return BatchLine("", problem=say("batch_not_json", language))
    question, conversation = (data.get("q"), data.get("conversation")) if isinstance(data, dict) else (None, None)
    if not isinstance(question, str):
        return BatchLine("", problem=say("batch_needs_question", language))
    if conversation is not None and not isinstance(conversation, (str, int)):
        return BatchLine("", problem=say("batch_bad_conversation", language))
    return BatchLine(question, None if conversation is None else str(conversation))


def answer_lines(engine: Engine, lines: Iterable[str], clock: Callable[[], datetime]) -> Iterator[dict[str, object]]:
    """One JSON-ready object per line, in order: the answer, its conversation id, or the problem."""
    contexts: dict[str, Conversation] = {}
    for line in lines:
        batch = to_batch_line(line)
        if batch.problem:
            yield {"error": batch.problem}
            continue
        context = contexts.get(batch.conversation_id) if batch.conversation_id is not None else None
        answer = engine.answer(batch.question, context=context, now=clock())
        if batch.conversation_id is not None:
            contexts[batch.conversation_id] = answer.conversation
        yield to_record(answer, batch.conversation_id)


def to_record(answer: Answer, conversation_id: str | None) -> dict[str, object]:
    record = answer.to_dict()
    if conversation_id is not None:
        record["conversation"] = conversation_id
    return record
