"""Streamlit render helpers over Report objects: the only library module that imports streamlit.

The app script (`analyzer/app_main.py`, run by `pmlint app` and by the repository's `app.py`)
holds widgets and layout; everything it shows is drawn here, from Reports the public API made.

Two rules hold throughout:
- The user's text is never rendered as raw HTML. Highlight and card HTML is built only from
  `html.escape`d text (`highlight_html`, `card_html`), and user text shown through Markdown goes
  through `md_escape`.
- The pipeline is loaded once per server (`st.cache_resource`); results are cached per text and
  configuration (`st.cache_data`).

Pure helpers (no Streamlit calls) come first, so tests can use them directly; the `render_*`
functions below them draw with Streamlit.
"""

from __future__ import annotations

import contextlib
import html
import logging
import os
import re
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

import streamlit as st

from analyzer import load_analyzer, load_config
from analyzer.version import __version__
from analyzer.config import PROFILES, Config
from analyzer.errors import InputError, PmlintError
from analyzer.findings import Finding, Report, Severity
from analyzer.app.fixer import apply_rewrites, propose, rewrite_of
from analyzer.reading.inputs import decode

log = logging.getLogger("pmlint.app")

CONFIG_ENV = "PMLINT_CONFIG"  # `pmlint app --config FILE` passes the file to the app this way
UPLOAD_TYPES = ("md", "markdown", "txt")
EXAMPLE_RESOURCE = "data/example-draft.md"  # packaged copy of examples/problematic-llm-support-bot.md
EXAMPLE_FALLBACK = Path("examples") / "problematic-llm-support-bot.md"  # in a source checkout
PROFILE_LABELS = {"auto": "Detected automatically", "ai": "AI/ML incident", "general": "General incident"}
SEVERITY_ORDER = (Severity.ERROR, Severity.WARNING, Severity.SUGGESTION)
FAMILY_COLUMNS = ("blame", "action", "section", "timeline", "whys")

# Findings are coloured by what the reviewer is pointing at, not by their exact rule family.
GROUPS: dict[str, str] = {"blame": "Blame", "why": "What, not why", "structure": "Structure"}
_FAMILY_GROUP = {"blame": "blame", "action": "why", "whys": "why", "counterfactual": "why"}
_GROUP_PRIORITY = {"blame": 0, "why": 1, "structure": 2}
_HEADING_LINE = re.compile(r"^[ \t]{0,3}#{1,6}[ \t].*$|^.+\n(?:=+|-+)[ \t]*$", re.MULTILINE)
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&=])")


# =================================================================== pure helpers

def group_of(finding: Finding) -> str:
    """`blame`, `why` (what-not-why conclusions, five whys) or `structure` (sections, timeline, meta)."""
    return _FAMILY_GROUP.get(finding.family, "structure")


def md_escape(text: str) -> str:
    """User text made inert for st.markdown: Markdown, HTML and Streamlit directives escaped."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def number_findings(report: Report) -> list[tuple[int, Finding]]:
    """Findings with a stable number: those with a place in the text first (by position), then
    document-level ones (a missing section has no place)."""
    in_text = [f for f in report.findings if f.end > f.start]
    rest = [f for f in report.findings if f.end <= f.start]
    return list(enumerate(in_text + rest, 1))


def is_missing_section(finding: Finding) -> bool:
    return finding.rule == "section.missing"


def section_title(name: str) -> str:
    from analyzer.nlp.sections import default_classifier

    return default_classifier().title(name)


def section_skeleton(name: str) -> str:
    from analyzer.nlp.sections import default_classifier

    return default_classifier().skeleton(name).rstrip() + "\n"


def missing_sections(report: Report, config: Config) -> list[str]:
    return [s for s in config.required_sections(report.profile) if report.sections.get(s) is None]


def profile_label(report: Report, config: Config) -> str:
    """`AI/ML (detected)`, or `general (chosen)` when the profile was set rather than detected."""
    kind = "AI/ML" if report.profile == "ai" else "general"
    return f"{kind} ({'detected' if config.profile == 'auto' else 'chosen'})"


def read_upload(name: str, data: bytes, max_mb: float) -> str:
    """The text of an uploaded draft, or InputError with a message meant for the author."""
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix not in UPLOAD_TYPES:
        kind = f"a .{suffix} file" if suffix else "a file without an extension"
        raise InputError(
            f"“{name}” is {kind}. pmlint reads Markdown (.md, .markdown) and plain text (.txt): "
            "export the draft as Markdown, or paste its text."
        )
    if len(data) > max_mb * 1024 * 1024:
        raise InputError(
            f"“{name}” is {len(data) / 1024 / 1024:.1f} MB; drafts up to {max_mb:g} MB are accepted "
            "(app.max_upload_mb in .pmlint.yaml)."
        )
    try:
        return decode(data, name)
    except InputError as exc:
        raise InputError(f"“{name}”: {exc}") from None


def example_draft() -> tuple[str, str] | None:
    """(file name, text) of the bundled example draft: the packaged copy, else the checkout's."""
    resource = files("analyzer").joinpath(EXAMPLE_RESOURCE)
    try:
        if resource.is_file():
            return "example-draft.md", resource.read_text(encoding="utf-8")
    except OSError:
        pass
    for folder in (Path.cwd(), *Path.cwd().parents):
        candidate = folder / EXAMPLE_FALLBACK
        if candidate.is_file():
            return candidate.name, candidate.read_text(encoding="utf-8")
    return None


def archive_root(config: Config) -> Path:
    """Archive folders must lie inside this root (`app.archive_root`; default: working directory)."""
    root = config["app"].get("archive_root")
    return Path(root).expanduser().resolve() if root else Path.cwd().resolve()


