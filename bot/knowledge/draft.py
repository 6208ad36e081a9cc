"""Draft a knowledge-base entry from an announcement: `python app.py draft SOURCE.md|.html|.pdf`.

Reads a press release in Markdown or plain text, or saved as an HTML page or a PDF
(bot/knowledge/source_text.py turns those into the same lines), as the bureau writes them (a title, a date line,
the issuer, a お問い合わせ先 block, lead paragraphs, 日時/場所/出席者 or 【日時】【場所】【出席者】
ceremony blocks, headed sections with bullet items) and prints one entry for the `documents:`
list of data/partnerships.yaml, in its shape and key order, plus a commented `partners:` entry
for each city the knowledge base does not know yet.

It never invents a value: every value is copied from the source (dates and times only converted
to ISO and "H:MM"), or it is `TODO` with a YAML comment saying what to fill in. It never writes a
file and never decides what a person must: a reviewer fills the TODOs, then `app.py check` validates.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TextIO, TypeAlias

import yaml

TODO = "TODO"
INDENT = "  "
FLOW_WIDTH = 100
FLOW_ITEM = 40
FLOW_LIST_ITEM = 12
FLOW_LIST_KEYS = {"persons", "aliases", "synonyms"}


class DraftError(Exception):
    """The source cannot be drafted from (missing, unreadable or empty)."""


@dataclass(frozen=True)
class Todo:
    """A value the source does not give: rendered as `TODO  # hint`."""

    hint: str


Value: TypeAlias = "str | int | date | Todo | list[Value] | dict[str, Value]"
Entry = dict[str, Value]


@dataclass
class Block:
    """One Markdown heading and the lines under it, up to the next heading."""

    level: int
    heading: str
    lines: list[str] = field(default_factory=list)


@dataclass
class Draft:
    """The drafted `documents:` entry and the cities missing from `partners:`."""

    entry: Entry
    new_partners: list[str]
    source_name: str


# --- text helpers -------------------------------------------------------------------------------

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_PLAIN_HEADING = re.compile(r"^(?:《(.+)》|[■◆]\s*(.+))$")
_BULLET = re.compile(r"^(?:[-*+]\s+|・\s*|●\s*)")
_NUMBERING = re.compile(r"^(?:[(（]\s*\d+\s*[)）]|\d+[.)．]|[①-⑳]|・)\s*")
_SUBTITLE = re.compile(r"^(.*?)\s*[～〜~]\s*(.+?)\s*[～〜~]\s*$")
_TRAILING_PARENS = re.compile(r"^(.*?)\s*[（(]([^（）()]+)[）)]\s*$")
_CITY = r"[\u4e00-\u9fff\u3040-\u30ff]{1,6}?[市町村]"
_CITY_ONLY = re.compile(rf"^{_CITY}$")
_CITY_IN_TEXT = re.compile(rf"({_CITY})(?=、|，|,|・|と|及び|および|$)")
_NOT_CITIES = {"都市", "各市", "全市", "本市", "当市", "同市", "市町村"}
_ORGANISATION = re.compile(r"(?:局|省|庁|市|町|村|府|県|道|都|機構|協会|会議所|センター)$")
_DATE = re.compile(
    r"(?:(\d{4})\s*年|(令和|平成)\s*(\d{1,2}|元)\s*年)\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
    r"|(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"
)
_TIME = re.compile(r"(午後|PM\s*)?\s*(?:(\d{1,2}):(\d{2})|(\d{1,2})時(?:(\d{1,2})分|(半))?)", re.IGNORECASE)
_ERAS = {"令和": 2018, "平成": 1988}


def normalise(text: str) -> str:
    """Full-width digits, colons and parentheses as ASCII (for matching, and for dates and times)."""
    return unicodedata.normalize("NFKC", text)


def clean_lines(text: str) -> list[str]:
    """The source's lines without HTML comments, emphasis markers, link targets or trailing blanks."""
    text = _COMMENT.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = []
    for line in text.split("\n"):
        line = _LINK.sub(r"\1", line).replace("**", "").replace("__", "")
        lines.append(line.rstrip() if line.strip() else "")
    return lines


def strip_bullet(line: str) -> str:
    return _BULLET.sub("", line.strip(), count=1).strip()


def strip_numbering(text: str) -> str:
    return _NUMBERING.sub("", text, count=1).strip()


def is_bullet(line: str) -> bool:
    return bool(_BULLET.match(line.strip()))


def join_lines(lines: Sequence[str]) -> str:
    """Lines of one paragraph as one string: Japanese joins without a space, ASCII words with one."""
    text = ""
    for line in (part.strip() for part in lines):
        if text and text[-1].isascii() and text[-1].isalnum() and line[:1].isascii() and line[:1].isalnum():
            text += " "
        text += line
    return text


