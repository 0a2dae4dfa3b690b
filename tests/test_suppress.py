"""Suppression comments: disable/enable ranges, ignore-next-block, malformed directives."""

from __future__ import annotations


def codes(report):
    return [f.code for f in report.findings]


def test_disable_enable_range(general_analyzer):
    text = (
        "Root cause: human error.\n\n"
        "<!-- pmlint disable=blame.* -->\n"
        "It was human error again.\n\n"
        "<!-- pmlint enable=blame.* -->\n"
        "And once more, human error.\n"
    )
    report = general_analyzer.analyze(text)
    lines = [f.line for f in report.findings if f.code == "PM103"]
    assert lines == [1, 7]


def test_enable_of_one_rule_keeps_the_rest_disabled(general_analyzer):
    text = "<!-- pmlint disable=blame -->\n<!-- pmlint enable=PM104 -->\nHuman error by a careless engineer.\n"
    report = general_analyzer.analyze(text)
    assert "PM104" in codes(report) and "PM103" not in codes(report)


def test_ignore_applies_to_the_next_block_only(general_analyzer):
    text = "<!-- pmlint ignore PM103 -->\nHuman error, said the draft.\n\nHuman error, said it again.\n"
    report = general_analyzer.analyze(text)
    assert [f.line for f in report.findings if f.code == "PM103"] == [4]


def test_disable_everything(general_analyzer):
    report = general_analyzer.analyze("<!-- pmlint disable -->\nThe careless intern deleted it. Human error.\n")
    assert codes(report) == ["PM301"] * 5 or all(c == "PM301" for c in codes(report))


def test_malformed_directive_is_a_finding_not_a_crash(general_analyzer):
    report = general_analyzer.analyze("<!-- pmlint disabel=PM101 -->\n<!-- pmlint disable=PM999 -->\nText.\n")
    bad = [f for f in report.findings if f.code == "PM000"]
    assert len(bad) == 2
    assert "disabel" in bad[0].message and "PM999" in bad[1].message
    assert bad[0].line == 1 and bad[1].line == 2


def test_plain_html_comments_are_not_directives(general_analyzer):
    report = general_analyzer.analyze("<!-- TODO: pmlint later -->\n<!-- careless -->\nThe cache expired.\n")
    assert "PM000" not in codes(report) and "PM104" not in codes(report)