def resolve_archive_dir(folder: str, root: Path) -> Path:
    """An archive folder given by the user, checked to be an existing folder inside `root`
    (relative paths are relative to the root; symbolic links are resolved before the check)."""
    if not folder or not folder.strip():
        raise InputError("Enter an archive folder.")
    path = Path(folder.strip()).expanduser()
    path = (path if path.is_absolute() else root / path).resolve()
    if not path.is_relative_to(root):
        raise InputError(f"“{folder}” is outside the archive root {root} (set app.archive_root in .pmlint.yaml to allow it).")
    if not path.is_dir():
        raise InputError(f"“{folder}” is not a folder inside {root}.")
    return path


def score_penalties(report: Report, config: Config) -> list[tuple[str, int, int]]:
    """(rule, findings, points the rule costs), the costliest first, from the engine's score."""
    from analyzer.engine import score

    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for f in report.findings:
        by_rule[f.rule].append(f)
    out = [(rule, len(fs), 100 - score(fs, config)) for rule, fs in by_rule.items()]
    return sorted((o for o in out if o[2] > 0), key=lambda o: (-o[2], o[0]))


_MODEL_LABELS = {"blame": "blame (model)", "action": "what, not why (model)"}


def rule_label(rule: str) -> str:
    """A rule name for people: `blame.human-error` -> `human error`; `action.classifier` -> `what,
    not why (model)`."""
    family, _, name = rule.partition(".")
    if name == "classifier":
        return _MODEL_LABELS.get(family, f"{family} (model)")
    return name.replace("-", " ") or rule


def biggest_lift(report: Report, config: Config) -> str:
    """One line on what would raise the score most (Markdown; user text escaped)."""
    penalties = score_penalties(report, config)
    if not penalties:
        return "Nothing costs points: this draft has no findings."
    rule, n, points = penalties[0]
    plural = "s" if n != 1 else ""
    if rule == "section.missing":
        titles = [section_title(s) for s in missing_sections(report, config)] or ["the missing sections"]
        action = f"add the missing section{plural} ({', '.join(titles)})"
    elif rule.startswith("blame."):
        action = f"rephrase {n} passage{plural} flagged as “{rule_label(rule)}” around the system, not the person"
    elif rule.startswith(("action.", "whys.")):
        action = f"take {n} conclusion{plural} flagged as “{rule_label(rule)}” one level deeper, to a systemic fix"
    else:
        action = f"resolve {n} “{rule_label(rule)}” finding{plural}"
    return f"**What would raise it most:** {action} — worth up to **{points} points**."


# -------------------------------------------------------------- highlight HTML

def _card_body(n: int, f: Finding) -> str:
    e = html.escape
    sev = f.severity.value
    where = "whole document" if f.end <= f.start else f"line {f.line}, column {f.column}"
    parts = [
        f'<div class="pm-card-head"><span class="pm-num pm-{group_of(f)}">{n}</span>'
        f'<span class="pm-sev pm-sev-{sev}">{e(sev)}</span> <code>{e(f.code)}</code> '
        f'<span class="pm-rule">{e(f.rule)}</span></div>',
        f'<div class="pm-msg">{e(f.message)}</div>',
    ]
    cue = f.explanation or (f"matched “{f.text}”" if f.text.strip() else "")
    if cue:
        parts.append(f'<div class="pm-meta"><b>Cue:</b> {e(cue)}</div>')
    if f.confidence is not None:
        how = {"both": "rule and model agree", "classifier": "model score"}.get(f.source, e(f.source))
        parts.append(f'<div class="pm-meta"><b>Confidence:</b> {f.confidence:.0%} ({how})</div>')
    else:
        parts.append('<div class="pm-meta"><b>Confidence:</b> rule match (no model score)</div>')
    if f.quoted:
        parts.append('<div class="pm-meta">In a quoted message: consider leaving the quote out of the write-up.</div>')
    if is_missing_section(f):
        parts.append('<div class="pm-meta">Ready-to-paste skeleton: see the <a href="#section-checklist">section checklist</a>.</div>')
    elif f.suggestion:
        label = "Suggested rewrite" if rewrite_of(f) is not None else "Suggestion"
        parts.append(f'<div class="pm-fix"><b>{label}:</b> {e(f.suggestion)}</div>')
    parts.append(f'<div class="pm-where">{e(where)}</div>')
    return "".join(parts)


def card_html(n: int, f: Finding, *, link: bool = True) -> str:
    """One finding as a card (message, cue, confidence, suggestion), linked to its highlight."""
    jump = ""
    if link and f.end > f.start:
        jump = f'<a class="pm-jump" href="#pm-m-{n}" title="show in the draft">line {f.line} ↑</a>'
    return f'<div class="pm-card pm-{group_of(f)}" id="pm-f-{n}">{jump}{_card_body(n, f)}</div>'


def _badge(n: int, f: Finding) -> str:
    return (
        f'<span class="pm-pin"><a class="pm-badge pm-{group_of(f)}" id="pm-m-{n}" href="#pm-f-{n}">{n}</a>'
        f'<span class="pm-tip">{_card_body(n, f)}</span></span>'
    )


