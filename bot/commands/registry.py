"""The bot's commands — help, list, schedule, remind, report, reload — written once for every platform.

A command is one async function of a neutral `Request` (platform, target, user, is_admin, now,
arguments) returning a neutral `Reply`, declared once with its words and help:

    @command("schedule", aliases=("予定", "スケジュール"), description="今後の締結式・イベントとリマインダーの予定")
    async def show_schedule(request: Request, services: Services) -> Reply:
        ...

Every platform finds it by the same words (`parse`: width, case and kana folded once), shows it in
its help and menu, and renders its `Reply` its own way (Block Kit, Adaptive Card, text), the way
answers cross the boundary as `Answer`. Adapters never name a command.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

import jaconv

from bot.answering.help import to_examples, to_intro
from bot.knowledge.dates import format_date, format_when
from bot.knowledge.model import Event, KnowledgeBase, Partner
from bot.language.messages import CATALOG, say
from bot.ops.reload import ReloadResult
from bot.reminders.due import upcoming_reminders
from bot.reminders.schedule_view import format_offset_in, format_schedule, format_time
from bot.store.records import AnnouncementRecord, AnnouncementStatus, FailedDelivery, Subscriber, Target

log = logging.getLogger(__name__)

# The Japanese words, for code that has no Request (bot/language/messages.py has both languages).
APOLOGY = say("apology")
ADMINS_ONLY = say("admins_only")
UNAVAILABLE = say("no_database")
NO_TARGET = say("no_reminder_target")
LIST_LIMIT = 5

_SPACES = re.compile(r"\s+")


# --- the command word ----------------------------------------------------------------------------


def normalise_word(word: str) -> str:
    """One spelling per word: full-width → ASCII (NFKC), case folded, hiragana → katakana, so
    「ＲＥＭＩＮＤ」, "Remind" and "remind" are one word, and 「りまいんだー」 is 「リマインダー」."""
    return jaconv.hira2kata(unicodedata.normalize("NFKC", word).casefold())


def split_first_word(text: str) -> tuple[str, str]:
    """The first word, normalised, and the rest as typed (「remind　ＯＮ」 → ("remind", "ＯＮ"))."""
    parts = _SPACES.split(text.strip(), maxsplit=1)
    word = normalise_word(parts[0]) if parts[0] else ""
    return word, parts[1] if len(parts) > 1 else ""


# --- what a reply holds --------------------------------------------------------------------------


@dataclass(frozen=True)
class Mention:
    """A user named in a reply: Slack makes it a live mention, Teams shows the display name."""

    user_id: str
    name: str = ""


@dataclass(frozen=True)
class Typed:
    """Command words the user can type, e.g. "remind on": `/renkei remind on` in Slack, 「remind on」 in Teams."""

    words: str


@dataclass(frozen=True)
class Code:
    """Verbatim text such as an error code (`not_in_channel`)."""

    text: str


Inline = str | Mention | Typed | Code
Line = tuple[Inline, ...]


def to_plain_line(line: Line, *, unnamed: str = say("unnamed_member")) -> str:
    """A line as plain text, for platforms without mentions or code spans: a user by name
    (`unnamed` when the platform does not know it), command words in 「」."""

    def plain(part: Inline) -> str:
        if isinstance(part, Mention):
            return part.name or unnamed
        if isinstance(part, Typed):
            return f"「{part.words}」"
        if isinstance(part, Code):
            return part.text
        return part

    return "".join(plain(part) for part in line)


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of a notice: an optional heading, then its lines (as bullets when `bulleted`)."""

    lines: tuple[Line, ...]
    heading: str = ""
    bulleted: bool = False


@dataclass(frozen=True)
class Notice:
    """A command's plain reply. `visible`: everyone in the conversation should see it (a change
    they share), where the platform would otherwise show a command's reply to the caller only."""

    paragraphs: tuple[Paragraph, ...]
    title: str = ""
    visible: bool = False
    language: str = "ja"  # of its words: how a platform names a user it cannot name

    @classmethod
    def of(cls, *lines: Line | str, title: str = "", visible: bool = False, language: str = "ja") -> Notice:
        as_lines = tuple((line,) if isinstance(line, str) else line for line in lines)
        return cls((Paragraph(as_lines),), title=title, visible=visible, language=language)


@dataclass(frozen=True)
class CommandHelp:
    name: str
    usage: str
    description: str
    admin_only: bool

    @property
    def synopsis(self) -> str:
        return f"{self.name} {self.usage}".strip()


