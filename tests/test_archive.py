"""Batch scoring: discovery, facts, the store (incremental, interruption, concurrency), outputs, CLI."""

from __future__ import annotations

import csv
import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analyzer.archive.discovery import discover
from analyzer.archive.scoring import ScoreInterrupted, score_archive
from analyzer.archive.store import ArchiveStore, StoreError, model_version
from analyzer.output.rows import write_rows
from analyzer.reading.describe import describe, find_date, path_date
from analyzer.cli import run
from analyzer.config import load_config
from analyzer.findings import ExitStatus, Report
from analyzer.reading.html import html_to_text

FAST = {"classifiers": {"enabled": False}}

HTML = """<html><head><title>Queue backlog</title><style>p {color: red}</style></head><body>
<nav>Home | Wiki</nav><h2>Summary</h2><p>Orders were delayed for two hours.</p>
<h2>Root cause</h2><p>The consumer autoscaling was disabled during a migration &amp; never re-enabled.</p>
<ul><li>No alert on queue depth</li><li>No runbook</li></ul>
<table><tr><th>time</th><th>event</th></tr><tr><td>10:00</td><td>backlog starts</td></tr></table>
<script>var x = 1;</script></body></html>"""


@pytest.fixture()
def archive(tmp_path: Path, examples_dir: Path) -> Path:
    """The project's examples plus an HTML export, a nested draft and three bad files."""
    root = tmp_path / "archive"
    # the three incident examples (the counts below are theirs; the near-miss example is tested in test_followup)
    shutil.copytree(examples_dir, root, ignore=shutil.ignore_patterns("near-miss-*"))
    (root / "exports").mkdir()
    (root / "exports" / "queue.html").write_text(HTML, encoding="utf-8")
    (root / "2021-07").mkdir()
    (root / "2021-07" / "dns.md").write_text(
        "# DNS outage\n\n## Root cause\n\nA resolver config change was not validated.\n", encoding="utf-8")
    (root / "binary.md").write_bytes(b"\x00\x01\x02 not text")
    (root / "empty.txt").write_text("", encoding="utf-8")
    (root / "latin1.md").write_bytes("Caf\xe9 outage".encode("latin-1"))
    (root / "notes.pdf").write_bytes(b"%PDF-1.4")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD.md").write_text("ref", encoding="utf-8")
    return root


def _config(**extra):
    return load_config(overrides={**FAST, **extra})


# ----------------------------------------------------------------- discovery and facts

def test_discover_applies_globs_and_prunes_excluded_folders(archive: Path):
    files, skipped = discover(archive, ["**/*.md", "**/*.txt", "**/*.html"], ["**/.git/**", "**/empty.txt"])
    rel = [f.relative_to(archive).as_posix() for f in files]
    assert rel == sorted(rel)
    assert "exports/queue.html" in rel and "2021-07/dns.md" in rel
    assert ".git/HEAD.md" not in rel and "empty.txt" not in rel
    assert skipped == 2  # notes.pdf and empty.txt; .git is not descended into


def test_html_export_becomes_markdown():
    text = html_to_text(HTML)
    assert text.startswith("# Queue backlog\n")
    assert "## Root cause" in text and "migration & never" in text
    assert "- No alert on queue depth" in text and "| 10:00 | backlog starts |" in text
    assert "color" not in text and "var x" not in text and "Home | Wiki" not in text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Started 2021-05-12 at 10:00", "2021-05-12"),
        ("On 3rd March 2020 the API failed", "2020-03-03"),
        ("On Jan. 5, 2019 the API failed", "2019-01-05"),
        ("In May 2018 we saw", "2018-05"),
        ("Deployed v2.3.1 to 12 hosts", None),
    ],
)
def test_find_date(text, expected):
    assert find_date(text) == expected


def test_title_and_date_from_front_matter_then_text_then_path():
    assert describe("---\ntitle: Cert expiry\ndate: 2022-01-03\n---\n# Other\nOn 2020-01-01\n") == ("Cert expiry", "2022-01-03")
    assert describe("# Cache stampede\n\nOn 14 July 2023 the cache emptied.\n") == ("Cache stampede", "2023-07-14")
    assert describe("no heading, no date\n") == (None, None)
    assert path_date("pm/2021-07/dns.md") == "2021-07"
    assert path_date("PM2019-11-29-network.md") == "2019-11-29"


