"""What every adapter does to a user's raw text before anything else sees it.

Chat platforms pass on almost anything a client sends: control characters, bidirectional
overrides, and (through JSON `\\ud800` escapes or bytes that are not UTF-8) lone surrogates.
None of them means anything in a question, and a lone surrogate cannot even be encoded as UTF-8,
so a reply echoing it would fail on the way out. `to_clean_text` drops or replaces them; the
words themselves are left as typed (width and case folding is the engine's business).
"""

from __future__ import annotations

import re

# C0 and C1 controls except tab, line feed and carriage return (adapters turn those into spaces),
# and the bidirectional embeddings/overrides/isolates that could make an echoed question read
# backwards.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def to_clean_text(text: str) -> str:
    """`text` with controls and bidi overrides removed and lone surrogates replaced by U+FFFD."""
    return _LONE_SURROGATE.sub(REPLACEMENT, _INVISIBLE.sub("", text))
