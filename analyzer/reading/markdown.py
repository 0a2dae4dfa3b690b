"""Markdown or plain text -> blocks and heading candidates, with offsets into the original text.

Reading is CommonMark (markdown-it-py, see `commonmark.py`): nested lists, block quotes, tables and
code are what CommonMark says they are. Block tokens carry line maps; character offsets are derived
from them and stay the truth.

`masked` is a copy of the text of the same length in which only lintable prose is visible: it
starts blank (newlines kept) and the inline content of paragraphs, list items, headings and table
cells is revealed, less its inline markup (code spans, link targets, inline HTML, emphasis
markers, URLs). So a spaCy token's `idx` in `masked` is its offset in the original file, and front
matter, code, HTML blocks, list and quote markers and table pipes are never linted.

Headings come in every form people write. ATX (`## Impact`) and setext headings are *strong*: they
are headings whatever their text. Weak forms (`weak.py`: bold pseudo-headings, bold list labels,
numbered lines, questions, label lines) count as headings only when the section detector maps
their title to a canonical section; otherwise they stay ordinary text.
"""

from __future__ import annotations

import bisect
import re
from typing import Callable

from markdown_it.token import Token

from analyzer.reading.commonmark import Segment, markup_ranges, parser
from analyzer.reading.document import HEADING, LIST_ITEM, PARAGRAPH, TABLE_CELL, Block, Document, HeadingCandidate
from analyzer.reading.frontmatter import load_front_matter
from analyzer.reading.weak import is_cell_label, weak_headings

_URL = re.compile(r"https?://[^\s)>\]]+")
_TASK_MARK = 3  # the task-list plugin removes "[ ]" / "[x]" from the item's inline content


# List markers that word processors and plain-text writers use and CommonMark does not know: a
# bullet character ("• Restart the workers"), a letter ("a) ...", "(b) ...") and a decimal number
# ("5.1 Add a schema check ..."). They are rewritten to CommonMark markers of the same length before
# parsing, so the lists are lists and every offset stays the original text's.
_BULLET_LINE = re.compile(r"^([ \t]{0,3})[•◦▪●‣⁃∙·](?=[ \t]+\S)", re.M)
_LETTER_LINE = re.compile(r"^([ \t]{0,3})(\(?)([a-h])\)(?=[ \t]+\S)", re.M)
_DECIMAL_LINE = re.compile(r"^([ \t]{0,3})(\d{1,2}\.\d{1,2}\.?)(?=[ \t]+\S)(.*)$", re.M)
_DECIMAL_ITEM_WORDS = 6  # "5.1 Add a schema check to the deploy" is an item; "5.1 Root cause" is a numbered heading
_LIST_START = re.compile(r"[ \t]{0,3}(?:[-*+]|\d{1,9}[.)])[ \t]+\S")
_FENCE = re.compile(r"^[ \t]{0,3}(```|~~~)", re.M)


def list_markers(text: str) -> str:
    """`text` with bullet characters, lettered items (when a document letters at least two: "a)"
    and "b)") and decimal-numbered sentences written as CommonMark list markers of the same length;
    lines inside fenced code are left alone."""
    fenced = _fenced_ranges(text)
    out = list(text)

    starts = [a for a, _ in fenced]

    def outside(pos: int) -> bool:  # a bisect, not a scan: many fences and many items stay linear
        k = bisect.bisect_right(starts, pos) - 1
        return k < 0 or pos >= fenced[k][1]

    for m in _BULLET_LINE.finditer(text):
        if outside(m.start()):
            out[m.end() - 1] = "-"
    letters = [m for m in _LETTER_LINE.finditer(text) if outside(m.start())]
    if {"a", "b"} <= {m.group(3) for m in letters}:
        for m in letters:  # "a)" -> "1)", "(a)" -> " 1)"
            out[m.start(2):m.end()] = list(" " * len(m.group(2)) + "1)")
    for m in _decimal_items(text, outside):
        out[m.start(2):m.end(2)] = list("-" + " " * (len(m.group(2)) - 1))
    return "".join(out)


def _decimal_items(text: str, outside: Callable[[int], bool]) -> list[re.Match[str]]:
    """Sentences numbered "5.1", "5.2", ... : at least the first two numbers of one section, each
    a sentence of several words (not a version number at the start of a broken line, "1.11 to
    1.13. The ...", nor a numbered heading, "3.2 What went poorly?")."""
    found: dict[str, dict[str, re.Match[str]]] = {}
    for m in _DECIMAL_LINE.finditer(text):
        rest = m.group(3).strip()
        if (outside(m.start()) and len(rest.split()) >= _DECIMAL_ITEM_WORDS and rest[:1].isupper()
                and not rest.endswith(("?", ":")) and "<" not in rest):
            major, minor = m.group(2).rstrip(".").split(".")
            found.setdefault(major, {}).setdefault(minor, m)
    return [m for minors in found.values() if {"1", "2"} <= minors.keys() for m in minors.values()]


