"""The app's pure helpers: escaping and highlighting, grouping, uploads, archive paths, the score
line, the Markdown report, and the fixed-draft helper (`analyzer.fixer`)."""

from __future__ import annotations

import html
from pathlib import Path
import re

import pytest

from analyzer.app import archive_view, render
from analyzer.config import load_config
from analyzer.errors import InputError
from analyzer.findings import Finding, Report, SectionHit, Severity
from analyzer.output.fixer import apply_rewrites, propose, rewrite_of, sentence_span, split_question
from analyzer.judging.rules import default_rules
from analyzer.nlp.sections import CANONICAL_SECTIONS

CONFIG = load_config(overrides={"profile": "general"})
RULES = {r.name: r for r in default_rules()}


def finding(text: str, span: str, rule: str = "blame.human-error", *, severity=Severity.ERROR, code="PM103",
            suggestion="", occurrence: int = 0, **kw) -> Finding:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(span, start + 1)
    return Finding(rule=rule, code=code, severity=severity, message=kw.pop("message", f"{rule} message"),
                   start=start, end=start + len(span), line=text.count("\n", 0, start) + 1, column=1,
                   text=span, suggestion=suggestion, **kw)


def agent_finding(text: str, span: str, rewrite: str, *, rule="blame.named-individual", code="PM101") -> Finding:
    suggestion = RULES[rule].suggestion.replace("{rewrite}", rewrite)
    return finding(text, span, rule, code=code, severity=Severity.WARNING, suggestion=suggestion,
                   explanation=f'a person is the subject or agent of a failure verb: "{span}"')


def report(text: str, findings: list[Finding], **sections: int) -> Report:
    hits = {name: None for name in CANONICAL_SECTIONS}
    for name, line in sections.items():
        hits[name] = SectionHit(name.replace("_", " ").title(), line)
    return Report(path="draft.md", score=70, ai_incident=False, sections=hits, findings=tuple(findings),
                  stats={"words": len(text.split())}, profile="general")


# ------------------------------------------------------------------ escaping

HOSTILE = 'Root cause: human error. <script>alert(1)</script> <img src=x onerror="alert(2)"> & "quotes"'


def test_highlight_escapes_user_text_and_marks_the_span():
    f = finding(HOSTILE, "human error")
    out = render.highlight_html(HOSTILE, [(1, f)])
    assert "<script>" not in out and "<img" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in out
    assert re.search(r'<mark class="pm pm-blame pm-sev-error"[^>]*>human error</mark>', out)
    assert 'href="#pm-f-1"' in out and 'id="pm-m-1"' in out


def test_hostile_text_inside_a_finding_and_its_message_is_escaped():
    text = "The <b>on-call</b> ignored <script>x()</script> the alert."
    f = finding(text, "<b>on-call</b> ignored <script>x()</script>", message='"<script>" judged <i>')
    out = render.highlight_html(text, [(1, f)]) + render.panel_html([(1, f)]) + render.card_html(1, f)
    assert "<script>" not in out and "<b>on-call" not in out and "<i>" not in out
    assert "&lt;b&gt;on-call&lt;/b&gt;" in out


def test_highlight_roundtrips_to_the_original_text():
    text = "# Title\n\n## Summary\nKevin broke prod & the on-call ignored the alert <3.\n"
    fs = [finding(text, "Kevin broke prod", "blame.named-individual", code="PM101"),
          finding(text, "the on-call ignored the alert", "blame.role-agent", code="PM102"),
          finding(text, "prod & the on-call", "action.what-not-why", code="PM201", severity=Severity.WARNING)]
    out = render.highlight_html(text, list(enumerate(fs, 1)))
    visible = re.sub(r'<span class="pm-tip">.*?</span></span>', "", out)
    visible = re.sub(r'<a class="pm-badge[^>]*>\d+</a>', "", visible)
    visible = html.unescape(re.sub(r"<[^>]+>", "", visible))
    assert visible == text


def test_overlapping_findings_nest_and_blame_wins_the_colour():
    text = "Kevin will be more careful going forward."
    outer = finding(text, text, "action.what-not-why", code="PM201", severity=Severity.WARNING)
    inner = finding(text, "be more careful", "blame.hidden", code="PM106", severity=Severity.WARNING)
    out = render.highlight_html(text, [(1, outer), (2, inner)])
    assert '<mark class="pm pm-blame pm-sev-warning pm-multi"' in out
    assert re.search(r'<mark class="pm pm-why[^"]*"[^>]*>Kevin will </mark>', out)
    assert out.index('id="pm-m-2"') < out.index('id="pm-m-1"')  # badges at each span's end


def test_heading_lines_are_bold_and_missing_sections_are_not_in_the_text():
    text = "# Incident\n\n## Summary\nAll good.\n"
    missing = Finding(rule="section.missing", code="PM301", severity=Severity.WARNING, message="Impact missing",
                      start=0, end=0, section="impact")
    out = render.highlight_html(text, [(1, missing)])
    assert '<span class="pm-h"># Incident</span>' in out
    assert "pm-badge" not in out


