"""Follow-through checks beyond their YAML examples: reading an incident's severity, action items
done or declined, and timelines crossing midnight or dates."""

from __future__ import annotations

import pytest

from analyzer import analyze
from analyzer.judging.followup import incident_severity


@pytest.mark.parametrize("meta,expected", [
    ({"severity": "SEV1"}, 1), ({"severity": 2}, 2), ({"sev": "sev-2"}, 2), ({"severity": "Critical"}, 1),
    ({"severity": "P3"}, 3), ({"severity": "low"}, 4), ({}, None), ({"severity": "unknown"}, None), ({"severity": True}, None),
])
def test_incident_severity(meta, expected):
    assert incident_severity(meta) == expected


def codes(text: str) -> list[str]:
    return [f.code for f in analyze(text).findings]


def test_done_items_need_nothing_more():
    text = "---\nseverity: 1\n---\n## Action items\n- [x] Add an expiry alert for every certificate (owner: @sre, OPS-1)\n"
    assert "PM204" not in codes(text)


def test_every_missing_part_is_named():
    text = "---\nseverity: 1\n---\n## Action items\n- [ ] Add an expiry alert for every certificate (owner: @sre, OPS-1)\n"
    finding = next(f for f in analyze(text).findings if f.code == "PM204")
    assert "due date" in finding.message and "priority" in finding.message and "verification" in finding.message


def test_timeline_across_dates_is_in_order():
    text = "## Timeline (UTC)\n- 2024-03-01 23:40 deploy started\n- 2024-03-02 00:10 alert fired\n- 00:40 rolled back\n"
    assert "PM403" not in codes(text)
    text = "## Timeline (UTC)\n- 2024-03-02 00:10 alert fired\n- 2024-03-01 23:40 deploy started\n"
    assert "PM403" in codes(text)


def test_a_near_miss_has_its_own_required_sections():
    """Front matter `type: near-miss`: no impact or cost is required, what would have happened is."""
    base = "---\ntype: near-miss\n---\n## Summary\nThe canary caught a bad build.\n## Detection\nThe canary's error check.\n"
    report = analyze(base)
    assert report.profile == "near_miss"
    missing = {f.section for f in report.findings if f.rule == "section.missing"}
    assert "potential_impact" in missing and "impact" not in missing and "timeline" not in missing
    assert any("for a near miss" in f.message for f in report.findings if f.rule == "section.missing")
    full = analyze(base + "## Potential impact\nEvery EU checkout for two hours.\n## Lessons learned\n- Lucky: low traffic.\n"
                   "## Action items\n- Keep the canary on every release (owner: @sre, OPS-9)\n")
    assert not [f for f in full.findings if f.rule == "section.missing"]


def test_near_miss_in_the_summary_and_the_example():
    from pathlib import Path

    said = analyze("# Checkout\n\n## Summary\nThe canary caught the bad build before it reached production.\n")
    assert said.profile == "near_miss"
    told_not = analyze("# Checkout\n\n## Summary\nThe bad build was not caught before it reached production.\n")
    assert told_not.profile == "general"
    example = Path(__file__).resolve().parents[1] / "examples" / "near-miss-schema-gate.md"
    report = analyze(example.read_text(encoding="utf-8"))
    assert report.profile == "near_miss" and report.score == 100