def _fenced_ranges(text: str) -> list[tuple[int, int]]:
    marks = [m.start() for m in _FENCE.finditer(text)]
    return [(a, b) for a, b in zip(marks[::2], marks[1::2] + [len(text)])]


def parse(text: str) -> Document:
    """Parse Markdown (or plain text) into blocks, heading candidates and a masked copy."""
    return _TreeReader(text).read()


class _TreeReader:
    """One walk over the CommonMark tokens, keeping the stack of open containers."""

    def __init__(self, text: str) -> None:
        text = text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
        self.text = text
        self.parsed = list_markers(text)  # what markdown-it reads: the same length, list markers it knows
        self.chars = [" " if ch != "\n" else ch for ch in text]
        self.doc = Document(text=text, masked="")
        self.lines: list[tuple[int, int]] = []
        pos = 0
        for raw in text.split("\n"):
            self.lines.append((pos, pos + len(raw)))
            pos += len(raw) + 1
        self.line_starts = [s for s, _ in self.lines]
        self.stack: list[Token] = []
        self.table_no = 0
        self.row = -1
        self.col = -1
        self._table_cursor = 0

    def read(self) -> Document:
        for tok in parser().parse(self.parsed):
            if tok.nesting == 1:
                self._open(tok)
                self.stack.append(tok)
            elif tok.nesting == -1:
                self.stack.pop()
            elif tok.type == "inline":
                self._inline(tok)
            elif tok.type == "front_matter":
                self.doc.metadata, self.doc.metadata_error = load_front_matter(tok.content)
            elif tok.type == "html_block" and tok.map:
                self._html_comments(*self._span(tok.map))
        doc = self.doc
        self._table_labels()
        doc.masked = "".join(self.chars)
        doc.blocks.sort(key=lambda b: b.start)
        doc.headings.sort(key=lambda h: h.title_start)
        return doc

    def _list_at(self, line: int) -> bool:
        """Whether a list item starts on this line (of the text as parsed, markers rewritten)."""
        if line >= len(self.lines):
            return False
        start, end = self.lines[line]
        return _LIST_START.match(self.parsed, start, end) is not None

    def _table_labels(self) -> None:
        """A key-value table (`| Summary | ... |`, `| Impact | ... |`, the header block of a Google
        Docs template) names its sections in the first column: a short first cell of a two-column
        table is a weak heading (style `cell`) over the cell beside it."""
        rows: dict[tuple[int, int], dict[int, Block]] = {}
        for b in self.doc.blocks:
            if b.kind == TABLE_CELL and b.table is not None and len(self.doc.tables.get(b.table, ())) == 2:
                rows.setdefault((b.table, b.row or 0), {})[b.col or 0] = b
        for cols in rows.values():
            label, value = cols.get(0), cols.get(1)
            if label is None or value is None or not is_cell_label(self.text[label.start:label.end]):
                continue
            line_start = self.lines[self._line_index(label.start)][0]
            self.doc.headings.append(HeadingCandidate(label.start, label.end, 7, "cell", line_start, value.start))

    # ------------------------------------------------------------ containers
    def _open(self, tok: Token) -> None:
        if tok.type == "table_open":
            self.table_no += 1
            self.row = -1
        elif tok.type == "tr_open":
            self.row += 1
            self.col = -1
        elif tok.type in ("th_open", "td_open"):
            self.col += 1

    def _quoted(self) -> bool:
        return any(t.type == "blockquote_open" for t in self.stack)

    def _span(self, line_map: list[int]) -> tuple[int, int]:
        first, last = line_map[0], max(line_map[1] - 1, line_map[0])
        return self.lines[first][0], self.lines[min(last, len(self.lines) - 1)][1]

    # ------------------------------------------------------------ inline content
    def _inline(self, tok: Token) -> None:
        parent = self.stack[-1] if self.stack else None
        if parent is None or tok.map is None:
            return
        if parent.type == "heading_open":
            self._heading(tok, parent)
        elif parent.type in ("th_open", "td_open"):
            self._cell(tok)
        elif parent.type == "paragraph_open":
            self._paragraph(tok)

    def _reveal(self, tok: Token, seg: Segment, shift: int = 0) -> None:
        """Make the segment's prose visible, then blank its inline markup and bare URLs."""
        text, chars = self.text, self.chars
        for s, e in seg.spans():
            chars[s:e] = text[s:e]
        for s, e, kind in markup_ranges(tok.children or []):
            a, b = seg.to_source(max(s - shift, 0)), seg.to_source(max(e - shift, 0))
            self._blank(a, b)
            if kind == "comment":
                self.doc.comments.append((a, b))
        for s, e in seg.spans():
            for m in _URL.finditer(text, s, e):
                self._blank(m.start(), m.end())

    def _blank(self, start: int, end: int) -> None:
        chars = self.chars
        for k in range(start, min(end, len(chars))):
            if chars[k] != "\n":
                chars[k] = " "

    def _block(self, kind: str, start: int, end: int, **extra: object) -> Block | None:
        """A block trimmed to its visible text (None when nothing of it is visible)."""
        chars = self.chars
        while start < end and chars[start].isspace():
            start += 1
        while end > start and chars[end - 1].isspace():
            end -= 1
        if end <= start:
            return None
        block = Block(kind, start, end, quoted=self._quoted(), **extra)  # type: ignore[arg-type]
        self.doc.blocks.append(block)
        return block

    def _heading(self, tok: Token, parent: Token) -> None:
        first = parent.map[0] if parent.map else tok.map[0]  # type: ignore[index]
        seg = Segment.locate(tok.content, self.text, self.lines, first)
        self._reveal(tok, seg)
        style = "atx" if parent.markup.startswith("#") else "setext"
        block = self._block(HEADING, seg.to_source(0), seg.to_source(len(tok.content)))
        if block is None:
            return
        line_start, body_start = self._span(parent.map or tok.map)  # type: ignore[arg-type]
        self.doc.headings.append(HeadingCandidate(block.start, block.end, int(parent.tag[1]), style,
                                                  line_start, body_start))

    def _cell(self, tok: Token) -> None:
        ls, le = self.lines[tok.map[0]]  # type: ignore[index]
        line = self.text[ls:le]
        cursor = self._cell_cursor(ls)
        found = line.find(tok.content, cursor - ls) if tok.content else -1
        if found < 0:
            return
        start = ls + found
        seg = Segment(tok.content, [0], [start], [len(tok.content)])
        self._reveal(tok, seg)
        self._table_cursor = start + len(tok.content)
        header = self.row == 0
        block = self._block(TABLE_CELL, start, start + len(tok.content), table=self.table_no, row=self.row,
                            col=self.col)
        if header:
            cells = self.doc.tables.setdefault(self.table_no, [])
            cells.append(self.text[block.start:block.end].lower() if block else "")

    def _cell_cursor(self, line_start: int) -> int:
        cursor = self._table_cursor
        return cursor if self.col > 0 and cursor >= line_start else line_start

    def _paragraph(self, tok: Token) -> None:
        item = self.stack[-2] if len(self.stack) >= 2 and self.stack[-2].type == "list_item_open" else None
        task = _task_state(tok) if item is not None and "task-list-item" in str(item.attrs.get("class", "")) else None
        seg = Segment.locate(tok.content, self.text, self.lines, tok.map[0])  # type: ignore[index]
        shift = _TASK_MARK if task else 0
        self._reveal(tok, seg, shift)
        kind = LIST_ITEM if item is not None else PARAGRAPH
        ordered = sum(1 for t in self.stack if t.type == "ordered_list_open")
        first_in_item = item is not None and self.stack[-2] is item and _first_child(item, tok)
        weak = weak_headings(tok.content, _shifted(tok.children or [], shift), in_item=item is not None,
                             ordered_depth=ordered if first_in_item else 0,
                             list_follows=item is None and self._list_at(tok.map[1]))  # type: ignore[index]
        cuts = [w.title[0] for w in weak] + [len(tok.content)]
        if weak and cuts[0] > 0:
            self._block(kind, seg.to_source(0), seg.to_source(cuts[0]), task=task)
        if not weak:
            self._block(kind, seg.to_source(0), seg.to_source(len(tok.content)), task=task)
        for w, body_end in zip(weak, cuts[1:]):
            title = self._block(HEADING, seg.to_source(w.title[0]), seg.to_source(w.title[1]))
            if title is None:
                continue
            line = self.lines[self._line_index(title.start)]
            body = seg.to_source(min(w.body, body_end))
            self.doc.headings.append(HeadingCandidate(title.start, title.end, w.level, w.style, line[0], body))
            self._block(kind, body, seg.to_source(body_end), task=task, after_title=title.start)

    def _line_index(self, offset: int) -> int:
        return bisect.bisect_right(self.line_starts, offset) - 1

    def _html_comments(self, start: int, end: int) -> None:
        """HTML comments in an HTML block (suppression directives are read from them)."""
        text = self.text
        pos = text.find("<!--", start, end)
        while pos >= 0:
            close = text.find("-->", pos + 4, end)
            stop = close + 3 if close >= 0 else end
            self.doc.comments.append((pos, stop))
            if close < 0:
                break
            pos = text.find("<!--", stop, end)


def _task_state(tok: Token) -> str | None:
    first = (tok.children or [None])[0]
    if first is None or first.type != "html_inline" or "checkbox" not in first.content:
        return None
    return "done" if "checked" in first.content else "open"


def _shifted(children: list[Token], shift: int) -> list[Token]:
    if not shift:
        return children
    out = []
    for t in children:
        if t.meta.get("pos"):
            t = t.copy()
            s, e = t.meta["pos"]
            t.meta = {**t.meta, "pos": (s - shift, e - shift)}
        out.append(t)
    return out


def _first_child(item: Token, tok: Token) -> bool:
    return bool(item.map and tok.map and tok.map[0] == item.map[0])
