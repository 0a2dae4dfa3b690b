"""The Streamlit app through AppTest (`streamlit.testing.v1`), and the `pmlint app` command.

Most tests patch the analyzer loader with a fake that returns a canned Report (fast, and the
assertions do not depend on the rules); `test_example_draft_with_the_real_engine` and the real
archive test run the real pipeline. Widgets are found by key.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace
from unittest.mock import patch

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from analyzer.app import archive_view, state
from analyzer.cli import run
from analyzer.findings import ExitStatus, Finding, Report, SectionHit, Severity
from analyzer.judging.rules import default_rules
from analyzer.nlp.sections import CANONICAL_SECTIONS

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
EXAMPLE = ROOT / "examples" / "problematic-llm-support-bot.md"

DRAFT = "# Checkout outage\n\n## Summary\nKevin pushed the bad config without review. It was human error.\n"
REWRITE = "The bad config was pushed without review, and nothing in the process stopped it. Which check was missing?"


# ------------------------------------------------------------------ fakes

def fake_report(text: str, path: str = "draft.md") -> Report:
    """A canned Report for any text: a blame finding on "Kevin pushed the bad config" when the
    text has it, one on every "<script" (to test escaping), and the general profile's sections."""
    findings = []
    template = next(r for r in default_rules() if r.name == "blame.named-individual").suggestion
    for span, rule, code, sev, suggestion in (
        ("Kevin pushed the bad config", "blame.named-individual", "PM101", Severity.WARNING, template.replace("{rewrite}", REWRITE)),
        ("human error", "blame.human-error", "PM103", Severity.ERROR, "Ask what made the action possible."),
        ("<script", "blame.judgement", "PM104", Severity.ERROR, "<b>not bold</b>"),
    ):
        start = text.find(span)
        if start >= 0:
            findings.append(Finding(rule=rule, code=code, severity=sev, message=f"{rule}: <i>{span}</i>", start=start,
                                    end=start + len(span), line=text.count("\n", 0, start) + 1, column=1, text=span,
                                    suggestion=suggestion, section="summary", explanation=f'matched "{span}"'))
    findings.append(Finding(rule="section.missing", code="PM301", severity=Severity.WARNING,
                            message='Required section "Impact" is missing.', start=0, end=0, section="impact",
                            suggestion="## Impact\n"))
    sections = {name: None for name in CANONICAL_SECTIONS}
    if "## Summary" in text:
        sections["summary"] = SectionHit("Summary", text[: text.index("## Summary")].count("\n") + 1)
    return Report(path=path, score=64, ai_incident=False, sections=sections, findings=tuple(findings),
                  stats={"words": len(text.split())}, profile="general")


class FakeAnalyzer:
    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.calls = 0

    def analyze(self, text: str, *, path: str | None = None) -> Report:
        self.calls += 1
        if self.error:
            raise self.error
        return fake_report(text, path or "draft.md")


@pytest.fixture(autouse=True)
def app_env(tmp_path, monkeypatch):
    """Fresh Streamlit caches, and a configuration whose archive root is this test's folder."""
    st.cache_data.clear()
    st.cache_resource.clear()
    config = tmp_path / "pmlint.yaml"
    config.write_text(f"app:\n  archive_root: {tmp_path}\n  max_upload_mb: 1\n", encoding="utf-8")
    monkeypatch.setenv(state.CONFIG_ENV, str(config))
    monkeypatch.chdir(ROOT)
    yield tmp_path
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture()
def fake():
    analyzer = FakeAnalyzer()
    with patch("analyzer.app.state.load_analyzer", return_value=analyzer):
        yield analyzer


def start(timeout: float = 30) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=timeout).run()
    assert not at.exception
    return at


def html_of(at: AppTest) -> str:
    return "\n".join(h.value for h in at.html)


