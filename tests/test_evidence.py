"""Sections a document states without a heading (analyzer/judging/evidence.py): each shape of
evidence, and the look-alikes that are not one. Sentences written for these tests."""

from __future__ import annotations

import pytest

from analyzer.judging.evidence import INFERABLE, infer_sections
from analyzer.reading.markdown import parse

CASES = [
    # (name, text, expected: inferred or not)
    ("timeline", "# Outage\n\n09:02 the queue backed up\n\n09:10 on-call paged\n\n09:31 workers restarted\n", True),
    ("timeline", "# Outage\n\n- 2024-05-01 09:02 UTC: queue backed up\n- 2024-05-01 09:10 UTC: paged\n- 2024-05-01 09:31 UTC: restarted\n", True),
    ("timeline", "# Checkout errors\n\n## Update — Mar 3, 2021 10:05\n\nWe are investigating.\n\n"
                 "## Update — Mar 3, 2021 10:40\n\nThe issue is resolved.\n", True),
    ("timeline", "# Outage\n\nAt 09:02 the queue backed up because a consumer stalled, and the backlog grew for an hour "
                 "while we looked at the wrong dashboards.\n\nAt 10:15 we found the stalled consumer.\n", False),
    ("timeline", "# Report\n\nMay 5 09:00 UTC\n\n" + "The first incident was a long story about caches. " * 30
                 + "\n\nJune 2 14:00 UTC\n\n" + "The second incident was another long story. " * 30
                 + "\n\nJune 20 08:00 UTC\n\nThe third one.\n", False),
    ("impact", "# Outage\n\nFor 42 minutes, 30% of checkout requests failed and customers saw errors.\n", True),
    ("impact", "# Outage\n\nThe team met on Tuesday to talk about the roadmap for the next quarter.\n", False),
    ("impact", "# Outage\n\nSeveral services on status.example.com were affected by the partition.\n", True),
    ("impact", "# Outage\n\nThe leak only affected our mobile SDKs.\n", True),
    ("impact", "# Outage\n\nOne shard was unable to allocate its replicas.\n", False),
    ("impact", "# Outage\n\nThe shards that were affected by the partition were drained first.\n", False),
    ("impact", "# Outage\n\nThe partition impacted the services that publish invoices.\n", True),
    ("root_cause", "# Outage\n\nThe trigger for this event was a configuration change to the load balancer pool.\n", True),
    ("root_cause", "# Outage\n\nThe cache expired early because the clock was wrong. That led to a stampede on the database.\n", True),
    ("root_cause", "# Outage\n\nThe queue was slow due to a backlog, and we restarted it.\n", False),
    ("root_cause", "# Outage\n\nWhat was the root cause of the stall?\n", False),
    ("root_cause", "# Outage\n\nWe found that the brokers stopped accepting writes due to two bugs in the compaction code.\n", True),
    ("root_cause", "# Outage\n\nLatency rose due to heavy traffic.\n", False),
    # a cause told as a mechanism: "caused X to <verb>", "causing X to <verb>"
    ("root_cause", "# Outage\n\nA leaked file handle was causing the upload worker to stall. Restarting it "
                   "with the wrong flag caused every thumbnail task to fail.\n", True),
    ("root_cause", "# Outage\n\nThe storm caused damage to the roof. The rain caused flooding to a basement.\n", False),
    ("action_items", "# Outage\n\nWe will add a limit on batch size and we are building a canary stage for the config.\n", True),
    ("action_items", "# Outage\n\nWe are investigating and will provide another update within the hour.\n", False),
    ("action_items", "# Outage\n\nWe will share more information as soon as it is available.\n", False),
    ("action_items", "# Outage\n\nI will call the two services the gateway and the router going forward.\n", False),
    ("summary", "# Outage\n\nOn 3 May, the billing API was unavailable for 40 minutes after a certificate expired, "
                "and invoices were delayed for every customer.\n", True),
    ("summary", "# Notes\n\nThanks to everyone who joined the meeting on Thursday and shared their ideas.\n", False),
    ("resolution", "# Outage\n\nWe mitigated the issue by draining the bad zone. Traffic was redirected to the healthy "
                   "region and the service recovered by 10:40.\n", True),
    ("resolution", "# Outage\n\nThe service was slow all afternoon.\n", False),
    ("root_cause", "# Outage\n\nAfter a long night we found that a firmware bug in the storage controllers was to blame.\n", True),
    # provider write-ups name the cause as what the engineers identified (bench/drafts, AWS-style narrative)
    ("root_cause", "# Outage\n\nBy 09:55 our engineers had identified the change to the rates job as the trigger.\n", True),
    ("root_cause", "# Outage\n\nWe identified the affected accounts as the first priority and restored them.\n", False),
    ("five_whys", "# Outage\n\n- 1. Why did the export stall? - The worker held a lock.\n- 2. Why did it hold the lock? - The "
                  "timeout was unset.\n- 3. Why was it unset? - The template has no default.\n", True),
    ("five_whys", "# Outage\n\n- A. Why? - Because the cron job ran twice.\n- B. Why? - Because the host clock jumped.\n"
                  "- C. Why? - Because NTP was blocked by the new firewall rule.\n", True),
    ("five_whys", "# Outage\n\n- Why did the export stall?\n- Why was the lock held?\n- Why was there no timeout?\n", False),
    ("five_whys", "# FAQ\n\nWhy did we pick Kafka? - It was there.\n\nThe rest of the notes are about costs.\n", False),
]


@pytest.mark.parametrize(("name", "text", "expected"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_section_stated_without_heading(name, text, expected):
    doc = parse(text)
    found = infer_sections(doc.text, doc.masked, doc.blocks, set(), lambda _: None, INFERABLE)
    assert (name in found) is expected
    if expected:
        hit = found[name]
        assert 0 <= hit.start < hit.end <= len(text) and hit.evidence


def test_a_section_with_a_heading_is_not_inferred_again():
    doc = parse("# Outage\n\nFor 42 minutes, 30% of checkout requests failed and customers saw errors.\n")
    assert "impact" not in infer_sections(doc.text, doc.masked, doc.blocks, {"impact"}, lambda _: None, INFERABLE)


def test_report_maps_a_section_from_its_evidence(analyzer):
    text = ("# Checkout outage\n\nOn 3 May, checkout was unavailable for 40 minutes after a certificate expired, and "
            "orders failed for every customer.\n\n09:02 alerts fired\n\n09:10 on-call paged\n\n09:40 certificate renewed\n")
    report = analyzer.analyze(text)
    hit = report.sections["timeline"]
    assert hit is not None and hit.source == "content" and hit.heading == ""
    assert text[hit.start:hit.end].startswith("09:02") and hit.line == 5
    assert "timeline" not in {f.section for f in report.findings if f.rule == "section.missing"}


@pytest.mark.parametrize("inside", ["timeline", "action_items", "lessons_learned"])
def test_impact_told_in_passing_by_another_section_is_not_an_impact_section(inside):
    doc = parse("# Outage\n\nThe image resizer returned errors on every request for 25 minutes\n")
    assert "impact" in infer_sections(doc.text, doc.masked, doc.blocks, set(), lambda _: None, INFERABLE)
    assert "impact" not in infer_sections(doc.text, doc.masked, doc.blocks, set(), lambda _: inside, INFERABLE)

