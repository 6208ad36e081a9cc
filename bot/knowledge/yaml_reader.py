"""YAML with line numbers: the reader that turns a composed YAML tree into typed values.

Validation collects every problem with its file, line and field
(`data/partnerships.yaml:42 documents[0].partners[2].ceremony.start: not a time "10:70"`) so a
maintainer can fix them all in one pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

import yaml
from yaml.constructor import SafeConstructor

T = TypeVar("T")


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line} {self.field}: {self.message}"


class KnowledgeError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# --- YAML with line numbers -------------------------------------------------------------------


@dataclass(frozen=True)
class YamlLimits:
    """What a knowledge-base file may hold before it is read at all. A hostile or broken file (20,000
    levels of nesting, a billion-laughs of aliases, a huge paste) is rejected quickly with a reason
    instead of exhausting the stack or the memory; see docs/operations.md."""

    max_bytes: int = 2_000_000
    max_depth: int = 40
    max_nodes: int = 200_000
    max_aliases: int = 20


DEFAULT_LIMITS = YamlLimits()


def _over(file: str, line: int, message: str) -> KnowledgeError:
    return KnowledgeError([Problem(file, line, "(yaml)", message)])


class Node:
    """A YAML value with the line it starts on (1-based), so problems can name it."""

    __slots__ = ("line", "value")

    def __init__(self, value: Any, line: int) -> None:
        self.value = value
        self.line = line


class _Budget:
    """How many values the tree may still grow to: aliases repeat what they point at, so a file
    of a few lines can stand for billions of values (「billion laughs」)."""

    def __init__(self, file: str, limit: int) -> None:
        self.file, self.left, self.limit = file, limit, limit
        self.constructor = SafeConstructor()

    def spend(self, line: int) -> None:
        self.left -= 1
        if self.left < 0:
            raise _over(self.file, line, f"too many values once aliases are expanded (more than {self.limit:,})")


def to_nodes(node: yaml.Node, budget: _Budget | None = None) -> Node:
    line = node.start_mark.line + 1
    budget = budget or _Budget("(yaml)", DEFAULT_LIMITS.max_nodes)
    budget.spend(line)
    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = str(to_scalar(key_node, budget))
            mapping[key] = to_nodes(value_node, budget)
        return Node(mapping, line)
    if isinstance(node, yaml.SequenceNode):
        return Node([to_nodes(item, budget) for item in node.value], line)
    try:
        return Node(to_scalar(node, budget), line)
    except ValueError:
        # A scalar YAML resolves to an impossible value (2020-02-31): keep its text so the
        # field's own check reports it with its name.
        return Node(node.value, line)


def to_scalar(node: yaml.Node, budget: _Budget) -> Any:
    """The value of a composed node, built directly (an empty value is None, an `events:` whose
    entries are all commented out too): serialising a node and loading it again fails on an
    empty scalar with a bare ParserError. A tag YAML cannot build is the file's problem."""
    try:
        return budget.constructor.construct_object(node, deep=True)
    except yaml.YAMLError as error:
        reason = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise _over(budget.file, node.start_mark.line + 1, f"not a value YAML can read: {reason}") from None
    finally:
        budget.constructor.constructed_objects.clear()