def to_paragraphs(lines: Sequence[str]) -> tuple[list[str], list[str]]:
    """Paragraphs (blank-line separated) and bullet items (numbering such as "(1) " removed)."""
    paragraphs: list[str] = []
    items: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if is_bullet(line) and strip_bullet(line):
            items.append(strip_numbering(strip_bullet(line)))
        elif line.strip():
            current.append(line)
            continue
        if current:
            paragraphs.append(join_lines(current))
            current = []
    return paragraphs, items


def find_date(text: str) -> tuple[date, int] | None:
    """The first date in the text as ISO date, and where it ends in the normalised text."""
    for match in _DATE.finditer(normalise(text)):
        if match[1]:
            year = int(match[1])
        elif match[2]:
            year = _ERAS[match[2]] + (1 if match[3] == "元" else int(match[3]))
        else:
            year = int(match[6])
        month, day = (int(match[4]), int(match[5])) if match[4] else (int(match[7]), int(match[8]))
        try:
            return date(year, month, day), match.end()
        except ValueError:
            continue
    return None


_URL = re.compile(r"[(（<]?\s*(https?://[^\s)）>]+)\s*[)）>]?")


@dataclass(frozen=True)
class DateLine:
    """A header line that starts with the announcement's date: `2021年3月23日`, optionally followed by
    the issuer and the page's address (`2021年3月23日 経済産業省北海道経済産業局 https://…`)."""

    when: date
    issuer: str | None
    url: str | None


def read_date_line(line: str) -> DateLine | None:
    """The line as a DateLine, or None when it is not one (a sentence that starts with a date)."""
    text = normalise(line).strip()
    found = find_date(text)
    if found is None or not _starts_with_date(text):
        return None
    rest = re.sub(r"^\s*[(][^)]*[)]", "", text[found[1]:])  # the weekday: (火)
    url = _URL.search(rest)
    if url:
        rest = rest[:url.start()] + rest[url.end():]
    issuer = re.sub(r"^[\s/|・,、]+|[\s/|・,、]+$", "", rest)
    if issuer and not _ORGANISATION.search(issuer):
        return None
    original_issuer = _original_words(line, issuer) if issuer else None
    return DateLine(found[0], original_issuer, url[1] if url else None)


def _starts_with_date(text: str) -> bool:
    return bool(re.match(r"\s*(?:\d{4}\s*年|令和|平成|\d{4}[-/.])", text))


def _original_words(line: str, normalised: str) -> str:
    """The issuer as written in the source (NFKC was only for finding it)."""
    start = normalise(line).find(normalised)
    if start >= 0 and len(normalise(line)) == len(line):
        return line[start:start + len(normalised)].strip()
    return normalised


def is_date_line(line: str) -> bool:
    return read_date_line(line) is not None


def find_times(text: str) -> list[str]:
    """Clock times in order of appearance: "10:30" as written, 10時30分 as "10:30", 午後2時 as "14:00"."""
    times = []
    for match in _TIME.finditer(normalise(text)):
        hour = int(match[2] or match[4])
        minutes = int(match[3]) if match[3] else 30 if match[6] else int(match[5] or 0)
        if match[1] and hour < 12:
            hour += 12
        times.append(f"{hour}:{minutes:02d}")
    return times


def find_cities(text: str) -> list[str]:
    """City names in a title or subtitle: 旭川市、室蘭市、帯広市と… gives the three."""
    return [name for name in _CITY_IN_TEXT.findall(text) if name not in _NOT_CITIES and not name.endswith("都市")]


def split_note(heading: str) -> tuple[str, str | None]:
    """A heading's label (without 《》) and its trailing parenthesised note, if any."""
    label = heading.strip().strip("《》").strip()
    match = _TRAILING_PARENS.match(label)
    if match and match[1]:
        return match[1].strip().strip("《》").strip(), match[2].strip()
    return label, None


# --- the source's structure ---------------------------------------------------------------------


def split_blocks(lines: Sequence[str]) -> tuple[str, list[str], list[Block]]:
    """The title, the header lines (before the first section) and the sections."""
    markdown = any(_HEADING.match(line) for line in lines)
    title: str | None = None
    header: list[str] = []
    blocks: list[Block] = []
    for line in lines:
        heading = _heading_of(line, markdown)
        if heading and title is None and markdown:
            title = heading[1]
        elif heading and title is not None:
            blocks.append(Block(*heading))
        elif title is None and not markdown and line.strip():
            title = line.strip()
        elif blocks:
            blocks[-1].lines.append(line)
        else:
            header.append(line)
    if title is None:
        raise DraftError("no title: the source has no heading and no text")
    return title, header, blocks


