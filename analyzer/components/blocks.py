"""`pmlint_blocks`: sentence boundaries at Markdown block starts (runs before the parser).

A heading, a list item or a table cell is never glued to the sentence before it. Only the block
starts are set; the parser still splits sentences inside a block.
"""

from __future__ import annotations

import bisect

from spacy.language import Language
from spacy.tokens import Doc


class BlockBoundaries:
    def __call__(self, doc: Doc) -> Doc:
        document = doc._.pm_document
        if document is None or len(doc) == 0:
            return doc
        offset = doc._.pm_offset
        starts = [t.idx for t in doc]
        for block in document.blocks:
            local = block.start - offset
            if local <= 0 or local >= len(doc.text):
                continue
            i = bisect.bisect_left(starts, local)
            if i < len(doc) and i > 0:
                doc[i].is_sent_start = True
                # the token after a block end starts something new as well
        for block in document.blocks:
            local = block.end - offset
            i = bisect.bisect_left(starts, local)
            if 0 < i < len(doc) and not doc[i].is_space:
                doc[i].is_sent_start = True
        return doc


@Language.factory("pmlint_blocks", assigns=["token.is_sent_start"])
def make_block_boundaries(nlp: Language, name: str) -> BlockBoundaries:
    return BlockBoundaries()