class Reader:
    """Walks the node tree, converting fields and recording problems instead of stopping."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def problem(self, node: Node, path: str, message: str) -> None:
        self.problems.append(Problem(self.file, node.line, path, message))

    def mapping(self, node: Node, path: str) -> dict[str, Node]:
        if isinstance(node.value, dict):
            return node.value
        self.problem(node, path, f"expected a mapping, got {describe(node.value)}")
        return {}

    def only(self, node: Node, path: str, keys: tuple[str, ...]) -> None:
        """Name every key that is not one of `keys` (a misspelt field would otherwise vanish)."""
        for key, child in self.mapping(node, path).items():
            if key not in keys:
                self.problem(child, join_path(path, key), f"unknown field (expected one of: {', '.join(keys)})")

    def field(self, parent: Node, key: str, path: str, *, required: bool = True) -> Node | None:
        mapping = self.mapping(parent, path)
        child = mapping.get(key)
        if child is None and required:
            self.problem(parent, join_path(path, key), "missing")
        return child

    def text(self, parent: Node, key: str, path: str, *, required: bool = True) -> str:
        child = self.field(parent, key, path, required=required)
        if child is None:
            return ""
        value = child.value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or (required and not value.strip()):
            self.problem(child, join_path(path, key), f"expected text, got {describe(value)}")
            return ""
        return value.strip()

    def texts(self, parent: Node, key: str, path: str, *, required: bool = False) -> tuple[str, ...]:
        items = self.items(parent, key, path, required=required)
        out: list[str] = []
        for index, item in enumerate(items):
            value = item.value
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                value = str(value)
            if isinstance(value, str) and value.strip():
                out.append(value.strip())
            else:
                self.problem(item, f"{join_path(path, key)}[{index}]", f"expected text, got {describe(value)}")
        return tuple(out)

    def items(self, parent: Node, key: str, path: str, *, required: bool = True) -> list[Node]:
        child = self.field(parent, key, path, required=required)
        if child is None or child.value is None:
            return []
        if not isinstance(child.value, list):
            self.problem(child, join_path(path, key), f"expected a list, got {describe(child.value)}")
            return []
        return child.value

    def convert(
        self,
        parent: Node,
        key: str,
        path: str,
        parse: Callable[[Any], T],
        what: str,
        *,
        required: bool = True,
        expected: str = "",
    ) -> T | None:
        child = self.field(parent, key, path, required=required)
        if child is None:
            return None
        try:
            return parse(child.value)
        except (TypeError, ValueError):
            shown = as_written(child.value) if parse is parse_time else child.value
            hint = f" (expected {expected})" if expected else ""
            self.problem(child, join_path(path, key), f'not {what} "{shown}"{hint}')
            return None


def join_path(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f'{type(value).__name__} "{value}"'


def parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


# The forms a maintainer writes, for messages about a value that is not one.
DATE_FORM = "YYYY-MM-DD, e.g. 2021-04-22"
TIME_FORM = 'H:MM in quotes, e.g. "13:30"'


def as_written(value: Any) -> Any:
    """An unquoted 25:00 reaches us as YAML 1.1's sexagesimal 1500: show it as it was typed."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return f"{value // 60}:{value % 60:02d}"
    return value


def parse_time(value: Any) -> time:
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 reads an unquoted 10:30 as a sexagesimal integer (630).
        value = f"{value // 60}:{value % 60:02d}"
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", str(value).strip())
    if not match:
        raise ValueError(value)
    return time(int(match[1]), int(match[2]))


_OFFSET = re.compile(r"(\d+)\s*([dhms])")
_UNITS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


def parse_offset(value: Any) -> timedelta:
    """`7d`, `1h`, `30m`, `10s` (or combinations such as `1d12h`) as a duration before an event."""
    text = str(value).strip().lower()
    parts = _OFFSET.findall(text)
    if not parts or _OFFSET.sub("", text).strip():
        raise ValueError(value)
    return sum((timedelta(**{_UNITS[unit]: int(n)}) for n, unit in parts), timedelta())


def check_limits(text: str, file: str, limits: YamlLimits) -> None:
    """Walk the YAML event stream (iteratively, nothing built) and reject what is over a limit."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limits.max_bytes:
        raise KnowledgeError([Problem(file, 1, "(file)", f"too large: {size:,} bytes (limit {limits.max_bytes:,})")])
    depth = nodes = aliases = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            line = event.start_mark.line + 1 if event.start_mark else 1
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > limits.max_depth:
                    raise _over(file, line, f"nested too deeply (more than {limits.max_depth} levels)")
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
            elif isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > limits.max_aliases:
                    raise _over(file, line, f"too many aliases (more than {limits.max_aliases})")
            if isinstance(event, yaml.NodeEvent):
                nodes += 1
                if nodes > limits.max_nodes:
                    raise _over(file, line, f"too many values (more than {limits.max_nodes:,})")
    except yaml.YAMLError:
        return  # not YAML at all: compose says where, with its own message


def compose(text: str, file: str, limits: YamlLimits = DEFAULT_LIMITS) -> Node:
    """The YAML text as a tree of nodes with lines; KnowledgeError when it is not YAML, is empty or
    is over a limit."""
    check_limits(text, file, limits)
    try:
        composed = yaml.compose(text)
    except yaml.YAMLError as error:
        from bot.knowledge.yaml_hints import explain

        line, message = explain(error, text)
        raise KnowledgeError([Problem(file, line, "(yaml)", message)]) from None
    if composed is None:
        raise KnowledgeError([Problem(file, 1, "(root)", "the file is empty")])
    return to_nodes(composed, _Budget(file, limits.max_nodes))
