"""Cue patterns matched on lower-cased text find the same sentences as case-insensitive matching."""

from __future__ import annotations

import re

from analyzer.judging.taxonomy import cue_pattern, cue_search, load_taxonomy, training_statements


def test_lower_cased_matching_finds_what_case_insensitive_matching_finds():
    taxonomy = load_taxonomy()
    texts, _labels = training_statements(taxonomy)
    sentences = texts + [t.upper() for t in texts[::7]] + [t.title() for t in texts[3::11]]
    for c in taxonomy:
        if not c.cues:
            continue
        cue = cue_pattern(c.cues)
        assert cue[1], c.id  # the packaged cues are written in lower case: the fast path
        slow = re.compile("|".join(f"(?:{x})" for x in c.cues), re.I)
        assert [cue_search(cue, s) for s in sentences] == [slow.search(s) is not None for s in sentences], c.id


def test_a_cue_with_capitals_is_matched_case_insensitively():
    cue = cue_pattern([r"\bQuorum (?:lost|gone)\b"])
    assert not cue[1]
    assert cue_search(cue, "the quorum lost its leader") and cue_search(cue, "QUORUM GONE")
    # escapes are not letters of the text: \b, \S and \W keep the fast path
    fast = cue_pattern([r"\bdisk\S* full\W"])
    assert fast[1] and cue_search(fast, "The DISKS full, again") and not cue_search(fast, "the disk was fine")
