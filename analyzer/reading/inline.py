"""Inline masking: blank inline code, link targets, URLs, HTML tags and emphasis markers, keeping
the text's length (and so every offset)."""

from __future__ import annotations

import re

from analyzer.reading.document import Document

_INLINE_CODE = re.compile(r"(`+)(.+?)\1", re.S)
_LINK = re.compile(r"(!?)\[([^\]\n]*)\]\(([^)\n]*)\)")
_REF_DEF = re.compile(r"^[ ]{0,3}\[[^\]]+\]:[ \t]*\S+.*$", re.M)
_AUTOLINK = re.compile(r"<(?:https?|mailto|ftp):[^>\s]*>|https?://[^\s)>\]]+")
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_EMPHASIS = re.compile(r"(\*\*|__|\*|~~)(?=\S)([^\n]*?\S)\1")


def mask_inline(text: str, chars: list[str], doc: Document) -> None:
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
