"""An announcement's text as the Markdown `draft` reads, from the formats people save it in.

- Markdown or plain text: as it is.
- HTML (the bureau's press-release page saved from a browser): BeautifulSoup's tree, the page's
  main content only (no navigation, header, footer or scripts), headings as `#` lines, list items
  as `- ` lines, table rows and definition lists as `label value` lines.
- PDF (the release's attachment): pdfminer.six's layout analysis; a line set in a larger type than
  the body is a heading, the largest the title; text boxes are paragraphs.

Nothing here interprets the announcement: that is `bot.draft`'s work, on the same lines in every format.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
PDF_SUFFIX = ".pdf"

# Elements that are the page around the announcement, never the announcement.
_SKIPPED = {"script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "button",
            "iframe", "svg", "head", "title", "meta", "link"}
_BLOCKS = {"p", "div", "section", "article", "main", "ul", "ol", "table", "thead", "tbody", "dl", "blockquote",
           "pre", "address", "figure", "figcaption", "center", "hr", "body", "html"}
_HEADINGS = {f"h{level}": level for level in range(1, 7)}
# Where sites put the content; the first that exists (and has a heading) is read.
_CONTENT = ("main", "article", "#main", "#contents", "#content", ".main", ".contents", ".content", "#main_contents")
# A heading this much larger than the body type (in points) is a heading, not emphasis.
_HEADING_STEP = 1.0


class SourceFormatError(Exception):
    """The file is not an announcement this module can read (a PDF with no text, broken HTML…)."""


def read_announcement(path: str | Path) -> str:
    """The announcement's text (Markdown-like lines) from a .md/.txt, an .html or a .pdf file."""
    data = Path(path).read_bytes()
    if data.startswith(b"%PDF") or str(path).lower().endswith(PDF_SUFFIX):
        return pdf_to_markdown(data)
    text = decode_text(data)
    if str(path).lower().endswith(HTML_SUFFIXES) or looks_like_html(text):
        return html_to_markdown(text)
    return text


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else the Japanese encodings saved pages still use."""
    for encoding in ("utf-8-sig", "cp932", "euc_jp"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SourceFormatError("not text in UTF-8, Shift_JIS or EUC-JP")


def looks_like_html(text: str) -> bool:
    return bool(re.match(r"\s*(?:<!doctype\s+html|<html[\s>])", text, re.IGNORECASE))


# --- HTML ----------------------------------------------------------------------------------------


def html_to_markdown(html: str) -> str:
    """The page's content as Markdown-like lines (see the module's docstring)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    writer = _LineWriter()
    writer.walk(_content_of(soup))
    writer.flush()
    return "\n".join(writer.lines).strip() + "\n"


def _content_of(soup: object) -> object:
    from bs4 import BeautifulSoup, Tag

    assert isinstance(soup, BeautifulSoup)
    for selector in _CONTENT:
        found = soup.select_one(selector)
        if isinstance(found, Tag) and found.find(list(_HEADINGS)):
            return found
    return soup.body or soup


