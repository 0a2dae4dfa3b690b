"""What the app shows, as plain HTML and Markdown built from Reports: highlights, finding cards,
the findings panel, the section checklist's data, the score's "what would raise it most", and the
report downloads. No Streamlit here, so every piece is tested directly.

The user's text is never rendered as raw HTML: highlight and card HTML is built only from
`html.escape`d text, and user text shown through Markdown goes through `md_escape`.
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter, defaultdict
from importlib.resources import files
from pathlib import Path
from typing import Sequence


from analyzer.version import __version__
from analyzer.config import Config
from analyzer.errors import InputError
from analyzer.findings import Finding, Report, Severity
from analyzer.output.fixer import rewrite_of
from analyzer.reading.inputs import decode

UPLOAD_TYPES = ("md", "markdown", "txt")
EXAMPLE_RESOURCE = "data/example-draft.md"  # packaged copy of examples/problematic-llm-support-bot.md
EXAMPLE_FALLBACK = Path("examples") / "problematic-llm-support-bot.md"  # in a source checkout
PROFILE_LABELS = {"auto": "Detected automatically", "ai": "AI/ML incident", "general": "General incident",
                  "near_miss": "Near miss"}
SEVERITY_ORDER = (Severity.ERROR, Severity.WARNING, Severity.SUGGESTION)
# Findings are coloured by what the reviewer is pointing at, not by their exact rule family.
GROUPS: dict[str, str] = {"blame": "Blame", "why": "What, not why", "structure": "Structure"}
_FAMILY_GROUP = {"blame": "blame", "action": "why", "cause": "why", "whys": "why", "counterfactual": "why"}
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


def streamlit_upload_mb(max_mb: float) -> int:
    """Streamlit's server.maxUploadSize counts megabytes of 10^6 bytes; pmlint's limits are MiB.
    The Streamlit limit is the MiB limit rounded up in its unit, so pmlint's own check decides."""
    return max(1, math.ceil(max_mb * 1024 * 1024 / 1_000_000))


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
    shown = folder if len(folder) <= 80 else folder[:77] + "…"
    if "\x00" in folder or len(folder) > 4096:
        raise InputError(f"“{shown!r}” is not a usable folder name (a NUL byte or more than 4096 characters).")
    try:
        path = Path(folder.strip()).expanduser()
        path = (path if path.is_absolute() else root / path).resolve()
        if not path.is_relative_to(root):
            raise InputError(f"“{shown}” is outside the archive root {root} (set app.archive_root in .pmlint.yaml to allow it).")
        if not path.is_dir():
            raise InputError(f"“{shown}” is not a folder inside {root}.")
    except (OSError, ValueError, RuntimeError) as exc:  # a name too long, a symlink loop
        raise InputError(f"“{shown}” cannot be used as a folder: {getattr(exc, 'strerror', None) or exc}.") from None
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
        where = f"“{hit.heading}”" if hit and hit.heading else (f"no heading: {hit.evidence}" if hit else "")
        status = f"present: {where} (line {hit.line})" if hit else "**missing**"
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
