"""Cause statements across an archive: each document's statements (`cause_statements`, from the
judging stage, stored as facts) and the publisher boilerplate that never counts: a publisher's
template sentences are learnt across the archive (`learn_boilerplate`): the same normalised sentence
in at least `BOILERPLATE_MIN_DOCS` documents of one publisher (its folder), or in that many plus two
archive-wide.

No scikit-learn here: extraction runs in the scoring workers and its result is stored as facts.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import PurePath
from typing import Sequence

from analyzer.judging.cause_statements import (CAUSE_SECTIONS, CHROME, MAX_STATEMENTS, MECHANISM, MIN_WORDS, cause_statements,
                                               evidence_sentences, statements_and_evidence)

__all__ = ["CAUSE_SECTIONS", "CHROME", "MAX_STATEMENTS", "MECHANISM", "MIN_WORDS", "cause_statements", "evidence_sentences", "statements_and_evidence", "normalise",
           "publisher", "learn_boilerplate", "drop_boilerplate", "BOILERPLATE_MIN_DOCS"]

BOILERPLATE_MIN_DOCS = 3
_NORM = re.compile(r"[^a-z]+")

def normalise(sentence: str) -> str:
    """A sentence's letters only, lower case: template sentences differ in numbers and dates."""
    return _NORM.sub(" ", sentence.lower()).strip()


def publisher(path: str) -> str:
    """A document's publisher, as far as the archive shows it: its folder."""
    return PurePath(path).parent.as_posix()


def learn_boilerplate(documents: Sequence[tuple[str, Sequence[str]]], min_docs: int = BOILERPLATE_MIN_DOCS) -> frozenset[str]:
    """Normalised sentences that recur across a publisher's documents ((path, sentences) pairs):
    in `min_docs` or more documents of one folder, or in `min_docs + 2` or more archive-wide."""
    per_publisher: dict[str, Counter[str]] = defaultdict(Counter)
    overall: Counter[str] = Counter()
    for path, sentences in documents:
        norms = {normalise(s) for s in sentences}
        norms.discard("")
        per_publisher[publisher(path)].update(norms)
        overall.update(norms)
    out = {s for counts in per_publisher.values() for s, c in counts.items() if c >= min_docs}
    out |= {s for s, c in overall.items() if c >= min_docs + 2}
    return frozenset(out)


def drop_boilerplate(sentences: Sequence[str], boilerplate: frozenset[str]) -> list[str]:
    return [s for s in sentences if normalise(s) not in boilerplate]
