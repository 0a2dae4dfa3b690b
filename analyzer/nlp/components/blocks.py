"""`pmlint_blocks`: sentence boundaries at Markdown block starts (runs before the parser).

A heading, a list item or a table cell is never glued to the sentence before it. Only the block
starts are set; the parser still splits sentences inside a block.
"""

from __future__ import annotations

import bisect

from spacy.language import Language
from spacy.attrs import SENT_START
from spacy.tokens import Doc


class BlockBoundaries:
    def __call__(self, doc: Doc) -> Doc:
        document = doc._.pm_document
        if document is None or len(doc) == 0:
            return doc
        offset = doc._.pm_offset
        starts = [t.idx for t in doc]
        n_tokens = len(doc)
        length = starts[-1] + len(doc[-1])
        # only the blocks that overlap this chunk (blocks are sorted by start)
        blocks = document.blocks
        reach, furthest = [], -1  # running maximum of block ends: monotonic, so it can be bisected
        for b in blocks:
            furthest = max(furthest, b.end)
            reach.append(furthest)
        lo = bisect.bisect_left(reach, offset)
        marks: list[int] = []
        for block in blocks[lo:]:
            if block.start - offset >= length:
                break
            # a block's first token starts a sentence; so does the first token after it
            for local in (block.start - offset, block.end - offset):
                if 0 < local < length:
                    i = bisect.bisect_left(starts, local)
                    if 0 < i < n_tokens and not doc[i].is_space:
                        marks.append(i)
        if marks:
            # one array write: setting Token.is_sent_start one by one re-scans the whole Doc each
            # time (spaCy checks for a parse), quadratic in a draft with thousands of headings
            values = doc.to_array([SENT_START])
            values[marks] = 1
            doc.from_array([SENT_START], values)
        return doc


@Language.factory("pmlint_blocks", assigns=["token.is_sent_start"])
def make_block_boundaries(nlp: Language, name: str) -> BlockBoundaries:
    return BlockBoundaries()