def test_md_escape_neutralises_markdown_and_directives():
    s = render.md_escape("![x](http://evil) :red[boom] <b>hi</b> $x$")
    assert "![" not in s and "](" not in s and ":red[" not in s and "<b>" not in s and "$x$" not in s


# ------------------------------------------------------------------ grouping

def test_groups_and_numbering():
    text = "Kevin broke it. The fix: restart. Timeline"
    fs = [Finding(rule="section.missing", code="PM301", severity=Severity.WARNING, message="m", start=0, end=0),
          finding(text, "Kevin broke it", "blame.named-individual", code="PM101"),
          finding(text, "restart", "action.what-not-why", code="PM201", severity=Severity.WARNING),
          finding(text, "Timeline", "timeline.no-timestamps", code="PM401", severity=Severity.SUGGESTION)]
    numbered = render.number_findings(report(text, fs))
    assert [f.code for _, f in numbered] == ["PM101", "PM201", "PM401", "PM301"]  # in-text first
    assert [render.group_of(f) for _, f in numbered] == ["blame", "why", "structure", "structure"]
    panel = render.panel_html(numbered)
    assert panel.index("Blame") < panel.index("What, not why") < panel.index("Structure")
    assert 'href="#section-checklist"' in panel  # the missing section points to the checklist
    assert render.panel_html([]).count("No findings") == 1


def test_card_shows_message_cue_confidence_and_rewrite():
    text = "Priya ignored the drift alert."
    f = agent_finding(text, "Priya ignored the drift alert", "The drift alert went unanswered.")
    card = render.card_html(3, f)
    assert "Suggested rewrite" in card and "The drift alert went unanswered." in card
    assert "Cue:" in card and "rule match" in card and 'href="#pm-m-3"' in card
    scored = Finding(**{**f.__dict__, "confidence": 0.87, "source": "classifier"})
    assert "87%" in render.card_html(3, scored)


# ------------------------------------------------------------------ uploads and paths

@pytest.mark.parametrize("name", ["draft.md", "Draft.MARKDOWN", "notes.txt"])
def test_upload_accepts_markdown_and_text(name):
    assert render.read_upload(name, "# Title\nbody\n".encode(), 5) == "# Title\nbody\n"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("report.pdf", b"%PDF-1.4", "is a .pdf file"),
        ("README", b"text", "without an extension"),
        ("big.md", b"x" * (1024 * 1024 + 1), "drafts up to 1 MB"),
        ("bin.md", b"\x00\x01\x02binary", "binary"),
        ("latin1.md", "caf\xe9 outage".encode("latin-1"), "not valid UTF-8"),
        ("empty.md", b"   \n", "empty"),
    ],
)
def test_upload_rejects_with_a_clear_message(name, data, message):
    with pytest.raises(InputError, match=message):
        render.read_upload(name, data, 1)


def test_archive_dir_must_be_inside_the_root(tmp_path):
    root = tmp_path / "root"
    (root / "pm").mkdir(parents=True)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (root / "link").symlink_to(outside)
    assert render.resolve_archive_dir("pm", root) == (root / "pm").resolve()
    assert render.resolve_archive_dir(str(root / "pm"), root) == (root / "pm").resolve()
    for bad in ("..", str(outside), "pm/../..", "link", "/"):
        with pytest.raises(InputError, match="outside the archive root"):
            render.resolve_archive_dir(bad, root)
    with pytest.raises(InputError, match="not a folder"):
        render.resolve_archive_dir("missing", root)


# ------------------------------------------------------------------ score line and export

def test_biggest_lift_names_the_costliest_rule():
    text = "Human error. Human error again."
    fs = [finding(text, "Human error"), finding(text, "Human error", occurrence=1)]
    line = render.biggest_lift(report(text, fs, summary=1, impact=2, timeline=3, root_cause=4, action_items=5), CONFIG)
    assert "human error" in line and "24 points" in line
    assert "no findings" in render.biggest_lift(report(text, []), CONFIG)


def test_report_markdown_lists_sections_findings_and_skeletons():
    text = "# X\n\n## Summary\nKevin forgot to renew the certificate.\n"
    f = agent_finding(text, "Kevin forgot to renew the certificate", "The certificate was not renewed.")
    md = render.report_markdown(report(text, [f], summary=3), CONFIG)
    assert "# pmlint review: draft.md" in md
    assert "| Summary | present" in md and "| Impact | **missing** |" in md
    assert "PM101" in md and "The certificate was not renewed." in md
    assert "```markdown\n## Impact" in md


def test_score_bands_cover_every_band():
    bands = archive_view.score_bands([0, 9, 10, 55, 99, 100, None])
    assert list(bands["documents"]) == [2, 1, 0, 0, 0, 1, 0, 0, 0, 2]
    assert bands["score"].iloc[-1] == "90–100"


