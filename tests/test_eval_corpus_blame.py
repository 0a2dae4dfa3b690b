"""bench/eval_corpus_blame.py and bench/sweep_blame_threshold.py: `--config` measures another
configuration (a bad one is a clear error, exit 2, before the long run), the corpus statistics
are counted, and the sweep's columns map raw probabilities to the calibrated `blame_threshold`."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _module(name: str):
    sys.path.insert(0, str(ROOT / "bench"))
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_a_missing_config_is_a_clear_error(tmp_path, capsys):
    ev = _module("eval_corpus_blame")
    assert ev.main(["--corpus", str(tmp_path), "--config", str(tmp_path / "nope.yaml")]) == 2
    assert "nope.yaml" in capsys.readouterr().err


def test_the_config_is_the_one_measured(tmp_path):
    ev = _module("eval_corpus_blame")
    docs = tmp_path / "corpus" / "documents"
    docs.mkdir(parents=True)
    (docs / "a.md").write_text("# Outage\n\n## Root cause\n\nThe root cause was human error during the failover.\n",
                               encoding="utf-8")
    quiet = tmp_path / "quiet.yaml"
    quiet.write_text("disable: [blame.*]\n", encoding="utf-8")
    from analyzer import load_config

    stats: dict = {}
    found = ev.blame_findings(tmp_path / "corpus", None, stats)
    assert any(f["rule"] == "blame.human-error" and f["path"] == "documents/a.md" for f in found)
    assert stats["documents"] == 1 and stats["sentences"] >= 1
    assert all("confidence" in f for f in found)
    assert ev.blame_findings(tmp_path / "corpus", load_config(quiet)) == []


def test_sweep_thresholds_map_raw_probabilities_to_the_calibrated_scale():
    sw = _module("sweep_blame_threshold")
    from analyzer import load_config
    from analyzer.judging.classifiers.combine import calibrated, prior_shift

    c = load_config()["classifiers"]
    factor = prior_shift(c["blame_training_rate"], c["blame_base_rate"])
    values = [sw.config_threshold(raw) for raw in (0.5, 0.7, 0.9, 0.95)]
    assert values == sorted(values)
    for raw, value in zip((0.5, 0.7, 0.9, 0.95), values):
        assert calibrated(raw, factor) >= value > calibrated(raw - 0.001, factor)


@pytest.mark.parametrize("finding, raw, expected", [
    ({"source": "classifier", "confidence": 0.91}, 0.9, True),
    ({"source": "classifier", "confidence": 0.89}, 0.9, False),
    ({"source": "rule", "confidence": None}, 0.9, True),
    ({"source": "both", "confidence": 0.55}, 0.9, True),  # a rule finding is never swept away
])
def test_sweep_drops_only_classifier_only_findings_under_the_threshold(finding, raw, expected):
    assert _module("sweep_blame_threshold").kept(finding, raw) is expected