def markdown_of(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


# ------------------------------------------------------------------ draft page

def test_empty_page_invites_a_draft(fake):
    at = start()
    assert "Paste a draft above" in at.info[0].value
    assert fake.calls == 0


def test_paste_a_draft_shows_findings_checklist_and_score(fake):
    at = start()
    at.text_area(key="draft_text").input(DRAFT).run()
    assert not at.exception
    assert metric(at, "Score") == "64/100"
    assert metric(at, "Errors") == "1" and metric(at, "Warnings") == "2"
    assert metric(at, "Missing sections") == "4"  # general profile: impact, timeline, root cause, action items
    assert "What would raise it most" in markdown_of(at)
    page = html_of(at)
    assert '<mark class="pm pm-blame pm-sev-warning" title="1: blame.named-individual: &lt;i&gt;' in page
    assert ">Kevin pushed the bad config</mark>" in page
    assert "Suggested rewrite" in page and "Which check was missing?" in page
    checklist = markdown_of(at)
    assert "✓ Summary" in checklist and "✗ Impact" in checklist and "✗ Action items" in checklist
    assert any(c.value.startswith("## Impact") for c in at.code)
    assert at.download_button(key="download_md").label == "Download report (Markdown)"
    assert at.download_button(key="download_json").label == "Download report (JSON)"


def test_results_are_cached_per_text(fake):
    at = start()
    at.text_area(key="draft_text").input(DRAFT).run()
    at.button(key="review").click().run()
    at.button(key="review").click().run()
    assert fake.calls == 1
    at.text_area(key="draft_text").input(DRAFT + "\nMore.\n").run()
    assert fake.calls == 2


def test_user_text_is_never_rendered_as_html(fake):
    hostile = DRAFT + '\n<script>alert("x")</script> <img src=x onerror="alert(1)"> <b>bold?</b>\n'
    at = start()
    at.text_area(key="draft_text").input(hostile).run()
    assert not at.exception
    page = html_of(at)
    assert "<script" not in page and "<img" not in page and "<b>bold?" not in page and "<i>" not in page
    assert "&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &lt;b&gt;bold?&lt;/b&gt;" in page
    assert '<mark class="pm pm-blame pm-sev-error"' in page  # the finding on "<script" is highlighted, escaped


def test_errors_show_a_friendly_message_not_a_traceback():
    with patch("analyzer.app.state.load_analyzer", return_value=FakeAnalyzer(RuntimeError("boom at engine.py:12"))):
        at = start()
        at.text_area(key="draft_text").input(DRAFT).run()
    assert not at.exception
    assert "Something went wrong while preparing the review (RuntimeError)" in at.error[0].value
    assert "engine.py" not in at.error[0].value


def test_a_broken_configuration_is_reported(app_env, monkeypatch):
    bad = app_env / "bad.yaml"
    bad.write_text("profile: sometimes\n", encoding="utf-8")
    monkeypatch.setenv(state.CONFIG_ENV, str(bad))
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert "pmlint cannot start with this configuration" in at.error[0].value and "profile" in at.error[0].value


def test_example_draft_with_the_real_engine():
    at = start(timeout=60)
    at.button(key="load_example").click().run()
    assert not at.exception
    assert at.text_area(key="draft_text").value == EXAMPLE.read_text(encoding="utf-8")
    page = html_of(at)
    assert '<mark class="pm pm-blame' in page
    assert "Kevin, who pushed the broken prompt template</mark>" in page
    assert "Model metadata" in page  # the missing-sections banner over the draft
    checklist = markdown_of(at)
    assert "✗ Model metadata" in checklist and "✓ Summary" in checklist
    assert any(c.value.startswith("## Model metadata") for c in at.code)
    assert 0 <= int(metric(at, "Score").split("/")[0]) < 50
    assert metric(at, "Missing sections") == "4"  # impact and the three AI/ML sections
    # the profile toggle overrides the detected AI/ML profile
    at.radio(key="profile").set_value("general").run()
    assert not at.exception
    assert "Model metadata" not in markdown_of(at) and "✗ Impact" in markdown_of(at)
    assert metric(at, "Missing sections") == "1"


def test_upload_a_draft(fake):
    at = start()
    at.file_uploader(key="draft_upload").set_value(("incident.md", DRAFT.encode(), "text/markdown")).run()
    assert not at.exception and not at.error
    assert at.text_area(key="draft_text").value == DRAFT
    assert "Loaded “incident.md”" in at.caption[0].value or any("incident.md" in c.value for c in at.caption)
    assert metric(at, "Score") == "64/100"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("incident.pdf", b"%PDF-1.4 binary", "pmlint reads Markdown (.md, .markdown) and plain text (.txt)"),
        ("big.md", b"# x\n" + b"word " * 230_000, "drafts up to 1 MB"),
        ("binary.md", b"\x00\x01\x02\x03 not text", "binary file"),
    ],
)
def test_upload_rejects_other_files_with_a_clear_message(fake, name, data, message):
    at = start()
    at.file_uploader(key="draft_upload").set_value((name, data, "application/octet-stream")).run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    if name.endswith(".pdf") and not errors:
        pytest.skip("this Streamlit version drops files of a disallowed type before the app sees them")
    assert message in errors
    assert not at.text_area(key="draft_text").value
    assert fake.calls == 0


