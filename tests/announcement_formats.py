"""Announcements in the formats people save them in, generated from the shared Markdown sources.

- `to_bureau_page`: the press-release page as a browser saves it — the site's header, navigation,
  breadcrumbs and footer around the content, headings as <h1>…<h6>, bullets as <ul>, the source's
  line breaks as <br>.
- `write_pdf`: the release's attachment — a PDF set in the Japanese CID font every PDF reader has
  (no font file needed), the title and headings in larger type than the body, long lines wrapped.
- `to_other_layout`: the same announcement written the other ways bureaus write them (one
  date/issuer/address line, 和暦 dates, full-width digits, 日程/会場, `A / B` attendees, a heading
  annotation) — an announcement `draft` has not seen.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def to_blocks(markdown: str) -> list[tuple[str, int, list[str]]]:
    """("heading", level, [text]) / ("list", 0, items) / ("para", 0, lines), comments and ** removed."""
    lines = _COMMENT.sub("", markdown).split("\n")
    blocks: list[tuple[str, int, list[str]]] = []
    for raw in lines:
        line = _LINK.sub(r"\1", raw).replace("**", "").rstrip()
        if heading := _HEADING.match(line):
            blocks.append(("heading", len(heading[1]), [heading[2]]))
        elif bullet := _BULLET.match(line):
            if blocks and blocks[-1][0] == "list":
                blocks[-1][2].append(bullet[1])
            else:
                blocks.append(("list", 0, [bullet[1]]))
        elif line.strip():
            if blocks and blocks[-1][0] == "para" and blocks[-1][2]:
                blocks[-1][2].append(line.strip())
            else:
                blocks.append(("para", 0, [line.strip()]))
        else:
            blocks.append(("para", 0, []))
    return [block for block in blocks if block[2]]


def to_bureau_page(markdown: str, url: str = "https://www.hkd.meti.go.jp/hoksr/press/index.htm") -> str:
    """The announcement inside a saved page of the bureau's site."""
    body: list[str] = []
    for kind, level, texts in to_blocks(markdown):
        escaped = [html.escape(text) for text in texts]
        if kind == "heading":
            body.append(f"<h{level}>{escaped[0]}</h{level}>")
        elif kind == "list":
            body.append("<ul>\n" + "\n".join(f"  <li>{item}</li>" for item in escaped) + "\n</ul>")
        else:
            body.append("<p>" + "<br>\n".join(escaped) + "</p>")
    return f"""<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<title>プレスリリース | 経済産業省 北海道経済産業局</title>
<!-- saved from url=({len(url):04d}){url} -->
<script>window.dataLayer = [];</script>
<style>body {{ font-family: sans-serif; }}</style>
</head>
<body>
<header><h1><a href="/">経済産業省 北海道経済産業局</a></h1>
<nav><ul><li><a href="/hoksr/">報道発表</a></li><li><a href="/hokpp/">政策紹介</a></li></ul></nav>
</header>
<div id="breadcrumbs"><a href="/">ホーム</a> &gt; 報道発表</div>
<main id="main">
{chr(10).join(body)}
</main>
<footer><p>Copyright Hokkaido Bureau of Economy, Trade and Industry. All Rights Reserved.</p></footer>
</body>
</html>
"""


# Type sizes of the PDF: the title, heading levels 2 to 6, the body.
_SIZES = {1: 16.0, 2: 14.0, 3: 13.0, 4: 12.5, 5: 12.0, 6: 11.5}
_BODY = 10.5
_FONT = "HeiseiKakuGo-W5"


def write_pdf(markdown: str, path: Path) -> Path:
    """The announcement as an A4 PDF (reportlab), one text line per drawn line, wrapped at the margin."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(_FONT))
    width, height = A4
    margin = 56.0
    page = canvas.Canvas(str(path), pagesize=A4)
    y = height - margin

    def draw(text: str, size: float, gap_after: float) -> None:
        nonlocal y
        for part in wrap(text, size, width - 2 * margin):
            if y < margin + size:
                page.showPage()
                y = height - margin
            page.setFont(_FONT, size)
            page.drawString(margin, y, part)
            y -= size * 1.5
        y -= gap_after

    for kind, level, texts in to_blocks(markdown):
        if kind == "heading":
            y -= 6
            draw(texts[0], _SIZES[level], 8)
        elif kind == "list":
            for item in texts:
                draw(f"・{item}", _BODY, 2)
            y -= 8
        else:
            for line in texts:
                draw(line, _BODY, 0)
            y -= 12
    page.save()
    return path


def wrap(text: str, size: float, width: float) -> list[str]:
    """Lines of at most `width` points: Japanese text breaks between any two characters."""
    from reportlab.pdfbase import pdfmetrics

    lines, current = [], ""
    for char in text:
        if current and pdfmetrics.stringWidth(current + char, _FONT, size) > width:
            lines.append(current)
            current = ""
        current += char
    return [*lines, current] if current else lines


_WIDE_DIGITS = str.maketrans("0123456789:", "０１２３４５６７８９：")


def to_other_layout(kitami_markdown: str) -> str:
    """The Kitami announcement as another office might write it: the date, issuer and page address on
    one line; the ceremony as 日程/会場/出席者 lines with 和暦 and full-width digits, 〜 between the
    times and both attendees on one line; a heading annotated (opening only)."""
    text = _COMMENT.sub("", kitami_markdown)
    text = text.replace(
        "2021年3月23日\n経済産業省北海道経済産業局\n",
        "2021年3月23日 経済産業省北海道経済産業局 https://www.hkd.meti.go.jp/hoksr/20210323/index.htm\n",
    )
    ceremony = re.search(r"【日時】.*?(?=\n## )", text, re.DOTALL)
    assert ceremony is not None, "the Kitami source has a 【日時】 block"
    when = "令和3年3月25日(木)9:30〜10:00".translate(_WIDE_DIGITS)
    text = text.replace(ceremony[0], (
        f"日程：{when}\n"
        "会場：北見市役所 本庁舎4階 市長応接室(北見市大通西3丁目1番地1)\n"
        "出席者：北見市長 辻 直孝 / 北海道経済産業局長 安藤 保彦\n"
    ))
    return text.replace("## 覚書締結の趣旨\n", "## 覚書締結の趣旨 (opening only)\n")