def test_model_version_names_pmlint_and_the_base_model():
    version = model_version(load_config())
    assert version.startswith("pmlint-") and "en_core_web_sm" in version and "models-" in version


# ----------------------------------------------------------------- scoring

def test_score_archive_rows_failures_and_incremental_rerun(archive: Path, tmp_path: Path):
    store = tmp_path / "store.sqlite"
    calls: list[tuple[int, int]] = []
    first = score_archive(archive, config=_config(), store=store, jobs=1, progress=lambda d, t: calls.append((d, t)))
    by_name = {Path(r["path"]).name: r for r in first.rows}
    assert first.analysed == 5 and first.reused == 0 and first.failed == 3 and first.skipped == 1
    assert calls[-1] == (8, 8) and all(d <= t for d, t in calls)
    assert "binary" in by_name["binary.md"]["error"] and "empty" in by_name["empty.txt"]["error"]
    assert "UTF-8" in by_name["latin1.md"]["error"] and by_name["latin1.md"]["score"] is None
    queue = by_name["queue.html"]
    assert queue["title"] == "Queue backlog" and queue["error"] is None and 0 <= queue["score"] <= 100
    assert by_name["dns.md"]["date"] == "2021-07"  # from the path
    bot = by_name["problematic-llm-support-bot.md"]
    assert bot["blame"] > 0 and bot["ai_incident"] is True and "model_metadata" in bot["missing_sections"]
    assert set(first.reports) == {r["path"] for r in first.rows}

    again = score_archive(archive, config=_config(), store=store, jobs=1)
    assert (again.analysed, again.reused, again.failed) == (0, 5, 3)
    assert again.rows == first.rows

    (archive / "2021-07" / "dns.md").write_text("# DNS outage\n\n## Root cause\n\nA resolver change.\n", encoding="utf-8")
    (archive / "copy.md").write_text((archive / "infra-certificate-expiry.md").read_text(encoding="utf-8"), encoding="utf-8")
    third = score_archive(archive, config=_config(), store=store, jobs=1)
    assert (third.analysed, third.reused) == (1, 5)  # the copy is reused by content; dns.md changed

    other = score_archive(archive, config=_config(profile="ai"), store=store, jobs=1)
    assert other.reused == 0  # another configuration is another key


def test_interrupted_run_loses_nothing_and_redoes_nothing(archive: Path, tmp_path: Path):
    store = tmp_path / "store.sqlite"
    for i in range(10):
        (archive / f"extra-{i}.md").write_text(f"# Incident {i}\n\n## Root cause\n\nDisk {i} filled up.\n", encoding="utf-8")
    seen = []

    def stop_after_first_batch(done: int, total: int) -> None:
        seen.append(done)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(ScoreInterrupted) as info:
        score_archive(archive, config=_config(), store=store, jobs=1, progress=stop_after_first_batch)
    stored = info.value.stored
    assert 0 < stored < 15
    with ArchiveStore(store) as db:
        assert db.count() == stored
    rerun = score_archive(archive, config=_config(), store=store, jobs=1)
    assert rerun.reused == stored and rerun.analysed == 15 - stored


def test_parallel_workers_give_the_same_rows(archive: Path, tmp_path: Path):
    one = score_archive(archive, config=_config(), store=tmp_path / "a.sqlite", jobs=1)
    two = score_archive(archive, config=_config(), store=tmp_path / "b.sqlite", jobs=2)
    assert two.rows == one.rows and two.analysed == 5