def highlight_html(text: str, numbered: Sequence[tuple[int, Finding]]) -> str:
    """The draft as escaped HTML, every finding with a place in the text highlighted in place
    (coloured by group; overlapping findings nest) and numbered with a badge that links to its
    card and shows the card on hover. Heading lines are set in bold."""
    spans = [(n, f) for n, f in numbered if 0 <= f.start < f.end <= len(text)]
    points = [(n, f) for n, f in numbered if f.start == f.end and 0 < f.start <= len(text) and not is_missing_section(f)]
    headings = [(m.start(), m.end()) for m in _HEADING_LINE.finditer(text)]
    cuts = {0, len(text)}
    for _, f in spans:
        cuts.update((f.start, f.end))
    for _, f in points:
        cuts.add(f.start)
    for a, b in headings:
        cuts.update((a, b))
    ends: dict[int, list[tuple[int, Finding]]] = defaultdict(list)
    for n, f in spans + points:
        ends[f.end].append((n, f))
    out: list[str] = []
    bounds = sorted(cuts)
    by_start = sorted(spans, key=lambda nf: nf[1].start)
    active: list[tuple[int, Finding]] = []  # findings covering the current segment (a sweep)
    h = i = 0
    for a, b in zip(bounds, bounds[1:]):
        piece = html.escape(text[a:b])
        active = [(n, f) for n, f in active if f.end > a]
        while i < len(by_start) and by_start[i][1].start <= a:
            active.append(by_start[i])
            i += 1
        if active:
            _, top = min(active, key=lambda nf: (_GROUP_PRIORITY[group_of(nf[1])], -nf[1].severity.rank, nf[0]))
            classes = f"pm pm-{group_of(top)} pm-sev-{top.severity.value}" + (" pm-multi" if len(active) > 1 else "")
            title = html.escape(" | ".join(f"{n}: {f.message}" for n, f in active), quote=True)
            piece = f'<mark class="{classes}" title="{title}">{piece}</mark>'
        while h < len(headings) and headings[h][1] <= a:
            h += 1
        if h < len(headings) and headings[h][0] <= a < headings[h][1]:
            piece = f'<span class="pm-h">{piece}</span>'
        out.append(piece)
        for n, f in sorted(ends.get(b, ()), key=lambda nf: nf[0]):
            out.append(_badge(n, f))
    return '<div class="pm-doc">' + "".join(out) + "</div>"


def missing_banner_html(report: Report, config: Config) -> str:
    names = missing_sections(report, config)
    if not names:
        return ""
    titles = ", ".join(html.escape(section_title(s)) for s in names)
    return (
        f'<div class="pm-banner">Missing for the {html.escape(profile_label(report, config))} profile: <b>{titles}</b> '
        '— skeletons in the <a href="#section-checklist">section checklist</a>.</div>'
    )


def panel_html(numbered: Sequence[tuple[int, Finding]]) -> str:
    """All findings as cards, grouped by group (blame, what-not-why, structure) and severity."""
    if not numbered:
        return '<div class="pm-panel"><p class="pm-empty">No findings. This reads like a blameless post-mortem.</p></div>'
    out = ['<div class="pm-panel">']
    for group, title in GROUPS.items():
        items = [(n, f) for n, f in numbered if group_of(f) == group]
        if not items:
            continue
        out.append(f'<h4 class="pm-group pm-{group}">{html.escape(title)} <span>{len(items)}</span></h4>')
        for sev in SEVERITY_ORDER:
            cards = [card_html(n, f) for n, f in items if f.severity == sev]
            if cards:
                out.append(f'<div class="pm-sevhead">{len(cards)} {sev.value}{"s" if len(cards) != 1 else ""}</div>')
                out.extend(cards)
    out.append("</div>")
    return "".join(out)


def legend_html(numbered: Sequence[tuple[int, Finding]]) -> str:
    counts = Counter(group_of(f) for _, f in numbered)
    chips = "".join(
        f'<span class="pm-chip pm-{g}">{html.escape(t)} · {counts.get(g, 0)}</span>' for g, t in GROUPS.items()
    )
    return f'<div class="pm-legend">{chips}<span class="pm-hint">hover a number for the note; click it to jump to the card</span></div>'


# -------------------------------------------------------------- report export

def report_markdown(report: Report, config: Config) -> str:
    """The review as a Markdown document (for the meeting notes or the ticket)."""
    c = report.counts()
    lines = [
        f"# pmlint review: {report.path}",
        "",
        f"**Score {report.score}/100** · profile {profile_label(report, config)} · {c['error']} error(s), "
        f"{c['warning']} warning(s), {c['suggestion']} suggestion(s) · {report.stats.get('words', 0)} words",
        "",
        biggest_lift(report, config).replace("**", ""),
        "",
        "## Required sections",
        "",
        "| section | status |",
        "| --- | --- |",
    ]
    for name in config.required_sections(report.profile):
        hit = report.sections.get(name)
        status = f"present: “{hit.heading}” (line {hit.line})" if hit else "**missing**"
        lines.append(f"| {section_title(name)} | {status.replace('|', '/')} |")
    lines += ["", "## Findings", ""]
    numbered = number_findings(report)
    for group, title in GROUPS.items():
        items = [(n, f) for n, f in numbered if group_of(f) == group]
        if not items:
            continue
        lines += [f"### {title}", ""]
        for n, f in items:
            where = f"line {f.line}" if f.end > f.start else "document"
            lines.append(f"{n}. **{f.severity.value}** {f.code} `{f.rule}` ({where}): {f.message}")
            if f.text.strip():
                lines.append(f"   - flagged: “{' '.join(f.text.split())}”")
            if f.explanation:
                lines.append(f"   - cue: {f.explanation}")
            if f.confidence is not None:
                lines.append(f"   - confidence: {f.confidence:.0%}")
            if f.suggestion and not is_missing_section(f):
                lines.append(f"   - suggestion: {' '.join(f.suggestion.split())}")
        lines.append("")
    missing = missing_sections(report, config)
    if missing:
        lines += ["## Skeletons for the missing sections", ""]
        for name in missing:
            lines += ["```markdown", section_skeleton(name).rstrip(), "```", ""]
    lines.append(f"_Generated by pmlint {__version__}._")
    return "\n".join(lines) + "\n"


def report_json(report: Report) -> str:
    from analyzer.output.formatters import FORMATTERS

    return FORMATTERS["json"]([report])


def fixed_name(name: str) -> str:
    p = Path(name or "draft.md")
    return f"{p.stem}.fixed{p.suffix or '.md'}"


# =================================================================== Streamlit: setup

