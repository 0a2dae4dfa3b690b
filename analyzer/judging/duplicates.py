"""One finding per thing said: duplicate blame findings are merged before the report.

- A numbered contents entry that names a blame phrase ("3.5 Human error") adds nothing when the
  document states it elsewhere (its heading, or the body) as a hit of the same rule: it is
  dropped. Contents entries alone keep one hit per rule and wording (the last). A heading stays,
  as a suggestion (real-prose labellers read a heading "Human error" over its section as blame).
- One sentence gets one finding per rule family (`SENTENCE_FAMILIES`): two agents of one verb
  ("The author and the reviewers failed to ..."), nested spans, or two blame rules on the same
  words. The most severe finding stays, then the widest, then the first rule; the explanations of
  the others are appended to it.
"""

from __future__ import annotations

import bisect
from dataclasses import replace
from typing import Any, Iterable, Sequence

from analyzer.findings import Finding

SENTENCE_FAMILIES = frozenset({"blame"})


def drop_title_duplicates(hits: list[Any], codes: Iterable[str]) -> list[Any]:
    """`hits` (judging.checks.Hit) without the contents-entry hits of `codes` that repeat another hit
    of the same rule (a heading's or the body's), or a later contents entry of the same wording."""
    codes = set(codes)
    elsewhere = {h.code for h in hits if h.code in codes and h.debris != "contents"}
    last: dict[tuple[str, str], int] = {}
    for i, h in enumerate(hits):
        if h.code in codes and h.debris == "contents":
            last[(h.code, " ".join(str(h.fmt.get("cue", "")).lower().split()))] = i
    keep = set(last.values())
    return [h for i, h in enumerate(hits)
            if not (h.code in codes and h.debris == "contents" and (h.code in elsewhere or i not in keep))]


def one_per_sentence(findings: Sequence[Finding], sentences: Sequence[tuple[int, int]],
                     families: Iterable[str] = SENTENCE_FAMILIES, order: Sequence[str] = ()) -> list[Finding]:
    """`findings` with at most one finding of each family in `families` per sentence (sentences
    are sorted absolute `(start, end)` offsets; a finding belongs to the sentence holding its start).
    `order` lists rule names, the earlier winning a tie of severity and width."""
    families = set(families)
    starts = [s for s, _ in sentences]
    rank = {name: i for i, name in enumerate(order)}
    groups: dict[tuple[str, int], list[int]] = {}
    for i, f in enumerate(findings):
        family = f.rule.split(".", 1)[0]
        if family not in families or f.end <= f.start:
            continue
        sent = bisect.bisect_right(starts, f.start) - 1
        if sent < 0 or f.start >= sentences[sent][1]:
            sent = -1 - f.start  # outside every sentence: a group of its own start
        groups.setdefault((family, sent), []).append(i)
    merged: dict[int, Finding] = {}
    dropped: set[int] = set()
    for members in groups.values():
        if len(members) < 2:
            continue
        best = min(members, key=lambda i: (-findings[i].severity.rank, -(findings[i].end - findings[i].start),
                                           rank.get(findings[i].rule, len(rank)), findings[i].start))
        kept = findings[best]
        notes = [kept.explanation] if kept.explanation else []
        noted = {kept.rule}
        for i in sorted(members, key=lambda i: -(findings[i].end - findings[i].start)):
            if i == best:
                continue
            dropped.add(i)
            other = findings[i]
            if other.rule not in noted:  # the widest finding of each other rule explains it
                noted.add(other.rule)
                notes.append(f"also {other.rule}" + (f": {other.explanation}" if other.explanation else ""))
        merged[best] = replace(kept, explanation="; ".join(notes))
    return [merged.get(i, f) for i, f in enumerate(findings) if i not in dropped]
