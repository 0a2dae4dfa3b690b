"""Independent generalisation test set for the section detector.

The heading variants in ``data/heading_variants.yaml`` were written from
general knowledge of how post-mortem sections are titled, not from the
detector's own vocabulary, so this module measures how well the detector
generalises to headings it was not built from.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from analyzer import analyze
from analyzer.nlp.sections import CANONICAL_SECTIONS as ALL_SECTIONS
from analyzer.nlp.sections import default_classifier

DATA_FILE = Path(__file__).parent / "data" / "heading_variants.yaml"

CANONICAL_SECTIONS = frozenset(ALL_SECTIONS)


def _load() -> dict:
    with DATA_FILE.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


_DATA = _load()
VARIANTS: list[dict] = _DATA["variants"]
UNMAPPED: list[str] = _DATA["unmapped"]


@pytest.fixture(scope="module")
def classifier():
    return default_classifier()


# --------------------------------------------------------------------------
# Data-file sanity
# --------------------------------------------------------------------------


def test_variant_file_size_and_coverage():
    assert len(VARIANTS) >= 150, f"only {len(VARIANTS)} variants"
    sections = {v["section"] for v in VARIANTS}
    unknown = sections - CANONICAL_SECTIONS
    assert not unknown, f"non-canonical sections in data file: {sorted(unknown)}"
    missing = CANONICAL_SECTIONS - sections
    assert not missing, f"sections without variants: {sorted(missing)}"
    for name in CANONICAL_SECTIONS:
        count = sum(1 for v in VARIANTS if v["section"] == name)
        assert count >= 10, f"{name} has only {count} variants"


def test_variant_headings_are_unique():
    headings = [v["heading"] for v in VARIANTS] + list(UNMAPPED)
    dupes = sorted({h for h in headings if headings.count(h) > 1})
    assert not dupes, f"duplicate headings: {dupes}"


# --------------------------------------------------------------------------
# Per-heading classification
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "expected"),
    [(v["heading"], v["section"]) for v in VARIANTS],
    ids=[v["heading"] for v in VARIANTS],
)
def test_heading_variant_is_classified(classifier, heading, expected):
    match = classifier.classify(heading)
    assert match is not None, f"{heading!r}: expected {expected}, got None"
    assert match.category == expected, (
        f"{heading!r}: expected {expected}, got {match.category} ({match!r})"
    )


@pytest.mark.parametrize("heading", UNMAPPED, ids=UNMAPPED)
def test_unmapped_heading_is_not_classified(classifier, heading):
    match = classifier.classify(heading)
    assert match is None, f"{heading!r}: expected None, got {match!r}"


# --------------------------------------------------------------------------
# Full pipeline
# --------------------------------------------------------------------------

# One varied heading per canonical section (plus one extra), taken from the
# data file, with a little body text each.
PIPELINE_HEADINGS: list[tuple[str, str]] = [
    ("TL;DR", "A bad config push took checkout down for 40 minutes."),
    ("Who was affected?", "Roughly 12% of EU customers could not pay."),
    ("Timeline (all times UTC)", "- 09:02 deploy started\n- 09:10 errors rose\n- 09:42 rollback"),
    ("How did we find out?", "The p99 latency alert paged the on-call engineer."),
    ("3. Root cause", "A feature flag default was inverted by a refactor."),
    ("5 Whys", "1. Why did checkout fail? Because the flag was off.\n2. Why? ..."),
    ("Latent conditions", "The flag service had no schema validation."),
    ("How did we fix it?", "We rolled back the release and flushed the cache."),
    ("4.2 Follow-ups", "- [ ] Add schema validation to flag service (owner: infra, due: Q3)"),
    ("Where we got lucky", "The incident happened outside peak hours."),
    ("Financial impact", "About 18k USD in lost orders and SLA credits."),
    ("Model version & lineage", "fraud-scorer v4.2.1, trained on the 2024-05-01 snapshot."),
    ("Training/serving skew", "The serving pipeline normalised amounts differently from training."),
    ("Data validation limits", "Null rate above 2% on `amount` should block the batch."),
    ("Executive Summary", "Checkout outage caused by a misconfigured feature flag."),
    ("What would have happened", "Every EU checkout would have failed for about two hours."),
]


def test_pipeline_detects_variant_headings():
    by_heading = {v["heading"]: v["section"] for v in VARIANTS}
    for heading, _ in PIPELINE_HEADINGS:
        assert heading in by_heading, f"{heading!r} missing from data file"

    parts = ["# Post-mortem: checkout outage", "", "Draft, under review.", ""]
    for heading, body in PIPELINE_HEADINGS:
        parts += [f"## {heading}", "", body, ""]
    text = "\n".join(parts)

    expected = {by_heading[h] for h, _ in PIPELINE_HEADINGS}
    assert expected == CANONICAL_SECTIONS

    report = analyze(text)
    missing = sorted(name for name in expected if report.sections.get(name) is None)
    assert not missing, f"sections not detected by the pipeline: {missing}"


COVERS: list[dict] = _DATA.get("covers", [])


@pytest.mark.parametrize(("heading", "expected"), [(c["heading"], c["sections"]) for c in COVERS],
                         ids=[c["heading"] for c in COVERS])
def test_heading_covers_each_section_it_stands_for(classifier, heading, expected):
    assert set(classifier.covers(heading)) == set(expected)


def test_summary_of_impact_satisfies_summary_and_impact():
    text = ("# Storage latency - West Europe\n\n## Summary of impact\n\nBetween 09:00 and 11:00 UTC a subset of "
            "customers saw timeouts.\n\n## Root cause and mitigation\n\nA bad deployment; we rolled it back.\n")
    report = analyze(text)
    assert report.sections["summary"] and report.sections["impact"] and report.sections["resolution"]
    missing = {f.section for f in report.findings if f.rule == "section.missing"}
    assert not missing & {"summary", "impact", "resolution"}


def test_weak_forms_real_documents_use_map_to_sections():
    text = ("# Incident 42: login failures\n\n- **Summary**: logins failed for 20 minutes.\n"
            "- **Impact**: 8% of users could not sign in.\n\nWhy did it happen?\n\nA certificate expired.\n\n"
            "What are we doing about it?\n\n- Alert 30 days before a certificate expires (@sre, INFRA-12)\n")
    report = analyze(text)
    for name in ("summary", "impact", "root_cause", "action_items"):
        assert report.sections[name], name


def test_bold_list_labels_under_a_mapped_heading_stay_items():
    text = ("# Outage\n\n## Summary\n\nThe API was down.\n\n## Action items\n\n"
            "- **Detection**: add an alert on queue depth (@ops)\n- **Query plans**: add an index (@db)\n")
    report = analyze(text)
    assert report.sections["detection"] is None
