"""The `unless` words and `loosely` patterns of phrase rules (analyzer/judging/rules/unless.py)."""

from __future__ import annotations

import spacy

from analyzer.judging.rules.unless import names_mechanism, unless_regex

NLP = spacy.blank("en")
NLP.add_pipe("sentencizer")


def _sent(text: str):
    return next(NLP(text).sents)


def test_an_entry_matches_at_the_start_of_a_word():
    unless = unless_regex(["automat", "monitor"])
    assert names_mechanism(unless, _sent("Automate the renewal."))
    assert names_mechanism(unless, _sent("Add monitoring on the queue."))
    assert not names_mechanism(unless, _sent("Renew the certificate semiautomatically."))


def test_a_trailing_space_asks_for_the_end_of_the_word():
    unless = unless_regex(["gate ", "ci ", "every "])
    assert names_mechanism(unless, _sent("Add a gate."))
    assert names_mechanism(unless, _sent("Run it in CI before merging."))
    assert not names_mechanism(unless, _sent("Renew the certificate on the gateway."))
    assert not names_mechanism(unless, _sent("Replace the circuit board."))
    assert not names_mechanism(unless, _sent("Remind everyone of the freeze."))


def test_words_used_loosely_veto_nothing():
    unless = unless_regex(["monitor"])
    sent = _sent("Look into monitoring the API.")
    start = sent.text.index("Look")
    end = sent.text.index(" the API")
    assert names_mechanism(unless, sent)
    assert not names_mechanism(unless, sent, [(start, end)])
