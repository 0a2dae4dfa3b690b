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

from analyzer.reading.document import HEADING, LIST_ITEM, PARAGRAPH, TABLE_CELL, Block, Document, HeadingCandidate
from analyzer.reading.frontmatter import load_front_matter
from analyzer.reading.inline import mask_inline
from analyzer.reading.spans import _blank_pipes, _first_nonspace, _last_nonspace, _table_cells

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


def parse(text: str) -> Document:
    """Parse Markdown (or plain text) into blocks, heading candidates and a masked copy."""
    return _BlockReader(text).read()


class _BlockReader:
    """One pass over the lines. Each `_try_*` method reads one construct at line `i`: it returns
    True when the line (or lines) were its own, having advanced `i`, blanked markup in `chars` and
    added blocks and headings to `doc`."""

    def __init__(self, text: str) -> None:
        text = text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
        self.text = text
        self.chars = list(text)
        self.doc = Document(text=text, masked="")
        self.lines: list[tuple[int, int]] = []  # (start, end) without the newline
        pos = 0
        for raw in text.split("\n"):
            self.lines.append((pos, pos + len(raw)))
            pos += len(raw) + 1
        self.n = len(self.lines)
        self.i = 0
        self.para: list[int] = []  # line numbers of the paragraph being collected
        self.para_quoted = False
        self.current_item: list | None = None  # [start, end, quoted] of the open list item
        self.table_no = 0
        self.prev_kind = ""

    # ------------------------------------------------------------ helpers
    def blank(self, start: int, end: int) -> None:
        chars = self.chars
        for k in range(start, min(end, len(chars))):
            if chars[k] != "\n":
                chars[k] = " "

    def line_text(self, i: int) -> str:
        s, e = self.lines[i]
        return "".join(self.chars[s:e])

    def flush_para(self) -> None:
        if self.para:
            lines = self.lines
            s = _first_nonspace(self.chars, lines[self.para[0]][0], lines[self.para[-1]][1])
            e = _last_nonspace(self.chars, lines[self.para[0]][0], lines[self.para[-1]][1])
            if s is not None and e is not None:
                self.doc.blocks.append(Block(PARAGRAPH, s, e + 1, quoted=self.para_quoted))
        self.para = []
        self.para_quoted = False

    def flush_item(self) -> None:
        if self.current_item:
            s, e, q = self.current_item
            s2 = _first_nonspace(self.chars, s, e)
            e2 = _last_nonspace(self.chars, s, e)
            if s2 is not None and e2 is not None:
                self.doc.blocks.append(Block(LIST_ITEM, s2, e2 + 1, quoted=bool(q)))
        self.current_item = None

    def flush(self) -> None:
        self.flush_para()
        self.flush_item()

    def _advance(self, kind: str, lines: int = 1) -> bool:
        """Past the construct just read (`lines` lines of kind `kind`); True for the caller's caller."""
        self.i += lines
        self.prev_kind = kind
        return True

    def heading(self, s: int, e: int, level: int, style: str, line_start: int, body_start: int, quoted: bool) -> None:
        self.doc.headings.append(HeadingCandidate(s, e, level, style, line_start, body_start))
        self.doc.blocks.append(Block(HEADING, s, e, quoted=quoted))

    # ------------------------------------------------------------ the pass
    def read(self) -> Document:
        body_from = self._front_matter()
        self._comments(body_from)
        while self.i < self.n and self.lines[self.i][1] <= body_from and body_from:
            self.i += 1
        steps = (self._try_fence, self._try_blank, self._try_indented_code, self._try_setext_underline,
                 self._try_setext_title, self._try_rule, self._try_atx, self._try_table, self._try_bold_heading,
                 self._try_numbered_heading, self._try_list_item, self._try_continuation, self._try_label)
        while self.i < self.n:
            ls, le = self.lines[self.i]
            line, quoted = self._unquote(ls)
            if not any(step(line, quoted, ls, le) for step in steps):
                self._paragraph_line(quoted)
        self.flush()
        mask_inline(self.text, self.chars, self.doc)
        doc = self.doc
        doc.masked = "".join(self.chars)
        doc.blocks.sort(key=lambda b: b.start)
        doc.headings.sort(key=lambda h: h.title_start)
        return doc

    def _front_matter(self) -> int:
        """Front matter: metadata, not linted. Returns where the body starts."""
        m = _FRONT_MATTER.match(self.text)
        if not m:
            return 0
        self.blank(0, m.end())
        self.doc.metadata, self.doc.metadata_error = load_front_matter(m.group(1) or "")
        return m.end()

    def _comments(self, body_from: int) -> None:
        """HTML comments (suppression directives are read from the original text by suppress.py)."""
        for cm in _HTML_COMMENT.finditer(self.text, body_from):
            self.doc.comments.append((cm.start(), cm.end()))
            self.blank(cm.start(), cm.end())

    def _unquote(self, ls: int) -> tuple[str, bool]:
        """The line with every block-quote marker blanked (nested quotes too), and whether it had one."""
        line = self.line_text(self.i)
        quoted = False
        qm = _QUOTE.match(line)
        while qm:
            quoted = True
            self.blank(ls + qm.start(), ls + qm.end())
            line = self.line_text(self.i)
            qm = _QUOTE.match(line)
        return line, quoted

    def _try_fence(self, line: str, quoted: bool, ls: int, le: int) -> bool:
        fm = _FENCE.match(line)
        if not fm:
            return False
        self.flush()
        fence = fm.group(1)
        j = self.i + 1
        while j < self.n and not self.line_text(j).strip().startswith(fence[0] * len(fence)):
            j += 1
        self.blank(ls, self.lines[min(j, self.n - 1)][1])
        self.i = j + 1
        self.prev_kind = "code"
        return True

    def _try_blank(self, line: str, quoted: bool, ls: int, le: int) -> bool:
        if line.strip():
            return False
        self.flush_para()
        # a blank line ends a list item only if the next line is not indented continuation
        i = self.i
        if self.current_item and not (i + 1 < self.n and self.line_text(i + 1).startswith(("  ", "\t"))):
            self.flush_item()
        self.i += 1
        self.prev_kind = "blank" if self.prev_kind != "code" else self.prev_kind
        return True

    def _try_indented_code(self, line: str, quoted: bool, ls: int, le: int) -> bool:
        """Indented code: after a blank line, not inside a list."""
        if not ((line.startswith("    ") or line.startswith("\t")) and not self.para and self.current_item is None):
            return False
        if self.prev_kind in ("blank", "code", "") and not quoted:
            self.blank(ls, le)
            self.i += 1
            self.prev_kind = "code"
            return True
        return False

    def _try_setext_underline(self, line: str, quoted: bool, ls: int, le: int) -> bool:
        """Setext heading: a one-line paragraph followed by === or ---."""
        if not (self.para and len(self.para) == 1 and _SETEXT.match(line) and not self.current_item):
            return False
        ps, pe = self.lines[self.para[0]]
        s = _first_nonspace(self.chars, ps, pe)
        e = _last_nonspace(self.chars, ps, pe)
        level = 1 if line.strip().startswith("=") else 2
        self.blank(ls, le)
        if s is not None and e is not None:
            self.heading(s, e + 1, level, "setext", ps, le, self.para_quoted)
        self.para = []
        return self._advance("heading")

    def _try_setext_title(self, line: str, quoted: bool, ls: int, le: int) -> bool:
        """Setext heading seen from its title line (before label/list rules can claim the line)."""
        i = self.i
        if not (not self.para and self.current_item is None and i + 1 < self.n
                and _SETEXT.match(self.line_text(i + 1)) and not _LIST.match(line)
                and not _ATX.match(line) and "|" not in line):
            return False
        s = _first_nonspace(self.chars, ls, le)
        e = _last_nonspace(self.chars, ls, le)
        nls, nle = self.lines[i + 1]
        level = 1 if self.line_text(i + 1).strip().startswith("=") else 2
        self.blank(nls, nle)
        if s is not None and e is not None:
            self.heading(s, e + 1, level, "setext", ls, nle, quoted)
        return self._advance("heading", 2)

    def _try_rule(self, line: str, quoted: bool, ls: int, le: int) -> bool:
        if not _HR.match(line):
            return False
        self.flush()
        self.blank(ls, le)
        return self._advance("hr")

    def _try_atx(self, line: str, quoted: bool, ls: int, le: int) -> bool:
        am = _ATX.match(line)
        if not am:
            return False
        self.flush()
        title = am.group(3) or ""
        hs = ls + len(am.group(1))
        self.blank(hs, hs + len(am.group(2)))  # the hashes (and closing hashes, below)
        if title:
            ts = ls + line.index(title, len(am.group(1)) + len(am.group(2)))
            te = ts + len(title)
            self.blank(te, le)
            self.heading(ts, te, len(am.group(2)), "atx", ls, le, quoted)
        return self._advance("heading")

    def _try_table(self, line: str, quoted: bool, ls: int, le: int) -> bool:
        """Tables: a header row followed by a separator row."""
        i = self.i
        if not ("|" in line and i + 1 < self.n and _TABLE_SEP.match(self.line_text(i + 1))):
            return False
        self.flush()
        self.table_no += 1
        chars, doc, table_no = self.chars, self.doc, self.table_no
        header = _table_cells(chars, ls, le)
        doc.tables[table_no] = ["".join(chars[s:e]).strip().lower() for s, e in header]
        for c, (s, e) in enumerate(header):
            doc.blocks.append(Block(TABLE_CELL, s, e, quoted, table_no, 0, c))
        _blank_pipes(chars, ls, le)
        self.blank(*self.lines[i + 1])
        j = i + 2
        row = 1
        while j < self.n and "|" in self.line_text(j) and self.line_text(j).strip():
            rs, re_ = self.lines[j]
            for c, (s, e) in enumerate(_table_cells(chars, rs, re_)):
                doc.blocks.append(Block(TABLE_CELL, s, e, quoted, table_no, row, c))
            _blank_pipes(chars, rs, re_)
            j += 1
            row += 1
        self.i = j
        self.prev_kind = "table"
        return True

    def _try_bold_heading(self, line: str, quoted: bool, ls: int, le: int) -> bool:
        """Bold pseudo-heading: **Impact:** text  /  **Root cause**."""
        bm = _BOLD_HEADING.match(line)
        if not (bm and (bm.group(3) or bm.group(4) or not line[bm.end():].strip())):
            return False
        self.flush()
        title = bm.group(2)
        ts = ls + line.index(title)
        te = ts + len(title.rstrip())
        self.blank(ls, ls + bm.end())
        self.chars[ts:te] = list(self.text[ts:te])
        _inline_heading(self.doc, self.chars, "bold", ts, te, ls, ls + bm.end(), le, quoted)
        return self._advance("heading")

    def _try_numbered_heading(self, line: str, quoted: bool, ls: int, le: int) -> bool:
        """Weak numbered heading; if the section detector rejects it, it is a list item."""
        nm = _NUMBERED_HEADING.match(line)
        if not (nm and not self.para and _looks_like_title(nm.group(2))):
            return False
        self.flush_item()
        title = nm.group(2)
        ts = ls + line.index(title, nm.start(2))
        te = ts + len(title.rstrip(" :"))
        depth = nm.group(1).strip(".").count(".") + 1
        self.blank(ls, ts)
        self.blank(te, le)
        self.heading(ts, te, min(depth + 1, 6), "numbered", ls, le, quoted)
        return self._advance("heading")

    def _try_list_item(self, line: str, quoted: bool, ls: int, le: int) -> bool:
        lm = _LIST.match(line)
        if not lm:
            return False
        self.flush()
        self.blank(ls + lm.start(2), ls + lm.end(2))
        self.current_item = [ls + lm.end(), le, quoted]
        return self._advance("list")

    def _try_continuation(self, line: str, quoted: bool, ls: int, le: int) -> bool:
        """Continuation of the open list item (indented, or lazy continuation)."""
        if self.current_item is not None and (line.startswith((" ", "\t")) or not self.para):
            if line.startswith((" ", "\t")) or self.prev_kind == "list":
                self.current_item[1] = le
                self.i += 1
                return True
        return False

    def _try_label(self, line: str, quoted: bool, ls: int, le: int) -> bool:
        """Plain-text label line: "Timeline:" or "Root cause: the disk filled"."""
        lab = _LABEL.match(line)
        if not (lab and not self.para and len(lab.group(1).split()) <= 5):
            return False
        self.flush_item()
        title = lab.group(1)
        ts = ls + line.index(title)
        te = ts + len(title)
        self.blank(te, te + 1)  # the colon
        _inline_heading(self.doc, self.chars, "label", ts, te, ls, ls + lab.end(), le, quoted)
        return self._advance("heading")

    def _paragraph_line(self, quoted: bool) -> None:
        self.flush_item()
        if self.para and quoted != self.para_quoted:
            self.flush_para()
        self.para.append(self.i)
        self.para_quoted = self.para_quoted or quoted
        self.prev_kind = "para"
        self.i += 1


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