CSS = """
<style>
.pm-doc{font-family:Georgia,'Source Serif Pro','Times New Roman',serif;font-size:1rem;line-height:1.7;
  white-space:pre-wrap;word-wrap:break-word;background:#fffdf8;color:#1f2328;border:1px solid #e4dfd3;
  border-radius:6px;padding:1.1rem 1.4rem;box-shadow:0 1px 3px rgba(0,0,0,.06);max-height:72vh;overflow:auto}
.pm-h{font-weight:700;color:#0b2540}
mark.pm{color:inherit;padding:1px 0;border-bottom:2px solid;border-radius:2px}
mark.pm-blame{background:#ffe0e0;border-color:#d6336c}
mark.pm-why{background:#fff1c2;border-color:#e8890c}
mark.pm-structure{background:#dcefff;border-color:#1c7ed6}
mark.pm-multi{border-bottom-style:double;border-bottom-width:3px}
.pm-pin{position:relative;white-space:normal}
a.pm-badge{display:inline-block;min-width:1.25em;text-align:center;font:600 .68rem/1.35 system-ui,sans-serif;
  color:#fff !important;border-radius:9px;padding:0 .3em;margin:0 1px;vertical-align:super;text-decoration:none !important}
.pm-badge.pm-blame,.pm-num.pm-blame{background:#d6336c}.pm-badge.pm-why,.pm-num.pm-why{background:#e8890c}
.pm-badge.pm-structure,.pm-num.pm-structure{background:#1c7ed6}
.pm-tip{display:none;position:absolute;left:-1rem;top:1.5em;z-index:20;width:24rem;max-width:70vw;background:#fff;
  border:1px solid #d0d7de;border-radius:8px;padding:.6rem .75rem;box-shadow:0 6px 20px rgba(0,0,0,.16);
  font:400 .85rem/1.45 system-ui,sans-serif;color:#1f2328;white-space:normal}
.pm-pin:hover .pm-tip,.pm-pin:focus-within .pm-tip{display:block}
.pm-panel{font:400 .88rem/1.45 system-ui,sans-serif;max-height:72vh;overflow:auto;padding-right:.3rem}
.pm-group{font:700 1rem/1.3 system-ui,sans-serif;margin:.4rem 0 .3rem;padding:.25rem .5rem;border-radius:4px}
.pm-group span{font-weight:400;opacity:.75}
.pm-group.pm-blame{background:#ffe0e0;color:#a61e4d}.pm-group.pm-why{background:#fff1c2;color:#8a4b00}
.pm-group.pm-structure{background:#dcefff;color:#0b4f8a}
.pm-sevhead{font-size:.72rem;text-transform:uppercase;letter-spacing:.06em;color:#6e7781;margin:.5rem 0 .2rem}
.pm-card{position:relative;background:#fff;color:#1f2328;border:1px solid #e1e4e8;border-left:4px solid #adb5bd;
  border-radius:6px;padding:.5rem .7rem;margin:0 0 .45rem}
.pm-card.pm-blame{border-left-color:#d6336c}.pm-card.pm-why{border-left-color:#e8890c}
.pm-card.pm-structure{border-left-color:#1c7ed6}
.pm-card:target{outline:3px solid #74c0fc}
.pm-card-head{display:flex;gap:.4rem;align-items:center;margin-bottom:.2rem}
.pm-num{color:#fff;border-radius:9px;padding:0 .4em;font-size:.72rem;font-weight:700}
.pm-sev{font-size:.68rem;text-transform:uppercase;letter-spacing:.04em;border-radius:3px;padding:0 .3em}
.pm-sev-error{background:#ffe3e3;color:#c92a2a}.pm-sev-warning{background:#fff3bf;color:#8a5a00}
.pm-sev-suggestion{background:#e7f5ff;color:#1864ab}
.pm-rule{color:#6e7781;font-size:.78rem}
.pm-msg{font-weight:600;margin:.15rem 0}
.pm-meta{color:#57606a;font-size:.82rem}
.pm-fix{background:#ebfbee;border-radius:4px;padding:.3rem .45rem;margin-top:.3rem;white-space:pre-wrap}
.pm-where{color:#8c959f;font-size:.75rem;margin-top:.2rem}
a.pm-jump{position:absolute;right:.6rem;top:.45rem;font-size:.75rem;text-decoration:none}
.pm-legend{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;margin:.2rem 0 .5rem;font:400 .82rem system-ui,sans-serif}
.pm-chip{border-radius:10px;padding:.05rem .55rem;font-weight:600}
.pm-chip.pm-blame{background:#ffe0e0;color:#a61e4d}.pm-chip.pm-why{background:#fff1c2;color:#8a4b00}
.pm-chip.pm-structure{background:#dcefff;color:#0b4f8a}
.pm-hint{color:#6e7781}
.pm-banner{background:#dcefff;color:#0b4f8a;border-radius:6px;padding:.45rem .7rem;margin-bottom:.5rem;
  font:400 .88rem/1.4 system-ui,sans-serif}
.pm-empty{color:#2b8a3e;font-weight:600}
.pm-diff del{background:#ffe0e0;color:#82071e}
</style>
"""


def inject_css() -> None:
    st.html(CSS)


@dataclass(frozen=True)
class Settings:
    config: Config  # the configuration with the profile override applied
    base: Config  # the configuration as the files say
    root: Path  # archive root
    max_upload_mb: float


def load_settings(profile_override: str | None = None) -> Settings:
    """The configuration: packaged defaults <- the project file (PMLINT_CONFIG, or the nearest
    .pmlint.yaml above the working directory) <- the app's profile toggle (auto, ai, general)."""
    base = load_config(os.environ.get(CONFIG_ENV) or None, search_from=".")
    config = base
    if profile_override in PROFILES and profile_override != base.profile:
        config = base.with_overrides({"profile": profile_override}, "(app profile toggle)")
    return Settings(config, base, archive_root(base), float(base["app"]["max_upload_mb"]))