# ------------------------------------------------------------------ fixer

def test_rewrite_only_for_rules_whose_suggestion_is_a_rewrite():
    text = "Tom forgot to renew the certificate. Root cause: human error."
    agent = agent_finding(text, "Tom forgot to renew the certificate", "The certificate was not renewed.")
    phrase = finding(text, "human error", suggestion='Ask what made it possible: e.g. "The CLI accepted it."')
    assert rewrite_of(agent) == "The certificate was not renewed."
    assert rewrite_of(phrase) is None
    fallback = agent_finding(text, "Tom forgot", "Describe what happened to the system and which safeguard was missing.")
    assert rewrite_of(fallback) is None
    quoted = Finding(**{**agent.__dict__, "quoted": True})
    assert rewrite_of(quoted) is None


@pytest.mark.parametrize(
    ("text", "span", "sentence"),
    [
        ("One. The change was made by Kevin, who pushed\nit without review. Three.", "Kevin, who pushed",
         "The change was made by Kevin, who pushed\nit without review."),
        ("## Timeline\n- 09:00 the on-call ignored the alert\n- 09:05 fixed", "the on-call ignored", "09:00 the on-call ignored the alert"),
        ("1. Why? Because Kevin forgot to test it.\n2. Why? Because.", "Kevin forgot", "Because Kevin forgot to test it."),
        ("| 09:00 | Kevin skipped the canary | ok |", "Kevin skipped", "Kevin skipped the canary"),
        ("> @maria: Tom broke it, e.g. by hand. Next.", "Tom broke it", "@maria: Tom broke it, e.g. by hand."),
        ("Para one ends here.\n\nTom broke it", "Tom broke", "Tom broke it"),
    ],
)
def test_sentence_span(text, span, sentence):
    start = text.index(span)
    s, e = sentence_span(text, start, start + len(span))
    assert text[s:e] == sentence


def test_split_question():
    assert split_question("X was pushed without review. Which check was missing?") == (
        "X was pushed without review.", "Which check was missing?")
    assert split_question("It was not tested.") == ("It was not tested.", "")


def test_accepting_rewrites_applies_them_from_the_end():
    text = "# PM\n\nKevin pushed the broken config without review. Then it spread.\n\n- Tom ignored the alert\n"
    fs = [agent_finding(text, "Kevin pushed the broken config", "The broken config was pushed without review. Which check was missing?"),
          agent_finding(text, "Tom ignored the alert", "The alert went unanswered.", rule="blame.role-agent", code="PM102")]
    proposals = propose(text, fs, default_rules())
    assert [p.original for p in proposals] == ["Kevin pushed the broken config without review.", "Tom ignored the alert"]
    assert proposals[0].question == "Which check was missing?"
    result = apply_rewrites(text, proposals)
    assert result.text == "# PM\n\nThe broken config was pushed without review. Then it spread.\n\n- The alert went unanswered.\n"
    assert [r.key for r in result.applied] == [p.key for p in proposals] and not result.skipped
    only_second = apply_rewrites(text, proposals[1:])
    assert "Kevin pushed" in only_second.text and "The alert went unanswered." in only_second.text


def test_overlapping_and_stale_rewrites_are_skipped():
    text = "Kevin and Tom broke the deploy without review."
    a = agent_finding(text, "Kevin and Tom broke the deploy", "The deploy broke.")
    proposals = propose(text, [a], default_rules())
    twin = proposals[0].with_replacement("Another wording.")
    twin = type(twin)(**{**twin.__dict__, "key": "other", "start": twin.start + 6})
    twin = type(twin)(**{**twin.__dict__, "original": text[twin.start:twin.end]})
    result = apply_rewrites(text, [proposals[0], twin])
    assert len(result.applied) == 1 and result.skipped[0][1] == "overlaps another accepted rewrite"
    stale = apply_rewrites("something else entirely, longer than before", proposals)
    assert stale.skipped[0][1] == "the draft changed since it was analysed"


# ------------------------------------------------------------------ the example draft

def test_example_draft_in_a_checkout(monkeypatch):
    root = Path(__file__).resolve().parents[1]
    monkeypatch.chdir(root)
    name, text = render.example_draft()
    assert "Kevin" in text and name.endswith(".md")


def test_packaged_example_matches_the_repository_example():
    from importlib.resources import files

    packaged = files("analyzer").joinpath(render.EXAMPLE_RESOURCE)
    if not packaged.is_file():
        pytest.skip("analyzer/data/example-draft.md is not packaged yet: the example button needs it on a fresh install")
    root = Path(__file__).resolve().parents[1]
    assert packaged.read_text(encoding="utf-8") == (root / render.EXAMPLE_FALLBACK).read_text(encoding="utf-8")


def test_rule_labels_for_people():
    assert render.rule_label("blame.human-error") == "human error"
    assert render.rule_label("action.classifier") == "what, not why (model)"
    assert render.rule_label("blame.classifier") == "blame (model)"
