"""Accepting suggested rewrites: the "fixed draft" helper behind the app, and the reviewdog
suggestions of `pmlint check --format rdjson` (pure Python, no spaCy).

Some blame findings (a person or role as the agent of a failure, `blame.named-individual`,
`blame.role-agent`) carry a concrete blameless rewrite of the whole sentence in their suggestion.
This module finds those rewrites, works out which sentence each one replaces, and applies the
ones the author accepted:

    proposals = propose(text, report.findings, config.rules)
    result = apply_rewrites(text, [p for p in proposals if p.key in accepted])
    result.text        # the edited draft
    result.skipped     # rewrites that overlapped an accepted one or no longer match the text

Rewrites are applied from the end of the text backwards, so the offsets of the ones still to
apply stay valid. A rewrite whose sentence overlaps one already applied is skipped, not merged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Iterable, Sequence

from analyzer.findings import Finding
from analyzer.judging.rules import Rule, default_rules

# Suggestions that read as instructions to the author rather than as a sentence of the draft
# (the agent rule's fallback when it cannot rebuild the sentence) are never offered as rewrites.
_INSTRUCTION_STARTS = ("Describe ", "Ask ", "Rewrite ", "Replace ", "State ", "Add ")

# A line that starts a new Markdown block: list item, heading, block quote or table row.
_LIST_ITEM = re.compile(r"[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+")
_HEADING = re.compile(r"[ \t]{0,3}#{1,6}(?:[ \t]+|$)")
_QUOTE = re.compile(r"[ \t]*(?:>[ \t]?)+")
_TABLE = re.compile(r"[ \t]*\|")
# The end of a sentence: terminal punctuation, optional closing quotes/brackets, then space or end.
_SENTENCE_END = re.compile(r"[.!?]+[\"')\]\u2019\u201d]*(?=\s|$)")
_TRAILING_QUESTION = re.compile(r"(.*?[.!])\s+([^.!?]+\?)\s*$", re.DOTALL)
_ABBREVIATIONS = frozenset({"e.g.", "i.e.", "etc.", "vs.", "cf.", "approx.", "mr.", "ms.", "mrs.", "dr.", "no."})


@dataclass(frozen=True)
class Rewrite:
    """One proposed replacement: `text[start:end]` (a sentence) becomes `replacement`."""

    key: str  # stable id for widgets: "<code>-<finding start>-<finding end>"
    start: int
    end: int
    original: str
    replacement: str
    finding: Finding
    question: str = ""  # the question the rewrite asks the author to answer (not pasted into the draft)

    def with_replacement(self, replacement: str) -> "Rewrite":
        """The same proposal with the author's edited wording."""
        return replace(self, replacement=replacement)


@dataclass(frozen=True)
class FixResult:
    text: str
    applied: tuple[Rewrite, ...]
    skipped: tuple[tuple[Rewrite, str], ...]  # (rewrite, why it was not applied)


def rewrite_of(finding: Finding, rules: Iterable[Rule] | None = None) -> str | None:
    """The concrete rewrite sentence a finding carries, or None.

    A rule offers a rewrite when its suggestion template contains `{rewrite}`; the rewrite is the
    part of the finding's suggestion that the placeholder filled in.
    """
    if finding.family != "blame" or not finding.suggestion or finding.quoted:
        return None
    rule = next((r for r in (rules if rules is not None else default_rules()) if r.name == finding.rule), None)
    if rule is None or "{rewrite}" not in rule.suggestion:
        return None
    prefix, _, suffix = rule.suggestion.partition("{rewrite}")
    text = finding.suggestion
    if not (text.startswith(prefix) and text.endswith(suffix)) or len(text) <= len(prefix) + len(suffix):
        return None
    rewrite = text[len(prefix) : len(text) - len(suffix)].strip()
    if not rewrite or rewrite.startswith(_INSTRUCTION_STARTS):
        return None
    return rewrite


def propose(text: str, findings: Sequence[Finding], rules: Iterable[Rule] | None = None) -> list[Rewrite]:
    """One Rewrite per finding that carries a rewrite, in text order (one per sentence)."""
    rules = tuple(rules) if rules is not None else default_rules()
    out: list[Rewrite] = []
    seen: set[tuple[int, int]] = set()
    for f in sorted(findings, key=lambda f: (f.start, f.end)):
        replacement = rewrite_of(f, rules)
        if replacement is None or not 0 <= f.start < f.end <= len(text):
            continue
        start, end = sentence_span(text, f.start, f.end)
        if (start, end) in seen:
            continue
        seen.add((start, end))
        statement, question = split_question(replacement)
        out.append(Rewrite(f"{f.code}-{f.start}-{f.end}", start, end, text[start:end], statement, f, question))
    return out


