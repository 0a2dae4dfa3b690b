"""The learning loop: tracker exports (Jira, GitHub, Linear), action states and their precedence,
overdue at a given day, both kinds of recurrence, cost, and the report with known answers."""

from __future__ import annotations

import json
from datetime import date

import pytest

from analyzer.archive.learning.cost import stated_cost
from analyzer.archive.learning.recurrence import Incident, recurred_after_fix, recurred_while_open
from analyzer.archive.learning.report import build, overdue_by_owner, to_markdown
from analyzer.archive.learning.state import ActionState, from_record, with_tracker
from analyzer.archive.learning.tracker import parse_date, read_tracker, ticket_keys

D = date.fromisoformat


def test_ticket_keys_in_every_form():
    assert ticket_keys("see OPS-12 and https://github.com/acme/api/issues/7 and #9") == ["acme/api#7", "OPS-12", "#9"]
    assert ticket_keys("https://gitlab.com/acme/infra/-/issues/31") == ["acme/infra#31"]
    assert ticket_keys("colour #fff, nothing") == []


@pytest.mark.parametrize("value,expected", [
    ("2024-03-02", "2024-03-02"), ("2024-03-02T10:00:00Z", "2024-03-02"), ("12/Mar/24 3:04 PM", "2024-03-12"),
    ("", None), (None, None), ("soon", None),
])
def test_dates_as_trackers_export_them(value, expected):
    got = parse_date(value)
    assert (got.isoformat() if got else None) == expected


def test_jira_csv_export(tmp_path):
    f = tmp_path / "jira.csv"
    f.write_text("Issue key,Summary,Status,Resolved,Assignee,Priority\n"
                 "OPS-1,Add canary,Done,12/Mar/24 3:04 PM,Ana,High\n"
                 "OPS-2,Alert on expiry,In Progress,,Ben,Medium\n"
                 "OPS-3,Rewrite everything,Won't Do,,,Low\n", encoding="utf-8")
    items = read_tracker(f)
    assert items["OPS-1"].status == "done" and items["OPS-1"].resolved == D("2024-03-12")
    assert items["OPS-2"].status == "open" and items["OPS-2"].assignee == "Ben"
    assert items["OPS-3"].status == "declined"


def test_github_json_export(tmp_path):
    f = tmp_path / "gh.json"
    f.write_text(json.dumps([
        {"number": 7, "state": "CLOSED", "closedAt": "2024-05-01T08:00:00Z", "url": "https://github.com/acme/api/issues/7",
         "assignees": [{"login": "dkim"}]},
        {"number": 8, "state": "OPEN", "closedAt": None, "url": "https://github.com/acme/api/issues/8", "assignees": []},
    ]), encoding="utf-8")
    items = read_tracker(f)
    assert items["acme/api#7"].status == "done" and items["#7"].resolved == D("2024-05-01")
    assert items["acme/api#8"].status == "open"


def test_linear_csv_export_with_configured_columns(tmp_path):
    f = tmp_path / "linear.csv"
    f.write_text("ID,Title,Workflow,Completed At,Assignee\nENG-4,Backoff,Completed,2024-06-03,Lee\n", encoding="utf-8")
    items = read_tracker(f, columns={"status": ["workflow"], "resolved": ["completed at"]})
    assert items["ENG-4"].status == "done" and items["ENG-4"].resolved == D("2024-06-03")


