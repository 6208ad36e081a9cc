from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.knowledge import JST, KnowledgeBase, load_knowledge

ROOT = Path(__file__).resolve().parents[1]
DATA_PATH = ROOT / "data" / "partnerships.yaml"
SHARED = ROOT.parent / "shared"
NOW = datetime(2026, 11, 29, 9, 0, tzinfo=JST)


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge(DATA_PATH)


@pytest.fixture(scope="session")
def engine(kb: KnowledgeBase) -> Engine:
    return Engine(kb)
