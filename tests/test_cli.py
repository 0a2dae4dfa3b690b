"""`pmlint check`: exit codes, --fail-on, stdin, directories and every kind of bad input."""

from __future__ import annotations

import io
import json
import sys

import pytest

from analyzer.cli import run
from analyzer.findings import ExitStatus

CLEAN = "# Incident\n\n## Summary\nThe cache expired early because its TTL was set in seconds, not minutes.\n"
BLAMING = "# Incident\n\n## Summary\nThe outage was caused by human error.\n"


def check(*argv, capsys=None):
    status = run(["check", "--no-classifiers", *argv])
    out = capsys.readouterr() if capsys else None
    return status, out


@pytest.fixture()
def drafts(tmp_path):
    (tmp_path / "clean.md").write_text(CLEAN, encoding="utf-8")
    (tmp_path / "blaming.md").write_text(BLAMING, encoding="utf-8")
    return tmp_path


def test_exit_codes_follow_fail_on(drafts, capsys):
    assert check(str(drafts / "blaming.md"), capsys=capsys)[0] == ExitStatus.FINDINGS
    assert check(str(drafts / "blaming.md"), "--fail-on", "never", capsys=capsys)[0] == ExitStatus.OK
    assert check(str(drafts / "blaming.md"), "--no-fail", capsys=capsys)[0] == ExitStatus.OK
    # the clean draft still misses required sections (warnings): fails only at --fail-on warning
    assert check(str(drafts / "clean.md"), capsys=capsys)[0] == ExitStatus.OK
    assert check(str(drafts / "clean.md"), "--fail-on", "warning", capsys=capsys)[0] == ExitStatus.FINDINGS


def test_text_output_lines(drafts, capsys):
    status, out = check(str(drafts / "blaming.md"), "--format", "text", capsys=capsys)
    line = next(l for l in out.out.splitlines() if "PM103" in l)
    assert line.startswith(f"{drafts / 'blaming.md'}:4:")
    assert "error PM103" in line and line.endswith("[blame.human-error]")
    assert "\033[" not in out.out  # no colour when not a TTY


def test_directory_is_walked_recursively(drafts, capsys):
    sub = drafts / "nested"
    sub.mkdir()
    (sub / "third.markdown").write_text(CLEAN, encoding="utf-8")
    (sub / "ignored.py").write_text("print('not a draft')", encoding="utf-8")
    status, out = check(str(drafts), "--format", "json", capsys=capsys)
    paths = sorted(r["path"] for r in json.loads(out.out)["reports"])
    assert [p.rsplit("/", 1)[-1] for p in paths] == ["blaming.md", "clean.md", "third.markdown"]


def test_stdin(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(BLAMING.encode())))
    status, out = check("-", "--format", "jsonl", capsys=capsys)
    report = json.loads(out.out.splitlines()[0])
    assert report["path"] == "<stdin>"
    assert any(f["code"] == "PM103" for f in report["findings"])
    assert status == ExitStatus.FINDINGS


