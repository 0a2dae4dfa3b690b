"""The `unless` words of a phrase rule: a mechanism the sentence names vetoes the rule's hit.

- An entry matches at the start of a word and may end inside it ("automat" is automated or
  automation); a trailing space asks for the end of the word as well ("gate " is a gate, never a
  gateway; "ci " is CI, never "circuit").
- `loosely:` patterns (the compact token syntax of `patterns.py`) mark mechanism words used
  loosely, which veto nothing: "look into monitoring", "continue to monitor" (people watching),
  "revert to the default" (the old value, not a safer default).
"""

from __future__ import annotations

import re
from typing import Iterable

from spacy.tokens import Span


def unless_regex(entries: Iterable[str]) -> re.Pattern[str]:
    """One regex for a rule's `unless` list, with the word-start and word-end rules above."""
    parts = []
    for entry in entries:
        core = re.escape(entry.strip().lower())
        parts.append(r"(?<![\w])" + core + (r"(?![\w])" if entry.endswith(" ") else ""))
    return re.compile("|".join(parts))


def names_mechanism(unless: re.Pattern[str], sent: Span, loose: Iterable[tuple[int, int]] = ()) -> bool:
    """Whether the sentence names a mechanism from the list, leaving out words used loosely
    (`loose`: doc character spans)."""
    text = sent.text.lower()
    base = sent.start_char
    for start, end in sorted(loose, reverse=True):
        s, e = max(start - base, 0), min(end - base, len(text))
        if s < e:
            text = text[:s] + " " * (e - s) + text[e:]
    return bool(unless.search(text))
