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


# a rule whose findings now carry another rule's name: classifier-only what-not-why findings are
# action.what-not-why (PM201) with source classifier; action.classifier (PM210) is the alias
RENAMED = {"PM210": ("PM201", "action.what-not-why", "classifier")}


@pytest.mark.parametrize("rule,kind,text", CASES)
def test_rule_example(rules_analyzer, rule, kind, text):
    report = rules_analyzer.analyze(text)
    code, name, source = RENAMED.get(rule.code, (rule.code, rule.name, None))
    found = [f for f in report.findings if f.code == code and (source is None or f.source == source)]
    if kind == "fail":
        assert found, f"{rule.code} should flag: {text!r}; got {[f.code for f in report.findings]}"
        finding = found[0]
        assert finding.rule == name
        assert finding.message and "{" not in finding.message
        assert 0 <= finding.start <= finding.end <= len(text)
    else:
        assert not found, f"{rule.code} should not flag: {text!r}"


def test_phrase_patterns_do_not_end_in_an_optional_token():
    """`double ?- ?check|check` makes the whole alternation optional, so it matched "double" alone
    ("a double write"): a pattern whose last token is optional matches its shorter prefix (the
    what-not-why rule had the same: "~renew the ?tls ?certificate" matched "renew the")."""
    for rule in RULES:
        if rule.family not in ("blame", "action"):
            continue
        for pat in list(rule.options.get("patterns", [])) + list(rule.options.get("except", [])):
            text = pat["pattern"] if isinstance(pat, dict) else pat
            last = text.split()[-1]
            # a bare "?" is the question mark itself (patterns.py: optional only with a word after it)
            assert not (last.startswith("?") and len(last) > 1), f"{rule.code}: {text!r} ends in an optional token"


def test_every_what_not_why_pattern_matches_one_of_its_fail_examples(rules_analyzer):
    """Each PM201 pattern is exercised by a fail example of its own rule, matched on its own: a
    pattern that cannot match what it was written for ("~reach out|~talk to" needed "reach" first,
    "?follow-up" is three tokens) fails here instead of silently never firing."""
    from spacy.matcher import Matcher

    from analyzer.judging.rules.patterns import compile_pattern

    rule = next(r for r in RULES if r.code == "PM201")
    nlp = rules_analyzer.nlp
    docs = [nlp(text) for text in rule.examples["fail"]]
    unmatched = []
    for pat in rule.options["patterns"]:
        text = pat["pattern"] if isinstance(pat, dict) else pat
        matcher = Matcher(nlp.vocab)
        matcher.add("p", compile_pattern(text))
        if not any(matcher(doc) for doc in docs):
            unmatched.append(text)
    assert not unmatched, f"no fail example of PM201 matches these patterns: {unmatched}"
