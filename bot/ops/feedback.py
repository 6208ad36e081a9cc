"""Answer feedback (👍 / 👎): the vote, the recorder interface and an in-memory recorder.

Adapters build a `Vote` when a user presses a feedback button and hand it to the one
`FeedbackRecorder` the process was built with: in the bot, `PrivateFeedback` over the store's
votes; in tests and the console, the in-memory recorder.
"""

from __future__ import annotations

import hashlib
from collections import deque
from dataclasses import replace
from typing import Protocol

from bot.store.records import Vote


def to_voter_key(platform: str, user_id: str, answer_id: str) -> str:
    """One key per person and answer (the message the buttons were on), the same in every
    process; neither id can be read back from it. Empty when either id is unknown."""
    if not user_id or not answer_id:
        return ""
    return hashlib.sha256("\0".join((platform, user_id, answer_id)).encode()).hexdigest()


class FeedbackRecorder(Protocol):
    async def record(self, vote: Vote) -> None:
        """Store the vote without blocking the event loop; once per `voter_key` when it is set."""


class PrivateFeedback:
    """Votes without the voter's id unless LOG_USER_IDS=true, into another recorder (the store)."""

    def __init__(self, recorder: FeedbackRecorder, *, keep_user_ids: bool) -> None:
        self.recorder = recorder
        self.keep_user_ids = keep_user_ids

    async def record(self, vote: Vote) -> None:
        await self.recorder.record(vote if self.keep_user_ids else replace(vote, user_id=""))


class InMemoryFeedbackRecorder:
    """The latest `max_votes` votes, in order (every call on the event loop: no lock)."""

    def __init__(self, max_votes: int = 10_000) -> None:
        self._votes: deque[Vote] = deque(maxlen=max_votes)
        self._voters: set[str] = set()

    async def record(self, vote: Vote) -> None:
        if vote.voter_key:
            if vote.voter_key in self._voters:
                return
            self._voters.add(vote.voter_key)
        self._votes.append(vote)

    @property
    def votes(self) -> tuple[Vote, ...]:
        return tuple(self._votes)

    def count(self, *, helpful: bool) -> int:
        return sum(vote.helpful == helpful for vote in self.votes)
