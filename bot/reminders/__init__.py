"""Reminders of ceremonies and events, from what is due to the post.

- `due`: what is due (pure): targets, reminders, delivery keys, the planning rules.
- `schedule_view`: the upcoming events and reminders as the `schedule` command shows them.
- `scheduler`: the APScheduler wiring that runs the plan.
- `delivery`: one reminder to one target: claim in the ledger, send, record the outcome.
- `service`: the reminder service a process starts with its senders.

May import `bot.ops` and everything below it.
"""
