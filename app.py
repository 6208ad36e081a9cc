"""Renkei Bot entry point.

    python app.py                  Slack/Teams when .env holds credentials, else the console chat
    python app.py ask QUESTION     one answer as text (--json for JSON; QUESTION "-" reads stdin)
    python app.py check [FILE]     validate a knowledge-base file
    python app.py eval FILE        run a question file and print accuracy
    python app.py schedule         upcoming ceremonies and events, or the last one held
    python app.py reminders        the planned reminders; sends nothing
    python app.py calendar         the ceremonies and events as iCalendar (--event ID, --output FILE)
    python app.py report           unanswered questions, clarifications and feedback, for maintainers
    python app.py commands         every command as the Markdown table of the README
    python app.py teams-package    write the Microsoft Teams app package (zip)
"""

from __future__ import annotations

import sys

from handlers.startup import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
