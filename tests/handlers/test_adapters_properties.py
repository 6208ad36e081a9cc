"""Hostile input thrown at every adapter's parsing and rendering (the engine's own property test
is tests/test_engine_properties.py): arbitrary Unicode, huge input, Slack and Teams mention
markup, entities, control characters and lone surrogates.

For every input: no exception, a reply, and no mention or link from user input left live in any
Slack text (message text or any block's text). Teams cards stay valid Adaptive Cards whose
visible text has no card markdown from the user; the console answers every line.

The last tests send a fixed set of such inputs through the real running apps (signed Slack
requests, Teams activities to /api/messages) and check what reached the fakes.
"""

from __future__ import annotations

import asyncio
import io
import json
import re
import subprocess
import sys
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from microsoft_agents.activity import Activity

from bot.answering.help import MAX_QUESTION_CHARS
from bot.commands.registry import COMMANDS, Commands, Services, split_first_word
from bot.ops.feedback import InMemoryFeedbackRecorder
from bot.ops.insights import StoreReport
from bot.store.store import Store
from handlers.console import PROMPT, run_chat, to_console_text
from handlers.inbound import to_clean_text
from handlers.slack.answer_blocks import CHOICE_ACTION_PREFIX, ButtonPayload
from handlers.slack.blocks import Message
from handlers.slack.dedup import InMemoryEventDeduplicator
from handlers.slack.incoming import to_question as to_slack_question
from handlers.slack.listeners import SlackBot
from handlers.teams.activities import TeamsBot
from handlers.teams.answer_cards import SubmitPayload
from handlers.teams.cards import Card, to_card_activity
from handlers.teams.incoming import to_question as to_teams_question
from tests.conftest import ROOT
from tests.fakes.fake_slack import FakeSlack
from tests.fakes.slack_app import (
    RunningApp,
    assert_round_trips,
    direct_message,
    event_callback,
    make_dispatcher,
    make_settings,
    mention,
    running_app,
    slash_command,
)
from tests.teams_support import BOT, Activities, TeamsRig, assert_valid_card, running_teams

pytestmark = pytest.mark.adapter

T = TypeVar("T")
BOT_USER_ID = "UBOT"
BOT_NAME = str(BOT["name"])

MARKUP = [
    # Slack: special mentions, user / channel / group mentions, links, dates, entities
    "<!channel>", "<!here>", "<!everyone>", "<!here|here>", "<@U123>", "<@U123|sato>", "<@UBOT>", "<#C1|x>",
    "<#C1>", "<https://x|y>", "<https://evil.example>", "<mailto:a@b.jp|a>", "<!subteam^S1|@team>",
    "<!date^1392734382^{date}|2014>", "&lt;!channel&gt;", "&lt;@U9&gt;", "&amp;lt;!here&amp;gt;", "&amp;", "&lt;",
    "&gt;", "&#60;", "<", ">", "&", "|", "<<!channel>>", "<@U1<!here>>",
    # Teams: mentions, tags, entities
    f"<at>{BOT_NAME}</at>", "<at>佐藤</at>", "<at id=\"1\">x</at>", "<at>", "</at>", "<at ", "<b>", "</p>",
    "&lt;at&gt;x&lt;/at&gt;", "&#0;", "&#xD800;", "&#x1b;", "&nbsp;",
    # card / mrkdwn formatting
    "*bold*", "_it_", "~s~", "`code`", "```", "[here](https://evil.example)", "![x](https://evil.example/x.png)",
    # controls, invisible and odd characters, lone surrogates
    "\x00", "\x07", "\x1b[31m", "\r", "\n", "\t", "\x85", "\u2028", "\u202e", "\u2066", "\u200b", "\ufeff",
    "\ud800", "\udcff", "\U0001f363", "\U0001f468\u200d\U0001f469", "　",
    # words the bot knows, and command words
    "帯広", "おびひろ", "ｵﾋﾞﾋﾛ", "muroran", "連携事項", "締結式", "いつ", "各市", "help", "list", "ｈｅｌｐ", "?",
    "schedule", "remind", "remind on", "report", "reload",
]
FRAGMENTS = st.sampled_from(MARKUP)
HOSTILE = st.one_of(
    st.text(max_size=200),                                           # arbitrary Unicode
    st.text(alphabet=st.characters(codec="utf-8"), max_size=60),     # …including every control
    st.lists(FRAGMENTS, max_size=16).map("".join),                   # markup soup
    st.lists(st.one_of(FRAGMENTS, st.text(max_size=4)), max_size=10).map(" ".join),
    st.builds(lambda fragment, times: fragment * times, FRAGMENTS, st.integers(200, 6000)),  # huge
    st.text(min_size=MAX_QUESTION_CHARS - 2, max_size=MAX_QUESTION_CHARS + 2),  # around the limit
)
PROPERTY = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])

