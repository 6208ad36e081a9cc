"""The persistent store, split by concern: each part is one concern's SQL on the one database
(`DATABASE_URL`: SQLite for one machine, PostgreSQL for several), and each is handed only to the
code that uses it, which names what it needs as a Protocol of its own.

| part | used by | as |
| --- | --- | --- |
| `subscriptions` | the commands, the scheduler | `SubscriptionBook`, the reminder targets |
| `references` | Teams | where a proactive post goes |
| `ledger` | delivery, the scheduler, the commands, metrics | exactly-once claims; `DeliveryHistory` |
| `conversations` | the dispatcher | `ConversationMemory` |
| `event_claims` | Slack | `EventDeduplicator` |
| `pending_answers` | Slack, on stop and start | `PendingAnswers` |
| `revisions` | the calendar feed | each event's SEQUENCE and LAST-MODIFIED |
| `documents` | the announcer, `remind list`, `schedule` | the documents seen, for announcing new ones once |
| `votes`, `questions` | the platforms, the dispatcher's observers, the report | `FeedbackRecorder`, the report |

Inserts that may collide use `ON CONFLICT DO NOTHING` on both databases, so a duplicate is an
ordinary outcome rather than a server-side error. Every call from the event loop goes through the
database's bounded worker (bot/store/database.py says why and how few round trips it takes).
"""

from __future__ import annotations

from bot.insights import build_report
from bot.store.conversations import SqlConversationMemory
from bot.store.database import Database, DatabaseUnavailable, to_engine_url
from bot.store.documents import KnownDocuments, Recorded
from bot.store.events import SqlEventClaims
from bot.store.feedback import SqlQuestions, SqlVotes
from bot.store.ledger import DeliveryLedger, LedgerRow
from bot.store.pending import SqlPendingAnswers
from bot.store.revisions import EventRevisions
from bot.store.subscriptions import ConversationReferences, Subscription, Subscriptions

__all__ = [
    "ConversationReferences", "Database", "DatabaseUnavailable", "DeliveryLedger", "EventRevisions",
    "KnownDocuments", "LedgerRow", "Recorded", "SqlConversationMemory", "SqlEventClaims", "SqlPendingAnswers",
    "SqlQuestions", "SqlVotes", "Store", "Subscription", "Subscriptions", "to_engine_url",
]


class Store:
    """Every part on one database, built once per process; `close()` when the process is done."""

    def __init__(self, url: str) -> None:
        self.db = Database(url)
        self.subscriptions = Subscriptions(self.db)
        self.references = ConversationReferences(self.db)
        self.ledger = DeliveryLedger(self.db)
        self.conversations = SqlConversationMemory(self.db)
        self.event_claims = SqlEventClaims(self.db)
        self.votes = SqlVotes(self.db)
        self.questions = SqlQuestions(self.db)
        self.pending_answers = SqlPendingAnswers(self.db)
        self.revisions = EventRevisions(self.db)
        self.documents = KnownDocuments(self.db)

    def close(self) -> None:
        self.db.close()

    def report(self) -> str:
        """`python app.py report`: the unanswered questions, clarifications and votes."""
        return build_report(self.questions.all(), self.votes.all())

    async def build_report(self) -> str:
        """The commands' `ReportSource`."""
        return await self.db.run(self.report)
