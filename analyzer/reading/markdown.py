"""Markdown or plain text -> blocks and heading candidates, with offsets into the original text.

The parser never changes the length of the text. It produces `masked`, a copy of the text of the
same length in which everything that must not be linted (front matter, code, HTML comments, link
targets, Markdown markup) is blanked with spaces, so a spaCy token's `idx` in `masked` is its
offset in the original file.

Headings come in every form people write. ATX (`## Impact`) and setext headings are *strong*: they
are headings whatever their text. Numbered lines (`3. Root cause`), bold pseudo-headings
(`**Impact:**`) and plain label lines (`Timeline:`) are *weak*: they count as headings only when
the section detector maps their title to a canonical section; otherwise they stay ordinary text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

# Block kinds
PARAGRAPH = "paragraph"
LIST_ITEM = "list_item"
TABLE_CELL = "table_cell"
HEADING = "heading"


@dataclass(frozen=True)
class Block:
    """A run of lintable text: a paragraph, a list item, a table cell or a heading title."""

    kind: str
    start: int
    end: int
    quoted: bool = False
    table: int | None = None  # table number, for table cells
    row: int | None = None  # row in the table (0 = header row)
    col: int | None = None


@dataclass(frozen=True)
class HeadingCandidate:
    title_start: int
    title_end: int
    level: int  # 1..6; weak headings get the level of their style (numbered: depth+1, others 7)
    style: str  # atx | setext | numbered | bold | label
    line_start: int  # offset of the start of the heading line
    body_start: int  # where the text under the heading starts (same line for `**Impact:** text`)

    @property
    def strong(self) -> bool:
        return self.style in ("atx", "setext")


@dataclass
class Document:
    text: str
    masked: str
    blocks: list[Block] = field(default_factory=list)
    headings: list[HeadingCandidate] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    metadata_error: str | None = None
    comments: list[tuple[int, int]] = field(default_factory=list)  # HTML comment ranges
    tables: dict[int, list[str]] = field(default_factory=dict)  # table -> header cell texts

    def block_at(self, offset: int) -> Block | None:
        for block in self.blocks:
            if block.start <= offset < block.end:
                return block
        return None


_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
_FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^([ ]{0,3})(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^[ ]{0,3}(=+|-+)[ \t]*$")
_HR = re.compile(r"^[ ]{0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_LIST = re.compile(r"^([ \t]*)([-*+•]|\d{1,3}[.)]|[a-z][.)])[ \t]+")
_NUMBERED_HEADING = re.compile(
    r"^[ ]{0,3}((?:\d{1,2}\.)+\d{0,2}|\d{1,2}\)|[IVX]{1,4}\.)[ \t]+([^\n]{2,70}?)[ \t]*$"
)
_BOLD_HEADING = re.compile(r"^[ ]{0,3}(\*\*|__)([^*_\n]{2,60}?)[ \t]*(:?)[ \t]*\1[ \t]*(:?)[ \t]*")
_LABEL = re.compile(r"^[ ]{0,3}([A-Z][A-Za-z0-9'&/ ()-]{1,48}?)[ \t]*:(?:[ \t]+|$)")
_QUOTE = re.compile(r"^[ ]{0,3}>[ ]?")
_TABLE_SEP = re.compile(r"^[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(\|[ \t]*:?-{2,}:?[ \t]*)+\|?[ \t]*$")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_INLINE_CODE = re.compile(r"(`+)(.+?)\1", re.S)
_LINK = re.compile(r"(!?)\[([^\]\n]*)\]\(([^)\n]*)\)")
_REF_DEF = re.compile(r"^[ ]{0,3}\[[^\]]+\]:[ \t]*\S+.*$", re.M)
_AUTOLINK = re.compile(r"<(?:https?|mailto|ftp):[^>\s]*>|https?://[^\s)>\]]+")
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_EMPHASIS = re.compile(r"(\*\*|__|\*|~~)(?=\S)([^\n]*?\S)\1")


def parse(text: str) -> Document:
    """Parse Markdown (or plain text) into blocks, heading candidates and a masked copy."""
    text = text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
    chars = list(text)
    doc = Document(text=text, masked="")

    def blank(start: int, end: int) -> None:
        for i in range(start, min(end, len(chars))):
            if chars[i] != "\n":
                chars[i] = " "

    # Front matter: metadata, not linted.
    body_from = 0
    m = _FRONT_MATTER.match(text)
    if m:
        body_from = m.end()
        blank(0, body_from)
        try:
            data = yaml.safe_load(m.group(1) or "") or {}
            doc.metadata = data if isinstance(data, dict) else {"front_matter": data}
        except yaml.YAMLError as exc:
            doc.metadata_error = f"front matter is not valid YAML: {str(exc).splitlines()[0]}"

    # HTML comments (suppression directives are read from the original text by suppress.py).
    for cm in _HTML_COMMENT.finditer(text, body_from):
        doc.comments.append((cm.start(), cm.end()))
        blank(cm.start(), cm.end())

    lines: list[tuple[int, int]] = []  # (start, end) without the newline
    pos = 0
    for raw in text.split("\n"):
        lines.append((pos, pos + len(raw)))
        pos += len(raw) + 1

    def line_text(i: int) -> str:
        s, e = lines[i]
        return "".join(chars[s:e])

    def is_blank(i: int) -> bool:
        return not line_text(i).strip()

    i = 0
    n = len(lines)
    # skip front matter lines
    while i < n and lines[i][1] <= body_from and body_from:
        i += 1
    para: list[int] = []  # line numbers of the paragraph being collected
    para_quoted = False
    table_no = 0
    prev_kind = ""

    def flush_para() -> None:
        nonlocal para, para_quoted
        if para:
            s = _first_nonspace(chars, lines[para[0]][0], lines[para[-1]][1])
            e = _last_nonspace(chars, lines[para[0]][0], lines[para[-1]][1])
            if s is not None and e is not None:
                doc.blocks.append(Block(PARAGRAPH, s, e + 1, quoted=para_quoted))
        para = []
        para_quoted = False

    current_item: list[int] | None = None  # [start, end, quoted] of the open list item

    def flush_item() -> None:
        nonlocal current_item
        if current_item:
            s, e, q = current_item
            s2 = _first_nonspace(chars, s, e)
            e2 = _last_nonspace(chars, s, e)
            if s2 is not None and e2 is not None:
                doc.blocks.append(Block(LIST_ITEM, s2, e2 + 1, quoted=bool(q)))
        current_item = None

    while i < n:
        ls, le = lines[i]
        line = line_text(i)
        quoted = False
        qm = _QUOTE.match(line)
        while qm:  # nested quotes: blank every marker
            quoted = True
            blank(ls + qm.start(), ls + qm.end())
            line = line_text(i)
            qm = _QUOTE.match(line)
        stripped = line.strip()

        # Fenced code
        fm = _FENCE.match(line)
        if fm:
            flush_para()
            flush_item()
            fence = fm.group(1)
            j = i + 1
            while j < n and not line_text(j).strip().startswith(fence[0] * len(fence)):
                j += 1
            end = lines[min(j, n - 1)][1]
            blank(ls, end)
            i = j + 1
            prev_kind = "code"
            continue

        if not stripped:
            flush_para()
            # a blank line ends a list item only if the next line is not indented continuation
            if current_item and not (i + 1 < n and line_text(i + 1).startswith(("  ", "\t"))):
                flush_item()
            i += 1
            prev_kind = "blank" if prev_kind != "code" else prev_kind
            continue

        # Indented code: after a blank line, not inside a list
        if (line.startswith("    ") or line.startswith("\t")) and not para and current_item is None:
            if prev_kind in ("blank", "code", "") and not quoted:
                blank(ls, le)
                i += 1
                prev_kind = "code"
                continue

        # Setext heading: a one-line paragraph followed by === or ---
        if para and len(para) == 1 and _SETEXT.match(line) and not current_item:
            ps, pe = lines[para[0]]
            s = _first_nonspace(chars, ps, pe)
            e = _last_nonspace(chars, ps, pe)
            level = 1 if stripped.startswith("=") else 2
            blank(ls, le)
            if s is not None and e is not None:
                doc.headings.append(HeadingCandidate(s, e + 1, level, "setext", ps, le))
                doc.blocks.append(Block(HEADING, s, e + 1, quoted=para_quoted))
            para = []
            i += 1
            prev_kind = "heading"
            continue

        # Setext heading seen from its title line (before label/list rules can claim the line)
        if (
            not para
            and current_item is None
            and i + 1 < n
            and _SETEXT.match(line_text(i + 1))
            and not _LIST.match(line)
            and not _ATX.match(line)
            and "|" not in line
        ):
            s = _first_nonspace(chars, ls, le)
            e = _last_nonspace(chars, ls, le)
            nls, nle = lines[i + 1]
            level = 1 if line_text(i + 1).strip().startswith("=") else 2
            blank(nls, nle)
            if s is not None and e is not None:
                doc.headings.append(HeadingCandidate(s, e + 1, level, "setext", ls, nle))
                doc.blocks.append(Block(HEADING, s, e + 1, quoted=quoted))
            i += 2
            prev_kind = "heading"
            continue

        if _HR.match(line):
            flush_para()
            flush_item()
            blank(ls, le)
            i += 1
            prev_kind = "hr"
            continue

        am = _ATX.match(line)
        if am:
            flush_para()
            flush_item()
            title = am.group(3) or ""
            # blank the hashes (and closing hashes)
            hs = ls + len(am.group(1))
            blank(hs, hs + len(am.group(2)))
            if title:
                ts = ls + line.index(title, len(am.group(1)) + len(am.group(2)))
                te = ts + len(title)
                blank(te, le)
                doc.headings.append(HeadingCandidate(ts, te, len(am.group(2)), "atx", ls, le))
                doc.blocks.append(Block(HEADING, ts, te, quoted=quoted))
            i += 1
            prev_kind = "heading"
            continue

        # Tables: a header row followed by a separator row
        if "|" in line and i + 1 < n and _TABLE_SEP.match(line_text(i + 1)):
            flush_para()
            flush_item()
            table_no += 1
            header = _table_cells(chars, ls, le)
            doc.tables[table_no] = ["".join(chars[s:e]).strip().lower() for s, e in header]
            for c, (s, e) in enumerate(header):
                doc.blocks.append(Block(TABLE_CELL, s, e, quoted, table_no, 0, c))
            _blank_pipes(chars, ls, le)
            blank(*lines[i + 1])
            j = i + 2
            row = 1
            while j < n and "|" in line_text(j) and line_text(j).strip():
                rs, re_ = lines[j]
                for c, (s, e) in enumerate(_table_cells(chars, rs, re_)):
                    doc.blocks.append(Block(TABLE_CELL, s, e, quoted, table_no, row, c))
                _blank_pipes(chars, rs, re_)
                j += 1
                row += 1
            i = j
            prev_kind = "table"
            continue

        # Bold pseudo-heading: **Impact:** text  /  **Root cause**
        bm = _BOLD_HEADING.match(line)
        if bm and (bm.group(3) or bm.group(4) or not line[bm.end():].strip()):
            flush_para()
            flush_item()
            title = bm.group(2)
            ts = ls + line.index(title)
            te = ts + len(title.rstrip())
            blank(ls, ls + bm.end())
            chars[ts:te] = list(text[ts:te])
            _inline_heading(doc, chars, "bold", ts, te, ls, ls + bm.end(), le, quoted)
            i += 1
            prev_kind = "heading"
            continue

        lm = _LIST.match(line)
        nm = _NUMBERED_HEADING.match(line)
        if nm and not para and _looks_like_title(nm.group(2)):
            # Weak numbered heading; if the section detector rejects it, it is a list item.
            flush_item()
            title = nm.group(2)
            ts = ls + line.index(title, nm.start(2))
            te = ts + len(title.rstrip(" :"))
            depth = nm.group(1).strip(".").count(".") + 1
            doc.headings.append(HeadingCandidate(ts, te, min(depth + 1, 6), "numbered", ls, le))
            blank(ls, ts)
            blank(te, le)
            doc.blocks.append(Block(HEADING, ts, te, quoted=quoted))
            i += 1
            prev_kind = "heading"
            continue

        if lm:
            flush_para()
            flush_item()
            blank(ls + lm.start(2), ls + lm.end(2))
            current_item = [ls + lm.end(), le, quoted]
            i += 1
            prev_kind = "list"
            continue

        if current_item is not None and (line.startswith((" ", "\t")) or not para):
            # continuation of the list item (indented, or lazy continuation)
            if line.startswith((" ", "\t")) or prev_kind == "list":
                current_item[1] = le
                i += 1
                continue

        # Plain-text label line: "Timeline:" or "Root cause: the disk filled"
        lab = _LABEL.match(line)
        if lab and not para and len(lab.group(1).split()) <= 5:
            flush_item()
            title = lab.group(1)
            ts = ls + line.index(title)
            te = ts + len(title)
            blank(te, te + 1)  # the colon
            _inline_heading(doc, chars, "label", ts, te, ls, ls + lab.end(), le, quoted)
            i += 1
            prev_kind = "heading"
            continue

        flush_item()
        if para and quoted != para_quoted:
            flush_para()
        para.append(i)
        para_quoted = para_quoted or quoted
        prev_kind = "para"
        i += 1
    flush_para()
    flush_item()

    _mask_inline(text, chars, doc)
    doc.masked = "".join(chars)
    doc.blocks.sort(key=lambda b: b.start)
    doc.headings.sort(key=lambda h: h.title_start)
    return doc


def _inline_heading(doc: Document, chars: list[str], style: str, ts: int, te: int, line_start: int,
                    rest_start: int, line_end: int, quoted: bool) -> None:
    """A weak heading whose body may start on the same line (`**Impact:** 30% of users ...`)."""
    doc.headings.append(HeadingCandidate(ts, te, 7, style, line_start, rest_start))
    doc.blocks.append(Block(HEADING, ts, te, quoted=quoted))
    s = _first_nonspace(chars, rest_start, line_end)
    e = _last_nonspace(chars, rest_start, line_end)
    if s is not None and e is not None:
        doc.blocks.append(Block(PARAGRAPH, s, e + 1, quoted=quoted))


def _looks_like_title(title: str) -> bool:
    t = title.strip()
    if not t or t.endswith((".", ";", ",")) or len(t.split()) > 7:
        return False
    return t[0].isupper() or t[0].isdigit()


def _first_nonspace(chars: list[str], s: int, e: int) -> int | None:
    for k in range(s, e):
        if not chars[k].isspace():
            return k
    return None


def _last_nonspace(chars: list[str], s: int, e: int) -> int | None:
    for k in range(e - 1, s - 1, -1):
        if not chars[k].isspace():
            return k
    return None


def _table_cells(chars: list[str], s: int, e: int) -> list[tuple[int, int]]:
    cells: list[tuple[int, int]] = []
    line = "".join(chars[s:e])
    bounds = [k for k, ch in enumerate(line) if ch == "|" and (k == 0 or line[k - 1] != "\\")]
    edges = ([-1] if not line.lstrip().startswith("|") else []) + bounds
    if not line.rstrip().endswith("|"):
        edges.append(len(line))
    for a, b in zip(edges, edges[1:]):
        cs = _first_nonspace(chars, s + a + 1, s + b)
        ce = _last_nonspace(chars, s + a + 1, s + b)
        if cs is not None and ce is not None:
            cells.append((cs, ce + 1))
    return cells


def _blank_pipes(chars: list[str], s: int, e: int) -> None:
    for k in range(s, e):
        if chars[k] == "|":
            chars[k] = " "


def _mask_inline(text: str, chars: list[str], doc: Document) -> None:
    """Blank inline code, link targets, URLs, HTML tags and emphasis markers."""
    masked = "".join(chars)

    def blank(s: int, e: int) -> None:
        for k in range(s, e):
            if chars[k] != "\n":
                chars[k] = " "

    for m in _INLINE_CODE.finditer(masked):
        blank(m.start(), m.end())
    masked = "".join(chars)
    for m in _LINK.finditer(masked):
        blank(m.start(), m.start(2))  # ![ or [
        blank(m.end(2), m.end())  # ](target)
    masked = "".join(chars)
    for m in _REF_DEF.finditer(masked):
        blank(m.start(), m.end())
    for m in _AUTOLINK.finditer(masked):
        blank(m.start(), m.end())
    masked = "".join(chars)
    for m in _HTML_TAG.finditer(masked):
        blank(m.start(), m.end())
    masked = "".join(chars)
    for m in _EMPHASIS.finditer(masked):
        blank(m.start(1), m.end(1))
        blank(m.end(2), m.end())
