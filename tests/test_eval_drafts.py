"""bench/eval_drafts.py runs on the synthetic drafts (two of them here, to stay fast) and its
labels stay in step with the drafts (every labelled item found once in its draft)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _module():
    spec = importlib.util.spec_from_file_location("eval_drafts", ROOT / "bench" / "eval_drafts.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_every_label_points_at_one_place_in_its_draft():
    ev = _module()
    labels = ev.load_labels()
    assert len(labels) >= 32 and sum(r["ai_incident"] for r in labels) >= 16
    for rec in labels:
        text = ev.read_draft(ev.DRAFTS / rec["file"])
        assert set(rec["sections"]) <= set(ev.CANONICAL), rec["file"]
        for item in rec["actions"]:
            ev.locate(text, item["text"])  # raises unless found exactly once


def test_the_evaluation_runs_on_two_drafts(analyzer):
    ev = _module()
    labels = ev.load_labels(only=["ai-01-fraud-score-drift.md", "gen-06-cdn-purge-gdocs.html"])
    result = ev.evaluate(labels, analyzer=analyzer, with_detail=True)
    assert result["drafts"] == 2
    assert 0 <= result["sections"]["f1"] <= 1 and result["ai_profile"]["ai_detected"].endswith("of 1")
    acts = result["actions"]
    assert acts["items_labelled"] == 9 and sum(acts["what_not_why"].values()) == 9
    assert isinstance(result["detail"], list)