def split_question(rewrite: str) -> tuple[str, str]:
    """`"X was pushed without review. Which check was missing?"` -> (statement, question): the
    rewrite's closing question is a prompt for the author, not text for the draft."""
    m = _TRAILING_QUESTION.match(rewrite)
    return (m.group(1), m.group(2)) if m else (rewrite, "")


def apply_rewrites(text: str, rewrites: Iterable[Rewrite]) -> FixResult:
    """Apply rewrites from the end of the text backwards; overlapping or stale ones are skipped."""
    applied: list[Rewrite] = []
    skipped: list[tuple[Rewrite, str]] = []
    limit = len(text) + 1  # start of the leftmost rewrite applied so far
    out = text
    for rw in sorted(rewrites, key=lambda r: (r.start, r.end), reverse=True):
        if text[rw.start : rw.end] != rw.original:
            skipped.append((rw, "the draft changed since it was analysed"))
            continue
        if rw.end > limit:
            skipped.append((rw, "overlaps another accepted rewrite"))
            continue
        out = out[: rw.start] + rw.replacement + out[rw.end :]
        limit = rw.start
        applied.append(rw)
    applied.reverse()
    skipped.reverse()
    return FixResult(out, tuple(applied), tuple(skipped))


# ------------------------------------------------------------------ sentences

def sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around `text[start:end]`: within its Markdown block (paragraph, list item,
    table cell, heading), from the previous sentence end to the next one, terminal punctuation
    included and leading block markers (`- `, `1. `, `> `, `## `) excluded."""
    block_start, block_end = _block(text, start, end)
    line_end = _line_end(text, block_start)
    first_line = text[block_start:line_end]
    if _TABLE.match(first_line):
        cell_start = text.rfind("|", block_start, start) + 1
        cell_end = text.find("|", end, line_end)
        block_start, block_end = cell_start, (cell_end if cell_end != -1 else line_end)
    else:
        block_start += _marker_length(first_line)
    s, e = block_start, None
    for m in _SENTENCE_END.finditer(text, block_start, block_end):
        if _is_abbreviation(text, block_start, m.start(), m.end()):
            continue
        if m.end() <= start:
            s = m.end()
        elif m.end() >= end:
            e = m.end()
            break
    if e is None:
        e = block_end
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return (s, e) if s < e else (start, end)


def _line_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def _line_end(text: str, pos: int) -> int:
    nl = text.find("\n", pos)
    return len(text) if nl == -1 else nl


def _starts_block(line: str) -> bool:
    return bool(_LIST_ITEM.match(line) or _HEADING.match(line) or _QUOTE.match(line) or _TABLE.match(line))


def _marker_length(line: str) -> int:
    length = 0
    quote = _QUOTE.match(line)
    if quote:
        length = quote.end()
    for pattern in (_HEADING, _LIST_ITEM):
        m = pattern.match(line, length)
        if m:
            return m.end()
    return length


def _block(text: str, start: int, end: int) -> tuple[int, int]:
    """The lines of the Markdown block holding [start, end): a paragraph runs between blank lines;
    a list item, heading, quote line or table row starts a block of its own."""
    first = _line_start(text, start)
    line = text[first : _line_end(text, first)]
    if not (_HEADING.match(line) or _TABLE.match(line)):
        while not _starts_block(line) and first > 0:
            prev_start = _line_start(text, first - 1)
            prev = text[prev_start : first - 1]
            if not prev.strip() or _HEADING.match(prev) or _TABLE.match(prev):
                break
            first, line = prev_start, prev
    last = _line_end(text, max(start, end - 1))
    if not (_HEADING.match(line) or _TABLE.match(line)):
        while last < len(text):
            nxt_end = _line_end(text, last + 1)
            nxt = text[last + 1 : nxt_end]
            if not nxt.strip() or _starts_block(nxt):
                break
            last = nxt_end
    return first, last


def _is_abbreviation(text: str, floor: int, dot_start: int, dot_end: int) -> bool:
    word_start = dot_start
    while word_start > floor and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start:dot_end].lower().rstrip("\"')]\u2019\u201d")
    return word in _ABBREVIATIONS


__all__ = ["Rewrite", "FixResult", "rewrite_of", "propose", "apply_rewrites", "sentence_span", "split_question"]