# A live Slack control sequence starts with "<"; in mrkdwn every "&" must start an entity we wrote.
RAW_AMPERSAND = re.compile(r"&(?!amp;|lt;|gt;)")
LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CARD_MARKDOWN = re.compile(r"[*_\[\]]")


# --- checks --------------------------------------------------------------------------------------


def slack_texts(message: Message) -> Iterator[tuple[str, str]]:
    """(type, text) of everything Slack renders: the message text (mrkdwn) and every text object."""
    yield "mrkdwn", message.text
    yield from _text_objects(message.blocks)


def _text_objects(value: Any) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        if value.get("type") in ("mrkdwn", "plain_text") and isinstance(value.get("text"), str):
            yield value["type"], value["text"]
        for item in value.values():
            yield from _text_objects(item)
    elif isinstance(value, list):
        for item in value:
            yield from _text_objects(item)


def assert_safe_slack_text(kind: str, text: str) -> None:
    assert "<" not in text and ">" not in text, f"live markup in {kind}: {text[:200]!r}"
    if kind == "mrkdwn":
        assert not RAW_AMPERSAND.search(text), f"unescaped & in mrkdwn: {text[:200]!r}"
    assert not LONE_SURROGATE.search(text)
    text.encode("utf-8")


def assert_safe_slack_message(message: Message) -> None:
    assert message.text.strip() and message.blocks
    for kind, text in slack_texts(message):
        assert_safe_slack_text(kind, text)
    assert_round_trips(message.blocks)  # slack_sdk's models: Block Kit's shapes and limits


def button_values(blocks: list[dict[str, Any]]) -> dict[str, str]:
    """action_id → value of every button."""
    return {str(element["action_id"]): str(element["value"]) for block in blocks if block.get("type") == "actions"
            for element in block["elements"] if "value" in element}


