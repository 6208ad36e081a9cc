"""What a YAML syntax error most likely means, in the maintainer's terms.

PyYAML says where it stopped and what it expected (「expected <block end>, but found '<block mapping
start>'」); a person editing the knowledge base needs the likely cause: a line indented differently
from its neighbours, a tab, a value that needs quotes, a quote or bracket never closed.
"""

from __future__ import annotations

import re

import yaml

INDENTATION = ("the indentation does not match the lines above: keys of one mapping start in the same "
               "column, and list items (`- `) of one list too")
TAB = "a tab: indent with spaces only"
QUOTE_COLON = 'a value that contains ": " needs quotes (title: "旭川市: 概要")'
QUOTE_START = "a value that starts with {char} needs quotes ({example})"
UNCLOSED_QUOTE = "a quote opened on line {line} is never closed"
FLOW = ('inside [ ] or { } a value with ",", ":" or a bracket needs quotes, or a bracket is not closed '
        '(aliases: ["a, b", c])')


def explain(error: yaml.YAMLError, text: str) -> tuple[int, str]:
    """The line to name (1-based) and the message: PyYAML's words, then the likely cause."""
    mark = getattr(error, "problem_mark", None)
    line = mark.line + 1 if mark else 1
    problem = str(getattr(error, "problem", None) or error)
    cause = likely_cause(error, problem, text.splitlines(), line)
    if quoted := re.match(r"a quote opened on line (\d+)", cause):
        line = int(quoted[1])  # where the fix is, not where the parser gave up
    return line, f"not valid YAML: {problem}" + (f" — likely {cause}" if cause else "")


def likely_cause(error: yaml.YAMLError, problem: str, lines: list[str], line: int) -> str:
    context_mark = getattr(error, "context_mark", None)
    context = str(getattr(error, "context", None) or "")
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    if "'\\t'" in problem or _has_tab_indent(lines, line):
        return TAB
    if "quoted scalar" in context or ("end of stream" in problem and context_mark is not None):
        opened = context_mark.line + 1 if context_mark is not None else line
        return UNCLOSED_QUOTE.format(line=opened)
    if (opened := find_unclosed_quote(lines, line)) is not None:
        # A double-quoted value may span lines: the parser stops far below the missing quote.
        return UNCLOSED_QUOTE.format(line=opened)
    if match := re.search(r"found character '(.)' that cannot start any token", problem):
        char = match[1]
        return QUOTE_START.format(char=char, example=f'note: "{char}…"')
    if "flow" in context or re.search(r"expected ',' or '[\]}]'|found '[\]}]'", problem):
        return FLOW
    if "mapping values are not allowed" in problem:
        return QUOTE_COLON if _value_has_colon(here) else INDENTATION
    if "expected <block end>" in problem or "could not find expected ':'" in problem or \
            "did not find expected key" in problem or "did not find expected '-'" in problem:
        return INDENTATION
    return ""


_QUOTED_VALUE = re.compile(r"""^\s*(?:-\s+)?(?:[^\s#"'][^:#]*:\s+|-\s+)(["'])(.*)$""")


def find_unclosed_quote(lines: list[str], upto: int) -> int | None:
    """The line (1-based) above `upto` whose quoted value never closes on that line, if any."""
    for number in range(min(upto, len(lines)), 0, -1):
        match = _QUOTED_VALUE.match(lines[number - 1])
        if match and not _closes(match[2], match[1]):
            return number
    return None


def _closes(rest: str, quote: str) -> bool:
    if quote == "'":
        return bool(re.search(r"(?<!')'(?:'')*(?!')", rest.replace("''", "")))
    return bool(re.search(r'(?<!\\)"', rest))


def _has_tab_indent(lines: list[str], line: int) -> bool:
    nearby = lines[max(0, line - 2):line]
    return any(re.match(r"^ *\t", text) for text in nearby)


def _value_has_colon(line: str) -> bool:
    """`title: a: b` — a plain value with ": " in it."""
    value = line.split(": ", 1)[1] if ": " in line else ""
    return ": " in value or value.rstrip().endswith(":")