@st.cache_resource(show_spinner="Loading the language pipeline (once per server)…")
def get_analyzer(fingerprint: str, _config: Config):
    """The Analyzer for a configuration, shared by every session of this server."""
    return load_analyzer(_config)


@st.cache_data(max_entries=256, show_spinner="Reviewing the draft…")
def analyze_text(text: str, name: str, fingerprint: str, _config: Config) -> Report:
    """Analyse a text once per (text, name, configuration); repeated reruns reuse the Report."""
    return get_analyzer(fingerprint, _config).analyze(text, path=name)


def analyze_draft(text: str, name: str, config: Config) -> Report:
    return analyze_text(text, name, config.fingerprint(), config)


@contextlib.contextmanager
def friendly_errors(what: str = "this page") -> Iterator[None]:
    """Errors become a short message for the user; the traceback goes to the server log only."""
    try:
        yield
    except PmlintError as exc:
        st.error(str(exc), icon="⚠️")
    except Exception as exc:  # noqa: BLE001 - the user never sees a traceback
        log.exception("pmlint app: error while rendering %s", what)
        st.error(
            f"Something went wrong while preparing {what} ({type(exc).__name__}). "
            "The details are in the server log; try again, or report it with the draft that caused it.",
            icon="⚠️",
        )


# ------------------------------------------------------------------ input callbacks

def _safe_callback(fn: Callable[..., None]) -> Callable[..., None]:
    """Widget callbacks run outside the page's error handling: turn any failure into a message."""

    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - the user never sees a traceback
            log.exception("pmlint app: error in %s", fn.__name__)
            st.session_state["draft_error"] = f"That did not work ({type(exc).__name__}); the details are in the server log."

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


def set_draft(text: str, name: str, note: str = "") -> None:
    st.session_state["draft_text"] = text
    st.session_state["draft_name"] = name
    st.session_state["draft_note"] = note
    st.session_state.pop("draft_error", None)


@_safe_callback
def load_example() -> None:
    example = example_draft()
    if example is None:
        st.session_state["draft_error"] = "The example draft is not part of this installation."
        return
    set_draft(example[1], example[0], f"Loaded the example draft “{example[0]}”.")


@_safe_callback
def on_upload(max_mb: float) -> None:
    """The draft uploader's callback: a valid file replaces the text area's content."""
    uploaded = st.session_state.get("draft_upload")
    if uploaded is None:
        return
    try:
        text = read_upload(uploaded.name, uploaded.getvalue(), max_mb)
    except InputError as exc:
        st.session_state["draft_error"] = str(exc)
        return
    set_draft(text, uploaded.name, f"Loaded “{uploaded.name}” ({len(text.split())} words).")


def on_text_edit() -> None:
    st.session_state["draft_note"] = ""
    st.session_state.pop("draft_error", None)


def show_input_messages() -> None:
    if st.session_state.get("draft_error"):
        st.error(st.session_state["draft_error"], icon="🚫")
    elif st.session_state.get("draft_note"):
        st.caption(st.session_state["draft_note"])


# ================================================================ Streamlit: draft page

def render_scoreboard(report: Report, config: Config) -> None:
    """Counts at the top, the score, and one line on what would raise it most."""
    c = report.counts()
    groups = Counter(group_of(f) for f in report.findings)
    missing = missing_sections(report, config)
    cols = st.columns(5)
    cols[0].metric("Score", f"{report.score}/100", help="100 minus points per finding (see `score` in .pmlint.yaml)")
    cols[1].metric("Errors", c["error"])
    cols[2].metric("Warnings", c["warning"])
    cols[3].metric("Suggestions", c["suggestion"])
    cols[4].metric("Missing sections", len(missing))
    st.markdown(biggest_lift(report, config))
    st.caption(
        f"Blame {groups.get('blame', 0)} · What, not why {groups.get('why', 0)} · Structure {groups.get('structure', 0)}"
        f" · profile {profile_label(report, config)} · {report.stats.get('words', 0)} words"
    )


def render_markup(text: str, report: Report, config: Config) -> None:
    """The draft marked up in place (left) and the findings panel (right)."""
    numbered = number_findings(report)
    left, right = st.columns([3, 2], gap="medium")
    with left:
        st.subheader("Marked-up draft", anchor="marked-up-draft")
        st.html(legend_html(numbered) + missing_banner_html(report, config) + highlight_html(text, numbered))
    with right:
        st.subheader("Findings", anchor="findings")
        st.html(panel_html(numbered))


def render_checklist(report: Report, config: Config) -> None:
    """Every required section for the profile, present or missing; missing ones with a skeleton
    in a code block (its copy button copies the skeleton)."""
    required = config.required_sections(report.profile)
    missing = [s for s in required if report.sections.get(s) is None]
    kind = "an **AI/ML**" if report.profile == "ai" else "a **general**"
    st.markdown(f"**{len(required) - len(missing)} of {len(required)}** required sections present for {kind} incident.")
    for name in required:
        hit = report.sections.get(name)
        if hit is not None:
            st.markdown(f":green[**✓ {section_title(name)}**] — “{md_escape(hit.heading)}”, line {hit.line}")
    for name in missing:
        st.markdown(f":red[**✗ {section_title(name)}**] — missing; paste this skeleton (copy button at its top right):")
        st.code(section_skeleton(name), language="markdown")
    extra = [(n, h) for n, h in report.sections.items() if h is not None and n not in required]
    if extra:
        st.caption("Also found: " + ", ".join(f"{section_title(n)} (line {h.line})" for n, h in extra))
    if len(missing) > 1:
        with st.expander(f"All {len(missing)} missing skeletons in one block"):
            st.code("\n".join(section_skeleton(s) for s in missing), language="markdown")