def card_texts(value: Any) -> Iterator[str]:
    """What a Teams client shows of a card: TextBlock text, fact titles/values, button titles."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("text", "title", "value") and isinstance(item, str):
                yield item
            elif key not in ("data", "fallbackText"):  # `data` is sent back, never shown
                yield from card_texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from card_texts(item)


def assert_safe_card(card: Card) -> None:
    assert_valid_card(card)
    assert card["body"]
    for text in card_texts(card):
        assert not CARD_MARKDOWN.search(text), f"card markdown from input: {text[:200]!r}"
    json.dumps(card, ensure_ascii=False).encode("utf-8")  # no lone surrogate on the wire
    to_card_activity(card).model_dump(mode="json", by_alias=True, exclude_none=True)


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def slack_bot() -> SlackBot:
    dispatcher = make_dispatcher()
    return SlackBot(dispatcher, InMemoryFeedbackRecorder(), deduplicator=InMemoryEventDeduplicator(),
                    commands=Commands(Services(knowledge=lambda: dispatcher.kb)), command="/renkei")


@pytest.fixture(scope="module")
def teams_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('teams') / 'renkei.db'}")
    yield store
    store.close()


@pytest.fixture(scope="module")
def teams_bot(teams_store: Store) -> TeamsBot:
    dispatcher = make_dispatcher()
    commands = Commands(Services(knowledge=lambda: dispatcher.kb, subscriptions=teams_store.subscriptions,
                                 deliveries=teams_store.ledger, reports=StoreReport(teams_store)))
    return TeamsBot(dispatcher, InMemoryFeedbackRecorder(), commands=commands, references=teams_store.references,
                    subscriptions=teams_store.subscriptions)


ACTIVITIES = Activities("http://127.0.0.1:9/")


# --- parsing -------------------------------------------------------------------------------------


@PROPERTY
@given(text=HOSTILE)
@example(text="<at>" * 20_000)
@example(text="<at " * 20_000)
@example(text="<a" * 20_000)
def test_incoming_text_becomes_a_clean_question(text: str) -> None:
    for question in (to_slack_question(text, BOT_USER_ID), to_slack_question(text),
                     to_teams_question(text, BOT_NAME), to_teams_question(text)):
        assert question == question.strip()
        assert not LONE_SURROGATE.search(question) and not CONTROL.search(question)
        question.encode("utf-8")
        split_first_word(question)
        COMMANDS.parse(question)


def test_mentions_become_readable_words() -> None:
    slack = to_slack_question("<@UBOT> <!channel> <!here|here> <@U1|sato> <#C1|general> <https://x.jp|link> "
                              "&lt;!everyone&gt;\x00\u202e帯広\ud800", BOT_USER_ID)
    assert slack == "@channel @here @sato #general link <!everyone>帯広\ufffd"
    teams = to_teams_question(f"<at>{BOT_NAME}</at> <at>佐藤</at> <b>帯広</b>&lt;at&gt;\x1b&#xD800;", BOT_NAME)
    assert teams == "@佐藤 帯広 <at>\ufffd"
    assert to_clean_text("a\x00b\u202ec\ud83c\udf63\U0001f363") == "abc\ufffd\ufffd\U0001f363"


@PROPERTY
@given(value=st.one_of(st.text(max_size=300), st.lists(FRAGMENTS).map("".join),
                       st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                                    lambda inner: st.lists(inner, max_size=4)
                                    | st.dictionaries(st.sampled_from(["q", "c", "k", "t", "renkei", "helpful"]),
                                                      inner, max_size=6)).map(json.dumps)))
@example(value="[" * 2000)
def test_button_values_parse_or_are_refused(value: str) -> None:
    # Slack sends the value string back as we set it; Teams merges the data object into
    # activity.value, which the SDK has parsed from JSON already.
    slack = parse_or_refuse(ButtonPayload.from_value, value)
    assert slack is None or (isinstance(slack.question, str) and isinstance(slack.conversation_id, str))
    try:
        data = json.loads(value)
    except (ValueError, RecursionError):
        return
    teams = parse_or_refuse(SubmitPayload.from_value, data)
    assert teams is None or (isinstance(teams.question, str) and teams.action in ("choice", "feedback"))


def parse_or_refuse(parse: Callable[[Any], T], value: Any) -> T | None:
    """What `parse` returns, or None when it refused the value with ValueError (any other
    exception fails the test)."""
    try:
        return parse(value)
    except ValueError:
        return None


# --- rendering -----------------------------------------------------------------------------------


@PROPERTY
@given(text=HOSTILE)
@example(text="<!channel> <@U123> <#C1|x> <https://x|y> 帯広の連携事項は?")
@example(text="&lt;!channel&gt; &amp; 帯広と室蘭")
@example(text="&" * 999)
def test_slack_replies_never_carry_a_live_mention(slack_bot: SlackBot, text: str) -> None:
    for question, share in ((to_slack_question(text, BOT_USER_ID), False), (to_slack_question(text), True)):
        message = asyncio.run(slack_bot.reply(question, "slack:T:C:1.0", channel="C", user_id="U1", share=share)).message
        assert_safe_slack_message(message)
        for action_id, value in button_values(message.blocks).items():
            payload = ButtonPayload.from_value(value)
            if not action_id.startswith(CHOICE_ACTION_PREFIX):
                # 👍 / 👎 / share carry the question back exactly, unless it had to be cut.
                assert payload.question == question or payload.question.endswith("…")


@PROPERTY
@given(text=HOSTILE)
@example(text=f"<at>{BOT_NAME}</at> [here](https://evil.example) *帯広*の_連携_事項")
@example(text="remind " + "<at>x</at>" * 300)
def test_teams_cards_stay_valid_and_inert(teams_bot: TeamsBot, text: str) -> None:
    activity = Activity.model_validate(ACTIVITIES.message(text))
    card, _ = asyncio.run(teams_bot.respond(to_teams_question(text, BOT_NAME), activity))
    assert_safe_card(card)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=HOSTILE)
def test_the_console_answers_every_line(text: str) -> None:
    dispatcher = make_dispatcher()
    line = text.replace("\n", " ")
    assert to_console_text(asyncio.run(dispatcher.ask(line, "console"))).strip()
    out = io.StringIO()
    assert run_chat(dispatcher, io.StringIO(line + "\n"), out) == 0
    reply = out.getvalue().split(PROMPT)[1]
    assert reply.strip()


def test_the_console_process_survives_bytes_that_are_not_utf8() -> None:
    env = {"PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8", "DATA_PATH": str(ROOT / "data" / "partnerships.yaml")}
    stdin = b"\xff\xfe<!channel>\n\xed\xa0\x80\x00\n" + "帯広の連携事項は?\n".encode()
    done = subprocess.run([sys.executable, str(ROOT / "app.py"), "chat"], input=stdin, capture_output=True,
                          cwd=ROOT, env=env, timeout=60, check=False)
    out = done.stdout.decode("utf-8")
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert out.count("あなた> ") == 4  # three lines answered, then end of input
    assert "帯広市の主な連携・協力事項" in out


# --- through the running apps --------------------------------------------------------------------

E2E_INPUTS = [
    "<!channel> <!here> <!everyone> <@U0OTHER> <#C1|general> <https://evil.example|click> 帯広の連携事項は?",
    "&lt;!channel&gt; &amp;lt;@U1&amp;gt; <!subteam^S1|@team> <<!here>> 締結式はいつ?",
    "\x00\x07\x1b[31m\u202e帯広\ud800 *太字* [link](https://evil.example)",
    "<at>Renkei Bot</at> " + "<at>" * 3000,
    "<!channel>" * 400,
    "ｈｅｌｐ",
]


async def post_json(app: RunningApp, payload: dict[str, Any]) -> int:
    # json.dumps escapes everything outside ASCII, so a lone surrogate travels as "\ud800", as a
    # client could send it.
    status, _ = await app.post_signed(json.dumps(payload), "application/json")
    return status


async def test_hostile_slack_events_get_one_inert_reply_each(slack: FakeSlack) -> None:
    async with running_app(make_settings(slack), make_dispatcher()) as app:
        for index, text in enumerate(E2E_INPUTS):
            assert await post_json(app, event_callback(mention(f"<@{BOT_USER_ID}> {text}"))) == 200
            assert await post_json(app, event_callback(direct_message(text))) == 200
            command = slash_command(text, response_url=slack.response_url(f"hostile{index}"))
            # A lone surrogate can only travel as the bytes it would be (not UTF-8: %ED%A0%80).
            form = urllib.parse.urlencode(command, encoding="utf-8", errors="surrogatepass")
            status, _ = await app.post_signed(form, "application/x-www-form-urlencoded")
            assert status == 200
        await app.settle()
    replies = slack.calls_to("chat.postMessage") + slack.calls_to("response_url")
    assert len(replies) == 3 * len(E2E_INPUTS)
    for call in replies:
        message = Message(str(call.body.get("text", "")), list(call.body.get("blocks") or []))
        assert_safe_slack_message(message)


async def test_hostile_teams_messages_get_one_valid_card_each(tmp_path: Path) -> None:
    rig: TeamsRig
    async with running_teams(tmp_path) as rig:
        for text in E2E_INPUTS:
            activity = rig.activities.message(text)
            async with rig.session.post(f"{rig.url}/api/messages", data=json.dumps(activity),
                                        headers={"Content-Type": "application/json"}) as response:
                assert response.status in (200, 202)
        calls = await rig.connector.wait_for(len(E2E_INPUTS))
    assert len(rig.connector.calls) == len(E2E_INPUTS)
    for call in calls:
        assert_safe_card(call.card)
