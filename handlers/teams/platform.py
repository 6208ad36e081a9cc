"""Teams as one of the server's plug-ins: `POST /api/messages`, JWT-checked by the Agents SDK,
and the proactive reminder sender."""

from __future__ import annotations

import warnings

from aiohttp import web
from microsoft_agents.hosting.aiohttp import jwt_authorization_decorator, start_agent_process

from bot.delivery import Sender
from handlers.server import Platform
from handlers.teams.activities import AUTH_CONFIGURATION_KEY, TeamsService

PREFIX = "/api"
MESSAGES_ROUTE = "/messages"


class TeamsPlatform(Platform):
    name = "teams"

    def __init__(self, service: TeamsService) -> None:
        self.service = service

    def reminder_sender(self) -> Sender:
        return self.service.reminder_sender()

    def subapp(self) -> tuple[str, web.Application] | None:
        # A sub-application of its own: the SDK's JWT check reads its settings from a plain string
        # key of the application that handles the request.
        app = web.Application()
        with warnings.catch_warnings():
            # aiohttp recommends AppKey and warns about the SDK's plain string key.
            warnings.simplefilter("ignore", web.NotAppKeyWarning)
            app[AUTH_CONFIGURATION_KEY] = self.service.auth_configuration
        app.router.add_post(MESSAGES_ROUTE, jwt_authorization_decorator(self.handle_messages))  # type: ignore[no-untyped-call]
        return PREFIX, app

    async def handle_messages(self, request: web.Request) -> web.StreamResponse:
        response = await start_agent_process(request, self.service.app, self.service.adapter)
        return response if response is not None else web.Response(status=202)
