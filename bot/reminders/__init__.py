"""Events reaching people: reminders, new-memorandum announcements and calendar files.

- `due`: what is due (pure): reminders per event and target, the planning rules.
- `schedule_view`: the upcoming events and reminders as the `schedule` command shows them.
- `scheduler`: the APScheduler wiring that runs the plan.
- `delivery`: one reminder to one target: claim in the ledger, send, record the outcome.
- `service`: the reminder service a process starts with its senders.
- `announcements`: what to announce of new memoranda, to whom (pure); `announcer`: posting it
  through the deliverer and the ledger.
- `ical`, `calendar_files`: the ceremonies and events as iCalendar files, with shared revisions.

May import `bot.ops` and everything below it.
"""
