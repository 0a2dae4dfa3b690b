"""Lines a program wrote (logs, chat logs, deploy bots), issue-tracker activity and comment-thread
chrome are not sentences a person wrote about the incident: no blame finding stands on them."""

from __future__ import annotations

import pytest

from analyzer.judging.classifiers.features import debris_kind, is_log_line


def _last(analyzer, text):
    """The line's last sentence (the parser may split a timestamp or a handle off)."""
    return list(analyzer.nlp(text).sents)[-1]


@pytest.mark.parametrize("line", [
    "Mar  3 11:02:45 db-04 backupd[311]: Tom deleted the nightly snapshot without a dry run",
    "| 22:10 <ops-bot> restart of group two failed on one host |",
    "10:41 ana@deploy01: Synchronized config/app.php: careless typo fix (duration: 01m 12s)",
    "16:07 logbot: tom started sync of the cache tier",
    "- 09:12 Tom added a subtask: T12345: Ana broke the login page for mobile users.",
    "- 08:30 Ana closed subtask T22222: Tom skipped the canary, as Resolved.",
    "Tom edited projects: added Billing, Search (Q3), Ops-Tools, Infra-Team (Sprint 4).",
    "Ana Lee @alee · 2 months ago",
    "Please register or sign in to reply",
])
def test_log_lines_tracker_activity_and_chrome(analyzer, line):
    sent = _last(analyzer, line)
    assert is_log_line(sent) and debris_kind(sent) == "log"


@pytest.mark.parametrize("line", [
    "14:02 <tomk> Ana forgot to renew the cert on the edge boxes",
    "- [16:40:10] <ana> Tom ignored the disk alert again",
    "[09:40] <alex> the failover was started by someone who plainly had not read the runbook",
])
def test_a_persons_message_in_a_chat_log(analyzer, line):
    sent = _last(analyzer, line)
    assert is_log_line(sent) and debris_kind(sent) == "chat"


def test_on_a_chat_line_a_judging_phrase_is_a_suggestion_and_narration_is_not_flagged(analyzer):
    judged = "[11:02] <mira> honestly that was a careless push by whoever was on call"
    found = [f for f in analyzer.analyze(judged).findings if f.rule.startswith("blame")]
    assert found and {str(f.severity) for f in found} == {"suggestion"}
    for line in ("14:02 <tomk> Ana forgot to renew the cert on the edge boxes",
                 "21:57 <deploybot> careless typo fix deployed to the canary"):
        assert not [f for f in analyzer.analyze(line).findings if f.rule.startswith("blame")]


@pytest.mark.parametrize("line", [
    "[00:02:11] Tom: Ana forgot to renew the certificate.",  # a transcript of people talking
    "At 14:02 the on-call acknowledged the page.",
    "We added a subtask check to the release script after the 10:41 deploy.",
    "Between 14:02 and 14:10 the <code>queue</code> grew.",
])
def test_sentences_people_wrote_are_not_log_lines(analyzer, line):
    assert not is_log_line(_last(analyzer, line))


def test_no_blame_finding_on_a_log_line_inside_a_document(analyzer):
    text = ("## Timeline\n\n"
            "- 14:00 The deploy started.\n"
            "- 14:02 <tomk> Ana forgot to renew the cert on the edge boxes\n"
            "- 14:05 10:41 ana@deploy01: Synchronized app.php: careless typo fix (duration: 01m 12s)\n\n"
            "## Root cause\n\nAna forgot to renew the certificate, so the edge rejected every handshake.\n")
    blame = [f for f in analyzer.analyze(text).findings if f.rule.startswith("blame")]
    assert [f.text[:3] for f in blame] == ["Ana"]
    assert blame[0].start > text.index("## Root cause")
