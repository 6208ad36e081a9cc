"""Every part of the store on one database (the package docstring lists them)."""

from __future__ import annotations

from bot.store.conversations import SqlConversationMemory
from bot.store.database import Database
from bot.store.documents import KnownDocuments
from bot.store.events import SqlEventClaims
from bot.store.feedback import SqlQuestions, SqlVotes
from bot.store.ledger import DeliveryLedger
from bot.store.pending import SqlPendingAnswers
from bot.store.revisions import EventRevisions
from bot.store.subscriptions import ConversationReferences, Subscriptions


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