@dataclass(frozen=True)
class HelpView:
    """`help`: what the bot answers, examples, and every command. Adapters add how to ask on them."""

    intro: str
    topics: tuple[str, ...]
    examples: tuple[str, ...]
    commands: tuple[CommandHelp, ...]
    source: str
    language: str = "ja"  # of the bot's own words in it (bot/language/messages.py); the facts stay Japanese


@dataclass(frozen=True)
class PartnerRow:
    name: str
    theme: str
    ceremony_title: str
    ceremony_when: str
    ceremony_place: str
    ceremony_status: str  # 「開催予定（あと3日）」「予定日を過ぎています」, 「開催されました」 only when recorded


@dataclass(frozen=True)
class PartnersView:
    """`list`: the partners, their themes and ceremonies, and the source document."""

    partners: tuple[PartnerRow, ...]
    source: str
    intro: str = ""
    examples: tuple[str, ...] = ()
    language: str = "ja"  # of the bot's own words in it; themes and places stay as the documents state them


@dataclass(frozen=True)
class ScheduleView:
    """`schedule`: upcoming events with their reminder times (text), every ceremony's status, and
    the new-memorandum announcements sent and pending (one line each)."""

    text: str
    partners: PartnersView
    announcements: tuple[str, ...] = ()
    language: str = "ja"


@dataclass(frozen=True)
class ReportView:
    """`report`: the maintainers' report as `python app.py report` prints it (markdown-like text)."""

    report: str
    language: str = "ja"


Reply = Notice | HelpView | PartnersView | ScheduleView | ReportView


# --- what a command is asked -------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """Who ran a command where. `target` is where reminders for this conversation go (a channel,
    never one of its threads); None where nothing can be posted later (the console). `place` is
    what the platform calls a conversation (「チャンネル」, 「会話」), `join_hint` what a user does so
    the bot can post there."""

    platform: str
    target: Target | None
    user: Mention
    is_admin: bool
    now: datetime
    arguments: str = ""
    conversation_id: str = ""
    place: str = "会話"
    join_hint: Line = ()
    # The user's language where the platform says (Teams' locale, Slack's users.info): help and refusals.
    language: str = "ja"


class SubscriptionBook(Protocol):
    """Which conversations receive reminders."""

    async def turn_on(self, target: Target, user_id: str, now: datetime) -> bool: ...
    async def turn_off(self, target: Target) -> bool: ...
    async def subscriber(self, target: Target) -> Subscriber | None: ...


class DeliveryHistory(Protocol):
    """What became of the reminders posted to a conversation."""

    async def failed_deliveries(self, target: Target, limit: int) -> list[FailedDelivery]: ...


class AnnouncementHistory(Protocol):
    """The new-memorandum announcements sent and pending, of one conversation or (None) all."""

    async def announcement_status(self, target: Target | None) -> AnnouncementStatus: ...


class ReportSource(Protocol):
    async def build_report(self, language: str = "ja") -> str: ...


class Reloader(Protocol):
    async def reload_async(self) -> ReloadResult: ...


@dataclass
class Services:
    """What the commands use; a part is None where this process has none (no database: no
    reminders or report; no reloader: no reload)."""

    knowledge: Callable[[], KnowledgeBase]
    subscriptions: SubscriptionBook | None = None
    deliveries: DeliveryHistory | None = None
    reports: ReportSource | None = None
    reloader: Reloader | None = None
    # REMINDER_CHANNELS: targets subscribed by configuration, not by a command.
    configured_targets: Sequence[Target] = ()
    announcements: AnnouncementHistory | None = None


Handler = Callable[[Request, Services], Awaitable[Reply]]


@dataclass(frozen=True)
class Command:
    name: str
    run: Handler = field(repr=False)
    description: str
    usage: str = ""
    aliases: tuple[str, ...] = ()
    admin_only: bool = False
    # With arguments, a word that names a command without any is a question ("help me with…").
    takes_arguments: bool = False

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(normalise_word(word) for word in (self.name, *self.aliases))

    def to_help(self, language: str = "ja") -> CommandHelp:
        key = f"command_{self.name}"
        description = say(key, language) if key in CATALOG else self.description
        return CommandHelp(self.name, self.usage, description, self.admin_only)


@dataclass(frozen=True)
class Invocation:
    command: Command
    arguments: str


class Registry:
    """The commands by name, and by every normalised word that runs them."""

    def __init__(self) -> None:
        self._by_name: dict[str, Command] = {}
        self._by_word: dict[str, Command] = {}

    def add(self, new: Command) -> None:
        taken = [word for word in new.words if word in self._by_word]
        if new.name in self._by_name or taken:
            raise ValueError(f"command {new.name}: the word {(taken or [new.name])[0]!r} is already registered")
        self._by_name[new.name] = new
        self._by_word.update(dict.fromkeys(new.words, new))

    def remove(self, name: str) -> None:
        old = self._by_name.pop(name, None)
        if old is not None:
            self._by_word = {word: known for word, known in self._by_word.items() if known.name != name}

    def parse(self, text: str) -> Invocation | None:
        """The command `text` runs and its arguments (empty text: help); None for a question."""
        word, arguments = split_first_word(text) if text.strip() else ("help", "")
        found = self._by_word.get(word)
        if found is None or (arguments and not found.takes_arguments):
            return None
        return Invocation(found, arguments)

    def __iter__(self) -> Iterator[Command]:
        return iter(self._by_name.values())

    def to_help(self, language: str = "ja") -> tuple[CommandHelp, ...]:
        return tuple(known.to_help(language) for known in self)


COMMANDS = Registry()


def command(name: str, *, description: str, usage: str = "", aliases: tuple[str, ...] = (),
            admin_only: bool = False, takes_arguments: bool = False,
            registry: Registry = COMMANDS) -> Callable[[Handler], Handler]:
    """Declare a command: the decorated function runs it on every platform."""

    def declare(run: Handler) -> Handler:
        registry.add(Command(name, run, description, usage, aliases, admin_only, takes_arguments))
        return run

    return declare


class Commands:
    """Every declared command bound to this process's services: what an adapter calls."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.registry = COMMANDS

    def parse(self, text: str) -> Invocation | None:
        return self.registry.parse(text)

    async def run(self, invocation: Invocation, request: Request) -> Reply:
        """The command's reply; admins only where it says so; an apology when it fails."""
        found = invocation.command
        if found.admin_only and not request.is_admin:
            return Notice.of(say("admins_only", request.language))
        try:
            return await found.run(request, self.services)
        except Exception:
            log.exception("command %s failed", found.name)
            return Notice.of(say("apology", request.language))

    def help_view(self, language: str = "ja") -> HelpView:
        return to_help_view(self.services.knowledge(), self.registry, language)

    def home_view(self, now: datetime, language: str = "ja") -> PartnersView:
        """The overview an app's home page shows: intro, partners with ceremonies, examples."""
        return to_partners_view(self.services.knowledge(), now, with_intro=True, language=language)