class _LineWriter:
    """Walks the tree once, writing a line for each block and a blank line between blocks."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.words: list[str] = []

    def flush(self, blank: bool = False) -> None:
        text = join_words(self.words)
        self.words = []
        if text:
            self.lines.append(text)
        if blank and self.lines and self.lines[-1]:
            self.lines.append("")

    def walk(self, node: object) -> None:
        from bs4 import Comment, Tag
        from bs4.element import NavigableString

        if isinstance(node, Comment):
            return
        if isinstance(node, NavigableString):
            self.words.append(str(node))
            return
        if not isinstance(node, Tag) or node.name in _SKIPPED:
            return
        name = node.name
        if name == "br":
            self.flush()
        elif name in _HEADINGS:
            self.flush(blank=True)
            self.lines += ["#" * _HEADINGS[name] + " " + join_words(node.find_all(string=True)), ""]
        elif name in ("li", "dt", "dd", "tr"):
            self.flush()
            self.write_item(node)
        else:
            block = name in _BLOCKS
            if block:
                self.flush(blank=True)
            for child in node.children:
                self.walk(child)
            if block:
                self.flush(blank=True)

    def write_item(self, node: object) -> None:
        """A list item as `- text`; a table row's or a definition's cells as one `label value` line."""
        from bs4 import Tag

        assert isinstance(node, Tag)
        if node.name == "tr":
            cells = [join_words(cell.find_all(string=True)) for cell in node.find_all(["th", "td"], recursive=False)]
            self.lines += [" ".join(cell for cell in cells if cell), ""]
            return
        inner = _LineWriter()
        for child in node.children:
            inner.walk(child)
        inner.flush()
        lines = [line for line in inner.lines if line]
        if not lines:
            return
        if node.name == "li":
            self.lines += [f"- {lines[0]}", *lines[1:]]
        else:
            self.lines += lines
        if node.name != "dt":
            self.lines.append("")


def join_words(parts: Iterable[object]) -> str:
    """Text nodes as one line: source line breaks inside Japanese text vanish, runs of spaces become one."""
    from bs4 import Comment

    text = "".join(str(part) for part in parts if not isinstance(part, Comment))
    pieces = [piece.strip() for piece in re.split(r"[\r\n]+", text)]
    joined = ""
    for piece in (p for p in pieces if p):
        if joined and (joined[-1].isascii() or piece[0].isascii()):
            joined += " "
        joined += piece
    return re.sub(r"[ \t\u00a0]+", " ", joined).strip()


# --- PDF -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _PdfLine:
    text: str
    size: float  # the type size most of its characters are set in, to half a point
    right: float  # where the line ends on the page
    box: int  # the text box (paragraph) it belongs to


def pdf_to_markdown(data: bytes) -> str:
    """The PDF's text as Markdown-like lines: headings by type size, a blank line between paragraphs,
    lines that run to the right margin joined with the next (a wrapped line is not a new one)."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    try:
        pages = [list(_pdf_lines(page)) for page in extract_pages(io.BytesIO(data), laparams=LAParams(line_margin=1.0))]
    except (PDFSyntaxError, PSException, ValueError, TypeError, KeyError) as error:
        raise SourceFormatError(f"not a readable PDF ({type(error).__name__})") from None
    lines = [line for page in pages for line in _join_wrapped(page)]
    if not lines:
        raise SourceFormatError("the PDF has no text (a scan? it needs OCR first)")
    levels = _heading_levels([line.size for line in lines], [len(line.text) for line in lines])
    out: list[str] = []
    for index, line in enumerate(lines):
        if index and line.box != lines[index - 1].box:
            out.append("")
        level = levels.get(line.size)
        out += ["", "#" * level + " " + line.text, ""] if level is not None else [line.text]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip() + "\n"


def _pdf_lines(page: object) -> Iterator[_PdfLine]:
    """Each text line of a page, in reading order, with its type size and text box."""
    from pdfminer.layout import LTChar, LTTextContainer, LTTextLine

    for box, element in enumerate(page if isinstance(page, Iterable) else ()):
        if not isinstance(element, LTTextContainer):
            continue
        for line in element:
            if not isinstance(line, LTTextLine):
                continue
            text = line.get_text().strip()
            sizes = [char.size for char in line if isinstance(char, LTChar) and char.get_text().strip()]
            if text and sizes:
                yield _PdfLine(text, round(Counter(sizes).most_common(1)[0][0] * 2) / 2, line.x1, box)


def _join_wrapped(lines: list[_PdfLine]) -> list[_PdfLine]:
    """A line that reaches the right margin continues on the next line of its paragraph."""
    if not lines:
        return []
    margin = _right_margin([line.right for line in lines])
    joined: list[_PdfLine] = []
    for line in lines:
        previous = joined[-1] if joined else None
        if (previous and previous.box == line.box and previous.size == line.size
                and previous.right >= margin - 1.5 * line.size):
            joined[-1] = _PdfLine(join_wrapped(previous.text, line.text), line.size, line.right, line.box)
        else:
            joined.append(line)
    return joined


def _right_margin(rights: list[float]) -> float:
    """Where full lines end: the most common end among the long lines (one odd wide line does not count)."""
    longest = max(rights)
    ends = Counter(round(right / 2) * 2 for right in rights if right >= 0.8 * longest)
    return float(ends.most_common(1)[0][0])


def join_wrapped(first: str, second: str) -> str:
    """Japanese text wraps between any two characters (no space); other text wraps at a space."""
    return first + second if not first.isascii() else f"{first} {second}"


def _heading_levels(sizes: list[float], lengths: list[int]) -> dict[float, int]:
    """Type sizes above the body's (the size most characters are set in) → heading levels 1, 2, …"""
    weights: Counter[float] = Counter()
    for size, length in zip(sizes, lengths, strict=True):
        weights[size] += length
    body = weights.most_common(1)[0][0]
    larger = sorted({size for size in sizes if size >= body + _HEADING_STEP}, reverse=True)
    return {size: level for level, size in enumerate(larger, 1)}
