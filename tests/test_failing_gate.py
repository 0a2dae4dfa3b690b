"""The classifier may flag blame on its own only in a sentence that states a failing: a person in
the sentence is not enough (apologies, thanks, proposals, praise and questions in an interview are
narration, however the model scores them)."""

from __future__ import annotations

import pytest

from analyzer import load_analyzer
from analyzer.judging.classifiers.component import states_a_failing


def _sent(text: str):
    return next(load_analyzer().nlp(text).sents)


@pytest.mark.parametrize("text", [
    "Lena never even looked at the dashboard.",
    "If the reviewer had actually looked, we would have seen it.",
    "Had Omar kept his phone on, the page would have been answered.",
    "The colleague will put a reminder in his calendar.",
    "Piet to re-check every label he wrote.",
    "Apparently the night crew reads the alerts once a week.",
    "The mobile folks have to be more careful with release dates.",
])
def test_a_failing_is_stated(text):
    assert states_a_failing(_sent(text))


@pytest.mark.parametrize("text", [
    "Once more, I want to apologise to every team whose builds were stuck.",
    "Thanks again to Mirela for staying late to help with the failover.",
    "Maybe the storage team could help us with the next migration?",
    "Their lead engineer knows the replication internals very well.",
    "Since the reorganisation, the person who knew the billing cluster best works on search.",
])
def test_no_failing_is_stated(text):
    assert not states_a_failing(_sent(text))