# --- views of the knowledge base (the one place commands read it) --------------------------------


def to_source(kb: KnowledgeBase, language: str = "ja") -> str:
    return say("source_separator", language).join(f"{d.title} / {format_date(d.date, language)}" for d in kb.documents)


def to_help_view(kb: KnowledgeBase, registry: Registry, language: str = "ja") -> HelpView:
    topics = tuple(topic.label_in(language) for topic in kb.vocabulary.topics if topic.facet_of is None)
    return HelpView(to_intro(kb, language), topics, tuple(to_examples(kb, language)), registry.to_help(language),
                    to_source(kb, language), language)


def to_partner_row(partner: Partner, now: datetime, kb: KnowledgeBase, language: str = "ja") -> PartnerRow:
    ceremony = partner.ceremony
    # A memorandum announced without a theme heading is shown by its announcement's title.
    theme = partner.theme or kb.document_by_id(partner.engagement.document_id).title
    name = partner.name_in(language)
    if ceremony is None:
        return PartnerRow(name, theme, "", "", "", "")
    return PartnerRow(name, theme, ceremony.title, format_when(ceremony, language), ceremony.place,
                      to_status_word(ceremony, now))


# How adapters mark a ceremony's status: never 「開催済み」 unless the knowledge base records it.
STATUS_MARK_KEYS = {"開催予定": "mark_ahead", "開催されました": "mark_held", "予定日を過ぎています": "mark_past"}
STATUS_MARKS = {word: say(key) for word, key in STATUS_MARK_KEYS.items()}


def to_status_mark(status: str, language: str = "ja") -> str:
    """A row's status word (「開催予定」…) as the mark shown beside its ceremony, in `language`."""
    return say(STATUS_MARK_KEYS.get(status, "mark_past"), language)


def to_status_word(event: Event, now: datetime) -> str:
    if now < event.starts_at:
        return "開催予定"
    return "開催されました" if event.held else "予定日を過ぎています"


def to_partners_view(kb: KnowledgeBase, now: datetime, *, with_intro: bool = False,
                     language: str = "ja") -> PartnersView:
    rows = tuple(to_partner_row(partner, now, kb, language) for partner in kb.partners)
    source = to_source(kb, language)
    if not with_intro:
        return PartnersView(rows, source, language=language)
    return PartnersView(rows, source, to_intro(kb, language), tuple(to_examples(kb, language)), language)