def test_the_record_is_trusted():
    """Status and done date come from the record the judging stage made (judging/actions.py reads
    checkboxes, status words and "done 2024-03-02"); the text is not read again."""
    from analyzer import analyze

    text = ("## Action items\n\n- [x] Add canary OPS-1\n- Alert on expiry - done 2024-03-02\n"
            "- Rotate keys every 90 days\n- [ ] Backoff in the client OPS-2\n"
            "- Once done 2024-04-01 is past, remove the flag\n")
    states = [from_record("a.md", a.to_dict()) for a in analyze(text).actions]
    assert [(a.status, a.done_on) for a in states] == [
        ("done", None), ("done", D("2024-03-02")), ("unknown", None), ("open", None), ("unknown", None)]
    assert from_record("a.md", {"text": "Fixed 2024-01-01", "status": "unknown"}).status == "unknown"
    assert from_record("a.md", {"text": "x", "status": "Shipped?", "done_on": "2024-01-01"}) == ActionState("a.md", "x")
    assert from_record("a.md", {"text": "x", "status": "open", "done_on": "2024-01-01"}).done_on is None


def test_document_status_forms_and_tracker_precedence(tmp_path):
    checkbox_done = from_record("a.md", {"text": "Add canary OPS-1", "status": "done", "ticket": "OPS-1"})
    dated = from_record("a.md", {"text": "Alert on expiry - done 2024-03-02", "status": "done", "done_on": "2024-03-02"})
    unknown = from_record("a.md", {"text": "Think about it", "status": "unknown"})
    assert checkbox_done.status == "done" and checkbox_done.done_on is None
    assert dated.status == "done" and dated.done_on == D("2024-03-02")
    assert unknown.status == "unknown"
    f = tmp_path / "jira.csv"
    f.write_text("Issue key,Status,Resolved,Assignee\nOPS-1,Reopened,,Ana\n", encoding="utf-8")
    joined = with_tracker(checkbox_done, read_tracker(f))
    assert joined.status == "open" and joined.owner == "Ana"  # the tracker is newer and wins


def test_overdue_at_a_given_day():
    open_item = ActionState("a.md", "x", due=D("2024-03-01"), status="open")
    declined = ActionState("a.md", "y", due=D("2024-03-01"), status="declined")
    assert open_item.overdue(D("2024-03-02")) and not open_item.overdue(D("2024-03-01"))
    assert not declined.overdue(D("2025-01-01"))


def _archive() -> list[Incident]:
    """Three incidents of one cause and a near miss: a1 fixed on 03-10, a2 (04-01) recurred after
    that fix and left an item open until 06-01, a3 (05-01) recurred while a2's item was open; a near
    miss n1 (05-15) of the same cause; an unknown item never counts."""
    return [
        Incident("a1.md", D("2024-03-01"), "expiry", actions=(
            ActionState("a1.md", "renew automation", ticket="OPS-1", status="done", done_on=D("2024-03-10"), owner="ana"),)),
        Incident("a2.md", D("2024-04-01"), "expiry", actions=(
            ActionState("a2.md", "expiry alert", ticket="OPS-2", status="done", done_on=D("2024-06-01"), owner="ben"),
            ActionState("a2.md", "ask around", status="unknown"))),
        Incident("a3.md", D("2024-05-01"), "expiry", actions=(
            ActionState("a3.md", "inventory certs", ticket="OPS-3", status="open", due=D("2024-05-20"), owner="ben"),)),
        Incident("n1.md", D("2024-05-15"), "expiry", near_miss=True),
        Incident("b1.md", D("2024-02-01"), "rollout", actions=(
            ActionState("b1.md", "canary", status="declined"),)),
    ]


def test_recurred_after_fix_pairs_with_the_most_recent_fixed_incident():
    events = recurred_after_fix([i for i in _archive() if i.cause == "expiry"])
    assert events == [
        {"incident": "a2.md", "after": "a1.md", "fixed_on": "2024-03-10"},
        {"incident": "a3.md", "after": "a1.md", "fixed_on": "2024-03-10"},
        {"incident": "n1.md", "after": "a1.md", "fixed_on": "2024-03-10"},
    ]  # a2 is never fixed: one of its items is unknown