def render_fixer(text: str, report: Report, config: Config, name: str) -> None:
    """Accept suggested rewrites one by one (each can be edited), then download the edited draft."""
    proposals = propose(text, report.findings, config.rules)
    if not proposals:
        st.caption("No sentence in this draft has a ready rewrite. The findings above say what to change by hand.")
        return
    accepted = []
    for p in proposals:
        with st.container(border=True):
            st.html(
                f'<div class="pm-diff" style="font:400 .9rem/1.5 system-ui,sans-serif">'
                f'<span class="pm-num pm-{group_of(p.finding)}">line {p.finding.line}</span> '
                f'<del>{html.escape(" ".join(p.original.split()))}</del></div>'
            )
            wording = st.text_area("Rewrite (edit it if you like)", value=p.replacement, key=f"rw_text_{p.key}", height=80)
            if p.question:
                st.caption(f"Then answer in the draft: *{md_escape(p.question)}*")
            if st.checkbox("Accept this rewrite", key=f"rw_accept_{p.key}"):
                accepted.append(p.with_replacement(wording.strip() or p.replacement))
    result = apply_rewrites(text, accepted)
    for rw, why in result.skipped:
        st.warning(f"Line {rw.finding.line}: not applied ({why}).")
    row = st.container(horizontal=True)
    row.download_button(
        f"Download the fixed draft ({len(result.applied)} accepted)",
        result.text,
        file_name=fixed_name(name),
        mime="text/markdown",
        key="download_fixed",
        disabled=not result.applied,
        icon=":material/download:",
    )
    row.button(
        "Review the fixed draft",
        key="review_fixed",
        on_click=set_draft,
        args=(result.text, name, f"Reviewing the fixed draft ({len(result.applied)} rewrite(s) applied)."),
        disabled=not result.applied,
    )
    if result.applied:
        with st.expander("Preview the fixed draft"):
            st.code(result.text, language="markdown")


def render_downloads(report: Report, config: Config, name: str) -> None:
    stem = Path(name or "draft").stem
    row = st.container(horizontal=True)
    row.download_button("Download report (Markdown)", report_markdown(report, config), file_name=f"{stem}.pmlint.md",
                        mime="text/markdown", key="download_md", icon=":material/download:")
    row.download_button("Download report (JSON)", report_json(report), file_name=f"{stem}.pmlint.json",
                        mime="application/json", key="download_json", icon=":material/data_object:")


@st.cache_data(max_entries=64, show_spinner="Looking for similar past incidents…")
def _similar(text: str, root: str, fingerprint: str, _config: Config) -> list[dict[str, Any]]:
    from analyzer.archive.clustering import similar

    return [
        {"path": str(n.path), "title": str(n.title or n.path), "score": float(n.score),
         "shared_phrases": [str(p) for p in (n.shared_phrases or ())]}
        for n in similar(text, root=root, config=_config, k=5)
    ]


def render_similar(text: str, config: Config, archive_dir: Path | None) -> None:
    """Similar past incidents from the archive store (when an archive is configured)."""
    if archive_dir is None:
        st.caption("Set an archive folder in the sidebar (or `archive.path` in .pmlint.yaml) to see similar past incidents.")
        return
    try:
        import analyzer.archive.clustering  # noqa: F401
    except ImportError:
        st.info("Similar past incidents need pmlint's archive modules, which this installation does not have yet.")
        return
    try:
        neighbours = _similar(text, str(archive_dir), config.fingerprint(), config)
    except PmlintError as exc:
        st.info(f"No similar incidents available: {exc}")
        return
    except Exception as exc:  # noqa: BLE001
        log.exception("similar incidents failed")
        st.info(f"No similar incidents available ({type(exc).__name__}). Score the archive on the Archive page first.")
        return
    if not neighbours:
        st.caption(f"No similar incidents in {archive_dir}.")
        return
    for n in neighbours:
        phrases = ", ".join(md_escape(p) for p in n["shared_phrases"][:6])
        st.markdown(
            f"- **{md_escape(n['title'])}** — similarity {n['score']:.2f}"
            + (f" · shared: {phrases}" if phrases else "")
            + f"  \n  *{md_escape(n['path'])}*"
        )


# ============================================================== Streamlit: archive page

def archive_modules() -> tuple[Callable[..., Any], Callable[..., Any]] | None:
    """(score_archive, cluster_archive), or None when the archive modules are not importable."""
    try:
        from analyzer.archive.scoring import score_archive
        from analyzer.archive.clustering import cluster_archive
    except ImportError:
        return None
    return score_archive, cluster_archive


def save_uploads(uploads: Iterable[Any], max_mb: float) -> tuple[Path | None, list[str]]:
    """Uploaded archive files written to a fresh temporary folder; (folder, problems)."""
    folder = Path(tempfile.mkdtemp(prefix="pmlint-archive-"))
    problems: list[str] = []
    written = 0
    for up in uploads:
        try:
            text = read_upload(up.name, up.getvalue(), max_mb)
        except InputError as exc:
            problems.append(str(exc))
            continue
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(up.name).name).lstrip(".") or "draft.md"
        target = folder / safe
        i = 1
        while target.exists():
            target = folder / f"{Path(safe).stem}-{i}{Path(safe).suffix}"
            i += 1
        target.write_text(text, encoding="utf-8")
        written += 1
    return (folder if written else None), problems


SMALL_ARCHIVE = 60  # documents; below this, starting worker processes costs more than it saves


def _count_files(root: Path, limit: int) -> int:
    n = 0
    for p in root.rglob("*"):
        if p.suffix.lower() in (".md", ".markdown", ".txt", ".html", ".htm") and ".pmlint" not in p.parts:
            n += 1
            if n >= limit:
                break
    return n


