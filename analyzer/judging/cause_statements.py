"""Cause statements: the sentences of a post-mortem that state a mechanism (a condition and what
allowed it), with their character offsets. The judging stage uses them to find causes no action
item addresses (`judging/cause_action.py`); the archive stage stores them as facts and learns a
publisher's boilerplate over them (`archive/statements.py`).

1. **Where.** The sentences of the root cause, contributing factors, five whys and lessons learned
   sections (found by the section classifier, no spaCy), and sentences elsewhere that state a
   cause outright ("caused by", "due to"); the whole text when a document has no cause section.
2. **Which.** A sentence of at least `MIN_WORDS` words that carries a mechanism cue (a causal link,
   an absence, a failure, an AI-specific failure); in the cause sections, when none carries a cue,
   their first sentences. At most `MAX_STATEMENTS` per document.
3. **Chrome.** Page chrome is dropped per document (`CHROME`).

Beside the statements, `evidence_sentences` keeps the sentences anywhere in the document that match
a cue of the packaged taxonomy (`analyzer/data/cause_cues.yaml`): a reviewer reads the whole text,
and a certificate that expired or a pool that ran out is often said in the summary or the timeline
rather than in the cause section. The classifier weighs them as document-level evidence.

No scikit-learn here: extraction runs in the scoring workers and its result is stored as facts.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from analyzer.nlp.bodies import section_bodies

CAUSE_SECTIONS = ("root_cause", "contributing_factors", "five_whys", "lessons_learned")
MIN_WORDS = 5
MAX_WORDS = 80
MAX_STATEMENTS = 15
MAX_EVIDENCE = 40

# A mechanism: a causal link, an absence, a failure, a limit, or an AI-specific failure.
MECHANISM = re.compile(
    r"\b(?:because|due to|caus\w*|led to|lead to|leads to|result\w*|trigger\w*|allow\w*|prevent\w*|"
    r"without|lack\w*|missing|no (?:\w+ ){0,2}(?:check|test|alert|monitor\w*|validation|limit|timeout|backup|"
    r"redundan\w*|fallback|review|canary|rollback|renewal)|"
    r"did ?n[o']?t|was ?n[o']?t|were ?n[o']?t|had ?n[o']?t|never|fail\w*|broke\w*|break\w*|crash\w*|"
    r"expir\w*|exceed\w*|exhaust\w*|ran out|run out|leak\w*|overload\w*|overwhelm\w*|retr(?:y|ies|ied)|"
    r"bug\w*|race|misconfigur\w*|typo|mistake\w*|error\w*|regress\w*|outgr\w*|limit\w*|quota\w*|"
    r"drift\w*|bias\w*|hallucinat\w*|mislabel\w*|trained|training|skew\w*|feedback loop|jailbreak\w*|"
    r"compromis\w*|attack\w*|stolen|phish\w*|unauthori[sz]ed|power|cooling|fib(?:re|er) cut|"
    r"deploy\w*|rolled out|pushed|migrat\w*|schema|malformed|invalid|unexpected|why)\b",
    re.I,
)
# A sentence that says outright what caused what: taken from any part of a document.
STATED_CAUSE = re.compile(
    r"\b(?:because|due to|caused by|root[- ]cause|triggered by|as a result of|resulted from|the cause|was caused|"
    r"stemmed from|traced (?:back )?to|attributed to)\b",
    re.I,
)
# Cause sections whose every sentence states the cause, cue or not.
ALWAYS_CAUSE = ("root_cause", "five_whys")
# Page chrome and template lines that are never a cause, whatever the publisher.
CHROME = re.compile(
    r"\b(?:min(?:ute)? read|share (?:this|on)|subscribe|sign up|cookie|all rights reserved|"
    r"click here|read more|posted (?:by|on|in)|last (?:edited|updated)|table of contents|"
    r"submitted by|incident (?:id|number)|we apologi[sz]e|thank you for your patience)\b",
    re.I,
)
# blank line, list item, heading, table row, a "Label: value" line
_BLOCK_BREAK = re.compile(r"\n[ \t]*(?:\n|[-*+>#|]|\d+[.)][ \t]|\**[A-Z][\w ()/&'-]{1,50}?\**[ \t]*:)")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[A-Z0-9\"“'(\[])")
_FIELD = re.compile(r"\**([A-Z][\w ()/&'-]{1,50}?)\**[ \t]*:")
_WRAP_GAP = re.compile(r"\n(?:[ \t]*\n)+[ \t]+[a-z]")  # blank lines, then an indented lower-case line
_MARKED_LINE = re.compile(r"[ \t]*(?:[#>|]|[-*+][ \t]|\d+[.)][ \t])")  # a heading, quote, table row or list item
_LIST_SEP = re.compile(r"[,;]")
_CONJUNCTION = re.compile(r"^(?:and|or)\s+")
_LAST_ITEM = re.compile(r"\s+(?:and|or)\s+")
LIST_ITEM_WORDS = 4


@lru_cache(maxsize=4096)
def names_a_section(label: str) -> bool:
    """Whether a label ("Root cause", "Impact") is a section heading pmlint knows."""
    from analyzer.nlp.sections import default_classifier

    return default_classifier().classify(label) is not None


def _cause_spans(text: str) -> tuple[list[tuple[int, int, str]], list[tuple[int, int]], str]:
    """(start, end, category) of the body of every cause section and (start, end) of every other
    part of the document (other sections, text before the first heading), in `text` offsets;
    and the masked text (code and markup blanked, offsets kept)."""
    bodies, masked = section_bodies(text)
    cause = [(s.body_start, end, s.category) for s, end in bodies if s.category in CAUSE_SECTIONS]
    rest, at = [], 0
    for s, end in sorted(bodies, key=lambda b: b[0].body_start):
        if s.category in CAUSE_SECTIONS:
            rest.append((at, s.body_start))
            at = end
    rest.append((at, len(masked)))
    return cause, [(a, b) for a, b in rest if b > a], masked


def sentences(masked: str, start: int, end: int, text: str | None = None) -> Iterable[tuple[int, int]]:
    """Sentence spans of masked[start:end], trimmed of white space and list markers. With the
    original `text` (same offsets), the wrapped lines of one sentence stay together (`_wrapped`)."""
    for s, e in _sentence_spans(masked, start, end, text):
        while s < e and (masked[s].isspace() or masked[s] in "-*+>#|"):
            s += 1
        while e > s and masked[e - 1].isspace():
            e -= 1
        if e > s:
            yield s, e


def _sentence_spans(masked: str, start: int, end: int, text: str | None = None) -> Iterable[tuple[int, int]]:
    """Blocks (paragraphs, list items, lines of a table) split at sentence ends; a full stop
    inside a version number or before a lower-case word does not end a sentence."""
    cuts = [start] + [m.start() + 1 for m in _BLOCK_BREAK.finditer(masked, start, end)
                      if text is None or not _wrapped(text, masked, m.start())] + [end]
    for b0, b1 in zip(cuts, cuts[1:]):
        s = b0
        for m in _SENTENCE_BREAK.finditer(masked, b0, b1):
            yield s, m.start()
            s = m.end()
        yield s, b1


def _wrapped(text: str, masked: str, at: int) -> bool:
    """Whether the blank lines at `at` only separate the wrapped lines of one sentence, as in a page
    whose every line was exported as a paragraph: the line before is prose (no heading, list,
    quote or table mark) that ends inside a sentence (a lower-case letter or a comma), and the next
    line is indented and goes on in lower case, in the text as in the masked text (not code)."""
    if not (_WRAP_GAP.match(text, at) and _WRAP_GAP.match(masked, at)):
        return False
    before = text[:at].rstrip()
    line = before[before.rfind("\n") + 1:]
    return (line[-1:].islower() or line.endswith(",")) and masked[len(before) - 1] == line[-1] \
        and not _MARKED_LINE.match(line)


def statement(text: str, s: int, e: int) -> tuple[int, int, str] | None:
    sentence = " ".join(text[s:e].split())
    words = sentence.split()
    if not MIN_WORDS <= len(words) <= MAX_WORDS or CHROME.search(sentence):
        return None
    if sum(w[0].isalpha() for w in words) < 0.6 * len(words):  # tables, ids, numbers
        return None
    if template_field(sentence):
        return None
    return s, e, sentence


def template_field(sentence: str) -> bool:
    """Whether a sentence is an export-template field line ("Severity: high", "Affected parties:
    a, b, c"): a short label that names no section, then a short value without a sentence end or a
    value list (`value_list`), however long; not a sentence that states a mechanism."""
    field = _FIELD.match(sentence)
    if not field or len(field.group(1).split()) > 6 or names_a_section(field.group(1)):
        return False
    value = sentence[field.end():]
    if len(value.split()) <= 12 and not sentence.endswith((".", "!", "?")):
        return True
    return not value[:1].isdigit() and value_list(value)  # "At 6:38 PM, we ...": a time, not a field


def value_list(value: str) -> bool:
    """Whether a field's value is a list of names rather than a clause: two or more items split at
    commas or semicolons (the last one also at "and" / "or"), each of at most `LIST_ITEM_WORDS`
    words, or one single-word item (an identifier: "acme-robotics-inc."); an item of several words
    that carries a mechanism cue makes it a statement ("no canary stage, no expiry alert")."""
    items = [i for i in (" ".join(part.split()).strip(" .*_") for part in _LIST_SEP.split(value)) if i]
    if len(items) > 1:  # "a, b and c", "a, b, or c"
        items = items[:-1] + [i for i in _LAST_ITEM.split(_CONJUNCTION.sub("", items[-1])) if i]
    if not items or any(len(i.split()) > LIST_ITEM_WORDS for i in items):
        return False
    if len(items) == 1 and len(items[0].split()) > 1:
        return False
    return not any(" " in i and MECHANISM.search(i) for i in items)


def cause_statements(text: str) -> tuple[list[tuple[int, int, str]], str]:
    """(statements as (start, end, sentence) in `text` offsets, "sections" | "whole").

    From the cause sections: every sentence of a root cause or five whys section (they state the
    cause whatever their wording), the sentences of contributing factors and lessons learned that
    carry a mechanism cue (or their first sentences when none does); then, from the rest of the
    document, the sentences that say outright what caused what (`STATED_CAUSE`: a summary often
    names the cause when the cause section only lists repairs). Without cause sections, the
    sentences of the whole text that carry a mechanism cue, those that state a cause first."""
    return _statements(text, *_cause_spans(text))


def statements_and_evidence(text: str) -> tuple[list[tuple[int, int, str]], str, list[str]]:
    """`cause_statements` and `evidence_sentences` of one text, its sections found once."""
    spans, rest, masked = _cause_spans(text)
    return (*_statements(text, spans, rest, masked), evidence_sentences(text, masked))


def _statements(text: str, spans: list[tuple[int, int, str]], rest: list[tuple[int, int]],
                masked: str) -> tuple[list[tuple[int, int, str]], str]:
    found: list[tuple[int, int, str]] = []
    fallback: list[tuple[int, int, str]] = []
    for start, end, category in spans:
        for s, e in sentences(masked, start, end, text):
            st = statement(text, s, e)
            if st is None:
                continue
            (found if category in ALWAYS_CAUSE or MECHANISM.search(st[2]) else fallback).append(st)
    stated = [st for start, end in rest for s, e in sentences(masked, start, end, text)
              if (st := statement(text, s, e)) is not None and STATED_CAUSE.search(st[2])]
    if found or fallback:
        return ((found or fallback) + stated)[:MAX_STATEMENTS], "sections"
    whole = [st for s, e in sentences(masked, 0, len(masked), text)
             if (st := statement(text, s, e)) is not None and MECHANISM.search(st[2])]
    whole = [st for st in whole if STATED_CAUSE.search(st[2])] + [st for st in whole if not STATED_CAUSE.search(st[2])]
    return whole[:MAX_STATEMENTS], "whole"


@lru_cache(maxsize=1)
def _any_cue() -> tuple[re.Pattern[str], bool]:
    from analyzer.judging.taxonomy import cue_pattern, packaged_taxonomy

    return cue_pattern([cue for c in packaged_taxonomy() for cue in c.cues])


def evidence_sentences(text: str, masked: str | None = None) -> list[str]:
    """The sentences of the whole text (headings included) that match a cue of a packaged class,
    in document order, without repeats; at most `MAX_EVIDENCE`. `masked`: the text with code and
    markup blanked, when the caller has it."""
    from analyzer.judging.taxonomy import cue_search

    masked = section_bodies(text)[1] if masked is None else masked
    cue = _any_cue()
    out: list[str] = []
    for s, e in sentences(masked, 0, len(masked), text):
        st = statement(text, s, e)
        if st is not None and st[2] not in out and cue_search(cue, st[2]):
            out.append(st[2])
            if len(out) == MAX_EVIDENCE:
                break
    return out
