"""Document-level rule kinds: structure, timeline, action items, five whys, restatements.

Each kind is a function `(rule, ctx) -> Iterable[Hit]` in `DOCUMENT_CHECKS`. The sentence-level
kinds (`phrase`, `agent`) run inside the spaCy pipeline (components/rules.py); their hits arrive
here through `ctx.rule_hits`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from analyzer.findings import Severity
from analyzer.reading.document import LIST_ITEM, PARAGRAPH, TABLE_CELL, Block, Document
from analyzer.findings import ActionItem
from analyzer.judging.rules import Rule
from analyzer.nlp.sections import NESTING, Section, SectionClassifier, innermost_section


@dataclass(frozen=True)
class Hit:
    """A finding before severity, suppression and line/column: what a check found, and where."""

    code: str
    start: int
    end: int
    fmt: dict[str, Any] = field(default_factory=dict)  # values for the message/suggestion format strings
    suggestion: str | None = None  # overrides the rule's suggestion
    section: str | None = None
    confidence: float | None = None
    source: str = "rule"
    explanation: str = ""
    at_most: Severity | None = None  # caps the rule's severity (a rule hit the classifier vetoes)
    debris: str = ""  # a sentence rule's hit in a heading ("title") or in "machine" text (RuleHit.debris)


@dataclass
class Context:
    """Everything the document-level checks read."""

    text: str
    document: Document
    sections: list[Section]
    blocks: list[Block]
    rule_hits: list[Any]  # components.rules.RuleHit with absolute offsets
    sentences: list[tuple[int, int]]  # absolute (start, end) of every sentence
    ai_incident: bool
    profile: str
    required: list[str]
    classifier: SectionClassifier
    actions: list[ActionItem] = field(default_factory=list)
    lemmas: list[tuple[int, str]] = field(default_factory=list)  # (offset, lemma) of every content word, in order
    inferred: dict[str, Any] = field(default_factory=dict)  # sections stated without a heading (evidence.Inferred)

    def headed(self) -> set[str]:
        """The canonical sections a heading stands for."""
        return {name for s in self.sections for name in covered(s, self.classifier)}

    def section_of(self, offset: int) -> Section | None:
        return innermost_section(self.sections, offset)

    def category_at(self, offset: int) -> str | None:
        s = self.section_of(offset)
        return s.category if s else None

    def sections_of(self, category: str) -> list[Section]:
        """Top-most sections of a category (a sub-heading inheriting the category is inside its parent)."""
        found = [s for s in self.sections if s.category == category and s.heading]
        return [s for s in found if not any(o is not s and o.title_start < s.title_start and s.body_end <= o.body_end for o in found)]

    def blocks_in(self, section: Section, kinds: tuple[str, ...] = (PARAGRAPH, LIST_ITEM, TABLE_CELL)) -> list[Block]:
        return [b for b in self.blocks if b.kind in kinds and section.body_start <= b.start < section.body_end]


# ---------------------------------------------------------------- structure

EQUIVALENT = {"root_cause": ("five_whys",)}


def covered(section: Section, classifier: SectionClassifier) -> tuple[str, ...]:
    """The canonical sections a heading stands for ("Summary of impact": summary and impact)."""
    if not (section.category and section.heading):
        return ()
    if not section.rule:  # an unmapped sub-heading inheriting its parent's category
        return (section.category,)
    if section.category in NESTING and section.parent == section.category:  # a grouping sub-heading
        own = classifier.classify(section.heading)  # "Immediate actions" under Remediation: how it was resolved
        return (section.category, "resolution") if own is not None and own.category == "resolution" else (section.category,)
    return classifier.covers(section.heading, section.category)


def check_required_section(rule: Rule, ctx: Context) -> Iterable[Hit]:
    present = ctx.headed() | set(ctx.inferred)
    note = {"ai": " for an AI/ML incident", "near_miss": " for a near miss"}.get(ctx.profile, "")
    for name in ctx.required:
        if name in present or any(e in present for e in EQUIVALENT.get(name, ())):
            continue
        yield Hit(
            rule.code,
            0,
            0,
            {"title": ctx.classifier.title(name), "profile_note": note, "skeleton": ctx.classifier.skeleton(name)},
            section=name,
        )


_PLACEHOLDER = re.compile(r"\b(tbd|tba|todo|to do|n/?a|wip|fill me in|xxx|coming soon|pending|\.\.\.)\b", re.I)


def check_empty_section(rule: Rule, ctx: Context) -> Iterable[Hit]:
    min_words = int(rule.options.get("min_words", 3))
    headed = [s for s in ctx.sections if s.heading]
    for i, s in enumerate(headed):
        nxt = headed[i + 1] if i + 1 < len(headed) else None
        if nxt is not None and nxt.level > s.level and nxt.title_start < s.body_end:
            continue  # it has sub-sections
        own_end = nxt.title_start if nxt is not None and nxt.title_start < s.body_end else s.body_end
        own_end = min(own_end, s.body_end)
        body = _PLACEHOLDER.sub(" ", ctx.document.masked[s.body_start:own_end])
        words = re.findall(r"[A-Za-z0-9]{2,}", body)
        if len(words) < min_words and (s.level > 1 or nxt is None):
            yield Hit(rule.code, s.title_start, s.title_end, {"heading": s.heading}, section=s.category)


# ---------------------------------------------------------------- timeline

TIMESTAMP = re.compile(
    r"(\b\d{1,2}[:h.]\d{2}(?::\d{2})?\b|\b\d{4}-\d{2}-\d{2}|\b\d{1,2}/\d{1,2}(/\d{2,4})?\b|\b\d{1,2}\s?(am|pm)\b"
    r"|\bT\s?[+-]\s?\d+|\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*\b|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b"
    r"|\b\d{1,2}\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|\bday\s+\d+\b|\b\d+\s?(min|minutes|hours|h|m)\s+(later|after)\b)",
    re.I,
)


def timeline_entries(ctx: Context, section: Section) -> list[tuple[int, int]]:
    entries: list[tuple[int, int]] = []
    rows: dict[tuple[int, int], list[Block]] = {}
    for b in ctx.blocks_in(section):
        if b.kind == TABLE_CELL:
            if b.row:
                rows.setdefault((b.table or 0, b.row), []).append(b)
        elif b.kind == LIST_ITEM:
            entries.append((b.start, b.end))
        else:  # a paragraph: each non-empty line is an entry in e-mail style timelines
            pos = b.start
            for line in ctx.text[b.start:b.end].split("\n"):
                if line.strip():
                    entries.append((pos, pos + len(line)))
                pos += len(line) + 1
    for cells in rows.values():
        entries.append((min(c.start for c in cells), max(c.end for c in cells)))
    return sorted(entries)


def check_timeline_timestamps(rule: Rule, ctx: Context) -> Iterable[Hit]:
    min_share = float(rule.options.get("min_share", 0.5))
    for s in ctx.sections_of("timeline"):
        if s.rule and TIMESTAMP.search(s.heading):
            continue  # a dated status-page update ("Update — Mar 7, 2019 08:14"): one entry, its time in the heading
        entries = timeline_entries(ctx, s)
        if not entries:
            continue
        stamped = sum(1 for a, b in entries if TIMESTAMP.search(ctx.text[a:b]))
        if stamped / len(entries) < min_share:
            yield Hit(rule.code, s.title_start, s.title_end, {"missing": len(entries) - stamped, "total": len(entries)}, section="timeline")


def check_timeline_events(rule: Rule, ctx: Context) -> Iterable[Hit]:
    if rule.options.get("ai_only", True) and not ctx.ai_incident:
        return
    events = {k: re.compile(v, re.I) for k, v in rule.options.get("events", {}).items()}
    names = {"retrain": "the last retrain or model release", "ingest": "the data ingest", "alert": "the first alert"}
    for s in ctx.sections_of("timeline"):
        body = ctx.document.masked[s.body_start:s.body_end]
        missing = [names.get(k, k) for k, pat in events.items() if not pat.search(body)]
        if missing:
            text = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " or " + missing[-1]
            yield Hit(rule.code, s.title_start, s.title_end, {"missing": text}, section="timeline")


# ---------------------------------------------------------------- action items

def check_action_owner(rule: Rule, ctx: Context) -> Iterable[Hit]:
    """An open action item (or one of unknown status) with neither an owner nor a ticket."""
    owners = [a.owner for a in ctx.actions if a.owner and (a.owner.startswith("@") or "team" in a.owner.lower())]
    example = owners[0] if owners else ("@ml-platform" if ctx.ai_incident else "@owning-team")
    suggestion = (f"Add an owner (a role or @handle) and a ticket, as the document does elsewhere, e.g. \"(owner: {example}, "
                  f"TICKET-123, due YYYY-MM-DD)\"." if owners else
                  f"Add an owner (a role or @handle) and a ticket, e.g. \"(owner: {example}, TICKET-123, due YYYY-MM-DD)\".")
    for a in ctx.actions:
        if not (ctx.category_at(a.start) == "action_items" or _task(ctx, a.start)):
            continue  # a commitment told in the narrative: there is no list to track it in
        if a.status != "done" and not a.owner and not a.ticket and len(a.text.split()) >= 3:
            yield Hit(rule.code, a.start, a.end, suggestion=suggestion, section="action_items")


def _task(ctx: Context, offset: int) -> bool:
    block = ctx.document.block_at(offset)
    return bool(block is not None and block.task)


# ---------------------------------------------------------------- five whys

PERSON_STOP = re.compile(
    r"\b(human error|operator error|user error|forgot|forgotten|didn.t (check|notice|read|follow|test|review)|did not (check|notice|read|follow|test|review)"
    r"|careless|not careful|mistake by|failed to (check|notice|follow|test|review|read)|overlooked|ignored)\b",
    re.I,
)
BLAME_CODES = {"PM101", "PM102", "PM103", "PM104", "PM106", "PM108"}


def check_whys_person(rule: Rule, ctx: Context) -> Iterable[Hit]:
    for s in ctx.sections_of("five_whys"):
        blocks = [b for b in ctx.blocks_in(s, (PARAGRAPH, LIST_ITEM)) if ctx.text[b.start:b.end].strip()]
        if not blocks:
            continue
        last = blocks[-1]
        text = ctx.text[last.start:last.end]
        hit = next((h for h in ctx.rule_hits if h.code in BLAME_CODES and last.start <= h.start < last.end), None)
        if hit is not None:
            yield Hit(rule.code, last.start, last.end, {"cue": hit.cue}, section="five_whys")
            continue
        m = PERSON_STOP.search(text)
        if m:
            yield Hit(rule.code, last.start, last.end, {"cue": m.group(0)}, section="five_whys")


# ---------------------------------------------------------------- restatement

def check_restatement(rule: Rule, ctx: Context) -> Iterable[Hit]:
    patterns = [re.compile(p, re.I) for p in rule.options.get("patterns", [])]
    for start, end in ctx.sentences:
        category = ctx.category_at(start)
        if not rule.in_scope(category) or category is None:
            continue
        sentence = " ".join(ctx.document.masked[start:end].split()).strip(" -*•")
        sentence = re.sub(r"^(\d+[.)]\s*)?(why\??\s*)?", "", sentence, flags=re.I)
        for pat in patterns:
            if pat.search(sentence):
                yield Hit(rule.code, start, end, {"cue": sentence}, section=category)
                break


DOCUMENT_CHECKS: dict[str, Callable[[Rule, Context], Iterable[Hit]]] = {
    "required_section": check_required_section,
    "empty_section": check_empty_section,
    "timeline_timestamps": check_timeline_timestamps,
    "timeline_events": check_timeline_events,
    "action_owner": check_action_owner,
    "whys_person": check_whys_person,
    "restatement": check_restatement,
}