def _heading_of(line: str, markdown: bool) -> tuple[int, str] | None:
    if markdown:
        match = _HEADING.match(line)
        return (len(match[1]), match[2]) if match else None
    match = _PLAIN_HEADING.match(line.strip())
    return (2, (match[1] or match[2]).strip()) if match else None


# --- the header: subtitle, date, issuer, contact, lead ------------------------------------------


def split_title(title: str, header: list[str]) -> tuple[str, str | None]:
    """Title and subtitle: `title ～subtitle～` inline, or a `～ … ～` line right after the title."""
    match = _SUBTITLE.match(title)
    if match and match[1]:
        return match[1].strip(), match[2].strip()
    for index, line in enumerate(header):
        if not line.strip():
            continue
        match = _SUBTITLE.match(line.strip())
        if match and not match[1]:
            del header[index]
            return title.strip(), match[2].strip()
        break
    return title.strip(), None


def take_date_and_issuer(header: list[str]) -> tuple[Value, Value, str | None]:
    """The first date line as ISO date; the issuer on it or on the line after it; the page's address."""
    for index, line in enumerate(header):
        found = read_date_line(line)
        if found is None:
            continue
        del header[index]
        if found.issuer:
            return found.when, found.issuer, found.url
        while index < len(header) and not header[index].strip():
            index += 1
        if index < len(header) and _ORGANISATION.search(header[index].strip()):
            return found.when, header.pop(index).strip(), found.url
        return found.when, Todo("the issuer (the line after the date does not name an organisation)"), found.url
    return (Todo("the announcement's date, YYYY-MM-DD (no date line found)"),
            Todo("the issuer (no date line found to look under)"), None)


def take_contact(header: list[str]) -> Entry | None:
    """The お問い合わせ先 block: the marker line and the non-blank lines right after it."""
    start = next((i for i, line in enumerate(header) if re.search(r"問い?合わ?せ先", line)), None)
    if start is None:
        return None
    end = start + 1
    while end < len(header) and header[end].strip():
        end += 1
    marker, lines = header[start], [strip_bullet(line) for line in header[start + 1:end]]
    del header[start:end]
    rest = re.split(r"問い?合わ?せ先[)）】]?\s*[:：]?", marker, maxsplit=1)[-1].strip()
    return parse_contact([rest, *lines] if rest else lines)


def parse_contact(lines: Sequence[str]) -> Entry:
    found: dict[str, str | list[str]] = {}
    for line in lines:
        _read_contact_line(line, found)
    contact: Entry = {}
    hints = {
        "organization": "the organisation's name", "department": "the department",
        "persons": "the persons in charge (担当者)", "phone": "the phone number",
        "extension": "", "fax": "", "email": "",
    }
    for key, hint in hints.items():
        if key in found:
            value = found[key]
            contact[key] = list(value) if isinstance(value, list) else value
        elif hint:
            contact[key] = Todo(hint + " (not in the contact block)")
    return contact


