"""`pmlint_context`: ConText-lite modifiers (negated, rejected, hypothetical) over sentences.

Trigger phrases and their categories come from `analyzer/data/context.yaml`. A trigger modifies
the tokens in its scope: forward to the end of the sentence (or to a terminator such as "but"),
backward to the start of the sentence, or both ways. Text under a heading such as "What could
have gone wrong" is hypothetical as a whole. Checks ask `categories_for(doc, start, end)`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from analyzer.errors import ConfigError
from analyzer.nlp.sections import normalise_title
from analyzer.yamlio import safe_load

CATEGORIES = ("NEGATED", "REJECTED", "HYPOTHETICAL")
_RULE_KEYS = {"literal", "category", "direction"}
_DIRECTIONS = {"forward", "backward", "both"}


@dataclass(frozen=True)
class Modifier:
    category: str
    trigger_start: int  # token indices
    trigger_end: int
    scope_start: int
    scope_end: int
    literal: str


@dataclass(frozen=True)
class ContextRules:
    rules: tuple[tuple[str, str, str], ...]  # (literal, category, direction)
    terminators: frozenset[str]
    pseudo: tuple[str, ...]
    hypothetical_headings: tuple[re.Pattern[str], ...]


@lru_cache(maxsize=1)
def load_context_rules() -> ContextRules:
    source = "analyzer/data/context.yaml"
    data = safe_load(files("analyzer").joinpath("data/context.yaml").read_text(encoding="utf-8"))
    rules = []
    for i, rule in enumerate(data.get("rules", [])):
        unknown = set(rule) - _RULE_KEYS
        if unknown:
            raise ConfigError(f"{source}: rule {i}: unknown key(s) {sorted(unknown)}")
        if rule.get("category") not in CATEGORIES:
            raise ConfigError(f"{source}: rule {i}: category must be one of {CATEGORIES}")
        if rule.get("direction", "forward") not in _DIRECTIONS:
            raise ConfigError(f"{source}: rule {i}: direction must be one of {sorted(_DIRECTIONS)}")
        rules.append((str(rule["literal"]).lower(), rule["category"], rule.get("direction", "forward")))
    return ContextRules(
        tuple(rules),
        frozenset(str(t).lower() for t in data.get("terminators", [])),
        tuple(str(p).lower() for p in data.get("pseudo", [])),
        tuple(re.compile(p) for p in data.get("hypothetical_headings", [])),
    )


class ContextComponent:
    def __init__(self, nlp: Language, rules: ContextRules) -> None:
        self.rules = rules
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.by_key: dict[str, tuple[str, str, str]] = {}
        for literal, category, direction in rules.rules:
            key = f"{category}|{direction}|{literal}"
            self.by_key[key] = (literal, category, direction)
            self.matcher.add(key, [nlp.make_doc(literal)])
        self.pseudo = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.pseudo.add("PSEUDO", [nlp.make_doc(p) for p in rules.pseudo])

    def __call__(self, doc: Doc) -> Doc:
        mods: list[Modifier] = []
        pseudo_tokens: set[int] = set()
        for _, s, e in self.pseudo(doc):
            pseudo_tokens.update(range(s, e))
        for match_id, s, e in self.matcher(doc):
            if any(i in pseudo_tokens for i in range(s, e)):
                continue
            literal, category, direction = self.by_key[doc.vocab.strings[match_id]]
            sent = doc[s].sent
            lo, hi = sent.start, sent.end
            if direction in ("forward", "both"):
                for k in range(e, sent.end):
                    if doc[k].lower_ in self.rules.terminators:
                        hi = k
                        break
            if direction in ("backward", "both"):
                for k in range(s - 1, sent.start - 1, -1):
                    if doc[k].lower_ in self.rules.terminators:
                        lo = k + 1
                        break
            scope_start = s if direction == "forward" else lo
            scope_end = e if direction == "backward" else hi
            mods.append(Modifier(category, s, e, scope_start, scope_end, literal))
        # whole sections under a hypothetical heading ("What could have gone wrong")
        offset = doc._.pm_offset
        for section in doc._.sections or []:
            if section.heading and any(p.search(normalise_title(section.heading)) for p in self.rules.hypothetical_headings):
                span = doc.char_span(
                    max(0, section.body_start - offset),
                    max(0, min(len(doc.text), section.body_end - offset)),
                    alignment_mode="expand",
                )
                if span is not None and len(span):
                    mods.append(Modifier("HYPOTHETICAL", span.start, span.start, span.start, span.end, section.heading))
        doc._.context = mods
        return doc


def categories_for(doc: Doc, start: int, end: int) -> set[str]:
    """Context categories whose scope covers tokens [start, end) and whose trigger is outside it."""
    out: set[str] = set()
    for m in doc._.context or ():
        if m.scope_start < end and start < m.scope_end and not (m.trigger_start >= start and m.trigger_end <= end and m.trigger_end > m.trigger_start):
            out.add(m.category)
    return out


@Language.factory("pmlint_context", assigns=["doc._.context"], requires=["doc.sents"])
def make_context(nlp: Language, name: str) -> ContextComponent:
    return ContextComponent(nlp, load_context_rules())
