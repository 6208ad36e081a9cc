"""Renkei Bot entry point.

    python app.py                  Slack/Teams when .env holds credentials, else the console chat
    python app.py ask QUESTION     one answer as text (--json for JSON; QUESTION "-" reads stdin)
    python app.py check [FILE]     validate a knowledge-base file
    python app.py eval FILE        run a question file and print accuracy
"""

from __future__ import annotations

import sys

from handlers.console import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
