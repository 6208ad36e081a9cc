"""What the card buttons need: whether an answer may replace its card, which answer a vote is
about, the cards sent lately (for a vote to update its own), a replayed action's claim, and the
answer to an Action.Execute invoke."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from typing import Protocol

from microsoft_agents.activity import Activity, ActivityTypes, InvokeResponse

from handlers.teams.answer_cards import SubmitPayload
from handlers.teams.cards import Card
from handlers.teams.incoming import is_shared

NOT_SUPPORTED = ("このボタンには対応していません。Renkei Bot のカードのボタンは Teams のチャットとチャネルで"
                 "お使いください。質問はメッセージで送ることもできます。")


def may_replace(activity: Activity, payload: SubmitPayload) -> bool:
    """A choice's answer may replace its card in a one-to-one chat, and anywhere for a
    clarification (it asked only the one person); in a shared conversation an answer stays."""
    return not is_shared(activity) or payload.kind == "clarify"


def to_answer_id(activity: Activity, payload: SubmitPayload) -> str:
    """The answer a vote is about: the card's message, else the question in this conversation."""
    conversation_id = activity.conversation.id if activity.conversation else ""
    return f"{conversation_id}|{activity.reply_to_id or payload.question}"


def to_not_supported_response() -> Activity:
    """The invoke response to an Action.Execute: HTTP 200, a message the client shows."""
    body = {"statusCode": 200, "type": "application/vnd.microsoft.activity.message", "value": NOT_SUPPORTED}
    return Activity(type=ActivityTypes.invoke_response, value=InvokeResponse(status=200, body=body))


class SentCards:
    """The cards this process sent lately, by activity id, so a vote can update its own card
    (Teams sends only the button's data back). Bounded; a card not here is left as it is."""

    def __init__(self, max_cards: int = 2_000) -> None:
        self.max_cards = max_cards
        self._cards: OrderedDict[str, Card] = OrderedDict()

    def remember(self, activity_id: str, card: Card) -> None:
        self._cards[activity_id] = card
        self._cards.move_to_end(activity_id)
        while len(self._cards) > self.max_cards:
            self._cards.popitem(last=False)

    def get(self, activity_id: str | None) -> Card | None:
        return self._cards.get(activity_id) if activity_id else None


class ActionClaims(Protocol):
    """Which card actions were already taken on (the store's event claims, shared by instances)."""

    async def claim(self, event_id: str) -> bool: ...


def to_action_key(activity: Activity) -> str | None:
    """A card action's claim: the same Action.Submit activity delivered again (a replay) has the
    same conversation and activity id. None when the activity carries no id."""
    if not activity.id:
        return None
    conversation_id = activity.conversation.id if activity.conversation else ""
    return "teams-action:" + hashlib.sha256(f"{conversation_id}\x1f{activity.id}".encode()).hexdigest()
