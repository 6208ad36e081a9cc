"""The answerers of the engine, one module per kind of question (see bot.answering.engine)."""