def run_archive(root: Path, config: Config) -> dict[str, Any]:
    """Score and cluster an archive with a progress bar; the result is kept in the session."""
    modules = archive_modules()
    if modules is None:
        raise InputError("The archive modules (analyzer.archive, analyzer.clustering) are not available.")
    score_archive, cluster_archive = modules
    bar = st.progress(0.0, text="Scoring the archive…")

    def progress(done: int, total: int) -> None:
        with contextlib.suppress(Exception):  # a progress update must never stop the run
            bar.progress(min(1.0, done / max(total, 1)), text=f"Scored {done} of {total} documents")

    # a small archive is scored in this process, with the pipeline the app already loaded
    jobs = 1 if _count_files(root, SMALL_ARCHIVE + 1) <= SMALL_ARCHIVE else None
    scored = score_archive(root, config=config, progress=progress, jobs=jobs)
    bar.progress(1.0, text="Finding recurring causes…")
    clusters = None
    cluster_error = None
    try:
        clusters = cluster_archive(root, config=config)
    except PmlintError as exc:
        cluster_error = str(exc)
    except Exception as exc:  # noqa: BLE001
        log.exception("clustering failed")
        cluster_error = f"clustering failed ({type(exc).__name__}); the scores above are complete"
    bar.empty()
    return {"root": str(root), "scored": scored, "clusters": clusters, "cluster_error": cluster_error}


def archive_frame(rows: Sequence[dict[str, Any]]):
    """The score table as a DataFrame: one row per document, newest first."""
    import pandas as pd

    df = pd.DataFrame(list(rows))
    for col in ("title", "date", "score", *FAMILY_COLUMNS, "missing_sections", "ai_incident", "path", "error"):
        if col not in df.columns:
            df[col] = None
    df["missing_sections"] = df["missing_sections"].map(
        lambda v: ", ".join(section_title(s) for s in v) if isinstance(v, (list, tuple)) else (v or "")
    )
    df["date"] = pd.to_datetime(df["date"].astype("string"), errors="coerce")
    return df[["title", "date", "score", *FAMILY_COLUMNS, "missing_sections", "ai_incident", "path", "error"]]


