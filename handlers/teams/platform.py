"""Teams as one of the server's plug-ins: `POST /api/messages`, JWT-checked by the Agents SDK,
and the proactive reminder sender."""

from __future__ import annotations

import base64
import binascii
import json
import warnings

from aiohttp import web
from microsoft_agents.hosting.aiohttp import jwt_authorization_decorator, start_agent_process

from bot.reminders.delivery import Sender
from handlers.refusals import RateLimitedLog
from handlers.server import Platform
from handlers.teams.service import AUTH_CONFIGURATION_KEY, TeamsService

PREFIX = "/api"
MESSAGES_ROUTE = "/messages"


class TeamsPlatform(Platform):
    name = "teams"

    def __init__(self, service: TeamsService) -> None:
        self.service = service
        self.refusals = RateLimitedLog("Teams request refused")

    def reminder_sender(self) -> Sender:
        return self.service.reminder_sender()

    async def problems(self) -> list[str]:
        return self.service.bot.connector.problems()

    async def finish(self, seconds: float) -> None:
        await self.service.bot.connector.stop()

    def subapp(self) -> tuple[str, web.Application] | None:
        # A sub-application of its own: the SDK's JWT check reads its settings from a plain string
        # key of the application that handles the request.
        app = web.Application()
        with warnings.catch_warnings():
            # aiohttp recommends AppKey and warns about the SDK's plain string key.
            warnings.simplefilter("ignore", web.NotAppKeyWarning)
            app[AUTH_CONFIGURATION_KEY] = self.service.auth_configuration
        checked = jwt_authorization_decorator(self.handle_messages)  # type: ignore[no-untyped-call]

        async def handle(request: web.Request) -> web.StreamResponse:
            problem = to_token_problem(request.headers.get("Authorization"))
            if problem is not None:
                self.refusals.warn(problem)
                return web.json_response({"error": "Invalid token or authentication failed."}, status=401)
            response: web.StreamResponse = await checked(request)
            return response

        app.router.add_post(MESSAGES_ROUTE, handle)
        return PREFIX, app

    async def handle_messages(self, request: web.Request) -> web.StreamResponse:
        response = await start_agent_process(request, self.service.app, self.service.adapter)
        return response if response is not None else web.Response(status=202)


def to_token_problem(authorization: str | None) -> str | None:
    """Why a bearer token can never be valid, read from its header alone (no signature is
    checked here); None to let the SDK's JWT check decide. Every token the Bot Framework and
    Entra ID issue names its signing key (`kid`) and an RSA/EC algorithm: one that does not
    (`alg: none`, HS256) made the SDK fail with a traceback and a 500."""
    if authorization is None:
        return None
    _, _, token = authorization.partition(" ")
    header_part = token.strip().split(".", 1)[0]
    try:
        header = json.loads(base64.urlsafe_b64decode(header_part + "=" * (-len(header_part) % 4)))
    except (ValueError, binascii.Error, RecursionError):
        return "token header unreadable"
    if not isinstance(header, dict):
        return "token header unreadable"
    if not isinstance(header.get("kid"), str) or not header["kid"]:
        return "token without a key id"
    if str(header.get("alg", "")).upper()[:2] not in ("RS", "PS", "ES"):
        return "token with an unaccepted algorithm"
    return None
