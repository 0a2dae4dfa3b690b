"""The Document: what reading gives the later stages.

Blocks (paragraphs, list items, table cells, heading titles) and heading candidates, each with
offsets into the original text, plus `masked`, a copy of the text of the same length in which
everything that must not be linted is blanked, so a spaCy token's `idx` is its offset in the file.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

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
    task: str | None = None  # a task-list item: "done" ([x]) or "open" ([ ])
    after_title: int | None = None  # text on a weak heading's line: the title's start (merged back if rejected)


@dataclass(frozen=True)
class HeadingCandidate:
    title_start: int
    title_end: int
    level: int  # 1..6; weak headings get the level of their style (numbered: depth+1, others 7)
    style: str  # atx | setext | numbered | bold | bold_line | bold_run_in | list_label | question | label | caps | line | run_in | cell
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
        """The first block (in `blocks` order, sorted by start) that contains `offset`. O(log n)
        for non-overlapping blocks: bisect the starts, then look back only while an earlier block
        can still reach `offset` (running maximum of the ends)."""
        starts, max_end = self._block_index()
        i = bisect.bisect_right(starts, offset) - 1
        found = None
        while i >= 0 and max_end[i] > offset:
            block = self.blocks[i]
            if block.start <= offset < block.end:
                found = block
            i -= 1
        return found

    def _block_index(self) -> tuple[list[int], list[int]]:
        key = (id(self.blocks), len(self.blocks))
        cached = self.__dict__.get("_index")
        if cached is None or cached[0] != key:
            if any(a.start > b.start for a, b in zip(self.blocks, self.blocks[1:])):
                self.blocks.sort(key=lambda b: b.start)
            max_end: list[int] = []
            for b in self.blocks:
                max_end.append(max(b.end, max_end[-1]) if max_end else b.end)
            cached = (key, [b.start for b in self.blocks], max_end)
            self.__dict__["_index"] = cached
        return cached[1], cached[2]


def effective_blocks(document: Document, accepted: set[int]) -> list[Block]:
    """Weak heading candidates the detector rejected are ordinary text again, joined to the text
    that follows them on their line (`- **Query plans**: add an index` is one list item), and a
    rejected run-in title to the text before it too (the paragraph it was cut from)."""
    styles = {h.title_start: h.style for h in document.headings}
    rejected = {b.start for b in document.blocks if b.kind == HEADING and b.start not in accepted}
    bodies = {b.after_title: b for b in document.blocks if b.after_title in rejected}
    out: list[Block] = []
    for b in document.blocks:
        if b.after_title in rejected:
            continue  # merged into its title below
        if b.start in rejected:
            body = bodies.get(b.start)
            kind = body.kind if body else (LIST_ITEM if styles.get(b.start) in ("numbered", "list_label") else PARAGRAPH)
            b = Block(kind, b.start, body.end if body else b.end, b.quoted, task=body.task if body else None)
            last = out[-1] if out else None
            if (styles.get(b.start) == "run_in" and last is not None and last.kind == PARAGRAPH
                    and last.end <= b.start and not document.text[last.end:b.start].strip()
                    and "\n\n" not in document.text[last.end:b.start]):
                out[-1] = Block(PARAGRAPH, last.start, b.end, last.quoted)  # the text it was cut from, whole again
                continue
        out.append(b)
    return out