def test_recurred_while_open_counts_items_done_after_the_later_date():
    events = recurred_while_open([i for i in _archive() if i.cause == "expiry"])
    assert events == [
        {"incident": "a3.md", "after": "a2.md", "open_tickets": ["OPS-2"]},
        {"incident": "n1.md", "after": "a2.md", "open_tickets": ["OPS-2"]},
        {"incident": "n1.md", "after": "a3.md", "open_tickets": ["OPS-3"]},
    ]


def test_the_report_has_every_figure_right():
    report = build(_archive(), today=D("2024-06-15"), labels={"expiry": "Certificate expiry"},
                   costs={"a1.md": (12000.0, 40.0), "a3.md": (None, 8.0)})
    s = report["summary"]
    assert (s["incidents"], s["near_misses"], s["actions"]) == (4, 1, 5)
    assert (s["done"], s["open"], s["unknown"], s["declined"], s["overdue"]) == (2, 1, 1, 1, 1)
    assert s["completion_rate"] == 0.5 and s["cost_usd_total"] == 12000.0
    assert s["median_days_to_close"] == 35.0  # 9 and 61 days
    expiry = report["causes"][0]
    assert expiry["label"] == "Certificate expiry" and expiry["incidents"] == ["a1.md", "a2.md", "a3.md"]
    assert expiry["near_misses"] == ["n1.md"] and expiry["cost_usd"] == 12000.0 and expiry["cost_hours"] == 48.0
    assert report["per_quarter"] == {"2024-Q1": {"incidents": 2}, "2024-Q2": {"incidents": 2, "near_misses": 1}}
    assert list(overdue_by_owner(report)) == ["ben"]
    assert s["median_ttd_minutes"] is None and expiry["median_ttr_minutes"] is None
    md = to_markdown(report)
    assert "Recurred after fix: `a2.md` after `a1.md`" in md and "Overdue" in md
    json.dumps(report)  # the contract is plain JSON


@pytest.mark.parametrize("text,expected", [
    ("The outage cost about $12,500 in refunds and 40 engineer-hours.", (12500.0, 40.0)),
    ("Lost revenue was estimated at USD 1.2m.", (1200000.0, None)),
    ("We spent 3 person-hours and 2 on-call hours.", (None, 5.0)),
    ("No cost figures were recorded.", (None, None)),
])
def test_stated_cost(text, expected):
    assert stated_cost(text) == expected


def _write_archive(root):
    (root / "2024-03-01-cert.md").write_text(
        "---\ntitle: Certificate expired\ndate: 2024-03-01\n---\n# Summary\nThe TLS certificate of the API expired and "
        "clients failed the handshake for two hours. The outage cost about $4,000 in credits.\n\n"
        "## Root cause\nThe certificate was renewed by hand and nothing alerted before expiry.\n\n"
        "## Action items\n- [x] Automate renewal OPS-1\n", encoding="utf-8")
    (root / "2024-05-01-cert-again.md").write_text(
        "---\ntitle: Certificate expired again\ndate: 2024-05-01\n---\n# Summary\nThe internal CA certificate expired "
        "and service-to-service calls failed.\n\n## Timeline\n- 09:00 first errors\n- 09:12 alert fired\n- 10:00 service restored\n\n## Root cause\nThe certificate was renewed by hand and no alert fired.\n\n"
        "## Action items\n- [ ] Expiry alert OPS-2\n", encoding="utf-8")
    (root / "2024-05-20-near.md").write_text(
        "---\ntitle: Expiring certificate caught\ndate: 2024-05-20\ntype: near-miss\n---\n# Summary\nThe expiry check "
        "caught a certificate two days before it expired, before any customer impact.\n", encoding="utf-8")


