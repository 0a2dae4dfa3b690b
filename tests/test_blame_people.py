"""Blame findings a review lead can trust: people found right (sentence-initial names, systems by
context), only real sentences scored by the classifier, the classifier's veto, calibration, and
rewrites and explanations a reviewer would paste."""

from __future__ import annotations

import pytest

from analyzer.config import load_config
from analyzer.engine import Analyzer
from analyzer.judging.classifiers.combine import calibrated, prior_shift
from analyzer.judging.classifiers.features import is_prose
from analyzer.judging.rules.rewrite import QUESTION, _text, vbn
from analyzer.nlp.lexicon import agent_kind


@pytest.fixture(scope="module")
def analyzer():
    return Analyzer(load_config())


def blame(analyzer, sentence: str) -> list:
    report = analyzer.analyze(f"# Summary\n\n{sentence}\n")
    return [f for f in report.findings if f.family == "blame"]


@pytest.mark.parametrize("sentence", [
    "Ben forgot to renew the certificate.",
    "Carlos failed to follow the runbook.",
    "She should have waited for the replica to catch up.",
    "Mark ignored the alert.",
    # names the tagger reads as common nouns or as a modal
    "Summer forgot to deactivate the debug flag before the submission.",
    "Will ignored the drift alerts.",
    "June broke the feature pipeline.",
    # in a table cell, and teams written as they are said
    "| Cause | June ignored the disk-full warnings for days |",
    "Ops ignored the expiry mail.",
    "QA skipped the regression suite again.",
    # a person's mistake, a counterfactual about people, a promise to try harder
    "Mike's mistake caused the outage.",
    "Had the documentation been consulted, the outage would have been avoided.",
    "If the operator had read the runbook, this would not have happened.",
    "We need to be more mindful when changing the load balancer config.",
    # a neutral verb with the wrong target, a slip, or against a warning
    "Mark ran the refund script against prod instead of staging.",
    "Bill exported the unreviewed labels by mistake.",
    "Faith approved the prompt change even though the evaluation showed fake policy numbers.",
    # an omission pinned on a person, a person's failure, a breach, a counterfactual mid-sentence
    "The backups were not verified by the responsible engineer for six months.",
    "The data loss was caused by the failure of the storage administrator to verify backup integrity.",
    "The officer released the file in breach of the documented control.",
    "The breach would not have occurred had staff complied with the sharing policy.",
    # full names (a run of proper nouns the recogniser calls a person, or after an honorific), a
    # clause-opening "On-call", "IT" in capitals, a duty left undone
    "Wei Jie forgot to add the new subnet to the allow list.",
    "Dr. Hana Sato ignored the capacity warning.",
    "On-call ignored the disk alert for an hour.",
    "IT ignored the expiry warnings.",
    "The contractor never rotated the shared password.",
    # a name that is also an English word, known only by what it did: only a mind forgets
    "Rhea forgot to run the migration.",
    "Will forgot to run the migration.",
])
def test_textbook_blame_with_a_sentence_initial_name_or_pronoun_is_found(analyzer, sentence):
    assert blame(analyzer, sentence), sentence


@pytest.mark.parametrize("sentence", [
    "Will be restarted at noon.",                     # a modal, not Will
    "Will restart the pods at noon.",
    "[00:04:46] Ravi: the eval suite should have caught it but it had no legal questions",  # a speaker
    "The Service failed to meet the availability commitment in June.",  # "the Service" is no name
    "@kat deletes all the stray pods that are still trying to start.",  # destroying is the remedy
    "The on-call rolled back instead of failing over, which restored service.",
    "Priya pushed the fix directly to production to stop the bleeding.",
    "Tom found the fault in the disk controller.",
    "Even if the on-call had noticed the alert, the failover would have taken an hour.",
    "We double-checked the replica lag before failing over.",
    "Lazy replication writes the secondary copies asynchronously.",
    "The alert was not seen by the on-call because it was routed to e-mail.",
    "Why was this not picked up by the developer and the reviewers?",
    "Members noticed various failures of Prow to respond to events.",
    "Otto realized his mistake and stopped the job.",
    "It ignored the cached value and fetched a fresh copy.",      # "it", not IT
    "The Sydney Region ignored the drain request.",                # a place, not a full name
    "Kundeservice had not notified the other teams about the change.",  # a team's name, not a person's
    "Dana did not verify the restore because the runbook had no step for it.",
    "Monitoring overlooked the spike in queue depth.",             # a capitalised common noun, not a name
    "Validation neglected the rows with null prices.",
    "Model forgot the older patterns after the retrain.",          # a machine forgets too
])
def test_blameless_sentences_with_the_same_words_are_not_blame(analyzer, sentence):
    assert not [f for f in blame(analyzer, sentence) if f.severity.value != "suggestion"], sentence


