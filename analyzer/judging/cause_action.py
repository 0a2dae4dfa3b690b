"""Causes that no action item addresses (rule kind `cause_action`, PM205 `cause.unaddressed`).

1. **Causes.** Each top-level list item, table cell or short paragraph of a contributing-factors
   section, and each paragraph or item of a root-cause section with a sentence that states a
   mechanism and a gap (`MECHANISM` and `GAP`: an absence, a negation, a defect, a limit), with
   the length and chrome filters of the archive's cause statements; never impact, an apology, an
   unknown cause, an introduction ending in a colon or a question, a nested item (it details its
   factor), an action item, or a section of more than `MAX_BLOCKS` paragraphs (a pasted thread).
   Only documents with at least one action item are checked: a draft without any is
   `section.missing`'s.
2. **Addressed** when an action item is about the same mechanism, by meaning rather than by shared
   words:
   - *class*: the cause and the action both name terms of one class of the cause taxonomy
     (`causes.yaml` `terms`: the class's mechanism and its guardrail, so "the certificate expired"
     and "alert 30 days before expiry" meet in `cert_credential_expiry`);
   - *mechanism*: they share at least `min_shared` (default 1) specific lemmas, often the
     component's name (spaCy lemmas, so "expired" and "expires" are one; `cause_action.yaml`
     synonyms, so "config" and "configuration", "alarm" and "alert" are one; generic post-mortem
     words such as "issue", "fix" or "service" do not count).
3. **Accepted**: the document decides not to act (`accept_risk` patterns: "we accept this risk
   because ...") in the cause itself, or anywhere in a sentence that names the cause's mechanism.

Precision first: a wrong "unaddressed cause" is noise to a review lead, so every way of being
addressed counts, and the finding is a suggestion.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Iterable

from analyzer.judging.cause_statements import MECHANISM, statement
from analyzer.judging.checks import Context, Hit
from analyzer.judging.rules import Rule
from analyzer.judging.taxonomy import OTHER, packaged_taxonomy
from analyzer.reading.document import LIST_ITEM, PARAGRAPH, TABLE_CELL
from analyzer.yamlio import safe_load

SECTIONS = ("root_cause", "contributing_factors")
MIN_SHARED = 1
MAX_BLOCKS = 15  # a cause section with more paragraphs is a page or thread mis-sectioned: not checked

# A condition someone could change: an absence, a negation, a defect, a limit, a manual step. Every
# contributing factor is a cause; in a root-cause section, narrative sentences ("the pods restarted
# on new nodes") are not, so there a statement needs one of these and a mechanism cue.
GAP = re.compile(
    r"\b(?:no|not|n't|never|lack\w*|missing|without|absen\w*|unable|insufficient\w*|inadequate\w*|hard-?coded|"
    r"manual\w*|bug\w*|defect\w*|misconfigur\w*|incorrect\w*|wrong\w*|failed to|too (?:simplistic|small|low|high|many|few)|"
    r"limit\w*|expir\w*|exceed\w*|exhaust\w*|ran out|single|only one|misconception|assum\w*|gap\w*)\b|n't\b", re.I)
# Impact, apology, an unknown cause, an introduction: never a cause statement.
NOT_A_CAUSE = re.compile(
    r"\b(?:customers?|users?|clients?)\s+(?:may|might|could|would)?\s*(?:have\s+)?(?:experienc|seen|saw|been unable|noticed)\w*|"
    r"\bbetween\s+\d{1,2}:\d{2}|\bapologi[sz]e|\b(?:do not|don't|did not|didn't)\s+(?:yet\s+)?know|"
    r"\b(?:unknown|under investigation|still investigating)\b", re.I)


@dataclass(frozen=True)
class _Vocabulary:
    canon: dict[str, str]  # lemma -> its synonym group's first word
    generic: frozenset[str]
    accept: re.Pattern[str]
    classes: tuple[tuple[str, re.Pattern[str], frozenset[str]], ...]  # (class id, phrase pattern, single-word terms)


@lru_cache(maxsize=1)
def vocabulary() -> _Vocabulary:
    data = safe_load(files("analyzer").joinpath("data", "cause_action.yaml").read_text(encoding="utf-8"))
    canon = {word.lower(): group[0].lower() for group in data["synonyms"] for word in group}
    classes = []
    for c in packaged_taxonomy():
        if c.id == OTHER or not c.terms:
            continue
        words = frozenset(t for t in c.terms if " " not in t)
        phrases = [t for t in c.terms if " " in t] or ["(?!x)x"]
        pattern = re.compile(r"\b(?:" + "|".join(re.escape(t) if t != "(?!x)x" else t for t in phrases) + r")", re.I)
        classes.append((c.id, pattern, words))
    accept = re.compile("|".join(f"(?:{p})" for p in data["accept_risk"]), re.I)
    return _Vocabulary(canon, frozenset(w.lower() for w in data["generic"]), accept, tuple(classes))


@dataclass(frozen=True)
class Meaning:
    """What a cause or an action item is about: taxonomy classes and specific lemmas."""

    classes: frozenset[str]
    lemmas: frozenset[str]


def _lemmas_in(ctx: Context, start: int, end: int) -> list[str]:
    i = bisect_left(ctx.lemmas, (start, ""))
    out = []
    while i < len(ctx.lemmas) and ctx.lemmas[i][0] < end:
        out.append(ctx.lemmas[i][1])
        i += 1
    return out


def meaning(text: str, lemmas: Iterable[str], vocab: _Vocabulary | None = None) -> Meaning:
    """The classes whose terms `text` names (a word as lemma or as written; a phrase as written)
    and the specific lemmas, mapped through the synonym table."""
    vocab = vocab or vocabulary()
    # a capitalised plural ("Alerts explode ...") keeps its "s" as a lemma: drop it on both sides
    lemmas = [_singular(lemma.lower()) for lemma in lemmas]
    words = set(lemmas) | {_singular(w) for w in re.findall(r"[a-z][a-z0-9/-]*", text.lower())}
    classes = frozenset(cid for cid, phrases, singles in vocab.classes if words & singles or phrases.search(text))
    specific = frozenset(vocab.canon.get(w, w) for w in lemmas if len(w) > 2 and w not in vocab.generic)
    return Meaning(classes, specific)


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")) else word


def addresses(cause: Meaning, action: Meaning, min_shared: int = MIN_SHARED) -> bool:
    return bool(cause.classes & action.classes) or len(cause.lemmas & action.lemmas) >= min_shared


def _causes(ctx: Context, sections: tuple[str, ...]) -> Iterable[tuple[int, int, int, int, str]]:
    """(block start, block end, statement start, statement end, statement) of every cause."""
    action_spans = [(a.start, a.end) for a in ctx.actions]
    seen: set[int] = set()
    for category in sections:
        for section in ctx.sections_of(category):
            blocks = ctx.blocks_in(section, (PARAGRAPH, LIST_ITEM, TABLE_CELL))
            if len(blocks) > MAX_BLOCKS:
                continue
            indents = {b.start: _indent(ctx.text, b.start) for b in blocks if b.kind == LIST_ITEM}
            top = min(indents.values(), default=0)
            for block in blocks:
                if block.start in seen or block.quoted or indents.get(block.start, top) > top:
                    continue  # a nested item details the factor above it
                seen.add(block.start)
                if any(s < block.end and block.start < e for s, e in action_spans):
                    continue
                first = _first_statement(ctx, block.start, block.end, strict=category == "root_cause",
                                         whole=block.kind != PARAGRAPH)
                if first is not None:
                    yield (block.start, block.end, *first)


def _indent(text: str, start: int) -> int:
    """The indentation of the list item that starts at `start` (its marker included)."""
    prefix = text[text.rfind("\n", 0, start) + 1:start]
    return len(prefix) - len(prefix.lstrip())


def _first_statement(ctx: Context, start: int, end: int, strict: bool, whole: bool) -> tuple[int, int, str] | None:
    """The block's first sentence that states a cause (a whole list item or table cell when it is
    short enough); None when the block says it is impact, an apology or an unknown cause."""
    sentences = [(s, e) for s, e in ctx.sentences if start <= s < end] or [(start, end)]
    if whole and len(ctx.text[start:end].split()) <= 40:
        sentences = [(start, end)]
    if NOT_A_CAUSE.search(ctx.text, start, end):
        return None
    for s, e in sentences:
        found = statement(ctx.text, s, min(e, end))
        if found is None or found[2].endswith((":", "?")):
            continue
        if not strict or (MECHANISM.search(found[2]) and GAP.search(found[2])):
            return found
    return None


def _accepted(ctx: Context, vocab: _Vocabulary) -> list[Meaning]:
    """The meaning of every sentence that decides not to act."""
    out = []
    for s, e in ctx.sentences:
        if vocab.accept.search(ctx.text, s, e):
            out.append(meaning(ctx.text[s:e], _lemmas_in(ctx, s, e), vocab))
    return out


def check_cause_action(rule: Rule, ctx: Context) -> Iterable[Hit]:
    if not ctx.actions:
        return
    vocab = vocabulary()
    sections = tuple(rule.options.get("sections", SECTIONS))
    min_shared = int(rule.options.get("min_shared", MIN_SHARED))
    actions = [meaning(a.text, _lemmas_in(ctx, a.start, a.end), vocab) for a in ctx.actions]
    accepted = None
    for b0, b1, s, e, sentence in _causes(ctx, sections):
        block_text = ctx.text[b0:b1]
        if vocab.accept.search(block_text):
            continue
        cause = meaning(block_text, _lemmas_in(ctx, b0, b1), vocab)
        if any(addresses(cause, a, min_shared) for a in actions):
            continue
        accepted = _accepted(ctx, vocab) if accepted is None else accepted
        if any(cause.lemmas & a.lemmas or cause.classes & a.classes for a in accepted):
            continue
        cue = sentence if len(sentence) <= 120 else sentence[:119] + "…"
        yield Hit(rule.code, s, e, {"cue": cue})
