"""Running the bot: settings, logs, metrics, what people told it, and how well it answers.

- `settings`: the one typed `Settings.from_env()`: the core's variables, and a `SettingsSection`
  for each platform the composition root passes in (the core names none).
- `logs`: logging with the secret filter.
- `metrics`: the Prometheus metrics served at `/metrics`.
- `feedback`: 👍 / 👎 votes and their recorders.
- `insights`: the maintainer's report of unanswered questions and votes.
- `evaluation`: question files run against the engine; `business_register`: the same question
  written as staff write at work (variants for evaluation).
- `reload`: reloading the knowledge base without a restart.

May import `bot.answering` and everything below it.
"""