@pytest.mark.parametrize("text", [
    "# Report\n\n- 3.4 Networking issues\n\n- 3.5 Human error\n\n## Summary\n\nThe cluster was down.\n",
    "# Report\n\n## Human error\n\nThe deploy went out at 10:00.\n",
])
def test_a_heading_or_contents_entry_names_a_topic_so_it_is_only_a_suggestion(analyzer, text):
    found = [f for f in analyzer.analyze(text).findings if f.rule == "blame.human-error"]
    assert found and all(f.severity.value == "suggestion" for f in found)
    assert "heading" in found[0].explanation


def test_a_cause_field_that_says_human_error_is_still_an_error(analyzer):
    found = [f for f in analyzer.analyze("## Root cause\n\nHuman error.\n").findings if f.rule == "blame.human-error"]
    assert [f.severity.value for f in found] == ["error"]


@pytest.mark.parametrize("sentence,word", [
    ("Prow crashed and was redeployed.", "Prow"),
    ("Translate returned 500s for an hour.", "Translate"),
    ("Jenkins was restarted after the upgrade.", "Jenkins"),
])
def test_a_title_case_subject_of_a_system_verb_is_a_system(analyzer, sentence, word):
    doc = analyzer.nlp(sentence)
    token = next(t for t in doc if t.text == word)
    assert agent_kind(token) is None
    assert not blame(analyzer, sentence)


def test_the_entity_recogniser_is_loaded_but_not_run_on_every_doc(analyzer):
    assert "ner" in analyzer.nlp.component_names and "ner" not in analyzer.nlp.pipe_names
    doc = analyzer.nlp("Ben forgot to renew the certificate.")
    assert agent_kind(doc[0]) == "person"
    assert not doc.ents  # the Doc itself was not tagged; only the question about "Ben" was asked


@pytest.mark.parametrize("sentence", [
    "Toon changed the description 2 years ago",
    "@test-infra-oncall there's something broken.",
    "[7:22 AM] the scheduler seems to have gone down again, looks like it's the CRDs",
    "| 10:45 | 503 | 12% |",
    "Page 2 of 5",
    "Root cause analysis",
])
def test_page_chrome_fragments_and_chat_addresses_are_not_prose(analyzer, sentence):
    assert not is_prose(next(analyzer.nlp(sentence).sents))


def test_real_sentences_are_prose(analyzer):
    for sentence in ("Apparently reading the runbook was optional for the night shift.",
                     "At 14:02 the on-call SRE acknowledged the page and started the failover."):
        assert is_prose(next(analyzer.nlp(sentence).sents))


def test_calibration_moves_probabilities_to_the_real_base_rate():
    factor = prior_shift(0.4, 0.01)
    assert calibrated(0.5, factor) == pytest.approx(0.01 / 0.99 / (0.4 / 0.6) / (1 + 0.01 / 0.99 / (0.4 / 0.6)))
    assert calibrated(0.999, factor) > calibrated(0.9, factor) > calibrated(0.5, factor)
    assert calibrated(0.5, prior_shift(0.4, 0.4)) == pytest.approx(0.5)


def test_the_classifier_vetoes_a_rule_hit_it_is_sure_is_not_blame():
    """A rule hit the model scores below `blame_veto` becomes a suggestion that says why; with the
    veto at 0 the same hit keeps the rule's severity."""
    sentence = "Human error in the scaling template assigned a wrong service IP."  # the model: p about 0.1
    no_veto = Analyzer(load_config(overrides={"classifiers": {"blame_veto": 0.0001}}))
    veto = Analyzer(load_config(overrides={"classifiers": {"blame_veto": 0.49999}}))
    before = [f for f in blame(no_veto, sentence) if f.rule == "blame.human-error"]
    after = [f for f in blame(veto, sentence) if f.rule == "blame.human-error"]
    assert before and str(before[0].severity) == "error" and "does not confirm" in before[0].explanation
    assert after and str(after[0].severity) == "suggestion"
    assert "reads this sentence as blameless" in after[0].explanation


