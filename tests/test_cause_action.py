"""The cause-without-action check (PM205, `cause.unaddressed`) on drafts written for these
tests: a cause addressed by an action that shares its taxonomy class or its mechanism, a cause left
unaddressed, an accepted risk, a paraphrased action, and what is not a cause at all."""

from __future__ import annotations

import pytest

from analyzer import analyze
from analyzer.errors import ConfigError
from analyzer.judging.cause_action import addresses, meaning
from analyzer.judging.taxonomy import load_taxonomy

CODE = "PM205"


def unaddressed(text: str) -> list[str]:
    return [f.text for f in analyze(text).findings if f.code == CODE]


def draft(causes: str, actions: str, heading: str = "Root cause") -> str:
    return f"# Queue outage\n\n## {heading}\n{causes}\n\n## Action items\n{actions}\n"


CERT = "The TLS certificate on the payments gateway expired because its renewal was a manual yearly task."


def test_an_action_of_the_same_class_addresses_the_cause():
    assert unaddressed(draft(CERT, "- Move the gateway to automatically renewed certificates (owner: @ana)")) == []


def test_an_action_naming_the_guardrail_in_other_words_addresses_the_cause():
    # no word in common with the cause: "lapses" and "page" name the class's guardrail (expiry alerting)
    assert unaddressed(draft(CERT, "- Page the on-call 30 days before anything of ours lapses (owner: @ana)")) == []


def test_an_unaddressed_cause_is_quoted():
    text = draft(CERT, "- Rebuild the search index from a nightly snapshot (owner: @ana)")
    findings = [f for f in analyze(text).findings if f.code == CODE]
    assert [f.text for f in findings] == [CERT]
    assert CERT in findings[0].message and findings[0].severity == "suggestion"
    assert findings[0].rule == "cause.unaddressed"


def test_an_accepted_risk_is_not_a_finding():
    causes = ("The batch host lost power during the storm because it has a single power supply. "
              "We accept this risk because the batch can rerun the next morning.")
    assert unaddressed(draft(causes, "- Rebuild the search index from a nightly snapshot (owner: @ana)")) == []


def test_a_risk_accepted_elsewhere_counts_when_it_names_the_mechanism():
    causes = "The batch host lost power during the storm because it has a single power supply."
    actions = ("- Rebuild the search index from a nightly snapshot (owner: @ana)\n\n"
               "## Decisions\nA second power feed for the batch host is not worth the cost: we accept the risk.")
    assert unaddressed(draft(causes, actions)) == []
    other = ("- Rebuild the search index from a nightly snapshot (owner: @ana)\n\n"
             "## Decisions\nWe accept the risk of slower reports during the migration.")
    assert len(unaddressed(draft(causes, other))) == 1


def test_a_paraphrased_action_addresses_the_cause():
    causes = "No alarm fired while the order backlog grew for three hours, so nobody knew until customers wrote in."
    actions = "- Notify the on-call when the order queue is deeper than ten minutes of traffic (owner: @li)"
    assert unaddressed(draft(causes, actions)) == []
    causes = "The connection pool was capped at 50 and was exhausted at the evening peak."
    actions = "- Size the database pool from the load test and keep 30% headroom (owner: @li)"
    assert unaddressed(draft(causes, actions)) == []


def test_each_contributing_factor_is_a_cause():
    causes = ("- No version pin on the ingress controller image\n"
              "- The weekly maintenance window fell on a public holiday when nobody was on call")
    actions = "- Pin the ingress controller image to a tested version (owner: @ops)"
    assert unaddressed(draft(causes, actions, heading="Contributing factors")) == [
        "The weekly maintenance window fell on a public holiday when nobody was on call"]


@pytest.mark.parametrize("causes", [
    # narrative: what happened, no condition anyone could change
    "During the upgrade the pods were rescheduled onto the new nodes, which took about an hour.",
    # impact, written in the root-cause section
    "Between 10:02 and 11:40 UTC customers may have experienced failed checkouts because of the outage.",
    # an unknown cause
    "We don't know the exact cause yet; the investigation continues and this page will be updated.",
    # an introduction
    "The outage resulted from three compounding factors:",
])
def test_what_is_not_a_cause_is_not_a_finding(causes):
    assert unaddressed(draft(causes, "- Rebuild the search index from a nightly snapshot (owner: @ana)")) == []


def test_a_draft_without_action_items_is_left_to_the_section_check():
    text = f"# Outage\n\n## Root cause\n{CERT}\n"
    assert unaddressed(text) == []


def test_meaning_uses_lemmas_and_synonyms():
    cause = meaning("The config was wrong", ["config", "wrong"])
    action = meaning("Validate the configuration before deploy", ["validate", "configuration", "deploy"])
    assert "configuration" in cause.lemmas & action.lemmas
    assert addresses(cause, action)
    assert not addresses(meaning("The disk filled up", ["disk", "fill"]),
                         meaning("Write a style guide for the blog", ["write", "style", "guide", "blog"]))


def test_taxonomy_terms_are_validated():
    with pytest.raises(ConfigError, match="terms"):
        load_taxonomy([{"id": "mine", "positive": ["a b c", "d e f", "g h i"], "terms": "not a list"}])
    mine = load_taxonomy([{"id": "mine", "positive": ["a b c", "d e f", "g h i"], "terms": ["Quorum"]}])
    assert next(c for c in mine if c.id == "mine").terms == ("quorum",)



def test_a_nested_item_details_its_factor_and_is_no_cause_of_its_own():
    causes = ("- The search cluster ran out of heap memory during the reindex\n"
              "    - 31 GB used per machine and 2 GB free\n"
              "    - pauses of several seconds in the collector\n")
    actions = "- Give the search cluster headroom for a full reindex (owner: @ops)"
    assert unaddressed(draft(causes, actions, heading="Contributing factors")) == []
    flat = causes.replace("    - ", "- ")
    assert unaddressed(draft(flat, actions, heading="Contributing factors")) == [
        "31 GB used per machine and 2 GB free", "pauses of several seconds in the collector"]


def test_a_capitalised_plural_meets_its_singular():
    # spaCy can keep "Alerts" at the start of a sentence as its own lemma
    assert "alert" in meaning("Alerts explode", ["alerts", "explode"]).lemmas
    assert "alerting_gap" in meaning("Alerts explode", ["alerts", "explode"]).classes
    assert meaning("glass corpus analysis", ["glass", "corpus", "analysis"]).lemmas == {"glass", "corpus", "analysis"}