def test_store_locked_gives_a_clear_message(tmp_path: Path):
    path = tmp_path / "s.sqlite"
    ArchiveStore(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match="locked by another process"):
            store = ArchiveStore(path, timeout=0.2)  # opening (schema check) or writing waits, then fails
            store.put("h", "m", "c", Report.failed("x", "e"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with ArchiveStore(path) as store:
        store.put("h", "m", "c", Report(path="", score=90, ai_incident=False, sections={}, findings=()))
        assert store.get("h", "m", "c").score == 90


def test_store_rejects_a_file_that_is_not_a_database(tmp_path: Path):
    bad = tmp_path / "s.sqlite"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot be used"):
        ArchiveStore(bad)


# ----------------------------------------------------------------- outputs

def test_write_rows_csv_jsonl_parquet(archive: Path, tmp_path: Path):
    rows = score_archive(archive, config=_config(), store=tmp_path / "s.sqlite", jobs=1).rows
    write_rows(rows, tmp_path / "r.csv")
    with (tmp_path / "r.csv").open(encoding="utf-8") as fh:
        csv_rows = list(csv.DictReader(fh))
    assert [r["path"] for r in csv_rows] == [r["path"] for r in rows]
    assert list(csv_rows[0]) == ["path", "title", "date", "score", "ai_incident", "blame", "action", "section",
                                 "timeline", "whys", "missing_sections", "words", "error"]
    write_rows(rows, tmp_path / "r.jsonl")
    lines = [json.loads(x) for x in (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()]
    assert lines[0]["missing_sections"] == rows[0]["missing_sections"] and len(lines) == len(rows)
    pq = pytest.importorskip("pyarrow.parquet")
    write_rows(rows, tmp_path / "r.parquet")
    table = pq.read_table(tmp_path / "r.parquet").to_pylist()
    assert [r["score"] for r in table] == [r["score"] for r in rows]
    with pytest.raises(Exception, match="unknown output format"):
        write_rows(rows, tmp_path / "r.xlsx")


# ----------------------------------------------------------------- command line

def test_cli_score_cluster_similar(archive: Path, tmp_path: Path, capsys):
    store = str(tmp_path / "s.sqlite")
    out = tmp_path / "rows.csv"
    status = run(["score", str(archive), "--store", store, "--out", str(out), "--jobs", "1", "--no-classifiers"])
    assert status == ExitStatus.USAGE  # three documents failed
    err = capsys.readouterr().err
    assert "scored 5 document(s) (5 analysed, 0 reused" in err and "3 failed, 1 skipped" in err
    assert "lowest scores" in err and out.is_file()

    status = run(["score", str(archive), "--store", store, "--jobs", "1", "--no-classifiers", "--exclude", "**/binary.md",
                  "--exclude", "**/empty.txt", "--exclude", "**/latin1.md", "--format", "jsonl"])
    captured = capsys.readouterr()
    assert status == ExitStatus.OK and "0 analysed, 5 reused" in captured.err
    assert len(captured.out.splitlines()) == 5

    assert run(["cluster", str(archive), "--store", store, "--format", "json"]) == ExitStatus.OK
    data = json.loads(capsys.readouterr().out)
    assert data["documents"] == 5 and sum(c["size"] for c in data["clusters"]) + len(data["not_recurring"]) == 5
    assert all(c["size"] >= 3 for c in data["clusters"])  # a single incident is never "recurring"

    assert run(["cluster", str(archive), "--store", store]) == ExitStatus.OK
    assert capsys.readouterr().out.startswith("# Recurring systemic causes")

    draft = tmp_path / "draft.md"
    draft.write_text("# Draft\n\n## Root cause\n\nThe TLS certificate expired; renewal was manual.\n", encoding="utf-8")
    assert run(["similar", str(draft), "--archive", str(archive), "--store", store, "-k", "2", "-f", "json"]) == ExitStatus.OK
    out = json.loads(capsys.readouterr().out)
    found = out["similar"]
    assert out["draft"]["cause_class"] == "cert_credential_expiry"
    assert len(found) == 2 and found[0]["path"].endswith("infra-certificate-expiry.md")
    assert found[0]["cause_class"] == "cert_credential_expiry" and found[0]["shared_statements"]


def test_cli_score_rejects_a_missing_directory(tmp_path: Path, capsys):
    assert run(["score", str(tmp_path / "nope")]) == ExitStatus.USAGE
    assert "not a directory" in capsys.readouterr().err


def _pmlint(*args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "analyzer", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, **kw)


@pytest.mark.slow
def test_ctrl_c_then_rerun_over_the_command_line(tmp_path: Path):
    root = tmp_path / "many"
    root.mkdir()
    total = 100  # enough that the interrupt lands while documents are still waiting, even on a busy machine
    for i in range(total):
        (root / f"pm-{i:03d}.md").write_text(
            f"# Incident {i}\n\n## Summary\n\nJohn broke the build {i} times.\n\n## Root cause\n\nA flaky test {i}.\n"
            * 20, encoding="utf-8")
    store = tmp_path / "s.sqlite"
    proc = _pmlint("score", str(root), "--store", str(store), "--jobs", "1", "--no-classifiers", "--quiet")
    deadline = time.time() + 120
    stored = 0
    while time.time() < deadline and proc.poll() is None:
        time.sleep(0.2)
        if store.exists():
            try:
                with ArchiveStore(store) as db:
                    stored = db.count()
            except StoreError:
                continue
            if stored:
                break
    if proc.poll() is not None:
        pytest.skip("the run finished before it could be interrupted")
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    if proc.returncode == 0 and "interrupted" not in err:
        pytest.skip("the run finished before the interrupt reached it")
    assert proc.returncode == ExitStatus.ERROR and "interrupted" in err and "run the same command again" in err
    with ArchiveStore(store) as db:
        kept = db.count()
    assert kept >= stored
    rerun = _pmlint("score", str(root), "--store", str(store), "--jobs", "1", "--no-classifiers")
    _out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0
    assert f"{total - kept} analysed, {kept} reused" in err


@pytest.mark.slow
def test_two_concurrent_runs_share_the_store_safely(archive: Path, tmp_path: Path):
    for name in ("binary.md", "empty.txt", "latin1.md"):
        (archive / name).unlink()
    store = tmp_path / "s.sqlite"
    procs = [_pmlint("score", str(archive), "--store", str(store), "--jobs", "1", "--no-classifiers", "-f", "jsonl")
             for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [e for _o, e in outs]
    assert outs[0][0] == outs[1][0]
    with sqlite3.connect(store) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    again = score_archive(archive, config=_config(), store=store, jobs=1)
    assert again.analysed == 0 and again.reused == 5


@pytest.mark.slow
def test_dask_backend_on_a_local_cluster(archive: Path, tmp_path: Path):
    distributed = pytest.importorskip("distributed")
    for name in ("binary.md", "empty.txt", "latin1.md"):
        (archive / name).unlink()
    reference = score_archive(archive, config=_config(), store=tmp_path / "a.sqlite", jobs=1)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        result = score_archive(archive, config=_config(), store=tmp_path / "b.sqlite", backend="dask",
                               scheduler=cluster.scheduler_address)
    assert result.rows == reference.rows and result.analysed == 5


@pytest.mark.corpus
def test_score_a_corpus_sample(corpus_dir: Path, tmp_path: Path):
    config = load_config(overrides={**FAST, "archive": {"include": ["documents/000?.md", "summaries/000?.md"]}})
    result = score_archive(corpus_dir, config=config, store=tmp_path / "s.sqlite", jobs=1)
    assert result.analysed == 18 and result.failed == 0
    assert all(r["title"] for r in result.rows)



def test_progress_bar_draws_only_on_a_terminal():
    import io

    from analyzer.cli.archive import ProgressBar

    quiet = io.StringIO()
    bar = ProgressBar(quiet)  # a StringIO is not a terminal
    bar(1, 10)
    bar.close()
    assert quiet.getvalue() == ""
    shown = io.StringIO()
    bar = ProgressBar(shown, enabled=True)
    bar(2, 10)
    time.sleep(0.01)
    bar(6, 10)
    assert "6/10" in shown.getvalue() and "docs/s" in shown.getvalue() and "ETA" in shown.getvalue()
    bar.close()
    assert shown.getvalue().endswith("\r")


def test_cluster_and_similar_pick_the_format_from_the_out_extension(archive: Path, tmp_path: Path, capsys):
    store = str(tmp_path / "s.sqlite")
    assert run(["cluster", str(archive), "--store", store, "--out", str(tmp_path / "causes.json"), "-q"]) == ExitStatus.OK
    assert json.loads((tmp_path / "causes.json").read_text(encoding="utf-8"))["documents"] >= 1
    assert run(["cluster", str(archive), "--store", store, "--out", str(tmp_path / "causes.md"), "-q"]) == ExitStatus.OK
    assert (tmp_path / "causes.md").read_text(encoding="utf-8").startswith("# Recurring systemic causes")
    draft = tmp_path / "draft.md"
    draft.write_text("# Draft\n\n## Root cause\n\nThe TLS certificate expired; renewal was manual.\n", encoding="utf-8")
    out = tmp_path / "like.json"
    assert run(["similar", str(draft), "--archive", str(archive), "--store", store, "--out", str(out)]) == ExitStatus.OK
    assert isinstance(json.loads(out.read_text(encoding="utf-8"))["similar"], list)  # {"draft", "similar"} (README)
    capsys.readouterr()
    assert run(["cluster", str(archive), "--store", store, "--out", str(tmp_path / "causes.xlsx")]) == ExitStatus.USAGE
    assert "pass --format" in capsys.readouterr().err
