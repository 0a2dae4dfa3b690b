"""The anchor index picks the sentences a phrase pattern can match: running the Matcher only
there finds every match a whole-document run finds inside one sentence."""

from __future__ import annotations

import pytest
from spacy.matcher import Matcher

from analyzer.judging.rules import default_rules
from analyzer.judging.rules.patterns import compile_pattern
from analyzer.judging.rules.prefilter import AnchorIndex, _required_slots

EXAMPLES = [text for rule in default_rules() for kind in ("fail", "pass") for text in rule.examples.get(kind, ())]


def test_required_slots_skip_optional_tokens_and_wildcards():
    required, indexed = _required_slots("had ... ~read|~follow ?the runbook")
    assert required == [frozenset({"had"}), frozenset({"read", "follow"}), frozenset({"runbook"})]
    assert indexed == 1  # "had" is a stop word: in too many sentences to index by


def test_a_pattern_of_function_words_is_indexed_by_its_first_token():
    required, indexed = _required_slots("could ... be me")
    assert len(required) == 3 and indexed == 0


@pytest.fixture(scope="module")
def runner(analyzer):
    return analyzer.nlp.get_pipe("pmlint_rules")


@pytest.fixture(scope="module")
def parsed(analyzer):
    names = analyzer.nlp.pipe_names
    with analyzer.nlp.select_pipes(disable=names[names.index("pmlint_rules"):]):
        return list(analyzer.nlp.pipe(EXAMPLES))


@pytest.mark.parametrize("option,sep,attr,least", [("patterns", "#", "matcher", 100), ("except", "!", "exceptions", 10),
                                                   ("loosely", "~", "loose", 5)])
def test_the_index_keeps_every_match_inside_a_sentence(analyzer, runner, parsed, option, sep, attr, least):
    whole = Matcher(analyzer.nlp.vocab)
    for rule in runner.phrase_rules:
        for i, pat in enumerate(rule.options.get(option, [])):
            whole.add(f"{rule.code}{sep}{i}", compile_pattern(pat["pattern"] if isinstance(pat, dict) else pat),
                      greedy="LONGEST" if option == "patterns" else None)
    compared = 0
    for doc in parsed:
        expected = {m for m in whole(doc) if doc[m[1]:m[2]].sent.end >= m[2]}
        assert set(getattr(runner, attr)(doc)) == expected, doc.text
        compared += len(expected)
    assert compared > least  # the rule examples exercise the patterns


def test_a_sentence_without_the_anchor_words_is_not_matched(analyzer):
    index = AnchorIndex(analyzer.nlp.vocab, [("k", "~forget to ~renew")])
    doc = analyzer.nlp("The certificate expired on Sunday. Ben forgot to renew it.")
    assert [(doc[s:e].text, keys) for s, e, keys in index.candidates(doc)] == [("Ben forgot to renew it.", ["k"])]
    assert index.candidates(analyzer.nlp("The certificate expired on Sunday.")) == []
