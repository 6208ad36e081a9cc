"""No token and no user id in the logs (issue 12: F6, F7): signed slash commands and mentions to
the real app, the root logger set up as `python app.py` sets it up (text and JSON, with
LOG_MESSAGES=true), and every line it writes searched."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.ops.logs import MASK, JsonFormatter, RedactSecrets, setup_logging, to_secrets
from bot.ops.settings import Settings
from bot.store.store import Store
from handlers.runtime import log_reply
from tests.conftest import NOW
from tests.fakes.fake_slack import FakeSlack
from tests.fakes.slack_app import (
    ASKER,
    BOT_TOKEN,
    RunningApp,
    event_callback,
    make_dispatcher,
    make_settings,
    mention,
    slash_command,
)
from tests.slack.test_reminders_slack import running_reminders

pytestmark = pytest.mark.adapter

ADMIN = "U0ADMIN"
PASTED = ("xoxb-1111-2222-pastedtokenvalue",
          "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXZhbHVlLWhlcmU")


@pytest.fixture(params=["text", "json"])
def log_stream(request: pytest.FixtureRequest, settings: Settings) -> Iterator[io.StringIO]:
    """The root logger as the composition root sets it up, writing to a string."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    setup_logging("INFO", str(request.param), to_secrets(settings))
    stream = io.StringIO()
    (handler,) = root.handlers
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    try:
        yield stream
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])


@pytest.fixture()
def settings(slack: FakeSlack, tmp_path: Path, data_path: Path) -> Settings:
    return make_settings(slack, admin_user_ids=(ADMIN,), data_path=str(data_path), log_messages=True,
                         database_url=f"sqlite:///{tmp_path / 'renkei.db'}")


@pytest.fixture()
async def app(settings: Settings, tmp_path: Path) -> AsyncIterator[RunningApp]:
    dispatcher = make_dispatcher(NOW)
    dispatcher.reply_observers.append(log_reply(settings))  # the answer's line, as in handlers/runtime.py
    async with running_reminders(settings, Store(settings.database_url), dispatcher) as running:
        yield running


async def slash(app: RunningApp, slack: FakeSlack, text: str, user: str) -> None:
    status, _ = await app.post_command(slash_command(text, response_url=slack.response_url("r"), user=user))
    assert status == 200
    await app.settle()


async def test_commands_and_questions_log_no_user_id_and_no_token(app: RunningApp, slack: FakeSlack,
                                                                   log_stream: io.StringIO) -> None:
    await slash(app, slack, "remind on", ASKER)
    await slash(app, slack, "reload", ADMIN)
    await slash(app, slack, "report", ADMIN)
    await slash(app, slack, "remind off", ASKER)
    await slash(app, slack, f"トークン {PASTED[0]} と {PASTED[1]} は?", ASKER)
    await app.post_event(event_callback(mention(f"<@UBOT> 帯広の {PASTED[0]} {PASTED[1]}")))
    await app.settle()

    out = log_stream.getvalue()
    assert "answered" in out and "reload" in out  # the lines were written
    for secret in (ASKER, ADMIN, BOT_TOKEN, *PASTED, PASTED[1][:20]):
        assert secret not in out
    if out.startswith("{"):  # JSON: the question field is there, masked
        assert MASK in out and "帯広の" in out


def to_json_line(record: logging.LogRecord) -> dict[str, object]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactSecrets(["configured-secret-value"]))
    handler.setFormatter(JsonFormatter())
    handler.handle(record)
    return dict(json.loads(stream.getvalue()))


def test_every_field_of_a_json_record_is_redacted() -> None:
    try:
        raise ValueError(f"bad token {PASTED[0]}")
    except ValueError as error:
        record = logging.LogRecord("bot", logging.ERROR, __file__, 1, "asked %s", (PASTED[1],),
                                   (ValueError, error, error.__traceback__))
    record.question = f"what is {PASTED[0]}?"
    record.detail = {"token": "Bearer configured-secret-value", "list": [PASTED[1]]}
    record.topic = "configured-secret-value"

    line = to_json_line(record)
    text = json.dumps(line)
    for secret in (*PASTED, "configured-secret-value"):
        assert secret not in text
    assert line["question"] == f"what is {MASK}?" and line["detail"] == {"token": f"Bearer {MASK}", "list": [MASK]}
    assert "ValueError" in str(line["error"]) and MASK in str(line["error"])
