"""Synthetic memoranda for the calendar and announcement tests: the bundled knowledge base (all of
whose ceremonies are in 2020–2021) with a new city and a new announcement whose ceremony is in the
future, written to a test's own file."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.model import JST, KnowledgeBase, load_knowledge
from tests.conftest import DATA_PATH

KUSHIRO_PARTNER: dict[str, Any] = {
    "id": "kushiro", "name": "釧路市", "short_name": "釧路",
    "readings": {"hiragana": "くしろ", "katakana": "クシロ", "romaji": "kushiro"}, "aliases": [],
}
KUSHIRO_DOCUMENT_ID = "hkd-2027-01-15"
KUSHIRO_EVENT_ID = "kushiro-ceremony"
KUSHIRO_URL = "https://www.hkd.meti.go.jp/example/20270115.html"


@dataclass(frozen=True)
class Memorandum:
    """A new announcement with one partner and its ceremony."""

    starts_at: datetime
    place: str = "釧路市役所 3階 市長応接室"
    address: str = "釧路市黒金町7丁目5番地"
    minutes: int = 30
    offsets: tuple[str, ...] = ()
    announced: date = date(2027, 1, 15)
    document_id: str = KUSHIRO_DOCUMENT_ID
    theme: str = "港湾物流と水産加工による稼げるまちの実現"

    def to_entry(self) -> dict[str, Any]:
        local = self.starts_at.astimezone(JST)
        end = local.hour * 60 + local.minute + self.minutes
        ceremony: dict[str, Any] = {
            "title": "釧路市との覚書締結式",
            "date": local.date().isoformat(),
            "start": f"{local:%H:%M}",
            "place": self.place,
            "address": self.address,
            "attendees": [{"role": "釧路市長", "name": "釧路 太郎"}, {"role": "北海道経済産業局長", "name": "安藤保彦"}],
        }
        if end < 24 * 60:  # a ceremony near midnight (a test run late in the day) gets no end time
            ceremony["end"] = f"{end // 60:02d}:{end % 60:02d}"
        if self.offsets:
            ceremony["reminder_offsets"] = list(self.offsets)
        return {
            "id": self.document_id,
            "title": "釧路市と覚書を締結します",
            "subtitle": "港湾と水産の強みを活かした連携",
            "issuer": "北海道経済産業局",
            "date": self.announced.isoformat(),
            "source": {"file": "kushiro.md", "url": KUSHIRO_URL},
            "lead": ["北海道経済産業局は釧路市と覚書を締結します。"],
            "partners": [{
                "partner": "kushiro",
                "theme": self.theme,
                "cooperation_items": ["水産加工業の販路開拓への支援", "港湾物流の高度化に関する連携"],
                "ceremony": ceremony,
            }],
        }


def knowledge_text(memoranda: Sequence[Memorandum] = (), *, events: Sequence[dict[str, Any]] = ()) -> str:
    """The bundled knowledge base, as YAML, with the memoranda (and extra events) added."""
    data = yaml.safe_load(DATA_PATH.read_text(encoding="utf-8"))
    if memoranda:
        data["partners"].append(KUSHIRO_PARTNER)
        data["documents"].extend(memorandum.to_entry() for memorandum in memoranda)
    data["events"] = list(events)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def write_memoranda(path: Path, memoranda: Sequence[Memorandum] = (), *,
                    events: Sequence[dict[str, Any]] = ()) -> Path:
    """Write the knowledge base with the memoranda; a file already there is replaced in one rename,
    as editors save, so a watching bot never reads half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(knowledge_text(memoranda, events=events), encoding="utf-8")
    temporary.replace(path)
    return path


def load_memoranda(tmp_path: Path, memoranda: Sequence[Memorandum], name: str = "kb.yaml") -> KnowledgeBase:
    return load_knowledge(write_memoranda(tmp_path / name, memoranda))
