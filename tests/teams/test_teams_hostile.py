"""Hostile tokens on /api/messages with a client id (issue 12: F8): a JWT without `kid`
(`alg: none`, HS256), or with a `kid` no key has, gets 401 and one short log line, never a 500
or a traceback from inside the Agents SDK."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
from pathlib import Path

import pytest

from tests.teams.test_teams_auth import WITH_CLIENT_ID
from tests.teams_support import CLIENT_ID, PERSONAL, TENANT, USER, running_teams

pytestmark = pytest.mark.adapter


def encode(part: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()


def claims() -> dict[str, object]:
    now = int(time.time())
    return {"aud": CLIENT_ID, "iss": "https://api.botframework.com", "tid": TENANT, "iat": now, "nbf": now,
            "exp": now + 3600, "serviceurl": "https://smba.trafficmanager.net/jp/"}


def unsigned(header: dict[str, object]) -> str:
    return f"{encode(header)}.{encode(claims())}."


def hs256(header: dict[str, object]) -> str:
    signing_input = f"{encode(header)}.{encode(claims())}"
    signature = hmac.new(b"attacker-chosen-key", signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


TOKENS = {
    "alg-none": unsigned({"alg": "none", "typ": "JWT"}),
    "alg-none-upper": unsigned({"alg": "NONE"}),
    "hs256-no-kid": hs256({"alg": "HS256", "typ": "JWT"}),
    "hs256-unknown-kid": hs256({"alg": "HS256", "kid": "no-such-key"}),
    "rs256-no-kid": hs256({"alg": "RS256", "typ": "JWT"}),
    "header-not-json": "bm90IGpzb24." + encode(claims()) + ".c2ln",
    "header-array": base64.urlsafe_b64encode(b"[1]").rstrip(b"=").decode() + "." + encode(claims()) + ".c2ln",
}


@pytest.mark.parametrize("token", list(TOKENS.values()), ids=list(TOKENS))
async def test_a_token_without_a_usable_key_gets_401_and_one_line(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                                                   token: str) -> None:
    caplog.set_level(logging.INFO)
    async with running_teams(tmp_path, env=WITH_CLIENT_ID) as teams:
        status = await teams.post(teams.activities.message("旭川市の締結式はいつ?"),
                                  headers={"Authorization": f"Bearer {token}"})
        assert status == 401
        assert teams.connector.calls == []
        assert teams.store.references.load("teams", PERSONAL) is None
    problems = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert len(problems) <= 1, [record.getMessage() for record in problems]
    assert not any(record.exc_info or record.exc_text for record in caplog.records)
    assert token not in caplog.text


async def test_teams_commands_and_questions_log_no_user_id(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    async with running_teams(tmp_path) as teams:
        for text in ("remind on", "旭川市の締結式はいつ?", "reload", "report", "remind off"):
            assert await teams.post(teams.activities.message(text)) in (200, 202)

    assert "reminders on" in caplog.text  # the lines were written
    assert str(USER["id"]) not in caplog.text and str(USER["aadObjectId"]) not in caplog.text