def score_bands(scores):
    """Documents per 10-point score band (0–9, ..., 90–100), every band present."""
    import pandas as pd

    bands = (pd.to_numeric(pd.Series(scores, dtype="object"), errors="coerce").dropna() // 10).clip(0, 9).astype(int)
    counts = bands.value_counts().reindex(range(10), fill_value=0)
    labels = [f"{10 * b:02d}–{10 * b + 9:02d}" if b < 9 else "90–100" for b in range(10)]
    return pd.DataFrame({"score": labels, "documents": counts.values})


def _on_table_select(paths: Sequence[str]) -> None:
    state = st.session_state.get("archive_table") or {}
    rows = list((state.get("selection") or {}).get("rows") or [])
    if rows and 0 <= rows[0] < len(paths):
        open_incident(paths[rows[0]])


def render_archive_overview(result: dict[str, Any]) -> None:
    import pandas as pd

    scored = result["scored"]
    df = archive_frame(scored.rows)
    ok = df[df["error"].isna() | (df["error"] == "")]
    cols = st.columns(5)
    cols[0].metric("Documents", len(df))
    cols[1].metric("Analysed now", getattr(scored, "analysed", len(df)))
    cols[2].metric("Reused from store", getattr(scored, "reused", 0))
    cols[3].metric("Could not be read", getattr(scored, "failed", 0))
    cols[4].metric("Median score", f"{ok['score'].median():.0f}" if len(ok) else "–")

    st.subheader("Documents", anchor="archive-documents")
    st.caption("Click a column header to sort; select a row to open that incident's full report below.")
    paths = [str(p) for p in df["path"]]
    st.dataframe(
        df,
        key="archive_table",
        hide_index=True,
        width="stretch",
        on_select=lambda: _on_table_select(paths),
        selection_mode="single-row",
        column_config={
            "title": st.column_config.TextColumn("Title", width="large"),
            "date": st.column_config.DateColumn("Date"),
            "score": st.column_config.ProgressColumn("Score", min_value=0, max_value=100, format="%d"),
            "blame": st.column_config.NumberColumn("Blame"),
            "action": st.column_config.NumberColumn("Action"),
            "section": st.column_config.NumberColumn("Section"),
            "timeline": st.column_config.NumberColumn("Timeline"),
            "whys": st.column_config.NumberColumn("Whys"),
            "missing_sections": st.column_config.TextColumn("Missing sections", width="medium"),
            "ai_incident": st.column_config.CheckboxColumn("AI/ML"),
            "path": st.column_config.TextColumn("File"),
            "error": st.column_config.TextColumn("Error"),
        },
    )
    left, right = st.columns(2)
    with left:
        st.subheader("Distribution of scores", anchor="archive-scores")
        st.bar_chart(score_bands(ok["score"]), x="score", y="documents", color="#1c7ed6", sort=False)
    with right:
        st.subheader("Findings per family over time", anchor="archive-trend")
        trend, unit, n_dated = family_trend(ok)
        if trend is None:
            st.caption("No document has a date (front matter `date:` or a dated timeline), so there is no time line.")
        else:
            st.bar_chart(trend, x_label=unit, y_label="findings per document", stack=True,
                         color=[FAMILY_COLOURS[f] for f in trend.columns])
            st.caption(f"Average findings per document in each {unit}, by rule family ({n_dated} dated documents).")


FAMILY_COLOURS = {"blame": "#d6336c", "action": "#e8890c", "whys": "#f7c948", "section": "#1c7ed6", "timeline": "#74c0fc"}


def family_trend(df):
    """(average findings per document per period and family, period unit, dated documents), or
    (None, "", 0) without dates. Periods are years over long spans, else quarters or months."""
    dated = df.dropna(subset=["date"])
    if dated.empty:
        return None, "", 0
    days = (dated["date"].max() - dated["date"].min()).days
    freq, unit = ("YS", "year") if days > 3 * 365 else ("QS", "quarter") if days > 365 else ("MS", "month")
    grouped = dated.set_index("date")[list(FAMILY_COLUMNS)].astype(float).resample(freq)
    trend = grouped.mean().dropna(how="all")
    if unit == "year":
        trend.index = trend.index.strftime("%Y")
    elif unit == "quarter":
        trend.index = [f"{d.year} Q{(d.month - 1) // 3 + 1}" for d in trend.index]
    else:
        trend.index = trend.index.strftime("%Y-%m")
    trend.index.name = unit
    return trend, unit, len(dated)


def _rep_path(rep: Any) -> tuple[str, str]:
    """(path, title) of a cluster's representative, whatever shape the clustering gives it."""
    if isinstance(rep, str):
        return rep, Path(rep).stem
    if isinstance(rep, dict):
        path = str(rep.get("path", ""))
        return path, str(rep.get("title") or Path(path).stem)
    path = str(getattr(rep, "path", rep))
    return path, str(getattr(rep, "title", None) or Path(path).stem)


def open_incident(path: str) -> None:
    st.session_state["archive_open"] = path


TOP_CLUSTERS = 12


def cluster_chart(clusters: Sequence[Any]):
    """Horizontal bars of cluster sizes, largest first, with the labels in full."""
    import altair as alt
    import pandas as pd

    data = pd.DataFrame({"cause": [str(c.label) for c in clusters], "incidents": [int(c.size) for c in clusters]})
    return (
        alt.Chart(data, height=28 * len(data) + 20)
        .mark_bar(color="#d6336c")
        .encode(
            x=alt.X("incidents:Q", title="incidents", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("cause:N", sort="-x", title=None, axis=alt.Axis(labelLimit=420)),
            tooltip=["cause", "incidents"],
        )
    )


def render_clusters(result: dict[str, Any]) -> None:
    import pandas as pd

    st.subheader("Recurring causes", anchor="archive-clusters")
    if result.get("cluster_error"):
        st.info(f"No clusters: {result['cluster_error']}")
        return
    clusters = list(getattr(result.get("clusters"), "clusters", None) or [])
    if not clusters:
        st.caption("Not enough documents to find recurring causes.")
        return
    clusters.sort(key=lambda c: (-int(c.size), str(c.label)))
    top, rest = clusters[:TOP_CLUSTERS], clusters[TOP_CLUSTERS:]
    n_docs = sum(int(c.size) for c in clusters)
    st.caption(
        f"{len(clusters)} recurring causes across {n_docs} incidents"
        + (f"; the {len(top)} largest are charted and detailed below." if rest else ".")
    )
    st.altair_chart(cluster_chart(top), width="stretch")
    for c in top:
        with st.expander(f"{c.label} — {c.size} incident{'s' if c.size != 1 else ''}", expanded=False):
            span = " to ".join(str(x) for x in (c.start, c.end) if x)
            if span:
                st.caption(f"From {span}")
            if getattr(c, "missing_guardrail", None):
                st.markdown(f"**Missing guardrail:** {md_escape(c.missing_guardrail)}")
            if getattr(c, "key_phrases", None):
                st.markdown("**Key phrases:** " + ", ".join(md_escape(p) for p in list(c.key_phrases)[:10]))
            per_period = dict(getattr(c, "per_period", None) or {})
            if per_period:
                st.bar_chart(pd.Series(per_period, name="incidents").sort_index(), height=160, color="#d6336c")
            st.markdown("**Representative incidents**")
            for i, rep in enumerate(list(c.representatives)[:5]):
                path, title = _rep_path(rep)
                st.button(f"Open: {title}", key=f"open_{c.id}_{i}", on_click=open_incident, args=(path,))
    if rest:
        with st.expander(f"{len(rest)} smaller clusters"):
            st.dataframe(
                pd.DataFrame({
                    "cause": [str(c.label) for c in rest],
                    "incidents": [int(c.size) for c in rest],
                    "from": [c.start for c in rest],
                    "to": [c.end for c in rest],
                    "missing guardrail": [getattr(c, "missing_guardrail", None) for c in rest],
                    "example": [_rep_path(c.representatives[0])[1] if c.representatives else "" for c in rest],
                }),
                hide_index=True,
                width="stretch",
            )


def render_incident(result: dict[str, Any], path: str, config: Config) -> None:
    """One archive document's full report, marked up like a draft."""
    from analyzer.reading.inputs import read_draft

    report = result["scored"].reports.get(path)
    if report is None:
        st.info("No report for this document.")
        return
    root = Path(result["root"])
    file = Path(path) if Path(path).is_absolute() else root / path
    text = None
    if file.resolve().is_relative_to(root.resolve()):
        with contextlib.suppress(PmlintError, OSError):
            text = read_draft(str(file), config["max_file_mb"])
    if report.error:
        st.error(f"{path}: {report.error}")
        return
    render_scoreboard(report, config)
    if text is not None and report.findings and max(f.end for f in report.findings) <= len(text):
        render_markup(text, report, config)
    else:
        st.html(panel_html(number_findings(report)))
    with st.expander("Section checklist", expanded=False):
        render_checklist(report, config)


def version_caption(settings: Settings) -> str:
    return f"pmlint {__version__} · configuration: {' ← '.join(settings.base.sources)}"


__all__ = [
    "GROUPS", "Settings", "analyze_draft", "archive_frame", "archive_modules", "archive_root", "biggest_lift",
    "card_html", "example_draft", "friendly_errors", "group_of", "highlight_html", "inject_css", "load_example",
    "load_settings", "md_escape", "missing_sections", "number_findings", "on_upload", "panel_html", "read_upload",
    "render_archive_overview", "render_checklist", "render_clusters", "render_downloads", "render_fixer",
    "render_incident", "render_markup", "render_scoreboard", "render_similar", "report_json", "report_markdown",
    "resolve_archive_dir", "run_archive", "save_uploads", "score_penalties", "set_draft", "show_input_messages",
]
