"""The words of the yes_no answers, in Japanese and English."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
}
