"""Every rule's pass and fail examples, from its YAML, run through the real engine."""

from __future__ import annotations

import pytest

from analyzer.judging.rules import KINDS, default_rules

RULES = default_rules()
CASES = [
    pytest.param(rule, kind, text, id=f"{rule.code}-{kind}-{i}")
    for rule in RULES
    for kind in ("fail", "pass")
    for i, text in enumerate(rule.examples.get(kind, ()))
]


@pytest.fixture(scope="module")
def rules_analyzer():
    from analyzer.config import load_config
    from analyzer.engine import Analyzer

    # every rule on (PM001 is off by default), general profile, the shipped classifiers included
    return Analyzer(load_config(overrides={"profile": "general", "enable": ["PM001"]}))


@pytest.mark.parametrize("rule,kind,text", CASES)
def test_rule_example(rules_analyzer, rule, kind, text):
    report = rules_analyzer.analyze(text)
    codes = [f.code for f in report.findings]
    if kind == "fail":
        assert rule.code in codes, f"{rule.code} should flag: {text!r}; got {codes}"
        finding = next(f for f in report.findings if f.code == rule.code)
        assert finding.rule == rule.name
        assert finding.message and "{" not in finding.message
        assert 0 <= finding.start <= finding.end <= len(text)
    else:
        assert rule.code not in codes, f"{rule.code} should not flag: {text!r}"


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_every_rule_has_examples(rule):
    assert rule.examples.get("fail"), f"{rule.code} has no fail examples"
    assert rule.examples.get("pass"), f"{rule.code} has no pass examples"


def test_codes_and_names_are_unique():
    codes = [r.code for r in RULES]
    names = [r.name for r in RULES]
    assert len(codes) == len(set(codes))
    assert len(names) == len(set(names))
    assert all(r.kind in KINDS for r in RULES)


def test_rule_families_follow_the_design():
    families = {r.family for r in RULES}
    assert {"blame", "action", "section"} <= families