@pytest.mark.parametrize(
    "content,expected",
    [
        (b"", "empty file"),
        (b"   \n\n", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        (b"Impact: caf\xe9 closed\n", "not valid UTF-8 (byte 0xe9"),
    ],
    ids=["empty", "blank", "binary", "latin-1"],
)
def test_bad_input_is_reported_and_others_still_checked(tmp_path, capsys, content, expected):
    (tmp_path / "bad.md").write_bytes(content)
    (tmp_path / "good.md").write_text(BLAMING, encoding="utf-8")
    status, out = check(str(tmp_path / "bad.md"), str(tmp_path / "good.md"), "--format", "json", capsys=capsys)
    reports = {r["path"].rsplit("/", 1)[-1]: r for r in json.loads(out.out)["reports"]}
    assert expected in reports["bad.md"]["error"]
    assert any(f["code"] == "PM103" for f in reports["good.md"]["findings"])
    assert expected in out.err  # machine formats keep errors on stderr
    assert status == ExitStatus.USAGE


def test_utf8_bom_is_accepted(tmp_path, capsys):
    (tmp_path / "bom.md").write_bytes("\ufeff".encode() + BLAMING.encode())
    status, out = check(str(tmp_path / "bom.md"), "--format", "json", capsys=capsys)
    report = json.loads(out.out)["reports"][0]
    assert report["error"] is None
    finding = next(f for f in report["findings"] if f["code"] == "PM103")
    assert finding["line"] == 4 and finding["text"] == "human error"


def test_huge_file_gets_a_clear_message(tmp_path, capsys):
    big = tmp_path / "huge.md"
    big.write_text("# Log\n" + ("The cache expired early. " * 220_000), encoding="utf-8")  # ~5.5 MB
    status, out = check(str(big), capsys=capsys)
    assert "file too large" in out.err and "max_file_mb" in out.err  # errors go to stderr in every format
    assert "file too large" not in out.out
    assert status == ExitStatus.USAGE


def test_missing_path_and_empty_directory(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    status, out = check(str(tmp_path / "nope.md"), str(tmp_path / "empty"), capsys=capsys)
    assert "no such file or directory" in out.err
    assert "no drafts" in out.err
    assert "could not be analysed" in out.out  # the summary counts them
    assert status == ExitStatus.USAGE


def test_broken_config_is_a_usage_error(tmp_path, capsys):
    (tmp_path / ".pmlint.yaml").write_text("profile: [unclosed\n", encoding="utf-8")
    (tmp_path / "d.md").write_text(CLEAN, encoding="utf-8")
    status, out = check(str(tmp_path / "d.md"), capsys=capsys)
    assert status == ExitStatus.USAGE
    assert ".pmlint.yaml" in out.err and "not valid YAML" in out.err
    assert "Traceback" not in out.err


def test_unknown_config_key_names_key_and_file(tmp_path, capsys):
    cfg = tmp_path / "custom.yaml"
    cfg.write_text("fail_onn: warning\n", encoding="utf-8")
    (tmp_path / "d.md").write_text(CLEAN, encoding="utf-8")
    status, out = check(str(tmp_path / "d.md"), "--config", str(cfg), capsys=capsys)
    assert status == ExitStatus.USAGE
    assert "fail_onn" in out.err and "custom.yaml" in out.err


def test_disable_by_prefix_and_code(drafts, capsys):
    status, out = check(str(drafts / "blaming.md"), "--disable", "blame.*", "--format", "json", capsys=capsys)
    codes = {f["code"] for f in json.loads(out.out)["reports"][0]["findings"]}
    assert not any(c.startswith("PM1") for c in codes)
    assert status == ExitStatus.OK
    status, out = check(str(drafts / "blaming.md"), "--disable", "PM103,PM301", "--format", "json", capsys=capsys)
    codes = {f["code"] for f in json.loads(out.out)["reports"][0]["findings"]}
    assert "PM103" not in codes and "PM301" not in codes


def test_unknown_rule_selector_is_rejected(drafts, capsys):
    status, out = check(str(drafts / "clean.md"), "--disable", "blaem.*", capsys=capsys)
    assert status == ExitStatus.USAGE and "blaem.*" in out.err


def test_missing_base_model_names_the_pip_command(drafts, capsys):
    status, out = check(str(drafts / "clean.md"), "--base-model", "en_core_web_xx_missing", capsys=capsys)
    assert status == ExitStatus.USAGE
    assert "pip install" in out.err and "Traceback" not in out.err


def test_usage_errors(capsys):
    assert run([]) == ExitStatus.USAGE
    assert run(["check"]) == ExitStatus.USAGE
    assert run(["check", "x.md", "--format", "xml"]) == ExitStatus.USAGE


def test_config_dump_and_rules_listing(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.pmlint]\nprofile = "ai"\nsystems = ["Jarvis"]\n', encoding="utf-8")
    assert run(["config", "--dump"]) == ExitStatus.OK
    out = capsys.readouterr().out
    assert "profile: ai" in out and "Jarvis" in out and "pyproject.toml" in out
    assert run(["rules"]) == ExitStatus.OK
    assert "PM101" in capsys.readouterr().out


def test_python_dash_m(tmp_path):
    import subprocess

    (tmp_path / "d.md").write_text(BLAMING, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "analyzer", "check", "--no-classifiers", "--format", "json", str(tmp_path / "d.md")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["version"] == 1


# ------------------------------------------------------------------ answers before the pipeline loads

@pytest.fixture()
def no_pipeline(monkeypatch):
    """Fails the test if anything loads the spaCy pipeline."""
    import analyzer.engine

    monkeypatch.setattr(analyzer.engine, "load_analyzer", lambda *a, **k: pytest.fail("the pipeline must not load"))


@pytest.mark.parametrize("name, content, message", [
    ("empty.md", b"  \n", "empty file"),
    ("binary.md", b"\x00\x01\x02abc", "binary file"),
    ("draft.docx", b"PK\x03\x04 word", "export the draft as Markdown"),
    ("draft.pdf", b"%PDF-1.7", "a PDF"),
])
def test_bad_inputs_answer_without_loading_the_pipeline(tmp_path, capsys, no_pipeline, name, content, message):
    (tmp_path / name).write_bytes(content)
    status = run(["check", str(tmp_path / name), str(tmp_path / "missing.md")])
    captured = capsys.readouterr()
    assert status == ExitStatus.USAGE
    assert message in captured.err and "no such file" in captured.err
    assert message not in captured.out


def test_bad_option_and_config_answer_without_loading_the_pipeline(tmp_path, capsys, no_pipeline):
    (tmp_path / "d.md").write_text(CLEAN, encoding="utf-8")
    assert run(["check", "--format", "xml", str(tmp_path / "d.md")]) == ExitStatus.USAGE
    (tmp_path / "bad.yaml").write_text("profile: sometimes\n", encoding="utf-8")
    assert run(["check", "--config", str(tmp_path / "bad.yaml"), str(tmp_path / "d.md")]) == ExitStatus.USAGE


def test_missing_base_model_names_a_command_that_installs_it(tmp_path, capsys, no_pipeline):
    (tmp_path / "d.md").write_text(CLEAN, encoding="utf-8")
    assert run(["check", "--base-model", "fr_core_news_lg", str(tmp_path / "d.md")]) == ExitStatus.USAGE
    err = capsys.readouterr().err
    assert "python -m spacy download fr_core_news_lg" in err
    assert "releases/download/fr_core_news_lg-3.8.0/fr_core_news_lg-3.8.0-py3-none-any.whl" in err
    assert "pip install fr-core-news-lg" not in err  # not on the package index


def test_html_export_is_read_as_text(tmp_path, capsys):
    page = "<html><body><h1>Outage</h1><h2>Summary</h2><p>The outage was caused by human error.</p></body></html>"
    (tmp_path / "export.html").write_text(page, encoding="utf-8")
    status, out = check(str(tmp_path / "export.html"), "--format", "json", capsys=capsys)
    report = json.loads(out.out)["reports"][0]
    assert report["error"] is None and any(f["code"] == "PM103" for f in report["findings"])


def test_rules_is_a_table_in_code_order(capsys):
    assert run(["rules"]) == ExitStatus.OK
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["CODE", "STATE", "SEVERITY", "RULE", "DESCRIPTION"]
    codes = [line.split()[0] for line in lines[1:]]
    assert codes == sorted(codes) and "PM101" in codes
    row = next(line for line in lines if line.startswith("PM103"))
    assert "error" in row.split() and "human error" in row


def test_every_rule_has_a_one_line_summary():
    from analyzer.judging.rules import default_rules

    for rule in default_rules():
        assert rule.summary and "\n" not in rule.summary, rule.code


def test_train_outside_a_checkout_says_it_needs_the_repository_data(tmp_path, capsys, monkeypatch):
    import analyzer.training.data

    monkeypatch.setattr(analyzer.training.data, "default_data_dir", lambda: tmp_path / "data")
    monkeypatch.setattr("analyzer.training.train.make_nlp", lambda *a, **k: pytest.fail("must not load spaCy"))
    assert run(["train", "--out", str(tmp_path / "models")]) == ExitStatus.USAGE
    err = capsys.readouterr().err
    assert "repository's data/" in err and "--data" in err and "checkout" in err
    assert not (tmp_path / "models").exists()
    assert run(["evaluate", "--data", str(tmp_path)]) == ExitStatus.USAGE
    assert "no training data" in capsys.readouterr().err


def test_train_in_an_installed_package_needs_an_explicit_out(tmp_path, capsys, monkeypatch):
    from analyzer.cli import training

    (tmp_path / "blame").mkdir()
    (tmp_path / "actions").mkdir()
    for task in ("blame", "actions"):
        (tmp_path / task / "x.jsonl").write_text('{"text": "a", "label": "blame"}\n', encoding="utf-8")
    monkeypatch.setattr(training, "in_checkout", lambda: False)
    monkeypatch.setattr("analyzer.training.train.make_nlp", lambda *a, **k: pytest.fail("must not load spaCy"))
    assert run(["train", "--data", str(tmp_path)]) == ExitStatus.USAGE
    assert "--out DIR" in capsys.readouterr().err
