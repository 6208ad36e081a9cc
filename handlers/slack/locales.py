"""Each Slack user's language, from users.info (include_locale): it chooses the language of help
and of the commands' replies."""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.language.messages import language_of_locale
from handlers.slack.responses import to_error_code

log = logging.getLogger(__name__)


class UserLocales:
    """Each user's language from Slack's users.info (include_locale), kept for an hour: it chooses the
    language of help and of the commands' replies. Japanese when Slack does not say (no users:read
    scope, an error, no locale): never a reason not to answer."""

    KEEP_SECONDS = 3600.0

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._known: OrderedDict[str, tuple[str, float]] = OrderedDict()

    async def language(self, client: AsyncWebClient, user_id: str) -> str:
        known = self._known.get(user_id)
        if known is not None and self.clock() - known[1] < self.KEEP_SECONDS:
            return known[0]
        try:
            response = await client.users_info(user=user_id, include_locale=True)
            locale = str((response.get("user") or {}).get("locale") or "")
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as error:
            reason = to_error_code(error) if isinstance(error, SlackApiError) else type(error).__name__
            log.info("users.info gave no locale (%s): Japanese", reason)
            locale = ""
        language = language_of_locale(locale)
        self._known[user_id] = (language, self.clock())
        while len(self._known) > 10_000:
            self._known.popitem(last=False)
        return language
