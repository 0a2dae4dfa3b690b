"""People found by what the sentence says they did (analyzer/nlp/people.py): a split handle, an
on-call seat that answers pages, a name the tagger misses but whose act only a person does; and
what stays a system or a day."""

from __future__ import annotations

import pytest

from analyzer.config import load_config
from analyzer.engine import Analyzer
from analyzer.nlp.lexicon import agent_kind
from analyzer.nlp.people import acts_as_person, in_handle, seat_role


@pytest.fixture(scope="module")
def nlp():
    return Analyzer(load_config()).nlp


def token(doc, text: str, nth: int = 0):
    return [t for t in doc if t.text == text][nth]


@pytest.mark.parametrize("sentence,word", [
    ("@farah-z ignored the disk alert.", "z"),
    ("@keanu-p skipped the release checklist.", "p"),
])
def test_the_tail_of_a_handle_split_at_a_hyphen_is_a_person(nlp, sentence, word):
    doc = nlp(sentence)
    assert in_handle(token(doc, word))
    assert agent_kind(token(doc, word)) == "person"


def test_a_hyphenated_word_after_a_space_is_no_handle(nlp):
    doc = nlp("The blue-green rollout paused at 40%.")
    assert not in_handle(token(doc, "green"))


@pytest.mark.parametrize("sentence", [
    "The secondary did not pick up the page.",
    "The secondary slept through the page.",
])
def test_an_on_call_seat_that_answers_pages_is_a_person(nlp, sentence):
    doc = nlp(sentence)
    assert seat_role(token(doc, "secondary"))


@pytest.mark.parametrize("sentence", [
    "The secondary replica did not pick up the traffic.",
    "The secondary took over the writes after the failover.",
])
def test_a_replica_called_secondary_is_no_person(nlp, sentence):
    doc = nlp(sentence)
    assert not seat_role(token(doc, "secondary"))


@pytest.mark.parametrize("sentence,word", [
    ("Tyler skipped the pricing checklist.", "Tyler"),
    ("Sven broke the reward grant by not testing the endpoint.", "Sven"),
    ("Ines rolled the change out without telling anyone.", "Ines"),
])
def test_an_act_only_a_person_does_makes_its_subject_a_person(nlp, sentence, word):
    assert acts_as_person(token(nlp(sentence), word))


@pytest.mark.parametrize("sentence,word", [
    ("The scheduler skipped the nightly job.", "scheduler"),
    ("The linter checked every file by reading the config.", "linter"),
])
def test_a_system_doing_a_system_act_is_not_made_a_person(nlp, sentence, word):
    assert not acts_as_person(token(nlp(sentence), word))


def test_a_weekday_is_never_a_person(nlp):
    doc = nlp("Friday ignored nothing: the deploy window closed at noon.")
    assert agent_kind(token(doc, "Friday")) is None
