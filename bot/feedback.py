"""Answer feedback (👍 / 👎): the vote, the recorder interface and an in-memory recorder.

Adapters build a `Vote` when a user presses a feedback button and hand it to whatever
`FeedbackRecorder` the process was started with. The in-memory recorder keeps the latest votes
until the process exits; a database-backed recorder (same `record` method) replaces it later.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class Vote:
    """One press of 👍 or 👎 under an answer, with the question it was about."""

    platform: str
    conversation_id: str
    user_id: str
    question: str
    helpful: bool
    voted_at: datetime
    answer_kind: str = ""
    topic_id: str | None = None


class FeedbackRecorder(Protocol):
    def record(self, vote: Vote) -> None:
        """Store the vote; must be quick (adapters call it on the event loop)."""


class InMemoryFeedbackRecorder:
    """The latest `max_votes` votes, in order; safe to call from several threads."""

    def __init__(self, max_votes: int = 10_000) -> None:
        self._votes: deque[Vote] = deque(maxlen=max_votes)
        self._lock = threading.Lock()

    def record(self, vote: Vote) -> None:
        with self._lock:
            self._votes.append(vote)

    @property
    def votes(self) -> tuple[Vote, ...]:
        with self._lock:
            return tuple(self._votes)

    def count(self, *, helpful: bool) -> int:
        return sum(vote.helpful == helpful for vote in self.votes)
