from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path

import pytest

from bot.answering.engine import Engine
from bot.knowledge.model import JST, KnowledgeBase, load_knowledge
from bot.ops.feedback import InMemoryFeedbackRecorder
from tests.database_support import DATABASES, fresh_database
from tests.fakes.fake_slack import FakeSlack
from tests.fakes.slack_app import assert_every_payload_round_trips

ROOT = Path(__file__).resolve().parents[1]
DATA_PATH = ROOT / "data" / "partnerships.yaml"
SHARED = ROOT.parent / "shared"
NOW = datetime(2026, 11, 29, 9, 0, tzinfo=JST)
LAYERS = ("unit", "adapter", "process")


# How many tests the whole suite holds, when this session collected all of it (tests/test_doc_figures.py).
WHOLE_SUITE_COUNT = pytest.StashKey[int]()


@pytest.hookimpl(tryfirst=True)  # before -k and -m deselect anything
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test of no declared layer is a unit test (pure: no server, no process); `pytest -m unit`
    is the quick loop. Modules of other layers say so with `pytestmark`."""
    if is_whole_suite(config):
        config.stash[WHOLE_SUITE_COUNT] = len(items)
    for item in items:
        if not any(item.get_closest_marker(layer) for layer in LAYERS):
            item.add_marker(pytest.mark.unit)


def is_whole_suite(config: pytest.Config) -> bool:
    """Whether the session collects every test (`pytest`, `make test`), not a part of the suite."""
    tests = ROOT / "tests"
    chosen = [Path(config.invocation_params.dir, arg).resolve() for arg in config.args]
    return bool(chosen) and all(path in (tests, ROOT) for path in chosen) and not config.getoption("ignore")


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge(DATA_PATH)


@pytest.fixture(scope="session")
def engine(kb: KnowledgeBase) -> Engine:
    return Engine(kb)


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database for one test: a SQLite file, then a PostgreSQL schema of its own
    (skipped without TEST_POSTGRES_URL, failed under CI=true; see tests/database_support.py)."""
    with fresh_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    """The fake Slack Web API; afterwards, every Block Kit payload the test made the app send must
    round-trip through slack_sdk's models."""
    async with FakeSlack() as fake:
        yield fake
        assert_every_payload_round_trips(fake)


@pytest.fixture
def feedback() -> InMemoryFeedbackRecorder:
    return InMemoryFeedbackRecorder()


@pytest.fixture()
def data_path(tmp_path: Path) -> Path:
    """A copy of the bundled knowledge base that a test may edit."""
    path = tmp_path / "partnerships.yaml"
    path.write_text(DATA_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    return path
