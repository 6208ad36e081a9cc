"""English content words typed with one slip ("productivty", "aerospce"), corrected against the
words the knowledge base knows in English (its translations, topics, partners' romaji), so that an
English question finds the Japanese facts its words translate to.

Only a longer word the vocabulary does not know is corrected, and only to the one known word a
single edit away: a real English word the vocabulary lacks stays as typed, whatever it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz.distance import Levenshtein

SHORTEST_CORRECTED = 6
_WORD = re.compile(r"[A-Za-z]+")


class EnglishSpelling:
    def __init__(self, known: Iterable[str]) -> None:
        self.known = frozenset(w.lower() for phrase in known for w in _WORD.findall(phrase))
        self._long = tuple(sorted(w for w in self.known if len(w) >= SHORTEST_CORRECTED - 1))

    def correct(self, text: str) -> tuple[str, tuple[tuple[str, str], ...]]:
        """The text with its slips corrected, and each (as typed, as read) to tell the user."""
        read: list[tuple[str, str]] = []

        def corrected(match: re.Match[str]) -> str:
            word = self._corrected(match.group())
            if word != match.group():
                read.append((match.group(), word))
            return word

        return _WORD.sub(corrected, text), tuple(dict.fromkeys(read))

    def _corrected(self, word: str) -> str:
        lower = word.lower()
        if len(lower) < SHORTEST_CORRECTED or lower in self.known or lower.rstrip("s") in self.known:
            return word
        near = [k for k in self._long if k[0] == lower[0] and Levenshtein.distance(lower, k, score_cutoff=1) <= 1]
        return near[0] if len(near) == 1 else word