def to_schedule_view(kb: KnowledgeBase, now: datetime, announcements: AnnouncementStatus | None = None,
                     language: str = "ja") -> ScheduleView:
    lines = to_announcement_lines(announcements, with_target=True, language=language) if announcements else ()
    return ScheduleView(format_schedule(kb, now, language), to_partners_view(kb, now, language=language), lines,
                        language)


ANNOUNCEMENT_MARK_KEYS = {
    "sent": "announce_sent", "late": "announce_sent", "unknown": "announce_unknown", "failed": "announce_failed",
    "claimed": "announce_claimed", "pending": "announce_pending", "missed": "announce_failed",
}
ANNOUNCEMENT_MARKS = {status: say(key) for status, key in ANNOUNCEMENT_MARK_KEYS.items()}
ANNOUNCEMENTS_HEADING = say("announcements_heading")


def to_announcement_lines(status: AnnouncementStatus, *, with_target: bool = False,
                          limit: int = LIST_LIMIT, language: str = "ja") -> tuple[str, ...]:
    """「✅ 送信済み 2027年1月15日（金） 10:00 — 釧路市と覚書を締結します」, the latest first, then pending
    (the title as it was posted: announcements are posted in Japanese)."""
    def line(record: AnnouncementRecord) -> str:
        key = ANNOUNCEMENT_MARK_KEYS.get(record.status)
        mark = say(key, language) if key else record.status
        when = f" {format_time(record.at, language)}" if record.at else ""
        kind = say("announce_correction", language) if record.correction else ""
        where = f" → {record.target}" if with_target else ""
        return f"{mark}{when} — {record.title}{kind}{where}"

    sent = [line(r) for r in reversed(status.sent)][:limit]
    pending = [line(r) for r in status.pending][:limit]
    return tuple(sent + pending)


# --- the commands --------------------------------------------------------------------------------


@command("help", aliases=("ヘルプ", "使い方", "?"), description="使い方と質問の例")
async def show_help(request: Request, services: Services) -> Reply:
    return to_help_view(services.knowledge(), COMMANDS, request.language)


@command("list", aliases=("リスト", "一覧"), description="覚書を締結した市とテーマの一覧")
async def show_partners(request: Request, services: Services) -> Reply:
    return to_partners_view(services.knowledge(), request.now, language=request.language)


@command("schedule", aliases=("予定", "スケジュール"), description="今後の締結式・イベントとリマインダーの予定")
async def show_schedule(request: Request, services: Services) -> Reply:
    status = await services.announcements.announcement_status(None) if services.announcements else None
    return to_schedule_view(services.knowledge(), request.now, status, request.language)


REMIND_TITLE = say("remind_title")
REMIND_ACTIONS = {normalise_word(word): action for action, words in {
    "on": ("on", "オン"), "off": ("off", "オフ"), "list": ("list", "リスト", "一覧"),
}.items() for word in words}


@command("remind", usage="on|off|list", aliases=("リマインダー", "リマインド"), takes_arguments=True,
         description="この会話・チャンネルで締結式・イベントのリマインダーを受け取る（on / off / list）")
async def remind(request: Request, services: Services) -> Reply:
    if services.subscriptions is None:
        return Notice.of(say("no_database", request.language), title=say("remind_title", request.language))
    if request.target is None:
        return Notice.of(say("no_reminder_target", request.language), title=say("remind_title", request.language))
    action = REMIND_ACTIONS.get(split_first_word(request.arguments)[0] or "list")
    if action == "on":
        return await remind_on(request, request.target, services.subscriptions)
    if action == "off":
        return await remind_off(request, request.target, services)
    if action == "list":
        return await remind_list(request, request.target, services)
    return Notice.of(to_remind_usage(request.place, request.language), title=say("remind_title", request.language))


def to_remind_usage(place: str, language: str = "ja") -> Line:
    return (say("remind_usage", language), Typed("remind on"), say("remind_usage_on", language, place=place),
            Typed("remind off"), say("remind_usage_off", language), Typed("remind list"),
            say("remind_usage_list", language))


async def remind_on(request: Request, target: Target, book: SubscriptionBook) -> Reply:
    lang, place, title = request.language, request.place, say("remind_title", request.language)
    if not await book.turn_on(target, request.user.user_id, request.now):
        return Notice.of(say("remind_already_on", lang, place=place), title=title, language=lang)
    log.info("reminders on: %s", target)
    done: Line = (request.user, say("remind_turned_on", lang, place=place))
    lines = [done, request.join_hint] if request.join_hint else [done]
    return Notice.of(*lines, title=title, visible=True, language=lang)