def test_pmlint_learn_on_a_small_archive(tmp_path):
    from analyzer.cli import run

    root = tmp_path / "pm"
    root.mkdir()
    _write_archive(root)
    tracker = tmp_path / "jira.csv"
    tracker.write_text("Issue key,Status,Resolved\nOPS-1,Done,2024-03-05\nOPS-2,In Progress,\n", encoding="utf-8")
    out = tmp_path / "learn.json"
    status = run(["learn", str(root), "--tracker", str(tracker), "--today", "2024-06-15", "--out", str(out),
                  "--store", str(tmp_path / "store.sqlite"), "--jobs", "1"])
    assert status == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["version"] == 1 and report["today"] == "2024-06-15"
    s = report["summary"]
    assert (s["incidents"], s["near_misses"]) == (2, 1)
    assert s["cost_usd_total"] == 4000.0
    assert (s["median_ttd_minutes"], s["median_ttr_minutes"]) == (12.0, 60.0)
    # the document's checkboxes, then the tracker (newer) for the tickets it knows
    by_ticket = {a["ticket"]: a for a in report["actions"]}
    assert s["actions"] == 2 and by_ticket["OPS-1"]["status"] == "done" and by_ticket["OPS-1"]["done_on"] == "2024-03-05"
    assert by_ticket["OPS-2"]["status"] == "open" and not by_ticket["OPS-2"]["overdue"]
    assert report["per_quarter"] == {"2024-Q1": {"incidents": 1}, "2024-Q2": {"incidents": 1, "near_misses": 1}}
    assert all(c["id"] != "-1" for c in report["causes"])  # a cause that does not recur is no cause of the report
    md = tmp_path / "learn.md"
    assert run(["learn", str(root), "--today", "2024-06-15", "--out", str(md), "--store", str(tmp_path / "store.sqlite"),
                "--jobs", "1"]) == 0
    assert md.read_text(encoding="utf-8").startswith("# Learning report (2024-06-15)")


def test_warm_learn_reads_the_cause_groups_from_the_store(tmp_path, monkeypatch):
    from analyzer.archive import cause_report

    root = tmp_path / "pm"
    root.mkdir()
    _write_archive(root)
    store = tmp_path / "store.sqlite"
    built = []
    real = cause_report.cached_model
    monkeypatch.setattr(cause_report, "cached_model", lambda *a, **k: built.append(1) or real(*a, **k))
    first = cause_report.cause_groups(root, store=store, jobs=1)
    assert cause_report.cause_groups(root, store=store, jobs=1) == first and len(built) == 1
    (root / "2024-05-20-near.md").write_text("# Summary\nA different text now: the disk filled up.\n", encoding="utf-8")
    cause_report.cause_groups(root, store=store, jobs=1)
    assert len(built) == 2  # a changed document: grouped again


def test_pmlint_learn_refuses_bad_arguments_clearly(tmp_path, capsys):
    from analyzer.cli import run

    assert run(["learn", str(tmp_path / "missing")]) == 2
    assert run(["learn", str(tmp_path), "--today", "June"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


@pytest.mark.parametrize("meta,text,expected", [
    ({"type": "near-miss"}, "", True), ({"type": "Near Miss"}, "", True), ({"type": "incident"}, "a near miss", False),
    ({}, "The canary caught the bad build before it reached production.", True),
    ({}, "The outage lasted two hours.", False),
])
def test_near_miss_detection(meta, text, expected):
    from analyzer.archive.learning.gather import is_near_miss

    assert is_near_miss(meta, text) is expected


def test_time_to_detect_and_resolve_from_the_timeline():
    from analyzer.judging.timeline import ttd_ttr

    text = ("## Timeline (UTC)\n"
            "- 2024-03-01 13:50 deploy of v2.3 started\n"
            "- 14:05 error-rate alert fired and the on-call was paged\n"
            "- 14:20 rollback started\n"
            "- 14:47 service restored\n")
    assert ttd_ttr(text) == (15.0, 57.0)
    table = "| time | event |\n| --- | --- |\n| 23:40 | first errors |\n| 23:55 | customer reported it |\n| 00:30 | recovered |\n"
    assert ttd_ttr(table) == (15.0, 50.0)  # past midnight is the next day
    assert ttd_ttr("No timeline here.") == (None, None)
