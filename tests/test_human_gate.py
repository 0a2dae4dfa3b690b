"""The classifier may flag blame on its own only where a person takes part in the sentence. A
person named in a partitive ("one of our engineers", "a member of the night crew") takes the part
its head takes: acting when the head acts, in passing when the head is only mentioned."""

from __future__ import annotations

import pytest

from analyzer import load_analyzer
from analyzer.judging.classifiers.component import ClassifierScorer
from analyzer.nlp.lexicon import default_lexicon


def _human(text: str) -> bool:
    return ClassifierScorer._human(next(load_analyzer().nlp(text).sents), default_lexicon())


@pytest.mark.parametrize("text", [
    "One of our engineers pushed the untested routing change to every region.",
    "The outage came from a change made by one of the contractors at midnight.",
    "Two of the database admins restarted the primary during peak traffic.",
    "A member of the operations staff deleted the wrong bucket.",
    "Several of the reviewers approved the migration within a minute.",
])
def test_a_person_in_a_partitive_takes_part(text):
    assert _human(text)


@pytest.mark.parametrize("text", [
    "The logs of one of the teams filled the disk.",
    "The rollout was discussed with one of the platform engineers.",
    "The pods of one of the services were evicted overnight.",
    "The dashboards were built on top of the exporter.",
])
def test_a_partitive_mentioned_in_passing_is_not_a_person_taking_part(text):
    assert not _human(text)