def _read_contact_line(line: str, found: dict[str, str | list[str]]) -> None:
    plain = normalise(line)
    if email := re.search(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", plain):
        found.setdefault("email", email[0])
    elif re.match(r"\s*(?:FAX|Fax|fax|ファクス|ファックス)", plain):
        if number := re.search(r"\d[\d\- ]*\d", plain):
            found.setdefault("fax", number[0].strip())
    elif re.match(r"\s*(?:電話|TEL|Tel|tel|☎)", plain):
        if number := re.search(r"\d[\d\-]*\d", plain):
            found.setdefault("phone", number[0])
        if extension := re.search(r"内線\s*(\d+)", plain):
            found.setdefault("extension", extension[1])
    else:
        _read_contact_name_line(line, found)


def _read_contact_name_line(line: str, found: dict[str, str | list[str]]) -> None:
    persons = re.search(r"[(（]?\s*担当(?:者)?\s*[:：]\s*([^)）]+)[)）]?", line)
    if persons:
        found.setdefault("persons", [p for p in re.split(r"[、,，・\s]+", persons[1].strip()) if p])
        line = line[:persons.start()]
    words = line.split()
    if not words:
        return
    if "organization" not in found and not persons:
        found["organization"], words = " ".join(words), []
    elif "organization" not in found and len(words) > 1 and _ORGANISATION.search(words[0]):
        found["organization"], words = words[0], words[1:]
    if words:
        found.setdefault("department", " ".join(words))


# --- ceremonies -----------------------------------------------------------------------------------

_FIELD_NAMES = {
    "日時": "日時", "日程": "日時", "開催日時": "日時", "開催日": "日時",
    "場所": "場所", "会場": "場所", "開催場所": "場所",
    "出席者": "出席者", "出席予定者": "出席者",
}


def _spaced(word: str) -> str:
    """A field name as written, also with spaces between its characters (「日　時」)."""
    return r"\s*".join(map(re.escape, word))


_FIELD_WORDS = "|".join(_spaced(name) for name in sorted(_FIELD_NAMES, key=len, reverse=True))
_FIELD = re.compile(
    rf"^(?:[【\[［]\s*({_FIELD_WORDS})\s*[】\]］]|({_FIELD_WORDS})(?=\s|[:：]|$))"
    r"\s*[:：]?\s*(.*)$"
)
_ATTENDEE_SEPARATOR = re.compile(r"\s+[/／]\s+|\s*[／、，]\s*|(?<=\S)\s*/\s*(?=\S)")
_ROLE_ENDINGS = ("長", "知事", "大臣", "官", "代表", "理事", "監", "顧問", "参与", "委員", "取締役")


def take_ceremony_fields(lines: Sequence[str]) -> tuple[dict[str, list[str]], list[str]]:
    """日時/場所/出席者 fields (【日時】 or `日時 …` lines) and the lines that are not part of them."""
    fields: dict[str, list[str]] = {}
    rest: list[str] = []
    current: str | None = None
    for line in lines:
        text = strip_bullet(line)
        match = _FIELD.match(strip_numbering(text))
        if match:
            current = _FIELD_NAMES[re.sub(r"\s", "", match[1] or match[2])]
            fields.setdefault(current, []).extend([match[3].strip()] if match[3].strip() else [])
        elif current is not None and (not text or _continues(current, fields[current], text)):
            if text:
                fields[current].append(text)
        else:
            current = None
            rest.append(line)
    return fields, rest


def _continues(name: str, values: list[str], text: str) -> bool:
    """Whether a line continues a field: the value of an empty 【日時】, an address, an attendee."""
    if name == "出席者":
        return len(text) <= 40 and not text.endswith("。") and text != "以上"
    return not values or (name == "場所" and bool(re.fullmatch(r"[（(].+[)）]", text)))


def build_ceremony(city: str | None, fields: Mapping[str, list[str]]) -> Entry:
    title: Value = f"{city}との覚書締結式" if city else Todo("<city>との覚書締結式")
    ceremony: Entry = {"title": title, **read_when(" ".join(fields.get("日時", [])))}
    ceremony.update(read_place(" ".join(fields.get("場所", []))))
    attendees: list[Value] = [split_attendee(part) for line in fields.get("出席者", [])
                              for part in _ATTENDEE_SEPARATOR.split(line) if part.strip()]
    ceremony["attendees"] = attendees or Todo("the attendees, as {role: …, name: …} (no 出席者 found)")
    return ceremony


def read_when(text: str) -> Entry:
    """date, start and end of a 日時 value such as 2021年3月25日(木)9:30～10:00."""
    found = find_date(text)
    times = find_times(normalise(text)[found[1]:] if found else text)
    return {
        "date": found[0] if found else Todo("the ceremony's date, YYYY-MM-DD (no 日時 date found)"),
        "start": times[0] if times else Todo('the start time, "H:MM" (none in 日時)'),
        "end": times[1] if len(times) > 1 else Todo('the end time, "H:MM", or delete (none in 日時)'),
    }


def read_place(text: str) -> Entry:
    """place, and address when the place ends in parentheses holding an address."""
    text = text.strip()
    if not text:
        return {"place": Todo("the ceremony's place (no 場所 found)")}
    match = _TRAILING_PARENS.match(text)
    if match and match[1] and re.search(r"\d|丁目|番地|条|区", match[2]):
        return {"place": match[1].strip(), "address": match[2].strip()}
    return {"place": text}


def split_attendee(line: str) -> Entry:
    """{role, name}: the role is the shortest leading part ending in 長/知事/大臣…; else role TODO."""
    words = line.split()
    for count in range(1, len(words)):
        role = " ".join(words[:count])
        if role.endswith(_ROLE_ENDINGS):
            return {"role": role, "name": " ".join(words[count:])}
    compact = "".join(words)
    for end in range(1, len(compact)):
        if compact[:end].endswith(_ROLE_ENDINGS):
            return {"role": compact[:end], "name": compact[end:]}
    return {"role": Todo(f"the role of {line.strip()} (cannot tell role from name)"), "name": line.strip()}


# --- the sections ---------------------------------------------------------------------------------


@dataclass
class Builder:
    """Collects partners, ceremonies and sections while walking the source's sections in order."""

    cities: list[str]
    partners: dict[str, Entry] = field(default_factory=dict)
    loose_sections: list[Value] = field(default_factory=list)

    def resolve(self, city: str | None) -> str | None:
        """A section's city: its own, else the only city of the document, else None (unknown)."""
        return self.cities[0] if city is None and len(self.cities) == 1 else city

    def entry_for(self, city: str | None) -> Entry:
        """The partner entry of a city; of an unknown city, one shared entry with partner TODO."""
        key = self.resolve(city) or TODO
        return self.partners.setdefault(key, {"partner": key})

    def add_ceremony(self, city: str | None, fields: Mapping[str, list[str]]) -> None:
        self.entry_for(city)["ceremony"] = build_ceremony(self.resolve(city), fields)

    def add_section(self, city: str | None, section: Entry) -> None:
        if city is None and len(self.cities) != 1:
            self.loose_sections.append(section)
            return
        sections = self.entry_for(city).setdefault("sections", [])
        assert isinstance(sections, list)
        sections.append(section)


def read_heading_city(heading: str) -> tuple[str | None, str | None]:
    """(theme, city) of `theme（city）`, (None, city) of a heading that is a city, else (None, None)."""
    label, note = split_note(heading)
    if note and _CITY_ONLY.match(note):
        return label, note
    if _CITY_ONLY.match(heading.strip()):
        return None, heading.strip()
    return None, None


def classify_section(label: str) -> str:
    if "プロジェクト" in label and ("概要" in label or "主な" in label):
        return "projects"
    if "推進" in label and "プロジェクト" in label:
        return "promotion"
    if "協力事項" in label or "連携事項" in label:
        return "cooperation_items"
    return "free"


def walk_blocks(blocks: Sequence[Block], builder: Builder) -> None:
    """Each section to its city: themes, ceremonies, projects, promotion, cooperation, free sections."""
    scope: tuple[int, str] | None = None
    projects: tuple[int, list[Value]] | None = None
    for block in blocks:
        if scope and block.level <= scope[0]:
            scope = None
        if projects and block.level <= projects[0]:
            projects = None
        theme, city = read_heading_city(block.heading)
        if theme is not None and city is not None:
            scope = (block.level, city)
            builder.entry_for(city)["theme"] = theme
        owner = city or (scope[1] if scope else None)
        if projects is not None:
            projects[1].append(build_project(block))
            continue
        fields, rest = take_ceremony_fields(block.lines)
        if fields:
            builder.add_ceremony(owner, fields)
        if theme is not None or (fields and not any(line.strip() for line in rest)):
            continue
        projects = add_known_or_free(builder, owner, block, rest)


def add_known_or_free(builder: Builder, city: str | None, block: Block, lines: list[str]) -> tuple[
        int, list[Value]] | None:
    """Projects (returned, to collect the sub-headings), promotion, cooperation items or a free section."""
    paragraphs, items = to_paragraphs(lines)
    kind = classify_section(split_note(block.heading)[0])
    if kind == "projects":
        projects: list[Value] = []
        builder.entry_for(city)["projects"] = projects
        return block.level, projects
    if kind == "promotion" and paragraphs:
        builder.entry_for(city)["promotion"] = "".join(paragraphs)
    elif kind == "cooperation_items" and items:
        builder.entry_for(city)["cooperation_items"] = list(items)
    elif paragraphs or items:
        builder.add_section(city, build_section(block.heading, paragraphs, items))
    return None


def build_project(block: Block) -> Entry:
    title = re.sub(r"^[○◯●◎■□◆・]\s*", "", block.heading.strip())
    paragraphs, items = to_paragraphs(block.lines)
    description = "".join(items or paragraphs)
    return {"title": title, "description": description or Todo("the project's description (none under it)")}


def build_section(heading: str, paragraphs: list[str], items: list[str]) -> Entry:
    label, note = split_note(heading)
    if note and is_editorial_note(note):
        note = None  # 「(opening only)」 says what was retrieved, not what the section is called
    elif note and not is_source_note(note):
        label, note = heading.strip().strip("《》").strip(), None
    section: Entry = {"label": label}
    if paragraphs:
        section["text"] = list(paragraphs)
    if items:
        section["items"] = list(items)
    if note:
        found = find_date(note)
        section["source"] = {
            "secondary": True,
            "publisher": Todo("who published it (the heading's note does not name a publisher)"),
            "date": found[0] if found else Todo("the date the source was published (none in the note)"),
            "note": note,
        }
    return section


_EDITORIAL = re.compile(r"\bonly\b|excerpt|abridged|partial|omitted|抜粋|抄録|一部|冒頭|のみ|省略|略", re.IGNORECASE)


def is_editorial_note(note: str) -> bool:
    """A heading's note about the copy, not the content: (opening only), (抜粋), (一部省略)."""
    return bool(_EDITORIAL.search(note)) and not is_source_note(note)


def is_source_note(note: str) -> bool:
    """A heading's note that cites where the section comes from (news, a date, 出典…)."""
    return find_date(note) is not None or bool(re.search(r"news|報道|新聞|出典|source|による|より", note, re.I))


# --- plans ----------------------------------------------------------------------------------------

_PLAN = re.compile(r"「([^「」]*?(?:計画|戦略|指針|ビジョン|構想|プラン)(?:[（(][^「」]*?[)）])?)」")


def find_plans(partner: Entry) -> list[Value]:
    """Plans named in 「」 in the promotion and section texts; a parenthesised part → period or note."""
    plans: list[Value] = []
    for text, label in collect_plan_texts(partner):
        plans += [build_plan(quoted, label) for quoted in _PLAN.findall(text)]
    return plans


def collect_plan_texts(partner: Entry) -> list[tuple[str, str | None]]:
    """The promotion text, and each free section's paragraphs with the section's label."""
    promotion = partner.get("promotion")
    texts: list[tuple[str, str | None]] = [(promotion, None)] if isinstance(promotion, str) else []
    sections = partner.get("sections")
    for section in sections if isinstance(sections, list) else []:
        paragraphs = section.get("text") if isinstance(section, dict) else None
        if isinstance(section, dict) and isinstance(paragraphs, list):
            texts += [(str(text), str(section["label"])) for text in paragraphs]
    return texts


def build_plan(quoted: str, section: str | None) -> Entry:
    plan: Entry = {"name": quoted}
    match = _TRAILING_PARENS.match(quoted)
    if match and match[1]:
        plan["name"] = match[1].strip()
        plan["period" if re.search(r"[～〜~]|から|まで", match[2]) else "note"] = match[2].strip()
    if section:
        plan["section"] = section
    return plan


# --- the entry ------------------------------------------------------------------------------------

_PARTNER_KEYS = ("partner", "ordinal", "theme", "projects", "promotion", "plans", "cooperation_items", "ceremony",
                 "sections")


def draft_entry(text: str, source_name: str, known: Mapping[str, str]) -> Draft:
    """The `documents:` entry for one announcement; `known` maps city names to partner ids."""
    lines = clean_lines(text)
    if not any(line.strip() for line in lines):
        raise DraftError(f"{source_name}: the source is empty")
    raw_title, header, blocks = split_blocks(lines)
    title, subtitle = split_title(raw_title, header)
    when, issuer, url = take_date_and_issuer(header)
    contact = take_contact(header)
    fields, rest = take_ceremony_fields(header)
    lead, lead_items = to_paragraphs(rest)
    cities = list_cities(title, subtitle, blocks)
    builder = Builder(cities)
    if fields:
        builder.add_ceremony(None, fields)
    walk_blocks(blocks, builder)
    entry: Entry = {"id": Todo(f"a unique id, e.g. hkd-{when}" if isinstance(when, date) else "a unique id")}
    entry["title"] = title
    entry["subtitle"] = subtitle or Todo("the subtitle (no ～ … ～ line found), or delete")
    source: Entry = {"file": source_name, "url": url} if url else {"file": source_name}
    entry.update({"issuer": issuer, "date": when, "source": source})
    if contact is not None:
        entry["contact"] = contact
    entry["lead"] = [*lead, *lead_items] or Todo("the lead paragraphs (none before the first section)")
    entry.update(build_judgements(lead))
    entry["partners"] = build_partners(builder, cities, known, lead)
    if builder.loose_sections:
        entry["sections"] = builder.loose_sections
    return Draft(entry, [city for city in cities if city not in known], source_name)


def list_cities(title: str, subtitle: str | None, blocks: Sequence[Block]) -> list[str]:
    """The partner cities, in order: named in the title or subtitle, or as a section's city."""
    cities = find_cities(title) + find_cities(subtitle or "")
    cities += [city for block in blocks if (city := read_heading_city(block.heading)[1])]
    return list(dict.fromkeys(cities))


def build_judgements(lead: Sequence[str]) -> Entry:
    """purpose and precedent point at lead paragraphs: a reviewer decides, with hints."""
    precedent = [str(i) for i, p in enumerate(lead, 1) if re.search(r"初めて|例目|番目", p)]
    hint = f" (paragraph {', '.join(precedent)} mentions it)" if precedent else ""
    return {
        "purpose": Todo("which lead paragraphs say why, 1-based, e.g. [1], or delete"),
        "precedent": Todo(f"which lead paragraph says where it stands (初めて, N例目){hint}, or delete"),
    }


def build_partners(builder: Builder, cities: Sequence[str], known: Mapping[str, str],
                   lead: Sequence[str]) -> Value:
    for city in cities:
        builder.entry_for(city)
    if not builder.partners:
        builder.entry_for(None)
    partners: list[Value] = []
    for city, partner in builder.partners.items():
        partner["partner"] = known.get(city) or (city != TODO and partner_id_of(city)) or Todo(
            f"the partner id of {city} (romaji; add it to partners)" if city != TODO else "the partner city's id")
        partner.setdefault("ceremony", build_ceremony(city if city != TODO else None, {}))
        if plans := find_plans(partner):
            partner["plans"] = plans
        if len(builder.partners) == 1 and (ordinal := find_ordinal_sentence(lead)):
            partner["ordinal"] = Todo(f"the memorandum's number, the lead says 「{ordinal}」, or delete")
        partners.append({key: partner[key] for key in _PARTNER_KEYS if key in partner})
    return partners


def find_ordinal_sentence(lead: Sequence[str]) -> str | None:
    for paragraph in lead:
        if match := re.search(r"[^。]*[0-9０-９]+\s*例目[^。]*。?", paragraph):
            return match[0].strip()
    return None


# --- YAML -----------------------------------------------------------------------------------------


def render_scalar(value: Value) -> str:
    """A scalar as YAML that is safe in flow context too ("10:30" quoted, dates plain)."""
    if isinstance(value, Todo):
        return TODO
    dumped = yaml.safe_dump([value], default_flow_style=True, allow_unicode=True, width=10**9)
    return dumped.strip()[1:-1]


def is_scalar(value: Value) -> bool:
    return not isinstance(value, (list, dict))


def collect_hints(value: Value) -> list[str]:
    if isinstance(value, Todo):
        return [value.hint]
    if isinstance(value, dict):
        return [hint for item in value.values() for hint in collect_hints(item)]
    if isinstance(value, list):
        return [hint for item in value for hint in collect_hints(item)]
    return []


def render_flow(value: Value) -> str | None:
    """A short list or mapping of scalars on one line, like the data file's attendees; else None."""
    if isinstance(value, dict) and all(is_scalar(v) and len(render_scalar(v)) <= FLOW_ITEM for v in value.values()):
        text = "{" + ", ".join(f"{k}: {render_scalar(v)}" for k, v in value.items()) + "}"
    elif isinstance(value, list) and value and all(
            is_scalar(v) and not isinstance(v, Todo) and len(render_scalar(v)) <= FLOW_LIST_ITEM for v in value):
        text = "[" + ", ".join(render_scalar(v) for v in value) + "]"
    else:
        return None
    return text if len(text) <= FLOW_WIDTH else None


def with_comment(line: str, value: Value) -> str:
    hints = collect_hints(value)
    return f"{line}  # TODO: {'; '.join(hints)}" if hints else line


def render_value(key: str, value: Value, indent: str) -> list[str]:
    """`key: value` lines at an indent, block style except for short scalar lists and mappings."""
    if is_scalar(value):
        return [with_comment(f"{indent}{key}: {render_scalar(value)}", value)]
    if value == [] or value == {}:
        return [f"{indent}{key}: {'[]' if isinstance(value, list) else '{}'}"]
    flow = render_flow(value) if isinstance(value, list) and key in FLOW_LIST_KEYS else None
    if flow is not None:
        return [f"{indent}{key}: {flow}"]
    if isinstance(value, dict):
        return [f"{indent}{key}:", *render_mapping(value, indent + INDENT)]
    assert isinstance(value, list)
    return [f"{indent}{key}:", *render_items(value, indent + INDENT)]


def render_mapping(mapping: Mapping[str, Value], indent: str) -> list[str]:
    return [line for key, value in mapping.items() for line in render_value(key, value, indent)]


def render_items(items: Iterable[Value], indent: str) -> list[str]:
    lines: list[str] = []
    for item in items:
        flow = render_flow(item) if isinstance(item, dict) else None
        if flow is not None:
            lines.append(with_comment(f"{indent}- {flow}", item))
        elif isinstance(item, dict) and item:
            body = render_mapping(item, indent + INDENT)
            lines += [f"{indent}- {body[0].lstrip()}", *body[1:]]
        elif isinstance(item, list):
            lines += [f"{indent}-", *render_items(item, indent + INDENT)]
        else:
            lines.append(with_comment(f"{indent}- {render_scalar(item)}", item))
    return lines


@dataclass(frozen=True)
class CityReadings:
    """How a new city's short name is read, from Sudachi's dictionary (not from the source)."""

    hiragana: str
    katakana: str
    romaji: str


def read_city(city: str) -> CityReadings | None:
    """The readings of a city's short name (北見市 → きたみ, キタミ, kitami), or None when the
    dictionary does not read every character of it."""
    import jaconv

    from bot.language.text import has_kanji, reading_of

    katakana = reading_of(short_name_of(city))
    if not katakana or has_kanji(katakana) or not re.fullmatch(r"[ァ-ヴー]+", katakana):
        return None
    hiragana = jaconv.kata2hira(katakana)
    romaji = jaconv.kana2alphabet(hiragana).replace("-", "")
    return CityReadings(hiragana, katakana, romaji) if re.fullmatch(r"[a-z]+", romaji) else None


def short_name_of(city: str) -> str:
    return re.sub(r"[市町村]$", "", city)


def partner_id_of(city: str) -> str | None:
    """The id a new city gets in `partners:`: its name in romaji, when the dictionary reads it."""
    readings = read_city(city)
    return readings.romaji if readings else None


def render_partner_stub(city: str) -> list[str]:
    readings = read_city(city)
    if readings is None:
        return [
            f"# {city} is not in `partners:` yet: add this entry there (the dictionary cannot read it: fill the",
            "# TODOs).",
            "#   - id: TODO  # the city's name in romaji, also used as `partner:` above",
            f"#     name: {city}",
            f"#     short_name: {short_name_of(city)}",
            "#     readings: {hiragana: TODO, katakana: TODO, romaji: TODO}",
            "#     aliases: []",
        ]
    return [
        f"# {city} is not in `partners:` yet: add this entry there. The readings are Sudachi's, not the",
        "# source's: check them (a place name can be read more than one way).",
        f"#   - id: {readings.romaji}",
        f"#     name: {city}",
        f"#     short_name: {short_name_of(city)}",
        f"#     readings: {{hiragana: {readings.hiragana}, katakana: {readings.katakana}, romaji: {readings.romaji}}}",
        "#     aliases: []",
    ]


def render_draft(draft: Draft) -> str:
    """The entry as YAML to paste under `documents:`, with a comment for each TODO."""
    lines = [
        f"# Drafted by `python app.py draft` from {draft.source_name}: every value is copied from it or TODO.",
        "# Review it, fill every TODO, paste it at the end of `documents:`, then run `python app.py check`.",
        *render_items([draft.entry], INDENT),
    ]
    for city in draft.new_partners:
        lines += ["", *render_partner_stub(city)]
    return "\n".join(lines) + "\n"


# --- files and the command ------------------------------------------------------------------------


def load_known_partners(paths: Iterable[str | Path]) -> dict[str, str]:
    """City name → partner id, from the `partners:` lists of the knowledge-base files that exist."""
    known: dict[str, str] = {}
    for path in paths:
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            continue
        partners = data.get("partners") if isinstance(data, dict) else None
        for partner in partners if isinstance(partners, list) else []:
            if isinstance(partner, dict) and isinstance(partner.get("name"), str) and partner.get("id"):
                known.setdefault(partner["name"], str(partner["id"]))
    return known


def read_source(path: str | Path) -> str:
    """The announcement's text: Markdown or plain text, an HTML page or a PDF (bot.knowledge.source_text)."""
    from bot.knowledge.source_text import SourceFormatError, read_announcement

    try:
        return read_announcement(path)
    except OSError as error:
        raise DraftError(f"{path}: cannot read: {error.strerror or error}") from None
    except SourceFormatError as error:
        raise DraftError(f"{path}: {error}") from None


def draft_yaml(text: str, source_name: str, known: Mapping[str, str]) -> str:
    """The draft of one announcement's text as YAML (see render_draft)."""
    return render_draft(draft_entry(text, source_name, known))


def find_partner_files(data_path: str | Path) -> list[Path]:
    """The configured knowledge base, whose partners give the ids."""
    return [Path(data_path)]


def run_draft(source: str, partner_files: Iterable[str | Path], stdout: TextIO, stderr: TextIO) -> int:
    """`app.py draft SOURCE`: print the draft, or the reason there is none (exit status 1)."""
    try:
        text = draft_yaml(read_source(source), Path(source).name, load_known_partners(partner_files))
    except DraftError as error:
        print(f"draft: {error}", file=stderr)
        return 1
    stdout.write(text)
    return 0
