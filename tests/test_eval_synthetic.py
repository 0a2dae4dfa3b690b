"""bench/eval_synthetic.py: `--half` keeps one half of a set, refuses a set without halves, and
the fresh set keeps its two halves balanced (whole groups, same counts per kind)."""

from __future__ import annotations

import importlib.util
import json
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FRESH = ROOT / "bench" / "synthetic" / "blame_fresh.jsonl"


def _module():
    spec = importlib.util.spec_from_file_location("eval_synthetic", ROOT / "bench" / "eval_synthetic.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_select_half_keeps_only_that_half():
    ev = _module()
    rows = [{"text": "a", "half": "dev"}, {"text": "b", "half": "held"}, {"text": "c", "half": "dev"}]
    assert [r["text"] for r in ev.select_half(rows, "dev")] == ["a", "c"]
    assert [r["text"] for r in ev.select_half(rows, "held")] == ["b"]
    assert ev.select_half(rows, None) == rows


def test_select_half_refuses_rows_without_a_half():
    ev = _module()
    with pytest.raises(ValueError):
        ev.select_half([{"text": "a", "half": "dev"}, {"text": "b"}], "dev")


def test_half_on_a_set_without_halves_is_a_clear_error(tmp_path, capsys):
    ev = _module()
    path = tmp_path / "set.jsonl"
    path.write_text(json.dumps({"text": "The job failed.", "label": "blameless", "kind": "neutral"}) + "\n")
    assert ev.main(["--set", str(path), "--half", "held"]) == 2
    assert "half" in capsys.readouterr().err


def test_fresh_set_halves_are_whole_groups_with_equal_kinds():
    rows = _rows(FRESH)
    assert len(rows) == 400 and len({r["text"] for r in rows}) == 400
    for row in rows:
        assert row["half"] == ("dev" if int(row["group"].removeprefix("F-")) % 2 else "held")
    dev, held = (Counter(r["kind"] for r in rows if r["half"] == h) for h in ("dev", "held"))
    assert dev == held == Counter(explicit=50, subtle=50, hard_negative=65, neutral=35)
