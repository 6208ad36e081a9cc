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

`records` holds the values the parts read and write (below everything but the language and the
knowledge base); `store.Store` opens every part on one database. Importing the package or its
records loads no SQL, so the engine and the console start without it.
"""
