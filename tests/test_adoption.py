"""Adopting pmlint on an existing archive: `pmlint baseline`, `check --baseline` and
`check --diff-base`, on a small git repository each test creates; and the fingerprint they rely on."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from analyzer.cli import run
from analyzer.findings import ExitStatus
from analyzer.output.gitdiff import parse_diff

OLD = (
    "# Checkout outage\n\n"
    "## Summary\n"
    "The outage was caused by human error.\n\n"
    "## Root cause\n"
    "The deploy script accepted an empty target list and removed every instance.\n"
)
NEW_BLAME = "Afterwards the incident was put down to operator error.\n"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str) -> str:
    env_args = ["-c", "user.name=pmlint tests", "-c", "user.email=tests@example.invalid", "-c", "commit.gpgsign=false"]
    return subprocess.run(["git", *env_args, *args], cwd=repo, check=True, capture_output=True, text=True).stdout


@pytest.fixture()
def repo(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "repo"
    (root / "postmortems").mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    (root / "postmortems" / "checkout.md").write_text(OLD, encoding="utf-8")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "an old post-mortem")
    monkeypatch.chdir(root)
    return root


def check_json(capsys, *argv: str) -> tuple[ExitStatus, list[dict]]:
    status = run(["check", "--no-classifiers", "--format", "json", *argv])
    out = capsys.readouterr().out
    return status, json.loads(out)["reports"][0]["findings"]


def errors(findings: list[dict]) -> list[dict]:
    return [f for f in findings if f["severity"] == "error"]


def test_baseline_keeps_old_findings_quiet_and_fails_on_new_ones(repo, capsys):
    draft = repo / "postmortems" / "checkout.md"
    assert run(["check", "--no-classifiers", str(draft)]) == ExitStatus.FINDINGS  # the old finding fails today
    assert run(["baseline", "--no-classifiers", "postmortems", "--out", ".pmlint-baseline.json"]) == ExitStatus.OK
    recorded = json.loads((repo / ".pmlint-baseline.json").read_text(encoding="utf-8"))
    assert list(recorded["files"]) == ["postmortems/checkout.md"]
    capsys.readouterr()

    # unchanged: nothing new, nothing reported, exit 0
    status, findings = check_json(capsys, "--baseline", ".pmlint-baseline.json", "postmortems")
    assert status == ExitStatus.OK and findings == []

    # an edit above the old finding moves it down two lines: same fingerprint, still quiet
    draft.write_text(OLD.replace("## Summary\n", "## Summary\nCustomers could not pay for 40 minutes.\n\n"), encoding="utf-8")
    status, findings = check_json(capsys, "--baseline", ".pmlint-baseline.json", "postmortems")
    assert status == ExitStatus.OK and findings == []

    # a new blameful sentence: reported alone, and it fails
    draft.write_text(draft.read_text(encoding="utf-8") + "\n" + NEW_BLAME, encoding="utf-8")
    status, findings = check_json(capsys, "--baseline", ".pmlint-baseline.json", "postmortems")
    assert status == ExitStatus.FINDINGS
    assert [f["text"].lower() for f in errors(findings)] == ["operator error"]


def test_baseline_paths_do_not_depend_on_the_working_directory(repo, capsys, monkeypatch):
    assert run(["baseline", "--no-classifiers", "postmortems", "--out", ".pmlint-baseline.json"]) == ExitStatus.OK
    monkeypatch.chdir(repo / "postmortems")
    status, findings = check_json(capsys, "--baseline", "../.pmlint-baseline.json", "checkout.md")
    assert status == ExitStatus.OK and findings == []


def test_fingerprint_survives_edits_elsewhere_and_changes_with_the_sentence(general_analyzer):
    before = general_analyzer.analyze(OLD, path="a.md")
    moved = general_analyzer.analyze("Intro paragraph added later.\n\n" + OLD.replace("\n\n## Root", "\n\nMore text.\n\n## Root"), path="a.md")
    fp = {f.code: f.fingerprint for f in before.findings if f.code == "PM103"}
    fp_moved = {f.code: f.fingerprint for f in moved.findings if f.code == "PM103"}
    assert fp and fp == fp_moved
    assert next(f.line for f in moved.findings if f.code == "PM103") != next(f.line for f in before.findings if f.code == "PM103")
    reworded = general_analyzer.analyze(OLD.replace("The outage was caused", "This outage was caused"), path="a.md")
    assert next(f.fingerprint for f in reworded.findings if f.code == "PM103") != fp["PM103"]
    assert all(f.fingerprint for f in before.findings)
    assert len({f.fingerprint for f in before.findings}) == len(before.findings)  # unique within a file


def test_diff_base_reports_only_findings_on_changed_lines(repo, capsys):
    git(repo, "checkout", "-q", "-b", "change")
    draft = repo / "postmortems" / "checkout.md"
    status, findings = check_json(capsys, "--diff-base", "main", "postmortems")
    assert status == ExitStatus.OK and findings == []  # nothing changed yet
    draft.write_text(OLD + "\n" + NEW_BLAME, encoding="utf-8")
    git(repo, "commit", "-q", "-am", "a new paragraph")
    status, findings = check_json(capsys, "--diff-base", "main", "postmortems")
    assert status == ExitStatus.FINDINGS
    assert [f["text"].lower() for f in findings] == ["operator error"]
    # a new, untracked post-mortem: every line is new
    (repo / "postmortems" / "new.md").write_text(OLD, encoding="utf-8")
    status = run(["check", "--no-classifiers", "--format", "json", "--diff-base", "main", "postmortems/new.md"])
    report = json.loads(capsys.readouterr().out)["reports"][0]
    assert status == ExitStatus.FINDINGS and any(f["code"] == "PM103" for f in report["findings"])


def test_bad_baseline_or_ref_is_a_usage_error_before_the_pipeline_loads(repo, capsys, monkeypatch):
    import analyzer.engine

    monkeypatch.setattr(analyzer.engine, "load_analyzer", lambda *a, **k: pytest.fail("the pipeline must not load"))
    assert run(["check", "--baseline", "nope.json", "postmortems"]) == ExitStatus.USAGE
    assert "pmlint baseline" in capsys.readouterr().err
    (repo / "broken.json").write_text("{", encoding="utf-8")
    assert run(["check", "--baseline", "broken.json", "postmortems"]) == ExitStatus.USAGE
    assert "not a pmlint baseline" in capsys.readouterr().err
    assert run(["check", "--diff-base", "no-such-ref", "postmortems"]) == ExitStatus.USAGE
    assert "--diff-base" in capsys.readouterr().err


def test_parse_diff_reads_added_and_changed_lines():
    diff = (
        "diff --git a/x.md b/x.md\n--- a/x.md\n+++ b/x.md\n"
        "@@ -3,0 +4,2 @@\n+one\n+two\n@@ -10 +12 @@\n-old\n+new\n@@ -20,3 +23,0 @@\n-gone\n"
        "diff --git a/gone.md b/gone.md\n--- a/gone.md\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n"
    )
    assert parse_diff(diff) == {"x.md": {4, 5, 12}}
