"""One finding per sentence and rule family; a contents entry never repeats a heading or a body finding."""

from __future__ import annotations

from analyzer.findings import Finding, Severity
from analyzer.judging.checks import Hit
from analyzer.judging.duplicates import drop_title_duplicates, one_per_sentence


def _f(rule, start, end, severity=Severity.WARNING, explanation=""):
    return Finding(rule=rule, code="PM" + str(abs(hash(rule)) % 900 + 100), severity=severity, message="m",
                   start=start, end=end, explanation=explanation)


SENTENCES = [(0, 50), (51, 120)]


def test_the_most_severe_then_the_widest_finding_of_a_family_stays_in_a_sentence():
    findings = [
        _f("blame.role-agent", 0, 40, explanation="a role is the subject of 'failed'"),
        _f("blame.role-agent", 10, 40),  # the same agent phrase, narrower
        _f("blame.human-error", 20, 31, Severity.ERROR, explanation='matched "human error"'),
        _f("blame.named-individual", 60, 70),  # another sentence
        _f("action.what-not-why", 5, 20),  # another family
    ]
    kept = one_per_sentence(findings, SENTENCES, order=["blame.human-error", "blame.role-agent"])
    assert [(f.rule, f.start) for f in kept] == [("blame.human-error", 20), ("blame.named-individual", 60),
                                                ("action.what-not-why", 5)]
    assert kept[0].explanation == ("matched \"human error\"; also blame.role-agent: a role is the subject of "
                                   "'failed'")


def test_a_tie_of_severity_keeps_the_widest_then_the_earlier_rule():
    findings = [_f("blame.hidden", 5, 12), _f("blame.named-individual", 0, 30), _f("blame.role-agent", 0, 30)]
    kept = one_per_sentence(findings, SENTENCES, order=["blame.named-individual", "blame.role-agent", "blame.hidden"])
    assert [f.rule for f in kept] == ["blame.named-individual"]


def test_a_contents_entry_goes_when_a_heading_or_the_body_states_the_same_rule():
    hits = [Hit("PM103", 10, 21, {"cue": "Human error"}, debris="contents"),
            Hit("PM103", 80, 91, {"cue": "Human error"}, debris="title"),  # heading
            Hit("PM103", 120, 131, {"cue": "human error"})]  # body
    assert [h.start for h in drop_title_duplicates(hits, {"PM103"})] == [80, 120]
    assert [h.start for h in drop_title_duplicates(hits[:2], {"PM103"})] == [80]
    # contents entries alone: one per wording
    twice = [hits[0], Hit("PM103", 30, 41, {"cue": "human  error"}, debris="contents")]
    assert [h.start for h in drop_title_duplicates(twice, {"PM103"})] == [30]
    # other rules are left alone
    assert drop_title_duplicates(hits[:2], {"PM101"}) == hits[:2]


def test_two_agents_of_one_failure_give_one_finding(analyzer):
    text = "The author and the reviewers failed to spot the unit mismatch."
    blame = [f for f in analyzer.analyze(text).findings if f.family == "blame"]
    assert len(blame) == 1 and blame[0].rule == "blame.role-agent"


def test_a_contents_entry_repeating_a_heading_goes(analyzer):
    text = ("## Contents\n\n- 1 Summary\n- 2 Timeline\n   - 2.1 Human error\n- 3 Actionables\n\n"
            "## Summary\n\nThe queue stalled.\n\n## Human error\n\n"
            "The outage was caused by human error during the failover.\n")
    blame = [f for f in analyzer.analyze(text).findings if f.family == "blame"]
    assert [(f.rule, f.start, str(f.severity)) for f in blame] == [
        ("blame.human-error", text.index("Human error\n\nThe"), "suggestion"),  # the heading
        ("blame.human-error", text.index("human error during"), "error")]
    # a contents entry alone is only a suggestion
    toc = "## Contents\n\n- 1 Summary\n- 2 Human error\n\n## Summary\n\nThe queue stalled.\n"
    blame = [f for f in analyzer.analyze(toc).findings if f.family == "blame"]
    assert [str(f.severity) for f in blame] == ["suggestion"]
