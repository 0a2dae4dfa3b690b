"""Which sentences a phrase pattern can match at all, so the Matcher runs only there.

spaCy's Matcher tries every pattern at every token; patterns with a `...` wildcard keep up to
six partial states alive per token, so over a long document the rule matcher cost more than
the parser. A pattern can match a sentence only if each of its required tokens (not `?tok`, not
`...`) occurs in it, as lower-case text or as lemma. The index keeps, for each pattern, the
required tokens made only of content words (a stop word such as "to" or "the" is in nearly every
sentence and filters nothing), or all its required tokens when none is; a sentence is a
candidate for the pattern when every one of them is there. The check is a necessary condition
only: the Matcher still decides, so the hits are the same as a whole-document run, except that
no match crosses a sentence boundary (one that did was never a finding: a hit is judged in the
sentence it starts in).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable

import numpy as np
from spacy.attrs import LEMMA, LOWER
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from analyzer.judging.rules.patterns import compile_pattern


def _required_slots(pattern: str) -> tuple[list[frozenset[str]], int]:
    """The alternatives of each required token of a compact pattern, and which of them to index
    by: the first made of content words only, or the first when the pattern has none."""
    required = []
    for tok in pattern.split():
        if tok == "..." or (tok.startswith("?") and len(tok) > 1) or tok.startswith("#"):
            continue  # a wildcard, an optional token, a token class ("#num") require no word
        alts = frozenset(a.lstrip("~").lower() for a in tok.split("|") if a.lstrip("~"))
        if alts:
            required.append(alts)
    content = [i for i, alts in enumerate(required) if not alts & STOP_WORDS]
    return required, content[0] if content else 0


class AnchorIndex:
    """Candidate sentences per Matcher key, from the words each pattern requires."""

    def __init__(self, vocab: Vocab, keyed_patterns: Iterable[tuple[str, str]]) -> None:
        self.always: set[str] = set()  # keys with no required token at all
        self.slots: dict[str, list[frozenset[int]]] = {}
        self.by_anchor: dict[int, list[str]] = defaultdict(list)  # hash of an indexed word -> keys
        for key, pattern in keyed_patterns:
            required, indexed = _required_slots(pattern)
            if not required:
                self.always.add(key)
                continue
            self.slots[key] = [frozenset(vocab.strings.add(a) for a in slot) for slot in required]
            for h in self.slots[key][indexed]:
                self.by_anchor[h].append(key)
        self.anchors = np.array(sorted(self.by_anchor), dtype=np.uint64)

    def candidates(self, doc: Doc) -> list[tuple[int, int, list[str]]]:
        """The sentences (token start, end) where some pattern may match, with those patterns' keys."""
        if not len(doc) or not len(self.anchors):
            return []
        words = doc.to_array([LOWER, LEMMA])
        found = np.flatnonzero(np.isin(words, self.anchors).any(axis=1))
        if not len(found):
            return []
        starts = np.array([sent.start for sent in doc.sents] + [len(doc)], dtype=np.int64)
        sent_of = np.searchsorted(starts, found, side="right") - 1
        ranges = []
        for s in np.unique(sent_of).tolist():
            start, end = int(starts[s]), int(starts[s + 1])
            words_here = set(words[start:end].ravel().tolist())
            keys = [key for h in words_here & self.by_anchor.keys() for key in self.by_anchor[h]
                    if all(slot & words_here for slot in self.slots[key])]
            if keys:
                ranges.append((start, end, sorted(set(keys))))
        return ranges

    def run(self, doc: Doc, matchers: dict[str, Matcher], whole_doc: Matcher) -> list[tuple[int, int, int]]:
        """(match id, start, end) of every match: each key's Matcher on its candidate sentences,
        `whole_doc` (the patterns with no required token) on the whole document."""
        matches = list(whole_doc(doc)) if len(whole_doc) else []
        for start, end, keys in self.candidates(doc):
            sent = doc[start:end]
            for key in keys:
                matches.extend((match_id, start + s, start + e) for match_id, s, e in matchers[key](sent))
        return matches


class IndexedMatcher:
    """A Matcher over keyed compact patterns that runs each pattern only on the sentences the
    anchor index picks (one spaCy Matcher per pattern; patterns with no required word on the
    whole document). Called on a Doc, it returns (match id, start, end) like a Matcher."""

    def __init__(self, vocab: Vocab, keyed_patterns: Iterable[tuple[str, str]], greedy: str | None = None) -> None:
        keyed = list(keyed_patterns)
        self.index = AnchorIndex(vocab, keyed)
        self.matchers: dict[str, Matcher] = {}
        self.whole_doc = Matcher(vocab)
        for key, text in keyed:
            matcher = self.whole_doc if key in self.index.always else self.matchers.setdefault(key, Matcher(vocab))
            matcher.add(key, compile_pattern(text), greedy=greedy)
        self.size = len(keyed)

    def __len__(self) -> int:
        return self.size

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        return self.index.run(doc, self.matchers, self.whole_doc) if self.size else []
