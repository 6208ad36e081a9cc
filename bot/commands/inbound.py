"""One inbound turn, the same on every platform: text in, what to say out.

Every adapter (Slack, Teams, the console) hands the user's cleaned text here with who and where;
`InboundTurn.take` applies the length limit, runs a command when the text is one, else asks the
engine through the dispatcher, and turns an unexpected failure into the apology — once, here. The
adapter only renders the `Said` it gets back (a notice, a command's reply, or an answer).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.answering.dispatch import Asked, Dispatcher
from bot.answering.help import MAX_QUESTION_CHARS, too_long_text
from bot.commands.registry import Commands, Line, Mention, Reply, Request
from bot.language.messages import say
from bot.store.records import Target

log = logging.getLogger(__name__)

Language = str | Callable[[], Awaitable[str]]
"""The user's language, or how to find it out (Slack asks users.info only when a command needs it)."""


@dataclass(frozen=True)
class Inbound:
    """A user's message as the core sees it."""

    text: str
    conversation_id: str
    platform: str
    user: Mention
    target: Target | None = None  # where reminders for this conversation go; None in the console
    is_admin: bool = False
    place: str = "会話"
    join_hint: Line | Callable[[str], Line] = ()  # or the hint in a language, known only for a command
    received_at: float | None = None


@dataclass(frozen=True)
class Said:
    """What to say: exactly one of a notice (too long, the apology), a command's reply, or an answer."""

    notice: str = ""
    reply: Reply | None = None
    asked: Asked | None = None


class InboundTurn:
    def __init__(self, dispatcher: Dispatcher, commands: Commands) -> None:
        self.dispatcher = dispatcher
        self.commands = commands

    async def take(self, inbound: Inbound, *, language: Language = "ja", commands: bool = True) -> Said:
        """The reply to one message; `commands=False` for a question that is never a command (a
        button's related question)."""
        if len(inbound.text) > MAX_QUESTION_CHARS:
            return Said(notice=too_long_text(len(inbound.text), language if isinstance(language, str) else "ja"))
        invocation = self.commands.parse(inbound.text) if commands else None
        if invocation is not None:
            spoken = language if isinstance(language, str) else await language()
            hint = inbound.join_hint(spoken) if callable(inbound.join_hint) else inbound.join_hint
            request = Request(
                platform=inbound.platform,
                target=inbound.target,
                user=inbound.user,
                is_admin=inbound.is_admin,
                now=self.dispatcher.clock(),
                arguments=invocation.arguments,
                conversation_id=inbound.conversation_id,
                place=inbound.place,
                join_hint=hint,
                language=spoken,
            )
            return Said(reply=await self.commands.run(invocation, request))
        try:
            asked = await self.dispatcher.take_turn(
                inbound.text,
                inbound.conversation_id,
                platform=inbound.platform,
                user_id=inbound.user.user_id,
                received_at=inbound.received_at,
            )
        except Exception:
            log.exception("the engine failed on a %s question", inbound.platform)
            return Said(notice=say("apology", language if isinstance(language, str) else "ja"))
        return Said(asked=asked)