def test_accept_a_rewrite_and_review_the_fixed_draft(fake):
    at = start()
    at.text_area(key="draft_text").input(DRAFT).run()
    key = next(c.key for c in at.checkbox if c.key.startswith("rw_accept_PM101"))
    at.checkbox(key=key).check().run()
    assert not at.exception
    draft = at.text_area(key="draft_text").value
    fixed = draft.replace("Kevin pushed the bad config without review.", REWRITE.split(" Which")[0])
    assert fixed != draft
    assert any(c.value.rstrip() == fixed.rstrip() for c in at.code)  # st.code drops the final newline
    assert "Then answer in the draft" in " ".join(c.value for c in at.caption)
    at.button(key="review_fixed").click().run()
    assert at.text_area(key="draft_text").value == fixed
    assert "Reviewing the fixed draft (1 rewrite(s) applied)." in " ".join(c.value for c in at.caption)


def test_edited_rewrite_wording_is_used(fake):
    at = start()
    at.text_area(key="draft_text").input(DRAFT).run()
    key = next(c.key for c in at.checkbox if c.key.startswith("rw_accept_PM101")).replace("rw_accept_", "")
    at.text_area(key=f"rw_text_{key}").input("The config shipped with no review gate.").run()
    at.checkbox(key=f"rw_accept_{key}").check().run()
    assert any("The config shipped with no review gate. It was human error." in c.value for c in at.code)


def test_similar_incidents_when_an_archive_is_set(fake, app_env):
    (app_env / "archive").mkdir()
    neighbour = SimpleNamespace(path=str(app_env / "archive" / "a.md"), title="Config pushed *without* review",
                                score=0.83, shared_phrases=["config push", "no review"])
    placement = SimpleNamespace(cause_class="change_without_staged_rollout", confidence=0.61,
                                label="change pushed everywhere at once: config push (missing: staged rollout)")
    with patch("analyzer.archive.similar.similar_with_placement", return_value=(placement, [neighbour])) as similar:
        at = start()
        at.text_input(key="archive_path").set_value("archive").run()
        at.text_area(key="draft_text").input(DRAFT).run()
    assert not at.exception
    assert similar.call_args.kwargs["root"] == str((app_env / "archive").resolve())
    page = markdown_of(at)
    assert "Config pushed \\*without\\* review" in page and "similarity 0.83" in page
    assert "confidence 0\\.61" in page and "joins" in page


def test_archive_folder_outside_the_root_is_refused(fake):
    at = start()
    at.text_input(key="archive_path").set_value("/").run()
    assert not at.exception
    assert "outside the archive root" in at.sidebar.warning[0].value


# ------------------------------------------------------------------ archive page

def _stub_archive(folder: Path):
    paths = [str(folder / f"{i}.md") for i in range(3)]
    for p in paths:
        Path(p).write_text(DRAFT, encoding="utf-8")
    reports = {p: fake_report(DRAFT, p) for p in paths}
    rows = [{"path": p, "title": f"Incident {i}", "date": f"2024-0{i + 1}-15", "score": 60 + 10 * i, "ai_incident": False,
             "blame": 2, "action": i, "section": 4, "timeline": 0, "whys": 0, "missing_sections": ["impact", "timeline"],
             "error": None} for i, p in enumerate(paths)]
    scored = SimpleNamespace(rows=rows, reports=reports, analysed=3, reused=0, failed=0)
    cluster = SimpleNamespace(id=0, label="config pushed without review", size=3, paths=paths,
                              representatives=[{"path": paths[1], "title": "Incident 1"}], start="2024-01", end="2024-03",
                              per_period={"2024": 3}, missing_guardrail="review gate", key_phrases=["config push"])
    calls = []

    def score_archive(root, *, config=None, progress=None, **kw):
        calls.append(root)
        for i in range(4):
            progress(i, 3)
        return scored

    return score_archive, (lambda root, *, config=None, **kw: SimpleNamespace(clusters=[cluster])), calls