async def remind_off(request: Request, target: Target, services: Services) -> Reply:
    assert services.subscriptions is not None
    configured = target in services.configured_targets
    lang, place, title = request.language, request.place, say("remind_title", request.language)
    if not await services.subscriptions.turn_off(target):
        if configured:
            return Notice.of(say("remind_configured", lang, place=place), title=title, language=lang)
        return Notice.of(say("remind_not_on", lang, place=place), title=title, language=lang)
    log.info("reminders off: %s", target)
    lines: list[Line] = [(request.user, say("remind_turned_off", lang, place=place))]
    if configured:
        lines.append((say("remind_still_configured", lang),))
    return Notice.of(*lines, title=title, visible=True, language=lang)


async def remind_list(request: Request, target: Target, services: Services) -> Reply:
    """This conversation's subscription, its next reminders and its failed deliveries."""
    assert services.subscriptions is not None
    subscriber = await services.subscriptions.subscriber(target)
    failures = await services.deliveries.failed_deliveries(target, LIST_LIMIT) if services.deliveries else []
    lang = request.language
    state: list[Line] = []
    if subscriber:
        state.append((say("remind_on_by", lang), Mention(subscriber.user_id),
                      say("remind_on_since", lang, since=format_time(subscriber.since, lang))))
    if target in services.configured_targets:
        state.append((say("remind_on_configured", lang),))
    if not state:
        state.append((say("remind_off_state", lang), Typed("remind on"), say("remind_off_hint", lang)))
    upcoming = upcoming_reminders(services.knowledge().all_events(), request.now)[:LIST_LIMIT]
    next_lines = [(say("remind_next_line", lang, time=format_time(r.due_at, lang), title=r.event.title,
                       offset=format_offset_in(r.offset, lang)),) for r in upcoming]
    paragraphs = [
        Paragraph(tuple(state), heading=say("remind_here", lang, place=request.place)),
        Paragraph(tuple(next_lines) or ((say("remind_none", lang),),), heading=say("remind_next", lang), bulleted=True),
    ]
    if failures:
        failed = tuple((f"{format_time(row.due_at, lang)} {row.event_id}: ", Code(row.error)) for row in failures)
        paragraphs.append(Paragraph(failed, heading=say("remind_failed", lang), bulleted=True))
    if services.announcements is not None:
        announced = to_announcement_lines(await services.announcements.announcement_status(target), language=lang)
        paragraphs.append(Paragraph(tuple((text,) for text in announced) or ((say("nothing", lang),),),
                                    heading=say("announcements_heading", lang), bulleted=True))
    return Notice(tuple(paragraphs), title=say("remind_title", lang), language=lang)


@command("report", aliases=("レポート",), admin_only=True,
         description="答えられなかった質問・聞き返し・フィードバックの集計（管理者のみ）")
async def show_report(request: Request, services: Services) -> Reply:
    if services.reports is None:
        return Notice.of(say("no_database", request.language))
    log.info("report requested by an admin", extra={"conversation_id": request.conversation_id})
    return ReportView(await services.reports.build_report(request.language), request.language)


@command("reload", aliases=("再読み込み",), admin_only=True,
         description="知識ベース（YAML）を再読み込みしてリマインダーを組み直す（管理者のみ）")
async def reload_knowledge(request: Request, services: Services) -> Reply:
    if services.reloader is None:
        return Notice.of(say("no_reload", request.language))
    log.info("knowledge reload requested by an admin")
    result = await services.reloader.reload_async()
    if not result.ok:
        problems = tuple((problem,) for problem in result.problems[:10])
        return Notice((Paragraph(((say("reload_rejected", request.language),),)),
                       Paragraph(problems, bulleted=True)))
    notes = tuple((note,) for note in result.notes if note)
    return Notice.of(say("reload_done", request.language, summary=result.summary), *notes)


# --- the README's table --------------------------------------------------------------------------


def to_commands_table(registry: Registry = COMMANDS) -> str:
    """Every command as a Markdown table: `python app.py commands` prints it for the README."""
    rows = ["| Command | Also typed as | What it does | Who |", "| --- | --- | --- | --- |"]
    for known in registry:
        aliases = ", ".join(known.aliases)
        who = "admins" if known.admin_only else "everyone"
        synopsis = known.to_help().synopsis.replace("|", "\\|")  # a bare "|" would end the cell
        rows.append(f"| `{synopsis}` | {aliases} | {known.description} | {who} |")
    return "\n".join(rows) + "\n"