@pytest.mark.parametrize("sentence,expected", [
    ("Ben forgot to renew the certificate.", "The certificate was not renewed"),
    ("Maria deleted the wrong buckets.", "The wrong buckets were deleted"),
    ("The on-call ignored the alert for forty minutes.", "The alert went unanswered for forty minutes."),
    ("Tom forgot to not restart the pods.", "The pods were restarted"),
    # an omission, a lapse let happen, a particle kept
    ("Lena never rotated the signing key before it expired.", "The signing key was not rotated before it expired:"),
    ("The storage team let the TLS certificate expire despite three reminders.",
     "The TLS certificate was allowed to expire"),
    ("Priyanka let the domain registration lapse.", "The domain registration was allowed to lapse:"),
    ("Dmitri never set up the retention policy on the bucket.", "The retention policy was not set up on the bucket:"),
    # the phrase's own words: no bracketed aside, citation, clause or code mark inside the rewrite
    ("Sam forgot to restart the workers (see [2]).", '"The workers were not restarted: the process'),
    ("He mistakenly used an out-dated wrapper script (that should have been deleted) to do this.",
     '"An out-dated wrapper script was used to do this, and nothing'),
    ("Omar deployed the broken proxy config, Lee watched the graphs.", '"The broken proxy config was deployed, and nothing'),
    ("There were edge cases that were not anticipated by the editing team,", '"There were edge cases that were not anticipated. What'),
])
def test_rewrites_are_grammatical_and_keep_the_sentence_words(analyzer, sentence, expected):
    findings = blame(analyzer, sentence)
    assert any(expected in f.suggestion for f in findings), [f.suggestion for f in findings]


@pytest.mark.parametrize("sentence", [
    "Nadia failed to log out anyway.",                 # no object to make the subject
    "Kofi forgot to notify anyone.",                   # "Anyone was not notified" is no sentence
])
def test_without_a_grammatical_rewrite_the_suggestion_is_the_question_alone(analyzer, sentence):
    findings = blame(analyzer, sentence)
    assert findings and all(f.suggestion == QUESTION for f in findings), [f.suggestion for f in findings]


def test_participles_spacing_and_the_fallback_question(analyzer):
    assert vbn("spin") == "spun" and vbn("have") == "had" and vbn("push") == "pushed"
    doc = analyzer.nlp("We failed to not restart it.")
    kept = [t for t in doc if t.text not in ("failed",)]
    assert "tonot" not in _text(kept).replace(" ", "") or " to not " in f" {_text(kept)} "
    assert _text([doc[2], doc[3]]) == "to not"
    assert _text([doc[0], doc[2]]) == "We to"
    assert QUESTION.endswith("?")


def test_no_suggestion_renames_anyone_or_shows_model_internals(analyzer):
    text = ("# Summary\n\nApparently reading the runbook was optional for the night shift.\n\n"
            "Funny how the release calendar is always a surprise to the mobile folks.\n\n"
            "Remind the ML team to check the thresholds.\n")
    for f in analyzer.analyze(text).findings:
        assert "the responder" not in f.suggestion
        assert "the words" not in f.explanation and "root=" not in f.explanation and "rule=" not in f.explanation


def test_a_blame_word_in_a_log_line_is_no_finding(analyzer):
    """A deploy-log line or tracker activity is not a sentence anyone wrote about a person (it
    was only a suggestion before: every one the corpus review read was wrong)."""
    log = "19:27 deploy@host-3: Synchronized php-1.29.0/extensions/Foo.php: Stupid errors (duration: 00m 46s)"
    assert not blame(analyzer, log)
    # a terse entry full of interface names is mostly not words, but a person wrote it: a suggestion
    terse = "[04:20] Tom carelessly drops ae3, ge-1/0/2, ge-1/0/7, xe-2/1/1"
    findings = [f for f in blame(analyzer, terse) if f.rule == "blame.judgement"]
    assert findings and str(findings[0].severity) == "suggestion" and "machine text" in findings[0].explanation
    prose = [f for f in blame(analyzer, "The change was careless and untested.") if f.rule == "blame.judgement"]
    assert prose and str(prose[0].severity) == "error"


def test_a_failure_verb_the_lemmatizer_leaves_inflected_is_still_read(analyzer):
    """spaCy lemmatises "forgot" after a sentence-initial "I" as "forgot"; verb_lemma still reads it."""
    from analyzer.judging.rules.agent_words import verb_lemma

    doc = analyzer.nlp("I forgot to renew the certificate.")
    assert verb_lemma(doc[1]) == "forget"
    assert blame(analyzer, "Priya forgot to renew the certificate.")