def test_archive_page_with_stub_modules(app_env):
    folder = app_env / "archive"
    folder.mkdir()
    score_archive, cluster_archive, calls = _stub_archive(folder)
    with patch("analyzer.app.archive_view.archive_modules", return_value=(score_archive, cluster_archive)):
        at = start()
        at.radio(key="page").set_value("archive").run()
        at.text_input(key="archive_path").set_value("archive").run()
        at.button(key="archive_run").click().run()
        assert not at.exception, at.exception
        assert calls == [folder.resolve()]
        assert metric(at, "Documents") == "3" and metric(at, "Median score") == "70"
        table = at.dataframe[0].value
        assert list(table["title"]) == ["Incident 0", "Incident 1", "Incident 2"]
        assert table["missing_sections"][0] == "Impact, Timeline"
        assert [e.label for e in at.expander][0] == "config pushed without review — 3 incidents"
        at.button(key="open_0_0").click().run()
        assert not at.exception
        assert at.selectbox(key="archive_open").value == str(folder / "1.md")
        assert ">Kevin pushed the bad config</mark>" in html_of(at)


def test_archive_page_without_the_archive_modules(fake):
    with patch("analyzer.app.archive_view.archive_modules", return_value=None):
        at = start()
        at.radio(key="page").set_value("archive").run()
    assert not at.exception
    assert "needs pmlint's archive modules" in at.info[0].value


def test_archive_page_on_a_small_folder(app_env):
    if archive_view.archive_modules() is None:
        pytest.skip("analyzer.archive.scoring / analyzer.clustering are not importable in this tree")
    folder = app_env / "postmortems"
    folder.mkdir()
    for f in (ROOT / "examples").glob("*.md"):
        (folder / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "2024-05-02-db-failover.md").write_text(
        "# Database failover\n\n## Summary\nThe primary database failed over during a config push. "
        "The on-call ignored the replication alert.\n\n## Root cause\nThe config push had no canary.\n",
        encoding="utf-8",
    )
    at = start(timeout=120)
    at.radio(key="page").set_value("archive").run()
    at.text_input(key="archive_path").set_value("postmortems").run()
    at.button(key="archive_run").click().run()
    assert not at.exception, at.exception
    written = len(list(folder.glob("*.md")))  # the bundled examples and one more draft
    assert metric(at, "Documents") == str(written)
    table = at.dataframe[0].value
    assert len(table) == written and table["score"].between(0, 100).all()
    worst = table.sort_values("score").iloc[0]
    assert "problematic" in worst["path"]
    at.selectbox(key="archive_open").set_value(worst["path"]).run()
    assert not at.exception
    assert '<mark class="pm pm-blame' in html_of(at)


def test_learning_page_on_a_small_folder(app_env):
    """The Learning page on a real folder: summary, overdue list, causes, and a click-through."""
    folder = app_env / "learn"
    folder.mkdir()
    (folder / "2024-03-01-cert.md").write_text(
        "---\ntitle: Certificate expired\ndate: 2024-03-01\n---\n# Summary\nThe API certificate expired.\n\n"
        "## Root cause\nThe certificate was renewed by hand and nothing alerted before expiry.\n\n"
        "## Action items\n- Automate renewal OPS-1\n", encoding="utf-8")
    (folder / "2024-05-01-cert.md").write_text(
        "---\ntitle: Certificate expired again\ndate: 2024-05-01\n---\n# Summary\nThe CA certificate expired.\n\n"
        "## Root cause\nThe certificate was renewed by hand and no alert fired before expiry.\n", encoding="utf-8")
    (folder / "2024-06-01-cert.md").write_text(  # a cause recurs from its third incident on
        "---\ntitle: Certificate expired a third time\ndate: 2024-06-01\n---\n# Summary\nThe VPN certificate expired.\n\n"
        "## Root cause\nThe certificate was renewed by hand and no expiry alert existed.\n", encoding="utf-8")
    at = start(timeout=120)
    at.radio(key="page").set_value("learning").run()
    at.text_input(key="archive_path").set_value("learn").run()
    at.button(key="learning_run").click().run()
    assert not at.exception, at.exception
    assert metric(at, "Incidents") == "3"
    assert any("No action item is overdue" in s.value for s in at.success)
    assert at.expander, "the recurring causes are listed"
    at.selectbox(key="learning_open").set_value(str(folder / "2024-03-01-cert.md")).run()
    assert not at.exception, at.exception
    assert "Certificate expired" in html_of(at) or "certificate expired" in html_of(at).lower()


# ------------------------------------------------------------------ pmlint app

