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


class Node:
    """A YAML value with the line it starts on (1-based), so problems can name it."""

    __slots__ = ("line", "value")

    def __init__(self, value: Any, line: int) -> None:
        self.value = value
        self.line = line


def to_nodes(node: yaml.Node) -> Node:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = str(yaml.safe_load(yaml.serialize(key_node)))
            mapping[key] = to_nodes(value_node)
        return Node(mapping, line)
    if isinstance(node, yaml.SequenceNode):
        return Node([to_nodes(item) for item in node.value], line)
    try:
        return Node(yaml.safe_load(yaml.serialize(node)), line)
    except ValueError:
        # A scalar YAML resolves to an impossible value (2020-02-31): keep its text so the
        # field's own check reports it with its name.
        return Node(node.value, line)


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
    ) -> T | None:
        child = self.field(parent, key, path, required=required)
        if child is None:
            return None
        try:
            return parse(child.value)
        except (TypeError, ValueError):
            self.problem(child, join_path(path, key), f'not {what} "{child.value}"')
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


def compose(text: str, file: str) -> Node:
    """The YAML text as a tree of nodes with lines; KnowledgeError when it is not YAML or empty."""
    try:
        composed = yaml.compose(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        reason = getattr(error, "problem", None) or str(error)
        raise KnowledgeError([Problem(file, line, "(yaml)", f"not valid YAML: {reason}")]) from None
    if composed is None:
        raise KnowledgeError([Problem(file, 1, "(root)", "the file is empty")])
    return to_nodes(composed)
