"""HTML exports (Confluence, Google Docs, wiki pages saved as .html) -> Markdown-like text.

The analysis works on Markdown, so an HTML export is turned into the text a reader sees, with
its structure kept where the engine needs it: `<h1>`..`<h6>` become ATX headings (so sections are
found), list items become `- ` items, table rows become `| a | b |` lines, and paragraphs are
separated by blank lines. Scripts, styles, navigation and page chrome are dropped. Standard
library only (`html.parser`); malformed markup never raises.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

HTML_SUFFIXES = (".html", ".htm")

_SKIP = frozenset({"script", "style", "noscript", "template", "svg", "nav", "head", "button", "form", "select"})
_BLOCK = frozenset(
    {"p", "div", "section", "article", "main", "blockquote", "pre", "table", "ul", "ol", "dl", "dt", "dd",
     "figure", "figcaption", "header", "footer", "aside", "hr", "address", "details", "summary"}
)
_HEADINGS = {f"h{i}": i for i in range(1, 7)}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.skip_depth = 0
        self.title: list[str] = []
        self.in_title = False
        self.pre = 0
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.in_item = 0  # inside <li>: paragraphs in a list item stay in the item
        self.tables: list[int] = []  # rows written so far in each open <table> (nested tables stack)

    # ----------------------------------------------------------- structure
    def _flush(self, prefix: str = "") -> None:
        text = "".join(self.current)
        text = text if self.pre else " ".join(text.split())
        if text.strip():
            self.lines.append(prefix + text)
        self.current = []

    def _break(self) -> None:
        self._flush()
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def handle_starttag(self, tag: str, attrs) -> None:  # noqa: ANN001 - HTMLParser signature
        if tag == "title":
            self.in_title = True
            return
        if tag in _SKIP:
            self.skip_depth += 1
            return
        if self.skip_depth:
            return
        if (tag in _HEADINGS or tag in _BLOCK) and not self.in_item:
            self._break()
        if tag == "pre":
            self.pre += 1
        elif tag == "li":
            self._flush()
            self.in_item += 1
        elif tag == "br":
            if self.in_item:
                self.current.append(" ")
            else:
                self._flush()
        elif tag == "table":
            self.tables.append(0)
        elif tag == "tr":
            self._flush()
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
            return
        if tag in _SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if self.skip_depth:
            return
        if tag in _HEADINGS:
            self._flush("#" * _HEADINGS[tag] + " ")
            self.lines.append("")
        elif tag == "li":
            self.in_item = max(0, self.in_item - 1)
            self._flush("- ")
        elif tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append(" ".join("".join(self.cell).split()).replace("|", "/"))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if any(self.row):
                self.lines.append("| " + " | ".join(self.row) + " |")
                if self.tables and self.tables[-1] == 0:
                    # the first row is the header: a delimiter row makes the lines a GFM table
                    self.lines.append("|" + " --- |" * len(self.row))
                if self.tables:
                    self.tables[-1] += 1
            self.row = None
        elif tag == "table":
            if self.tables:
                self.tables.pop()
            if not self.in_item:
                self._break()
        elif tag in _BLOCK:
            if not self.in_item:
                self._break()  # a <pre> is flushed while still marked preformatted
            else:
                self.current.append(" ")
            if tag == "pre":
                self.pre = max(0, self.pre - 1)

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        elif self.skip_depth:
            return
        elif self.cell is not None:
            self.cell.append(data)
        else:
            self.current.append(data)

    def text(self) -> str:
        self._flush()
        body = "\n".join(self.lines).strip()
        body = re.sub(r"\n{3,}", "\n\n", body)
        title = " ".join("".join(self.title).split())
        if title and not re.match(r"#\s", body):
            body = f"# {title}\n\n{body}"
        return body + "\n" if body else ""


def html_to_text(html: str) -> str:
    """The readable text of an HTML page as Markdown-like text (headings, lists, tables kept)."""
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # very broken markup: keep what was read so far
        pass
    return parser.text()


def is_html(path: str) -> bool:
    return path.lower().endswith(HTML_SUFFIXES)


__all__ = ["HTML_SUFFIXES", "html_to_text", "is_html"]