def test_pmlint_app_runs_streamlit_on_the_packaged_app(app_env, monkeypatch):
    seen = {}

    class FakePopen:
        def __init__(self, cmd, env):
            seen["cmd"], seen["env"] = cmd, env
            seen["launcher"] = Path(cmd[4]).read_text(encoding="utf-8")

        def wait(self, timeout=None):
            return 0

    monkeypatch.setattr(subprocess, "Popen", FakePopen)
    config = app_env / "pmlint.yaml"
    assert run(["app", "--headless", "--port", "8123", "--config", str(config)]) == ExitStatus.OK
    cmd = seen["cmd"]
    assert cmd[1:4] == ["-m", "streamlit", "run"]
    assert "from analyzer.app.main import main" in seen["launcher"]
    assert not Path(cmd[4]).parent.samefile(ROOT / "analyzer") if Path(cmd[4]).exists() else True
    opts = dict(zip(cmd[5::2], cmd[6::2]))
    assert opts["--server.port"] == "8123" and opts["--server.headless"] == "true"
    assert opts["--browser.gatherUsageStats"] == "false" and opts["--server.maxUploadSize"] == "2"  # 1 MiB in Streamlit's 10^6-byte MB
    assert opts["--client.showErrorDetails"] in ("none", "false")  # never a traceback in the browser
    assert seen["env"][state.CONFIG_ENV] == str(config.resolve())


def test_pmlint_app_refuses_a_broken_configuration(app_env, monkeypatch, capsys):
    bad = app_env / "bad.yaml"
    bad.write_text("nonsense_key: 1\n", encoding="utf-8")
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: pytest.fail("streamlit must not start"))
    assert run(["app", "--config", str(bad)]) == ExitStatus.USAGE
    assert "nonsense_key" in capsys.readouterr().err


def test_pmlint_app_passes_streamlit_options_through(app_env, monkeypatch):
    seen = {}

    class FakePopen:
        def __init__(self, cmd, env):
            seen["cmd"] = cmd

        def wait(self, timeout=None):
            return 0

    monkeypatch.setattr(subprocess, "Popen", FakePopen)
    argv = ["app", "--server.port", "8611", "--server.headless", "true", "--browser.serverAddress=example.test",
            "--config", str(app_env / "pmlint.yaml")]
    assert run(argv) == ExitStatus.OK
    cmd = seen["cmd"]
    opts = dict(zip(cmd[5::2], cmd[6::2]))
    assert len(cmd[5:]) == 2 * len(opts)  # each option once: the user's value replaces the default
    assert opts["--server.port"] == "8611" and opts["--server.headless"] == "true"
    assert opts["--browser.serverAddress"] == "example.test"
    assert opts["--server.address"] == "localhost" and opts["--browser.gatherUsageStats"] == "false"


@pytest.mark.parametrize("argv, hint", [
    (["app", "--bogus"], "--server.port 8611"),
    (["app", "--server.port"], "needs a value"),
    (["app", "--colour.x", "1"], "unrecognised"),
])
def test_pmlint_app_explains_options_it_does_not_know(argv, hint, monkeypatch, capsys):
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: pytest.fail("streamlit must not start"))
    assert run(argv) == ExitStatus.USAGE
    assert hint in capsys.readouterr().err


def test_pmlint_app_without_the_extra_says_how_to_install_it(monkeypatch, capsys):
    from analyzer.cli import app as app_cli

    monkeypatch.setattr(app_cli, "missing_app_libraries", lambda: ["streamlit", "altair"])
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: pytest.fail("streamlit must not start"))
    assert run(["app"]) == ExitStatus.USAGE
    assert 'pip install "pmlint[app]"' in capsys.readouterr().err


def test_checkout_streamlit_config_keeps_statistics_off_and_localhost():
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["address"] == "localhost"


@pytest.mark.slow
def test_pmlint_app_serves_the_app(app_env, free_port, wait_healthy):
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "analyzer", "app", "--headless", "--port", str(port), "--address", "127.0.0.1"],
        cwd=app_env, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc)
        with urllib.request.urlopen(f"{url}/", timeout=5) as r:
            assert r.status == 200 and b"<div id=\"root\">" in r.read()
        # SIGTERM to `pmlint app` stops Streamlit as well: the port is free again
        proc.terminate()
        assert proc.wait(timeout=20) == ExitStatus.OK
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
            except OSError:
                break
            time.sleep(0.3)
        else:
            raise AssertionError("streamlit kept running after pmlint app was stopped")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # this test's own process group: nothing survives it
        proc.wait(timeout=5)
